"""The agents screen: the window's figures one row per agent, and with `v` per queue, per
channel and per survey segment value (cxtui.breakdown, read in a worker).

`s` sorts by any column, `/` narrows the rows by name as it is typed, Enter opens the
tickets of the row's agent, queue or channel, or on a segment value narrows the survey
figures to it and goes back. An agent beyond the agent SLA thresholds is
marked in words ("4 · watch", "7 · act") as well as in colour, so the mark survives a
terminal without colour.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Static

from cxtui.breakdown import SEGMENT, TICKET_DIMENSIONS, Breakdown, BreakdownRow, breakdown
from cxtui.breakdown_report import columns_of, label
from cxtui.metrics import Filters, Window
from cxtui.tui import formatting as fmt
from cxtui.tui.agents_pane import FLAG_STYLES
from cxtui.tui.base import DrillScreen
from cxtui.tui.paged_list import ASCENDING, DESCENDING
from cxtui.tui.source import read
from cxtui.tui.status_line import StatusLine
from cxtui.tui.wide_table import WideTable

VIEW_TITLES = {"agent": "Agents", "queue": "Queues", "channel": "Channels"}
SORT_FIELDS = {
    "open": "open_now",
    "SLA breached": "sla_breached_now",
    "handled": "handled",
    "1st reply median": "first_response_median_seconds",
    "resolved": "resolution_rate",
    "handle mean": "handle_time_mean_seconds",
    "CSAT %": "csat_pct",
    "NPS": "nps",
    "reopened": "reopen_rate",
    "CES mean": "ces_mean",
}
"""Each column's figure, by the column's title: what `s` sorts by."""
NAME = "name"


def view_title(dimension: str) -> str:
    if dimension.startswith(SEGMENT):
        return f"Surveys by {fmt.data(dimension.removeprefix(SEGMENT))}"
    return VIEW_TITLES[dimension]


def sorted_rows(rows: list[BreakdownRow], sort: str, descending: bool) -> list[BreakdownRow]:
    """Rows by one column; a row without the figure (None) goes last either way."""
    if sort == NAME:
        named = sorted(rows, key=lambda r: (r.value is None, (r.value or "").lower()))
        return named[::-1] if descending else named
    field = SORT_FIELDS[sort]
    known = [r for r in rows if getattr(r, field) is not None]
    unknown = [r for r in rows if getattr(r, field) is None]
    known.sort(key=lambda r: getattr(r, field), reverse=descending)
    return known + unknown


class AgentsScreen(DrillScreen):
    """One row per agent (queue, channel, segment value) over the window."""

    help_name = "Agents"

    DEFAULT_CSS = """
    AgentsScreen #breakdown { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "cycle_view", "Agents/queues/channels"),
        Binding("s", "sort", "Sort"),
        Binding("slash", "search", "Search"),
    ]

    class Loaded(Message):
        def __init__(self, found: Breakdown | None, error: str | None) -> None:
            super().__init__()
            self.found = found
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.dimension = "agent"
        self.found: Breakdown | None = None
        self.sort = "open"
        self.descending = True
        self.search = ""
        self.shown: list[BreakdownRow] = []

    @property
    def views(self) -> list[str]:
        """agent → queue → channel, then one view per segment the mappings keep."""
        return [*TICKET_DIMENSIONS, *(SEGMENT + name for name in self.cx.config.segments)]

    def compose(self) -> ComposeResult:
        yield Static("loading…", classes="screen-title")
        table = WideTable(id="breakdown", cursor_type="row", zebra_stripes=True)
        yield table
        yield Input(placeholder="search: name", id="search", compact=True)
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        self.load(self.cx.window(), self.dimension)

    @work(thread=True, group="agents", exclusive=True, exit_on_error=False)
    def load(self, window: Window, dimension: str) -> None:
        thresholds = self.cx.config.thresholds
        try:
            found = read(self.cx.engine, lambda s: breakdown(s, window, dimension, thresholds))
        except Exception as exc:  # shown on screen rather than crashing the app
            self.post_message(self.Loaded(None, str(exc)))
            return
        self.post_message(self.Loaded(found, None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.error is not None:
            self.query_one(".screen-title", Static).update(
                Content.assemble(("Cannot read the figures: ", "$error"), fmt.data(message.error))
            )
            return
        if message.found is None or message.found.dimension != self.dimension:
            return
        self.found = message.found
        self.draw()

    # --- keys ---------------------------------------------------------------------------

    def action_cycle_view(self) -> None:
        views = self.views
        self.dimension = views[(views.index(self.dimension) + 1) % len(views)]
        self.found = None
        if self.sort not in (NAME, *self._titles()):
            self.sort, self.descending = NAME, False
        self.query_one(".screen-title", Static).update("loading…")
        self.refresh_data()

    def action_sort(self) -> None:
        from cxtui.tui.sort_menu import SortMenu

        choices = [(NAME, "name"), *((title, title) for title in self._titles())]
        self.app.push_screen(SortMenu(choices, self.sort, self.descending), self.sort_by)

    def sort_by(self, sort: str | None) -> None:
        """The column already sorted by turns round; a new one starts with the largest
        figures (the smallest name) first."""
        if not sort:
            return
        if sort == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = sort, sort != NAME
        self.draw()

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.value = self.search
        box.display = True
        box.focus()

    @on(Input.Changed, "#search")
    def _typed(self, message: Input.Changed) -> None:
        message.stop()
        self.search = message.value.strip()
        self.draw()

    @on(Input.Submitted, "#search")
    def _searched(self, message: Input.Submitted) -> None:
        message.stop()
        self.query_one("#search", Input).display = False
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        """Esc clears the search first; once clear it goes back."""
        box = self.query_one("#search", Input)
        if box.display or self.search:
            box.value = ""
            self.search = ""
            box.display = False
            self.query_one(DataTable).focus()
            self.draw()
        else:
            super().action_back()

    @on(DataTable.RowSelected)
    def _open(self, message: DataTable.RowSelected) -> None:
        message.stop()
        row = self.shown[message.cursor_row]
        if self.dimension not in TICKET_DIMENSIONS:
            self.narrow_to_segment(self.dimension.removeprefix(SEGMENT), row.value)
            return
        if row.value is None:
            self.notify(f"Tickets with no {self.dimension} cannot be picked out by a filter.")
            return
        from cxtui.tui.lists import TicketListScreen

        narrowed = Filters(**{self.dimension: row.value})
        self.app.push_screen(TicketListScreen("all", narrowed=narrowed))

    def narrow_to_segment(self, name: str, value: str | None) -> None:
        """A segment has no tickets to open: Enter narrows the survey figures to its value
        instead (the other filters stay) and goes back to where A was pressed."""
        if value is None:
            self.notify(
                f"Surveys with no {fmt.data(name)} cannot be picked out by a filter.", markup=False
            )
            return
        self.cx.set_filters(replace(self.cx.view.filters, segment=(name, value)))
        self.action_back()

    # --- drawing ------------------------------------------------------------------------

    def _titles(self) -> list[str]:
        if self.found is None:
            return [title for title, _ in columns_of(Breakdown(self.dimension, 0, 0, []))]
        return [title for title, _ in columns_of(self.found)]

    def draw(self) -> None:
        found = self.found
        if found is None:
            return
        needle = self.search.lower()
        rows = [r for r in found.rows if needle in label(found.dimension, r.value).lower()]
        self.shown = sorted_rows(rows, self.sort, self.descending)
        table = self.query_one(WideTable)
        table.clear(columns=True)
        columns = columns_of(found)
        arrow = DESCENDING if self.descending else ASCENDING
        name = found.dimension.removeprefix(SEGMENT)
        body: list[list[Any]] = []
        for row in self.shown:
            style = FLAG_STYLES.get(row.flag or "", "")
            cells: list[Any] = [Content.styled(label(found.dimension, row.value), style)]
            for title, cell in columns:
                cells.append(Content.styled(cell(row), style if title == "SLA breached" else ""))
            body.append(cells)
        heads = [(NAME, name), *((title, title) for title, _ in columns)]
        for number, (key, head) in enumerate(heads):
            head += f" {arrow}" if self.sort == key else ""
            width = max([len(head), *(cells[number].cell_length for cells in body)])
            table.add_column(head, key=key, width=width)
        for cells in body:
            table.add_row(*cells)
        # After layout: whether the columns overflow depends on the widths just drawn.
        self.call_after_refresh(self._title, len(self.shown))

    def _title(self, count: int) -> None:
        assert self.found is not None
        parts: list[str | tuple[str, str]] = [
            (view_title(self.found.dimension), "bold"),
            f" · last {fmt.window_name(self.found.window_seconds)} · {count:,} rows",
        ]
        if self.search:
            parts.append(f" · matching “{fmt.data(self.search, max_len=30)}”")
        if self.cx.view.filters != Filters():
            # The status line shows the filters; this table is over every ticket and survey.
            parts.append((" · filters not applied here", "$warning"))
        flagged = sum(1 for r in self.found.rows if r.flag)
        if flagged:
            parts.append((f" · {flagged} beyond the SLA threshold", "$warning"))
        if self.query_one(WideTable).overflows:
            parts.append(" · ←/→ more columns")
        self.query_one(".screen-title", Static).update(Content.assemble(*parts))
