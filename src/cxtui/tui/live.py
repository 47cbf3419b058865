"""The background threads that tell the app new data has landed.

With ingest on, the folder watcher loads files and reports each committed batch. Commits by
another process (ingest off, or another cxtui already loading the folder) are found by a
poller that asks SQLite whether anything was committed since the last look (PRAGMA
data_version changes on every commit by another connection).

Both are daemon threads rather than Textual workers: Textual waits for its worker threads when
it exits, and a first load of a large folder must not hold up `q` or a dropped SSH session.
SQLite commits atomically, so stopping mid-load loses nothing that was committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from cxtui.config import Config
from cxtui.ingest.loader import Loader, LoadResult
from cxtui.ingest.watcher import watch_folder

POLL_SECONDS = 1.0


def start_ingest(
    engine: Engine,
    data_dir: Path,
    config: Config,
    stop: threading.Event,
    on_commit: Callable[[LoadResult], None],
    on_error: Callable[[str], None],
) -> threading.Thread:
    """Load the folder and keep loading it as files change, until `stop` is set."""

    def run() -> None:
        loader = Loader(
            engine,
            data_dir,
            timezone=config.timezone,
            mappings=config.mappings,
            on_commit=on_commit,
        )
        try:
            watch_folder(loader, stop, on_error)
        except Exception as exc:  # the app must say the watcher died, whatever killed it
            on_error(f"watching {data_dir} stopped: {exc}")

    thread = threading.Thread(target=run, name="cxtui-ingest", daemon=True)
    thread.start()
    return thread


def start_poll(
    engine: Engine,
    stop: threading.Event,
    on_change: Callable[[], None],
    on_error: Callable[[str], None],
) -> threading.Thread:
    """Call `on_change` whenever another process commits to the database, until `stop` is set."""

    def run() -> None:
        try:
            with engine.connect() as connection:
                seen = connection.exec_driver_sql("PRAGMA data_version").scalar()
                connection.rollback()
                while not stop.wait(POLL_SECONDS):
                    version = connection.exec_driver_sql("PRAGMA data_version").scalar()
                    # End the read at once: an open read would stop SQLite trimming the WAL.
                    connection.rollback()
                    if version != seen:
                        seen = version
                        on_change()
        except Exception as exc:  # as above: a silent poller would freeze the numbers unseen
            on_error(f"watching the database stopped: {exc}")

    thread = threading.Thread(target=run, name="cxtui-db-poll", daemon=True)
    thread.start()
    return thread
