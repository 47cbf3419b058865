"""The agents screen's table (cxtui.breakdown) by agent, queue and channel beside the
dashboard refresh, on the simulated centres: what issue 14 asks is that the table refresh
in the dashboard's budget.

    uv run python bench/bench_agents.py --scale 10k --scale 100k
    uv run python bench/bench_agents.py --db /some/copy/cxtui.db

Medians of several refreshes after a warm-up, each in one read snapshot as the screen does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets
from bench_filtered import median_ms

from cxtui.breakdown import breakdown
from cxtui.config import Thresholds
from cxtui.metrics import NO_FILTERS, Window, dashboard
from cxtui.store import open_engine, snapshot

WEEK = 7 * 86_400
Row = tuple[str, str]


def figures(path: Path, scale: str, runs: int) -> list[Row]:
    engine = open_engine(path)
    window = Window(datasets.AS_OF, WEEK)
    rows: list[Row] = []
    with snapshot(engine) as session:
        board = median_ms(lambda: dashboard(session, window, NO_FILTERS), runs)
        rows.append((f"dashboard refresh, unfiltered: {scale}", f"{board:.1f} ms"))
        for dimension in ("agent", "queue", "channel"):
            values = len(breakdown(session, window, dimension).rows)
            cost = median_ms(lambda d=dimension: breakdown(session, window, d, Thresholds()), runs)
            rows.append(
                (
                    f"  by {dimension} ({values} rows): {scale}",
                    f"{cost:.1f} ms ({cost / board:.2f} x dashboard)",
                )
            )
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=datasets.SCALES, action="append")
    parser.add_argument("--db", type=Path, help="a copy of a centre's database to measure")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows: list[Row] = []
    if args.db:
        rows += figures(args.db, args.db.name, args.runs)
    for scale in args.scale or ([] if args.db else ["100k"]):
        path = datasets.build(scale)
        tickets, surveys = datasets.counts(path)
        rows.append((f"{scale}: {tickets:,} tickets, {surveys:,} surveys", ""))
        rows += figures(path, scale, args.runs)
    for name, figure in rows:
        print(f"{name:48}  {figure}", flush=True)


if __name__ == "__main__":
    main()
