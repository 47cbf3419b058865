"""The watcher loads appended rows while running and ignores the database's own files."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from watchfiles import Change

from cxtui.ingest.watcher import DataFileFilter, watch_folder
from tests.ingest_helpers import make_loader, rows


def wait_for(condition, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_watcher_loads_rows_appended_while_it_runs(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("id,created_at\nA,1\n")
    commits = []
    loader = make_loader(tmp_path)
    loader.on_commit = commits.append
    stop = threading.Event()
    worker = threading.Thread(target=watch_folder, args=(loader, stop))
    worker.start()
    try:
        assert wait_for(lambda: rows(loader, "SELECT count(*) FROM ticket") == [(1,)])
        with open(path, "a") as handle:
            handle.write("B,2\n")
        assert wait_for(lambda: rows(loader, "SELECT count(*) FROM ticket") == [(2,)])
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()
    assert [c.tickets for c in commits] == [1, 1]


def test_filter_passes_data_files_only(tmp_path: Path) -> None:
    db = tmp_path / ".cxtui" / "cxtui.db"
    keep = DataFileFilter(tmp_path, db)
    assert keep(Change.modified, str(tmp_path / "tickets.csv"))
    assert keep(Change.added, str(tmp_path / "sub" / "surveys.JSONL"))
    assert not keep(Change.modified, str(db) + "-wal")
    assert not keep(Change.modified, str(tmp_path / ".cxtui" / "other.csv"))
    assert not keep(Change.modified, str(tmp_path / "notes.txt"))
    outside = DataFileFilter(tmp_path / "data", tmp_path / "elsewhere.db")
    assert not outside(Change.modified, str(tmp_path / "elsewhere.db-shm"))


def test_a_subfolder_made_after_the_start_is_read_on_the_next_tick(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text("id,created_at\nA,1\n")
    loader = make_loader(tmp_path)
    stop = threading.Event()
    worker = threading.Thread(target=watch_folder, args=(loader, stop))
    worker.start()
    try:
        assert wait_for(lambda: rows(loader, "SELECT count(*) FROM ticket") == [(1,)])
        (tmp_path / "november").mkdir()
        (tmp_path / "november" / "tickets.csv").write_text("id,created_at\nB,2\n")
        assert wait_for(lambda: rows(loader, "SELECT count(*) FROM ticket") == [(2,)])
    finally:
        stop.set()
        worker.join(timeout=10)
