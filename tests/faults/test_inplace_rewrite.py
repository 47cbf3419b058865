"""A file rewritten in place (same inode, same first kilobyte) is read again, not taken for an
append: an export job that rewrites tickets.csv with open('w') must leave the database as a
clean load of what it wrote would, with no phantom rows and every status current.

Each rewrite gets a later modification time, one second after the last, as an export job run
again later would: two writes inside one tick of the file system's clock are out of scope.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxtui.ingest.loader import Loader
from cxtui.store import open_engine
from tests.ingest_helpers import make_loader, rows, table_dump

CREATED = "2026-11-20T08:00Z"
CREATED_EPOCH = 1795161600
HEADER = "id,created_at,status\n"
STEADY = 40
"""Rows T0..T39 never change in the generated exports: with the header they fill the first
kilobyte, which therefore stays the same from one rewrite to the next."""
STATUSES = ["open", "pending", "on_hold", "solved", "closed", "new", "exploded"]
"""Including statuses of equal length (pending and on_hold, solved and closed), so a rewrite
can keep the size, and one that is not a status (quarantined), so a rewrite can add or drop a
quarantined row."""

Export = list[str]
"""One export: the status of T0, T1, … in order."""


def export_bytes(statuses: Export) -> bytes:
    return (HEADER + "".join(f"T{i},{CREATED},{s}\n" for i, s in enumerate(statuses))).encode()


class Exporter:
    """Rewrites one file in place, as open('w') does: the same inode, truncated, then written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mtime_ns = 1_700_000_000 * 10**9

    def write(self, data: bytes, *, truncate: bool = True) -> None:
        with open(self.path, "wb" if truncate else "ab") as handle:
            handle.write(data)
        self.mtime_ns += 10**9
        os.utime(self.path, ns=(self.mtime_ns, self.mtime_ns))


def clean_load(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    """The database a first load of these bytes gives."""
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "tickets.csv").write_bytes(data)
        loader = make_loader(folder, settle_seconds=float("inf"))
        loader.load_all()
        loader.engine.dispose()
        return table_dump(folder / ".cxtui" / "cxtui.db")
    finally:
        shutil.rmtree(folder)


def expected_history(exports: list[Export]) -> list[tuple[object, ...]]:
    """Every (ticket, time, status) any loaded export showed, each once: worked out from the
    exports, not from a load."""
    seen = {
        (f"T{i}", CREATED_EPOCH, status)
        for statuses in exports
        for i, status in enumerate(statuses)
        if status != "exploded"
    }
    return sorted(seen)


def expected_statuses(exports: list[Export]) -> dict[str, str]:
    """Each ticket's status in the last loaded export that held it as a valid row."""
    latest: dict[str, str] = {}
    for statuses in exports:
        for i, status in enumerate(statuses):
            if status != "exploded":
                latest[f"T{i}"] = status
    return latest


def assert_current(loader: Loader, exports: list[Export]) -> None:
    """Every ticket any export held, once, with its status in the last export that held it,
    and each status it was seen in once in its history; worked out from the exports."""
    assert dict(rows(loader, "SELECT id, status FROM ticket")) == expected_statuses(exports)
    assert rows(loader, "SELECT * FROM status_change ORDER BY 1, 2, 3") == expected_history(exports)


def assert_like_clean_load(loader: Loader, exports: list[Export], db_path: Path) -> None:
    """As assert_current, and the last export's rows and quarantine are those a clean load
    of it gives, line numbers included."""
    assert_current(loader, exports)
    clean = clean_load(export_bytes(exports[-1]))
    loaded = table_dump(db_path)
    by_id = {row[0]: row for row in loaded["ticket"]}
    for row in clean["ticket"]:
        assert by_id[row[0]] == row
    assert loaded["quarantine"] == clean["quarantine"]


def test_a_rewrite_that_grows_is_read_again_not_taken_for_an_append(tmp_path: Path) -> None:
    """The issue's repro: 200 open tickets, then the whole file again with 220, T100..T108
    pending. Taken for an append it gave 221 tickets (a phantom '199') and 0 pending."""
    exporter = Exporter(tmp_path / "tickets.csv")
    first = ["open"] * 200
    second = ["pending" if 100 <= i <= 108 else "open" for i in range(220)]
    exporter.write(export_bytes(first))
    loader = make_loader(tmp_path)
    assert loader.load_all().tickets == 200
    exporter.write(export_bytes(second))
    loader.load_all()
    assert rows(loader, "SELECT count(*), sum(status = 'pending') FROM ticket") == [(220, 9)]
    assert rows(loader, "SELECT id FROM ticket WHERE id NOT GLOB 'T[0-9]*'") == []
    # 220 tickets seen open once, 9 of them pending since: 229 steps, none twice
    assert rows(loader, "SELECT count(*) FROM status_change") == [(229,)]
    assert_like_clean_load(loader, [first, second], tmp_path / ".cxtui" / "cxtui.db")


def test_a_rewrite_past_the_fingerprinted_bytes_is_read_again(tmp_path: Path) -> None:
    """A long export (over 64 KiB read) whose rows change well before where reading stopped:
    the change shifts the bytes just before the saved offset, which is what gives it away."""
    exporter = Exporter(tmp_path / "tickets.csv")
    first = ["open"] * 5000
    second = ["pending" if 100 <= i <= 108 else "open" for i in range(5200)]
    exporter.write(export_bytes(first))
    loader = make_loader(tmp_path)
    loader.load_all()
    assert (tmp_path / "tickets.csv").stat().st_size > 64 << 10
    exporter.write(export_bytes(second))
    loader.load_all()
    assert rows(loader, "SELECT count(*), sum(status = 'pending') FROM ticket") == [(5200, 9)]
    assert_like_clean_load(loader, [first, second], tmp_path / ".cxtui" / "cxtui.db")


def test_a_same_size_rewrite_changing_only_the_middle_is_read_again(tmp_path: Path) -> None:
    """solved -> closed keeps every byte count: no fingerprint can see a change at row 100 of
    a long file, but a file that was written to without growing was rewritten."""
    exporter = Exporter(tmp_path / "tickets.csv")
    first = ["solved"] * 5000
    second = ["closed" if i == 100 else "solved" for i in range(5000)]
    exporter.write(export_bytes(first))
    loader = make_loader(tmp_path)
    loader.load_all()
    exporter.write(export_bytes(second))
    loader.load_all()
    assert rows(loader, "SELECT status FROM ticket WHERE id = 'T100'") == [("closed",)]
    assert_like_clean_load(loader, [first, second], tmp_path / ".cxtui" / "cxtui.db")


def test_watched_rewrites_a_second_apart_leave_no_phantom_and_no_stale_status(
    tmp_path: Path,
) -> None:
    """As the watcher sees an export job rerun every second: some loads catch the file just
    truncated or half rewritten, some after the job finished; every status ends current."""
    exporter = Exporter(tmp_path / "tickets.csv")
    loader = make_loader(tmp_path, settle_seconds=float("inf"))
    exports: list[Export] = []
    for run in range(12):
        statuses = [
            "open" if i < STEADY else STATUSES[(i * 7 + run * 3) % 5]
            for i in range(STEADY + 30 + (run * 37) % 50)
        ]
        data = export_bytes(statuses)
        if run % 3 == 1:  # caught right after the truncation, then mid-line
            exporter.write(b"")
            loader.load_all()
            cut = len(data) * 2 // 3 + 5
            exporter.write(data[:cut])
            loader.load_all()
            exporter.write(data[cut:], truncate=False)
        else:
            exporter.write(data)
        loader.load_all()
        exports.append(statuses)
        open_queue = sum(1 for s in expected_statuses(exports).values() if s == "open")
        assert rows(loader, "SELECT count(*) FROM ticket WHERE status = 'open'") == [(open_queue,)]
        assert_like_clean_load(loader, exports, tmp_path / ".cxtui" / "cxtui.db")


def test_an_older_database_gains_the_new_column_and_still_loads(tmp_path: Path) -> None:
    """A database made before the bytes before the offset were fingerprinted: opening it adds
    the column, and its files carry on from where they were."""
    path = tmp_path / "tickets.csv"
    path.write_bytes(export_bytes(["open"] * 3))
    loader = make_loader(tmp_path)
    loader.load_all()
    loader.engine.dispose()
    db_path = tmp_path / ".cxtui" / "cxtui.db"
    with sqlite3.connect(db_path) as db:
        db.execute("ALTER TABLE source_file DROP COLUMN tail_fingerprint")
    with open(path, "ab") as handle:
        handle.write(f"T3,{CREATED},pending\n".encode())
    loader = Loader(open_engine(db_path), tmp_path)
    assert loader.load_all().tickets == 1
    assert rows(loader, "SELECT count(*) FROM ticket") == [(4,)]


SAME_LENGTH = {"pending": "on_hold", "on_hold": "pending", "solved": "closed", "closed": "solved"}
MORE_ROWS = 150


@st.composite
def export_runs(draw: st.DrawFn) -> list[Export]:
    """Two to five exports of one file, each the last one rerun: a few statuses changed,
    often to one of the same length (which moves no byte after it), and rows added or
    dropped at the end."""

    def statuses(count: int) -> list[str]:
        return draw(st.lists(st.sampled_from(STATUSES), min_size=count, max_size=count))

    sizes = st.integers(min_value=STEADY, max_value=STEADY + MORE_ROWS)
    runs = [["open"] * STEADY + statuses(draw(sizes) - STEADY)]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        run = list(runs[-1])
        rows_after = st.integers(min_value=STEADY, max_value=max(STEADY, len(run) - 1))
        to = st.sampled_from(["same length"] * len(STATUSES) + STATUSES)
        for i, status in draw(st.lists(st.tuples(rows_after, to), min_size=1, max_size=3)):
            if i < len(run):
                run[i] = SAME_LENGTH.get(run[i], "open") if status == "same length" else status
        size = max(STEADY, len(run) + draw(st.integers(min_value=-40, max_value=60)))
        runs.append((run + statuses(max(0, size - len(run))))[:size])
    return runs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports=export_runs(), data=st.data())
def test_random_rewrites_in_place_load_like_a_clean_load(
    exports: list[Export], data: st.DataObject
) -> None:
    """Rewrites in place that shrink or grow the file to random sizes, the first kilobyte
    always the same, each loaded (sometimes also half way through the rewrite): after each,
    every status is current, and at the end the database holds the last export as a clean
    load does, plus the rows only earlier exports held."""
    folder = Path(tempfile.mkdtemp())
    try:
        exporter = Exporter(folder / "tickets.csv")
        loader = make_loader(folder, settle_seconds=float("inf"))
        for done, statuses in enumerate(exports, 1):
            content = export_bytes(statuses)
            caught_half_way = data.draw(st.integers(min_value=0, max_value=3)) == 0
            if caught_half_way:
                cut = data.draw(st.integers(min_value=0, max_value=len(content)))
                exporter.write(content[:cut])
                loader.load_all()
                exporter.write(content[cut:], truncate=False)
            else:
                exporter.write(content)
            loader.load_all()
            assert_current(loader, exports[:done])
        assert_like_clean_load(loader, exports, folder / ".cxtui" / "cxtui.db")
        loader.engine.dispose()
    finally:
        shutil.rmtree(folder)
