"""The fast path for plain rows of a native CSV export: fields converted by position.

The general normaliser (normalise.py) takes one dict per row and looks every column up by
name, which costs more than the database write itself. For a CSV file in the native format
the columns are known once its header is: each row arrives as a list of strings in header
order, so every field can be picked by position and converted without building a dict.

This path never decides anything the general path would not. Every value it produces is
either computed by the general function for that column or taken from a cache of what that
function returned for the same string (or, for timestamps, the same hour). Whatever it does
not recognise (a bad value, an unusual shape) makes it give the row up, and the loader
sends that row through the general path, which then rules on it, quarantine reason and all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import tzinfo
from operator import itemgetter
from typing import Any, NamedTuple

import orjson

from cxtui.ingest.normalise import (
    MAX_TEXT,
    SURVEY_COLUMNS,
    TICKET_COLUMNS,
    _blank,
    _count,
    _layout,
    _lower,
    _parse_int,
    _priority,
    parse_time,
    ticket_status,
)
from cxtui.models import SCORE_RANGES, SURVEY_KINDS

Converter = Callable[[Sequence[str], str, int], tuple[object, ...] | None]
"""(fields in header order, file, line) → the row as the loader stores it, or None when the
row needs the general path. May raise RowError, which also means: use the general path."""

CACHE_LIMIT = 50_000
"""Distinct strings (or hours) remembered per cache; past it a cache starts again, so a
long-running loader's memory stays bounded whatever the data."""

# "MM:SSZ" → seconds into the hour, for every valid minute and second
_INTO_HOUR = {f"{m:02d}:{s:02d}Z": m * 60 + s for m in range(60) for s in range(60)}
_UTC_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)


class _Remembered(dict[str, Any]):
    """What a general converter returned for each string seen; a miss asks the converter.

    A converter that raises (a bad value) leaves nothing behind, so only accepted values are
    ever answered from here."""

    def __init__(self, convert: Callable[[str], object]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: str) -> object:
        result = self.convert(value)
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[value] = result
        return result


class _Times:
    """Timestamps as the general parse_time reads them, fast for `YYYY-MM-DDTHH:MM:SSZ`.

    For that shape the moment is the start of its hour plus minutes and seconds, and whether
    it parses (and is in range) depends on the hour alone: the earliest and latest allowed
    moments are whole hours. So each hour is parsed once by parse_time, and every other
    timestamp in it is a dictionary look-up and an addition."""

    def __init__(self, naive_zone: tzinfo) -> None:
        self.naive_zone = naive_zone
        self.hours: dict[str, int] = {}

    def epoch(self, value: str, column: str) -> int | None:
        if not value:
            return None
        hour = self.hours.get(value[:14])
        if hour is not None:
            into = _INTO_HOUR.get(value[14:])
            if into is not None:
                return hour + into
        moment = parse_time(value, self.naive_zone, column)
        if moment is not None and _UTC_SECONDS.fullmatch(value):
            if len(self.hours) >= CACHE_LIMIT:
                self.hours.clear()
            self.hours[value[:14]] = moment - _INTO_HOUR[value[14:]]
        return moment


def _positions(columns: Sequence[str], known: tuple[str, ...]) -> tuple[list[int | None], ...]:
    """Where each known column's value sits in a row, and where the extra columns sit.

    Chosen exactly as the general path chooses them from the dict of a row: a repeated
    column name keeps its last value, and names match case- and space-insensitively."""
    last = dict(zip(columns, range(len(columns)), strict=False))
    sources, unknown = _layout(tuple(last), known)
    return [None if s is None else last[s] for s in sources], [last[k] for k in unknown]


def _extra(columns: Sequence[str], unknown: list[int]) -> Callable[[Sequence[str]], str | None]:
    """The extra-columns JSON of a row, as the general path writes it."""
    names = [(columns[i], i) for i in unknown]

    def extra(fields: Sequence[str]) -> str | None:
        found = {name: fields[i] for name, i in names if not _blank(fields[i])}
        return orjson.dumps(found, default=str).decode() if found else None

    return extra


def _picker(at: list[int | None], width: int) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """All known fields of a row in one call; a column the file lacks reads as "" (which
    every optional column's converter turns into None, as it does a missing key)."""
    return itemgetter(*(width if i is None else i for i in at))  # type: ignore[return-value]


class _HeaderLayout(NamedTuple):
    """How the columns of one header give a native table's fields."""

    pick: Callable[[Sequence[str]], tuple[str, ...]]
    pad: bool
    """Some field has no column: rows get an empty field at the end for it to read."""
    extra: Callable[[Sequence[str]], str | None] | None


def _header_layout(
    columns: Sequence[str], known: tuple[str, ...], required: int
) -> _HeaderLayout | None:
    """The layout of a header, or None when it lacks one of the first `required` fields
    (then every row is the general path's to reject)."""
    at, unknown = _positions(columns, known)
    if None in at[:required]:
        return None
    extra = _extra(columns, unknown) if unknown else None
    return _HeaderLayout(_picker(at, len(columns)), None in at, extra)


def ticket_rows(columns: Sequence[str], naive_zone: tzinfo) -> Converter | None:
    """A converter for the plain rows of a native ticket CSV with this header; None when the
    header lacks a required column (id or created_at)."""
    layout = _header_layout(columns, TICKET_COLUMNS, required=2)
    if layout is None:
        return None
    pick, pad, extra = layout
    epoch = _Times(naive_zone).epoch
    statuses = _Remembered(ticket_status)
    priorities = _Remembered(_priority)
    lowered = _Remembered(_lower)
    counts = _Remembered(lambda v: _count(v, "count"))

    def convert(fields: Sequence[str], file: str, line: int) -> tuple[object, ...] | None:
        if pad:
            fields = [*fields, ""]
        (
            ticket_id,
            created_at,
            updated_at,
            status,
            priority,
            channel,
            queue,
            agent,
            customer_id,
            subject,
            first_response_at,
            resolved_at,
            reopens,
            agent_replies,
            handle_seconds,
            first_response_due_at,
            resolution_due_at,
        ) = pick(fields)
        ticket_id = ticket_id.strip()[:MAX_TEXT]
        created = epoch(created_at, "created_at")
        if not ticket_id or created is None:
            return None
        updated = epoch(updated_at, "updated_at")
        return (
            ticket_id,
            created,
            updated,
            statuses[status],
            priorities[priority],
            lowered[channel],
            queue.strip()[:MAX_TEXT] or None,
            agent.strip()[:MAX_TEXT] or None,
            customer_id.strip()[:MAX_TEXT] or None,
            subject.strip()[:MAX_TEXT] or None,
            epoch(first_response_at, "first_response_at"),
            epoch(resolved_at, "resolved_at"),
            counts[reopens],
            counts[agent_replies],
            counts[handle_seconds],
            epoch(first_response_due_at, "first_response_due_at"),
            epoch(resolution_due_at, "resolution_due_at"),
            created if updated is None else updated,
            extra(fields) if extra else None,
            file,
            line,
        )

    return convert


def survey_rows(columns: Sequence[str], naive_zone: tzinfo) -> Converter | None:
    """A converter for the plain rows of a native survey CSV with this header; None when the
    header lacks a required column (id, submitted_at, kind or score)."""
    layout = _header_layout(columns, SURVEY_COLUMNS, required=4)
    if layout is None:
        return None
    pick, pad, extra = layout
    epoch = _Times(naive_zone).epoch
    kinds = _Remembered(_lower)
    scores = _Remembered(lambda v: _parse_int(v, "score"))

    def convert(fields: Sequence[str], file: str, line: int) -> tuple[object, ...] | None:
        if pad:
            fields = [*fields, ""]
        survey_id, submitted_at, kind, score, ticket_id, customer_id, comment = pick(fields)
        survey_id = survey_id.strip()[:MAX_TEXT]
        submitted = epoch(submitted_at, "submitted_at")
        kind = kinds[kind]
        number = scores[score]
        if not survey_id or submitted is None or kind not in SURVEY_KINDS or number is None:
            return None
        low, high = SCORE_RANGES[kind]
        if not low <= number <= high:
            return None
        return (
            survey_id,
            submitted,
            kind,
            number,
            ticket_id.strip()[:MAX_TEXT] or None,
            customer_id.strip()[:MAX_TEXT] or None,
            comment.strip()[:MAX_TEXT] or None,
            extra(fields) if extra else None,
            None,  # segments: only a [[mapping]] names them
            file,
            line,
        )

    return convert
