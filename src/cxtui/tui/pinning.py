"""Which moment the numbers are for: now (live), a time given with --as-of, or the latest data.

A folder whose newest row is older than the window (the bundled sample, last month's export)
would open on an empty screen if the window always ended now. So while the app opens, and
until the supervisor chooses (L, --as-of, or travelling back in time), it opens as of the
latest data instead and says so. After that it never jumps by itself: when rows arrive in
the live window while the numbers are pinned, the status line says so and L goes live.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["live", "given", "latest", "past"]


@dataclass(frozen=True)
class AsOf:
    """`kind` live follows the clock; given (--as-of), latest and past (a moment the
    supervisor travelled back to, see time_travel.py) are pinned at `at`.

    `chosen` is set when the supervisor picked it; the app moves only what it picked itself.
    """

    kind: Kind = "live"
    at: int | None = None
    chosen: bool = False

    @property
    def pinned(self) -> bool:
        return self.kind != "live"


LIVE = AsOf()


def given(at: int) -> AsOf:
    """The moment of --as-of: it wins over the latest data and never moves."""
    return AsOf("given", at, chosen=True)


def follow_data(
    as_of: AsOf, latest: int | None, now: int, window_seconds: int, *, opening: bool
) -> AsOf:
    """Where the numbers should be as of, now that the newest data is at `latest`.

    While opening (the backlog is being read, or has just been), an unchosen moment goes to
    the latest data when the window ending now would hold none, and back to live when it
    would. Pinned at the latest data, the pin follows rows that are newer but still older
    than the live window (the claim "the latest data" stays true); newer rows inside the live
    window leave it where it is, for `arriving` to report.
    """
    if as_of.kind in ("given", "past") or latest is None:
        return as_of
    window_empty_now = latest < now - window_seconds
    if as_of.kind == "latest":
        if window_empty_now:
            return AsOf("latest", latest, as_of.chosen)
        return LIVE if opening and not as_of.chosen else as_of
    if window_empty_now and opening and not as_of.chosen:
        return AsOf("latest", latest)
    return as_of


def arriving(as_of: AsOf, latest: int | None, now: int, window_seconds: int) -> bool:
    """Rows newer than a pinned moment have landed in the window ending now: worth a look."""
    if not as_of.pinned or as_of.at is None or latest is None:
        return False
    return latest > as_of.at and latest >= now - window_seconds
