"""The status line at the foot of every screen: where the data comes from and what is shown.

Left: rows loaded, when a change was last seen and the folder (cut short from the end on a
narrow terminal, so the folder goes first). Right, never cut: problems, quarantined rows, the
window, the filters and the clock.
The clock is the as_of the numbers were computed for, so a frozen --as-of shows that time.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from cxtui.metrics import NO_FILTERS, Filters
from cxtui.tui import formatting as fmt


@dataclass(frozen=True)
class Status:
    """Everything the status line shows; the app replaces it as things change."""

    folder: str
    window_seconds: int
    filters: Filters = NO_FILTERS
    rows_loaded: int | None = None
    last_change: int | None = None
    quarantined: int | None = None
    clock: int | None = None
    problem: str | None = None
    skipped: tuple[tuple[str, str], ...] = ()
    """Files the loader cannot load, with the reason: (file, reason)."""
    mask_pii: bool = False


def describe_filters(filters: Filters, *, mask: bool = False) -> str:
    """The filters as typed, e.g. channel=email queue=billing, or "all" when there are none.

    An agent may be named by an e-mail address, so `mask` hides those on shared screens.
    """
    chosen = [
        f"{name}={fmt.data(value, mask=mask, max_len=20)}"
        for name, value in (
            ("channel", filters.channel),
            ("queue", filters.queue),
            ("agent", filters.agent),
            ("priority", filters.priority),
        )
        if value is not None
    ]
    return " ".join(chosen) if chosen else "all"


def skipped_text(skipped: tuple[tuple[str, str], ...]) -> str:
    """The first file not loaded and why, e.g. "⚠ users.csv skipped: not recognised as …";
    with more than one, how many (`cxtui check` lists them all)."""
    name, why = skipped[0]
    if len(skipped) > 1:
        return f"⚠ {len(skipped)} files skipped: {fmt.data(name, max_len=24)}, …"
    return f"⚠ {fmt.data(name, max_len=24)} skipped: {fmt.data(why, max_len=32)}"


class StatusLine(Horizontal):
    """Two Statics side by side; the left one gives way first."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; }
    StatusLine > .left { width: 1fr; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    StatusLine > .right { width: auto; height: 1; }
    """

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def compose(self) -> ComposeResult:
        yield Static(classes="left")
        yield Static(classes="right")

    def on_mount(self) -> None:
        self.watch(self.app, "status", self.show, init=True)

    def show(self, status: Status | None) -> None:
        if status is None:
            return
        self.query_one(".left", Static).update(self.left(status))
        self.query_one(".right", Static).update(self.right(status))

    def left(self, status: Status) -> Content:
        rows = "loading…" if status.rows_loaded is None else f"{status.rows_loaded:,} rows"
        change = (
            "no change yet"
            if status.last_change is None
            else f"changed {fmt.moment_seconds(status.last_change, self.zone)[11:]}"
        )
        return Content.assemble(" ", rows, " · ", change, " · ", fmt.data(status.folder))

    def right(self, status: Status) -> Content:
        parts: list[str | tuple[str, str]] = []
        if status.problem:
            parts += [(f"⚠ {fmt.data(status.problem, max_len=60)}", "$error bold"), " │ "]
        if status.skipped:
            parts += [(skipped_text(status.skipped), "$warning"), " │ "]
        if status.quarantined:
            parts += [(f"{status.quarantined:,} quarantined", "$warning"), " │ "]
        parts += [
            (fmt.window_name(status.window_seconds), "bold"),
            " │ ",
            describe_filters(status.filters, mask=status.mask_pii),
            " │ ",
            "—" if status.clock is None else fmt.clock(status.clock, self.zone),
            " ",
        ]
        return Content.assemble(" ", *parts)
