"""Rows the loader could not use: where they came from, why, and the raw text as it was read."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from cxtui import queries
from cxtui.queries import QuarantineRow
from cxtui.tui import formatting as fmt
from cxtui.tui.base import CxModal
from cxtui.tui.lists import ListScreen
from cxtui.tui.paged_list import Column, PagedList, RowSource


class QuarantineScreen(ListScreen):
    """Every quarantined row, in the order found unless sorted; Enter shows one in full."""

    kind = "quarantine"
    row_noun = "row"
    help_name = "Quarantined rows"
    search_hint = "search: file, reason, raw text"

    def list_title(self) -> list[str | tuple[str, str]]:
        return [("Quarantined rows", "bold")]

    def all_time(self) -> bool:
        return True

    def sort_name(self) -> str:
        return super().sort_name() if self.sort else "in the order found"

    def source(self) -> RowSource[QuarantineRow]:
        search, sort, descending = self.search, self.sort, self.descending
        return RowSource(
            count=lambda session: queries.count_quarantine(session, search),
            page=lambda session, offset, limit: queries.quarantine_page(
                session, offset, limit, search, sort, descending
            ),
        )

    def copy_text(self, row: object) -> str | None:
        """A quarantined row has no id of its own: `y` copies where it came from."""
        assert isinstance(row, QuarantineRow)
        return f"{row.file}:{row.line}"

    def columns(self) -> list[Column[QuarantineRow]]:
        mask = self.cx.config.mask_pii
        # A reason quotes the value it could not read, so it is masked like the raw text.
        return [
            Column("File", 16, lambda r: (fmt.data(r.file), "strong"), sort="file"),
            Column("Line", 5, lambda r: (f"{r.line}", ""), right=True, sort="line"),
            Column("Reason", 26, lambda r: (fmt.data(r.reason, mask=mask), "warn"), sort="reason"),
            Column("Raw", 0, lambda r: (fmt.data(r.raw, mask=mask), "dim"), sort="raw"),
        ]

    @on(PagedList.Chosen)
    def _open(self, message: PagedList.Chosen) -> None:
        self.app.push_screen(QuarantinedRowScreen(message.row, self.cx.config.mask_pii))


class QuarantinedRowScreen(CxModal[None]):
    """One quarantined row in full, wrapped, so a long raw line can be read to the end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,enter", "dismiss", "Close"),
    ]

    def __init__(self, row: QuarantineRow, mask: bool) -> None:
        super().__init__()
        self.row = row
        self.mask = mask

    def compose(self) -> ComposeResult:
        row = self.row
        with VerticalScroll(classes="dialog"):
            yield Static(
                Content("\n").join(
                    [
                        Content.assemble(("File    ", "dim"), fmt.data(row.file)),
                        Content.assemble(("Line    ", "dim"), f"{row.line}"),
                        Content.assemble(("Reason  ", "dim"), fmt.data(row.reason, mask=self.mask)),
                        Content.styled("Raw", "dim"),
                        Content(fmt.data(row.raw, mask=self.mask)),
                    ]
                )
            )
