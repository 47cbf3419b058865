"""Conversation benchmark: messages of support threads (the twitter-support preset's shape)
through the loader, in thread order and shuffled, for the time and the database bytes per
message.

Threads: a customer's tweet, the team's answer, and in some threads the customer again and
the team again; a few replies answer a tweet that is not in the export. In thread order
every reply comes after the message it answers; shuffled, most replies arrive before their
parent, and each batch's conversations are worked out again as their messages come in.

    uv run python bench/bench_messages.py --messages 90000
    uv run python bench/bench_messages.py --messages 90000 --repeat 3   # medians of 3 runs
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import bench_ingest

from cxtui.ingest.loader import Loader
from cxtui.store import open_engine

HEADER = [
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
]
START = datetime(2026, 11, 1, tzinfo=UTC)
WORDS = ("order", "refund", "parcel", "app", "crash", "login", "billing", "delivery", "account")


def threads(count: int, rng: random.Random) -> list[list[object]]:
    """About `count` message rows, in thread order (each thread's messages in time order)."""
    rows: list[list[object]] = []
    next_id = 1_000_000
    while len(rows) < count:
        customer = f"{rng.randrange(10**6)}"
        team = rng.choice(("AcmeSupport", "AcmeHelp", "AcmeCares"))
        at = START + timedelta(seconds=rng.randrange(30 * 86_400))
        parent = f"{next_id - 1}" if rng.random() < 0.03 else ""  # answers a missing tweet
        for turn in range(rng.choice((1, 2, 2, 3, 4, 4))):
            inbound = turn % 2 == 0
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 16)))
            author, to = (customer, team) if inbound else (team, customer)
            rows.append(
                [
                    next_id,
                    author,
                    inbound,
                    at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                    f"@{to} {text}",
                    "",
                    parent,
                ]
            )
            parent = f"{next_id}"
            next_id += 1
            at += timedelta(seconds=rng.randrange(30, 7_200))
    return rows[:count]


def write(path: Path, rows: list[list[object]]) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)


class Load(NamedTuple):
    seconds: float
    cpu: float
    """CPU seconds of the loader and of the child that parses ahead: on a shared machine
    the wall time also counts waiting for a core."""
    size: int
    """Database bytes after a checkpoint."""
    rows: int
    tickets: int


def load(folder: Path) -> Load:
    database = folder / ".cxtui" / "cxtui.db"
    engine = open_engine(database)
    loader = Loader(engine, folder, settle_seconds=0)
    before = _cpu()
    began = time.perf_counter()
    result = loader.load_all()
    seconds = time.perf_counter() - began
    cpu = _cpu() - before
    engine.dispose()
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tickets = db.execute("SELECT count(*) FROM ticket").fetchone()[0]
    return Load(seconds, cpu, os.path.getsize(database), result.rows, tickets)


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def empty_bytes(tmp: Path) -> int:
    """The size of a database with the schema and no rows, taken off the per-message bytes."""
    folder = tmp / "empty"
    folder.mkdir()
    return load(folder).size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=90_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(1)
    ordered = threads(args.messages, rng)
    shuffled = ordered[:]
    rng.shuffle(shuffled)
    print(f"{platform.python_implementation()} {platform.python_version()}", end=", ")
    print(f"sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="cxtui-bench-messages-") as name:
        tmp = Path(name)
        base = empty_bytes(tmp)
        results: dict[str, list[Load]] = {}
        for run in range(args.repeat):
            for label in ("thread order", "shuffled", "ticket rows"):
                folder = tmp / f"{label.replace(' ', '-')}-{run}"
                folder.mkdir()
                if label == "ticket rows":  # the same number of native ticket rows
                    bench_ingest.write_tickets(folder / "tickets.csv", args.messages)
                else:
                    write(folder / "twcs.csv", ordered if label == "thread order" else shuffled)
                results.setdefault(label, []).append(load(folder))
        for label, runs in results.items():
            seconds = statistics.median(r.seconds for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            first = runs[0]
            print(
                f"{label:>12}: {first.rows:,} rows, {first.tickets:,} tickets in {seconds:.2f} s "
                f"({cpu:.2f} CPU s, {first.rows / cpu:,.0f} rows per CPU s), "
                f"{(first.size - base) / first.rows:.0f} B/row"
            )

        def cpu_of(label: str) -> float:
            return statistics.median(r.cpu for r in results[label])

        print(f"CPU shuffled / thread order: {cpu_of('shuffled') / cpu_of('thread order'):.2f}")
        print(
            f"CPU thread order / ticket rows: {cpu_of('thread order') / cpu_of('ticket rows'):.2f}"
        )


if __name__ == "__main__":
    main()
