"""One customer's journey: every ticket, status change and survey in time order.

Service is one interaction; experience is the whole journey. The NPS and CSAT lines above the
events show how this customer's scores moved, each score coloured by its band.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from cxtui import queries
from cxtui.queries import Journey, JourneyEvent
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.paged_list import Cell, Column, PagedList, RowSource
from cxtui.tui.source import read
from cxtui.tui.status_line import StatusLine
from cxtui.tui.ticket import ROLE_STYLE

SCORES_SHOWN = 8
EVENT_NAMES = {"ticket_created": "opened", "status": "status", "survey": "survey"}


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def score_line(
    name: str, points: list[tuple[int, int]], kind: str, zone: ZoneInfo, this_year: int
) -> Content:
    """The latest few scores, oldest first, each dated: NPS  3 (03-01) → 8 (03-20) → 10 (04-02),
    with the year on the dates of other years (2025-12-30)."""
    if not points:
        return Content.assemble((f"{name:<5}", "bold"), ("no responses", "dim"))
    shown = points[-SCORES_SHOWN:]
    parts: list[str | tuple[str, str]] = [(f"{name:<5}", "bold")]
    if len(points) > len(shown):
        parts.append(f"… {len(points) - len(shown)} earlier → ")
    for i, (at, score) in enumerate(shown):
        role = fmt.BAND_ROLES.get(queries.survey_category(kind, score), "")
        parts += [(f"{score}", ROLE_STYLE[role]), (f" ({fmt.day(at, zone, this_year)})", "dim")]
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
        yield PagedList(self.cx.engine, self.columns(), key=self.event_key, id="events")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#events", PagedList).focus()

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
        first = self.journey is None
        self.journey = journey
        mask = self.cx.config.mask_pii
        this_year = fmt.year_now(self.cx.now(), self.cx.zone)
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
                    score_line("NPS", journey.nps_over_time, "nps", self.cx.zone, this_year),
                    score_line("CSAT", journey.csat_over_time, "csat", self.cx.zone, this_year),
                ]
            )
        )
        events = list(journey.events)
        self.query_one("#events", PagedList).load(
            RowSource(
                count=lambda session: len(events),
                page=lambda session, offset, limit: events[offset : offset + limit],
            ),
            keep_position=not first,
        )

    @staticmethod
    def event_key(event: JourneyEvent) -> object:
        return (event.at, event.kind, event.ticket_id, event.text)

    def columns(self) -> list[Column[JourneyEvent]]:
        zone = self.cx.zone
        mask = self.cx.config.mask_pii

        def what(event: JourneyEvent) -> Cell:
            if event.survey is not None:
                return EVENT_NAMES[event.kind], fmt.BAND_ROLES.get(event.survey.category, "")
            role = "" if event.kind == "status" else "strong"
            return EVENT_NAMES.get(event.kind, event.kind), role

        return [
            Column("When", 16, lambda e: (fmt.moment(e.at, zone), "dim")),
            Column("Event", 7, what),
            Column("Ticket", 12, lambda e: (fmt.data(e.ticket_id), "strong")),
            Column("What happened", 0, lambda e: (fmt.data(e.text, mask=mask), "")),
        ]

    @on(PagedList.Chosen)
    def _open(self, message: PagedList.Chosen) -> None:
        event: JourneyEvent = message.row
        if event.ticket_id:
            self.cx.open_ticket(event.ticket_id)
