"""The background threads that tell the app new data has landed.

With ingest on, the folder watcher loads files and reports each committed batch. Commits by
another process (ingest off, or another cxtui already loading the folder) are found by a
poller that asks SQLite whether anything was committed since the last look (PRAGMA
data_version changes on every commit by another connection).

Both are daemon threads rather than Textual workers: Textual waits for its worker threads when
it exits, and a first load of a large folder must not hold up `q` or a dropped SSH session.
SQLite commits atomically, so stopping mid-load loses nothing that was committed.

The watcher's first pass reads the backlog (everything on a first run, what changed while
cxtui was closed on a later one). Until it ends the figures are provisional, so the ingest
thread reports how far it has got and when it is done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from cxtui import store
from cxtui.config import Config
from cxtui.ingest.loader import Loader, LoadResult, Progress
from cxtui.ingest.watcher import watch_folder

POLL_SECONDS = 0.1
"""How often the poller asks for data_version: a row another process commits reaches the
screen within this (a look costs tens of microseconds; pace.py keeps busy folders cheap)."""
READ_ONLY_NOTICE = "read-only database: not loading"
PROGRESS_SECONDS = 0.2
"""Progress reaches the screen at most this often: enough for a moving bar, cheap to draw."""


@dataclass(frozen=True)
class Loading:
    """How far the backlog has been read: files in folder order, rows, share of the bytes."""

    files_done: int = 0
    files_total: int | None = None
    rows: int = 0
    share: float = 0.0


class _Backlog:
    """Turns the loader's per-file progress into progress over the whole folder.

    The loader reads the files in data_files() order, so every file before the current one
    is read (now, or on an earlier run).
    """

    def __init__(self, loader: Loader) -> None:
        files = loader.data_files()
        self.names = [path.relative_to(loader.data_dir).as_posix() for path in files]
        self.sizes = [_size(path) for path in files]
        self.total_bytes = sum(self.sizes)

    def at(self, progress: Progress) -> Loading:
        try:
            index = self.names.index(progress.file)
        except ValueError:  # a file that appeared since the listing
            index = len(self.names)
        finished = progress.bytes_total and progress.bytes_done >= progress.bytes_total
        done_bytes = sum(self.sizes[:index]) + progress.bytes_done
        share = min(1.0, done_bytes / self.total_bytes) if self.total_bytes else 1.0
        return Loading(
            files_done=min(len(self.names), index + (1 if finished else 0)),
            files_total=len(self.names),
            rows=progress.rows,
            share=share,
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _BacklogLoader(Loader):
    """A loader that reports its first pass: progress as it goes, then that it is over."""

    def __init__(
        self,
        *args: object,
        on_loading: Callable[[Loading], None],
        on_loaded: Callable[[], None],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.on_loading = on_loading
        self.on_loaded = on_loaded
        self.backlog: _Backlog | None = None
        self.first_pass_over = False
        self._last_report = 0.0
        self.progress = self._progressed

    def _progressed(self, progress: Progress) -> None:
        now = time.monotonic()
        if self.backlog is None or now - self._last_report < PROGRESS_SECONDS:
            return
        self._last_report = now
        self.on_loading(self.backlog.at(progress))

    def load_all(self) -> LoadResult:
        if self.first_pass_over:
            return super().load_all()
        self.backlog = _Backlog(self)
        self.on_loading(Loading(files_total=len(self.backlog.names)))
        try:
            return super().load_all()
        finally:
            # Over even when it failed: the status line then shows why, not "loading" forever.
            self.backlog = None
            self.first_pass_over = True
            self.on_loaded()


def start_ingest(
    engine: Engine,
    data_dir: Path,
    config: Config,
    stop: threading.Event,
    on_commit: Callable[[LoadResult], None],
    on_error: Callable[[str], None],
    on_notice: Callable[[str], None],
    on_skipped: Callable[[dict[str, str]], None] | None = None,
    on_loading: Callable[[Loading], None] = lambda _loading: None,
    on_loaded: Callable[[], None] = lambda: None,
) -> threading.Thread | None:
    """Load the folder and keep loading it as files change, until `stop` is set.

    `on_skipped` hears which files cannot be loaded, and why, whenever that changes;
    `on_loading` how far the first pass (the backlog) has got, `on_loaded` that it is over.
    Not started when this process may not write the database: `on_notice` says so once, the
    backlog counts as read (nothing here will load it), and the screens show what the
    database holds.
    """
    if store.read_only(engine):
        on_notice(READ_ONLY_NOTICE)
        on_loaded()
        return None

    def run() -> None:
        loader = _BacklogLoader(
            engine,
            data_dir,
            timezone=config.timezone,
            mappings=config.mappings,
            encoding=config.encoding,
            ignore=config.ignore,
            on_commit=on_commit,
            on_loading=on_loading,
            on_loaded=on_loaded,
        )
        try:
            watch_folder(loader, stop, on_error, on_skipped)
        except Exception as exc:  # the app must say the watcher died, whatever killed it
            on_error(f"watching {data_dir} stopped: {exc}")

    thread = threading.Thread(target=run, name="cxtui-ingest", daemon=True)
    thread.start()
    return thread


class CommitWatch:
    """Whether anything was committed to the database since the screens last read it.

    One connection that never writes asks SQLite's data_version, which changes whenever any
    other connection commits. A refresh marks the version just before it opens its read, so
    the poller reports only commits the refresh cannot have seen: the app's own loader's
    commits, already shown through their own message, do not cause a second refresh.

    Each look also checks that the database file is still the one opened (store.follow): a
    database deleted or replaced is reopened, and counts as a change.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._seen: object = None
        self._reopened = store.reopened(engine)[0]
        self.reason: str | None = None
        """Why the database was last reopened, once `changed` has said so."""

    def _version(self) -> object:
        """The data_version now; connects on first use, from a worker or the poller thread,
        never the event loop."""
        if self._connection is None:
            self._connection = self._engine.connect()
        version = self._connection.exec_driver_sql("PRAGMA data_version").scalar()
        # End the read at once: an open read would stop SQLite trimming the WAL.
        self._connection.rollback()
        return version

    def _follow(self) -> bool:
        """Whether the engine was reopened since the last look (by this or another thread);
        the connection on the old file is dropped."""
        store.follow(self._engine)
        count, reason = store.reopened(self._engine)
        if count == self._reopened:
            return False
        self._reopened = count
        self.reason = reason
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._seen = None
        return True

    def mark_read(self) -> None:
        """Call just before a refresh opens its read transaction."""
        with self._lock:
            if not self._closed:
                self._seen = self._version()

    def changed(self) -> bool:
        """True once per batch of commits made since the last mark or look, and once when
        the database was reopened."""
        with self._lock:
            if self._closed:
                return False
            if self._follow():
                return True
            if not store.present(self._engine):
                return False  # deleted, and a viewer cannot create it: wait for it
            version = self._version()
            if self._seen is None or version == self._seen:
                self._seen = version
                return False
            self._seen = version
            return True

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._connection is not None:
                self._connection.close()


def start_poll(
    watch: CommitWatch,
    stop: threading.Event,
    on_change: Callable[[], None],
    on_error: Callable[[str], None],
    on_reopen: Callable[[str], None],
) -> threading.Thread:
    """Call `on_change` when a commit lands that no refresh has read yet (another process's,
    or one made while a refresh was running), until `stop` is set; `on_reopen` first, with
    the reason, when the database file was deleted or replaced and has been reopened."""

    def run() -> None:
        try:
            while not stop.wait(POLL_SECONDS):
                if watch.changed():
                    if watch.reason:
                        on_reopen(watch.reason)
                        watch.reason = None
                    on_change()
        except Exception as exc:  # as above: a silent poller would freeze the numbers unseen
            on_error(f"watching the database stopped: {exc}")
        finally:
            watch.close()

    thread = threading.Thread(target=run, name="cxtui-db-poll", daemon=True)
    thread.start()
    return thread
