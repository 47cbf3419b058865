"""Writing a list to a CSV file the supervisor can open in a spreadsheet.

A cell from a data file that starts with = + - @ (or a tab or carriage return) would run as a
formula in Excel or LibreOffice: a subject of `=HYPERLINK(...)` could leak the sheet or worse.
Such a cell is written with a leading apostrophe, which spreadsheets show as text, so every
value arrives as data. The file is created new (never over another) and readable by its owner
only, as it may hold customer details.
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILE_MODE = 0o600


def guarded(text: str) -> str:
    """The cell as a spreadsheet will read it as text, never as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_folder() -> Path:
    """Where exports go: the user's Downloads folder when there is one, else the current
    folder (over SSH there is seldom a Downloads folder, and the current one is where the
    supervisor started cxtui and will look)."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


def write_csv(
    folder: Path,
    name: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    now: float | None = None,
) -> tuple[Path, int]:
    """Write a new file `cxtui-<name>-<time>.csv` in `folder`; returns its path and row count.

    An existing file of that name is left alone: the next free "-2", "-3" ... name is used.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None else now))
    stem = f"cxtui-{name}-{stamp}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for attempt in range(1, 1000):
        path = folder / (f"{stem}.csv" if attempt == 1 else f"{stem}-{attempt}.csv")
        try:
            fd = os.open(path, flags, FILE_MODE)
        except FileExistsError:
            continue
        count = 0
        with open(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([guarded(title) for title in header])
            for row in rows:
                writer.writerow([guarded(cell) for cell in row])
                count += 1
        return path, count
    raise FileExistsError(f"no free file name for {stem}.csv in {folder}")
