"""Comment themes (cxtui.comment_themes) over the simulated centres, beside the dashboard
refresh of the same window: what opening the comment themes screen, or `cxtui report`, adds.

    uv run python bench/bench_themes.py --scale 10k --scale 100k

Three configured themes (a word list, a phrase, a pattern) plus the found terms, over the
comments of the window and of the window before, as the screen reads them. Medians of a few
runs after a warm-up; the ratio is themes time over dashboard time.
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

from cxtui.comment_themes import theme_rule, themes_of_window
from cxtui.metrics import NO_FILTERS, Window, dashboard
from cxtui.store import open_engine, snapshot

DAY = 86_400
RULES = (
    theme_rule("Wait time", ["wait", "waited", "took ages", "re:slow(ly)?"]),
    theme_rule("Refunds", ["refund", "money back"]),
    theme_rule("App crashes", ["re:crash(ed|es|ing)?"]),
)


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", action="append", choices=list(datasets.SCALES))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| scale | window | comments (now + before) | themes | dashboard | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for scale in args.scale or ["10k"]:
        engine = open_engine(datasets.build(scale))
        for days in (7, 30):
            window = Window(datasets.AS_OF, days * DAY)
            with snapshot(engine) as session:
                found = themes_of_window(session, window, NO_FILTERS, RULES)

                def themes(w: Window = window) -> object:
                    return themes_of_window(session, w, NO_FILTERS, RULES)

                def board(w: Window = window) -> object:
                    return dashboard(session, w, NO_FILTERS)

                themes_ms = median_ms(themes, args.repeat)
                board_ms = median_ms(board, args.repeat)
            said = f"{found.comments:,} + {found.previous_comments:,}"
            print(
                f"| {scale} | {days}d | {said} | {themes_ms:,.0f} ms | {board_ms:,.0f} ms"
                f" | {themes_ms / board_ms:.1f}x |",
                flush=True,
            )
        engine.dispose()


if __name__ == "__main__":
    main()
