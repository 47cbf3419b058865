"""The centre's calendar: its time zone, its opening hours per weekday and its holidays.

A customer who writes at 17:55 on a Friday to a centre that opens at 09:00 on Monday has
waited more than two days on the calendar but a few minutes of business time. Supervisors
judge their team on the second and their customers' patience on the first, so every wait is
available in both; this module turns two instants into the business seconds between them.

Opening hours are wall-clock times in the centre's zone, so a 09:00-17:00 day stays eight
hours long across a daylight-saving change, while a day open around the clock is 23 or 25
hours long on the days the clocks move.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

DAY_SECONDS = 86_400
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLOSED = "closed"
GROW_DAYS = 31
_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")

Interval = tuple[int, int]
"""(opens, closes) in seconds after local midnight; closes may be 86,400 (24:00)."""

WeekHours = tuple[tuple[Interval, ...], ...]
"""Seven days of opening intervals, Monday first."""


def centre_zone(name: str) -> tzinfo:
    """The tzinfo for a zone name; "UTC" needs no time-zone database."""
    return UTC if name.upper() == "UTC" else ZoneInfo(name)


@dataclass(frozen=True)
class BusinessHours:
    """When the centre is open. `week` None means around the clock (holidays still close it)."""

    timezone: str = "UTC"
    week: WeekHours | None = None
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def always_open(self) -> bool:
        """True when business time and calendar time are the same thing."""
        return self.week is None and not self.holidays

    @property
    def zone(self) -> tzinfo:
        return centre_zone(self.timezone)

    def open_on(self, day: date) -> tuple[Interval, ...]:
        """The opening intervals of one local date."""
        if day in self.holidays:
            return ()
        if self.week is None:
            return ((0, DAY_SECONDS),)
        return self.week[day.weekday()]


def parse_week(table: Mapping[str, object]) -> tuple[WeekHours, frozenset[date]]:
    """Opening hours and holidays from the `[business_hours]` config table.

    Each weekday (`monday` … `sunday`, or `mon` … `sun`) is "09:00-17:00", a list of such
    ranges, or "closed"; a day left out is closed. `holidays` lists ISO dates. Raises
    ValueError naming the key for anything else.
    """
    days: list[tuple[Interval, ...]] = [() for _ in WEEKDAYS]
    holidays: frozenset[date] = frozenset()
    for key, value in table.items():
        if key == "holidays":
            holidays = _holidays(value)
            continue
        index = _weekday(key)
        days[index] = _intervals(value, key)
    return tuple(days), holidays


def _weekday(key: str) -> int:
    lowered = key.lower()
    for index, name in enumerate(WEEKDAYS):
        if lowered in (name, name[:3]):
            return index
    raise ValueError(
        f"unknown key {key!r}: use the weekdays monday … sunday (or mon … sun) and holidays"
    )


def _intervals(value: object, key: str) -> tuple[Interval, ...]:
    items = value if isinstance(value, list) else [value]
    intervals: list[Interval] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{key}: opening hours are text such as '09:00-17:00', not {item!r}")
        if item.strip().lower() == CLOSED:
            continue
        match = _RANGE.fullmatch(item.strip())
        if not match:
            raise ValueError(f"{key}: cannot read {item!r}; write opening hours as '09:00-17:00'")
        opens = _clock_seconds(int(match[1]), int(match[2]), item, key)
        closes = _clock_seconds(int(match[3]), int(match[4]), item, key)
        if closes <= opens:
            raise ValueError(
                f"{key}: {item!r} closes before it opens; split a night shift across two days"
            )
        intervals.append((opens, closes))
    intervals.sort()
    for (_, closes), (opens, _) in pairwise(intervals):
        if opens < closes:
            raise ValueError(f"{key}: opening hours overlap")
    return tuple(intervals)


def _clock_seconds(hours: int, minutes: int, text: str, key: str) -> int:
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{key}: {text!r} is not a time of day (00:00 to 24:00)")
    return hours * 3_600 + minutes * 60


def _holidays(value: object) -> frozenset[date]:
    if not isinstance(value, list):
        raise ValueError("holidays must be a list of dates such as ['2026-12-25']")
    days = set()
    for item in value:
        if isinstance(item, date) and not isinstance(item, datetime):
            days.add(item)
            continue
        try:
            days.add(date.fromisoformat(str(item)))
        except ValueError:
            raise ValueError(f"holidays: {item!r} is not a date such as '2026-12-25'") from None
    return frozenset(days)


class BusinessClock:
    """Business seconds between instants, for many instants at a time.

    It keeps a table of local days (their midnights, opening intervals as epoch seconds, and
    the business seconds before each), grown as instants outside it arrive, so each question
    is two binary searches however long the wait.
    """

    def __init__(self, hours: BusinessHours) -> None:
        self.hours = hours
        self.zone = hours.zone
        self._first: date | None = None
        self._midnights: list[int] = []
        self._opens: list[tuple[Interval, ...]] = []
        self._before: list[int] = []

    def seconds(self, start: int, end: int) -> int:
        """Business seconds in [start, end); negative when end is before start."""
        if self.hours.always_open:
            return end - start
        # Grow the table for both first: growing it backwards moves the point it counts from.
        self._cover(self._local_date(start))
        self._cover(self._local_date(end))
        return self._elapsed(end) - self._elapsed(start)

    def _local_date(self, moment: int) -> date:
        return datetime.fromtimestamp(moment, self.zone).date()

    def _elapsed(self, moment: int) -> int:
        """Business seconds from the table's first midnight to `moment` (inside the table)."""
        index = bisect_right(self._midnights, moment) - 1
        total = self._before[index]
        for opens, closes in self._opens[index]:
            if moment <= opens:
                break
            total += min(moment, closes) - opens
        return total

    def _cover(self, day: date) -> None:
        """Grow the table so it holds `day`: appending later days, rebuilding for earlier ones."""
        if self._first is None or day < self._first:
            last = day if self._first is None else self._first + timedelta(len(self._midnights))
            self._first = day - timedelta(days=GROW_DAYS)
            self._midnights, self._opens, self._before = [], [], []
            self._append_until(last)
        elif day >= self._first + timedelta(days=len(self._midnights)):
            self._append_until(day + timedelta(days=GROW_DAYS))

    def _append_until(self, last: date) -> None:
        assert self._first is not None
        day = self._first + timedelta(days=len(self._midnights))
        total = self._before[-1] + _length(self._opens[-1]) if self._before else 0
        while day <= last:
            midnight = local_midnight(day, self.zone)
            intervals = tuple(
                (self._at(day, opens), self._at(day, closes))
                for opens, closes in self.hours.open_on(day)
            )
            self._midnights.append(midnight)
            self._opens.append(intervals)
            self._before.append(total)
            total += _length(intervals)
            day += timedelta(days=1)

    def _at(self, day: date, seconds_after: int) -> int:
        """The instant of a wall-clock time on `day` (24:00 is the next midnight)."""
        if seconds_after >= DAY_SECONDS:
            return local_midnight(day + timedelta(days=1), self.zone)
        wall = datetime.combine(day, time()) + timedelta(seconds=seconds_after)
        return int(wall.replace(tzinfo=self.zone).timestamp())


def _length(intervals: tuple[Interval, ...]) -> int:
    return sum(closes - opens for opens, closes in intervals)


def local_midnight(day: date, zone: tzinfo) -> int:
    """The instant a local date begins in `zone`."""
    return int(datetime.combine(day, time(), tzinfo=zone).timestamp())


def day_starts(last_day: date, days: int, zone: tzinfo) -> list[int]:
    """Midnights of the `days` local dates ending with `last_day`, plus the one after it.

    Consecutive entries bound one local day, 23, 24 or 25 hours long."""
    first = last_day - timedelta(days=days - 1)
    return [local_midnight(first + timedelta(days=n), zone) for n in range(days + 1)]
