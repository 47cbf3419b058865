"""Keep the database current while files in the folder change.

watchfiles reports changes in batches; each batch triggers one load of whatever is new. The
database's own files (and anything under a hidden folder such as .cxtui) are not watched at
all, so a WAL write never wakes the watcher. A timeout tick also re-checks the folder once a
second, which is how a half-written last line that has since settled gets read.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, watch

from cxtui.ingest.loader import FORMATS, IngestBusy, Loader, LoadResult

log = logging.getLogger(__name__)

DEBOUNCE_MS = 30
STEP_MS = 10
TICK_MS = 1_000


class DataFileFilter:
    """Pass changes to data files only, never to the database or hidden folders."""

    def __init__(self, data_dir: Path, db_path: Path | None) -> None:
        self.data_dir = data_dir.resolve()
        self.db_prefix = str(db_path.resolve()) if db_path else None

    def __call__(self, change: Change, path: str) -> bool:
        if self.db_prefix and path.startswith(self.db_prefix):
            return False
        candidate = Path(path)
        try:
            parts = candidate.resolve().relative_to(self.data_dir).parts
        except ValueError:
            return False
        if any(part.startswith(".") for part in parts):
            return False
        return candidate.suffix.lower() in FORMATS


def watched_folders(data_dir: Path) -> list[Path]:
    """The data folder and its subfolders, each watched on its own, hidden ones left out.

    A recursive watch would also see the database's own folder (.cxtui): its WAL writes would
    be filtered out, but a steady stream of them would keep watchfiles from ever reaching its
    timeout tick. Subfolders made later are still read, on the next tick's full scan."""
    folders = [data_dir]
    for root, dirs, _files in os.walk(data_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        folders.extend(Path(root) / d for d in dirs)
    return folders


def watch_folder(
    loader: Loader,
    stop: threading.Event,
    on_error: Callable[[str], None] | None = None,
    on_skipped: Callable[[dict[str, str]], None] | None = None,
) -> LoadResult:
    """Load now, then after every change batch, until stop is set. Returns the total loaded.

    A load that fails (disk full, read-only database) is reported through on_error and tried
    again on the next tick; what is already loaded stays readable meanwhile. on_skipped hears
    the files that cannot be loaded and why (file -> reason), each time that set changes."""
    total = LoadResult()
    database = loader.engine.url.database
    watch_filter = DataFileFilter(loader.data_dir, Path(database) if database else None)
    skipped = _Skipped(loader, on_skipped)
    _load(loader, total, on_error)
    skipped.tell()
    for _changes in watch(
        *watched_folders(loader.data_dir),
        recursive=False,
        watch_filter=watch_filter,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        rust_timeout=TICK_MS,
        yield_on_timeout=True,
        stop_event=stop,
        raise_interrupt=False,
    ):
        if stop.is_set():
            break
        _load(loader, total, on_error)
        skipped.tell()
    return total


class _Skipped:
    """Tells on_skipped the files the loader could not load, when that set changes."""

    def __init__(self, loader: Loader, listener: Callable[[dict[str, str]], None] | None):
        self.loader = loader
        self.listener = listener
        self.told: dict[str, str] = {}

    def tell(self) -> None:
        if self.listener is None:
            return
        present = {
            name: why
            for name, why in self.loader.problems.items()
            if (self.loader.data_dir / name).exists()
        }
        if present != self.told:
            self.told = present
            self.listener(dict(present))


def _load(loader: Loader, total: LoadResult, on_error: Callable[[str], None] | None) -> None:
    """One load; a busy lock, a full disk or a read-only database is retried next tick."""
    try:
        total.add(loader.load_all())
    except IngestBusy as exc:
        log.info("%s; waiting for it", exc)
    except (sqlite3.Error, OSError) as exc:
        message = f"cannot load into the database, retrying: {exc}"
        log.warning(message)
        if on_error is not None:
            on_error(message)
