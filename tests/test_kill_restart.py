"""kill -9 an ingester at random moments, restart it, and every row is there exactly once.

Each cycle appends more rows (new tickets, new versions of old ones, bad rows) before it starts
an ingester and kills it, so every cycle has a load to interrupt; at the end a restart finishes
the job and the database must equal a clean load of the same files.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.ingest_helpers import table_dump

FIRST_ROWS = 30_000
ROWS_PER_CYCLE = 20_000
# CI runs a few cycles; a soak run sets CXTUI_KILL_CYCLES=100 (see docs/reliability.md)
CYCLES = int(os.environ.get("CXTUI_KILL_CYCLES", "6"))


class Exports:
    """Ticket and survey files that grow, and what a correct load of them must hold."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self.rng = random.Random(3)
        self.written = 0
        self.tickets: set[str] = set()
        self.surveys = 0
        self.quarantined = 0
        (folder / "tickets.csv").write_text("id,created_at,updated_at,status,subject\n")
        (folder / "surveys.jsonl").write_text("")

    def append(self, rows: int) -> None:
        rng = self.rng
        with open(self.folder / "tickets.csv", "a") as out:
            for n in range(self.written, self.written + rows):
                ticket = rng.randrange(n // 2 + 1)
                status = rng.choice(["new", "open", "solved", "bogus"])
                if status == "bogus":
                    self.quarantined += 1
                else:
                    self.tickets.add(f"T{ticket}")
                out.write(f"T{ticket},{1_700_000_000 + ticket},{1_700_000_000 + n},{status},s{n}\n")
        with open(self.folder / "surveys.jsonl", "a") as out:
            for n in range(self.written // 2, (self.written + rows) // 2):
                score = rng.randrange(-1, 11)
                self.surveys += score >= 0
                self.quarantined += score < 0
                out.write(
                    f'{{"id": "S{n}", "submitted_at": {1_700_000_000 + n},'
                    f' "kind": "nps", "score": {score}}}\n'
                )
        self.written += rows

    def expected(self) -> tuple[int, int, int]:
        return len(self.tickets), self.surveys, self.quarantined


def ingest(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cxtui", "ingest", str(folder), "--db", str(db), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_mid_load_then_restart_holds_every_row_once(tmp_path: Path) -> None:
    exports = Exports(tmp_path / "data")
    exports.append(FIRST_ROWS)
    killed_db, clean_db = tmp_path / "killed.db", tmp_path / "clean.db"
    rng = random.Random(11)
    kills = 0
    for _ in range(CYCLES):
        process = ingest(exports.folder, killed_db)
        time.sleep(rng.uniform(0.35, 0.8))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=300)
        exports.append(ROWS_PER_CYCLE)
    final = ingest(exports.folder, killed_db)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert ingest(exports.folder, clean_db).wait(timeout=300) == 0
    assert kills >= CYCLES // 2, f"only {kills} of {CYCLES} loads were interrupted"
    print(f"{kills} of {CYCLES} ingesters killed mid-load")
    clean, killed = table_dump(clean_db), table_dump(killed_db)
    counts = tuple(len(clean[t]) for t in ("ticket", "survey", "quarantine"))
    assert counts == exports.expected()
    assert killed == clean
