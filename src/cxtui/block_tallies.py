"""Tallies by agent over whole days and quarter days, summed from the hourly tallies by
dimension (cxtui.aggregates), and the reads that take every value of one dimension at once
for the agents table.

Why blocks: over a week the hourly tallies hold one row an agent, hour and channel, which
at 300 agents and a million tickets is about one row a ticket; a day holds one row an
agent. A window's whole days come from the days, the whole quarter days (6 hours) left at
its two ends from the quarters, its other whole hours (at most 5 at each end) from the
hourly tallies, its ragged edges from the rows. The blocks holding an hour are rebuilt in
the transaction that rebuilds the hour (a quarter from its hours, a day from its quarters),
so a block none of whose hours is listed for rebuilding is up to date.

Reads are plain SQL with bound parameters (lists of blocks and hours as JSON parameters),
one fixed text per shape: the agents table runs them on every refresh.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from cxtui.models import DimensionBlock
from cxtui.tallies import SurveyTally, TicketTally, insert_many, pack, unpack

BLOCK_HOURS = (24, 6)
"""The lengths of the blocks kept, longest first; each divides the one before, so a
block never straddles a longer one."""
BLOCK_DIMENSIONS = ("agent",)
"""The dimensions kept by block: the agent, the one with hundreds of values (queues and
channels are a few rows an hour, cheap to read from the hours)."""
BLOCK_DURATIONS = ("waits",)
"""The durations a block keeps: the first-reply waits, the agents table's median."""

Blocks = dict[int, list[int]]
"""The first hours of the blocks to read, by block length."""

_COUNTS = (*TicketTally.COUNTS, "solved")
_SUMS = ", ".join(f"sum({name})" for name in _COUNTS)
_SURVEY_SUMS = ", ".join(f"sum({name})" for name in SurveyTally.COUNTS)
_IN_LIST = "IN (SELECT listed.value FROM json_each(?) AS listed)"
# "+dimension": the hour index, not the key (dimension, value, ...), which would walk every
# value's whole history to find a few hours of each.
_HOURS_OF = f"FROM dimension_hour WHERE +dimension = ? AND hour {_IN_LIST}"
_BLOCKS_OF = f"FROM dimension_block WHERE dimension = ? AND hours = ? AND first_hour {_IN_LIST}"
_SURVEY_HOURS_OF = f"FROM survey_dimension_hour WHERE +dimension = ? AND hour {_IN_LIST}"
_SURVEY_BLOCKS_OF = (
    f"FROM survey_dimension_block WHERE dimension = ? AND hours = ? AND first_hour {_IN_LIST}"
)
_SURVEY_COLUMNS = ", ".join(("value", "kind", *SurveyTally.COUNTS))
_SURVEY_COUNTS = (
    f"SELECT value, kind, {_SURVEY_SUMS} FROM ("
    + " UNION ALL ".join(
        [
            f"SELECT {_SURVEY_COLUMNS} {_SURVEY_HOURS_OF}",
            *(f"SELECT {_SURVEY_COLUMNS} {_SURVEY_BLOCKS_OF}" for _ in BLOCK_HOURS),
        ]
    )
    + ") GROUP BY value, kind"
)


def split_blocks(
    owned: Collection[int], dimension: str, durations: Sequence[str]
) -> tuple[Blocks, list[int]]:
    """The owned hours as (whole blocks to read from the block tallies, the other hours): a
    block is whole when all its hours are owned (none cut by the window, none listed for
    rebuilding). No blocks for a dimension or durations the blocks do not keep."""
    blocks: Blocks = {length: [] for length in BLOCK_HOURS}
    if dimension not in BLOCK_DIMENSIONS or not set(durations) <= set(BLOCK_DURATIONS):
        return blocks, sorted(owned)
    hours = set(owned)
    for length in BLOCK_HOURS:
        for first in sorted({hour - hour % length for hour in hours}):
            block = range(first, first + length)
            if all(hour in hours for hour in block):
                blocks[length].append(first)
                hours.difference_update(block)
    return blocks, sorted(hours)


def _parameters(dimension: str, blocks: Blocks, hours: list[int]) -> list[Any]:
    """The parameters of the hours' part, then of each block length's part."""
    parameters: list[Any] = [dimension, json.dumps(hours)]
    for length in BLOCK_HOURS:
        parameters += [dimension, length, json.dumps(blocks[length])]
    return parameters


def ticket_tallies_by(
    db: sqlite3.Connection,
    dimension: str,
    blocks: Blocks,
    hours: list[int],
    durations: Sequence[str],
) -> list[tuple[Any, ...]]:
    """(stored value, *TicketTally.COUNTS, solved, then each of `durations` packed) summed
    over the blocks and hours, in one pass over their rows.

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
    if any(blocks.values()):  # else durations the blocks do not keep may be asked
        parts += [f"SELECT {columns} {_BLOCKS_OF}" for _ in BLOCK_HOURS]
        parameters = _parameters(dimension, blocks, hours)
    joined = "".join(f", CAST(group_concat({name}, '') AS BLOB)" for name in durations)
    statement = f"SELECT value, {_SUMS}{joined} FROM ({' UNION ALL '.join(parts)}) GROUP BY value"
    return db.execute(statement, parameters).fetchall()


_DURATION_COLUMNS = ("waits", "abandoned_waits", "resolution_times")


def survey_counts_by(
    db: sqlite3.Connection, dimension: str, blocks: Blocks, hours: list[int]
) -> list[tuple[Any, ...]]:
    """(stored value, kind, *SurveyTally.COUNTS) summed over the blocks and hours."""
    return db.execute(_SURVEY_COUNTS, _parameters(dimension, blocks, hours)).fetchall()


_BLOCK_COLUMNS = ("dimension", "hours", "first_hour", "value", *_COUNTS, "waits")


def blocks_holding(hours: Iterable[int]) -> list[tuple[int, int]]:
    """(length, first hour) of every block holding one of these hours, shortest first: the
    blocks to rebuild after them, each after the shorter blocks it is summed from.

    Only the blocks of the hours touched: a row landing in one hour rebuilds its quarter day
    and its day, not the day's other quarters (a quiet row's commit waits for its rebuild)."""
    hours = set(hours)
    return [
        (length, first)
        for length in reversed(BLOCK_HOURS)
        for first in sorted({hour - hour % length for hour in hours})
    ]


def _summed_from(
    hourly: str, blocks: str, dimension: str, length: int, first: int
) -> tuple[str, tuple[Any, ...]]:
    """FROM and WHERE, and their parameters, of the rows a block of `length` is summed
    from: the hourly rows for the shortest blocks, else the next shorter blocks (each longer
    block is a whole number of them), which are fewer: a day from its 4 quarters, not its
    24 hours. "+dimension" on the hours, as in _HOURS_OF; the blocks' key starts with it."""
    last = first + length - 1
    shorter = BLOCK_HOURS.index(length) + 1
    if shorter == len(BLOCK_HOURS):
        return f"FROM {hourly} WHERE +dimension = ? AND hour BETWEEN ? AND ?", (
            dimension,
            first,
            last,
        )
    return (
        f"FROM {blocks} WHERE dimension = ? AND hours = ? AND first_hour BETWEEN ? AND ?",
        (dimension, BLOCK_HOURS[shorter], first, last),
    )


def rebuild_ticket_blocks(db: sqlite3.Connection, hours: Iterable[int]) -> None:
    """Write the blocks by BLOCK_DIMENSIONS that hold these hours from the hourly tallies
    by dimension (rebuilt already, in this transaction) or from their shorter blocks."""
    for length, first in blocks_holding(hours):
        for dimension in BLOCK_DIMENSIONS:
            db.execute(
                "DELETE FROM dimension_block WHERE dimension = ? AND hours = ? AND first_hour = ?",
                (dimension, length, first),
            )
            where, parameters = _summed_from(
                "dimension_hour", "dimension_block", dimension, length, first
            )
            counted = db.execute(
                f"SELECT value, {_SUMS}, CAST(group_concat(waits, '') AS BLOB) {where}"
                " GROUP BY value",
                parameters,
            )
            insert_many(
                db,
                DimensionBlock,
                _BLOCK_COLUMNS,
                [
                    (dimension, length, first, stored, *counts, pack(sorted(unpack(waits))))
                    for stored, *counts, waits in counted
                ],
            )


def rebuild_survey_blocks(db: sqlite3.Connection, hours: Iterable[int]) -> None:
    """Write the survey blocks by BLOCK_DIMENSIONS that hold these hours, as above."""
    names = ", ".join(SurveyTally.COUNTS)
    for length, first in blocks_holding(hours):
        for dimension in BLOCK_DIMENSIONS:
            db.execute(
                "DELETE FROM survey_dimension_block WHERE dimension = ? AND hours = ?"
                " AND first_hour = ?",
                (dimension, length, first),
            )
            where, parameters = _summed_from(
                "survey_dimension_hour", "survey_dimension_block", dimension, length, first
            )
            db.execute(
                "INSERT INTO survey_dimension_block"
                f" (dimension, hours, first_hour, value, kind, {names})"
                f" SELECT dimension, ?, ?, value, kind, {_SURVEY_SUMS} {where}"
                " GROUP BY value, kind",
                (length, first, *parameters),
            )
