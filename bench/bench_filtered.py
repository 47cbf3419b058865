"""The dashboard narrowed by each dimension, and by two together, beside the unfiltered one.

    uv run python bench/bench_filtered.py --scale 100k
    uv run python bench/bench_filtered.py --db /some/copy/cxtui.db   # e.g. under older code

One value of each dimension of the simulated centre (bench/datasets.py): a channel, a queue,
a priority and an agent, alone and in pairs. Medians of several refreshes after a warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets

from cxtui import metrics
from cxtui.metrics import NO_FILTERS, Window, dashboard
from cxtui.store import open_engine, snapshot

WEEK = 7 * 86_400
Row = tuple[str, str, str]


def median_ms(work: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up, in milliseconds."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


FILTERS = {
    "channel": metrics.Filters(channel="email"),
    "queue": metrics.Filters(queue="billing"),
    "priority": metrics.Filters(priority="high"),
    "agent": metrics.Filters(agent="Ana Ruiz"),
    "channel + queue": metrics.Filters(channel="email", queue="billing"),
    "channel + priority": metrics.Filters(channel="email", priority="high"),
    "channel + agent": metrics.Filters(channel="email", agent="Ana Ruiz"),
    "queue + priority (scanned from the rows)": metrics.Filters(queue="billing", priority="high"),
    "queue + agent (scanned from the rows)": metrics.Filters(queue="billing", agent="Ana Ruiz"),
    "priority + agent (scanned from the rows)": metrics.Filters(priority="high", agent="Ana Ruiz"),
}
"""One value of each dimension of the simulated centre, alone and two together."""


def filtered_figures(path: Path, scale: str, runs: int) -> list[Row]:
    """The dashboard refresh, all panes, narrowed by each dimension and by two together,
    beside the unfiltered one in the same run."""
    engine = open_engine(path)
    window = Window(datasets.AS_OF, WEEK)
    rows: list[Row] = []
    with snapshot(engine) as session:
        unfiltered = median_ms(lambda: dashboard(session, window, NO_FILTERS), runs)
        rows.append(
            (f"dashboard refresh, unfiltered (same run): {scale}", f"{unfiltered:.1f} ms", "")
        )
        for name, narrowed in FILTERS.items():
            cost = median_ms(lambda narrowed=narrowed: dashboard(session, window, narrowed), runs)
            rows.append(
                (
                    f"  filtered by {name}: {scale}",
                    f"{cost:.1f} ms ({cost / unfiltered:.2f} x unfiltered)",
                    "≤ 100 ms",
                )
            )
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=datasets.SCALES, default="100k")
    parser.add_argument("--db", type=Path, help="a copy of a centre's database to measure")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    path = args.db or datasets.build(args.scale)
    for name, figure, target in filtered_figures(path, args.scale, args.runs):
        print(f"{name:60}  {figure:32}  {target}")


if __name__ == "__main__":
    main()
