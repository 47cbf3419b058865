"""The status line at the foot of every screen: where the data comes from and what is shown.

Left: rows loaded, when a change was last seen and the folder (cut short from the end on a
narrow terminal, so the folder goes first); while the backlog loads, a bar, rows and files
instead. Right, never cut: problems, quarantined rows, "provisional" while loading, the
window, the filters, the moment the numbers are for when it is pinned (--as-of, the latest
data, or a past moment travelled back to, in amber and the word PAST) and the wall clock,
which ticks whatever the numbers are pinned to. On a narrow terminal the right side picks
shorter wordings rather than squeeze the left side out; when even the shortest leaves no
room, the left side goes, and last of all the filters are cut short, so the wall clock is
always whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

from cxtui.metrics import NO_FILTERS, Filters
from cxtui.tui import formatting as fmt
from cxtui.tui.alerting import Banner
from cxtui.tui.live import Loading
from cxtui.tui.pinning import LIVE, AsOf

BAR_CELLS = 6
SHORTEST = 4
"""The shortest wording of the right side (0 is the longest)."""
ABRIDGED = 3
"""From this wording on, the moment loses its year and the filters their names."""
FILTER_NAMES = (("channel", "ch"), ("queue", "q"), ("agent", "ag"), ("priority", "pri"))
"""Each filter as typed, and its short name for a narrow terminal."""
LEFT_AT_LEAST = 12
"""Columns the right side leaves the left one, when a shorter wording makes that possible
(while loading: the whole progress line)."""


@dataclass(frozen=True)
class Status:
    """Everything the status line shows; the app replaces it as things change."""

    folder: str
    window_seconds: int
    filters: Filters = NO_FILTERS
    rows_loaded: int | None = None
    last_change: int | None = None
    quarantined: int | None = None
    wall_clock: int = 0
    as_of: AsOf = field(default=LIVE)
    arriving: bool = False
    loading: Loading | None = None
    problem: str | None = None
    skipped: tuple[tuple[str, str], ...] = ()
    """Files the loader cannot load, with the reason: (file, reason)."""
    mask_pii: bool = False
    alert: Banner | None = None
    """The most urgent firing alert (or an on_alert failure), worded at three lengths."""


def describe_filters(filters: Filters, *, mask: bool = False, short: int = 0) -> str:
    """The filters as typed, e.g. channel=email queue=billing, or "all" when there are none.
    Shorter wordings (`short` 3 and 4) abbreviate the names (ch=email q=billing), then leave
    them out (email billing). A survey segment says it narrows the surveys only, so no one
    takes the queue for narrowed: region=EU (surveys only), at the shortest EU (surveys only).

    An agent may be named by an e-mail address, so `mask` hides those on shared screens.
    """
    chosen = []
    for name, abbreviation in FILTER_NAMES:
        value = getattr(filters, name)
        if value is None:
            continue
        shown = fmt.data(value, mask=mask, max_len=20)
        label = name if short < ABRIDGED else abbreviation
        chosen.append(shown if short >= SHORTEST else f"{label}={shown}")
    if filters.segment is not None:
        name, value = (fmt.data(part, mask=mask, max_len=20) for part in filters.segment)
        which = value if short >= SHORTEST else f"{name}={value}"
        chosen.append(f"{which} (surveys only)")
    return " ".join(chosen) if chosen else "all"


def skipped_text(skipped: tuple[tuple[str, str], ...], short: int = 0) -> str:
    """The first file not loaded and why, e.g. "⚠ users.csv skipped: not recognised as …";
    with more than one, how many (`cxtui check` lists them all). Shorter wordings (`short`
    1 or 2) drop the reason, then the name, so a narrow terminal keeps the clock."""
    name, why = skipped[0]
    if short >= 2:
        return f"⚠ {len(skipped)} skipped"
    if len(skipped) > 1:
        return f"⚠ {len(skipped)} files skipped: {fmt.data(name, max_len=24)}, …"
    if short == 1:
        return f"⚠ {fmt.data(name, max_len=24)} skipped"
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

    def on_resize(self, _event: Resize) -> None:
        self.show(getattr(self.app, "status", None))

    def show(self, status: Status | None) -> None:
        if status is None:
            return
        right = self.right(status, self.size.width)
        left = self.left(status)
        if status.loading is None and self.size.width - right.cell_length < LEFT_AT_LEAST:
            left = Content("")  # a few cells of "3,6…" say nothing
        self.query_one(".left", Static).update(left)
        self.query_one(".right", Static).update(right)

    def left(self, status: Status) -> Content:
        if status.loading is not None:
            return Content.assemble(" ", *loading_parts(status.loading))
        rows = "loading…" if status.rows_loaded is None else f"{status.rows_loaded:,} rows"
        change = (
            "no change yet"
            if status.last_change is None
            else f"changed {fmt.moment_seconds(status.last_change, self.zone)[11:]}"
        )
        return Content.assemble(" ", rows, " · ", change, " · ", fmt.data(status.folder))

    def right(self, status: Status, width: int = 0) -> Content:
        """The longest wording that leaves the left side room; else the longest that fits
        at all; else the shortest with the filters cut to what is left."""
        room = LEFT_AT_LEAST
        if status.loading is not None:
            room = self.left(status).cell_length
        wordings = [self.right_side(status, short) for short in range(SHORTEST + 1)]
        if width <= 0:
            return wordings[0]
        # The left side goes before the year of the moment and the names of the filters.
        for left_room, shortest in ((room, ABRIDGED - 1), (0, SHORTEST)):
            for wording in wordings[: shortest + 1]:
                if wording.cell_length <= width - left_room:
                    return wording
        unfiltered = self.right_side(status, SHORTEST, filters_room=0).cell_length
        return self.right_side(status, SHORTEST, filters_room=max(1, width - unfiltered))

    def right_side(self, status: Status, short: int, filters_room: int | None = None) -> Content:
        """The right side, worded at length 0 (in full) to SHORTEST; `filters_room` cuts the
        filters to that many cells."""
        parts: list[str | tuple[str, str]] = []
        if status.problem:
            parts += [(f"⚠ {fmt.data(status.problem, max_len=60)}", "$error bold"), " │ "]
        if status.alert is not None:
            parts += [(status.alert.wordings[min(short, 2)], status.alert.style), " │ "]
        loading = status.loading is not None
        if status.skipped:
            parts += [(skipped_text(status.skipped, short), "$warning"), " │ "]
        # Shortened, a load's progress or a firing alert matters more (x still counts).
        if status.quarantined and not ((loading or status.alert) and short >= 2):
            what = "quar." if short >= SHORTEST else "quarantined"
            parts += [(f"{status.quarantined:,} {what}", "$warning"), " │ "]
        if loading:
            parts += [("figures provisional" if short < 1 else "provisional", "$warning"), " │ "]
        parts += [(fmt.window_name(status.window_seconds), "bold"), " │ "]
        filters = describe_filters(status.filters, mask=status.mask_pii, short=short)
        if filters_room is not None:
            filters = Content(filters).truncate(filters_room, ellipsis=True).plain
        if short < 2 or status.filters != NO_FILTERS:  # "all" is the first thing to go
            parts += [filters, " │ "]
        moment = pinned_moment(status, self.zone, short)
        if moment is not None:
            parts += [moment, " │ "]
        clock = "now" if status.as_of.pinned else "live"
        parts += [(f"{clock} {fmt.time_of_day(status.wall_clock, self.zone)}", "bold"), " "]
        return Content.assemble(" ", *parts)


def loading_parts(loading: Loading) -> list[str | tuple[str, str]]:
    """loading… ██░░░░ 40% · file 2 of 3 · 12,345 rows."""
    filled = round(BAR_CELLS * loading.share)
    files = (
        ""
        if loading.files_total is None
        else f"file {min(loading.files_done + 1, loading.files_total)} of {loading.files_total} · "
    )
    return [
        ("loading… ", "bold"),
        ("█" * filled, "$accent"),
        ("░" * (BAR_CELLS - filled), "$foreground 40%"),
        f" {100 * loading.share:.0f}% · {files}{loading.rows:,} rows",
    ]


def past_moment(at: int, zone: ZoneInfo) -> tuple[str, ...]:
    """The moment travelled back to, in words that cannot be taken for live, longest first:
    "PAST · as of Fri 20 Nov 10:40 · press L for live" down to "PAST 20 Nov 10:40"."""
    day = datetime.fromtimestamp(at, zone).strftime("%a %d %b %H:%M")
    return (
        f"PAST · as of {day} · press L for live",
        f"PAST · as of {day} · L live",
        f"PAST · as of {day} · L live",
        f"PAST · {day} · L live",
        f"PAST {day[4:]}",
    )


def pinned_moment(status: Status, zone: ZoneInfo, short: int) -> tuple[str, str] | None:
    """What a pinned moment means and how to leave it, worded at length `short` (0-4); the
    two shortest leave out the year."""
    as_of = status.as_of
    if not as_of.pinned or as_of.at is None:
        return None
    if as_of.kind == "past":
        return past_moment(as_of.at, zone)[short], "$warning bold"
    when = f"as of {fmt.moment(as_of.at, zone)}"
    brief = f"as of {fmt.moment(as_of.at, zone)[5:]}"
    if status.arriving:
        wordings = (
            f"{when}; new rows arriving, press L for live",
            f"{when}; new rows · L live",
            f"{when} · new rows",
            f"{brief} · new rows",
            f"{brief} · new",
        )
        return wordings[short], "$warning bold"
    if as_of.kind == "latest":
        wordings = (
            f"{when}, the latest data; press L for live",
            f"{when}, latest data · L live",
            f"{when}, latest data",
            f"{brief}, latest",
            brief,
        )
    else:
        wordings = (f"{when}; press L for live", f"{when} · L live", when, brief, brief)
    return wordings[short], "bold"
