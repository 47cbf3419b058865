"""Opening the SQLite database: one place sets WAL and the pragmas every connection needs.

WAL lets the screens and `cxtui report` read while the ingester writes; a busy timeout turns
a momentary writer lock into a short wait instead of a "database is locked" error.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_cache_dir
from sqlalchemy import Column, event
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateColumn
from sqlmodel import Session, SQLModel, create_engine

from cxtui import aggregates, models  # noqa: F401  (models registers the tables)

BUSY_TIMEOUT_MS = 10_000


def default_db_path(data_dir: Path) -> Path:
    """DATA_DIR/.cxtui/cxtui.db when the folder is writable, else a per-user cache file.

    CXTUI_DB overrides both. The cache file is named after the folder's absolute path so two
    read-only folders never share a database.
    """
    override = os.environ.get("CXTUI_DB")
    if override:
        return Path(override)
    data_dir = data_dir.resolve()
    if os.access(data_dir, os.W_OK):
        return data_dir / ".cxtui" / "cxtui.db"
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return Path(user_cache_dir("cxtui")) / f"{data_dir.name}-{digest}.db"


def _set_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = OFF")
    cursor.close()


def _create_private_like_parent(db_path: Path) -> None:
    """Create the database (and its folder) no more open than the folder it lives in.

    A data folder readable only by its owner must not gain a world-readable copy of its rows
    in .cxtui; SQLite gives the -wal and -shm files the database file's permissions.
    """
    ancestor = db_path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    allowed = stat.S_IMODE(ancestor.stat().st_mode)
    missing = []
    folder = db_path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir()
        folder.chmod(allowed)
    db_path.touch(mode=0o600)
    db_path.chmod(allowed & 0o666)


def open_engine(db_path: Path, *, create: bool = True) -> Engine:
    """An engine on db_path with WAL and the busy timeout set on every connection."""
    db_path = Path(db_path)
    if create and not db_path.exists():
        _create_private_like_parent(db_path)
    elif not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path}")
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    if create:
        SQLModel.metadata.create_all(engine)
        # create_all skips the indexes of tables that already exist: a database made by an
        # earlier version gains the indexes added since.
        for table in SQLModel.metadata.sorted_tables:
            for index in table.indexes:
                index.create(engine, checkfirst=True)
        raw = engine.raw_connection()
        try:
            _add_new_columns(raw.driver_connection, engine)
            aggregates.install(raw.driver_connection)
        finally:
            raw.close()
    return engine


def _missing_columns(db: sqlite3.Connection) -> list[tuple[str, Column[object]]]:
    found = []
    for table in SQLModel.metadata.sorted_tables:
        have = {row[1] for row in db.execute(f'PRAGMA table_info("{table.name}")')}
        found += [(table.name, c) for c in table.columns if c.name not in have]
    return found


def _add_new_columns(db: sqlite3.Connection, engine: Engine) -> None:
    """A database made by an earlier version gains the columns added since (each has a
    server default for the rows already there). In one write transaction, so two processes
    opening one old database add them once."""
    if not _missing_columns(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for table, column in _missing_columns(db):
            ddl = CreateColumn(column).compile(dialect=engine.dialect)
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN {ddl}')
        db.commit()
    except BaseException:
        db.rollback()
        raise


@contextmanager
def snapshot(engine: Engine) -> Iterator[Session]:
    """A read-only session whose queries all see one committed moment.

    Without it each query of a dashboard could see a different batch of a running load, and
    the panes would disagree with each other for a refresh.
    """
    with Session(engine) as session:
        session.connection().exec_driver_sql("BEGIN")
        try:
            yield session
        finally:
            session.rollback()
