"""Parsing ahead in a second process: the same database as a load in one process, even when
the child or the loader dies.

Block, threshold and transaction sizes are shrunk so that small files take the two-process
path and commit several times on it; each test checks that it did.
"""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxtui.ingest import loader as loader_module
from tests.ingest_helpers import make_loader, table_dump, wait_until_it_writes

FIXTURES = Path(__file__).parent / "presets"


def write_exports(folder: Path, rows: int) -> None:
    """Native tickets (plain, quoted, multi-line, bad and overlong rows, CRLF), native surveys
    as JSON Lines with bad lines, and a Freshdesk export read through its preset."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    lines = ["id,created_at,updated_at,status,subject,reopens"]
    for n in range(rows):
        ticket = f"T{rng.randrange(rows // 2 + 1)}"
        moment = 1_795_168_800 + n * 7
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
        status = rng.choice(["open", "Resolved", "pending", "bogus"])
        subject = rng.choice(["plain", '"with, comma"', '"two\nlines"', "x" * 100])
        if n % 97 == 0:
            created = "2026-11-20T25:00:00Z"
        lines.append(f"{ticket},{created},{moment + 60},{status},{subject},{n % 4}")
        if n == rows // 2:
            lines.append("L," + "y" * 70_000)  # longer than the shrunk line limit
    (folder / "tickets.csv").write_bytes("\r\n".join(lines).encode() + b"\r\n")
    with open(folder / "surveys.jsonl", "w") as out:
        for n in range(rows):
            score = rng.randrange(-1, 11)
            out.write(
                f'{{"id": "S{n}", "submitted_at": {1_795_168_800 + n * 7}, "kind": "nps",'
                f' "score": {score}}}\n'
            )
            if n % 50 == 0:
                out.write("{broken\n")
    freshdesk = (FIXTURES / "freshdesk-tickets.csv").read_text().splitlines()
    (folder / "freshdesk-tickets.csv").write_text("\n".join(freshdesk + freshdesk[1:] * 40) + "\n")


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader_module, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(loader_module, "MAX_LINE_BYTES", 65_536)
    monkeypatch.setattr(loader_module, "PARSED_AHEAD_COMMIT_BYTES", 3 * 4096)


def load(
    folder: Path,
    parse_ahead_bytes: int,
    monkeypatch: pytest.MonkeyPatch,
    commits: list[int] | None = None,
) -> list[bool]:
    """Load the folder; returns, for each hand-over to a second process, whether it finished.
    Each commit's rows are appended to `commits`, if given."""
    monkeypatch.setattr(loader_module, "PARSE_AHEAD_BYTES", parse_ahead_bytes)
    handovers: list[bool] = []
    hand_over = loader_module.Loader._load_parsed_ahead

    def counted(self: loader_module.Loader, *args: object) -> bool:
        handovers.append(hand_over(self, *args))  # type: ignore[arg-type]
        return handovers[-1]

    monkeypatch.setattr(loader_module.Loader, "_load_parsed_ahead", counted)
    loader = make_loader(folder, settle_seconds=0)
    if commits is not None:
        loader.on_commit = lambda committed: commits.append(committed.rows)
    result = loader.load_all()
    assert (result.tickets, result.surveys) > (0, 0)
    loader.engine.dispose()
    return handovers


def test_parsing_ahead_loads_what_one_process_loads(
    tmp_path: Path, small_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_exports(tmp_path / "one", 3000)
    write_exports(tmp_path / "two", 3000)
    one_process: list[int] = []
    two_processes: list[int] = []
    assert load(tmp_path / "one", 1 << 60, monkeypatch, one_process) == []
    assert load(tmp_path / "two", 1, monkeypatch, two_processes) == [True, True, True]
    # One process commits each 4 KiB chunk; parsing ahead commits every 12 KiB: fewer,
    # bigger transactions, still several per file.
    assert len(two_processes) > 3 * 3
    assert max(two_processes) > max(one_process)
    assert len(two_processes) < len(one_process)
    one = table_dump(tmp_path / "one" / ".cxtui" / "cxtui.db")
    two = table_dump(tmp_path / "two" / ".cxtui" / "cxtui.db")
    assert two == one
    reasons = {str(reason).split(" (")[0] for _, _, reason, _ in one["quarantine"]}
    assert {"unknown status 'bogus'", "line longer than 65,536 bytes"} <= reasons


def test_a_child_that_dies_leaves_the_rest_to_the_loader(
    tmp_path: Path, small_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_exports(tmp_path / "one", 2000)
    write_exports(tmp_path / "two", 2000)
    parent = os.getpid()
    batch = loader_module.Loader._batch
    made = [0]

    def dies_in_the_child(self: loader_module.Loader, *args: object) -> object:
        made[0] += 1
        if os.getpid() != parent and made[0] % 7 == 0:
            os._exit(3)
        return batch(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader_module.Loader, "_batch", dies_in_the_child)
    assert load(tmp_path / "one", 1, monkeypatch) == [False, False, False]
    monkeypatch.setattr(loader_module.Loader, "_batch", batch)
    load(tmp_path / "two", 1 << 60, monkeypatch)
    assert table_dump(tmp_path / "one" / ".cxtui" / "cxtui.db") == table_dump(
        tmp_path / "two" / ".cxtui" / "cxtui.db"
    )


DRIVER = """
import sys
from pathlib import Path
from cxtui.ingest import loader
from cxtui.store import open_engine
loader.BLOCK_BYTES, loader.MAX_LINE_BYTES, loader.PARSE_AHEAD_BYTES = 4096, 65_536, 1
loader.PARSED_AHEAD_COMMIT_BYTES = 3 * 4096
folder, db = Path(sys.argv[1]), Path(sys.argv[2])
loader.Loader(open_engine(db), folder, settle_seconds=0).load_all()
"""


def ingest(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(folder), str(db)], stderr=subprocess.PIPE
    )


def test_killing_the_loader_mid_load_then_restarting_holds_every_row_once(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    write_exports(folder, 8_000)
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    rng = random.Random(2)
    for _ in range(4):
        process = ingest(folder, killed)
        # a random moment once the load has begun, not in Python's start-up nor after the end
        wait_until_it_writes(process, killed)
        time.sleep(rng.uniform(0, 0.1))
        assert process.poll() is None, "the load ended before the kill"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        # the orphaned child does not keep the ingest lock: a new loader may start at once
        with open(str(killed) + ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
    # the restart and the clean load of the same files run side by side
    for done in [ingest(folder, db) for db in (killed, clean)]:
        _, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
    assert table_dump(killed) == table_dump(clean)
