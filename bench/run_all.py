"""Every benchmark in one command, printed as one table of figures and ratios.

    uv run python bench/run_all.py                 # 10k, 100k and 1m tickets (builds once)
    uv run python bench/run_all.py --scale 100k    # one scale
    uv run python bench/run_all.py --quick         # about two minutes: 10k and 100k, short runs

Databases come from bench/datasets.py and are cached in bench/out/; building the 1m one takes
several minutes the first time and is not part of any figure. Each timing is the median of
several runs after one warm-up, so it is the steady cost of a refresh, not a cold cache.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_filtered
import bench_ingest
import bench_live
import bench_startup
import datasets
from sqlmodel import Session

from cxtui import metrics, queries
from cxtui.config import Config
from cxtui.metrics import NO_FILTERS, Window, dashboard
from cxtui.simulate import write_history
from cxtui.store import open_engine, snapshot
from cxtui.tui import source
from cxtui.tui.paged_list import PAGE_ROWS

WEEK = 7 * 86_400
LIST_KINDS = ("open", "all", "first_response")
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


def refresh_figures(scale: str, runs: int) -> list[Row]:
    path = datasets.build(scale)
    tickets, surveys = datasets.counts(path)
    engine = open_engine(path)
    window = Window(datasets.AS_OF, WEEK)
    config = Config()

    def board() -> object:
        with snapshot(engine) as session:
            return dashboard(session, window, NO_FILTERS, clock=config.clock)

    label = f"{scale} ({tickets:,} tickets, {surveys:,} surveys)"
    rows = [
        (f"dashboard refresh, all panes: {label}", f"{median_ms(board, runs):.1f} ms", "≤ 50 ms"),
        (
            f"snapshot (panes + comments + row count): {scale}",
            f"{median_ms(lambda: source.snapshot(engine, window, NO_FILTERS, config), runs):.1f}"
            " ms",
            "",
        ),
    ]
    engine.dispose()
    return rows


def pane_figures(scale: str, runs: int) -> list[Row]:
    """Where a refresh's time goes: each metric on its own, in one read transaction."""
    engine = open_engine(datasets.build(scale))
    window = Window(datasets.AS_OF, WEEK)
    parts: dict[str, Callable[[Session], object]] = {
        "queue": lambda s: metrics.queue_snapshot(s, window.as_of),
        "first response (7-day percentiles)": lambda s: metrics.first_response(s, window),
        "resolution": lambda s: metrics.resolution(s, window),
        "handle time + abandonment + service level": lambda s: (
            metrics.handle_time(s, window),
            metrics.abandonment(s, window),
            metrics.service_level(s, window),
        ),
        "NPS + CSAT + CES": lambda s: (
            metrics.nps(s, window),
            metrics.csat(s, window),
            metrics.ces(s, window),
        ),
        "30-day trend (daily medians and counts)": lambda s: metrics.daily_series(s, window.as_of),
    }
    rows: list[Row] = []
    with snapshot(engine) as session:
        for name, part in parts.items():
            cost = median_ms(lambda part=part: part(session), runs)
            rows.append((f"  of which {name}: {scale}", f"{cost:.1f} ms", ""))
    engine.dispose()
    return rows


def list_figures(scale: str, runs: int) -> list[Row]:
    engine = open_engine(datasets.build(scale))
    window = Window(datasets.AS_OF, WEEK)
    rows: list[Row] = []
    with Session(engine) as session:
        for kind in LIST_KINDS:
            query = queries.TicketQuery(kind=kind, window=window, filters=NO_FILTERS)
            total = queries.count_tickets(session, query)

            def first_page(query: queries.TicketQuery = query) -> object:
                queries.count_tickets(session, query)
                return queries.ticket_page(session, query, 0, PAGE_ROWS)

            pages = max(1, min(20, total // PAGE_ROWS))

            def page_down(query: queries.TicketQuery = query, pages: int = pages) -> object:
                for page in range(1, pages + 1):
                    queries.ticket_page(session, query, page * PAGE_ROWS, PAGE_ROWS)
                return pages

            opened = median_ms(first_page, runs)
            per_page = median_ms(page_down, max(1, runs // 3)) / pages
            rows.append(
                (
                    f"ticket list '{kind}' opens (count + first page): {total:,} rows",
                    f"{opened:.1f} ms",
                    "≤ 200 ms",
                )
            )
            rows.append(
                (
                    f"ticket list '{kind}' page down (pages 1-{pages})",
                    f"{per_page:.1f} ms",
                    "≤ 50 ms",
                )
            )
    engine.dispose()
    return rows


def app_figures(scale: str, idle_seconds: float) -> list[Row]:
    datasets.build(scale)
    started = time.perf_counter()
    output = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("app_probe.py")),
            str(datasets.folder(scale)),
            str(datasets.AS_OF),
            str(idle_seconds),
        ],
        check=True,
        capture_output=True,
        text=True,
        # With the bytecode cache bench_startup fills, as an installed cxtui has it.
        env={
            **bench_startup.child_env(bench_startup.BYTECODE, bench_startup.BYTECODE),
            "CXTUI_DB": "",
        },
    ).stdout
    wall = time.perf_counter() - started
    probe = json.loads(output.strip().splitlines()[-1])
    return [
        (
            f"start-up to first painted dashboard, headless, in the probe: {scale}",
            f"{probe['first_paint_s']:.2f} s (imports {probe['imports_s']:.2f} s)",
            "≤ 1.5 s",
        ),
        (
            f"idle CPU, clock showing, watcher on, {probe['idle_seconds']:.0f} s: {scale}",
            f"{probe['idle_cpu_pct']:.2f} % of a core",
            "≤ 1 %",
        ),
        (
            f"RSS of the running app: {scale}",
            f"{probe['rss_mb']:.0f} MB (peak {probe['peak_rss_mb']:.0f} MB)",
            "≤ 250 MB",
        ),
        ("  (probe process wall time)", f"{wall:.1f} s", ""),
    ]


INGEST_TICKETS = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
"""Tickets in the ingest benchmark for each scale: the target is stated at a million."""


def ingest_figures(tickets: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        csv_path = folder / "tickets.csv"
        bench_ingest.write_tickets(csv_path, tickets)
        rows = bench_ingest.raw_rows(csv_path)
        raw = bench_ingest.bench_raw(Path(tmp) / "raw.db", rows)
        with_history = bench_ingest.bench_raw(
            Path(tmp) / "all.db", rows, history=bench_ingest.status_history(rows)
        )
        loader, rebuilding = bench_ingest.bench_loader(folder, Path(tmp) / "loader.db")
    return [
        (
            f"ingest, raw sqlite3 executemany upsert: {tickets:,} tickets",
            f"{tickets / raw:,.0f} rows/s",
            "",
        ),
        ("  same, with status history", f"{tickets / with_history:,.0f} rows/s", ""),
        (
            f"ingest, cxtui loader end to end: {tickets:,} tickets",
            f"{tickets / loader:,.0f} rows/s",
            "",
        ),
        ("  of which rebuilding tallies", f"{rebuilding:.2f} s", ""),
        ("ingest ratio loader / raw", f"{raw / loader:.2f}", "≥ 0.70"),
        ("ingest ratio loader / raw with status history", f"{with_history / loader:.2f}", ""),
    ]


def live_figures(days: int, appends: int, scale: str | None = None) -> list[Row]:
    """Write → pane over `days` of fresh history, or over the cached centre of `scale`."""
    if scale is None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_history(folder, days=days, rate=60.0, seed=3)
            latencies, loaded = asyncio.run(bench_live.measure(folder, appends))
    else:
        with bench_live.copy_of_scale(scale) as folder:
            latencies, loaded = asyncio.run(
                bench_live.measure(folder, appends, as_of=datasets.AS_OF, target="live.csv")
            )
    ms = [1000 * s for s in latencies]
    return [
        (
            f"write → Queue pane redrawn, median ({loaded:,} rows, {len(ms)}/{appends} appends)",
            f"{statistics.median(ms):.0f} ms",
            "≤ 100 ms",
        ),
        (
            "write → Queue pane redrawn, p95",
            f"{bench_live.percentile(ms, 0.95):.0f} ms",
            "≤ 250 ms",
        ),
    ]


def print_table(rows: list[Row]) -> None:
    width = max(len(name) for name, _, _ in rows)
    figure_width = max(len(figure) for _, figure, _ in rows)
    print(f"\n{'figure'.ljust(width)}  {'measured'.ljust(figure_width)}  target")
    for name, figure, target in rows:
        print(f"{name.ljust(width)}  {figure.ljust(figure_width)}  {target}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=(*datasets.SCALES, "all"), default="all")
    parser.add_argument("--quick", action="store_true", help="short runs, at most 100k tickets")
    args = parser.parse_args()
    scales = list(datasets.SCALES) if args.scale == "all" else [args.scale]
    if args.quick and args.scale == "all":
        scales = ["10k", "100k"]
    largest = scales[-1]
    runs = 3 if args.quick else 7
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )
    rows: list[Row] = []
    for scale in scales:
        rows += refresh_figures(scale, runs)
    rows += pane_figures(largest, runs)
    rows += bench_filtered.filtered_figures(datasets.build(largest), largest, runs)
    rows += list_figures(largest, runs)
    rows += bench_startup.startup_rows(largest, 3 if args.quick else 7)
    rows += app_figures(largest, 5.0 if args.quick else 20.0)
    rows += ingest_figures(20_000 if args.quick else INGEST_TICKETS[largest])
    rows += bench_filtered.ingest_cost_figures(20_000 if args.quick else 100_000, 3)
    rows += live_figures(7, 10 if args.quick else 50)
    rows += live_figures(0, 10 if args.quick else 50, scale=largest)
    print_table(rows)


if __name__ == "__main__":
    main()
