"""A freshly written file, read once: a one-shot command (`cxtui report`, `cxtui ingest`
without --watch) reads every record to the end of the file, the last one too when no newline
follows it. Waiting for a last line to settle is for watching only.

And the other side of it: a last line read without its newline loads once, not again when
the file goes on with a newline and more rows; and if the writer was in fact half way
through that line, the file is read again once the line goes on, so its row ends whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ingest_helpers import make_loader, rows

TICKETS = (
    "id,created_at,status\n"
    "A,2026-11-20T10:00:00Z,open\n"
    "B,2026-11-20T10:30:00Z,open\n"
    "C,2026-11-20T11:00:00Z,pending"  # no newline: the export's last row
)
SURVEYS = (
    "id,submitted_at,kind,score\n"
    "S1,2026-11-20T10:00:00Z,nps,10\n"
    "S2,2026-11-20T10:10:00Z,nps,9\n"
    "S3,2026-11-20T10:20:00Z,nps,3\n"
    "S4,2026-11-20T10:30:00Z,nps,0"
)


def cxtui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxtui", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """Exports just written: their modification time is still to come, so however long the
    command takes to start, they are younger than the 2 s a watcher waits."""
    data = tmp_path / "data"
    data.mkdir()
    soon = time.time() + 3600
    for name, text in (("tickets.csv", TICKETS), ("surveys.csv", SURVEYS)):
        (data / name).write_text(text)
        os.utime(data / name, (soon, soon))
    return data


def test_report_counts_the_last_row_of_a_fresh_file(fresh: Path, tmp_path: Path) -> None:
    result = cxtui("report", str(fresh), "--db", str(tmp_path / "x.db"), "--format", "json",
                   "--as-of", "2026-11-20T12:00:00Z", "--window", "24h")  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["resolution"]["created"] == 3
    assert report["queue"]["open"] == 3
    # 10 and 9 promote, 3 and 0 detract: (2 - 2) / 4 = 0; without S4 it was 100 * 1/3
    assert report["nps"]["responses"] == 4
    assert report["nps"]["score"] == 0.0


def test_ingest_loads_the_last_row_of_a_fresh_file(fresh: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    result = cxtui("ingest", str(fresh), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "loaded 3 ticket rows and 4 survey rows from 2 files; 0 quarantined" in result.stderr
    # the file goes on: a newline and one more row; only that row is new
    with open(fresh / "tickets.csv", "a") as handle:
        handle.write("\nD,2026-11-20T11:30:00Z,open\n")
    again = cxtui("ingest", str(fresh), "--db", db)
    assert "loaded 1 ticket row and 0 survey rows from 1 file; 0 quarantined" in again.stderr


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_last_row_read_without_newline_is_not_read_twice(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "tickets.csv"
    path.write_bytes(TICKETS.replace("\n", newline).encode())
    loader = make_loader(tmp_path, settle_seconds=0)
    assert loader.load_all().tickets == 3
    with open(path, "ab") as handle:
        handle.write(f"{newline}D,2026-11-20T11:30:00Z,open{newline}".encode())
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (1, 0)
    assert rows(loader, "SELECT id, source_line FROM ticket ORDER BY id") == [
        ("A", 2),
        ("B", 3),
        ("C", 4),
        ("D", 5),
    ]
    assert rows(loader, "SELECT count(*) FROM status_change") == [(4,)]
    assert rows(loader, "SELECT offset, line FROM source_file") == [(path.stat().st_size, 5)]


def test_a_last_line_that_goes_on_was_cut_and_is_read_again(tmp_path: Path) -> None:
    """A one-shot load caught the exporter half way through its last line; the line then
    goes on. Read on from where it stopped, 'fire' would be a row of its own."""
    path = tmp_path / "tickets.csv"
    path.write_text("id,created_at,status,subject\nA,2026-11-20T10:00:00Z,open,Printer on ")
    loader = make_loader(tmp_path, settle_seconds=0)
    loader.load_all()
    with open(path, "a") as handle:
        handle.write("fire\nB,2026-11-20T10:30:00Z,open,Toner\n")
    loader.load_all()
    assert rows(loader, "SELECT id, subject, source_line FROM ticket ORDER BY id") == [
        ("A", "Printer on fire", 2),
        ("B", "Toner", 3),
    ]
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]


def test_a_json_line_that_goes_on_was_cut_and_is_read_again(tmp_path: Path) -> None:
    """Half a JSON object, read once at the end of a settled file, is quarantined; when its
    writer finishes it, the object loads and the quarantine entry goes."""
    path = tmp_path / "tickets.jsonl"
    path.write_text('{"id": "A", "created_at": 1}\n{"id": "B", "crea')
    loader = make_loader(tmp_path, settle_seconds=0)
    loader.load_all()
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(1,)]
    with open(path, "a") as handle:
        handle.write('ted_at": 2}\n')
    loader.load_all()
    assert rows(loader, "SELECT id FROM ticket ORDER BY id") == [("A",), ("B",)]
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]
