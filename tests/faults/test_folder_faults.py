"""Whatever happens to the files in the folder, every row is loaded exactly once."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from cxtui.ingest.loader import Loader
from tests.ingest_helpers import make_loader, rows

HEADER = "id,created_at,status\n"


def ticket_lines(first: int, count: int) -> str:
    return "".join(f"T{n},{1_700_000_000 + n},open\n" for n in range(first, first + count))


def ids(loader: Loader) -> list[str]:
    return [r[0] for r in rows(loader, "SELECT id FROM ticket ORDER BY created_at")]


def test_rename_and_replace_through_a_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    target.write_text(HEADER + ticket_lines(0, 3))
    loader = make_loader(tmp_path)
    loader.load_all()
    staging = tmp_path / ".tickets.csv.tmp"  # hidden: never read while it is written
    staging.write_text(HEADER + ticket_lines(0, 5))
    loader.load_all()
    os.replace(staging, target)
    loader.load_all()
    assert ids(loader) == [f"T{n}" for n in range(5)]


def test_deleted_and_created_again_with_the_same_name(tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    target.write_text(HEADER + ticket_lines(0, 4))
    loader = make_loader(tmp_path)
    loader.load_all()
    target.unlink()
    loader.load_all()
    target.write_text(HEADER + ticket_lines(4, 2))
    loader.load_all()
    assert ids(loader) == [f"T{n}" for n in range(6)]


def test_file_moved_into_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    data = tmp_path / "data"
    outside.mkdir()
    data.mkdir()
    (outside / "tickets-new.csv").write_text(HEADER + ticket_lines(0, 3))
    loader = make_loader(data)
    loader.load_all()
    shutil.move(outside / "tickets-new.csv", data / "tickets-new.csv")
    assert loader.load_all().tickets == 3


def test_copy_still_in_progress_when_first_seen(tmp_path: Path) -> None:
    source = (HEADER + ticket_lines(0, 2_000)).encode()
    target = tmp_path / "tickets.csv"
    loader = make_loader(tmp_path, settle_seconds=3600)
    with open(target, "wb") as out:
        for start in range(0, len(source), 7_919):  # a prime: cuts land mid-line
            out.write(source[start : start + 7_919])
            out.flush()
            loader.load_all()
    loader.load_all()
    assert ids(loader) == [f"T{n}" for n in range(2_000)]
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]


def test_truncated_to_zero_and_rewritten_like_log_rotation(tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    target.write_text(HEADER + ticket_lines(0, 3))
    loader = make_loader(tmp_path)
    loader.load_all()
    with open(target, "w") as out:  # same inode, truncated
        out.write("")
    loader.load_all()
    with open(target, "a") as out:
        out.write(HEADER + ticket_lines(3, 3))
    loader.load_all()
    assert ids(loader) == [f"T{n}" for n in range(6)]


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("tickets.csv", lambda p: p.mkdir(), "not a regular file"),
        ("picture.csv", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "binary content"),
        ("loop.csv", lambda p: p.symlink_to(p), "Too many levels of symbolic links"),
        ("gone.csv", lambda p: p.symlink_to(p.parent / "nowhere"), "No such file or directory"),
    ],
)
def test_files_that_are_not_data_are_skipped_with_a_message(
    tmp_path: Path,
    name: str,
    make,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    make(tmp_path / name)
    (tmp_path / "surveys.jsonl").write_text(
        '{"id": "S", "submitted_at": 1, "kind": "nps", "score": 9}\n'
    )
    (tmp_path / "empty.csv").write_bytes(b"")
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert result.surveys == 1
    assert len(result.skipped) == 1
    assert result.skipped[0].startswith(f"skipped {name}: ")
    assert message in result.skipped[0]


def test_a_big_sparse_binary_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "tickets_dump.csv"
    with open(big, "wb") as out:
        out.truncate(2 << 30)  # 2 GiB of NUL bytes, sparse on disk
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert result.skipped == [f"skipped {big.name}: binary content (NUL bytes), not a text export"]


def test_disk_full_is_retried_and_nothing_is_lost(tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    target.write_text(HEADER + ticket_lines(0, 10))
    loader = make_loader(tmp_path)
    loader.load_all()
    with open(target, "a") as out:
        out.write(ticket_lines(10, 20_000))
    full = sqlite3.connect(str(loader.engine.url.database))
    pages = full.execute("PRAGMA page_count").fetchone()[0]
    loader.engine.dispose()

    def cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    from sqlalchemy import event

    event.listen(loader.engine, "connect", cap)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        loader.load_all()
    assert rows(loader, "SELECT count(*) FROM ticket") == [(10,)]
    event.remove(loader.engine, "connect", cap)
    loader.engine.dispose()
    loader.load_all()
    assert ids(loader) == [f"T{n}" for n in range(20_010)]
    full.close()


def test_readers_never_see_half_a_batch_nor_a_locked_database(tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    target.write_text(HEADER + ticket_lines(0, 60_000))
    loader = make_loader(tmp_path)
    errors: list[BaseException] = []
    seen: list[tuple[int, int]] = []
    done = threading.Event()

    def read() -> None:
        db = sqlite3.connect(str(loader.engine.url.database), timeout=10)
        try:
            while not done.is_set():
                db.execute("BEGIN")
                count = db.execute("SELECT count(*) FROM ticket").fetchone()[0]
                lines = db.execute("SELECT coalesce(sum(line), 0) FROM source_file").fetchone()[0]
                db.execute("COMMIT")
                seen.append((count, lines))
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.close()

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    loader.load_all()
    done.set()
    for reader in readers:
        reader.join(timeout=30)
    assert errors == []
    # every committed state pairs the rows with the offset after them: count = lines - header
    assert all(count == max(lines - 1, 0) for count, lines in seen)
    assert len({count for count, _ in seen}) > 1, "readers saw only one state: load too small"


def test_watcher_reports_a_full_disk_and_resumes_when_space_returns(tmp_path: Path) -> None:
    from sqlalchemy import event

    from cxtui.ingest.watcher import watch_folder
    from tests.test_watcher import wait_for

    target = tmp_path / "tickets.csv"
    target.write_text(HEADER + ticket_lines(0, 10))
    loader = make_loader(tmp_path)
    loader.load_all()
    pages = rows(loader, "PRAGMA page_count")[0][0]
    loader.engine.dispose()
    space = {"pages": pages + 2}

    def cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {space['pages']}")

    event.listen(loader.engine, "connect", cap)
    errors: list[str] = []
    stop = threading.Event()
    worker = threading.Thread(target=watch_folder, args=(loader, stop, errors.append))
    worker.start()
    try:
        with open(target, "a") as out:
            out.write(ticket_lines(10, 20_000))
        assert wait_for(lambda: bool(errors))
        assert "database or disk is full" in errors[0]
        assert rows(loader, "SELECT count(*) FROM ticket") == [(10,)]
        space["pages"] = 1_000_000
        loader.engine.dispose()  # new connections get the room back
        resumed = wait_for(lambda: rows(loader, "SELECT count(*) FROM ticket") == [(20_010,)])
        assert resumed, (errors[-3:], rows(loader, "SELECT count(*) FROM ticket"))
    finally:
        stop.set()
        worker.join(timeout=10)
