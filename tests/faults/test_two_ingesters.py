"""Two ingesters started on the same folder and database by mistake never double count."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.ingest_helpers import table_dump


def watcher(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cxtui", "ingest", str(folder), "--db", str(db), "--watch", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_rows(db: Path, expected: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        if db.exists():
            dump = table_dump(db)
            count = len(dump["ticket"]) + len(dump["quarantine"])
            if count >= expected:
                return count
        time.sleep(0.1)
    return count


def test_two_watching_ingesters_load_each_row_once(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "tickets.csv"
    target.write_text("id,created_at,status\n")
    db = tmp_path / "x.db"
    first, second = watcher(folder, db), watcher(folder, db)
    try:
        for batch in range(20):
            with open(target, "a") as out:
                for n in range(batch * 50, batch * 50 + 50):
                    status = "bogus" if n % 10 == 0 else "open"
                    out.write(f"T{n},{1_700_000_000 + n},{status}\n")
            time.sleep(0.05)
        assert wait_for_rows(db, 1_000) == 1_000
        time.sleep(1.5)  # both have had time to look again
    finally:
        for process in (first, second):
            process.send_signal(signal.SIGINT)
        for process in (first, second):
            process.wait(timeout=30)
    dump = table_dump(db)
    assert len(dump["ticket"]) == 900
    assert len(dump["quarantine"]) == 100
    assert len({(f, line) for f, line, _, _ in dump["quarantine"]}) == 100
