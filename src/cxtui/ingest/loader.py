"""Load every new byte of every data file into the database, exactly once.

Per file the database keeps its identity (inode, size, fingerprints of its first bytes and of
the bytes before the offset) and how far it has been read. Rows and that offset are committed
in one transaction, so a kill at any moment leaves either both or neither: a restart carries
on from the last commit and no row is counted twice. A file that was replaced, truncated or
rewritten in place (see file_state.py) is read again from the start; its rows upsert onto
themselves, so nothing doubles.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import pickle
import signal
import sqlite3
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import BinaryIO, NoReturn

import orjson
from sqlalchemy.engine import Engine

from cxtui import aggregates, store, store_schema
from cxtui.ingest import (
    encodings,
    messages,
    native_csv,
    presets,
    spreadsheet,
    store_sql,
    ticket_events,
)
from cxtui.ingest.file_state import (
    FINGERPRINT_BYTES,
    FileState,
    fingerprint,
    read_at,
    replaced,
)
from cxtui.ingest.mapping import TIME_FIELDS, ExportMapping, FilePlan
from cxtui.ingest.normalise import (
    RowError,
    normalise_survey,
    normalise_ticket,
    zone,
)
from cxtui.ingest.readers import (
    MAX_RAW,
    Chunk,
    CsvHeader,
    PlainRow,
    Record,
    plain_record,
    raw_text,
    read_csv,
    read_json,
    read_jsonl,
)

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".xlsx": "xlsx"}
SETTLE_SECONDS = 2.0
"""How long a watched file stays unchanged before a last line without a newline is read: its
writer may be half way through it. A one-shot load reads it at once (settle_seconds=0), and
should the line then go on, it is read again (file_state.py)."""
BLOCK_BYTES = 1 << 20
MAX_LINE_BYTES = 32 << 20
TEXT_SNIFF_BYTES = 4096
MAX_JSON_DOCUMENT_BYTES = 256 << 20
MAX_WORKBOOK_BYTES = 16 << 20
"""The reader holds a sheet in memory, some 35 MiB for each MiB of .xlsx (100,000 rows of ten
columns: 5.5 MiB, 190 MiB; docs/performance.md): bigger exports belong in CSV."""
WORKBOOK_CHUNK_ROWS = 5_000
"""Rows of a workbook turned into records and written at a time, in one transaction for the
whole workbook: a sheet's rows are never all held as Python objects at once."""
EXCEL_LOCK_PREFIX = "~$"
"""Excel's lock file beside a workbook it has open (~$calls.xlsx): not a workbook."""
UNKNOWN_KIND = presets.UNKNOWN_KIND
MAX_HEADER_CHANGES = 1_000
"""Header lines met in the middle of files that are remembered for `cxtui check`."""
PARSE_AHEAD_BYTES = 8 << 20
"""Unread bytes of a file from which a second process parses ahead while the loader writes:
reading and validating rows is a fifth to a quarter of a big load, and runs on the other
core instead."""
WRITER_CACHE_KIB = 16 << 10
"""SQLite page cache of the loader's connection: a big transaction's dirty index pages stay
in memory until its commit instead of spilling to the WAL half-way. At a million tickets
the loader ran 13 % faster with 32 MiB than with SQLite's 2 MiB default, and 64 MiB gained
nothing more; 16 MiB keeps an ingest's two processes inside 150 MB (docs/performance.md)."""
PARSED_AHEAD_COMMIT_BYTES = 8 << 20
"""Bytes of a file parsed ahead whose rows are written in one transaction, chunk by chunk:
at a million tickets, transactions of 40,000 rows wrote a third faster than of 5,000
(fewer commits write each table and index page fewer times). Only the chunk being written
is held in memory, so a bigger transaction costs no memory beyond SQLite's page cache."""


log = logging.getLogger(__name__)

TICKET_TIMES = tuple(store_sql.TICKET_ROW.index(c) for c in ("created_at", "resolved_at"))
SURVEY_TIMES = (store_sql.SURVEY_ROW.index("submitted_at"),)


def _written(rows: list[tuple[object, ...]], times: tuple[int, ...]) -> aggregates.WrittenRows:
    """The ids and hour-placing times of rows about to be upserted (ids come first)."""
    return aggregates.WrittenRows([row[0] for row in rows], [row[i] for row in rows for i in times])


class IngestBusy(RuntimeError):
    """Another process is loading into the same database right now."""


class DatabaseMoved(RuntimeError):
    """The database file was deleted or replaced during a load: start again on the new one."""


@dataclass
class LoadResult:
    """What one load (or one committed batch) added."""

    tickets: int = 0
    surveys: int = 0
    quarantined: int = 0
    files_changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    messages: int = 0
    """Message rows (of conversation exports); their tickets are not counted in tickets."""
    events: int = 0
    """Rows of event logs read (each event is stored once however often it is read)."""

    @property
    def rows(self) -> int:
        return self.tickets + self.surveys + self.messages + self.events

    def add(self, other: LoadResult) -> None:
        self.tickets += other.tickets
        self.surveys += other.surveys
        self.quarantined += other.quarantined
        self.messages += other.messages
        self.events += other.events
        for name in other.files_changed:
            if name not in self.files_changed:
                self.files_changed.append(name)


@dataclass(frozen=True)
class Progress:
    """Where a long load has got to, for a progress line on stderr."""

    file: str
    bytes_done: int
    bytes_total: int
    rows: int


@dataclass
class _Batch:
    tickets: list[tuple[object, ...]] = field(default_factory=list)
    changes: list[tuple[object, ...]] = field(default_factory=list)
    surveys: list[tuple[object, ...]] = field(default_factory=list)
    quarantine: list[tuple[object, ...]] = field(default_factory=list)
    messages: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)
    """Rows of ticket_event (ticket_events.py)."""
    derived: int = 0
    """How many of the tickets were derived from the messages."""


def not_text(head: bytes, encoding: str = encodings.UTF8) -> str | None:
    """Why the start of a file says it is not text in its encoding, or None when it may be."""
    if encoding != encodings.UTF8:
        head = encodings.transcode(head, encoding)
    if b"\x00" in head:
        return "binary content (NUL bytes), not a text export"
    return None


def _is_utf8(name: str) -> bool:
    """False for a name with bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


def _skip_long_line(fd: int, pending: bytes, position: int, line: int) -> tuple[Chunk, bytes, int]:
    """The chunk quarantining a line too long to be a record, which starts pending (read up
    to position), what follows its newline, and where reading goes on."""
    head, skipped = pending[:MAX_RAW], len(pending)
    rest = b""
    while True:
        newline = pending.find(b"\n")
        if newline >= 0:
            skipped -= len(pending) - newline - 1
            rest = pending[newline + 1 :]
            break
        pending = read_at(fd, BLOCK_BYTES, position)
        position += len(pending)
        if not pending:
            break
        skipped += len(pending)
    reason = f"line longer than {MAX_LINE_BYTES:,} bytes ({skipped:,} bytes skipped)"
    record = Record(line + 1, None, head, reason)
    return Chunk([record], skipped, 1 if rest or newline >= 0 else 0), rest, position


class Loader:
    """Loads a data folder into one database; safe to call load_all again and again."""

    def __init__(
        self,
        engine: Engine,
        data_dir: Path,
        *,
        timezone: str = "UTC",
        settle_seconds: float = SETTLE_SECONDS,
        on_commit: Callable[[LoadResult], None] | None = None,
        progress: Callable[[Progress], None] | None = None,
        clock: Callable[[], float] = time.time,
        mappings: Sequence[ExportMapping] = (),
        encoding: str = encodings.UTF8,
        ignore: Sequence[str] = (),
    ) -> None:
        self.engine = engine
        self.data_dir = Path(data_dir)
        self.naive_zone = zone(timezone)
        self.settle_seconds = settle_seconds
        self.on_commit = on_commit
        self.progress = progress
        self.clock = clock
        database = engine.url.database or ":memory:"
        self.lock_path = Path(database + ".lock")
        self._reported: set[str] = set()
        self.mappings = tuple(mappings)
        self.encoding = encoding
        """The encoding of CSV files that neither a [[mapping]] nor a byte order mark names."""
        self.encodings: dict[str, str] = {}
        """The encoding each file was read in, for the files not read as UTF-8."""
        self.header_changes: dict[str, list[tuple[int, str]]] = {}
        """For each CSV file, the header lines met in its middle: line, and what changed."""
        self.ignore = tuple(ignore)
        self._uncommitted = LoadResult()
        """Rows written into the open transaction and not committed yet."""
        self.choices: dict[str, presets.Choice] = {}
        """For each file whose columns were seen: the preset, mapping or native format
        chosen to read it, or why none fits."""
        self.columns: dict[str, list[str]] = {}
        """For each file whose columns were seen, those columns (for `cxtui check`)."""
        self.problems: dict[str, str] = {}
        """For each file that could not be loaded, the latest reason (as in its skipped
        message)."""
        self._plans: dict[str, tuple[str, str | None, FilePlan]] = {}
        self._header_problems: dict[tuple[str, str, str], str | None] = {}
        self._native: dict[str, tuple[str, str, native_csv.Converter | None]] = {}
        self._lock_fd: int | None = None

    def data_files(self) -> list[Path]:
        """Data files in the folder and its subfolders, except hidden ones (like .cxtui) and
        those the config's ignore patterns name, which are never opened."""
        return [p for p in self._all_data_files() if not self._ignored(p)]

    def ignored_files(self) -> list[Path]:
        """Data files left unread because an ignore pattern names them."""
        return [p for p in self._all_data_files() if self._ignored(p)]

    def _ignored(self, path: Path) -> bool:
        return presets.ignored(path.relative_to(self.data_dir).as_posix(), self.ignore)

    def _all_data_files(self) -> list[Path]:
        found: list[Path] = []
        for root, dirs, files in os.walk(self.data_dir, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted([*files, *dirs]):
                if name.startswith((".", EXCEL_LOCK_PREFIX)):
                    continue
                if Path(name).suffix.lower() in FORMATS:
                    found.append(Path(root) / name)
        return found

    @contextmanager
    def _ingest_lock(self) -> Iterator[None]:
        """flock needs no write access, so the lock file is opened read-only and created
        like the database: never writable by others."""
        fd = os.open(self.lock_path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            mode = stat.S_IMODE(os.fstat(fd).st_mode)
            if mode & store_schema.NOT_FOR_OTHERS and os.fstat(fd).st_uid == os.getuid():
                os.fchmod(fd, mode & ~store_schema.NOT_FOR_OTHERS)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IngestBusy(
                    f"another cxtui ingester is loading into {self.engine.url.database}"
                ) from None
            self._lock_fd = fd
            try:
                yield
            finally:
                self._lock_fd = None
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def load_all(self) -> LoadResult:
        """Read what is new in every data file; raises IngestBusy if another loader is active,
        ReadOnlyDatabase if this process may not write the database.

        A database deleted or replaced is noticed before the load and after every commit
        (a long first load must not go on into a deleted file): it is reopened (created
        again if it is gone) and, having no record of the files, gets them all read again."""
        store.check_writable(self.engine)
        while True:
            reason = store.follow(self.engine)
            if reason:
                log.warning("%s: %s; loading the folder into it", self.engine.url.database, reason)
            try:
                return self._load_all()
            except DatabaseMoved:
                continue

    def _load_all(self) -> LoadResult:
        total = LoadResult()
        with self._ingest_lock():
            raw = self.engine.raw_connection()
            try:
                db = raw.driver_connection
                db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
                for path in self.data_files():
                    self._load_file(db, path, total)
                if aggregates.has_pending(db):
                    self._rebuild_tallies(db)
            finally:
                raw.close()
        return total

    def _rebuild_tallies(self, db: sqlite3.Connection) -> None:
        """Rebuild hours left listed: by a file whose last line is not complete yet, or by
        another writer."""
        db.execute("BEGIN IMMEDIATE")
        try:
            aggregates.rebuild_pending(db)
            db.commit()
        except BaseException:
            db.rollback()
            raise

    def _skip(self, name: str, why: str, result: LoadResult) -> None:
        """Report a file that cannot be loaded, once per loader, without stopping the rest."""
        message = f"skipped {name}: {why}"
        self.problems[name] = why
        if message not in self._reported:
            result.skipped.append(message)
            self._reported.add(message)

    def _load_file(self, db: sqlite3.Connection, path: Path, total: LoadResult) -> None:
        name = path.relative_to(self.data_dir).as_posix()
        if not name.isprintable() and not _is_utf8(name):
            # SQLite stores names as UTF-8: such a name would stop the whole load.
            self._skip(name, "the file name is not UTF-8; rename the file", total)
            return
        try:
            info = path.stat()
        except OSError as exc:
            self._skip(name, exc.strerror or str(exc), total)
            return
        if not stat.S_ISREG(info.st_mode):
            self._skip(name, "not a regular file", total)
            return
        state = self._state(db, name)
        if state is not None and not presets.same_rules(name, state.kind, self.mappings):
            state = None  # a [[mapping]] for it was added, edited or removed: read it afresh
        identity = (info.st_ino, info.st_size, info.st_mtime_ns)
        unchanged = state and (state.inode, state.size, state.mtime_ns) == identity
        fmt = FORMATS[path.suffix.lower()]
        if (
            unchanged
            and state.offset == info.st_size
            and self._same_encoding(state, self._configured_encoding(name, fmt))
        ):
            return  # (a file whose byte order mark names its encoding is looked at below)
        try:
            with open(path, "rb") as handle:
                encoding = self._encoding(name, fmt, handle)
                if encoding != encodings.UTF8:
                    self.encodings[name] = encoding
                if state is not None and not self._same_encoding(state, encoding):
                    state = None  # the encoding setting changed: read it afresh
                if state is None or replaced(state, info, handle.fileno()):
                    state = FileState(name, *identity, reset=True)
                    self.header_changes.pop(name, None)
                    handle.seek(0)
                    why = (
                        None if fmt == "xlsx" else not_text(handle.read(TEXT_SNIFF_BYTES), encoding)
                    )
                    if why:
                        self._skip(name, why, total)
                        return
                state.inode, state.size, state.mtime_ns = identity
                age = self.clock() - info.st_mtime_ns / 1e9
                settled = self.settle_seconds <= 0 or age >= self.settle_seconds
                if fmt == "json":
                    self._load_json(db, path, handle, state, settled, total, encoding)
                elif fmt == "xlsx":
                    self._load_workbook(db, handle, state, settled, total)
                else:
                    self._load_lines(db, path, handle, state, settled, total, encoding)
        except OSError as exc:
            self._skip(name, exc.strerror or str(exc), total)

    def _encoding(self, name: str, fmt: str, handle: BinaryIO) -> str:
        """The encoding a file is read in: its byte order mark's, else (for CSV) its
        [[mapping]]'s or the config's. JSON and JSON Lines are UTF-8 by definition."""
        by_mark = encodings.from_bom(os.pread(handle.fileno(), 4, 0))
        return by_mark or self._configured_encoding(name, fmt)

    def _configured_encoding(self, name: str, fmt: str) -> str:
        if fmt != "csv":
            return encodings.UTF8
        configured = presets.config_mapping_for(name, self.mappings)
        return (configured.encoding if configured else None) or self.encoding

    @staticmethod
    def _same_encoding(state: FileState, encoding: str) -> bool:
        """Whether a CSV file was read so far in this encoding (its header remembers it)."""
        return state.csv_header is None or CsvHeader.loads(state.csv_header).encoding == encoding

    def _state(self, db: sqlite3.Connection, name: str) -> FileState | None:
        columns = ", ".join(f'"{c}"' for c in store_sql.SOURCE_FILE_ROW)
        row = db.execute(f"SELECT {columns} FROM source_file WHERE path = ?", (name,)).fetchone()
        return FileState(*row) if row else None

    def _load_lines(
        self,
        db: sqlite3.Connection,
        path: Path,
        handle: BinaryIO,
        state: FileState,
        settled: bool,
        total: LoadResult,
        encoding: str,
        *,
        parse_ahead: bool = True,
    ) -> None:
        fmt = FORMATS[path.suffix.lower()]
        header = CsvHeader.loads(state.csv_header) if state.csv_header else None
        if header is not None and not header.readable:
            header = None  # its first line was not text: it is read again
        chunks = self._chunks(fmt, handle, state.offset, state.line, header, settled, encoding)
        for chunk, header in chunks:
            if fmt == "csv":
                if header is not None and not header.readable:
                    self._unreadable_header(db, state, handle, chunk, header, total)
                    return
                self._note_header(state, chunk, header)
                state.csv_header = header.dumps() if header else None
                if header is not None and state.kind is None:
                    state.kind = self._choose(state, header.columns)
            elif state.kind is None:
                first = next(
                    (r.fields for r in chunk.records if isinstance(r, Record) and r.fields), None
                )
                state.kind = self._choose(state, first or (), header=False)
            if state.kind is None:
                if chunk.consumed:
                    self._skip(state.path, self._unusable(state.path), total)
                return
            if chunk.consumed:
                batch = self._batch(state, chunk.records)
                self._take(db, state, handle, chunk.consumed, chunk.lines, batch, total)
            if parse_ahead and self._worth_parsing_ahead(state):
                if not self._load_parsed_ahead(db, state, handle, chunks, total):
                    self._load_lines(
                        db, path, handle, state, settled, total, encoding, parse_ahead=False
                    )
                return

    def _unreadable_header(
        self,
        db: sqlite3.Connection,
        state: FileState,
        handle: BinaryIO,
        chunk: Chunk,
        header: CsvHeader,
        total: LoadResult,
    ) -> None:
        """A CSV file whose first line is not text in its encoding cannot be read at all:
        it is skipped with the reason, which also goes to quarantine (once, on a fresh
        read), so that the app and `cxtui report` show it. Its offset stays at the start,
        with the encoding it was tried in: a new encoding setting, or a new file, is read
        from the start."""
        record = chunk.records[0]
        assert isinstance(record, Record) and record.reason is not None
        self._skip(state.path, record.reason, total)
        if not state.reset:
            return
        state.kind, state.csv_header = None, header.dumps()
        state.fingerprint = fingerprint(read_at(handle.fileno(), FINGERPRINT_BYTES, 0))
        batch = _Batch()
        self._add(batch, state, record)
        self._write(db, state, batch, total)

    def _chunks(
        self,
        fmt: str,
        handle: BinaryIO,
        offset: int,
        line: int,
        header: CsvHeader | None,
        settled: bool,
        encoding: str = encodings.UTF8,
    ) -> Iterator[tuple[Chunk, CsvHeader | None]]:
        """The complete records from offset on, a block at a time, each chunk with the CSV
        header that reads its records (a header line in the middle of the file starts a
        new chunk); a line too long to be a record (a binary file, a runaway writer) comes
        as a chunk of one quarantined record, skipped without holding it in memory.

        A file in another encoding than UTF-8 is decoded block by block and read as UTF-8;
        each chunk's `consumed` is still counted in the file's own bytes (encodings.py).

        Reads with pread, at positions of its own: a second process can carry on with this
        iterator after a fork without moving the file position the two share."""
        fd = handle.fileno()
        position, pending = offset, b""
        decoder = None if encoding == encodings.UTF8 else encodings.Transcoder(encoding)
        while True:
            block = read_at(fd, BLOCK_BYTES, position)
            position += len(block)
            at_end = len(block) < BLOCK_BYTES
            if decoder is not None:
                block = decoder.feed(block)
            buf = pending + block
            if not buf:
                return
            tail_settled = at_end and settled
            if fmt == "csv":
                parts = read_csv(
                    buf,
                    line + 1,
                    header,
                    settled=tail_settled,
                    plain_rows=True,
                    encoding=encoding,
                )
            else:
                parts = [(read_jsonl(buf, line + 1, settled=tail_settled, encoding=encoding), None)]
            consumed = 0
            for chunk, header in parts:
                start, consumed = consumed, consumed + chunk.consumed
                if decoder is not None:
                    chunk.consumed = decoder.source_length(buf[start:consumed])
                yield chunk, header
                line += chunk.lines
            if header is not None and not header.readable:
                return
            pending = buf[consumed:]
            if decoder is not None and len(pending) > MAX_LINE_BYTES:
                chunk, pending, position = self._skip_long_decoded(
                    fd, decoder, pending, position, line
                )
                yield chunk, header
                line += chunk.lines
                at_end = False
            elif len(pending) > MAX_LINE_BYTES:
                chunk, pending, position = _skip_long_line(fd, pending, position, line)
                yield chunk, header
                line += chunk.lines
                at_end = False
            if at_end:
                return

    @staticmethod
    def _skip_long_decoded(
        fd: int, decoder: encodings.Transcoder, pending: bytes, position: int, line: int
    ) -> tuple[Chunk, bytes, int]:
        """_skip_long_line for a file read through a decoder: the newline is looked for in
        the decoded text, and the bytes skipped are counted in the file's own bytes."""
        head, skipped = pending[:MAX_RAW], 0
        while True:
            newline = pending.find(b"\n")
            if newline >= 0:
                skipped += decoder.source_length(pending[: newline + 1])
                rest = pending[newline + 1 :]
                break
            skipped += decoder.source_length(pending)
            block = read_at(fd, BLOCK_BYTES, position)
            position += len(block)
            pending = decoder.feed(block)
            if not block:
                rest = b""
                break
        reason = f"line longer than {MAX_LINE_BYTES:,} bytes ({skipped:,} bytes skipped)"
        record = Record(line + 1, None, head, reason)
        return Chunk([record], skipped, 1 if newline >= 0 else 0), rest, position

    def _take(
        self,
        db: sqlite3.Connection,
        state: FileState,
        handle: BinaryIO,
        consumed: int,
        lines: int,
        batch: _Batch,
        total: LoadResult,
        *,
        commit: bool = True,
    ) -> None:
        """Write the rows of the next `consumed` bytes (`lines` lines) of a file; with
        commit, commit them with the file's offset after them."""
        state.offset += consumed
        state.line += lines
        state.mark_read(handle.fileno())
        self._write(db, state, batch, total, commit=commit)

    def _worth_parsing_ahead(self, state: FileState) -> bool:
        """Whether to parse the rest of this file in a second process while this one writes.

        Only for a long enough rest (a fork costs a few milliseconds), and only where a fork
        is safe: on Linux, from a process running no other thread (a thread holding a lock at
        the fork would leave it held in the child)."""
        return (
            state.size - state.offset >= PARSE_AHEAD_BYTES
            and sys.platform == "linux"
            and threading.active_count() == 1
        )

    def _load_parsed_ahead(
        self,
        db: sqlite3.Connection,
        state: FileState,
        handle: BinaryIO,
        chunks: Iterator[tuple[Chunk, CsvHeader | None]],
        total: LoadResult,
    ) -> bool:
        """Write the rest of a file while a forked child reads and validates it.

        The child carries on with the same chunks iterator and sends each chunk's batch down
        a pipe; this process alone writes, chunk by chunk, in order, each with the file offset
        after it, as it would have without the child: a kill of either leaves the database as
        a kill of one loader would. Returns False when the child stopped before the end of
        the file; the caller then carries on from what was committed."""
        readable, writable = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(readable)
            self._parse_ahead(writable, state, chunks)
        os.close(writable)
        finished = False
        try:
            with open(readable, "rb") as parsed:
                since_commit = 0
                while True:
                    try:
                        item = pickle.load(parsed)
                    except Exception:  # the child died mid-way: what arrived whole is written
                        break
                    if item is None:
                        finished = True
                        break
                    consumed, lines, header, header_line, *lists = item
                    if header is not None:
                        self._note_header(state, Chunk(header_line=header_line), header)
                        state.csv_header = header.dumps()
                    since_commit += consumed
                    commit = since_commit >= PARSED_AHEAD_COMMIT_BYTES
                    if commit:
                        since_commit = 0
                    batch = _Batch(*lists)
                    self._take(db, state, handle, consumed, lines, batch, total, commit=commit)
            if db.in_transaction:
                self._write(db, state, _Batch(), total)
        finally:
            if not finished:
                os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
        return finished

    def _parse_ahead(
        self, writable: int, state: FileState, chunks: Iterator[tuple[Chunk, CsvHeader | None]]
    ) -> NoReturn:
        """The forked child: batches for every chunk with records, then None, down the pipe.

        It touches nothing the parent owns: not the database connection (SQLite forbids using
        one across a fork), not the ingest lock (closed here, so a dead parent's lock is not
        held on by the child), and it ends with os._exit, which runs no finaliser or atexit
        hook of the parent's."""
        status = 1
        try:
            gc.disable()  # short-lived, and its rows hold no reference cycles
            if self._lock_fd is not None:
                os.close(self._lock_fd)
            with open(writable, "wb") as out:
                for chunk, header in chunks:
                    if header is not None:
                        state.csv_header = header.dumps()
                    if chunk.consumed:
                        batch = self._batch(state, chunk.records)
                        lists = (
                            batch.tickets,
                            batch.changes,
                            batch.surveys,
                            batch.quarantine,
                            batch.messages,
                            batch.events,
                        )
                        item = (chunk.consumed, chunk.lines, header, chunk.header_line, *lists)
                        pickle.dump(item, out, pickle.HIGHEST_PROTOCOL)
                        out.flush()
                pickle.dump(None, out)
            status = 0
        finally:
            os._exit(status)

    def _note_header(self, state: FileState, chunk: Chunk, header: CsvHeader | None) -> None:
        """Remember a header line met in the middle of a CSV file, for `cxtui check`."""
        if chunk.header_line is None or header is None or state.csv_header is None:
            return
        before = CsvHeader.loads(state.csv_header).columns
        if header.columns == before:
            what = "the same header again"
        elif sorted(header.columns) == sorted(before):
            what = "a header with the same columns in another order"
        else:
            added = [c for c in header.columns if c not in before]
            dropped = [c for c in before if c not in header.columns]
            said = [
                f"{verb} {', '.join(map(repr, names))}"
                for verb, names in (("adds", added), ("drops", dropped))
                if names
            ]
            what = f"a header with other columns ({'; '.join(said)})"
        problem = self._header_problem(state.path, state.kind, header)
        if problem is None:
            what += "; the rows after it are read by it"
        else:
            what += "; the rows after it are quarantined: " + problem
        changes = self.header_changes.setdefault(state.path, [])
        if len(changes) < MAX_HEADER_CHANGES:
            changes.append((chunk.header_line, what))

    def _header_problem(self, path: str, kind: str | None, header: CsvHeader) -> str | None:
        """Why the rules that read a CSV file cannot read the rows under a header met in its
        middle, or None when they can (always None for the file's first header, which
        chose them)."""
        if header.line is None or kind is None:
            return None
        key = (path, kind, header.dumps())
        if key in self._header_problems:
            return self._header_problems[key]
        lowered = {c.strip().lower() for c in header.columns}
        if kind in presets.NATIVE_KINDS:
            lacking = [c for c in presets.NATIVE_REQUIRED[kind] if c not in lowered]
            why = f"no {' and '.join(map(repr, lacking))} column" if lacking else None
        else:
            plan = presets.plan_for(kind, path, header.columns, self.mappings, self.naive_zone)
            why = "; ".join(plan.missing) if plan is not None else "columns its rules cannot read"
            why = why or None
        problem = None if why is None else f"the header at line {header.line} has {why}"
        if len(self._header_problems) >= MAX_HEADER_CHANGES:
            self._header_problems.clear()
        self._header_problems[key] = problem
        return problem

    def _load_json(
        self,
        db: sqlite3.Connection,
        path: Path,
        handle: BinaryIO,
        state: FileState,
        settled: bool,
        total: LoadResult,
        encoding: str,
    ) -> None:
        """A JSON document cannot be read in parts: it is read whole each time it changes,
        once it parses (or, when it never will, once it has settled)."""
        if state.size > MAX_JSON_DOCUMENT_BYTES:
            self._skip(state.path, "JSON document too large; use JSON Lines for big exports", total)
            return
        handle.seek(0)
        source = handle.read()
        data = source if encoding == encodings.UTF8 else encodings.transcode(source, encoding)
        records, named_kind, reason = read_json(data)
        if reason and not settled:
            return
        if reason:
            records = [Record(1, None, data, reason)]
        else:
            records, named_kind = presets.expand_document(data, records, named_kind)
        first = next((r.fields for r in records if r.fields), None)
        columns = presets.json_columns(records)
        state.kind = self._choose(state, columns, named_kind=named_kind, header=False)
        if state.kind is None and first is not None:
            self._skip(state.path, self._unusable(state.path), total)
            return
        state.reset = True
        state.mark_read_whole(source)
        self._write(db, state, self._batch(state, records), total)

    def _load_workbook(
        self,
        db: sqlite3.Connection,
        handle: BinaryIO,
        state: FileState,
        settled: bool,
        total: LoadResult,
    ) -> None:
        """A workbook is rewritten whole by every save: it is read whole each time it
        changes, its first visible sheet or the one its [[mapping]] names, once it opens
        (a workbook that does not, once it has settled, goes to quarantine as one entry
        until it changes again; a missing sheet skips the file with the reason)."""
        if state.size > MAX_WORKBOOK_BYTES:
            self._skip(state.path, "workbook too large; save big exports as CSV", total)
            return
        handle.seek(0)
        source = handle.read()
        configured = presets.config_mapping_for(state.path, self.mappings)
        try:
            sheet = spreadsheet.read_xlsx(source, configured.sheet if configured else None)
        except spreadsheet.SheetMissing as error:
            self._skip(state.path, str(error), total)
            return
        except spreadsheet.SheetError as error:
            if not settled:
                return
            sheet = spreadsheet.Sheet("", [], iter([Record(1, None, b"", str(error))]))
        state.kind = self._choose(state, sheet.columns) if sheet.columns else None
        if state.kind is None and sheet.columns:
            self._skip(state.path, self._unusable(state.path), total)
            return
        times = self._time_columns(state, sheet.columns)
        state.reset = True
        state.mark_read_whole(source)
        try:
            while records := list(islice(sheet.records, WORKBOOK_CHUNK_ROWS)):
                for record in records:
                    if record.fields is not None:
                        spreadsheet.serial_times(record.fields, times)
                self._write(db, state, self._batch(state, records), total, commit=False)
        except BaseException as error:
            if db.in_transaction:  # never half a workbook, nor into the next file's commit
                db.rollback()
            self._uncommitted = LoadResult()
            if not isinstance(error, spreadsheet.SheetError):
                raise
            state.reset = True
            self._write(db, state, self._batch(state, [Record(1, None, b"", str(error))]), total)
            return
        self._write(db, state, _Batch(), total)

    def _time_columns(self, state: FileState, columns: list[str]) -> list[str]:
        """The sheet's columns that feed a time field: bare numbers there are Excel serial
        dates."""
        if state.kind is None:
            return []
        plan = self._plan(state, dict.fromkeys(columns))
        if plan is not None:
            return list(plan.time_columns)
        return [c for c in columns if c.strip().lower() in TIME_FIELDS]

    def _batch(self, state: FileState, records: Sequence[Record | PlainRow]) -> _Batch:
        batch = _Batch()
        header = CsvHeader.loads(state.csv_header) if state.csv_header else None
        problem = None if header is None else self._header_problem(state.path, state.kind, header)
        if problem is not None:
            assert header is not None
            for record in records:
                if isinstance(record, tuple):
                    record = plain_record(record, header)
                why = record.reason or problem
                raw = raw_text(record.raw)
                batch.quarantine.append((state.path, record.line, why, raw, int(self.clock())))
            return batch
        if state.kind in presets.NATIVE_KINDS and state.csv_header:
            self._add_plain(batch, state, records)
            return batch
        header = CsvHeader.loads(state.csv_header) if state.csv_header else None
        for record in records:
            if isinstance(record, tuple):
                assert header is not None
                record = plain_record(record, header)
            self._add(batch, state, record)
        return batch

    def _converter(self, state: FileState) -> native_csv.Converter | None:
        """The fast converter for this native CSV file's header, made once per header."""
        assert state.kind is not None and state.csv_header is not None
        cached = self._native.get(state.path)
        if cached is not None and cached[:2] == (state.kind, state.csv_header):
            return cached[2]
        columns = CsvHeader.loads(state.csv_header).columns
        make = native_csv.ticket_rows if state.kind == "tickets" else native_csv.survey_rows
        convert = make(columns, self.naive_zone)
        self._native[state.path] = (state.kind, state.csv_header, convert)
        return convert

    def _add_plain(
        self, batch: _Batch, state: FileState, records: Sequence[Record | PlainRow]
    ) -> None:
        """The records of a native CSV file: plain rows through the fast converter, and
        whatever it gives up on (and every other record) through _add, the general path."""
        assert state.csv_header is not None
        convert = self._converter(state)
        path = state.path
        tickets = state.kind == "tickets"
        rows = batch.tickets if tickets else batch.surveys
        changes = batch.changes
        for record in records:
            if isinstance(record, tuple):
                line, fields, _ = record
                try:
                    row = None if convert is None else convert(fields, path, line)
                except RowError:
                    row = None
                if row is not None:
                    rows.append(row)
                    if tickets and row[3] is not None:  # as _add_ticket: a status history step
                        changes.append((row[0], row[17], row[3]))
                    continue
                record = plain_record(record, CsvHeader.loads(state.csv_header))
            self._add(batch, state, record)

    def _choose(
        self,
        state: FileState,
        columns: Iterable[object],
        *,
        named_kind: str | None = None,
        header: bool = True,
    ) -> str | None:
        """Decide, from its first columns, which rules read this file (see presets.py)."""
        columns = list(columns)
        self.columns[state.path] = [str(c) for c in columns]
        choice = presets.choose(
            state.path,
            columns,
            self.mappings,
            self.naive_zone,
            named_kind=named_kind,
            header=header,
        )
        self.choices[state.path] = choice
        if choice.key is not None:
            self.problems.pop(state.path, None)
            if choice.plan is not None:
                self._plans[state.path] = (choice.key, state.csv_header, choice.plan)
        return choice.key

    def _unusable(self, path: str) -> str:
        choice = self.choices.get(path)
        return UNKNOWN_KIND if choice is None or choice.problem is None else choice.problem

    def _plan(self, state: FileState, fields: dict[str, object]) -> FilePlan | None:
        """The mapping bound to this file's columns; None for a file in the native format."""
        if state.kind is None or state.kind in presets.NATIVE_KINDS:
            return None
        cached = self._plans.get(state.path)
        if cached is not None and cached[:2] == (state.kind, state.csv_header):
            return cached[2]
        columns = CsvHeader.loads(state.csv_header).columns if state.csv_header else list(fields)
        plan = presets.plan_for(state.kind, state.path, columns, self.mappings, self.naive_zone)
        if plan is None:
            raise RowError(f"the rules that read this file ({state.kind}) are no longer known")
        self._plans[state.path] = (state.kind, state.csv_header, plan)
        return plan

    def _add(self, batch: _Batch, state: FileState, record: Record) -> None:
        reason = record.reason
        if record.fields is not None:
            try:
                plan = self._plan(state, record.fields)
                if plan is not None:
                    reason = self._add_mapped(batch, state, record, plan)
                    if reason is None:
                        return
                elif state.kind == "surveys":
                    self._add_survey(batch, state, record.fields, record.line)
                    return
                else:
                    self._add_ticket(batch, state, record.fields, record.line)
                    return
            except RowError as exc:
                reason = str(exc)
        raw = raw_text(record.raw) if record.raw else str(record.fields)[:2000]
        batch.quarantine.append(
            (state.path, record.line, reason or "unreadable", raw, int(self.clock()))
        )

    def _add_ticket(
        self, batch: _Batch, state: FileState, fields: dict[str, object], line: int
    ) -> None:
        ticket = normalise_ticket(fields, self.naive_zone)
        values = ticket.values
        version_at = values[2] if values[2] is not None else values[1]
        batch.tickets.append((*values, version_at, ticket.extra, state.path, line))
        if values[3] is not None:
            batch.changes.append((values[0], version_at, values[3]))

    def _add_survey(
        self,
        batch: _Batch,
        state: FileState,
        fields: dict[str, object],
        line: int,
        segments: dict[str, object] | None = None,
    ) -> None:
        survey = normalise_survey(fields, self.naive_zone, segments)
        batch.surveys.append((*survey.values, survey.extra, survey.segments, state.path, line))

    def _add_mapped(
        self, batch: _Batch, state: FileState, record: Record, plan: FilePlan
    ) -> str | None:
        """A row read through a mapping: a ticket, a survey or both. Returns the quarantine
        reason for the survey part of a row whose ticket loaded, else None; a bad ticket (or
        survey-only row) raises RowError like a native row."""
        assert record.fields is not None
        mapped = plan.apply(record.fields, record.line)
        if mapped is None:
            return None
        if mapped.message is not None:  # a conversation export: tickets come at _write
            row = messages.message_row(mapped.message, self.naive_zone, state.path, record.line)
            batch.messages.append(row)
            return None
        if mapped.event is not None:  # an event log (kind = "events")
            row = ticket_events.event_row(mapped.event, state.path, record.line)
            if row is not None:
                batch.events.append(row)
            return None
        if mapped.ticket is None:
            assert mapped.survey is not None
            self._add_survey(batch, state, mapped.survey, record.line, mapped.segments)
            return None
        self._add_ticket(batch, state, mapped.ticket, record.line)
        why = mapped.survey_error
        if mapped.survey is not None and why is None:
            try:
                self._add_survey(batch, state, mapped.survey, record.line, mapped.segments)
            except RowError as exc:
                why = str(exc)
        return None if why is None else f"survey part (the ticket loaded): {why}"

    @staticmethod
    def _add_conversations(db: sqlite3.Connection, batch: _Batch) -> None:
        """Store the batch's messages and add the tickets of the conversations they touched
        to its tickets, each with its whole status history in place of the stored one; a
        conversation merged into another, or left without a customer message, loses its
        ticket (the delete triggers list its hours)."""
        derived = messages.store(db, batch.messages)
        if derived.gone:
            gone = (orjson.dumps(derived.gone).decode(),)
            db.execute("DELETE FROM ticket WHERE id IN (SELECT value FROM json_each(?))", gone)
        if derived.gone or derived.rebuilt:
            db.execute(
                "DELETE FROM status_change WHERE ticket_id IN (SELECT value FROM json_each(?))",
                (orjson.dumps([*derived.gone, *derived.rebuilt]).decode(),),
            )
        batch.tickets.extend(derived.tickets)
        batch.changes.extend(derived.changes)
        batch.derived += len(derived.tickets)

    def _write(
        self,
        db: sqlite3.Connection,
        state: FileState,
        batch: _Batch,
        total: LoadResult,
        *,
        commit: bool = True,
    ) -> None:
        """Write the rows of this chunk into the open transaction (or a new one); with
        commit, commit them with the file offset after them.

        The hourly tallies are rebuilt with the last rows read of the file, not with every
        chunk: a long file's hours are rebuilt once, not once per chunk that touches them.
        Until then readers count those hours from the rows."""
        execute = db.execute
        executemany = db.executemany
        if not db.in_transaction:
            execute("BEGIN IMMEDIATE")
        try:
            if state.reset:
                execute("DELETE FROM quarantine WHERE file = ?", (state.path,))
                state.reset = False
            if batch.messages:  # conversation exports: their tickets, derived again
                self._add_conversations(db, batch)
            if batch.tickets or batch.surveys:
                with aggregates.lifted_row_triggers(
                    db, _written(batch.tickets, TICKET_TIMES), _written(batch.surveys, SURVEY_TIMES)
                ):
                    executemany(store_sql.UPSERT_TICKET.sql, batch.tickets)
                    executemany(store_sql.ADD_STATUS_CHANGE.sql, batch.changes)
                    executemany(store_sql.UPSERT_SURVEY.sql, batch.surveys)
            if batch.events or batch.tickets:  # an event log's tickets are worked out again
                ticket_events.write(db, batch.events, batch.tickets)
            if batch.quarantine:
                executemany(store_sql.ADD_QUARANTINE.sql, batch.quarantine)
            self._uncommitted.add(
                LoadResult(
                    len(batch.tickets) - batch.derived,
                    len(batch.surveys),
                    len(batch.quarantine),
                    messages=len(batch.messages),
                    events=len(batch.events),
                )
            )
            if not commit:
                return
            execute(store_sql.UPSERT_SOURCE_FILE.sql, state.as_row())
            if state.offset >= state.size:
                aggregates.rebuild_pending(db)
            db.commit()
        except BaseException:
            db.rollback()
            self._uncommitted = LoadResult()
            raise
        committed, self._uncommitted = self._uncommitted, LoadResult()
        committed.files_changed.append(state.path)
        total.add(committed)
        if self.on_commit is not None:
            self.on_commit(committed)
        if self.progress is not None:
            self.progress(Progress(state.path, state.offset, state.size, total.rows))
        if store.moved(self.engine):
            raise DatabaseMoved(self.engine.url.database)
