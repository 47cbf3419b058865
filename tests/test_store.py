"""The store: WAL, and a snapshot session that does not see commits made after it began."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlmodel import func, select

from cxtui.models import Ticket
from cxtui.store import default_db_path, open_engine, snapshot


def test_database_is_in_wal_mode(tmp_path: Path) -> None:
    open_engine(tmp_path / "x.db").dispose()
    with sqlite3.connect(tmp_path / "x.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_snapshot_sees_one_moment(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "x.db")
    writer = sqlite3.connect(tmp_path / "x.db")
    insert = "INSERT INTO ticket (id, created_at, version_at) VALUES (?, 1, 1)"
    writer.execute(insert, ("A",))
    writer.commit()
    with snapshot(engine) as session:
        count = select(func.count()).select_from(Ticket)
        assert session.exec(count).one() == 1
        writer.execute(insert, ("B",))
        writer.commit()
        assert session.exec(count).one() == 1
    with snapshot(engine) as session:
        assert session.exec(count).one() == 2


def test_default_database_place(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CXTUI_DB", raising=False)
    assert default_db_path(tmp_path) == tmp_path.resolve() / ".cxtui" / "cxtui.db"
    monkeypatch.setenv("CXTUI_DB", str(tmp_path / "elsewhere.db"))
    assert default_db_path(tmp_path) == tmp_path / "elsewhere.db"


def test_database_is_no_more_open_than_the_data_folder(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    open_engine(private / ".cxtui" / "cxtui.db").dispose()
    assert (private / ".cxtui").stat().st_mode & 0o777 == 0o700
    assert (private / ".cxtui" / "cxtui.db").stat().st_mode & 0o777 == 0o600
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o750)
    open_engine(shared / ".cxtui" / "cxtui.db").dispose()
    assert (shared / ".cxtui").stat().st_mode & 0o777 == 0o750
    assert (shared / ".cxtui" / "cxtui.db").stat().st_mode & 0o777 == 0o640


def test_an_older_database_gains_new_indexes_when_opened(tmp_path: Path) -> None:
    open_engine(tmp_path / "x.db").dispose()
    with sqlite3.connect(tmp_path / "x.db") as db:
        db.execute("DROP INDEX ix_ticket_status_created_at")
    open_engine(tmp_path / "x.db").dispose()
    with sqlite3.connect(tmp_path / "x.db") as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ix_ticket_status_created_at" in names
