"""Small helpers shared by the ingest tests: a loader on a temp folder and table dumps."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

from cxtui.ingest.loader import Loader
from cxtui.store import open_engine
from tests.built_once import empty_database


def make_loader(folder: Path, **kwargs: object) -> Loader:
    """A loader on `folder`'s own database; a folder without one gets a copy of an empty one
    (a test that needs cxtui to create it calls open_engine itself)."""
    db = folder / ".cxtui" / "cxtui.db"
    if not db.parent.exists():
        empty_database(db)
    engine = open_engine(db)
    return Loader(engine, folder, **kwargs)  # type: ignore[arg-type]


def rows(loader: Loader, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(str(loader.engine.url.database)) as db:
        return db.execute(sql, params).fetchall()


def table_dump(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every loaded row (not bookkeeping ids or times), for comparing two loads."""
    with sqlite3.connect(db_path) as db:
        return {
            "ticket": db.execute("SELECT * FROM ticket ORDER BY id").fetchall(),
            "survey": db.execute("SELECT * FROM survey ORDER BY id").fetchall(),
            "status_change": db.execute(
                "SELECT * FROM status_change ORDER BY ticket_id, at, status"
            ).fetchall(),
            "quarantine": db.execute(
                "SELECT file, line, reason, raw FROM quarantine ORDER BY file, line"
            ).fetchall(),
        }


def last_write(db: Path) -> tuple[int, int] | None:
    """When the database's write-ahead log last changed (None before there is one)."""
    try:
        stat = Path(f"{db}-wal").stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def wait_until_it_writes(process: subprocess.Popen[bytes], db: Path) -> None:
    """Until the ingester has written to the database, or has ended."""
    before = last_write(db)
    deadline = time.monotonic() + 120
    while process.poll() is None and last_write(db) == before:
        assert time.monotonic() < deadline, "the ingester wrote nothing in 120 s"
        time.sleep(0.002)
