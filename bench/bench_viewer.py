"""A light viewer: CPU of a viewer while its folder grows, and a quiet folder's row → screen.

For each scale, on a private copy of the cached centre (bench/datasets.py):
1. **busy**: an ingester process (`cxtui ingest --watch`) loads a file this script grows by
   --rate rows a second; a viewer process (the app headless, ingest off, as a second cxtui
   on the folder is) shows it. The viewer's own CPU seconds over --seconds of wall time, from
   /proc/<pid>/stat, so other load on the machine does not count against it;
2. **quiet**: the app with its own watcher (bench_live.measure) times --appends single rows,
   each after a quiet pause, from the write to the Queue pane redrawn with it.

    uv run python bench/bench_viewer.py --scales 10k 100k 1m --seconds 60 --rate 200

Run with --viewer FOLDER SECONDS it is the viewer process itself (prints one JSON line).
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
import time
from pathlib import Path

import bench_live
import datasets

from cxtui.config import Config
from cxtui.store import default_db_path, open_engine
from cxtui.tui.app import CxApp

WINDOW_SECONDS = 7 * 86_400
WARM_SECONDS = 3.0
"""Left to the viewer after its first paint and after the rows start, before measuring."""


def cpu_seconds(pid: int | str = "self") -> float:
    """User plus system CPU seconds of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def viewer(folder: Path, seconds: float) -> dict[str, float]:
    """Run the app on folder without ingest; once painted say so, then measure its CPU."""
    app = CxApp(
        engine=open_engine(default_db_path(folder)),
        config=Config(),
        window_seconds=WINDOW_SECONDS,
        as_of=datasets.AS_OF,
        data_dir=folder,
        ingest=False,
    )
    async with app.run_test(size=(160, 48)) as pilot:
        while app.snapshot is None:
            await pilot.pause(0.05)
        print("painted", flush=True)
        await asyncio.sleep(WARM_SECONDS)
        refreshes, open_before = app.refreshes, app.snapshot.board.queue.open
        cpu, wall = cpu_seconds(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
        result = {
            "cpu_pct": 100 * cpu / wall,
            "wall_s": wall,
            "refreshes": app.refreshes - refreshes,
            "open_gained": app.snapshot.board.queue.open - open_before,
        }
    return result


def feed(path: Path, rate: float, until: subprocess.Popen[str], start: int) -> int:
    """Append open tickets at `rate` a second, a tenth of a second's worth at a time,
    until the process `until` ends; returns how many were written."""
    written, began = 0, time.perf_counter()
    # Two hours back: the hour the quiet rows land in keeps its usual size.
    created = bench_live.iso(datasets.AS_OF - 7_200)
    with path.open("a") as out:
        while until.poll() is None:
            due = int((time.perf_counter() - began) * rate)
            lines = [
                f"FEED{start + n},{created},{created},open,normal,chat,billing,,,fed row\n"
                for n in range(written, due)
            ]
            out.write("".join(lines))
            out.flush()
            written = due
            time.sleep(0.1)
    return written


def busy(folder: Path, seconds: float, rate: float, code: Path | None) -> dict[str, float]:
    """The viewer's CPU while the folder grows; `code`: run the viewer on another copy of
    cxtui's source (an earlier commit's src/, for a before-and-after in one run)."""
    live = folder / "live.csv"
    live.write_text((folder / "tickets.csv").open().readline())
    paths = [str(code)] if code is not None else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, str(Path(__file__).parent)])}
    # Loaded to the end first: files copied with new times are checked again, which at 1M
    # would keep the ingester busy through the measurement instead of the rows fed.
    subprocess.run([sys.executable, "-m", "cxtui", "ingest", "-q", str(folder)], check=True)
    ingester = subprocess.Popen(
        [sys.executable, "-m", "cxtui", "ingest", "--watch", "-q", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    view = subprocess.Popen(
        [sys.executable, __file__, "--viewer", str(folder), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert view.stdout is not None
    try:
        assert view.stdout.readline().strip() == "painted"
        ingester_cpu = cpu_seconds(ingester.pid)
        written = feed(live, rate, view, 0)
        result = json.loads(view.stdout.read())
        result["ingester_cpu_s"] = cpu_seconds(ingester.pid) - ingester_cpu
    finally:
        view.kill()
        ingester.terminate()
        ingester.wait()
    result["rows_written"] = written
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", choices=datasets.SCALES, default=["10k", "100k"])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--appends", type=int, default=15)
    parser.add_argument("--quiet", type=float, default=8.0, help="seconds between quiet rows")
    parser.add_argument("--quiet-only", action="store_true", help="only the quiet rows")
    parser.add_argument("--before", type=Path, help="src/ of the cxtui to compare with")
    parser.add_argument("--viewer", nargs=2, metavar=("FOLDER", "SECONDS"))
    args = parser.parse_args()
    if args.viewer:
        folder, seconds = Path(args.viewer[0]), float(args.viewer[1])
        print(json.dumps(asyncio.run(viewer(folder, seconds))), flush=True)
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load average at start: {os.getloadavg()}")
    for scale in args.scales:
        if args.before and not args.quiet_only:
            with bench_live.copy_of_scale(scale) as folder:
                result = busy(folder, args.seconds, args.rate, args.before)
            print(
                f"{scale}: before: viewer CPU {result['cpu_pct']:.1f} % of a core"
                f" ({result['refreshes']} refreshes)",
                flush=True,
            )
        with bench_live.copy_of_scale(scale) as folder:
            if not args.quiet_only:
                result = busy(folder, args.seconds, args.rate, None)
                print(
                    f"{scale}: viewer CPU {result['cpu_pct']:.1f} % of a core over"
                    f" {result['wall_s']:.0f} s at {args.rate:.0f} rows/s"
                    f" ({result['refreshes']} refreshes, open +{result['open_gained']},"
                    f" rows written {result['rows_written']},"
                    f" ingester {100 * result['ingester_cpu_s'] / result['wall_s']:.0f} %)",
                    flush=True,
                )
            latencies, rows = asyncio.run(
                bench_live.measure(
                    folder,
                    args.appends,
                    as_of=datasets.AS_OF,
                    target="quiet.csv",
                    pause=(args.quiet, args.quiet + 1),
                )
            )
            ms = [1000 * s for s in latencies]
            print(
                f"{scale}: quiet row → Queue pane ({rows:,} rows, {len(ms)} of {args.appends}):"
                f" median {statistics.median(ms):.0f} ms, p95 {bench_live.percentile(ms, 0.95):.0f}"
                f" ms, max {max(ms):.0f} ms",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
