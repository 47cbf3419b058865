"""One customer's journey: every ticket, status change and survey in time order.

Service is one interaction; experience is the whole journey. The NPS and CSAT lines above the
events show how this customer's scores moved, each score coloured by its band. What the
customer wrote is the point of the journey, so under the list the selected event is shown
whole, its text wrapped, however narrow the terminal: a row only has room for its start.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from cxtui import queries
from cxtui.queries import Journey, JourneyEvent
from cxtui.report import plural
from cxtui.tui import formatting as fmt
from cxtui.tui.lists import ListScreen
from cxtui.tui.paged_list import Cell, Column, PagedList, RowSource
from cxtui.tui.source import read
from cxtui.tui.ticket import ROLE_STYLE

SCORES_SHOWN = 8
EVENT_NAMES = {"ticket_created": "opened", "status": "status", "survey": "survey"}


def arrange(
    events: list[JourneyEvent], search: str, sort: str, descending: bool
) -> list[JourneyEvent]:
    """The events matching `search` (any case, in the ticket, event or text), sorted by a
    column; ties, and the "when" order itself, keep the journey's time order."""
    needle = search.strip().casefold()
    chosen = [
        (i, e)
        for i, e in enumerate(events)
        if not needle
        or any(
            needle in (text or "").casefold()
            for text in (e.ticket_id, EVENT_NAMES.get(e.kind, e.kind), e.text)
        )
    ]
    if sort == "when":
        return [e for _, e in (reversed(chosen) if descending else chosen)]

    def value(event: JourneyEvent) -> str:
        if sort == "event":
            return EVENT_NAMES.get(event.kind, event.kind)
        return ((event.ticket_id if sort == "ticket" else event.text) or "").casefold()

    ordered = sorted(chosen, key=lambda pair: value(pair[1]), reverse=descending)
    # sorted() is stable, and reverse=True keeps ties in their original order too.
    return [e for _, e in ordered]


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


class JourneyScreen(ListScreen):
    """All of one customer's contacts; Enter on an event opens its ticket.

    The journey is read once (at most JOURNEY_LIMIT tickets and surveys); searching and
    sorting then work on the events in hand, in the list's worker thread.
    """

    row_noun = "event"

    kind = "journey"
    help_name = "Customer journey"
    search_hint = "search: ticket, event, what happened"
    default_sort = "when"

    class Loaded(Message):
        def __init__(self, journey: Journey) -> None:
            super().__init__()
            self.journey = journey

    def __init__(self, customer_id: str) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.journey: Journey | None = None

    def above_rows(self) -> ComposeResult:
        yield Static("loading…", id="scores")

    def below_rows(self) -> ComposeResult:
        yield Static("", id="event-text", markup=False)

    def list_title(self) -> list[str | tuple[str, str]]:
        mask = self.cx.config.mask_pii
        title: list[str | tuple[str, str]] = [
            ("Customer ", "bold"),
            (fmt.data(self.customer_id, mask=mask), "bold"),
        ]
        journey = self.journey
        if journey is not None:
            title += [
                f" · {plural(len(journey.tickets), 'ticket')}",
                f" · {plural(len(journey.surveys), 'survey')}",
            ]
            if journey.truncated:
                title.append((" · latest only", "$warning"))
        return title

    def all_time(self) -> bool:
        return True

    def sort_name(self) -> str:
        return "" if (self.sort, self.descending) == ("when", False) else super().sort_name()

    def refresh_view(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self.load(self.customer_id, self.cx.window().as_of)

    def reorder(self) -> None:
        if self.journey is not None:
            self.rows.load(self.source(), keep_position=False)
        self.show_title()

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
        this_year = fmt.year_now(self.cx.now(), self.cx.zone)
        self.show_title()
        self.query_one("#scores", Static).update(
            Content("\n").join(
                [
                    score_line("NPS", journey.nps_over_time, "nps", self.cx.zone, this_year),
                    score_line("CSAT", journey.csat_over_time, "csat", self.cx.zone, this_year),
                ]
            )
        )
        self.rows.load(self.source(), keep_position=not first)

    def source(self) -> RowSource[JourneyEvent]:
        events = [] if self.journey is None else self.journey.events
        search, sort, descending = self.search, self.sort, self.descending
        shown: list[JourneyEvent] = []

        def narrowed() -> list[JourneyEvent]:
            # Worked out once per load, in the list's worker thread.
            if not shown:
                shown.extend(arrange(events, search, sort, descending))
            return shown

        return RowSource(
            count=lambda session: len(narrowed()),
            page=lambda session, offset, limit: narrowed()[offset : offset + limit],
        )

    def copy_text(self, row: object) -> str | None:
        assert isinstance(row, JourneyEvent)
        return row.ticket_id

    @staticmethod
    def event_key(event: JourneyEvent) -> object:
        return (event.at, event.kind, event.ticket_id, event.text)

    def row_key(self, row: object) -> object:
        assert isinstance(row, JourneyEvent)
        return self.event_key(row)

    def columns(self) -> list[Column[JourneyEvent]]:
        zone = self.cx.zone
        mask = self.cx.config.mask_pii

        def what(event: JourneyEvent) -> Cell:
            if event.survey is not None:
                return EVENT_NAMES[event.kind], fmt.BAND_ROLES.get(event.survey.category, "")
            role = "" if event.kind == "status" else "strong"
            return EVENT_NAMES.get(event.kind, event.kind), role

        def happened(event: JourneyEvent) -> Cell:
            # After the moment shown (time travel): still to come then, so said and dimmed.
            shown_at = None if self.journey is None else self.journey.as_of
            if shown_at is not None and event.at > shown_at:
                return f"later: {fmt.data(event.text, mask=mask)}", "dim"
            return fmt.data(event.text, mask=mask), ""

        return [
            Column("When", 16, lambda e: (fmt.moment(e.at, zone), "dim"), sort="when"),
            Column("Event", 7, what, sort="event"),
            Column("Ticket", 12, lambda e: (fmt.data(e.ticket_id), "strong"), sort="ticket"),
            Column("What happened", 0, happened, sort="text"),
        ]

    @on(PagedList.Highlighted)
    def _show_whole(self, message: PagedList.Highlighted) -> None:
        event: JourneyEvent | None = message.row
        shown = self.query_one("#event-text", Static)
        if event is None or not event.text:
            shown.update("")
            return
        what = EVENT_NAMES.get(event.kind, event.kind)
        shown.update(
            Content.assemble(
                (f"{fmt.moment(event.at, self.cx.zone)} {what} ", "dim"),
                (fmt.data(event.ticket_id), "bold"),
                "  ",
                fmt.data(event.text, mask=self.cx.config.mask_pii),
            )
        )

    @on(PagedList.Chosen)
    def _open(self, message: PagedList.Chosen) -> None:
        """A survey opens in full (its comment, who, when); any other event its ticket."""
        event: JourneyEvent = message.row
        if event.survey is not None:
            self.cx.open_survey(event.survey)
        elif event.ticket_id:
            self.cx.open_ticket(event.ticket_id)
