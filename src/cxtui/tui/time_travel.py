"""Time travel: the whole screen as it stood at an earlier moment, a few keys away.

`b` / `n` step an hour back / forward, `B` / `N` a day, `@` asks for a time, `L` goes live.
The moment travelled to is a pin of kind "past"; every pane, list, ticket and journey follows
it as they follow any pin (the queue from the status history, see cxtui.past_status).

Travel never goes beyond the present: the moment travel started from ("home": live, the
latest data, or --as-of). A step forward that would reach it goes back there instead; for
live and --as-of the present is now, for the latest data that moment.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from cxtui.ingest.normalise import RowError, parse_time
from cxtui.tui import formatting as fmt
from cxtui.tui.base import CxModal
from cxtui.tui.pinning import AsOf

HOUR = 3_600
DAY = 86_400
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_AGO = re.compile(r"-\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?")
PALETTE_STEPS = (
    ("Back one hour", -HOUR),
    ("Forward one hour", HOUR),
    ("Back one day", -DAY),
    ("Forward one day", DAY),
)
"""The command palette's names for b, n, B and N."""
EXAMPLES = "10:40, 2026-11-20 10:40 or -2h"


def present(home: AsOf, now: int) -> int:
    """The latest moment travel may reach: the latest data when pinned there, else now."""
    if home.kind == "latest" and home.at is not None:
        return home.at
    return now


def home_of(moment: AsOf, home: AsOf | None) -> AsOf:
    """Where travel returns to: the moment before the first step, kept while in the past."""
    return home if moment.kind == "past" and home is not None else moment


def arrive(at: int, home: AsOf, now: int) -> AsOf:
    """The moment `at` as a pin, or home itself once `at` reaches the present."""
    if at >= present(home, now):
        return home if home.kind == "latest" else AsOf("live", chosen=True)
    return AsOf("past", at, chosen=True)


def step(moment: AsOf, home: AsOf, seconds: int, now: int) -> AsOf:
    """`seconds` later (negative: earlier) than the moment shown, never beyond the present."""
    start = moment.at if moment.pinned and moment.at is not None else now
    return arrive(start + seconds, home, now)


def parse_moment(text: str, zone: ZoneInfo, present_at: int) -> int:
    """A typed time as epoch seconds, or ValueError saying what to type.

    "10:40" is that time on the present's day (the day before when that is still to come),
    "-2h" (or -90m, -1d, -1d 2h) that long before the present, anything else a date and time
    as --as-of takes it (ISO 8601, local to `timezone` when it has no offset)."""
    text = text.strip()
    if not text:
        raise ValueError(f"type a time, such as {EXAMPLES}")
    clock = _CLOCK.fullmatch(text)
    ago = _AGO.fullmatch(text) if text.startswith("-") else None
    if clock is not None:
        hour, minute = int(clock[1]), int(clock[2])
        if hour > 23 or minute > 59:
            raise ValueError(f"{text} is not a time of day")
        day = datetime.fromtimestamp(present_at, zone).date()
        at = int(datetime.combine(day, time(hour, minute), zone).timestamp())
        if at > present_at:
            day -= timedelta(days=1)
            at = int(datetime.combine(day, time(hour, minute), zone).timestamp())
        return at
    if ago is not None and any(ago.groups()):
        days, hours, minutes = (int(part or 0) for part in ago.groups())
        return present_at - days * DAY - hours * HOUR - minutes * 60
    try:
        at = parse_time(text, zone, "the time")
    except RowError:
        at = None
    if at is None:
        raise ValueError(f"cannot read {fmt.data(text, max_len=30)!r}: try {EXAMPLES}")
    if at > present_at:
        raise ValueError(
            f"{fmt.moment(at, zone)} is still to come (latest {fmt.moment(present_at, zone)})"
        )
    return at


class TimeTravelScreen(CxModal[int | None]):
    """Asks for a moment; Enter returns it (a mistake is said in the dialog), Esc nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    TimeTravelScreen Label { width: 100%; }
    """

    def __init__(self, zone: ZoneInfo, present_at: int, shown_at: int) -> None:
        super().__init__()
        self.zone = zone
        self.present_at = present_at
        self.shown_at = shown_at

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content.styled("Show the floor as it was at", "bold"))
            yield Input(
                value=fmt.moment(self.shown_at, self.zone)[11:],
                placeholder="10:40",
                id="when",
                select_on_focus=True,
            )
            yield Label(
                Content.styled(
                    f"e.g. {EXAMPLES} (ISO too); latest {fmt.moment(self.present_at, self.zone)}",
                    "dim",
                )
            )
            yield Label(id="problem")

    @on(Input.Submitted, "#when")
    def _chosen(self, message: Input.Submitted) -> None:
        try:
            at = parse_moment(message.value, self.zone, self.present_at)
        except ValueError as exc:
            self.query_one("#problem", Label).update(Content.styled(str(exc), "$error bold"))
            return
        self.dismiss(at)

    def action_cancel(self) -> None:
        self.dismiss(None)
