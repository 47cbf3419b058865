"""kill -9 an ingester at random moments, restart it, and every row is there exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.ingest_helpers import table_dump

ROWS = 40_000
# CI runs a few cycles; a soak run sets CXTUI_KILL_CYCLES=200 (see docs/reliability.md)
CYCLES = int(os.environ.get("CXTUI_KILL_CYCLES", "6"))


def write_folder(folder: Path) -> tuple[int, int, int]:
    """Write the data; return the expected distinct tickets, surveys and quarantined rows."""
    folder.mkdir()
    rng = random.Random(3)
    tickets: set[str] = set()
    surveys = quarantined = 0
    with open(folder / "tickets.csv", "w") as out:
        out.write("id,created_at,updated_at,status,subject\n")
        for n in range(ROWS):
            ticket = rng.randrange(ROWS // 2)
            status = rng.choice(["new", "open", "solved", "bogus"])
            if status == "bogus":
                quarantined += 1
            else:
                tickets.add(f"T{ticket}")
            out.write(f"T{ticket},{1_700_000_000 + ticket},{1_700_000_000 + n},{status},s{n}\n")
    with open(folder / "surveys.jsonl", "w") as out:
        for n in range(ROWS // 2):
            score = rng.randrange(-1, 11)
            surveys += score >= 0
            quarantined += score < 0
            out.write(
                f'{{"id": "S{n}", "submitted_at": {1_700_000_000 + n},'
                f' "kind": "nps", "score": {score}}}\n'
            )
    return len(tickets), surveys, quarantined


def ingest(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "cxtui", "ingest", str(folder), "--db", str(db), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_mid_load_then_restart_holds_every_row_once(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    expected = write_folder(folder)
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    assert ingest(folder, clean_db).wait(timeout=300) == 0
    rng = random.Random(11)
    kills = 0
    for _ in range(CYCLES):
        process = ingest(folder, killed_db)
        time.sleep(rng.uniform(0.3, 1.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=300)
    final = ingest(folder, killed_db)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert kills >= 1, "every ingester finished before it could be killed: make the load bigger"
    clean, killed = table_dump(clean_db), table_dump(killed_db)
    counts = tuple(len(clean[t]) for t in ("ticket", "survey", "quarantine"))
    assert counts == expected
    assert killed == clean
