"""Start-up of cxtui: its imports, `cxtui --help`, and process start to first painted dashboard.

Every figure is the median over fresh processes. An installed cxtui starts from compiled
bytecode (the installer writes it, or Python does on the first run), so those are the headline
figures; the bytecode lives in bench/out/pycache (PYTHONPYCACHEPREFIX), filled by a warm-up
start, so they do not depend on what earlier runs left in __pycache__ folders. With
PYTHONDONTWRITEBYTECODE set and no cache, as in some sandboxes and CI jobs, every start
compiles SQLAlchemy, SQLModel, pydantic and Textual from source: that case is measured too,
marked "no bytecode", in the same loop so the two can be compared.

First paint runs bench/app_probe.py (headless, watcher on) and counts from just before the
process is spawned, so the interpreter's own start-up is included.

    uv run python bench/bench_startup.py                  # 1m tickets, 7 runs
    uv run python bench/bench_startup.py --scale 10k --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datasets

PROBE = Path(__file__).with_name("app_probe.py")
BYTECODE = datasets.OUT / "pycache"
# What `cxtui DATA_DIR` imports before the first frame: the command line, then the app.
IMPORTS = (
    "import time; started = time.perf_counter(); "
    "import cxtui.cli, cxtui.config, cxtui.store, cxtui.tui.app; "
    "print(time.perf_counter() - started)"
)
Row = tuple[str, str, str]


def child_env(bytecode: Path | None, empty: Path) -> dict[str, str]:
    """The environment of a measured process: bytecode read from (and written to) `bytecode`,
    or, with None, none at all (an empty cache folder, writing off)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["CXTUI_DB"] = ""
    if bytecode is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(empty)
    else:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def imports_seconds(env: dict[str, str]) -> float:
    output = subprocess.run(
        [sys.executable, "-c", IMPORTS], env=env, check=True, capture_output=True, text=True
    ).stdout
    return float(output)


def help_seconds(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cxtui", "--help"], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def first_paint_seconds(env: dict[str, str], folder: Path) -> float:
    """Process spawn to the first painted dashboard, on the wall clock both processes share."""
    spawned = time.time()
    output = subprocess.run(
        [sys.executable, str(PROBE), str(folder), str(datasets.AS_OF), "0"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])["painted_epoch"] - spawned


def startup_rows(scale: str, runs: int) -> list[Row]:
    """Medians of `runs` starts with bytecode and without, alternating so noise hits both."""
    datasets.build(scale)
    folder = datasets.folder(scale)
    measures = {
        "imports": imports_seconds,
        "help": help_seconds,
        "paint": lambda env: first_paint_seconds(env, folder),
    }
    cases = {"bytecode": BYTECODE, "no bytecode": None}
    figures: dict[tuple[str, str], list[float]] = {
        (case, measure): [] for case in cases for measure in measures
    }
    with tempfile.TemporaryDirectory() as empty:
        envs = {case: child_env(bytecode, Path(empty)) for case, bytecode in cases.items()}
        # Fills the bytecode cache, including what Textual imports only once it runs.
        help_seconds(envs["bytecode"])
        first_paint_seconds(envs["bytecode"], folder)
        for _ in range(runs):
            for case, env in envs.items():
                for measure, run in measures.items():
                    figures[case, measure].append(run(env))
    rows: list[Row] = []
    for case in cases:
        imports, help_, paint = (statistics.median(figures[case, measure]) for measure in measures)
        rows += [
            (f"imports before the first frame ({case})", f"{1000 * imports:.0f} ms", ""),
            (f"`cxtui --help` wall time ({case})", f"{1000 * help_:.0f} ms", ""),
            (
                f"process start to first painted dashboard, headless ({case}): {scale}",
                f"{paint:.2f} s",
                "≤ 1.5 s" if case == "bytecode" else "",
            ),
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=datasets.SCALES, default="1m")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows = startup_rows(args.scale, args.runs)
    width = max(len(name) for name, _, _ in rows)
    for name, figure, target in rows:
        print(f"{name.ljust(width)}  {figure.rjust(8)}  {target}")


if __name__ == "__main__":
    main()
