"""A list that holds only the rows on screen, fetched page by page from the database.

A queue of 100k tickets cannot be loaded into a table widget without stalling, so this list
knows only the total and keeps the rows near the viewport. Scrolling to rows it has not got
draws a placeholder and asks a worker thread for that page; the page arrives as a message.

When the data changes under it the list reloads in place: it looks for the selected row by its
key in the fresh rows and moves the cursor and the scroll position with it, so the supervisor's
place is kept, and it reports how many rows arrived as a "+N new" count instead of jumping.

The header shows the column the list is sorted by (▲ ascending, ▼ descending); a click on a
header asks the screen to sort by it. ← and → slide the columns sideways so those a narrow
terminal leaves out can be brought in. `e` writes the whole list, in its order, to a CSV file
and `y` copies the selected row's id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual import on, work
from textual.binding import Binding, BindingType
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from cxtui.export import export_folder, write_csv
from cxtui.safe_text import visible
from cxtui.tui.source import read

R = TypeVar("R")

Cell = tuple[str, str]
"""(text already made safe with formatting.data, role): role names a colour, "" for none."""

ROLES = ("bad", "warn", "ok", "dim", "strong")
PAGE_ROWS = 100
MARGIN_ROWS = 20
KEEP_ROWS = 2_000
CURSOR_MARK = "▶"
PLACEHOLDER = "…"
SCROLLED_MARK = "◀"
ASCENDING = "▲"
DESCENDING = "▼"
EXPORT_PAGE_ROWS = 2_000


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its title, width in cells (0 takes what is left) and how to show a row."""

    title: str
    width: int
    cell: Callable[[R], Cell]
    min_list_width: int = 0
    right: bool = False
    sort: str = ""
    """The key the list sorts by when this column is chosen; "" when it cannot sort."""


@dataclass(frozen=True)
class RowSource(Generic[R]):
    """How to count the list and read a page of it; both run in a worker thread."""

    count: Callable[[Session], int]
    page: Callable[[Session, int, int], list[R]]


class PagedList(ScrollView, Generic[R], can_focus=True):
    """A keyboard-driven list over a RowSource, one header line above the rows."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-list--header",
        "paged-list--cursor",
        *(f"paged-list--{role}" for role in ROLES),
    }

    DEFAULT_CSS = """
    PagedList {
        overflow-x: hidden;
        overflow-y: auto;
        height: 1fr;
    }
    PagedList > .paged-list--header { text-style: bold; }
    PagedList > .paged-list--cursor { background: $boost; text-style: bold; }
    PagedList:focus > .paged-list--cursor { background: $accent 40%; }
    PagedList > .paged-list--bad { color: $error; text-style: bold; }
    PagedList > .paged-list--warn { color: $warning; }
    PagedList > .paged-list--ok { color: $success; }
    PagedList > .paged-list--dim { color: $text-muted; }
    PagedList > .paged-list--strong { text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("g", "first", "Top", show=False),
        Binding("home", "first", "Top", show=False),
        Binding("G", "last", "Bottom", show=False),
        Binding("end", "last", "Bottom", show=False),
        Binding("left", "slide(-1)", "Columns left", show=False),
        Binding("right", "slide(1)", "Columns right", show=False),
        Binding("enter", "choose", "Open"),
        Binding("e", "export", "Export CSV"),
        Binding("y", "copy", "Copy id", show=False),
    ]

    class Chosen(Message):
        """Enter was pressed on a loaded row."""

        def __init__(self, row: Any) -> None:
            super().__init__()
            self.row = row

    class Highlighted(Message):
        """The row under the cursor changed (None: no row there, or not loaded yet)."""

        def __init__(self, row: Any) -> None:
            super().__init__()
            self.row = row

    class SortRequested(Message):
        """A header was clicked: the screen sorts by its column (again: the other way)."""

        def __init__(self, sort: str) -> None:
            super().__init__()
            self.sort = sort

    class Counted(Message):
        """The list knows its size: `new` rows arrived since the supervisor last looked."""

        def __init__(self, total: int, new: int) -> None:
            super().__init__()
            self.total = total
            self.new = new

    class _Reloaded(Message):
        def __init__(
            self, generation: int, total: int, start: int, rows: list[Any], anchor: Any
        ) -> None:
            super().__init__()
            self.generation = generation
            self.total = total
            self.start = start
            self.rows = rows
            self.anchor = anchor

    class _Page(Message):
        def __init__(self, generation: int, start: int, rows: list[Any]) -> None:
            super().__init__()
            self.generation = generation
            self.start = start
            self.rows = rows

    class _Exported(Message):
        def __init__(self, path: Path | None, rows: int, error: str = "") -> None:
            super().__init__()
            self.path = path
            self.rows = rows
            self.error = error

    class _Failed(Message):
        def __init__(self, generation: int, error: str) -> None:
            super().__init__()
            self.generation = generation
            self.error = error

    def __init__(
        self,
        engine: Engine,
        columns: Sequence[Column[R]],
        key: Callable[[R], object],
        *,
        copy_text: Callable[[R], str | None] | None = None,
        export_name: str = "list",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.engine = engine
        self.columns = list(columns)
        self.key = key
        self.copy_text = copy_text or (lambda row: str(key(row)))
        self.export_name = export_name
        self.sort = ""
        self.descending = False
        self.first_column = 0
        self.exporting = False
        self.cursor = 0
        self.total: int | None = None
        self.error: str | None = None
        self._source: RowSource[R] | None = None
        self._rows: dict[int, R] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self._baseline: int | None = None
        self._reloading = False
        self._redraw = False
        self._announced: object = None

    # --- loading ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a reload, a page or an export is on its way (tests wait for this)."""
        return self.total is None or self._reloading or bool(self._pending) or self.exporting

    @property
    def new_rows(self) -> int:
        if self.total is None or self._baseline is None:
            return 0
        return max(0, self.total - self._baseline)

    def load(self, source: RowSource[R], *, keep_position: bool, redraw: bool = False) -> None:
        """Show `source`: from the top, or (after new data) keeping the selected row in place.

        A reload that keeps its place draws nothing when the rows on screen come back the
        same, unless `redraw` says something else the cells show has moved (the clock).
        """
        self._generation += 1
        self._source = source
        self._pending.clear()
        self._reloading = True
        self._redraw = redraw or not keep_position
        anchor = None
        if keep_position and self.total is not None:
            selected = self._rows.get(self.cursor)
            anchor = None if selected is None else self.key(selected)
        else:
            self._rows.clear()
            self.cursor = 0
            self.total = None
            self._baseline = None
            self.scroll_to(y=0, animate=False)
            self.refresh()
        top = int(self.scroll_y)
        start = max(0, min(top, self.cursor) - MARGIN_ROWS)
        end = max(top + self._page_height(), self.cursor + 1) + MARGIN_ROWS
        self._reload(self._generation, source, start, end - start, anchor)

    @work(thread=True, group="list-reload", exclusive=True, exit_on_error=False)
    def _reload(
        self, generation: int, source: RowSource[R], start: int, limit: int, anchor: object
    ) -> None:
        def work(session: Session) -> tuple[int, list[R]]:
            return source.count(session), source.page(session, start, limit)

        try:
            total, rows = read(self.engine, work)
        except Exception as exc:  # shown in the list; a failed read must not kill the app
            self.post_message(self._Failed(generation, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._Reloaded(generation, total, start, rows, anchor))

    @work(thread=True, group="list-page", exit_on_error=False)
    def _fetch(self, generation: int, source: RowSource[R], start: int) -> None:
        if generation != self._generation:
            return
        try:
            rows = read(self.engine, lambda session: source.page(session, start, PAGE_ROWS))
        except Exception as exc:  # as in _reload
            self.post_message(self._Failed(generation, str(exc)))
            return
        self.post_message(self._Page(generation, start, rows))

    @on(_Reloaded)
    def _show_reloaded(self, message: _Reloaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._reloading = False
        fresh = {message.start + i: row for i, row in enumerate(message.rows)}
        unchanged = (
            not self._redraw
            and self.error is None
            and message.total == self.total
            and all(self._rows.get(index) == row for index, row in fresh.items())
        )
        self.error = None
        self.total = message.total
        if self._baseline is None:
            self._baseline = message.total
        self._rows = fresh
        if unchanged:
            return
        self._set_virtual_size()
        if message.anchor is not None:
            for index, row in self._rows.items():
                if self.key(row) == message.anchor:
                    shift = index - self.cursor
                    self.cursor = index
                    self.scroll_to(y=self.scroll_y + shift, animate=False)
                    break
        self.cursor = max(0, min(self.cursor, message.total - 1))
        self.post_message(self.Counted(message.total, self.new_rows))
        self._want_visible_rows()
        self._announce()
        self.refresh()

    @on(_Page)
    def _show_page(self, message: _Page) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        start = message.start
        self._pending.discard(start // PAGE_ROWS)
        for offset, row in enumerate(message.rows):
            self._rows[start + offset] = row
        self._forget_far_rows()
        self._announce()
        self.refresh()

    @on(_Failed)
    def _show_failure(self, message: _Failed) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._pending.clear()
        self._reloading = False
        self.error = message.error
        if self.total is None:
            self.total = 0
        self.notify(
            f"Cannot read the list: {visible(message.error)}", severity="error", markup=False
        )
        self.refresh()

    def _want_visible_rows(self) -> None:
        """Ask for every page that has a row on screen (or near it) and is not loaded."""
        if self._source is None or self.total is None:
            return
        top = max(0, int(self.scroll_y) - MARGIN_ROWS)
        bottom = min(self.total, int(self.scroll_y) + self._page_height() + MARGIN_ROWS)
        missing = {i // PAGE_ROWS for i in range(top, bottom) if i not in self._rows}
        for page in sorted(missing - self._pending):
            self._pending.add(page)
            self._fetch(self._generation, self._source, page * PAGE_ROWS)

    def _forget_far_rows(self) -> None:
        if len(self._rows) <= KEEP_ROWS:
            return
        middle = int(self.scroll_y)
        for index in [i for i in self._rows if abs(i - middle) > KEEP_ROWS // 2]:
            del self._rows[index]

    def _set_virtual_size(self) -> None:
        # One line more than the rows: the header. Scrolling then works out exactly, as the
        # last row sits on the last line when scrolled to the end.
        self.virtual_size = Size(self.size.width, (self.total or 0) + 1)

    # --- moving -------------------------------------------------------------------------

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._want_visible_rows()

    def on_resize(self, event: Resize) -> None:
        self._set_virtual_size()
        self._want_visible_rows()

    def move_to(self, index: int) -> None:
        """Put the cursor on row `index` (clamped) and scroll just enough to show it."""
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))
        top = int(self.scroll_y)
        height = self._page_height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        self._want_visible_rows()
        self._announce()
        self.refresh()

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        step = max(1, self._page_height() - 1)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False)
        self.move_to(self.cursor + direction * step)

    def action_first(self) -> None:
        self.move_to(0)
        self._seen_all()

    def action_last(self) -> None:
        self.move_to((self.total or 1) - 1)
        self._seen_all()

    def _seen_all(self) -> None:
        """Going to either end is looking at what arrived: the "+N new" count starts over."""
        if self.total is not None and self.new_rows:
            self._baseline = self.total
            self.post_message(self.Counted(self.total, 0))

    def action_choose(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Chosen(row))

    @property
    def selected(self) -> R | None:
        return self._rows.get(self.cursor)

    def _announce(self) -> None:
        """Say when another row comes under the cursor (a screen may show it in full)."""
        row = self.selected
        key = None if row is None else self.key(row)
        if key != self._announced:
            self._announced = key
            self.post_message(self.Highlighted(row))

    def show_sort(self, sort: str, descending: bool) -> None:
        """Mark the column sorted by `sort` in the header (the screen does the sorting)."""
        self.sort, self.descending = sort, descending
        self.refresh()

    def on_click(self, event: Click) -> None:
        """A click on a header sorts by it; on a row selects it, and a double click opens it."""
        if event.y == 0:
            column = self._column_at(event.x)
            if column is not None and column.sort:
                self.post_message(self.SortRequested(column.sort))
            return
        index = int(self.scroll_y) + event.y - 1
        if self.total and 0 <= index < self.total:
            self.move_to(index)
            if event.chain >= 2:
                self.action_choose()

    def _column_at(self, x: int) -> Column[R] | None:
        left = 2
        for column, width in self._layout(self.scrollable_content_region.width):
            if left <= x < left + width + 1:
                return column
            left += width + 1
        return None

    def action_slide(self, step: int) -> None:
        """Slide the columns sideways: the leftmost make way for those too wide to fit."""
        if step > 0 and not self._columns_left_out():
            return
        self.first_column = max(0, min(self.first_column + step, len(self.columns) - 1))
        self.refresh()

    def _columns_left_out(self) -> bool:
        shown = {id(c) for c, _ in self._layout(self.scrollable_content_region.width)}
        return any(id(c) not in shown for c in self.columns[self.first_column :])

    def action_copy(self) -> None:
        """Copy the selected row's id with OSC 52; the message shows it for terminals that
        ignore OSC 52, so it can be copied from the screen instead."""
        row = self.selected
        text = None if row is None else self.copy_text(row)
        if not text:
            self.notify("No id to copy here.", timeout=3)
            return
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Copied {visible(text)} (if the terminal allows OSC 52; otherwise copy it from here)",
            markup=False,
            timeout=6,
        )

    def action_export(self) -> None:
        if self._source is None or self.exporting:
            return
        self.exporting = True
        self.notify("Writing the list to a CSV file…", timeout=2)
        self._export(self._source, [(c.title, c.cell) for c in self.columns])

    @work(thread=True, group="list-export", exit_on_error=False)
    def _export(self, source: RowSource[R], columns: list[tuple[str, Callable[[R], Cell]]]) -> None:
        """Read the whole list in its order, a page at a time, into a new CSV file."""

        header = [title for title, _ in columns]

        def lines(session: Session) -> Iterator[list[str]]:
            offset = 0
            while page := source.page(session, offset, EXPORT_PAGE_ROWS):
                yield from ([cell(row)[0].strip() for _, cell in columns] for row in page)
                offset += len(page)

        def write(session: Session) -> tuple[Path, int]:
            return write_csv(export_folder(), self.export_name, header, lines(session))

        try:
            path, count = read(self.engine, write)
        except Exception as exc:  # said in a message; a failed export must not kill the app
            self.post_message(self._Exported(None, 0, str(exc)))
            return
        self.post_message(self._Exported(path, count))

    @on(_Exported)
    def _exported(self, message: _Exported) -> None:
        message.stop()
        self.exporting = False
        if message.path is None:
            self.notify(f"Cannot export: {visible(message.error)}", severity="error", markup=False)
            return
        rows = f"{message.rows:,} row" + ("" if message.rows == 1 else "s")
        self.notify(f"Wrote {rows} to {visible(str(message.path))}", markup=False, timeout=10)

    # --- drawing ------------------------------------------------------------------------

    def _layout(self, width: int) -> list[tuple[Column[R], int]]:
        """The columns that fit `width`, each with its width; the flexible one takes the rest.

        Columns slid out to the left give their room to those a narrow list leaves out.
        """
        gone = self.columns[: self.first_column]
        room = width + sum(c.width + 1 for c in gone)
        shown = [c for c in self.columns[self.first_column :] if room >= c.min_list_width]
        fixed = sum(c.width for c in shown) + len(shown) + 2
        spare = max(8, width - fixed)
        return [(c, c.width or spare) for c in shown]

    def _line(self, cells: Sequence[tuple[Cell, int, bool]], mark: str, base: Style) -> Strip:
        segments = [Segment(f"{mark} ", base)]
        for (text, role), width, right in cells:
            if cell_len(text) > width:
                text = set_cell_size(text, max(0, width - 1)) + PLACEHOLDER
            padding = " " * max(0, width - cell_len(text))
            text = padding + text if right else text + padding
            style = base + self.get_component_rich_style(f"paged-list--{role}") if role else base
            segments += [Segment(text, style), Segment(" ", base)]
        return Strip(segments)

    def _title(self, column: Column[R], width: int) -> str:
        """The column's title, with ▲ or ▼ when the list is sorted by it."""
        if not column.sort or column.sort != self.sort:
            return column.title
        arrow = DESCENDING if self.descending else ASCENDING
        if cell_len(column.title) + 2 <= width:
            return f"{column.title} {arrow}"
        return set_cell_size(column.title, max(0, width - 1)) + arrow

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self._layout(width)
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("paged-list--header")
            cells = [((self._title(c, w), ""), w, c.right) for c, w in layout]
            mark = SCROLLED_MARK if self.first_column else " "
            return self._line(cells, mark, header).adjust_cell_length(width, header)
        index = int(self.scroll_y) + y - 1
        if self.total is None or (self.total == 0 and y == 1):
            note = self.error or ("loading…" if self.total is None else "nothing to show")
            return Strip([Segment(f"  {note}", base)]).adjust_cell_length(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        style = base + self.get_component_rich_style("paged-list--cursor") if is_cursor else base
        mark = CURSOR_MARK if is_cursor else " "
        row = self._rows.get(index)
        if row is None:
            return Strip([Segment(f"{mark} {PLACEHOLDER}", style)]).adjust_cell_length(width, style)
        cells = [(c.cell(row), w, c.right) for c, w in layout]
        return self._line(cells, mark, style).adjust_cell_length(width, style)
