"""Live latency: a row appended to a watched file → the Queue pane redrawn with it.

Runs the real app headless (Textual's run_test) with the folder watcher on, over a folder of
simulated history, appends one open ticket at a time and times the moment the Queue pane's
redraw shows the new open count. No terminal needed; prints median, p95 and max.

    uv run python bench/bench_live.py --appends 50 --rate 60 --days 30
    uv run python bench/bench_live.py --appends 50 --scale 1m

With --scale the app runs on a private copy of a cached benchmark database (bench/datasets.py;
its export files hard-linked, so nothing is re-read) with the clock held at the data's last
moment, and the rows are appended to a new file beside the million-row export.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import datasets

from cxtui.config import Config
from cxtui.ingest.loader import Loader
from cxtui.simulate import iso, write_history
from cxtui.store import open_engine
from cxtui.tui.app import CxApp


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@contextmanager
def copy_of_scale(scale: str) -> Iterator[Path]:
    """A folder holding a copy of the cached database of `scale` and links to its files."""
    source = datasets.folder(scale)
    datasets.build(scale)
    with tempfile.TemporaryDirectory(dir=datasets.OUT) as tmp:
        folder = Path(tmp)
        (folder / ".cxtui").mkdir()
        for data in source.iterdir():
            if data.is_file():
                os.link(data, folder / data.name)
        shutil.copyfile(datasets.db_path(scale), folder / ".cxtui" / "cxtui.db")
        yield folder


async def measure(
    folder: Path,
    appends: int,
    as_of: int | None = None,
    target: str = "tickets.csv",
    pause: tuple[float, float] = (0.3, 0.6),
) -> tuple[list[float], int]:
    """Latencies of `appends` rows written to `target`, each created a minute before as_of
    (or now, with the app's clock live), each after a pause of between `pause` seconds."""
    engine = open_engine(folder / ".cxtui" / "cxtui.db")
    Loader(engine, folder).load_all()
    app = CxApp(
        engine=engine,
        config=Config(),
        window_seconds=7 * 86_400,
        data_dir=folder,
        ingest=True,
        as_of=as_of,
    )
    appended = folder / target
    if not appended.exists():
        header = (folder / "tickets.csv").open().readline()
        appended.write_text(header)
    shown: list[tuple[float, int]] = []
    latencies: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        while app.snapshot is None:
            await pilot.pause(0.05)
        show = app.dashboard.show

        def timed_show(snapshot):  # type: ignore[no-untyped-def]
            redrawn = show(snapshot)
            if "queue" in redrawn:
                shown.append((time.perf_counter(), snapshot.board.queue.open))
            return redrawn

        app.dashboard.show = timed_show  # type: ignore[method-assign]
        rng = random.Random(5)
        for n in range(appends):
            await pilot.pause(rng.uniform(*pause))
            expected = app.snapshot.board.queue.open + 1
            created = iso((as_of or int(time.time())) - 60)
            line = f"BENCH{n},{created},{created},open,normal,email,billing,,,bench row\n"
            started = time.perf_counter()
            with open(appended, "a") as out:
                out.write(line)
            deadline = started + 10
            while time.perf_counter() < deadline:
                hit = next((t for t, count in shown if t >= started and count >= expected), None)
                if hit is not None:
                    latencies.append(hit - started)
                    break
                await asyncio.sleep(0.002)
        rows = app.snapshot.rows_loaded
    return latencies, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appends", type=int, default=50)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rate", type=float, default=60.0)
    parser.add_argument("--scale", choices=datasets.SCALES, help="a cached benchmark centre")
    args = parser.parse_args()
    if args.scale:
        with copy_of_scale(args.scale) as folder:
            latencies, rows = asyncio.run(
                measure(folder, args.appends, as_of=datasets.AS_OF, target="live.csv")
            )
    else:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_history(folder, days=args.days, rate=args.rate, seed=3)
            latencies, rows = asyncio.run(measure(folder, args.appends))
    ms = [1000 * s for s in latencies]
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"rows loaded: {rows:,}; appends timed: {len(ms)} of {args.appends}")
    print(
        f"write → Queue pane redrawn: median {statistics.median(ms):.0f} ms,"
        f" p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms"
    )


if __name__ == "__main__":
    main()
