"""The app's refresh narrowed to one survey segment value, beside the unfiltered refresh and
a channel filter, in the same run: a segment is never read from the hourly tallies, so its
survey figures are counted from the rows of the window (and the 30 days of the trend).

    uv run python bench/bench_segment_filter.py --scale 10k --scale 100k

The simulated centre (bench/datasets.py) has no segments; a copy of its database gets a
region on every survey (EU, US, APAC by turns), so EU holds a third of them.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets

from cxtui import aggregates
from cxtui.config import Config
from cxtui.metrics import NO_FILTERS, Filters, Window
from cxtui.store import open_engine
from cxtui.tui.source import snapshot

WEEK = 7 * 86_400
CASES = {
    "unfiltered": NO_FILTERS,
    "segment region = EU": Filters(segment=("region", "EU")),
    "channel email (tallies)": Filters(channel="email"),
    "channel email + segment": Filters(channel="email", segment=("region", "EU")),
}


def interleaved_ms(cases: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median wall time of each case in milliseconds, the cases taken in turn `runs` times
    after one warm-up each, so a busy spell of a shared machine hits them all alike."""
    for work in cases.values():
        work()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, work in cases.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    return {name: 1000 * statistics.median(found) for name, found in times.items()}


def with_regions(source: Path, folder: Path) -> Path:
    """A copy of the database whose surveys each have a region."""
    path = folder / "cxtui.db"
    shutil.copyfile(source, path)
    db = sqlite3.connect(path)
    db.execute(
        "UPDATE survey SET segments = json_object('region',"
        " CASE rowid % 3 WHEN 0 THEN 'EU' WHEN 1 THEN 'US' ELSE 'APAC' END)"
    )
    aggregates.rebuild_pending(db)  # as the loader would: the unfiltered read stays tallied
    db.commit()
    db.close()
    return path


def measure(scale: str, runs: int) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(with_regions(datasets.build(scale), Path(folder)))
        window = Window(datasets.AS_OF, WEEK)
        config = Config()
        costs = interleaved_ms(
            {
                name: lambda f=filters: snapshot(engine, window, f, config)
                for name, filters in CASES.items()
            },
            runs,
        )
        engine.dispose()
    base = costs["unfiltered"]
    return [
        (f"{scale} {name}", f"{cost:.1f} ms", f"{cost / base:.2f} x")
        for name, cost in costs.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=sorted(datasets.SCALES))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for scale in args.scale or ["10k"]:
        for name, cost, ratio in measure(scale, args.repeat):
            print(f"{name:<40} {cost:>12} {ratio:>8}", flush=True)


if __name__ == "__main__":
    main()
