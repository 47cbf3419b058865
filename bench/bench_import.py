"""`cxtui ingest` of a native ticket CSV against the sqlite3 CLI's `.import` of the same file.

Both are whole processes, timed from start to exit (wall clock), alternated in one run:
1. sqlite3: `sqlite3 NEW.db` reading `PRAGMA journal_mode=WAL`, `.mode csv` and
   `.import FILE ticket` on its standard input: the file's rows into a new table of text
   columns, no index, no validation. The floor for getting a CSV into SQLite.
2. cxtui: `cxtui ingest FOLDER --db NEW.db --quiet`, the console script of this
   environment (what `uv run cxtui` starts, without uv's own start-up): parse, validate,
   upsert with indexes, status history, hours listed, tallies rebuilt, offsets, commit.
3. schema floor (with --floor): the sqlite3 CLI alone writing the same rows into cxtui's
   own tables and indexes (ticket and status history, no triggers), converting the
   timestamps in SQL: what cxtui's schema costs with no Python and no tallies at all.

Each process's wall time and its CPU time (user + system, its children included) are
printed; the ratios cxtui / sqlite3 per run and as medians. On a machine shared with other
work, the CPU ratio is the steadier one.

    uv run python bench/bench_import.py --tickets 300000 --repeat 3
    uv run python bench/bench_import.py --tickets 1000000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import write_tickets

from cxtui.ingest.normalise import TICKET_COLUMNS
from cxtui.store import open_engine

TIMES = {c for c in TICKET_COLUMNS if c.endswith("_at")}
NUMBERS = {"reopens", "agent_replies", "handle_seconds"}


def cxtui_command() -> list[str]:
    """The cxtui console script next to this interpreter, else `python -m cxtui`."""
    script = Path(sys.executable).with_name("cxtui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cxtui"]


def before_command(src: Path) -> tuple[list[str], dict[str, str]]:
    """`python -m cxtui` importing cxtui from another src/ folder (an earlier commit's)."""
    return [sys.executable, "-m", "cxtui"], {**os.environ, "PYTHONPATH": str(src)}


def timed(
    command: list[str], script: str | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall seconds from start to exit, and the CPU seconds (user + system) the process and
    the children it waited for used."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if script else None,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    if script:
        assert process.stdin is not None
        process.stdin.write(script)
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime


def sqlite_import(csv_path: Path, db_path: Path) -> tuple[float, float]:
    """The sqlite3 CLI importing the file into a new WAL database."""
    script = f"PRAGMA journal_mode=WAL;\n.mode csv\n.import '{csv_path}' ticket\n"
    return timed(["sqlite3", str(db_path)], script)


def cxtui_ingest(folder: Path, db_path: Path, before: Path | None = None) -> tuple[float, float]:
    """`cxtui ingest` loading the folder into a new database (with before: the cxtui of
    that src/ folder)."""
    command, env = (cxtui_command(), None) if before is None else before_command(before)
    return timed([*command, "ingest", str(folder), "--db", str(db_path), "--quiet"], env=env)


def schema_sql(tmp: Path) -> str:
    """cxtui's own ticket and status-history tables and indexes, as it creates them."""
    empty = tmp / "schema.db"
    open_engine(empty).dispose()
    with sqlite3.connect(empty) as db:
        found = db.execute(
            "SELECT sql FROM sqlite_schema WHERE type IN ('table', 'index') AND sql IS NOT NULL"
            " AND tbl_name IN ('ticket', 'status_change') ORDER BY type DESC"
        ).fetchall()
    remove(empty)
    return ";\n".join(sql for (sql,) in found) + ";\n"


def schema_floor(csv_path: Path, db_path: Path, schema: str) -> tuple[float, float]:
    """The sqlite3 CLI writing the file's rows into cxtui's ticket and status-history
    tables (timestamps converted in SQL, numbers cast), with no Python and no tallies."""

    def value(column: str) -> str:
        if column in TIMES:
            return f"unixepoch(nullif({column}, ''))"
        if column in NUMBERS:
            return f"CAST(nullif({column}, '') AS INTEGER)"
        return f"nullif({column}, '')"

    values = ", ".join(value(c) for c in TICKET_COLUMNS)
    version = "coalesce(unixepoch(nullif(updated_at, '')), unixepoch(created_at))"
    script = (
        f"PRAGMA journal_mode=WAL;\n{schema}.mode csv\n.import '{csv_path}' staging\n"
        f"INSERT INTO ticket SELECT {values}, {version}, NULL, '{csv_path.name}', rowid + 1"
        " FROM staging;\n"
        f"INSERT INTO status_change SELECT id, {version}, status FROM staging;\n"
        "DROP TABLE staging;\n"
    )
    return timed(["sqlite3", str(db_path)], script)


def count(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def remove(db_path: Path) -> None:
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()


def median_pair(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternated")
    parser.add_argument("--floor", action="store_true", help="also cxtui's schema by sqlite3")
    parser.add_argument("--keep", type=Path, help="reuse (or write) the CSV in this folder")
    parser.add_argument(
        "--before", type=Path, help="src/ of an earlier commit: its cxtui ingest too, alternated"
    )
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        sys.exit("needs the sqlite3 command-line shell")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = args.keep or tmp / "data"
        folder.mkdir(parents=True, exist_ok=True)
        csv_path = folder / "tickets.csv"
        if not csv_path.exists():
            write_tickets(csv_path, args.tickets)
        size = csv_path.stat().st_size
        schema = schema_sql(tmp) if args.floor else ""
        lite, cx, floor, earlier = [], [], [], []
        for run in range(args.repeat):
            lite_db, cx_db, floor_db = tmp / "lite.db", tmp / "cx.db", tmp / "floor.db"
            lite.append(sqlite_import(csv_path, lite_db))
            cx.append(cxtui_ingest(folder, cx_db))
            if args.before:
                earlier.append(cxtui_ingest(folder, tmp / "before.db", args.before))
                assert count(tmp / "before.db", "ticket") == args.tickets
                remove(tmp / "before.db")
            if args.floor:
                floor.append(schema_floor(csv_path, floor_db, schema))
                assert count(floor_db, "ticket") == args.tickets
            assert count(lite_db, "ticket") == count(cx_db, "ticket") == args.tickets
            line = (
                f"run {run + 1}: sqlite3 .import {lite[-1][0]:.2f} s ({lite[-1][1]:.2f} s CPU),"
                f" cxtui ingest {cx[-1][0]:.2f} s ({cx[-1][1]:.2f} s CPU), ratio"
                f" {cx[-1][0] / lite[-1][0]:.2f} wall, {cx[-1][1] / lite[-1][1]:.2f} CPU"
            )
            if args.before:
                line += f"; before {earlier[-1][0]:.2f} s ({earlier[-1][1]:.2f} s CPU)"
            if args.floor:
                line += f"; schema floor {floor[-1][0]:.2f} s ({floor[-1][1]:.2f} s CPU)"
            print(line, flush=True)
            for db_path in (lite_db, cx_db, floor_db):
                remove(db_path)
    (lite_wall, lite_cpu), (cx_wall, cx_cpu) = median_pair(lite), median_pair(cx)
    n = args.tickets
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"tickets: {n:,} ({size / 1e6:.0f} MB), medians of {args.repeat}")
    print(f"sqlite3 .import: {lite_wall:.2f} s ({lite_cpu:.2f} s CPU)")
    print(f"cxtui ingest:    {cx_wall:.2f} s ({cx_cpu:.2f} s CPU, {n / cx_wall:,.0f} rows/s)")
    if floor:
        floor_wall, floor_cpu = median_pair(floor)
        print(
            f"schema floor:    {floor_wall:.2f} s ({floor_cpu:.2f} s CPU): ratio"
            f" {floor_wall / lite_wall:.2f} wall, {floor_cpu / lite_cpu:.2f} CPU"
        )
    if earlier:
        before_wall, before_cpu = median_pair(earlier)
        print(
            f"cxtui before:    {before_wall:.2f} s ({before_cpu:.2f} s CPU): ratio"
            f" {before_wall / lite_wall:.2f} wall, {before_cpu / lite_cpu:.2f} CPU"
        )
    print(f"ratio cxtui / sqlite3: {cx_wall / lite_wall:.2f} wall, {cx_cpu / lite_cpu:.2f} CPU")


if __name__ == "__main__":
    main()
