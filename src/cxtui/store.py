"""Opening the SQLite database: one place sets WAL and the pragmas every connection needs.

WAL lets the screens and `cxtui report` read while the ingester writes; a busy timeout turns
a momentary writer lock into a short wait instead of a "database is locked" error.

A viewer that may not write the database (another account, a read-only mount) opens it
read-only and never creates or changes anything in it. Every engine remembers which file it
opened (device and inode), so a database deleted or replaced under a running app or ingester
is noticed by `follow`, which reopens the engine on whatever is at the path now.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from platformdirs import user_cache_dir
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from cxtui import store_schema

BUSY_TIMEOUT_MS = 10_000
SCHEMA_WAIT_SECONDS = 10.0
"""How long a viewer waits for a database another process is creating to get its tables."""
SCHEMA_POLL_SECONDS = 0.1
CANNOT_OPEN_READ_ONLY = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)


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
    return cache_db_path(data_dir)


def cache_db_path(data_dir: Path) -> Path:
    """The per-user cache file for `data_dir`, for folders cxtui must not write into.

    Named after the folder's absolute path so two such folders never share a database.
    """
    data_dir = data_dir.resolve()
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return Path(user_cache_dir("cxtui")) / f"{data_dir.name}-{digest}.db"


class DatabaseNotReady(OSError):
    """The file has no cxtui tables (yet): another process is creating it, or it is not a
    cxtui database."""


class ReadOnlyDatabase(PermissionError):
    """This process may read the database but not write it."""


class _DatabaseFile:
    """How an engine connects to its file, and which file (device, inode) that is.

    The engine's pool calls `connect` for each new connection. Reopening is disposing the
    pool: the Engine object stays the same, so every screen holding it reads the new file.
    """

    def __init__(self, path: Path, *, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self.lock = threading.Lock()
        self.identity: tuple[int, int] | None = None
        self.frozen: tuple[int, int, bool] | None = None
        """For a file read as immutable: its size, mtime and whether a WAL file exists."""
        self.reopened = 0
        self.reason: str | None = None
        """Why the engine was last reopened, for the status line."""

    def connect(self) -> sqlite3.Connection:
        if self.writable:
            db = self._open("rw")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        else:
            db = self._open_read_only()
        db.execute("PRAGMA foreign_keys = OFF")
        return db

    def _open(self, mode: str) -> sqlite3.Connection:
        uri = f"file:{quote(str(self.path))}?mode={mode}"
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    def _open_read_only(self) -> sqlite3.Connection:
        """Read-only; as immutable when SQLite cannot use the WAL index read-only.

        That happens when no writer has the database open and this user cannot create the
        -shm file. With no writer (no -wal file) the file cannot change while it is read;
        `follow` reopens as soon as a writer appears or the file changes.
        """
        db = self._open("ro")
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code not in CANNOT_OPEN_READ_ONLY or self._wal_exists():
                raise
        self.frozen = self._frozen()
        return self._open("ro&immutable=1")

    def _wal_exists(self) -> bool:
        return os.path.exists(f"{self.path}-wal")

    def _frozen(self) -> tuple[int, int, bool] | None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (info.st_size, info.st_mtime_ns, self._wal_exists())

    def current_identity(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (info.st_dev, info.st_ino)

    def follow(self, engine: Engine) -> str | None:
        """Reopen `engine` if the file at the path is not the one it opened; why, or None."""
        with self.lock:
            now = self.current_identity()
            stale = self.frozen is not None and self._frozen() != self.frozen
            if now == self.identity and not stale:
                return None
            self.frozen = None
            engine.dispose()
            reason: str | None = "database replaced; reopened"
            if now is None and self.writable:
                store_schema.create(self.path)
                reason = "database deleted; recreated"
            elif now is None:
                reason = "database deleted; waiting for it"
            elif now == self.identity:
                reason = None  # read as immutable, and a writer has since appeared
            elif self.writable:
                _install_schema(engine)
            self.identity = self.current_identity()
            self.reopened += 1
            self.reason = reason
            return reason


_files: weakref.WeakKeyDictionary[Engine, _DatabaseFile] = weakref.WeakKeyDictionary()


def _may_write(db_path: Path) -> bool:
    """Whether this process may write the database and create its -wal and -shm files."""
    folder = db_path.parent
    if db_path.exists():
        return os.access(db_path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
    while not folder.exists():
        folder = folder.parent
    return os.access(folder, os.W_OK | os.X_OK)


def _install_schema(engine: Engine) -> None:
    raw = engine.raw_connection()
    try:
        store_schema.install(raw.driver_connection)
    finally:
        raw.close()


def _wait_for_schema(engine: Engine, db_path: Path) -> None:
    """A viewer cannot create the tables: wait a moment for the process creating them."""
    deadline = time.monotonic() + SCHEMA_WAIT_SECONDS
    while True:
        raw = engine.raw_connection()
        try:
            if store_schema.complete(raw.driver_connection):
                return
        finally:
            raw.close()
        if time.monotonic() >= deadline:
            raise DatabaseNotReady(
                f"{db_path} has no cxtui tables: it is still being created,"
                " or it is not a cxtui database"
            )
        time.sleep(SCHEMA_POLL_SECONDS)
        engine.dispose()  # an immutable read would never see the tables arrive


def open_engine(db_path: Path, *, create: bool = True, writable: bool = True) -> Engine:
    """An engine on db_path with WAL and the busy timeout set on every connection.

    Read-only when this process may not write the database, or when not `writable` (a
    viewer beside another process that loads): then nothing is created.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        if not create or not writable:
            raise FileNotFoundError(f"no database at {db_path}")
        if not _may_write(db_path):
            raise PermissionError("it does not exist, and this user may not create it")
        store_schema.create(db_path)
    database = _DatabaseFile(db_path, writable=writable and _may_write(db_path))
    engine = create_engine(f"sqlite:///{db_path}", creator=database.connect)
    _files[engine] = database
    database.identity = database.current_identity()
    if database.writable:
        _install_schema(engine)
    else:
        _wait_for_schema(engine, db_path)
    return engine


def read_only(engine: Engine) -> bool:
    """Whether the engine was opened read-only (this process may not write the file)."""
    database = _files.get(engine)
    return database is not None and not database.writable


def check_writable(engine: Engine) -> None:
    """Raise ReadOnlyDatabase, a one-line reason, when this process may not write."""
    if read_only(engine):
        raise ReadOnlyDatabase(f"database {engine.url.database} is read-only for this user")


def follow(engine: Engine) -> str | None:
    """Notice a database deleted or replaced since the engine opened it, and reopen.

    Cheap (one stat), so callers check before each load and each refresh. A writable engine
    whose file was deleted creates a new database (the loader then reads every file again,
    as the new one has no record of them); a read-only one waits for the file to come back.
    Returns why it reopened, or None when the file is the one it had.
    """
    database = _files.get(engine)
    return None if database is None else database.follow(engine)


def present(engine: Engine) -> bool:
    """Whether the engine's database file was there at the last `follow` (a read-only
    engine whose file was deleted waits for it to come back)."""
    database = _files.get(engine)
    return database is None or database.identity is not None


def moved(engine: Engine) -> bool:
    """Whether the file at the engine's path is no longer the one it opened (one stat; call
    `follow` to reopen)."""
    database = _files.get(engine)
    return database is not None and database.current_identity() != database.identity


def reopened(engine: Engine) -> tuple[int, str | None]:
    """How many times the engine was reopened, and why the last time (None: quietly)."""
    database = _files.get(engine)
    return (0, None) if database is None else (database.reopened, database.reason)


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
