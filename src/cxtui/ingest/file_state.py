"""Which file a saved offset belongs to: read on from it, or read the file again from the start.

A data file is either appended to, and read on from where reading stopped, or replaced, and
read again from the start (its rows upsert onto themselves). Replaced covers a new file under
the name (new inode), a truncation (shorter than the offset), and a rewrite in place: an
export job that reopens the file with open('w') keeps the inode and usually the first
kilobyte, and the file often grows, so only the bytes themselves can tell it from an append.

The verdict has to be cheap, as the watcher asks it for every changed file every second: two
short reads, never the whole file. So it trusts an append whose first kilobyte and whose
last 64 KiB before the offset are unchanged. A file read no further than 64 KiB is thus
checked whole; in a longer one, a rewrite that changes rows only before those 64 KiB, keeping
their length, and grows, would be taken for an append (a change of length shifts the bytes
before the offset, and a rewrite that keeps the size is caught by its modification time).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cxtui.ingest import store_sql

FINGERPRINT_BYTES = 1024
BEFORE_OFFSET_BYTES = 64 << 10
"""How many bytes just before the offset are fingerprinted: reading and hashing them takes some
80 µs, and a whole export of a few hundred tickets fits in them."""
LINE_ENDS = (b"\n", b"\r")


@dataclass
class FileState:
    """The source_file row of one data file."""

    path: str
    inode: int
    size: int
    mtime_ns: int
    offset: int = 0
    line: int = 0
    fingerprint: str = ""
    kind: str | None = None
    csv_header: str | None = None
    tail_fingerprint: str = ""
    """Of the bytes just before offset (up to BEFORE_OFFSET_BYTES); empty in a database made
    before it was kept, until the file is next read."""
    reset: bool = False

    @property
    def fingerprint_length(self) -> int:
        return _length(self.fingerprint)

    def as_row(self) -> tuple[object, ...]:
        return tuple(getattr(self, c) for c in store_sql.SOURCE_FILE_ROW)

    def mark_read(self, fd: int) -> None:
        """Fingerprint what was read up to the offset, for the next verdict on this file."""
        head = min(self.offset, FINGERPRINT_BYTES)
        if self.fingerprint_length < head:
            self.fingerprint = fingerprint(read_at(fd, head, 0))
        before = min(self.offset, BEFORE_OFFSET_BYTES)
        self.tail_fingerprint = fingerprint(read_at(fd, before, self.offset - before))

    def mark_read_whole(self, data: bytes) -> None:
        """Fingerprint a file read whole (a JSON document) from the bytes read."""
        self.offset = len(data)
        self.fingerprint = fingerprint(data[:FINGERPRINT_BYTES])
        self.tail_fingerprint = fingerprint(data[-BEFORE_OFFSET_BYTES:])


def _length(value: str) -> int:
    return int(value.split(":", 1)[0] or 0)


def fingerprint(data: bytes) -> str:
    return f"{len(data)}:{hashlib.sha1(data).hexdigest()}"


def read_at(fd: int, size: int, position: int) -> bytes:
    """Up to size bytes from position (fewer only at the end of the file)."""
    data = os.pread(fd, size, position)
    while 0 < len(data) < size:
        more = os.pread(fd, size - len(data), position + len(data))
        if not more:
            break
        data += more
    return data


def replaced(state: FileState, info: os.stat_result, fd: int) -> bool:
    """Whether the file open on fd (stat info) must be read again from the start, rather
    than on from state.offset."""
    if info.st_ino != state.inode or info.st_size < state.offset:
        return True  # another file under the name, or truncated
    if info.st_size == state.size and info.st_mtime_ns != state.mtime_ns:
        return True  # written to without growing: rewritten
    head = read_at(fd, state.fingerprint_length, 0)
    if fingerprint(head) != state.fingerprint:
        return True
    if not state.tail_fingerprint:
        return False  # saved by an older version: checked from the file's next read on
    length = _length(state.tail_fingerprint)
    before = read_at(fd, length + 1, state.offset - length)
    if fingerprint(before[:length]) != state.tail_fingerprint:
        return True
    return _line_went_on(before, length)


def _line_went_on(before: bytes, length: int) -> bool:
    """Whether the last line read had no line end yet (read as complete because the file had
    settled, or in a one-shot load) and the file has grown with more of that same line: it was
    still being written, so what was read of it was cut short.

    A line longer than the fingerprinted bytes (a runaway writer's) is left to the reader's
    own limit."""
    last, following = before[length - 1 : length], before[length : length + 1]
    if not last or not following or last in LINE_ENDS or following in LINE_ENDS:
        return False
    if last == b"\x00" and before[:length].rstrip(b"\x00").endswith(LINE_ENDS):
        return False  # a UTF-16 LE or UTF-32 LE line end (b"\n\x00"): the line was whole
    return length < BEFORE_OFFSET_BYTES or b"\n" in before[:length]
