"""Ingest benchmark: cxtui's loader end to end against a plain sqlite3 executemany upsert.

Both write the same ticket rows into the same SQLModel schema in the same run, so the ratio
says what parsing, validation and bookkeeping cost on top of the database's own speed.

    uv run python bench/bench_ingest.py --tickets 1000000
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from cxtui.ingest import store_sql
from cxtui.ingest.loader import Loader
from cxtui.ingest.normalise import TICKET_COLUMNS
from cxtui.store import open_engine

COLUMNS = list(TICKET_COLUMNS)


def iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def write_tickets(path: Path, count: int) -> None:
    rng = random.Random(1)
    start = 1_790_000_000
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(count):
            created = start + n * 3
            answered = created + rng.randrange(10, 7200)
            writer.writerow(
                [
                    f"T{n}",
                    iso(created),
                    iso(answered + 60),
                    rng.choice(("open", "pending", "solved", "closed")),
                    rng.choice(("low", "normal", "high", "urgent")),
                    rng.choice(("email", "chat", "phone")),
                    rng.choice(("billing", "technical", "orders")),
                    f"agent {rng.randrange(30)}",
                    f"C{rng.randrange(count // 3 + 1)}",
                    f"Subject number {n}",
                    iso(answered),
                    iso(answered + 600),
                    rng.randrange(3),
                    rng.randrange(5),
                    rng.randrange(60, 900),
                    iso(created + 3600),
                    iso(created + 86_400),
                ]
            )


def raw_rows(path: Path) -> list[tuple[object, ...]]:
    """The same rows as the loader stores them, built before the clock starts."""
    epoch = {c: i for i, c in enumerate(COLUMNS) if c.endswith("_at")}
    rows = []
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for line, row in enumerate(reader, start=2):
            values: list[object] = list(row)
            for i in epoch.values():
                values[i] = int(time.mktime(time.strptime(row[i], "%Y-%m-%dT%H:%M:%SZ")))
            for i in (12, 13, 14):
                values[i] = int(row[i])
            values += [values[2], None, path.name, line]
            rows.append(tuple(values))
    return rows


def bench_raw(db_path: Path, rows: list[tuple[object, ...]], batch: int = 10_000) -> float:
    open_engine(db_path).dispose()
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    for i in range(0, len(rows), batch):
        db.executemany(store_sql.UPSERT_TICKET.sql, rows[i : i + batch])
        db.commit()
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def bench_loader(folder: Path, db_path: Path) -> float:
    loader = Loader(open_engine(db_path), folder)
    started = time.perf_counter()
    result = loader.load_all()
    elapsed = time.perf_counter() - started
    assert result.quarantined == 0, result
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        path = folder / "tickets.csv"
        write_tickets(path, args.tickets)
        rows = raw_rows(path)
        raw = bench_raw(Path(tmp) / "raw.db", rows)
        loader = bench_loader(folder, Path(tmp) / "loader.db")
    n = args.tickets
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"tickets: {n:,}")
    print(f"raw sqlite3 executemany upsert: {n / raw:,.0f} rows/s ({raw:.2f} s)")
    print(f"cxtui loader end to end:        {n / loader:,.0f} rows/s ({loader:.2f} s)")
    print(f"ratio loader / raw:             {raw / loader:.2f}")


if __name__ == "__main__":
    main()
