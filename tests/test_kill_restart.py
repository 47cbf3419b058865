"""kill -9 an ingester at random moments, restart it, and every row is there exactly once.

Each cycle appends more rows (new tickets, new versions of old ones, bad rows) before it starts
an ingester, waits until it writes to the database (its load has begun: however long Python
takes to start, the kill never lands in the imports) and kills it a random moment later, so
every kill interrupts a load; at the end a restart finishes the job and the database must
equal a clean load of the same files.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.ingest_helpers import table_dump, wait_until_it_writes

FIRST_ROWS = 30_000
# The backlog stays above 40,000 lines (a kill interrupts a load within 0.3 s, well before it
# can finish), so appending more per cycle would only make the final loads longer.
ROWS_PER_CYCLE = 10_000
KILL_WITHIN_SECONDS = 0.3
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
        wait_until_it_writes(process, killed_db)
        time.sleep(rng.uniform(0, KILL_WITHIN_SECONDS))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=300)
        exports.append(ROWS_PER_CYCLE)
    # the restart and the clean load of the same files run side by side
    final, clean_load = ingest(exports.folder, killed_db), ingest(exports.folder, clean_db)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    _, err = clean_load.communicate(timeout=300)
    assert clean_load.returncode == 0, err
    assert kills >= CYCLES // 2, f"only {kills} of {CYCLES} loads were interrupted"
    print(f"{kills} of {CYCLES} ingesters killed mid-load")
    clean, killed = table_dump(clean_db), table_dump(killed_db)
    counts = tuple(len(clean[t]) for t in ("ticket", "survey", "quarantine"))
    assert counts == exports.expected()
    assert killed == clean
