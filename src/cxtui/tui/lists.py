"""The lists behind the panes: tickets (open, by first reply, unresolved) and survey responses.

Each list pages from the database through a PagedList. `/` narrows by text as it is typed,
`s` (or a click on a header) sorts by a column, Enter opens the row. New data reloads the list
in place. The customer journey and the quarantined rows are lists of the same kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from cxtui import queries
from cxtui.metrics import Filters
from cxtui.queries import SurveyRow, TicketQuery, TicketRow
from cxtui.report import plural
from cxtui.segment_filter import describe_segment
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.paged_list import ASCENDING, DESCENDING, Cell, Column, PagedList, RowSource
from cxtui.tui.sla_text import STATE_CELLS, due_cell
from cxtui.tui.status_line import StatusLine

SEARCH_DELAY = 0.15
"""How long typing pauses before the list narrows: one query per pause, not per key."""

LIST_TITLES = {
    "open": "Open tickets",
    "first_response": "Tickets by first reply",
    "unresolved": "Unresolved and reopened tickets",
    "all": "All tickets",
    "surveys": "Survey responses",
}
ALL_TIME_KINDS = ("open", "all")
"""Ticket lists not limited to the window: every open ticket, every ticket."""
SORT_NAMES = {
    ("created", False): "oldest first",
    ("created", True): "newest first",
    ("age", True): "oldest first",
    ("age", False): "newest first",
    ("due", False): "next SLA breach first",
    ("prio", True): "most urgent first",
    ("first_reply", True): "slowest first reply first",
    ("first_reply", False): "fastest first reply first",
    ("reop", True): "most reopened first",
    ("band", False): "unhappiest first",
}


class ListScreen(DrillScreen):
    """A titled PagedList that narrows as text is typed and sorts by any of its columns;
    subclasses say what the rows are."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search"),
        Binding("s", "sort", "Sort"),
    ]

    kind: str
    help_name = "List"
    search_hint = "search: id, subject, customer, agent"
    default_sort = ""

    def __init__(self) -> None:
        super().__init__()
        self.search = ""
        self.sort = self.default_sort
        self.descending = False
        self.as_of = 0
        self.total: int | None = None
        self.new = 0
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="screen-title")
        yield from self.above_rows()
        yield PagedList(
            self.cx.engine,
            self.columns(),
            key=self.row_key,
            copy_text=self.copy_text,
            export_name=self.kind.replace("_", "-"),
            id="rows",
        )
        yield from self.below_rows()
        yield Input(placeholder=self.search_hint, id="search", compact=True)
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def above_rows(self) -> ComposeResult:
        yield from ()

    def below_rows(self) -> ComposeResult:
        yield from ()

    @property
    def rows(self) -> PagedList:
        return self.query_one("#rows", PagedList)

    @property
    def search_pending(self) -> bool:
        """Typed text waits for a pause before the list narrows (tests wait for this)."""
        return self._search_timer is not None

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.rows.show_sort(self.sort, self.descending)
        self.rows.focus()
        self.show_title()

    def refresh_view(self) -> None:
        self.as_of = self.cx.window().as_of
        self.rows.load(self.source(), keep_position=False)

    def refresh_data(self) -> None:
        as_of = self.cx.window().as_of
        clock_moved = as_of != self.as_of
        self.as_of = as_of
        self.rows.load(self.source(), keep_position=True, redraw=clock_moved)

    def reorder(self) -> None:
        """The search or the sort changed: show the list again from the top."""
        self.refresh_view()
        self.show_title()

    def columns(self) -> list[Column]:
        return []

    def source(self) -> RowSource:
        return RowSource(count=lambda session: 0, page=lambda session, offset, limit: [])

    def row_key(self, row: object) -> object:
        return getattr(row, "id", None)

    def copy_text(self, row: object) -> str | None:
        """What `y` copies: the row's id."""
        key = self.row_key(row)
        return None if key is None else str(key)

    # --- the title ----------------------------------------------------------------------

    def list_title(self) -> list[str | tuple[str, str]]:
        return [(LIST_TITLES[self.kind], "bold")]

    row_noun = "ticket"
    """What one row is, so the title says "420 tickets" rather than a bare number."""

    def all_time(self) -> bool:
        """True when the list ignores the window (the title then says "all time")."""
        return False

    def scope(self) -> str:
        if self.all_time():
            return "all time"
        return f"last {fmt.window_name(self.cx.view.window_seconds)}"

    def sort_name(self) -> str:
        named = SORT_NAMES.get((self.sort, self.descending))
        if named:
            return named
        titles = [c.title for c in self.columns() if c.sort == self.sort]
        if not titles:
            return ""
        return f"by {titles[-1]} {DESCENDING if self.descending else ASCENDING}"

    def show_title(self) -> None:
        parts = [*self.list_title(), " · ", self.scope()]
        if self.total is not None:
            parts += [" · ", plural(self.total, self.row_noun)]
        if sort := self.sort_name():
            parts += [" · ", f"sorted {sort}"]
        if self.search:
            shown = fmt.data(self.search, mask=self.cx.config.mask_pii, max_len=30)
            parts += [" · ", f"matching “{shown}”"]
        if self.new:
            parts += ["  ", (f" +{self.new:,} new ", "reverse bold")]
        self.query_one(".screen-title", Static).update(Content.assemble(*parts))

    @on(PagedList.Counted)
    def _counted(self, message: PagedList.Counted) -> None:
        self.total = message.total
        self.new = message.new
        self.show_title()

    # --- search -------------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.value = self.search
        box.display = True
        box.focus()

    @on(Input.Changed, "#search")
    def _typed(self, message: Input.Changed) -> None:
        message.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._narrow)

    def _narrow(self) -> None:
        self._search_timer = None
        self.set_search(self.query_one("#search", Input).value)

    def set_search(self, text: str) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if text.strip() != self.search:
            self.search = text.strip()
            self.reorder()

    @on(Input.Submitted, "#search")
    def _searched(self, message: Input.Submitted) -> None:
        message.stop()
        self.set_search(message.value)
        self.close_search()

    def close_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = False
        self.rows.focus()

    def action_back(self) -> None:
        """Esc clears the search first (typing in it or not); once clear it goes back."""
        box = self.query_one("#search", Input)
        if box.display or self.search:
            box.value = ""
            self.set_search("")
            self.close_search()
        else:
            super().action_back()

    # --- sorting ------------------------------------------------------------------------

    def sort_choices(self) -> list[tuple[str, str]]:
        """(sort key, name) of each sortable column once, columns sharing a key named together."""
        names: dict[str, list[str]] = {}
        for column in self.columns():
            if column.sort:
                names.setdefault(column.sort, []).append(column.title)
        return [(key, " / ".join(titles)) for key, titles in names.items()]

    def action_sort(self) -> None:
        from cxtui.tui.sort_menu import SortMenu

        menu = SortMenu(self.sort_choices(), self.sort, self.descending)
        self.app.push_screen(menu, self.sort_by)

    @on(PagedList.SortRequested)
    def _header_clicked(self, message: PagedList.SortRequested) -> None:
        message.stop()
        self.sort_by(message.sort)

    def sort_by(self, sort: str | None) -> None:
        """Sort by a column; the column already sorted by turns the other way round."""
        if not sort:
            return
        if sort == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = sort, False
        self.rows.show_sort(self.sort, self.descending)
        self.reorder()


class TicketListScreen(ListScreen):
    """Tickets of one list kind (see queries.LIST_KINDS); Enter opens the ticket."""

    def __init__(self, kind: str, sort: str = "", narrowed: Filters | None = None) -> None:
        """`narrowed`: the one agent, queue or channel the agents screen opened this for,
        on top of the app's filters."""
        super().__init__()
        self.kind = kind
        self.sort, self.descending = queries.ticket_sort(kind, sort)
        self.narrowed = narrowed

    def filters(self) -> Filters:
        if self.narrowed is None:
            return self.cx.view.filters
        chosen = {k: v for k, v in vars(self.narrowed).items() if v is not None}
        return replace(self.cx.view.filters, **chosen)

    def list_title(self) -> list[str | tuple[str, str]]:
        title = super().list_title()
        if self.narrowed is None:
            return title
        chosen = [f"{k} {fmt.data(v)}" for k, v in vars(self.narrowed).items() if v is not None]
        return [*title, " of " + ", ".join(chosen)]

    def all_time(self) -> bool:
        return self.kind in ALL_TIME_KINDS

    def source(self) -> RowSource[TicketRow]:
        query = TicketQuery(
            kind=self.kind,
            window=self.cx.window(),
            filters=self.filters(),
            search=self.search,
            sort=self.sort,
            descending=self.descending,
        )
        return RowSource(
            count=lambda session: queries.count_tickets(session, query),
            page=lambda session, offset, limit: queries.ticket_page(session, query, offset, limit),
        )

    @on(PagedList.Chosen)
    def _open(self, message: PagedList.Chosen) -> None:
        self.cx.open_ticket(message.row.id)

    def columns(self) -> list[Column[TicketRow]]:
        mask = self.cx.config.mask_pii
        zone = self.cx.zone

        def sla(row: TicketRow) -> Cell:
            return STATE_CELLS[row.sla.state]

        def due(row: TicketRow) -> Cell:
            return due_cell(row.sla, self.as_of)

        def age(row: TicketRow) -> Cell:
            return fmt.duration(self.as_of - row.created_at), ""

        def created(row: TicketRow) -> Cell:
            return fmt.moment(row.created_at, zone), "dim"

        def first_reply(row: TicketRow) -> Cell:
            if row.first_response_at is None:
                return fmt.MISSING, "dim"
            return fmt.duration(row.first_response_at - row.created_at), "strong"

        def text(name: str, role: str = "", masked: bool = False) -> Callable[[TicketRow], Cell]:
            return lambda row: (fmt.data(getattr(row, name), mask=masked and mask), role)

        when: list[Column[TicketRow]] = (
            [Column("Age", 7, age, right=True, sort="age")]
            if self.kind == "open"
            else [Column("Created", 16, created, sort="created")]
        )
        if self.kind == "first_response":
            when.append(Column("1st reply", 9, first_reply, right=True, sort="first_reply"))
        if self.kind == "unresolved":
            reopens = Column(
                "Reop", 4, lambda row: (fmt.data(row.reopens), "warn"), right=True, sort="reop"
            )
            when.append(reopens)
        return [
            Column("SLA", 6, sla, sort="due"),
            Column("Due", 15, due, sort="due"),
            Column("Ticket", 12, text("id", "strong"), sort="id"),
            *when,
            Column("Status", 8, text("status"), sort="status"),
            Column("Prio", 6, text("priority"), sort="prio"),
            Column("Agent", 14, text("agent", masked=True), min_list_width=100, sort="agent"),
            Column("Channel", 7, text("channel"), min_list_width=120, sort="channel"),
            Column("Queue", 10, text("queue"), min_list_width=130, sort="queue"),
            Column(
                "Customer",
                12,
                text("customer_id", masked=True),
                min_list_width=150,
                sort="customer",
            ),
            Column("Subject", 0, text("subject", masked=True), sort="subject"),
        ]


class SurveyListScreen(ListScreen):
    """Survey responses in the window, unhappiest first; Enter opens the response in full."""

    kind = "surveys"
    row_noun = "response"
    search_hint = "search: id, comment, customer, ticket"
    default_sort = queries.SURVEY_SORT_COLUMNS[0]

    def list_title(self) -> list[str | tuple[str, str]]:
        """Names the survey segment the responses are narrowed to, if any."""
        segment = self.cx.view.filters.segment
        if segment is None:
            return super().list_title()
        return [*super().list_title(), " of " + fmt.data(describe_segment(segment), max_len=40)]

    def source(self) -> RowSource[SurveyRow]:
        window, filters, search = self.cx.window(), self.cx.view.filters, self.search
        sort, descending = self.sort, self.descending
        return RowSource(
            count=lambda session: queries.count_surveys(session, window, filters, search),
            page=lambda session, offset, limit: queries.survey_page(
                session, window, filters, offset, limit, search, sort, descending
            ),
        )

    @on(PagedList.Chosen)
    def _open(self, message: PagedList.Chosen) -> None:
        """The response in full; its ticket and customer are a key away from there."""
        self.cx.open_survey(message.row)

    def columns(self) -> list[Column[SurveyRow]]:
        mask = self.cx.config.mask_pii
        zone = self.cx.zone

        def score(row: SurveyRow) -> Cell:
            return f"{row.kind.upper():<4} {row.score:>2}", fmt.BAND_ROLES.get(row.category, "")

        return [
            Column("Score", 7, score, sort="score"),
            Column("Band", 12, lambda r: (r.category.replace("_", " "), "dim"), sort="band"),
            Column(
                "Submitted",
                16,
                lambda r: (fmt.moment(r.submitted_at, zone), "dim"),
                sort="submitted",
            ),
            Column(
                "Ticket",
                12,
                lambda r: (fmt.data(r.ticket_id), "strong"),
                min_list_width=90,
                sort="ticket",
            ),
            Column(
                "Customer",
                12,
                lambda r: (fmt.data(r.customer_id, mask=mask), ""),
                min_list_width=110,
                sort="customer",
            ),
            Column("Comment", 0, lambda r: (fmt.data(r.comment, mask=mask), ""), sort="comment"),
        ]
