"""The running app on an existing database: start-up, idle CPU and memory, in its own process.

Run by bench/run_all.py as a child process so the figures are the app's alone. The app runs
headless (Textual's run_test, no terminal) with its folder watcher on and the clock ticking.
Prints one JSON object: seconds from the start of this script to the first painted dashboard
(and the wall-clock time of that paint, so a parent can add the interpreter's own start-up, as
bench/bench_startup.py does), CPU share of one core while idle, and resident memory. It
imports what `cxtui DATA_DIR` imports before it opens the app, the command line first.

    uv run python bench/app_probe.py DATA_DIR AS_OF IDLE_SECONDS
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import cxtui.cli  # noqa: E402, F401
from cxtui.config import Config  # noqa: E402
from cxtui.store import default_db_path, open_engine  # noqa: E402
from cxtui.tui.app import CxApp  # noqa: E402
from cxtui.tui.dashboard import DashboardScreen  # noqa: E402
from cxtui.tui.source import Snapshot  # noqa: E402

WINDOW_SECONDS = 7 * 86_400


def cpu_seconds() -> float:
    """User plus system CPU time of this process (all threads), from /proc."""
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def memory_mb(name: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(name)


async def probe(folder: Path, as_of: int, idle_seconds: float) -> dict[str, float]:
    imported = time.perf_counter() - STARTED
    engine = open_engine(default_db_path(folder))
    app = CxApp(
        engine=engine,
        config=Config(),
        window_seconds=WINDOW_SECONDS,
        as_of=as_of,
        data_dir=folder,
        ingest=True,
    )
    painted: list[float] = []
    painted_epoch: list[float] = []
    show = DashboardScreen.show

    # Wrapped on the class before the app starts: when the first refresh is quicker than
    # mounting the screen, a wrapper put on the running screen would miss its only call.
    def timed_show(screen: DashboardScreen, snapshot: Snapshot) -> list[str]:
        redrawn = show(screen, snapshot)
        if not painted:
            painted.append(time.perf_counter() - STARTED)
            painted_epoch.append(time.time())
        return redrawn

    DashboardScreen.show = timed_show  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        while not painted:
            await pilot.pause(0.01)
        await pilot.pause(3.0)
        cpu_before, wall_before = cpu_seconds(), time.perf_counter()
        await asyncio.sleep(idle_seconds)
        cpu = cpu_seconds() - cpu_before
        wall = time.perf_counter() - wall_before
        rss = memory_mb("VmRSS")
        refreshes = app.refreshes
    return {
        "imports_s": imported,
        "first_paint_s": painted[0],
        "painted_epoch": painted_epoch[0],
        "idle_cpu_pct": 100 * cpu / wall,
        "idle_seconds": wall,
        "rss_mb": rss,
        "peak_rss_mb": memory_mb("VmHWM"),
        "refreshes": refreshes,
    }


def main() -> None:
    folder, as_of, idle = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(asyncio.run(probe(folder, as_of, idle))))


if __name__ == "__main__":
    main()
