"""Daily tallies by agent, summed from the hourly tallies by dimension (cxtui.aggregates),
and the reads that take every value of one dimension at once for the agents table.

Why days: over a week the hourly tallies hold one row an agent, hour and channel, which at
300 agents and a million tickets is about one row a ticket; the days hold one row an agent a
day. A window's whole days come from here, its other whole hours from the hourly tallies,
its ragged edges from the rows. A day is rebuilt from its hours in the transaction that
rebuilds them, so a day none of whose hours is listed for rebuilding is up to date.

Reads are plain SQL with bound parameters (lists of days and hours as one JSON parameter),
one fixed text per shape: the agents table runs them on every refresh.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from cxtui.models import DimensionDay
from cxtui.tallies import SurveyTally, TicketTally, insert_many, pack, unpack

HOURS_A_DAY = 24
DAY_DIMENSIONS = ("agent",)
"""The dimensions kept by day: the agent, the one with hundreds of values (queues and
channels are a few rows an hour, cheap to read from the hours)."""
DAY_DURATIONS = ("waits",)
"""The durations a day keeps: the first-reply waits, the agents table's median."""

_COUNTS = (*TicketTally.COUNTS, "solved")
_SUMS = ", ".join(f"sum({name})" for name in _COUNTS)
_SURVEY_SUMS = ", ".join(f"sum({name})" for name in SurveyTally.COUNTS)
_IN_LIST = "IN (SELECT listed.value FROM json_each(?) AS listed)"
# "+dimension": the hour index, not the key (dimension, value, ...), which would walk every
# value's whole history to find a few hours of each.
_HOURS_OF = f"FROM dimension_hour WHERE +dimension = ? AND hour {_IN_LIST}"
_DAYS_OF = f"FROM dimension_day WHERE dimension = ? AND day {_IN_LIST}"
_SURVEY_HOURS_OF = f"FROM survey_dimension_hour WHERE +dimension = ? AND hour {_IN_LIST}"
_SURVEY_DAYS_OF = f"FROM survey_dimension_day WHERE dimension = ? AND day {_IN_LIST}"

_SURVEY_COUNTS = (
    f"SELECT value, kind, {_SURVEY_SUMS} FROM ("
    f"SELECT value, kind, {', '.join(SurveyTally.COUNTS)} {_SURVEY_DAYS_OF}"
    f" UNION ALL SELECT value, kind, {', '.join(SurveyTally.COUNTS)} {_SURVEY_HOURS_OF})"
    " GROUP BY value, kind"
)


def split_days(
    owned: Collection[int], dimension: str, durations: Sequence[str]
) -> tuple[list[int], list[int]]:
    """The owned hours as (whole days to read from the daily tallies, the other hours): a
    day is whole when all its hours are owned (none cut by the window, none listed for
    rebuilding). No days for a dimension or durations the days do not keep."""
    if dimension not in DAY_DIMENSIONS or not set(durations) <= set(DAY_DURATIONS):
        return [], sorted(owned)
    hours = set(owned)
    days = [
        day
        for day in {hour // HOURS_A_DAY for hour in hours}
        if all(hour in hours for hour in _hours_of(day))
    ]
    for day in days:
        hours.difference_update(_hours_of(day))
    return sorted(days), sorted(hours)


def _hours_of(day: int) -> range:
    return range(day * HOURS_A_DAY, (day + 1) * HOURS_A_DAY)


def ticket_tallies_by(
    db: sqlite3.Connection,
    dimension: str,
    days: list[int],
    hours: list[int],
    durations: Sequence[str],
) -> list[tuple[Any, ...]]:
    """(stored value, *TicketTally.COUNTS, solved, then each of `durations` packed) summed
    over the days and hours, in one pass over their rows.

    Each value's packed runs come joined end to end by group_concat, which copies a blob's
    bytes as they are (a database in UTF-8, as cxtui makes them; the CAST gives them back as
    a blob): one bytes object a value to unpack and sort, where a row each cost a Python
    step (twice the time of the read at a million tickets)."""
    for name in durations:
        if name not in _DURATION_COLUMNS:
            raise ValueError(f"no durations named {name!r}")
    columns = ", ".join(("value", *_COUNTS, *durations))
    parts = [f"SELECT {columns} {_HOURS_OF}"]
    parameters: list[Any] = [dimension, json.dumps(hours)]
    if days:
        parts.append(f"SELECT {columns} {_DAYS_OF}")
        parameters += [dimension, json.dumps(days)]
    joined = "".join(f", CAST(group_concat({name}, '') AS BLOB)" for name in durations)
    statement = f"SELECT value, {_SUMS}{joined} FROM ({' UNION ALL '.join(parts)}) GROUP BY value"
    return db.execute(statement, parameters).fetchall()


_DURATION_COLUMNS = ("waits", "abandoned_waits", "resolution_times")


def survey_counts_by(
    db: sqlite3.Connection, dimension: str, days: list[int], hours: list[int]
) -> list[tuple[Any, ...]]:
    """(stored value, kind, *SurveyTally.COUNTS) summed over the days and hours."""
    return db.execute(_SURVEY_COUNTS, _parameters(dimension, days, hours)).fetchall()


def _parameters(dimension: str, days: list[int], hours: list[int]) -> tuple[Any, ...]:
    return (dimension, json.dumps(days), dimension, json.dumps(hours))


def days_of(hours: Iterable[int]) -> set[int]:
    """The days holding these hours: the days to rebuild after them."""
    return {hour // HOURS_A_DAY for hour in hours}


_DAY_COLUMNS = ("dimension", "day", "value", *_COUNTS, "waits")


def rebuild_ticket_days(db: sqlite3.Connection, days: Iterable[int]) -> None:
    """Write each day's tallies by DAY_DIMENSIONS from its hourly tallies by dimension
    (rebuilt already, in this transaction)."""
    for day in sorted(days):
        first, last = day * HOURS_A_DAY, (day + 1) * HOURS_A_DAY - 1
        db.execute("DELETE FROM dimension_day WHERE day = ?", (day,))
        for dimension in DAY_DIMENSIONS:
            where = "FROM dimension_hour WHERE +dimension = ? AND hour BETWEEN ? AND ?"
            parameters = (dimension, first, last)
            waits: dict[str, list[bytes]] = {}
            for stored, blob in db.execute(f"SELECT value, waits {where}", parameters):
                if blob:
                    waits.setdefault(stored, []).append(blob)
            counted = db.execute(f"SELECT value, {_SUMS} {where} GROUP BY value", parameters)
            insert_many(
                db,
                DimensionDay,
                _DAY_COLUMNS,
                [
                    (dimension, day, stored, *counts, _sorted_blob(waits.get(stored, [])))
                    for stored, *counts in counted
                ],
            )


def _sorted_blob(parts: list[bytes]) -> bytes:
    """Sorted runs packed side by side, as one packed sorted run."""
    if len(parts) <= 1:
        return parts[0] if parts else b""
    return pack(sorted(unpack(b"".join(parts))))


def rebuild_survey_days(db: sqlite3.Connection, days: Iterable[int]) -> None:
    """Write each day's survey tallies by DAY_DIMENSIONS from its hourly ones."""
    names = ", ".join(SurveyTally.COUNTS)
    for day in sorted(days):
        first, last = day * HOURS_A_DAY, (day + 1) * HOURS_A_DAY - 1
        db.execute("DELETE FROM survey_dimension_day WHERE day = ?", (day,))
        for dimension in DAY_DIMENSIONS:
            db.execute(
                f"INSERT INTO survey_dimension_day (dimension, day, value, kind, {names})"
                f" SELECT dimension, ?, value, kind, {_SURVEY_SUMS} FROM survey_dimension_hour"
                " WHERE +dimension = ? AND hour BETWEEN ? AND ? GROUP BY value, kind",
                (day, dimension, first, last),
            )
