"""The bulk-write statements, compiled once from the SQLModel tables.

SQLModel stays the schema; the loader sends plain tuples through the driver's executemany,
which runs at raw sqlite3 speed instead of building an ORM object per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import insert

from cxtui.ingest.normalise import SURVEY_COLUMNS, TICKET_COLUMNS
from cxtui.models import QuarantinedRow, SourceFile, StatusChange, Survey, Ticket, TicketEvent

TICKET_ROW = (*TICKET_COLUMNS, "version_at", "extra", "source_file", "source_line")
SURVEY_ROW = (*SURVEY_COLUMNS, "extra", "segments", "source_file", "source_line")
QUARANTINE_ROW = ("file", "line", "reason", "raw", "seen_at")
TICKET_EVENT_ROW = ("ticket_id", "at", "event", "value", "author", "source_file", "source_line")
SOURCE_FILE_ROW = (
    "path",
    "inode",
    "size",
    "mtime_ns",
    "offset",
    "line",
    "fingerprint",
    "kind",
    "csv_header",
    "tail_fingerprint",
)


@dataclass(frozen=True)
class Statement:
    sql: str
    columns: tuple[str, ...]


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _compile(stmt: object, columns: tuple[str, ...]) -> Statement:
    compiled = stmt.compile(dialect=sqlite.dialect(paramstyle="qmark"))  # type: ignore[attr-defined]
    order = tuple(compiled.positiontup)
    if order != columns:
        raise RuntimeError(f"statement parameters {order} differ from {columns}")
    return Statement(str(compiled), columns)


def _values(columns: tuple[str, ...]) -> dict[str, object]:
    return {c: bindparam(c) for c in columns}


def _upsert(model: type, columns: tuple[str, ...], key: str, newer_only: bool) -> Statement:
    table = _table(model)
    stmt = insert(table).values(_values(columns))
    updates = {c: stmt.excluded[c] for c in columns if c != key}
    where = table.c.version_at <= stmt.excluded.version_at if newer_only else None
    return _compile(
        stmt.on_conflict_do_update(index_elements=[table.c[key]], set_=updates, where=where),
        columns,
    )


UPSERT_TICKET = _upsert(Ticket, TICKET_ROW, "id", newer_only=True)
UPSERT_SURVEY = _upsert(Survey, SURVEY_ROW, "id", newer_only=False)
UPSERT_SOURCE_FILE = _upsert(SourceFile, SOURCE_FILE_ROW, "path", newer_only=False)
ADD_STATUS_CHANGE = _compile(
    insert(_table(StatusChange))
    .values(_values(("ticket_id", "at", "status")))
    .on_conflict_do_nothing(),
    ("ticket_id", "at", "status"),
)
ADD_QUARANTINE = _compile(
    insert(_table(QuarantinedRow)).values(_values(QUARANTINE_ROW)), QUARANTINE_ROW
)
ADD_TICKET_EVENT = _compile(
    insert(_table(TicketEvent)).values(_values(TICKET_EVENT_ROW)).on_conflict_do_nothing(),
    TICKET_EVENT_ROW,
)
