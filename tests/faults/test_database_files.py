"""The database's own files: never writable by others, noticed when deleted or replaced, and
never seen half-created."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxtui import store, store_schema
from cxtui.config import Config
from cxtui.ingest.loader import Loader
from cxtui.ingest.watcher import watch_folder
from cxtui.metrics import NO_FILTERS, Window
from cxtui.store import open_engine
from cxtui.tui import live, source
from tests.test_watcher import wait_for

HEADER = "id,created_at,status\n"
EVERYTHING = Window(as_of=2_000_000_000, seconds=2_000_000_000)
TABLES = ("ticket", "survey", "status_change", "quarantine", "source_file", "ticket_hour")


def tickets(first: int, last: int) -> str:
    return "".join(f"T{n},{1_700_000_000 + n},open\n" for n in range(first, last))


def count(db_path: Path, table: str = "ticket") -> int:
    """Rows in the file now at db_path, as a newcomer opening it would see them."""
    with sqlite3.connect(db_path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def remove_database(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


# --- never writable by others -----------------------------------------------------------


@pytest.fixture
def umask_zero() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_zero")
def test_nothing_cxtui_creates_is_writable_by_others(tmp_path: Path) -> None:
    open_to_all = tmp_path / "tmp"
    open_to_all.mkdir()
    open_to_all.chmod(0o1777)  # like /tmp
    (open_to_all / "tickets.csv").write_text(HEADER + tickets(0, 5))
    for db_path in (open_to_all / "x.db", open_to_all / ".cxtui" / "cxtui.db"):
        engine = open_engine(db_path)
        Loader(engine, open_to_all, settle_seconds=0).load_all()
        with engine.connect():  # an open connection keeps the -wal and -shm files
            created = [
                db_path,
                Path(f"{db_path}-wal"),
                Path(f"{db_path}-shm"),
                Path(f"{db_path}.lock"),
            ]
            if db_path.parent != open_to_all:
                created.append(db_path.parent)
            assert {p.name: mode(p) & 0o022 for p in created} == {p.name: 0 for p in created}
            assert mode(db_path) == 0o644
        engine.dispose()


@pytest.mark.usefixtures("umask_zero")
def test_an_old_world_writable_lock_file_is_tightened(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "x.db")
    lock = tmp_path / "x.db.lock"
    lock.touch(mode=0o666)
    Loader(engine, tmp_path).load_all()
    assert mode(lock) == 0o644
    engine.dispose()


# --- deleted or replaced under a running ingester or viewer --------------------------------


def test_an_ingester_goes_on_into_a_new_database_after_the_old_one_is_deleted(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "tickets.csv"
    target.write_text(HEADER + tickets(0, 400))
    db_path = folder / ".cxtui" / "cxtui.db"
    loader = Loader(open_engine(db_path), folder, settle_seconds=0)
    stop = threading.Event()
    worker = threading.Thread(target=watch_folder, args=(loader, stop))
    worker.start()
    try:
        assert wait_for(lambda: count(db_path) == 400)
        remove_database(db_path)
        with open(target, "a") as out:
            out.write(tickets(400, 1_000))
        # the whole file is read again into the new database: the 400 too, once each
        assert wait_for(lambda: db_path.exists() and count(db_path) == 1_000)
        assert count(db_path, "source_file") == 1
    finally:
        stop.set()
        worker.join(timeout=30)
    loader.engine.dispose()


def test_a_database_deleted_in_the_middle_of_a_long_load_gets_every_row(tmp_path: Path) -> None:
    """The first load of a big folder is one long load_all: it must not go on into the
    deleted file for minutes, leaving the new one empty."""
    long_subject = "s" * 200
    with open(tmp_path / "tickets.csv", "w") as out:  # about 3.4 MB: several commits
        out.write("id,created_at,status,subject\n")
        out.writelines(f"T{n},{1_700_000_000 + n},open,{long_subject}\n" for n in range(15_000))
    db_path = tmp_path / "x.db"
    commits: list[int] = []

    def delete_after_the_first_commit(result: object) -> None:
        commits.append(1)
        if len(commits) == 1:
            remove_database(db_path)

    loader = Loader(
        open_engine(db_path), tmp_path, settle_seconds=0, on_commit=delete_after_the_first_commit
    )
    loader.load_all()
    assert db_path.exists()
    assert count(db_path) == 15_000
    assert count(db_path, "source_file") == 1
    loader.engine.dispose()


def test_an_ingester_loads_the_folder_into_a_database_put_in_place_of_its_own(
    tmp_path: Path,
) -> None:
    (tmp_path / "tickets.csv").write_text(HEADER + tickets(0, 50))
    db_path = tmp_path / "x.db"
    loader = Loader(open_engine(db_path), tmp_path, settle_seconds=0)
    loader.load_all()
    open_engine(tmp_path / "fresh.db").dispose()
    # Put in place as a person restoring a copy would: the old file's WAL removed with it.
    # (Renaming over a database in use, keeping its WAL, is corruption SQLite cannot avoid.)
    remove_database(db_path)
    os.replace(tmp_path / "fresh.db", db_path)
    with open(tmp_path / "tickets.csv", "a") as out:
        out.write(tickets(50, 60))
    loader.load_all()
    assert count(db_path) == 60
    assert count(db_path, "ticket_hour") > 0  # the tallies were kept in the new file too
    loader.engine.dispose()


def test_a_database_deleted_without_its_wal_is_not_mixed_with_that_wal(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(HEADER + tickets(0, 300))
    db_path = tmp_path / "x.db"
    loader = Loader(open_engine(db_path), tmp_path, settle_seconds=0)
    loader.load_all()
    with loader.engine.connect():  # the ingester's connection keeps its WAL full of frames
        db_path.unlink()
        assert Path(f"{db_path}-wal").stat().st_size > 0
        with open(tmp_path / "tickets.csv", "a") as out:
            out.write(tickets(300, 310))
        loader.load_all()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert count(db_path) == 310
    assert count(db_path, "source_file") == 1
    loader.engine.dispose()


def test_an_empty_file_put_in_place_of_the_database_gets_the_schema(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(HEADER + tickets(0, 5))
    db_path = tmp_path / "x.db"
    loader = Loader(open_engine(db_path), tmp_path, settle_seconds=0)
    loader.load_all()
    remove_database(db_path)
    db_path.touch()
    loader.load_all()
    assert count(db_path) == 5
    loader.engine.dispose()


def test_a_viewer_reopens_a_replaced_database_and_says_so(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, rows in ((first, 30), (second, 70)):
        folder.mkdir()
        (folder / "tickets.csv").write_text(HEADER + tickets(0, rows))
        engine = open_engine(folder / "x.db")
        Loader(engine, folder, settle_seconds=0).load_all()
        engine.dispose()
    viewer = open_engine(first / "x.db")
    watch = live.CommitWatch(viewer)
    watch.changed()
    assert source.snapshot(viewer, EVERYTHING, NO_FILTERS, Config()).rows_loaded == 30
    os.replace(second / "x.db", first / "x.db")
    assert watch.changed() is True
    assert watch.reason == "database replaced; reopened"
    assert source.snapshot(viewer, EVERYTHING, NO_FILTERS, Config()).rows_loaded == 70
    assert watch.changed() is False
    watch.close()
    viewer.dispose()


def test_a_refresh_never_shows_a_deleted_databases_rows(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(HEADER + tickets(0, 30))
    db_path = tmp_path / "x.db"
    engine = open_engine(db_path)
    Loader(engine, tmp_path, settle_seconds=0).load_all()
    assert source.snapshot(engine, EVERYTHING, NO_FILTERS, Config()).rows_loaded == 30
    remove_database(db_path)
    assert source.snapshot(engine, EVERYTHING, NO_FILTERS, Config()).rows_loaded == 0
    assert store.reopened(engine) == (1, "database deleted; recreated")
    engine.dispose()


# --- many processes creating one new database at once ------------------------------------


def create(db_path: str, start: threading.Barrier) -> None:
    start.wait()
    open_engine(Path(db_path)).dispose()


def read_once_it_exists(db_path: str, start: threading.Barrier) -> None:
    """A reader that opens the file the moment it appears, as `sqlite3` or a tool would."""
    start.wait()
    deadline = time.monotonic() + 30
    while not os.path.exists(db_path):
        if time.monotonic() > deadline:
            raise TimeoutError(db_path)
    with sqlite3.connect(db_path, timeout=10) as db:
        for table in TABLES:
            db.execute(f"SELECT count(*) FROM {table}").fetchone()


ROUNDS = 8
CREATORS = 3
READERS = 3


def test_many_processes_creating_one_new_database_never_see_half_a_schema(
    tmp_path: Path,
) -> None:
    context = multiprocessing.get_context("fork")
    failures = []
    for round_ in range(ROUNDS):
        db_path = str(tmp_path / f"round{round_}" / "x.db")
        start = context.Barrier(CREATORS + READERS)
        processes = [context.Process(target=create, args=(db_path, start)) for _ in range(CREATORS)]
        processes += [
            context.Process(target=read_once_it_exists, args=(db_path, start))
            for _ in range(READERS)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        failures += [(round_, p.exitcode) for p in processes if p.exitcode != 0]
        assert count(Path(db_path)) == 0
    assert failures == []


def test_a_viewer_waits_for_a_database_being_created_then_says_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A viewer may not create the tables, so it waits for the process that does."""
    monkeypatch.setattr(store, "_may_write", lambda _path: False)
    monkeypatch.setattr(store, "SCHEMA_WAIT_SECONDS", 0.5)
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(store.DatabaseNotReady, match="still being created"):
        open_engine(empty)

    being_made = tmp_path / "being-made.db"
    being_made.touch()

    def make_tables() -> None:
        time.sleep(0.2)
        with sqlite3.connect(being_made) as db:
            store_schema.install(db)

    maker = threading.Thread(target=make_tables)
    maker.start()
    monkeypatch.setattr(store, "SCHEMA_WAIT_SECONDS", 30)
    viewer = open_engine(being_made)
    maker.join()
    assert store.read_only(viewer)
    assert source.snapshot(viewer, EVERYTHING, NO_FILTERS, Config()).rows_loaded == 0
    viewer.dispose()


def test_a_viewer_whose_database_is_deleted_waits_for_it_to_come_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tickets.csv").write_text(HEADER + tickets(0, 30))
    db_path = tmp_path / "x.db"
    engine = open_engine(db_path)
    Loader(engine, tmp_path, settle_seconds=0).load_all()
    engine.dispose()
    monkeypatch.setattr(store, "_may_write", lambda _path: False)
    viewer = open_engine(db_path)
    watch = live.CommitWatch(viewer)
    watch.changed()
    os.rename(db_path, tmp_path / "kept.db")
    assert watch.changed() is True
    assert watch.reason == "database deleted; waiting for it"
    assert watch.changed() is False  # no error while it is gone: the poller keeps going
    assert not db_path.exists()  # a viewer never creates it
    os.rename(tmp_path / "kept.db", db_path)
    assert watch.changed() is True
    assert watch.reason == "database replaced; reopened"
    assert source.snapshot(viewer, EVERYTHING, NO_FILTERS, Config()).rows_loaded == 30
    watch.close()
    viewer.dispose()
