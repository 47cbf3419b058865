"""Creating the database's tables, indexes and tally triggers, all or nothing.

A new database is built under a hidden name and linked into place only once its schema is
committed, so a reader (the app, `cxtui report`, a second ingester) never finds the file
with half its tables. An existing database that lacks something (made by an older version,
or an empty file put in its place) gains it in one write transaction, so two processes
opening it at once do the work once and nobody sees it half done.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable
from sqlmodel import SQLModel

from cxtui import aggregates, models  # noqa: F401  (models registers the tables)

NOT_FOR_OTHERS = 0o022
"""Permission bits cxtui never gives: writing by the group or by everybody else."""
BUSY_TIMEOUT_SECONDS = 10.0


def folder_mode(folder: Path) -> int:
    """What a folder or file cxtui creates inside `folder` may allow: no more than the nearest
    existing folder (a private data folder gets a private database), and never writing by
    others, whatever that folder allows (/tmp is 1777) and whatever the umask."""
    while not folder.exists():
        folder = folder.parent
    return stat.S_IMODE(folder.stat().st_mode) & 0o777 & ~NOT_FOR_OTHERS


def make_folders(folder: Path) -> None:
    """Create `folder` and any missing parents with folder_mode's permissions."""
    allowed = folder_mode(folder)
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            created.mkdir()
            created.chmod(allowed)


def new_private_file(path: Path) -> None:
    """Create an empty file readable as its folder allows and writable only by its owner.

    SQLite gives the -wal and -shm files the database file's permissions."""
    mode = folder_mode(path.parent) & 0o666
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # the umask may have taken bits away; never adds any here
    finally:
        os.close(fd)


def missing_schema(db: sqlite3.Connection) -> list[str]:
    """The statements that add every table, index and column this database does not have yet.

    A column is added to an existing table only when it has a default for the rows already
    there (a server default, or it may be NULL); the hourly tally tables, whose columns have
    neither, are made afresh by aggregates.install when what they hold changes."""
    present = {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"
        ).fetchall()
    }
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in present:
            statements.append(_ddl(CreateTable(table)))
        else:
            have = {row[1] for row in db.execute(f'PRAGMA table_info("{table.name}")')}
            statements += [
                f'ALTER TABLE "{table.name}" ADD COLUMN ' + _ddl(CreateColumn(column))
                for column in table.columns
                if column.name not in have
                and (column.server_default is not None or column.nullable)
            ]
        for index in table.indexes:
            if index.name not in present:
                statements.append(_ddl(CreateIndex(index)))
    return statements


_compiled: dict[tuple[type, object], str] = {}


def _ddl(construct: CreateTable | CreateColumn | CreateIndex) -> str:
    """The SQLite text of a CREATE TABLE, column or CREATE INDEX, compiled once a process.

    Compiling the whole schema takes SQLAlchemy about 3 ms, and a new database checks it
    twice; the models do not change while the process runs."""
    key = (type(construct), construct.element)
    if key not in _compiled:
        _compiled[key] = str(construct.compile(dialect=sqlite_dialect.dialect()))
    return _compiled[key]


def complete(db: sqlite3.Connection) -> bool:
    """Whether the database has every table, index and tally trigger."""
    return not missing_schema(db) and aggregates.installed(db)


def install(db: sqlite3.Connection) -> None:
    """Add whatever is missing in one write transaction (BEGIN IMMEDIATE waits for any
    other writer, then the check is made again, so concurrent openers do it once)."""
    if complete(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in missing_schema(db):
            db.execute(statement)
        aggregates.install(db)
        db.commit()
    except BaseException:
        db.rollback()
        raise


@contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder while a database appears in it, so a creator
    never removes the WAL of a database another creator has just put in place."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def create(path: Path) -> None:
    """A new database at `path`, which appears there with its whole schema or not at all.

    A -wal or -shm file left at the path belongs to a database deleted while in use: SQLite
    would read that WAL as the new database's own, so it is removed first. Losing the race
    to another creator is fine: its database is as good as ours. Where the file system
    cannot hard-link, the empty file is created in place and `install` (run on every open)
    adds the schema in one transaction.
    """
    make_folders(path.parent)
    staged = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    new_private_file(staged)
    try:
        db = sqlite3.connect(staged, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            install(db)
        finally:
            db.close()  # the last connection: SQLite folds the WAL back and removes it
        with _folder_locked(path.parent):
            if not path.exists():
                _remove(path, ("-wal", "-shm"))
                try:
                    os.link(staged, path)
                except OSError:
                    new_private_file(path)
    finally:
        _remove(staged, ("", "-wal", "-shm"))


def _remove(path: Path, suffixes: tuple[str, ...]) -> None:
    for suffix in suffixes:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
