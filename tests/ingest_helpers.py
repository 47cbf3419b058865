"""Small helpers shared by the ingest tests: a loader on a temp folder and table dumps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cxtui.ingest.loader import Loader
from cxtui.store import open_engine


def make_loader(folder: Path, **kwargs: object) -> Loader:
    engine = open_engine(folder / ".cxtui" / "cxtui.db")
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
