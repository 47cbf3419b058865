"""The dashboard narrowed by each dimension, and by two together, beside the unfiltered one;
and what keeping the tallies by dimension costs the ingest. One run, printed as one table.

    uv run python bench/bench_filtered.py --scale 10k --scale 100k --scale 1m
    uv run python bench/bench_filtered.py --db /some/copy/cxtui.db   # e.g. under older code
    uv run python bench/bench_filtered.py --db /copy/of/an/older/cxtui.db --upgrade  # and
        first the one-off rebuild of its tallies when this version opens it for writing
    uv run python bench/bench_filtered.py --scale 100k --ingest 100000 --repeat 3

One value of each dimension of the simulated centre (bench/datasets.py): a channel, a queue,
a priority and an agent, alone and in pairs. Medians of several refreshes after a warm-up.
Each filter says whether the tallies answer it or the rows are scanned (aggregates.slice_of);
the agent's pairs are timed once more as before their tallies were kept (rows scanned).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_ingest
import datasets

from cxtui import aggregates, metrics
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
    "queue + priority": metrics.Filters(queue="billing", priority="high"),
    "queue + agent": metrics.Filters(queue="billing", agent="Ana Ruiz"),
    "priority + agent": metrics.Filters(priority="high", agent="Ana Ruiz"),
}
"""One value of each dimension of the simulated centre, alone and two together."""


def source_of(narrowed: metrics.Filters) -> str:
    return "tallies" if aggregates.slice_of(narrowed) is not None else "rows scanned"


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
                    f"  filtered by {name} ({source_of(narrowed)}): {scale}",
                    f"{cost:.1f} ms ({cost / unfiltered:.2f} x unfiltered)",
                    "≤ 100 ms",
                )
            )
        with bench_ingest.agent_pairs_kept(False):
            for name in ("queue + agent", "priority + agent"):
                narrowed = FILTERS[name]
                cost = median_ms(lambda narrowed=narrowed: dashboard(session, window, narrowed), 3)
                rows.append(
                    (
                        f"  filtered by {name} ({source_of(narrowed)}, as before): {scale}",
                        f"{cost:.1f} ms ({cost / unfiltered:.2f} x unfiltered)",
                        "",
                    )
                )
    engine.dispose()
    return rows


INGEST_SIDES = {
    "with every tally by dimension": lambda: bench_ingest.dimension_tallies(True),
    "without the agent's pairs (queue+agent, priority+agent)": lambda: (
        bench_ingest.agent_pairs_kept(False)
    ),
    "without the tallies by dimension": lambda: bench_ingest.dimension_tallies(False),
}
"""The loader as it is, without the tallies of the agent's pairs, and without any tally by
dimension: each keeps less than the one before."""


def ingest_cost_figures(tickets: int, repeat: int) -> list[Row]:
    """The loader end to end with and without the tallies by dimension (and without only
    the agent's pairs), alternated in one run (medians of `repeat`): what keeping them costs
    the ingest."""
    times: dict[str, list[float]] = {side: [] for side in INGEST_SIDES}
    rebuilds: dict[str, list[float]] = {side: [] for side in INGEST_SIDES}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        bench_ingest.write_tickets(folder / "tickets.csv", tickets)
        for run in range(repeat):
            for number, (side, kept) in enumerate(INGEST_SIDES.items()):
                db = Path(tmp) / f"loader-{number}-{run}.db"
                with kept():
                    seconds, rebuilding = bench_ingest.bench_loader(folder, db)
                times[side].append(seconds)
                rebuilds[side].append(rebuilding)
                for leftover in Path(tmp).glob(db.name + "*"):
                    leftover.unlink()
    medians = {side: statistics.median(values) for side, values in times.items()}
    runs = f", median of {repeat}" if repeat > 1 else ""
    figures: list[Row] = [(f"ingest, loader end to end: {tickets:,} tickets{runs}", "", "")]
    everything = medians[next(iter(INGEST_SIDES))]
    for side, seconds in medians.items():
        figures.append(
            (
                f"  {side}",
                f"{tickets / seconds:,.0f} rows/s (rebuild "
                f"{statistics.median(rebuilds[side]):.2f} s), "
                f"all / this {everything / seconds:.2f}",
                "",
            )
        )
    return figures


def upgrade_figures(path: Path) -> list[Row]:
    """The time opening a database for writing takes: on one made by an older version whose
    tallies hold less, the one-off rebuild of every tally (store_schema.install)."""
    started, used = time.perf_counter(), time.process_time()
    engine = open_engine(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - used
    with engine.connect() as connection:
        hours = connection.exec_driver_sql("SELECT count(*) FROM ticket_hour").scalar_one()
        kept = connection.exec_driver_sql("SELECT count(*) FROM dimension_hour").scalar_one()
    engine.dispose()
    return [
        (
            f"opened for writing: {path.name}, {hours:,} hours, {kept:,} rows by dimension",
            f"{seconds:.1f} s ({cpu:.1f} s of CPU)",
            "",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=datasets.SCALES, action="append")
    parser.add_argument("--db", type=Path, help="a copy of a centre's database to measure")
    parser.add_argument(
        "--upgrade",
        action="store_true",
        help="time opening --db for writing first (an older version's: every tally rebuilt)",
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ingest", type=int, default=0, help="tickets for the ingest cost")
    parser.add_argument("--repeat", type=int, default=3, help="ingest runs of each side")
    args = parser.parse_args()
    rows: list[Row] = []
    if args.db and args.upgrade:
        rows += upgrade_figures(args.db)
    if args.db:
        rows += filtered_figures(args.db, args.db.name, args.runs)
    for scale in args.scale or ([] if args.db else ["100k"]):
        tickets, surveys = datasets.counts(datasets.build(scale))
        rows.append((f"{scale}: {tickets:,} tickets, {surveys:,} surveys", "", ""))
        rows += filtered_figures(datasets.build(scale), scale, args.runs)
    if args.ingest:
        rows += ingest_cost_figures(args.ingest, args.repeat)
    for name, figure, target in rows:
        print(f"{name:62}  {figure:36}  {target}", flush=True)


if __name__ == "__main__":
    main()
