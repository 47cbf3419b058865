"""Rows the loader could not use: where they came from, why, and the raw text as it was read."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from cxtui import queries
from cxtui.queries import QuarantineRow
from cxtui.tui import formatting as fmt
from cxtui.tui.base import CxModal, DrillScreen
from cxtui.tui.paged_list import Column, PagedList, RowSource
from cxtui.tui.status_line import StatusLine


class QuarantineScreen(DrillScreen):
    """Every quarantined row, in the order found; Enter shows one in full."""

    help_name = "Quarantined rows"

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Quarantined rows", "bold"), classes="screen-title")
        yield PagedList(self.cx.engine, self.columns(), key=lambda row: row.id, id="quarantined")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(PagedList).focus()

    def refresh_data(self) -> None:
        self.query_one(PagedList).load(
            RowSource(count=queries.count_quarantine, page=queries.quarantine_page),
            keep_position=True,
        )

    @on(PagedList.Counted)
    def _counted(self, message: PagedList.Counted) -> None:
        parts: list[str | tuple[str, str]] = [
            ("Quarantined rows", "bold"),
            f" · {message.total:,}",
        ]
        if message.new:
            parts += ["  ", (f" +{message.new:,} new ", "reverse bold")]
        self.query_one(".screen-title", Static).update(Content.assemble(*parts))

    def columns(self) -> list[Column[QuarantineRow]]:
        mask = self.cx.config.mask_pii
        # A reason quotes the value it could not read, so it is masked like the raw text.
        return [
            Column("File", 16, lambda r: (fmt.data(r.file), "strong")),
            Column("Line", 5, lambda r: (f"{r.line}", ""), right=True),
            Column("Reason", 26, lambda r: (fmt.data(r.reason, mask=mask), "warn")),
            Column("Raw", 0, lambda r: (fmt.data(r.raw, mask=mask), "dim")),
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
