"""Trend series for the charts: a fixed time axis with gaps, an honest value range, and today
hour by hour against the same weekday last week.

The screens only draw what these return. A day with nothing to measure stays in the series as
None, a gap, so every chart of a dashboard spans the same days slot for slot and a quiet day
is never drawn as a zero. The value axis ignores far outliers (beyond three interquartile
ranges, Tukey's "far out" fence) so one odd day does not flatten the other twenty-nine; the
charts mark such days as off the scale and the labels still give the true minimum and maximum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal
from sqlmodel import Session, col, select

from cxtui.business_hours import local_midnight
from cxtui.metrics import DailyPoint, Filters, ticket_filter_conditions
from cxtui.models import RESOLVED_STATUSES, Ticket
from cxtui.tallies import not_for_lookup, percentile

FAR_OUT = 3.0
"""How many interquartile ranges beyond the quartiles a value must lie to be off the axis."""
MIN_FOR_FENCE = 4
"""Below this many values there are no quartiles worth the name: the axis is min to max."""
HOUR = 3_600


@dataclass(frozen=True)
class Series:
    """One value per day (None: nothing to measure that day), oldest first."""

    days: tuple[str, ...]
    values: tuple[float | None, ...]

    @property
    def present(self) -> list[float]:
        return [v for v in self.values if v is not None]

    @property
    def low(self) -> float | None:
        return min(self.present, default=None)

    @property
    def high(self) -> float | None:
        return max(self.present, default=None)


@dataclass(frozen=True)
class Axis:
    """The value range a chart draws; values outside it are drawn at its edge, marked."""

    low: float
    high: float

    def clipped(self, value: float) -> int:
        """-1 below the axis, 1 above it, 0 on it."""
        return -1 if value < self.low else 1 if value > self.high else 0


def daily(points: Sequence[DailyPoint], pick: Callable[[DailyPoint], float | None]) -> Series:
    """One measure of the daily trend as a series with a slot for every day."""
    return Series(
        days=tuple(p.day for p in points),
        values=tuple(pick(p) for p in points),
    )


def axis(values: Sequence[float], *, zero_based: bool = False) -> Axis | None:
    """The range to draw `values` on: min to max, far outliers left off; None with no values.

    zero_based starts the axis at 0 (counts, rates and durations are drawn as bars from 0, so
    their heights compare), unless a value is negative.
    """
    if not values:
        return None
    ordered = sorted(values)
    low, high = ordered[0], ordered[-1]
    if len(ordered) >= MIN_FOR_FENCE:
        q1, q3 = percentile(ordered, 0.25), percentile(ordered, 0.75)
        assert q1 is not None and q3 is not None
        spread = q3 - q1
        if spread > 0:
            low = max(low, q1 - FAR_OUT * spread)
            high = min(high, q3 + FAR_OUT * spread)
    if zero_based and low >= 0:
        low = 0.0
    return Axis(low=float(low), high=float(high))


# --- today, hour by hour -----------------------------------------------------------------


@dataclass(frozen=True)
class Intraday:
    """Arrivals and solved tickets per local hour of as_of's day and of the same weekday a
    week before. Today's hours after as_of are None (not yet); the hour holding as_of
    counts up to as_of. A day when the clocks change has 23 or 25 hours."""

    day: str
    last_week_day: str
    hours: tuple[int, ...]
    """The local clock hour each slot starts at (0-23), in order."""
    arrivals: tuple[int | None, ...]
    solved: tuple[int | None, ...]
    arrivals_last_week: tuple[int, ...]
    solved_last_week: tuple[int, ...]
    so_far: tuple[int, int]
    """Today's arrivals and solved up to as_of."""
    so_far_last_week: tuple[int, int]
    """Last week's arrivals and solved up to the same local time of day."""


def _hour_starts(day: date, zone: ZoneInfo) -> list[int]:
    """Each hour's start from the day's local midnight to the next (23, 24 or 25 hours)."""
    start, end = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    return [*range(start, end, HOUR), end]


def _counts(
    session: Session, at: Any, first: int, slots: int, until: int, conditions: list[Any]
) -> list[int]:
    """How many tickets have `at` in each hour from `first`, `slots` hours, before `until`.

    One range count on the index of `at` per hour (hours made by a recursive CTE, so the
    statement's shape, and its compiled form, stay the same): a GROUP BY over the day would
    sort every ticket of it, ten times slower at a million."""
    hours = select(literal(0).label("n")).cte("hours", recursive=True)
    hours = hours.union_all(select(hours.c.n + 1).where(hours.c.n + 1 < slots))
    start = first + hours.c.n * HOUR
    count = (
        select(func.count())
        .select_from(Ticket)
        .where(at >= start, at < start + HOUR, at < until, *conditions)
        .scalar_subquery()
    )
    return [number for _, number in session.exec(select(hours.c.n, count).order_by(hours.c.n))]


def _count(session: Session, at: Any, first: int, cut: int, conditions: list[Any]) -> int:
    return session.exec(
        select(func.count()).select_from(Ticket).where(at >= first, at <= cut, *conditions)
    ).one()


def _hourly(
    session: Session, starts: list[int], until: int, cut: int, filters: Filters
) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """(arrivals, solved) in each hour slot of `starts` before `until`, and their totals up to
    and including `cut`.

    The definitions are the tallies' (cxtui.tallies): arrivals by created_at, solved by
    resolved_at of tickets now solved or closed."""
    conditions = ticket_filter_conditions(filters)
    # Through the resolved_at index: the planner would walk every solved ticket by status.
    solved_conditions = [*conditions, not_for_lookup(Ticket.status).in_(RESOLVED_STATUSES)]
    first, slots = starts[0], len(starts) - 1
    created_at, resolved_at = col(Ticket.created_at), col(Ticket.resolved_at)
    created = _counts(session, created_at, first, slots, until, conditions)
    solved = _counts(session, resolved_at, first, slots, until, solved_conditions)
    by_cut = (
        _count(session, created_at, first, cut, conditions),
        _count(session, resolved_at, first, cut, solved_conditions),
    )
    return list(zip(created, solved, strict=True)), by_cut


def intraday(session: Session, as_of: int, zone: ZoneInfo, filters: Filters) -> Intraday:
    """Today (as_of's local day) hour by hour, beside the same weekday one week earlier.

    Arrivals are tickets created in the hour; solved are tickets now solved or closed whose
    resolved_at falls in the hour (the flow definition of docs/metrics.md). Filters apply.
    """
    today = datetime.fromtimestamp(as_of, zone).date()
    before = today - timedelta(days=7)
    starts, starts_before = _hour_starts(today, zone), _hour_starts(before, zone)
    # Today's hours that have begun, the last one ending with as_of.
    begun = [start for start in starts[:-1] if start <= as_of]
    today_hours, so_far = _hourly(session, [*begun, as_of + 1], as_of + 1, as_of, filters)
    # The same local time of day a week ago (a clock change between shifts the instant).
    same_time_before = local_midnight(before, zone) + (as_of - local_midnight(today, zone))
    week_ago, so_far_before = _hourly(
        session, starts_before, starts_before[-1], same_time_before, filters
    )
    to_come: list[int | None] = [None] * (len(starts) - 1 - len(begun))
    return Intraday(
        day=today.isoformat(),
        last_week_day=before.isoformat(),
        hours=tuple(datetime.fromtimestamp(s, zone).hour for s in starts[:-1]),
        arrivals=(*(created for created, _ in today_hours), *to_come),
        solved=(*(solved for _, solved in today_hours), *to_come),
        arrivals_last_week=tuple(created for created, _ in week_ago),
        solved_last_week=tuple(solved for _, solved in week_ago),
        so_far=so_far,
        so_far_last_week=so_far_before,
    )
