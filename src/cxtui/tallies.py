"""What is counted over a group of tickets or surveys: the raw material of every window and
trend metric, defined once here and turned into metrics by cxtui.metrics.

A tally of two groups is the sum of their tallies: counts add, and durations are kept as
sorted runs side by side, whose union still gives exact percentiles. So a window can be put
together from hourly tallies kept by the loader (cxtui.aggregates) plus tallies scanned from
the rows at its ragged edges, and give exactly the numbers a scan of the whole window gives.

Queries are SQLAlchemy Core with bound parameters, compiled once per call and run on the
driver connection inside the caller's transaction (a refresh's read snapshot, or the
loader's write transaction): SQLAlchemy's Row objects cost more than the query itself when a
refresh fetches a hundred thousand durations.
"""

from __future__ import annotations

import json
import math
import operator
import sqlite3
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.sql.expression import UnaryExpression
from sqlmodel import col, select

from cxtui.business_hours import BusinessClock, BusinessHours
from cxtui.models import RESOLVED_STATUSES, SURVEY_KINDS, Survey, Ticket

ABANDONED = "abandoned"
SQLITE = sqlite.dialect(paramstyle="qmark")


@dataclass(frozen=True)
class Filters:
    """Narrow every metric and list to one channel, queue, agent and/or priority, and the
    survey figures alone to one survey segment value."""

    channel: str | None = None
    queue: str | None = None
    agent: str | None = None
    priority: str | None = None
    segment: tuple[str, str] | None = None
    """(segment name, value): a survey's own field, which no ticket has, so it narrows the
    survey figures and lists only; the ticket figures ignore it (for_tickets)."""

    def for_tickets(self) -> Filters:
        """The filters a ticket figure answers: all but the survey segment."""
        return self if self.segment is None else replace(self, segment=None)


NO_FILTERS = Filters()

Span = tuple[int, int]
"""[first second, first second after) of one group: an hour, a day, a window."""


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 <= q <= 1) by linear interpolation between closest ranks.

    This is numpy's default method, statistics.quantiles(method="inclusive") and the
    spreadsheet PERCENTILE.INC, so the numbers match what an analyst recomputes elsewhere.
    """
    return _interpolated(len(sorted_values), q, sorted_values.__getitem__)


def _interpolated(
    count: int,
    q: float,
    at_rank: Callable[[int], Any],
    next_after: Callable[[int, Any], Any] | None = None,
) -> float | None:
    """The interpolated quantile of `count` values read through at_rank; next_after gives the
    value at rank + 1 from the one at rank, where that is cheaper than at_rank."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q!r}")
    if not count:
        return None
    rank = (count - 1) * q
    lower = math.floor(rank)
    low_value = at_rank(lower)
    if rank == lower:
        return float(low_value)
    high_value = at_rank(lower + 1) if next_after is None else next_after(lower, low_value)
    return float(low_value + (rank - lower) * (high_value - low_value))


@dataclass
class Durations:
    """Whole seconds held as sorted runs: one per hour from the aggregates, one per scan.

    Percentiles are exact over the union of the runs without merging them: the k-th smallest
    value is found by bisecting on the value, counting in each run with a binary search.
    """

    runs: list[Sequence[int]] = field(default_factory=list)
    count: int = 0

    def add_run(self, run: Sequence[int]) -> None:
        """Add a run sorted ascending."""
        if run:
            self.runs.append(run)
            self.count += len(run)

    def add(self, other: Durations) -> None:
        self.runs.extend(other.runs)
        self.count += other.count

    def mean(self) -> float | None:
        return sum(sum(run) for run in self.runs) / self.count if self.count else None

    def quantile(self, q: float) -> float | None:
        return _interpolated(self.count, q, self.at_rank, self._next_after)

    def _next_after(self, rank: int, value: int) -> int:
        """The value at rank + 1, given `value` at rank: found from where `value` ends in each
        run instead of a second search."""
        if self.at_most(value) > rank + 1:
            return value
        return min(
            run[index] for run in self.runs if (index := bisect_right(run, value)) < len(run)
        )

    def at_most(self, seconds: int) -> int:
        """How many values are <= seconds."""
        return sum(bisect_right(run, seconds) for run in self.runs)

    def at_rank(self, k: int) -> int:
        """The k-th smallest value, counting from 0."""
        runs = self.runs
        if len(runs) == 1:
            return runs[0][k]
        low = min(run[0] for run in runs)
        high = max(run[-1] for run in runs)
        while low < high:
            middle = (low + high) // 2
            if sum(bisect_right(run, middle) for run in runs) > k:
                high = middle
            else:
                low = middle + 1
        return low


@dataclass
class ChannelTally:
    """What service level, abandonment and first reply by channel group need of the tickets
    of one channel created in a span: the live channels are summed from these at read time,
    so the channel list can change in the config without rebuilding any tally."""

    answered: int = 0
    abandoned: int = 0
    answered_before_created: int = 0
    """Answered with a reply dated before creation: left out of service level."""
    waits: Durations = field(default_factory=Durations)
    abandoned_waits: Durations = field(default_factory=Durations)

    def add(self, other: ChannelTally) -> None:
        self.answered += other.answered
        self.abandoned += other.abandoned
        self.answered_before_created += other.answered_before_created
        self.waits.add(other.waits)
        self.abandoned_waits.add(other.abandoned_waits)


NO_CHANNEL = ""
"""The channel key of tickets with no channel: never a live channel, never a filter match."""


@dataclass
class TicketTally:
    """Tickets created in a span (and `solved`: tickets solved in it, whenever created)."""

    created: int = 0
    resolved: int = 0
    reopens_known: int = 0
    first_contact: int = 0
    reopened: int = 0
    handle_count: int = 0
    handle_total: int = 0
    answered: int = 0
    abandoned: int = 0
    replies_before_created: int = 0
    """Tickets whose first reply is dated before the ticket was created: an impossible wait,
    left out of every wait (a public export's mean first response came out at -10 hours)."""
    answered_before_created: int = 0
    """Of those, the answered ones: service level cannot tell whether they were in time."""
    resolutions_before_created: int = 0
    """Tickets whose resolution is dated before their creation, left out of resolution times."""
    waits: Durations = field(default_factory=Durations)
    """Seconds from creation to first reply, for every ticket with a reply not dated before
    its creation."""
    abandoned_waits: Durations = field(default_factory=Durations)
    """The same for abandoned tickets that have a reply: service level leaves them out."""
    resolution_times: Durations = field(default_factory=Durations)
    """Seconds from creation to resolution, for resolved tickets with a resolution time not
    dated before their creation."""
    solved: int = 0
    channels: dict[str, ChannelTally] = field(default_factory=dict)
    """The same answered, abandoned and waits, split by channel (NO_CHANNEL for none)."""

    COUNTS = (
        "created",
        "resolved",
        "reopens_known",
        "first_contact",
        "reopened",
        "handle_count",
        "handle_total",
        "answered",
        "abandoned",
        "replies_before_created",
        "answered_before_created",
        "resolutions_before_created",
    )

    def add(self, other: TicketTally) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.waits.add(other.waits)
        self.abandoned_waits.add(other.abandoned_waits)
        self.resolution_times.add(other.resolution_times)
        self.solved += other.solved
        for name, part in other.channels.items():
            self.channel(name).add(part)

    def channel(self, name: str) -> ChannelTally:
        """The tally of one channel, made empty if there is none yet."""
        if name not in self.channels:
            self.channels[name] = ChannelTally()
        return self.channels[name]

    def of_channels(self, names: Sequence[str], *, inside: bool = True) -> ChannelTally:
        """The channels named summed into one tally (or, with inside False, all the others)."""
        wanted = set(names)
        total = ChannelTally()
        for name, part in self.channels.items():
            if (name in wanted) == inside:
                total.add(part)
        return total


@dataclass
class SurveyTally:
    """Responses of one kind (NPS, CSAT or CES) submitted in a span."""

    responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    satisfied: int = 0
    score_total: int = 0

    COUNTS = ("responses", "promoters", "passives", "detractors", "satisfied", "score_total")

    def add(self, other: SurveyTally) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


SurveyTallies = dict[str, SurveyTally]
"""Tallies by survey kind; every kind present."""


def new_survey_tallies() -> SurveyTallies:
    return {kind: SurveyTally() for kind in SURVEY_KINDS}


def not_for_lookup(column: Any) -> ColumnElement[Any]:
    """The column under SQLite's no-op unary "+", which stops the planner using its index.

    Most tickets in a contact centre are resolved and most are older than any window, so
    the status index is the wrong way into a window query and the created_at index the wrong
    way into the open queue. SQLite's planner guesses otherwise, with or without ANALYZE
    statistics (measured on a million tickets), so the queries rule the wrong index out.
    """
    element = col(column)
    return UnaryExpression(element, operator=operators.custom_op("+"), type_=element.type)


RESOLVED = not_for_lookup(Ticket.status).in_(RESOLVED_STATUSES)
IS_ABANDONED = col(Ticket.status) == ABANDONED
# A missing status is not "abandoned": without the IS NULL arm SQL would drop those rows.
ANSWERED = and_(
    col(Ticket.first_response_at).is_not(None),
    or_(col(Ticket.status).is_(None), col(Ticket.status) != ABANDONED),
)
REPLY_BEFORE_CREATED = col(Ticket.first_response_at) < col(Ticket.created_at)
RESOLVED_BEFORE_CREATED = col(Ticket.resolved_at) < col(Ticket.created_at)
"""Impossible times: SQL's NULL (no reply, not resolved) is not before anything."""
_REOPENS_KNOWN = and_(RESOLVED, col(Ticket.reopens).is_not(None))
_FIRST_CONTACT = and_(
    _REOPENS_KNOWN,
    col(Ticket.reopens) == 0,
    or_(col(Ticket.agent_replies).is_(None), col(Ticket.agent_replies) <= 1),
)
_REOPENED = and_(_REOPENS_KNOWN, col(Ticket.reopens) > 0)


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet condition; where SQL's answer is NULL (unknown) it counts as not met."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def ticket_filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """Exact matches on the ticket fields the supervisor narrowed to; None means everyone."""
    wanted = (
        (Ticket.channel, filters.channel),
        (Ticket.queue, filters.queue),
        (Ticket.agent, filters.agent),
        (Ticket.priority, filters.priority),
    )
    return [col(field) == value for field, value in wanted if value is not None]


def segment_value(name: str) -> ColumnElement[Any]:
    """A survey's value of one segment (NULL without it), read from its JSON column; the name
    is quoted, so a dotted name is one key, as the mapping stored it."""
    return func.json_extract(Survey.segments, "$." + json.dumps(name))


def survey_filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The survey segment the supervisor narrowed to, if any, as an exact match."""
    if filters.segment is None:
        return []
    name, value = filters.segment
    return [segment_value(name) == value]


def about_matching_tickets(statement: Select[Any], filters: Filters) -> Select[Any]:
    """Keep surveys of the segment value and whose ticket matches the filters; with no
    filters keep every survey.

    A survey cannot be placed in a channel or queue without its ticket, so once a ticket
    filter is set, surveys with no ticket (or a ticket not loaded) drop out; a segment is
    the survey's own, so it alone keeps surveys without a ticket.
    """
    statement = statement.where(*survey_filter_conditions(filters))
    conditions = ticket_filter_conditions(filters)
    if not conditions:
        return statement
    return statement.join(Ticket, col(Survey.ticket_id) == col(Ticket.id)).where(*conditions)


def rows(db: sqlite3.Connection, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of a statement as plain tuples, on the driver connection.

    Only for integer and text columns, which the driver already returns as the Python values
    the ORM would."""
    return execute(db, statement).fetchall()


def execute(db: sqlite3.Connection, statement: Executable) -> sqlite3.Cursor:
    """Run one SQLAlchemy Core statement with its values as bound parameters."""
    return db.execute(*sql_and_values(statement))


COMPILED_KEPT = 512
"""Statement shapes kept compiled: a refresh asks a few dozen, one per pane and span count."""
_compiled: dict[Any, Compiled] = {}


def sql_and_values(statement: Executable) -> tuple[str, tuple[Any, ...]]:
    """The SQL of a statement and its values in placeholder order.

    Compiling costs more than running most tally queries, and a refresh asks the same shapes
    again with only the values moved (the hours of a window that slid), so each shape is
    compiled once and its SQL reused with the new statement's values, the way SQLAlchemy's
    own engine caches statements (lists expanded into IN are written out per call, as it
    does). A shape SQLAlchemy cannot key is compiled every time."""
    key = statement._generate_cache_key()  # SQLAlchemy's own key for its statement cache
    if key is None:
        return _fresh(statement)
    compiled = _compiled.get(key.key)
    if compiled is None:
        if len(_compiled) >= COMPILED_KEPT:
            _compiled.clear()
        compiled = _compiled[key.key] = statement.compile(dialect=SQLITE, cache_key=key)
    values = compiled.construct_params(extracted_parameters=key.bindparams)
    if not compiled.post_compile_params:
        return compiled.string, tuple(values[name] for name in compiled.positiontup or ())
    expanded = compiled._process_parameters_for_postcompile(values)  # as the engine does
    parameters = expanded.parameters
    return expanded.statement, tuple(parameters[name] for name in expanded.positiontup or ())


def _fresh(statement: Executable) -> tuple[str, tuple[Any, ...]]:
    """The plain path: the statement compiled on its own, IN lists written out."""
    compiled = statement.compile(dialect=SQLITE, compile_kwargs={"render_postcompile": True})
    return str(compiled), tuple(compiled.params[name] for name in compiled.positiontup or ())


def insert_many(
    db: sqlite3.Connection, table: Any, columns: Sequence[str], values: list[tuple[Any, ...]]
) -> None:
    """Insert plain tuples (in `columns` order) through one compiled statement.

    The SQL is compiled once per table and columns: a commit of one row rebuilds its hour's
    tallies with half a dozen inserts, and compiling them cost more than running them."""
    if not values:
        return
    db.executemany(_insert_sql(table, tuple(columns)), values)


@cache
def _insert_sql(table: Any, columns: tuple[str, ...]) -> str:
    statement = insert(table).values({name: bindparam(name) for name in columns})
    compiled = statement.compile(dialect=SQLITE)
    if tuple(compiled.positiontup or ()) != columns:
        raise RuntimeError(f"insert parameters {compiled.positiontup} differ from {columns}")
    return str(compiled)


def span_number(moment: Any, bounds: Sequence[int]) -> ColumnElement[int]:
    """Which of the spans bounded by `bounds` a time falls in, counted from 0, computed in
    SQL; only used on times inside [bounds[0], bounds[-1]).

    Spans all one length (hours, days without a clock change; the last may be cut short, as
    today is at as_of) are a plain division, a floor here since the times are never before
    the first bound."""
    lengths = [later - earlier for earlier, later in pairwise(bounds)]
    step = lengths[0]
    if all(length == step for length in lengths[:-1]) and lengths[-1] <= step:
        return (moment - bounds[0]) // step
    return case(
        *((moment < bound, number) for number, bound in enumerate(bounds[1:-1])),
        else_=len(bounds) - 2,
    )


def bounds_of(spans: Sequence[Span]) -> list[int]:
    """The bounds of contiguous spans: each span's start, then the last one's end."""
    for (_, end), (start, _) in pairwise(spans):
        if end != start:
            raise ValueError("spans must be contiguous and in order")
    return [start for start, _ in spans] + [spans[-1][1]]


DIMENSIONS = ("channel", "queue", "priority", "agent")
"""The ticket fields a supervisor narrows to (Filters) and groups by."""

Group = tuple[Any, ...]
"""The values of the dimensions a scan groups by, in the order asked (None where missing)."""


def scan_tickets(
    db: sqlite3.Connection,
    spans: Sequence[Span],
    filters: Filters = NO_FILTERS,
    business: BusinessHours | None = None,
) -> list[TicketTally]:
    """Tally the tickets of each of the contiguous spans from the rows themselves.

    Durations are on the calendar, or through the centre's opening hours when `business` is
    given (and not open around the clock)."""
    return [
        groups.get((), TicketTally())
        for groups in scan_ticket_groups(db, spans, (), filters, business)
    ]


Fold = Callable[[Group], Sequence[Any]]
"""The keys whose tallies a group of tickets counts in (its dimensions' values, say)."""


def scan_ticket_groups(
    db: sqlite3.Connection,
    spans: Sequence[Span],
    by: Sequence[str],
    filters: Filters = NO_FILTERS,
    business: BusinessHours | None = None,
    fold: Fold | None = None,
    split_by_channel: Callable[[Any], bool] | None = None,
) -> list[dict[Any, TicketTally]]:
    """Tally the tickets of each span from the rows, apart for each combination of the
    dimensions `by` (a few of DIMENSIONS) that has tickets in the span; or, with `fold`,
    for each key that fold gives those combinations (a ticket counts in each of its keys).
    Each tally is split by channel, or only those whose key `split_by_channel` picks (the
    others' `channels` stay empty: the split is a second copy of every wait to gather and
    sort, which a caller that reads no channel need not pay for).

    One scan with the definitions of scan_tickets: the hourly tallies by dimension
    (cxtui.aggregates) are built from it, so they hold what a scan of one group would.
    Counted in flat lists, not tallies added together: a rebuild folds hundreds of groups
    an hour into several keys each."""
    if not spans:
        return []
    dims = [getattr(Ticket, name) for name in by]
    width = len(dims)
    keys_of: dict[Group, Sequence[Any]] = {}

    def keys(group: Group) -> Sequence[Any]:
        found = keys_of.get(group)
        if found is None:
            found = keys_of[group] = (group,) if fold is None else fold(group)
        return found

    bounds = bounds_of(spans)
    created_at = col(Ticket.created_at)
    in_spans = [
        created_at >= bounds[0],
        created_at < bounds[-1],
        *ticket_filter_conditions(filters),
    ]
    key = span_number(created_at, bounds)
    channel = func.coalesce(Ticket.channel, NO_CHANNEL)
    # One statement for the counts and their split by channel: the span's counts are the sums
    # of its channels' (a second statement cost as much again in a refresh).
    counted = select(
        key,
        channel,
        func.count(),
        count_where(RESOLVED),
        count_where(_REOPENS_KNOWN),
        count_where(_FIRST_CONTACT),
        count_where(_REOPENED),
        func.count(Ticket.handle_seconds),
        func.coalesce(func.sum(Ticket.handle_seconds), 0),
        count_where(ANSWERED),
        count_where(IS_ABANDONED),
        count_where(REPLY_BEFORE_CREATED),
        count_where(and_(ANSWERED, REPLY_BEFORE_CREATED)),
        count_where(RESOLVED_BEFORE_CREATED),
        *dims,
    )
    # (span number, key, channel) -> counts in TicketTally.COUNTS order
    channel_counts: dict[tuple[int, Any, str], list[int]] = {}
    for number, name, *values in rows(db, counted.where(*in_spans).group_by(key, channel, *dims)):
        counts = values[: len(values) - width]
        for folded in keys(tuple(values[len(values) - width :])):
            where = (number, folded, name)
            found = channel_counts.get(where)
            if found is None:
                channel_counts[where] = list(counts)
            else:
                found[:] = map(operator.add, found, counts)

    clock = BusinessClock(business) if business and not business.always_open else None
    # (span number, key) -> waits, abandoned waits; and the same by channel
    waits: dict[tuple[int, Any], tuple[list[int], list[int]]] = {}
    channel_waits: dict[tuple[int, Any, str], tuple[list[int], list[int]]] = {}
    replied = [*in_spans, col(Ticket.first_response_at) >= created_at]
    gave_up_column = func.coalesce(IS_ABANDONED, 0)
    if clock is None:
        wait_rows = rows(
            db,
            select(
                key, col(Ticket.first_response_at) - created_at, gave_up_column, channel, *dims
            ).where(*replied),
        )
    else:
        wait_rows = [
            (number, clock.seconds(created, reply), gave_up, name, *group)
            for number, created, reply, gave_up, name, *group in rows(
                db,
                select(
                    key, created_at, Ticket.first_response_at, gave_up_column, channel, *dims
                ).where(*replied),
            )
        ]
    # Gathered by group first, then each group's lists folded into its keys' at once.
    group_waits: dict[tuple[int, Group, str], tuple[list[int], list[int]]] = {}
    for number, seconds, gave_up, name, *group in wait_rows:
        where = (number, tuple(group), name)
        of_group = group_waits.get(where)
        if of_group is None:
            of_group = group_waits[where] = ([], [])
        of_group[0].append(seconds)
        if gave_up:
            of_group[1].append(seconds)
    for (number, group, name), (replies, gave_up_replies) in group_waits.items():
        for folded in keys(group):
            of_key = waits.get((number, folded))
            if of_key is None:
                of_key = waits[number, folded] = ([], [])
            of_key[0].extend(replies)
            of_key[1].extend(gave_up_replies)
            if split_by_channel is not None and not split_by_channel(folded):
                continue
            of_channel = channel_waits.get((number, folded, name))
            if of_channel is None:
                of_channel = channel_waits[number, folded, name] = ([], [])
            of_channel[0].extend(replies)
            of_channel[1].extend(gave_up_replies)

    resolution_times: dict[tuple[int, Any], list[int]] = {}
    solved_with_time = [*in_spans, RESOLVED, col(Ticket.resolved_at) >= created_at]
    if clock is None:
        resolution_rows = rows(
            db, select(key, col(Ticket.resolved_at) - created_at, *dims).where(*solved_with_time)
        )
    else:
        resolution_rows = [
            (number, clock.seconds(created, resolved), *group)
            for number, created, resolved, *group in rows(
                db, select(key, created_at, Ticket.resolved_at, *dims).where(*solved_with_time)
            )
        ]
    group_times: dict[tuple[int, Group], list[int]] = {}
    for number, seconds, *group in resolution_rows:
        where_solved = (number, tuple(group))
        found_times = group_times.get(where_solved)
        if found_times is None:
            found_times = group_times[where_solved] = []
        found_times.append(seconds)
    for (number, group), times in group_times.items():
        for folded in keys(group):
            found_times = resolution_times.get((number, folded))
            if found_times is None:
                found_times = resolution_times[number, folded] = []
            found_times.extend(times)

    resolved_at = col(Ticket.resolved_at)
    solved_key = span_number(resolved_at, bounds)
    solved: dict[tuple[int, Any], int] = {}
    for number, count, *group in rows(
        db,
        select(solved_key, func.count(), *dims)
        .where(
            RESOLVED,
            resolved_at >= bounds[0],
            resolved_at < bounds[-1],
            *ticket_filter_conditions(filters),
        )
        .group_by(solved_key, *dims),
    ):
        for folded in keys(tuple(group)):
            solved[number, folded] = solved.get((number, folded), 0) + count

    tallies: list[dict[Any, TicketTally]] = [{} for _ in spans]

    def tally_of(number: int, folded: Any) -> TicketTally:
        found = tallies[number].get(folded)
        if found is None:
            found = tallies[number][folded] = TicketTally()
        return found

    for (number, folded, name), counts in channel_counts.items():
        tally = tally_of(number, folded)
        for field_name, value in zip(TicketTally.COUNTS, counts, strict=True):
            setattr(tally, field_name, getattr(tally, field_name) + value)
        if split_by_channel is not None and not split_by_channel(folded):
            continue
        part = tally.channel(name)
        part.answered = counts[_ANSWERED]
        part.abandoned = counts[_ABANDONED]
        part.answered_before_created = counts[_ANSWERED_BEFORE_CREATED]
    for (number, folded, name), (replies, gave_up_replies) in channel_waits.items():
        part = tally_of(number, folded).channel(name)
        part.waits.add_run(sorted(replies))
        part.abandoned_waits.add_run(sorted(gave_up_replies))
    for (number, folded), (replies, gave_up_replies) in waits.items():
        tally = tally_of(number, folded)
        tally.waits.add_run(sorted(replies))
        tally.abandoned_waits.add_run(sorted(gave_up_replies))
    for (number, folded), times in resolution_times.items():
        tally_of(number, folded).resolution_times.add_run(sorted(times))
    for (number, folded), count in solved.items():
        tally_of(number, folded).solved = count
    return tallies


_ANSWERED, _ABANDONED, _ANSWERED_BEFORE_CREATED = (
    TicketTally.COUNTS.index(name) for name in ("answered", "abandoned", "answered_before_created")
)


def scan_surveys(
    db: sqlite3.Connection, spans: Sequence[Span], filters: Filters = NO_FILTERS
) -> list[SurveyTallies]:
    """Tally the survey responses of each of the contiguous spans from the rows themselves."""
    return [
        groups.get((), new_survey_tallies())
        for groups in scan_survey_groups(db, spans, (), filters)
    ]


def scan_survey_groups(
    db: sqlite3.Connection,
    spans: Sequence[Span],
    by: Sequence[str],
    filters: Filters = NO_FILTERS,
) -> list[dict[Group, SurveyTallies]]:
    """Tally the survey responses of each span from the rows, apart for each combination of
    the dimensions `by` of their tickets. Grouped, only surveys about a loaded ticket
    count: as with a filter, a survey cannot be placed without its ticket."""
    tallies: list[dict[Group, SurveyTallies]] = [{} for _ in spans]
    if not spans:
        return tallies
    dims = [getattr(Ticket, name) for name in by]
    bounds = bounds_of(spans)
    submitted_at = col(Survey.submitted_at)
    key = span_number(submitted_at, bounds)
    statement = about_matching_tickets(
        select(key, Survey.kind, *_survey_counts())
        .select_from(Survey)
        .where(
            col(Survey.kind).in_(SURVEY_KINDS),
            submitted_at >= bounds[0],
            submitted_at < bounds[-1],
        )
        .group_by(key, Survey.kind),
        filters,
    )
    if dims:
        if not ticket_filter_conditions(filters):
            statement = statement.join(Ticket, col(Survey.ticket_id) == col(Ticket.id))
        statement = statement.add_columns(*dims).group_by(*dims)
    width = len(dims)
    for number, kind, *counts in rows(db, statement):
        group = tuple(counts[len(counts) - width :])
        del counts[len(counts) - width :]
        of_group = tallies[number].get(group)
        if of_group is None:
            of_group = tallies[number][group] = new_survey_tallies()
        tally = of_group[kind]
        for name, value in zip(SurveyTally.COUNTS, counts, strict=True):
            setattr(tally, name, value)
    return tallies


def _survey_counts() -> list[ColumnElement[int]]:
    """SurveyTally.COUNTS in SQL, in its order: the one definition of a promoter, a
    detractor and a satisfied answer."""
    score = col(Survey.score)
    return [
        func.count(),
        count_where(score >= 9),
        count_where(score.between(7, 8)),
        count_where(score <= 6),
        count_where(score >= 4),
        func.coalesce(func.sum(score), 0),
    ]


def scan_survey_segments(
    db: sqlite3.Connection, span: Span, segment: str
) -> dict[str | None, SurveyTallies]:
    """The survey tallies of one span for each value of one segment (None: surveys without
    it), from the rows: every survey counts, with or without a ticket."""
    submitted_at = col(Survey.submitted_at)
    value = segment_value(segment)
    statement = (
        select(value, Survey.kind, *_survey_counts())
        .where(
            col(Survey.kind).in_(SURVEY_KINDS),
            submitted_at >= span[0],
            submitted_at < span[1],
        )
        .group_by(value, Survey.kind)
    )
    found: dict[str | None, SurveyTallies] = {}
    for name, kind, *counts in rows(db, statement):
        tally = found.setdefault(name, new_survey_tallies())[kind]
        for field_name, count in zip(SurveyTally.COUNTS, counts, strict=True):
            setattr(tally, field_name, count)
    return found


def pack(run: Sequence[int]) -> bytes:
    """A sorted run as little-endian 64-bit integers, the same on every machine."""
    packed = array("q", run)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack(blob: bytes | None) -> array[int]:
    run = array("q")
    if blob:
        run.frombytes(blob)
        if sys.byteorder == "big":
            run.byteswap()
    return run
