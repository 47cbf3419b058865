"""One customer's journey: every ticket, status change and survey in time order.

Service is one interaction; experience is the whole journey. The NPS and CSAT lines above the
events show how this customer's scores moved, each score coloured by its band. What the
customer wrote is the point of the journey, so an event's text wraps under its own column
instead of being cut; a journey is at most a few thousand events (queries.JOURNEY_LIMIT),
so they are all held, not paged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.widgets import Footer, OptionList, Static

from cxtui import queries
from cxtui.queries import Journey, JourneyEvent
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.source import read
from cxtui.tui.status_line import StatusLine
from cxtui.tui.ticket import ROLE_STYLE

SCORES_SHOWN = 8
EVENT_NAMES = {"ticket_created": "opened", "status": "status", "survey": "survey"}
TEXT_AT_LEAST = 20
"""The narrowest the "What happened" column gets; the fixed columns give way first."""

Cell = tuple[str, str]
"""(text already made safe with formatting.data, style)."""


@dataclass(frozen=True)
class Column:
    """A fixed-width column of the events; the event's text takes the rest of the line."""

    title: str
    width: int
    cell: Callable[[JourneyEvent], Cell]


def event_lines(columns: Sequence[Column], text: Cell, event: JourneyEvent, width: int) -> Content:
    """One event: its fixed columns, then its text wrapped to the room left, the lines after
    the first indented under the text's column."""
    indent = sum(column.width + 1 for column in columns)
    room = max(TEXT_AT_LEAST, width - indent)
    parts: list[Content | str] = []
    for column in columns:
        cell, style = column.cell(event)
        parts += [Content.styled(fit_cell(cell, column.width), style), " "]
    first = Content.assemble(*parts)
    words, style = text
    wrapped = Content.styled(words, style).wrap(room) if words else [Content("")]
    lines = [first + wrapped[0], *(Content(" " * indent) + rest for rest in wrapped[1:])]
    return Content("\n").join(lines)


def fit_cell(text: str, width: int) -> str:
    """A fixed column's text padded to its width (cut with "…" only if an id is longer)."""
    shown = Content(text).truncate(width, ellipsis=True).plain
    return shown + " " * (width - Content(shown).cell_length)


class EventList(OptionList):
    """The journey's events, each as tall as its text needs; `j`/`k` move as in the lists."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("g", "first", "Top", show=False),
        Binding("G", "last", "Bottom", show=False),
        Binding("enter", "select", "Open"),
    ]

    def __init__(
        self,
        columns: Sequence[Column],
        text: Callable[[JourneyEvent], Cell],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, markup=False, compact=True)
        self.columns = list(columns)
        self.text = text
        self.events: list[JourneyEvent] = []
        self.drawn_width = 0

    def show_events(
        self, events: Sequence[JourneyEvent], key: Callable[[JourneyEvent], object]
    ) -> None:
        """Show `events`, keeping the selected one selected when it is still there."""
        selected = self.selected
        self.events = list(events)
        self.redraw()
        keys = [key(event) for event in self.events]
        wanted = key(selected) if selected is not None else None
        self.highlighted = keys.index(wanted) if wanted in keys else (0 if keys else None)

    def redraw(self) -> None:
        highlighted = self.highlighted
        width = self.scrollable_content_region.width
        self.drawn_width = width
        self.set_options(
            event_lines(self.columns, self.text(event), event, width) for event in self.events
        )
        if highlighted is not None and highlighted < len(self.events):
            self.highlighted = highlighted

    def on_resize(self, _event: Resize) -> None:
        if self.events and self.scrollable_content_region.width != self.drawn_width:
            self.redraw()

    @property
    def selected(self) -> JourneyEvent | None:
        index = self.highlighted
        return None if index is None or index >= len(self.events) else self.events[index]


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def score_line(name: str, points: list[tuple[int, int]], kind: str, zone: ZoneInfo) -> Content:
    """The latest few scores, oldest first, each dated: NPS  3 (03-01) → 8 (03-20) → 10 (04-02)."""
    if not points:
        return Content.assemble((f"{name:<5}", "bold"), ("no responses", "dim"))
    shown = points[-SCORES_SHOWN:]
    parts: list[str | tuple[str, str]] = [(f"{name:<5}", "bold")]
    if len(points) > len(shown):
        parts.append(f"… {len(points) - len(shown)} earlier → ")
    for i, (at, score) in enumerate(shown):
        role = fmt.BAND_ROLES.get(queries.survey_category(kind, score), "")
        parts += [(f"{score}", ROLE_STYLE[role]), (f" ({fmt.moment(at, zone)[5:10]})", "dim")]
        if i < len(shown) - 1:
            parts.append(" → ")
    return Content.assemble(*parts)


class JourneyScreen(DrillScreen):
    """All of one customer's contacts; Enter on an event opens its ticket."""

    help_name = "Customer journey"

    class Loaded(Message):
        def __init__(self, journey: Journey) -> None:
            super().__init__()
            self.journey = journey

    def __init__(self, customer_id: str) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.journey: Journey | None = None

    def compose(self) -> ComposeResult:
        mask = self.cx.config.mask_pii
        yield Static(
            Content.assemble(
                ("Customer ", "bold"), (fmt.data(self.customer_id, mask=mask), "bold")
            ),
            classes="screen-title",
        )
        yield Static("loading…", id="scores")
        columns = self.columns()
        yield Static(
            Content.assemble(
                *(f"{column.title:<{column.width}} " for column in columns),
                "What happened",
            ),
            classes="list-header",
        )
        yield EventList(columns, self.event_text, id="events")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#events", EventList).focus()

    def refresh_data(self) -> None:
        self.load(self.customer_id, self.cx.window().as_of)

    @work(thread=True, group="journey", exclusive=True, exit_on_error=False)
    def load(self, customer_id: str, as_of: int) -> None:
        try:
            journey = read(
                self.cx.engine, lambda s: queries.customer_journey(s, customer_id, as_of)
            )
        except Exception as exc:  # shown on screen rather than crashing the app
            self.app.call_from_thread(
                self.notify, f"Cannot read journey: {fmt.data(exc)}", severity="error", markup=False
            )
            return
        self.post_message(self.Loaded(journey))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        journey = message.journey
        if journey == self.journey:
            return
        self.journey = journey
        mask = self.cx.config.mask_pii
        title: list[str | tuple[str, str]] = [
            ("Customer ", "bold"),
            (fmt.data(journey.customer_id, mask=mask), "bold"),
            f" · {plural(len(journey.tickets), 'ticket')}",
            f" · {plural(len(journey.surveys), 'survey')}",
        ]
        if journey.truncated:
            title.append((" · latest only", "$warning"))
        self.query_one(".screen-title", Static).update(Content.assemble(*title))
        self.query_one("#scores", Static).update(
            Content("\n").join(
                [
                    score_line("NPS", journey.nps_over_time, "nps", self.cx.zone),
                    score_line("CSAT", journey.csat_over_time, "csat", self.cx.zone),
                ]
            )
        )
        self.query_one("#events", EventList).show_events(journey.events, self.event_key)

    @staticmethod
    def event_key(event: JourneyEvent) -> object:
        return (event.at, event.kind, event.ticket_id, event.text)

    def columns(self) -> list[Column]:
        zone = self.cx.zone

        def what(event: JourneyEvent) -> Cell:
            if event.survey is not None:
                role = fmt.BAND_ROLES.get(event.survey.category, "")
                return EVENT_NAMES[event.kind], ROLE_STYLE[role]
            style = "" if event.kind == "status" else "bold"
            return EVENT_NAMES.get(event.kind, event.kind), style

        return [
            Column("When", 16, lambda e: (fmt.moment(e.at, zone), "dim")),
            Column("Event", 7, what),
            Column("Ticket", 12, lambda e: (fmt.data(e.ticket_id), "bold")),
        ]

    def event_text(self, event: JourneyEvent) -> Cell:
        return fmt.data(event.text, mask=self.cx.config.mask_pii), ""

    @on(OptionList.OptionSelected, "#events")
    def _open(self, message: OptionList.OptionSelected) -> None:
        """A survey opens in full (its comment, who, when); any other event its ticket."""
        events = self.query_one("#events", EventList).events
        event = events[message.option_index]
        if event.survey is not None:
            self.cx.open_survey(event.survey)
        elif event.ticket_id:
            self.cx.open_ticket(event.ticket_id)
