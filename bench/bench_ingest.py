"""Ingest benchmark: cxtui's loader end to end against a plain sqlite3 executemany upsert.

All write the same ticket rows into the same SQLModel schema in the same run, so the ratio
says what parsing, validation and bookkeeping cost on top of the database's own speed:
1. raw: the ticket rows alone, executemany of pre-built tuples with the loader's compiled
   upsert, batches of 10,000, WAL. The schema's row triggers are dropped first: the loader
   lifts them while it writes, so neither side pays them.
2. raw with history: the same plus each ticket's status-history row, i.e. every row the
   loader writes except the hourly tallies; and once more at the loader's own transaction
   size and page cache (the strictest like-for-like baseline).
3. loader: read, CSV parse, validate, upsert, status history, hours listed, tallies rebuilt,
   offsets, commit. The time its tally rebuild took is printed too.

    uv run python bench/bench_ingest.py --tickets 1000000
    uv run python bench/bench_ingest.py --tickets 100000 --repeat 5   # medians of 5 runs
    uv run python bench/bench_ingest.py --tickets 100000 --repeat 3 --blocks  # and without
        the agents' day and quarter-day tallies (cxtui.block_tallies), alternated
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from cxtui import aggregates, block_tallies
from cxtui.ingest import store_sql
from cxtui.ingest.loader import PARSED_AHEAD_COMMIT_BYTES, WRITER_CACHE_KIB, Loader
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


def status_history(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The status-history row the loader adds for each ticket row: (id, version_at, status)."""
    version_at = store_sql.TICKET_ROW.index("version_at")
    return [(row[0], row[version_at], row[3]) for row in rows]


def bench_raw(
    db_path: Path,
    rows: list[tuple[object, ...]],
    batch: int = 10_000,
    *,
    history: list[tuple[object, ...]] | None = None,
    cache_kib: int | None = None,
) -> float:
    """Seconds to upsert the rows (and add their status history, if given) with
    executemany, into the schema with its row triggers dropped."""
    open_engine(db_path).dispose()
    db = sqlite3.connect(db_path)
    if cache_kib is not None:
        db.execute(f"PRAGMA cache_size = -{cache_kib}")
    for name in aggregates.ROW_TRIGGERS:
        db.execute(f'DROP TRIGGER "{name}"')
    db.commit()
    started = time.perf_counter()
    for i in range(0, len(rows), batch):
        db.executemany(store_sql.UPSERT_TICKET.sql, rows[i : i + batch])
        if history is not None:
            db.executemany(store_sql.ADD_STATUS_CHANGE.sql, history[i : i + batch])
        db.commit()
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def bench_loader(folder: Path, db_path: Path) -> tuple[float, float]:
    """Seconds the loader took end to end, and of those the seconds rebuilding tallies."""
    loader = Loader(open_engine(db_path), folder)
    rebuilding = 0.0
    rebuild = aggregates.rebuild_pending

    def timed_rebuild(db: sqlite3.Connection) -> int:
        nonlocal rebuilding
        started = time.perf_counter()
        try:
            return rebuild(db)
        finally:
            rebuilding += time.perf_counter() - started

    started = time.perf_counter()
    with mock.patch.object(aggregates, "rebuild_pending", timed_rebuild):
        result = loader.load_all()
    elapsed = time.perf_counter() - started
    assert result.quarantined == 0, result
    return elapsed, rebuilding


@contextmanager
def dimension_tallies(kept: bool) -> Iterator[None]:
    """The loader as it is, or (not kept) as it was before the tallies by dimension: no
    dimension kept, no survey hours listed when their ticket is written."""
    if kept:
        yield
        return
    with (
        mock.patch.object(aggregates, "KEPT_DIMENSIONS", {}),
        mock.patch.object(aggregates, "_list_surveys_of", lambda db, ids: None),
    ):
        yield


AGENT_PAIRS = ("queue+agent", "priority+agent")


@contextmanager
def agent_pairs_kept(kept: bool) -> Iterator[None]:
    """The loader as it is, or (not kept) as it was before the tallies by the agent with
    the queue and with the priority: the other dimensions kept as they are."""
    if kept:
        yield
        return
    others = {
        name: fields
        for name, fields in aggregates.KEPT_DIMENSIONS.items()
        if name not in AGENT_PAIRS
    }
    with mock.patch.object(aggregates, "KEPT_DIMENSIONS", others):
        yield


@contextmanager
def block_tallies_kept(kept: bool) -> Iterator[None]:
    """The loader as it is, or (not kept) as it was before the tallies by block: no
    dimension kept by block."""
    if kept:
        yield
        return
    with mock.patch.object(block_tallies, "BLOCK_DIMENSIONS", ()):
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each side, alternated; medians printed"
    )
    parser.add_argument(
        "--blocks", action="store_true", help="also the loader without the tallies by block"
    )
    args = parser.parse_args()
    raw, with_history, like_loader, loader, rebuilding = [], [], [], [], []
    unblocked: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        path = folder / "tickets.csv"
        write_tickets(path, args.tickets)
        rows = raw_rows(path)
        history = status_history(rows)
        loader_batch = round(len(rows) * PARSED_AHEAD_COMMIT_BYTES / path.stat().st_size)
        for run in range(args.repeat):
            raw.append(bench_raw(Path(tmp) / f"raw{run}.db", rows))
            with_history.append(bench_raw(Path(tmp) / f"all{run}.db", rows, history=history))
            like_loader.append(
                bench_raw(
                    Path(tmp) / f"like{run}.db",
                    rows,
                    loader_batch,
                    history=history,
                    cache_kib=WRITER_CACHE_KIB,
                )
            )
            seconds, rebuild_seconds = bench_loader(folder, Path(tmp) / f"loader{run}.db")
            loader.append(seconds)
            rebuilding.append(rebuild_seconds)
            if args.blocks:
                with block_tallies_kept(False):
                    unblocked.append(bench_loader(folder, Path(tmp) / f"plain{run}.db"))
            for name in (
                f"raw{run}.db",
                f"all{run}.db",
                f"like{run}.db",
                f"loader{run}.db",
                f"plain{run}.db",
            ):
                for leftover in Path(tmp).glob(name + "*"):
                    leftover.unlink()
    n = args.tickets
    raw_s, all_s, like_s, loader_s, rebuild_s = (
        statistics.median(t) for t in (raw, with_history, like_loader, loader, rebuilding)
    )
    runs = "" if args.repeat == 1 else f", medians of {args.repeat} runs"
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"tickets: {n:,}{runs}")
    print(f"raw sqlite3 executemany upsert:    {n / raw_s:,.0f} rows/s ({raw_s:.2f} s)")
    print(f"  same, with status history:       {n / all_s:,.0f} rows/s ({all_s:.2f} s)")
    print(
        f"  same, {loader_batch:,}-row transactions, {WRITER_CACHE_KIB >> 10} MiB cache: "
        f"{n / like_s:,.0f} rows/s ({like_s:.2f} s)"
    )
    print(f"cxtui loader end to end:           {n / loader_s:,.0f} rows/s ({loader_s:.2f} s)")
    print(f"  of which rebuilding tallies:     {rebuild_s:.2f} s")
    if unblocked:
        plain_s = statistics.median(seconds for seconds, _ in unblocked)
        plain_rebuild = statistics.median(rebuild for _, rebuild in unblocked)
        print(
            f"  without the tallies by block:    {n / plain_s:,.0f} rows/s ({plain_s:.2f} s,"
            f" rebuilding {plain_rebuild:.2f} s): with them the load takes"
            f" {loader_s / plain_s:.2f} x as long"
        )
    print(f"ratio loader / raw:                {raw_s / loader_s:.2f}")
    print(f"ratio loader / raw with history:   {all_s / loader_s:.2f}")
    print(f"ratio loader / raw like the loader: {like_s / loader_s:.2f}")


if __name__ == "__main__":
    main()
