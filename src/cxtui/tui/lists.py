"""The lists behind the panes: tickets (open, by first reply, unresolved) and survey responses.

Each list pages from the database through a PagedList. `/` filters by text, `s` cycles the
sort orders the list offers, Enter opens the row. New data reloads the list in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Input, Static

from cxtui import queries
from cxtui.queries import SORTS, SurveyRow, TicketQuery, TicketRow
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.paged_list import Cell, Column, PagedList, RowSource
from cxtui.tui.sla_text import STATE_CELLS, due_cell
from cxtui.tui.status_line import StatusLine

LIST_TITLES = {
    "open": "Open tickets",
    "first_response": "Tickets by first reply",
    "unresolved": "Unresolved and reopened tickets",
    "all": "All tickets",
    "surveys": "Survey responses",
}
SORT_NAMES = {
    "oldest": "oldest first",
    "newest": "newest first",
    "sla": "next SLA breach first",
    "priority": "most urgent first",
    "slowest": "slowest first reply first",
    "fastest": "fastest first reply first",
    "reopens": "most reopened first",
}


class ListScreen(DrillScreen):
    """A titled PagedList with a text filter; subclasses say what the rows are."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Filter"),
        Binding("s", "cycle_sort", "Sort"),
    ]

    kind: str
    help_name = "List"
    search_hint = "filter: id, subject, customer, agent"

    def __init__(self) -> None:
        super().__init__()
        self.search = ""
        self.as_of = 0
        self.total: int | None = None
        self.new = 0

    def compose(self) -> ComposeResult:
        yield Static(classes="screen-title")
        yield PagedList(self.cx.engine, self.columns(), key=self.row_key, id="rows")
        yield Input(placeholder=self.search_hint, id="search", compact=True)
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    @property
    def rows(self) -> PagedList:
        return self.query_one("#rows", PagedList)

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
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

    def columns(self) -> list[Column]:
        return []

    def source(self) -> RowSource:
        return RowSource(count=lambda session: 0, page=lambda session, offset, limit: [])

    def row_key(self, row: object) -> object:
        return getattr(row, "id", None)

    def sort_name(self) -> str:
        return ""

    def show_title(self) -> None:
        parts: list[str | tuple[str, str]] = [(LIST_TITLES[self.kind], "bold")]
        if self.total is not None:
            parts += [" · ", f"{self.total:,}"]
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

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.value = self.search
        box.display = True
        box.focus()

    @on(Input.Submitted, "#search")
    def _searched(self, message: Input.Submitted) -> None:
        self.close_search()
        if message.value.strip() != self.search:
            self.search = message.value.strip()
            self.refresh_view()
            self.show_title()

    def close_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = False
        self.rows.focus()

    def action_back(self) -> None:
        if self.query_one("#search", Input).display:
            self.close_search()
        else:
            super().action_back()

    def action_cycle_sort(self) -> None:
        self.notify("This list has one order.", timeout=2)


class TicketListScreen(ListScreen):
    """Tickets of one list kind (see queries.LIST_KINDS); Enter opens the ticket."""

    def __init__(self, kind: str, sort: str = "") -> None:
        super().__init__()
        self.kind = kind
        self.sort = sort or SORTS[kind][0]

    def source(self) -> RowSource[TicketRow]:
        query = TicketQuery(
            kind=self.kind,
            window=self.cx.window(),
            filters=self.cx.view.filters,
            search=self.search,
            sort=self.sort,
        )
        return RowSource(
            count=lambda session: queries.count_tickets(session, query),
            page=lambda session, offset, limit: queries.ticket_page(session, query, offset, limit),
        )

    def sort_name(self) -> str:
        return SORT_NAMES.get(self.sort, self.sort)

    def action_cycle_sort(self) -> None:
        orders = SORTS[self.kind]
        self.sort = orders[(orders.index(self.sort) + 1) % len(orders)]
        self.refresh_view()
        self.show_title()

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
            [Column("Age", 7, age, right=True)]
            if self.kind == "open"
            else [Column("Created", 16, created)]
        )
        if self.kind == "first_response":
            when.append(Column("1st reply", 9, first_reply, right=True))
        if self.kind == "unresolved":
            when.append(Column("Reop", 4, lambda row: (fmt.data(row.reopens), "warn"), right=True))
        return [
            Column("SLA", 6, sla),
            Column("Due", 15, due),
            Column("Ticket", 12, text("id", "strong")),
            *when,
            Column("Status", 8, text("status")),
            Column("Prio", 6, text("priority")),
            Column("Agent", 14, text("agent", masked=True), min_list_width=100),
            Column("Channel", 7, text("channel"), min_list_width=120),
            Column("Queue", 10, text("queue"), min_list_width=130),
            Column("Customer", 12, text("customer_id", masked=True), min_list_width=150),
            Column("Subject", 0, text("subject", masked=True)),
        ]


class SurveyListScreen(ListScreen):
    """Survey responses in the window, unhappiest first; Enter opens the response in full."""

    kind = "surveys"
    search_hint = "filter: id, comment, customer, ticket"

    def source(self) -> RowSource[SurveyRow]:
        window, filters, search = self.cx.window(), self.cx.view.filters, self.search
        return RowSource(
            count=lambda session: queries.count_surveys(session, window, filters, search),
            page=lambda session, offset, limit: queries.survey_page(
                session, window, filters, offset, limit, search
            ),
        )

    def sort_name(self) -> str:
        return "unhappiest first"

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
            Column("Score", 7, score),
            Column("Band", 12, lambda r: (r.category.replace("_", " "), "dim")),
            Column("Submitted", 16, lambda r: (fmt.moment(r.submitted_at, zone), "dim")),
            Column("Ticket", 12, lambda r: (fmt.data(r.ticket_id), "strong"), min_list_width=90),
            Column(
                "Customer",
                12,
                lambda r: (fmt.data(r.customer_id, mask=mask), ""),
                min_list_width=110,
            ),
            Column("Comment", 0, lambda r: (fmt.data(r.comment, mask=mask), "")),
        ]
