"""Numbers, durations and times as a supervisor reads them on a small screen.

Pure functions returning plain strings, so the panes, lists and tests share one wording.
Missing values show as an em dash rather than a zero: "no data" and "zero" are different news.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cxtui.report import duration as duration  # the one way durations are written
from cxtui.safe_text import mask_pii, visible

MISSING = "—"
MINUTE = 60
HOUR = 3_600
DAY = 86_400


def headline_duration(seconds: float | None) -> tuple[str, str]:
    """A duration as (number, unit) for the big digits, e.g. ("4.5", "min") or ("12", "h")."""
    if seconds is None:
        return MISSING, ""
    if seconds < 100:
        return f"{round(seconds)}", "sec"
    if seconds < 100 * MINUTE:
        return _short_number(seconds / MINUTE), "min"
    if seconds < 2 * DAY:
        return _short_number(seconds / HOUR), "hours"
    return _short_number(seconds / DAY), "days"


def _short_number(value: float) -> str:
    """One decimal below 10, whole numbers above: 4.5, 12, 130."""
    return f"{value:.1f}" if value < 9.95 else f"{round(value)}"


def count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def percent(rate: float | None, decimals: int = 0) -> str:
    """A 0-1 rate as a percentage: 0.825 -> "82%" (or "82.5%")."""
    return MISSING if rate is None else f"{100 * rate:.{decimals}f}%"


def percent_points(value: float | None, decimals: int = 0) -> str:
    """A value already in percent (CSAT): 86.0 -> "86%"."""
    return MISSING if value is None else f"{value:.{decimals}f}%"


def nps(score: float | None) -> str:
    """NPS with its sign, because -5 and 5 read alike at a glance: "+32", "-5", "0"."""
    if score is None:
        return MISSING
    whole = round(score)
    return f"{whole:+d}" if whole else "0"


def margin(value: float | None) -> str:
    return "" if value is None else f"±{value:.0f}"


UP, DOWN, SAME = "▲", "▼", "="


def change(difference: float | None, shown: str) -> str:
    """A change as an arrow and its size, "▲3 pts", "▼4h 55m", "=0"; `shown` is the size
    already written in the figure's unit. "prev —" when the window before had no data."""
    if difference is None:
        return "prev " + MISSING
    arrow = UP if difference > 0 else DOWN if difference < 0 else SAME
    return f"{arrow}{shown}"


def points(difference: float | None, decimals: int = 0) -> str:
    """A difference of two rates (0-1) in percentage points, without its sign: "3 pts"."""
    return MISSING if difference is None else f"{abs(100 * difference):.{decimals}f} pts"


def interval(
    bounds: tuple[float, float] | None, scale: float = 1, unit: str = "", *, signed: bool = False
) -> str:
    """A 95% interval as "95% 42 to 47%" (fractions times `scale`; NPS `signed`, "-48 to +98");
    empty when there is none."""
    if bounds is None:
        return ""
    sign = "+" if signed else ""
    low, high = (round(scale * bound) for bound in bounds)
    return f"95% {low:{sign}d} to {high:{sign}d}{unit}"


def mean(value: float | None, decimals: int = 1) -> str:
    return MISSING if value is None else f"{value:.{decimals}f}"


def moment(epoch: int | None, zone: ZoneInfo) -> str:
    """A date and time in the supervisor's time zone: 2024-05-01 14:05."""
    if epoch is None:
        return MISSING
    return datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M")


def moment_seconds(epoch: int | None, zone: ZoneInfo) -> str:
    if epoch is None:
        return MISSING
    return datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M:%S")


def moment_with_zone(epoch: int | None, zone: ZoneInfo) -> str:
    """A full timestamp that says its zone: 2024-05-01 14:05:33 BST."""
    if epoch is None:
        return MISSING
    return datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def day(epoch: int, zone: ZoneInfo, this_year: int) -> str:
    """A short date, with the year only when it is not `this_year`: 03-01, 2025-03-01."""
    moment = datetime.fromtimestamp(epoch, zone)
    return moment.strftime("%m-%d" if moment.year == this_year else "%Y-%m-%d")


def year_now(epoch: float, zone: ZoneInfo) -> int:
    return datetime.fromtimestamp(epoch, zone).year


def time_of_day(epoch: int, zone: ZoneInfo) -> str:
    """The status line's wall clock: 14:05 UTC."""
    return datetime.fromtimestamp(epoch, zone).strftime("%H:%M %Z")


def window_name(seconds: int) -> str:
    """A window length as typed on the command line: 24h, 7d, 90m."""
    if seconds % DAY == 0 and seconds >= 2 * DAY:
        return f"{seconds // DAY}d"
    if seconds % HOUR == 0:
        return f"{seconds // HOUR}h"
    if seconds % MINUTE == 0:
        return f"{seconds // MINUTE}m"
    return f"{seconds}s"


def data(value: object, *, mask: bool = False, max_len: int | None = None) -> str:
    """A value from a data file made safe to show: PII masked if asked, controls made visible."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if mask:
        text = mask_pii(text)
    return visible(text, max_len)


# How a survey answer reads at a glance: the role its band plays in colour and words.
BAND_ROLES = {
    "detractor": "bad",
    "dissatisfied": "bad",
    "high_effort": "bad",
    "passive": "warn",
    "neutral": "warn",
    "promoter": "ok",
    "satisfied": "ok",
    "low_effort": "ok",
}
