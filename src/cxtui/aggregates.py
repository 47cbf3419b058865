"""Hourly tallies of tickets and surveys, kept up to date as rows are written, so a refresh
at a million tickets reads a few hundred small rows instead of half a million tickets.

How they stay exact:
- SQLite triggers on ticket and survey list every hour a write touches (the old and the new
  creation, resolution and submission hours) in hour_to_rebuild, whoever the writer is.
- The loader is the exception, for speed: inside its write transaction it lifts the insert
  and update triggers and lists the same hours itself (lifted_row_triggers).
- The loader rebuilds the listed hours from the rows, with the same definitions a scan uses
  (cxtui.tallies), in the transaction that writes the last rows it has of a file, and
  empties the list.
- Readers take whole hours that are not listed from the tallies and count everything else
  (the ragged edges of a window, and any hour still listed) from the rows themselves.

A database made before the tallies existed gains the triggers and has every hour rebuilt
when it is next opened for writing.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, groupby
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, delete, func
from sqlalchemy.schema import CreateTable
from sqlmodel import col, select

from cxtui import block_tallies
from cxtui.models import (
    ChannelHour,
    DimensionHour,
    HourToRebuild,
    SurveyDimensionHour,
    SurveyHour,
    TicketHour,
)
from cxtui.tallies import (
    DIMENSIONS,
    NO_CHANNEL,
    SQLITE,
    Durations,
    Filters,
    Group,
    Span,
    SurveyTallies,
    SurveyTally,
    TicketTally,
    bounds_of,
    execute,
    insert_many,
    new_survey_tallies,
    pack,
    rows,
    scan_survey_groups,
    scan_surveys,
    scan_ticket_groups,
    scan_tickets,
    span_number,
    unpack,
)

HOUR = 3_600
MAX_SKIPPED_HOURS = 5_000
"""Beyond this many stale or ragged hours between the first and last usable one, a read
scans the rows instead: the list of hours to leave out would not fit in one statement."""
REBUILD_CHUNK_HOURS = 24
"""At most this many hours are rebuilt from one scan, so a whole history's rebuild holds a
day of durations in memory at a time (a week's took 33 MB more at a million tickets)."""


_TIMES = {"ticket": ("created_at", "resolved_at"), "survey": ("submitted_at",)}
"""The times that place a row of each table in its hours."""


def _hour_of(column: str) -> str:
    """SQL for the UTC hour a time falls in, rounding down for times before 1970 too."""
    return f"(({column}) - ((({column}) % 3600) + 3600) % 3600) / 3600"


def _mark(kind: str, column: str) -> str:
    """SQL listing the hour of `column`, if any and not listed yet.

    NOT EXISTS rather than INSERT OR IGNORE: inside a trigger SQLite applies the conflict
    policy of the statement that fired it, and the loader's upsert would fail on a listed
    hour."""
    hour = _hour_of(column)
    return (
        f"INSERT INTO hour_to_rebuild (kind, hour) SELECT '{kind}', {hour} "
        f"WHERE {column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hour_to_rebuild "
        f"WHERE kind = '{kind}' AND hour = {hour});"
    )


def _marks(kind: str, row: str) -> str:
    marks = "".join(_mark(kind, f"{row}.{column}") for column in _TIMES[kind])
    if kind == "ticket":
        marks += _mark_surveys_of(f"{row}.id")
    return marks


def _mark_surveys_of(ticket_id: str) -> str:
    """SQL listing the submission hours of the surveys about a ticket: their tallies by
    dimension place them by the ticket's channel, queue, priority and agent."""
    hour = _hour_of("submitted_at")
    return (
        f"INSERT INTO hour_to_rebuild (kind, hour) SELECT DISTINCT 'survey', h FROM "
        f"(SELECT {hour} AS h FROM survey WHERE ticket_id = {ticket_id}) WHERE NOT EXISTS "
        f"(SELECT 1 FROM hour_to_rebuild WHERE kind = 'survey' AND hour = h);"
    )


VERSION = "hours_v6_"
"""Prefix of the triggers' names. v2: waits and resolution times dated before the ticket's
creation are left out and counted instead, in new ticket_hour columns. v3: tickets'
answered, abandoned and waits are also kept by channel (channel_hour). v4: tickets and
surveys are also kept by queue, priority and agent with channel (dimension_hour,
survey_dimension_hour), and a ticket's write lists the hours of its surveys. v5: tickets and
surveys are also kept by agent over days and quarter days (cxtui.block_tallies). v6: and by
the agent with the queue, and with the priority (KEPT_DIMENSIONS)."""

TRIGGERS = {
    f"{VERSION}{kind}_{event}": (
        f"AFTER {event.upper()} ON {kind} BEGIN {' '.join(_marks(kind, row) for row in rows)} END"
    )
    for kind in _TIMES
    for event, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",)))
}
"""Named by version: a change to what the tallies hold gets new names, and opening an older
database replaces the old triggers and rebuilds every hour."""

ROW_TRIGGERS = {name: body for name, body in TRIGGERS.items() if not name.endswith("_delete")}
"""The triggers an upsert fires, which the loader lifts while it writes."""


class WrittenRows(NamedTuple):
    """What the loader is about to upsert into one table: the rows' ids, and their times
    (creation and resolution, or submission) that place them in hours."""

    ids: list[object]
    times: Iterable[Any]


_TICKET_HOUR_COLUMNS = (
    "hour",
    *TicketTally.COUNTS,
    "solved",
    "waits",
    "abandoned_waits",
    "resolution_times",
)
_CHANNEL_HOUR_COLUMNS = (
    "hour",
    "channel",
    "answered",
    "abandoned",
    "answered_before_created",
    "waits",
    "abandoned_waits",
)
_DIMENSION_HOUR_COLUMNS = ("dimension", "value", "hour", "channel", *_TICKET_HOUR_COLUMNS[1:])
_SURVEY_DIMENSION_HOUR_COLUMNS = ("dimension", "value", "hour", "channel", "kind")
KEPT_DIMENSIONS = {
    "channel": ("channel",),
    "queue": ("queue",),
    "priority": ("priority",),
    "agent": ("agent",),
    "queue+priority": ("queue", "priority"),
    "queue+agent": ("queue", "agent"),
    "priority+agent": ("priority", "agent"),
}
"""The dimensions (one field, or two together) with hourly tallies, each split by channel:
a filter on any of them, with or without a channel, is read from the tallies. A channel's
own rows repeat its rows of every other dimension, summed: one row an hour to read. Every
pair is kept, so any two filters together read tallies: an hour holds at most one row of a
dimension per ticket, however many agents and queues there are, so the agent's pairs cost
a bounded share of the rebuild (docs/performance.md). Queue, priority and agent all three
are scanned from the rows."""


def _stored_value(fields: tuple[str, ...], values: dict[str, Any]) -> str:
    """A dimension's value as its tallies store it: JSON, so a missing field (null) is
    never mistaken for an empty one."""
    if len(fields) == 1:
        return json.dumps(values[fields[0]])
    return json.dumps([values[name] for name in fields])


_SURVEY_HOUR_COLUMNS = (
    "hour",
    "kind",
    "responses",
    "promoters",
    "passives",
    "detractors",
    "satisfied",
    "score_total",
)


def installed(db: sqlite3.Connection) -> bool:
    """Whether this database keeps the current hourly tallies (its triggers exist)."""
    found = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (VERSION + "%",),
    ).fetchone()[0]
    return found == len(TRIGGERS)


def install(db: sqlite3.Connection) -> bool:
    """Create the triggers if missing and rebuild every hour; True if anything was done.

    Call inside the write transaction that creates or upgrades the schema
    (store_schema.install), so two processes opening one old database do it once and a
    reader never sees tables without their tallies.
    """
    if installed(db):
        return False
    existing = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'hours_%'"
    ).fetchall()
    for (name,) in existing:
        db.execute(f'DROP TRIGGER "{name}"')
    for name, body in TRIGGERS.items():
        db.execute(f'CREATE TRIGGER "{name}" {body}')
    # Made afresh rather than emptied: an older version's table lacks columns added since.
    db.execute("DROP TABLE IF EXISTS ticket_hour")
    db.execute(str(CreateTable(TicketHour.__table__).compile(dialect=SQLITE)))
    db.execute("DROP TABLE IF EXISTS channel_hour")
    db.execute(str(CreateTable(ChannelHour.__table__).compile(dialect=SQLITE)))
    db.execute("DELETE FROM survey_hour")
    db.execute("DELETE FROM dimension_hour")
    db.execute("DELETE FROM survey_dimension_hour")
    db.execute("DELETE FROM dimension_block")
    db.execute("DELETE FROM survey_dimension_block")
    for kind in _TIMES:
        _list_stored_hours(db, kind)
    rebuild_pending(db)
    return True


def rebuild_pending(db: sqlite3.Connection) -> int:
    """Rebuild every listed hour from the rows and empty the list; how many hours it was.

    Call inside the write transaction that wrote the rows, so readers never see rows and
    tallies that disagree."""
    pending = rows(
        db,
        select(HourToRebuild.kind, HourToRebuild.hour).order_by(
            col(HourToRebuild.kind), col(HourToRebuild.hour)
        ),
    )
    if not pending:
        return 0
    for kind, listed in groupby(pending, key=lambda row: row[0]):
        touched: list[int] = []
        for hours in _consecutive(h for _, h in listed):
            spans = [(h * HOUR, (h + 1) * HOUR) for h in hours]
            touched += hours
            if kind == "ticket":
                _rewrite_ticket_hours(db, hours, spans)
            else:
                _rewrite_survey_hours(db, hours, spans)
        if kind == "ticket":
            block_tallies.rebuild_ticket_blocks(db, touched)
        else:
            block_tallies.rebuild_survey_blocks(db, touched)
    execute(db, delete(HourToRebuild))
    return len(pending)


@contextmanager
def lifted_row_triggers(
    db: sqlite3.Connection, tickets: WrittenRows, surveys: WrittenRows
) -> Iterator[None]:
    """Upsert the rows inside this block with the row triggers lifted; the hours they would
    have listed are listed here: before the block the stored hours of the rows about to be
    replaced, after it the hours of the rows written.

    Why: any row trigger makes SQLite keep a statement journal for each row an upsert
    writes, which cost more than half the insert rate at a million rows
    (docs/performance.md). Call inside a write transaction: no other connection ever sees
    the triggers gone, and a rollback brings them back. An exception inside the block
    leaves them lifted until the caller rolls back."""
    for name in ROW_TRIGGERS:
        db.execute(f'DROP TRIGGER "{name}"')
    for kind, written in (("ticket", tickets), ("survey", surveys)):
        if written.ids:
            _list_stored_hours(db, kind, written.ids)
    if tickets.ids:
        _list_surveys_of(db, tickets.ids)
    yield
    for kind, written in (("ticket", tickets), ("survey", surveys)):
        hours = {int(time) // HOUR for time in written.times if time is not None}
        db.executemany(
            "INSERT OR IGNORE INTO hour_to_rebuild (kind, hour) VALUES (?, ?)",
            [(kind, hour) for hour in hours],
        )
    for name, body in ROW_TRIGGERS.items():
        db.execute(f'CREATE TRIGGER "{name}" {body}')


def _list_stored_hours(db: sqlite3.Connection, kind: str, ids: list[object] | None = None) -> None:
    """List the hours of the stored rows of `kind` with these ids (one indexed lookup per
    id), or of every stored row."""
    only = "" if ids is None else " AND id IN (SELECT value FROM json_each(?))"
    params = () if ids is None else (json.dumps(ids),)
    for column in _TIMES[kind]:
        db.execute(
            f"INSERT OR IGNORE INTO hour_to_rebuild (kind, hour) "
            f"SELECT DISTINCT '{kind}', {_hour_of(column)} FROM {kind} "
            f"WHERE {column} IS NOT NULL{only}",
            params,
        )


def _list_surveys_of(db: sqlite3.Connection, ticket_ids: list[object]) -> None:
    """List the hours of the stored surveys about these tickets (one indexed lookup per id):
    a ticket's new channel, queue, priority or agent moves its surveys between tallies."""
    db.execute(
        f"INSERT OR IGNORE INTO hour_to_rebuild (kind, hour) "
        f"SELECT DISTINCT 'survey', {_hour_of('submitted_at')} FROM survey "
        f"WHERE ticket_id IN (SELECT value FROM json_each(?))",
        (json.dumps(ticket_ids),),
    )


def has_pending(db: sqlite3.Connection) -> bool:
    """Whether any hour is listed for rebuilding."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM hour_to_rebuild)").fetchone()[0] == 1


DURATIONS = ("waits", "abandoned_waits", "resolution_times")


class Slice(NamedTuple):
    """Which rows of the tallies by dimension hold the tickets a filter keeps."""

    dimension: str
    value: str
    """The dimension's value as stored (JSON)."""
    channel: str | None
    """Only the rows of this channel (as stored: "" for none), or all."""


def slice_of(filters: Filters) -> Slice | None:
    """The tallies that answer `filters` exactly, or None when the rows must be scanned:
    fields no dimension keeps together, or a channel filter on "" with another (the rows
    split by channel cannot tell it from tickets with no channel), or a survey segment (no
    tally is kept by segment: a segment filter must never read the unnarrowed ones)."""
    if filters.segment is not None:
        return None
    values = {name: getattr(filters, name) for name in DIMENSIONS}
    chosen = tuple(name for name in DIMENSIONS[1:] if values[name] is not None)
    if not chosen and filters.channel is not None:
        return Slice("channel", json.dumps(filters.channel), None)
    if filters.channel == NO_CHANNEL:
        return None
    for dimension, fields in KEPT_DIMENSIONS.items():
        if fields == chosen:
            return Slice(dimension, _stored_value(fields, values), filters.channel)
    return None


def ticket_tallies(
    db: sqlite3.Connection,
    spans: Sequence[Span],
    durations: Sequence[str] = DURATIONS,
    *,
    channels: bool = True,
    filters: Filters | None = None,
) -> list[TicketTally]:
    """The tally of each contiguous span, calendar durations, of all tickets or of those
    `filters` keeps (which slice_of must answer): whole hours from the hourly tallies, the
    rest from the rows.

    Only the `durations` named are read from the hourly tallies (a trend of daily median
    waits needs no resolution times); the others stay empty for those hours, and so does the
    split by channel unless `channels`."""
    owners, pieces = _split(spans, _pending(db, "ticket"))
    if _skipped_hours(owners) > MAX_SKIPPED_HOURS:
        owners, pieces = _split(spans, None)
    tallies = [TicketTally() for _ in spans]
    if owners and filters is not None and filters != Filters():
        _read_dimension_hours(db, owners, spans, tallies, durations, _slice(filters))
    elif owners:
        owned, key = _owned(TicketHour.hour, owners, spans)
        sums = [func.sum(getattr(TicketHour, name)) for name in (*TicketTally.COUNTS, "solved")]
        for number, *counts, solved in rows(db, select(key, *sums).where(owned).group_by(key)):
            tally = tallies[number]
            for name, value in zip(TicketTally.COUNTS, counts, strict=True):
                setattr(tally, name, value)
            tally.solved = solved
        if durations:
            columns = [getattr(TicketHour, name) for name in durations]
            for hour, *blobs in rows(db, select(TicketHour.hour, *columns).where(owned)):
                tally = tallies[owners[hour]]
                for name, blob in zip(durations, blobs, strict=True):
                    getattr(tally, name).add_run(unpack(blob))
        if channels:
            _read_channel_hours(db, owners, tallies)
    for numbers, run in pieces:
        scanned = scan_tickets(db, run, filters or Filters())
        for number, tally in zip(numbers, scanned, strict=True):
            tallies[number].add(tally)
    return tallies


def _slice(filters: Filters) -> Slice:
    found = slice_of(filters)
    if found is None:
        raise ValueError(f"no hourly tallies answer {filters}")
    return found


def _read_dimension_hours(
    db: sqlite3.Connection,
    owners: dict[int, int],
    spans: Sequence[Span],
    tallies: list[TicketTally],
    durations: Sequence[str],
    where: Slice,
) -> None:
    """Add each owned hour's tallies of the slice's tickets to its span's tally, channel by
    channel (each row is one channel's tickets): the counts summed in SQL, the durations
    gathered and sorted once a span (a filtered window has several rows an hour, and
    percentiles over one run cost a lookup where hundreds of runs cost a search)."""
    owned, key = _owned(DimensionHour.hour, owners, spans)
    chosen = [col(DimensionHour.dimension) == where.dimension, owned]
    chosen.append(col(DimensionHour.value) == where.value)
    if where.channel is not None:
        chosen.append(col(DimensionHour.channel) == where.channel)
    sums = [func.sum(getattr(DimensionHour, name)) for name in (*TicketTally.COUNTS, "solved")]
    channel = DimensionHour.channel
    for number, name, *counts, solved in rows(
        db, select(key, channel, *sums).where(*chosen).group_by(key, channel)
    ):
        tally = tallies[number]
        for field, value in zip(TicketTally.COUNTS, counts, strict=True):
            setattr(tally, field, getattr(tally, field) + value)
        tally.solved += solved
        part = tally.channel(name)
        part.answered += counts[_ANSWERED]
        part.abandoned += counts[_ABANDONED]
        part.answered_before_created += counts[_ANSWERED_BEFORE_CREATED]
    if not durations:
        return
    blobs = [getattr(DimensionHour, name) for name in durations]
    gathered: dict[tuple[int, str, str | None], array[int]] = {}
    for at, name, *values in rows(db, select(DimensionHour.hour, channel, *blobs).where(*chosen)):
        number = owners[at]
        for duration, blob in zip(durations, values, strict=True):
            if not blob:
                continue
            run = unpack(blob)
            _gather(gathered, (number, duration, None), run)
            if duration in _CHANNEL_DURATIONS:
                _gather(gathered, (number, duration, name), run)
    for (number, duration, name), values in gathered.items():
        owner = tallies[number] if name is None else tallies[number].channel(name)
        getattr(owner, duration).add_run(sorted(values))


_ANSWERED, _ABANDONED, _ANSWERED_BEFORE_CREATED = (
    TicketTally.COUNTS.index(name) for name in ("answered", "abandoned", "answered_before_created")
)
_CHANNEL_DURATIONS = ("waits", "abandoned_waits")
"""The durations a channel's tally holds too."""


def _gather(gathered: dict[Any, array[int]], key: Any, run: array[int]) -> None:
    found = gathered.get(key)
    if found is None:
        gathered[key] = array("q", run)
    else:
        found.extend(run)


def _read_channel_hours(
    db: sqlite3.Connection, owners: dict[int, int], tallies: list[TicketTally]
) -> None:
    """Add each owned hour's channel tallies to its span's tally."""
    first, last = min(owners), max(owners)
    hour = col(ChannelHour.hour)
    statement = select(
        ChannelHour.hour,
        ChannelHour.channel,
        ChannelHour.answered,
        ChannelHour.abandoned,
        ChannelHour.answered_before_created,
        ChannelHour.waits,
        ChannelHour.abandoned_waits,
    ).where(hour.between(first, last))
    for at, name, answered, abandoned, before_created, waits, abandoned_waits in rows(
        db, statement
    ):
        if at not in owners:
            continue
        part = tallies[owners[at]].channel(name)
        part.answered += answered
        part.abandoned += abandoned
        part.answered_before_created += before_created
        part.waits.add_run(unpack(waits))
        part.abandoned_waits.add_run(unpack(abandoned_waits))


def survey_tallies(
    db: sqlite3.Connection, spans: Sequence[Span], filters: Filters | None = None
) -> list[SurveyTallies]:
    """The survey tallies of each contiguous span, of all surveys or of those about tickets
    `filters` keeps (which slice_of must answer): whole hours from the hourly tallies, the
    rest from the rows."""
    owners, pieces = _split(spans, _pending(db, "survey"))
    if _skipped_hours(owners) > MAX_SKIPPED_HOURS:
        owners, pieces = _split(spans, None)
    tallies = [new_survey_tallies() for _ in spans]
    if owners and filters is not None and filters != Filters():
        _read_survey_dimension_hours(db, owners, tallies, _slice(filters))
    elif owners:
        owned, key = _owned(SurveyHour.hour, owners, spans)
        sums = [func.sum(getattr(SurveyHour, name)) for name in SurveyTally.COUNTS]
        statement = select(key, SurveyHour.kind, *sums).where(owned).group_by(key, SurveyHour.kind)
        for number, kind, *counts in rows(db, statement):
            if kind in tallies[number]:
                tally = tallies[number][kind]
                for name, value in zip(SurveyTally.COUNTS, counts, strict=True):
                    setattr(tally, name, value)
    for numbers, run in pieces:
        for number, scanned in zip(
            numbers, scan_surveys(db, run, filters or Filters()), strict=True
        ):
            for kind, tally in scanned.items():
                tallies[number][kind].add(tally)
    return tallies


def _read_survey_dimension_hours(
    db: sqlite3.Connection, owners: dict[int, int], tallies: list[SurveyTallies], where: Slice
) -> None:
    first, last = min(owners), max(owners)
    columns = [getattr(SurveyDimensionHour, name) for name in SurveyTally.COUNTS]
    statement = select(SurveyDimensionHour.hour, SurveyDimensionHour.kind, *columns).where(
        col(SurveyDimensionHour.dimension) == where.dimension,
        col(SurveyDimensionHour.hour).between(first, last),
    )
    statement = statement.where(col(SurveyDimensionHour.value) == where.value)
    if where.channel is not None:
        statement = statement.where(col(SurveyDimensionHour.channel) == where.channel)
    for at, kind, *values in rows(db, statement):
        if at in owners and kind in tallies[owners[at]]:
            tally = tallies[owners[at]][kind]
            for name, value in zip(SurveyTally.COUNTS, values, strict=True):
                setattr(tally, name, getattr(tally, name) + value)


def _owned(
    hour_column: Any, owners: dict[int, int], spans: Sequence[Span]
) -> tuple[ColumnElement[bool], ColumnElement[int]]:
    """Which hourly rows to read (the owned hours) and the span each belongs to, in SQL.

    The owned hours are the hours from the first to the last owned one, less the few in
    between that are not owned (listed for rebuilding, or cut by a span's ragged edge)."""
    first, last = min(owners), max(owners)
    hour = col(hour_column)
    condition = hour.between(first, last)
    skipped = [h for h in range(first, last + 1) if h not in owners]
    if skipped:
        condition = and_(condition, hour.not_in(skipped))
    return condition, span_number(hour * HOUR, bounds_of(spans))


def _skipped_hours(owners: dict[int, int]) -> int:
    return max(owners) - min(owners) + 1 - len(owners) if owners else 0


def _pending(db: sqlite3.Connection, kind: str) -> set[int]:
    return {
        hour
        for (hour,) in rows(db, select(HourToRebuild.hour).where(col(HourToRebuild.kind) == kind))
    }


def _split(
    spans: Sequence[Span], pending: set[int] | None
) -> tuple[dict[int, int], list[tuple[list[int], list[Span]]]]:
    """Which whole, up-to-date hours each span takes from the tallies (hour → span number),
    and the rest as runs of contiguous pieces to scan (span numbers, pieces). With pending
    None every hour is scanned."""
    owners: dict[int, int] = {}
    pieces: list[tuple[int, int, int]] = []
    for number, (start, end) in enumerate(spans):
        first, last = -(-start // HOUR), end // HOUR
        if pending is None or first >= last:
            pieces.append((number, start, end))
            continue
        if start < first * HOUR:
            pieces.append((number, start, first * HOUR))
        for hour in range(first, last):
            if hour in pending:
                pieces.append((number, hour * HOUR, (hour + 1) * HOUR))
            else:
                owners[hour] = number
        if last * HOUR < end:
            pieces.append((number, last * HOUR, end))
    runs: list[tuple[list[int], list[Span]]] = []
    for number, start, end in pieces:
        if start == end:
            continue
        if runs and runs[-1][1][-1][1] == start:
            numbers, run = runs[-1]
            if numbers[-1] == number:
                run[-1] = (run[-1][0], end)
            else:
                numbers.append(number)
                run.append((start, end))
        else:
            runs.append(([number], [(start, end)]))
    return owners, runs


def _consecutive(hours: Iterator[int]) -> Iterator[list[int]]:
    """Ascending hours cut into runs of consecutive hours, each at most a chunk long."""
    run: list[int] = []
    for hour in hours:
        if run and (hour != run[-1] + 1 or len(run) == REBUILD_CHUNK_HOURS):
            yield run
            run = []
        run.append(hour)
    if run:
        yield run


def _rewrite_ticket_hours(db: sqlite3.Connection, hours: list[int], spans: list[Span]) -> None:
    """Write the hours' tallies, whole, by channel and by dimension, from one scan that
    counts each ticket in its hour's whole tally (key None) and in one tally of each kept
    dimension."""
    scanned = scan_ticket_groups(
        db, spans, DIMENSIONS, fold=_dimension_keys, split_by_channel=_is_whole_hour
    )
    tallies = [of_hour.pop(None, TicketTally()) for of_hour in scanned]
    by_dimension = scanned
    execute(db, delete(TicketHour).where(col(TicketHour.hour).between(hours[0], hours[-1])))
    insert_many(
        db,
        TicketHour,
        _TICKET_HOUR_COLUMNS,
        [
            (hour, *_ticket_hour_values(tally))
            for hour, tally in zip(hours, tallies, strict=True)
            if tally.created or tally.solved
        ],
    )
    execute(db, delete(ChannelHour).where(col(ChannelHour.hour).between(hours[0], hours[-1])))
    insert_many(
        db,
        ChannelHour,
        _CHANNEL_HOUR_COLUMNS,
        [
            (
                hour,
                name,
                part.answered,
                part.abandoned,
                part.answered_before_created,
                pack(_one_run(part.waits)),
                pack(_one_run(part.abandoned_waits)),
            )
            for hour, tally in zip(hours, tallies, strict=True)
            for name, part in tally.channels.items()
            if part.answered or part.abandoned
        ],
    )
    execute(db, delete(DimensionHour).where(col(DimensionHour.hour).between(hours[0], hours[-1])))
    insert_many(
        db,
        DimensionHour,
        _DIMENSION_HOUR_COLUMNS,
        [
            (dimension, value, hour, channel, *_ticket_hour_values(tally))
            for hour, dimensions in zip(hours, by_dimension, strict=True)
            for (dimension, value, channel), tally in dimensions.items()
        ],
    )


def _is_whole_hour(key: tuple[str, str, str] | None) -> bool:
    """Whether a key of _dimension_keys is its hour's whole tally, the one whose split by
    channel is kept (channel_hour); a dimension's key holds one channel already."""
    return key is None


def _dimension_keys(group: Group) -> list[tuple[str, str, str] | None]:
    """The tallies a ticket with these DIMENSIONS values counts in: its hour's (None), and
    one of each kept dimension, by channel."""
    values = dict(zip(DIMENSIONS, group, strict=True))
    channel = values["channel"] or NO_CHANNEL
    return [None] + [
        (dimension, _stored_value(fields, values), channel)
        for dimension, fields in KEPT_DIMENSIONS.items()
    ]


def _ticket_hour_values(tally: TicketTally) -> tuple[Any, ...]:
    """A tally as the columns of TicketHour after `hour` (DimensionHour has the same)."""
    return (
        *(getattr(tally, name) for name in TicketTally.COUNTS),
        tally.solved,
        pack(_one_run(tally.waits)),
        pack(_one_run(tally.abandoned_waits)),
        pack(_one_run(tally.resolution_times)),
    )


def _rewrite_survey_hours(db: sqlite3.Connection, hours: list[int], spans: list[Span]) -> None:
    """Write the hours' survey tallies: of every survey, and by the dimensions of the
    surveys' tickets."""
    tallies = scan_surveys(db, spans)
    execute(db, delete(SurveyHour).where(col(SurveyHour.hour).between(hours[0], hours[-1])))
    insert_many(
        db,
        SurveyHour,
        _SURVEY_HOUR_COLUMNS,
        [
            (hour, kind, *(getattr(tally, name) for name in tally.COUNTS))
            for hour, by_kind in zip(hours, tallies, strict=True)
            for kind, tally in by_kind.items()
            if tally.responses
        ],
    )
    by_dimension: dict[tuple[str, str, int, str, str], SurveyTally] = {}
    for hour, of_hour in zip(hours, scan_survey_groups(db, spans, DIMENSIONS), strict=True):
        for group, by_kind in of_hour.items():
            values = dict(zip(DIMENSIONS, group, strict=True))
            channel = values["channel"] or NO_CHANNEL
            for dimension, fields in KEPT_DIMENSIONS.items():
                value = _stored_value(fields, values)
                for kind, tally in by_kind.items():
                    if tally.responses:
                        key = (dimension, value, hour, channel, kind)
                        by_dimension.setdefault(key, SurveyTally()).add(tally)
    execute(
        db,
        delete(SurveyDimensionHour).where(
            col(SurveyDimensionHour.hour).between(hours[0], hours[-1])
        ),
    )
    insert_many(
        db,
        SurveyDimensionHour,
        (*_SURVEY_DIMENSION_HOUR_COLUMNS, *SurveyTally.COUNTS),
        [
            (*key, *(getattr(tally, name) for name in SurveyTally.COUNTS))
            for key, tally in by_dimension.items()
        ],
    )


def _one_run(durations: Durations) -> Sequence[int]:
    """The durations as one sorted run (a scan of one hour gives at most one run a group;
    an hour's tally summed from its groups may hold several)."""
    if len(durations.runs) <= 1:
        return durations.runs[0] if durations.runs else ()
    return sorted(chain.from_iterable(durations.runs))


BY_DURATIONS = ("waits",)
"""The durations a row of the agents screen shows: the first-reply median."""


def ticket_tallies_by(
    db: sqlite3.Connection,
    span: Span,
    dimension: str,
    durations: Sequence[str] = BY_DURATIONS,
) -> dict[Any, TicketTally]:
    """The tally of the tickets created in one span for each value of one kept dimension
    (agent, queue, channel; None for tickets without one): whole days and quarter days
    from the block tallies (cxtui.block_tallies), other whole hours from the tallies by
    dimension, every value in one read, the rest from the rows. No split by channel; only
    the `durations` named are read."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"no hourly tallies by {dimension!r}")
    owners, pieces = _split([span], _pending(db, "ticket"))
    if _skipped_hours(owners) > MAX_SKIPPED_HOURS:
        owners, pieces = _split([span], None)
    found: dict[Any, TicketTally] = {}
    # Each value's durations from the tallies, packed runs end to end, not sorted yet: they
    # are sorted once with the edges' runs.
    unsorted: dict[tuple[Any, str], array[int]] = {}
    if owners:
        blocks, hours = block_tallies.split_blocks(owners, dimension, durations)
        width = len(TicketTally.COUNTS)
        for stored, *values in block_tallies.ticket_tallies_by(
            db, dimension, blocks, hours, durations
        ):
            value = json.loads(stored)
            tally = found[value] = TicketTally()
            for name, count in zip(TicketTally.COUNTS, values[:width], strict=True):
                setattr(tally, name, count)
            tally.solved = values[width]
            for name, blob in zip(durations, values[width + 1 :], strict=True):
                unsorted[value, name] = unpack(blob)
    for _, run in pieces:
        for groups in scan_ticket_groups(db, run, (dimension,), split_by_channel=lambda _: False):
            for (value,), tally in groups.items():
                found.setdefault(value, TicketTally()).add(tally)
    for value, tally in found.items():
        for name in durations:
            _as_one_run(getattr(tally, name), unsorted.get((value, name)))
    return found


def _as_one_run(durations: Durations, unsorted: array[int] | None) -> None:
    """The runs and the unsorted values as one sorted run: a percentile of one run is a
    lookup, of several a search, and each row of the agents screen asks for several."""
    if unsorted:
        durations.runs.append(unsorted)
        durations.count += len(unsorted)
    elif len(durations.runs) <= 1:
        return
    durations.runs = [sorted(chain.from_iterable(durations.runs))]


def survey_tallies_by(
    db: sqlite3.Connection, span: Span, dimension: str
) -> dict[Any, SurveyTallies]:
    """The survey tallies of one span for each value of one kept dimension of the surveys'
    tickets (surveys without a loaded ticket are in none, as with a filter): whole days
    and quarter days from the block tallies, other whole hours from the hourly ones, the
    rest from the rows."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"no hourly tallies by {dimension!r}")
    owners, pieces = _split([span], _pending(db, "survey"))
    if _skipped_hours(owners) > MAX_SKIPPED_HOURS:
        owners, pieces = _split([span], None)
    found: dict[Any, SurveyTallies] = {}
    if owners:
        blocks, hours = block_tallies.split_blocks(owners, dimension, ())
        for stored, of_kind, *counts in block_tallies.survey_counts_by(
            db, dimension, blocks, hours
        ):
            tallies = found.setdefault(json.loads(stored), new_survey_tallies())
            if of_kind in tallies:
                for name, count in zip(SurveyTally.COUNTS, counts, strict=True):
                    setattr(tallies[of_kind], name, count)
    for _, run in pieces:
        for groups in scan_survey_groups(db, run, (dimension,)):
            for (name,), by_kind in groups.items():
                tallies = found.setdefault(name, new_survey_tallies())
                for of_kind, tally in by_kind.items():
                    tallies[of_kind].add(tally)
    return found
