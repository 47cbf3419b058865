"""Time travel: the queue pane and the open list as of the latest data and 1 h, 1 day and
7 days before it, read from the status history; and what the history's time index costs the
ingest. One run, printed as one table; every figure is also given as a ratio to "latest".

    uv run python bench/bench_time_travel.py --scale 10k --scale 100k
    uv run python bench/bench_time_travel.py --scale 100k --ingest 100000 --repeat 3

The further back, the more tickets changed after the moment and need their status then
looked up in the history (cxtui.past_status); at the latest data none do. Medians of several
reads after a warm-up (bench/datasets.py builds the simulated centres once).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_ingest
import datasets
from bench_filtered import median_ms

from cxtui import queries
from cxtui.metrics import NO_FILTERS, Window, queue_snapshot
from cxtui.store import open_engine, snapshot

WEEK = 7 * 86_400
BACK = {"latest": 0, "1 h back": 3_600, "1 day back": 86_400, "7 days back": 7 * 86_400}
INDEX = "ix_status_change_at_ticket_id"
Row = tuple[str, str, str]


def moved_after(path: Path, moment: int) -> int:
    """Tickets with a status change after `moment`: those whose status then is looked up."""
    db = sqlite3.connect(path)
    try:
        query = "SELECT count(DISTINCT ticket_id) FROM status_change WHERE at > ?"
        return db.execute(query, (moment,)).fetchone()[0]
    finally:
        db.close()


def travel_figures(path: Path, runs: int) -> list[Row]:
    engine = open_engine(path, writable=False)
    rows: list[Row] = []
    base: dict[str, float] = {}
    try:
        with snapshot(engine) as session:
            latest = queries.latest_activity(session) or datasets.AS_OF
            for name, seconds in BACK.items():
                moment = latest - seconds
                window = Window(as_of=moment, seconds=WEEK)
                open_list = queries.TicketQuery(kind="open", window=window, filters=NO_FILTERS)
                queue = queue_snapshot(session, moment)
                timings = {
                    "queue pane": median_ms(lambda m=moment: queue_snapshot(session, m), runs),
                    "open list (count + first page)": median_ms(
                        lambda q=open_list: (
                            queries.count_tickets(session, q),
                            queries.ticket_page(session, q, 0, 100),
                        ),
                        runs,
                    ),
                }
                moved = moved_after(path, moment)
                rows.append((f"  {name}: {queue.open:,} open, {moved:,} changed since", "", ""))
                for what, ms in timings.items():
                    base.setdefault(what, ms)
                    rows.append((f"    {what}", f"{ms:.1f} ms", f"{ms / base[what]:.1f}x"))
    finally:
        engine.dispose()
    return rows


def ingest_cost_figures(tickets: int, repeat: int) -> list[Row]:
    """The loader end to end with and without the status history's time index, alternated
    (medians of `repeat`)."""
    kept: list[float] = []
    without: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        bench_ingest.write_tickets(folder / "tickets.csv", tickets)
        for run in range(repeat):
            for indexed, times in ((True, kept), (False, without)):
                db = Path(tmp) / f"loader-{indexed}-{run}.db"
                open_engine(db).dispose()
                if not indexed:
                    plain = sqlite3.connect(db)
                    plain.execute(f"DROP INDEX {INDEX}")
                    plain.commit()
                    plain.close()
                seconds, _ = bench_ingest.bench_loader(folder, db)
                times.append(seconds)
                for leftover in Path(tmp).glob(db.name + "*"):
                    leftover.unlink()
    with_s, without_s = statistics.median(kept), statistics.median(without)
    return [
        (f"ingest with the history's time index: {tickets:,} tickets", f"{with_s:.2f} s", ""),
        ("  same, without it", f"{without_s:.2f} s", ""),
        ("  ingest time with / without", f"{with_s / without_s:.3f}", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=datasets.SCALES, action="append")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ingest", type=int, default=0, help="tickets for the ingest cost")
    parser.add_argument("--repeat", type=int, default=3, help="ingest runs of each side")
    args = parser.parse_args()
    rows: list[Row] = []
    for scale in args.scale or ["100k"]:
        path = datasets.build(scale)
        tickets, surveys = datasets.counts(path)
        rows.append((f"{scale}: {tickets:,} tickets, {surveys:,} surveys", "", ""))
        rows += travel_figures(path, args.runs)
    if args.ingest:
        rows += ingest_cost_figures(args.ingest, args.repeat)
    for name, figure, ratio in rows:
        print(f"{name:62}  {figure:>12}  {ratio}", flush=True)


if __name__ == "__main__":
    main()
