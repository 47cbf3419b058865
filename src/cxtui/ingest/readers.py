"""Find complete records in the bytes of a data file, remembering exactly where each ends.

Readers never touch the database. They are handed a buffer that starts at a known byte offset
and line number and say which records it holds and how many bytes those used up, so the loader
can commit rows and the file offset together. An incomplete tail (a half-written line, an open
CSV quote) is left for the next read unless the file has settled (stopped changing).
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter

import orjson

from cxtui.ingest.encodings import UTF8, not_utf8, not_valid

MAX_RAW = 2_000
MAX_CSV_RECORD_LINES = 200
MAX_CSV_RECORD_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"
MAX_FIELD_BYTES = 32 << 20

_TWO_DIGITS = re.compile(r"\d\d")

# The csv module refuses fields over 128 KiB by default; a long comment is data, not an error.
csv.field_size_limit(MAX_FIELD_BYTES)


@dataclass(frozen=True)
class Record:
    """One record found in a file: its fields, or the reason it cannot be read."""

    line: int
    fields: dict[str, object] | None
    raw: bytes
    reason: str | None = None


PlainRow = tuple[int, tuple[str, ...], str]
"""A CSV record on one line, without quotes, with as many fields as the header: its line
number, its fields and its text (without the line ending). It stands for the Record
plain_record() makes of it, without the cost of building that for every row."""


@dataclass
class Chunk:
    """What a reader found in one buffer and how far it got."""

    records: list[Record | PlainRow] = field(default_factory=list)
    consumed: int = 0
    lines: int = 0
    header_line: int | None = None
    """The line of a header met in the middle of the file that starts this chunk (its
    records are read by that header); None when the chunk starts with none."""


def raw_text(raw: bytes) -> str:
    """The raw bytes of a bad row as text for quarantine, cut to a sane length."""
    raw = raw.rstrip(b"\r\n")
    text = raw[:MAX_RAW].decode("utf-8", errors="backslashreplace")
    return text + "…" if len(raw) > MAX_RAW else text


def _lines(buf: bytes, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each complete line in buf; end is just past the newline."""
    while True:
        newline = buf.find(b"\n", start)
        if newline < 0:
            return
        yield start, newline + 1
        start = newline + 1


def read_jsonl(buf: bytes, first_line: int, *, settled: bool, encoding: str = UTF8) -> Chunk:
    """JSON Lines: one object per line. A last line with no newline yet is read if it is
    already a whole object (an object cannot grow into another), else it waits.

    `encoding` is the file's own: buf is UTF-8 either way, transcoded when it was not."""
    chunk = Chunk()
    line = first_line
    for start, end in _lines(buf):
        chunk.records.extend(_jsonl_record(buf[start:end], line, encoding))
        chunk.consumed, chunk.lines = end, chunk.lines + 1
        line += 1
    tail = buf[chunk.consumed :]
    if tail.strip():
        record = next(iter(_jsonl_record(tail, line, encoding)), None)
        if record is not None and (record.fields is not None or settled):
            chunk.records.append(record)
            chunk.consumed = len(buf)
    return chunk


def _jsonl_record(raw: bytes, line: int, encoding: str = UTF8) -> list[Record]:
    text = raw.strip()
    if line == 1 and text.startswith(BOM):
        text = text[len(BOM) :].strip()
    if not text:
        return []
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Record(line, None, raw, _undecodable(text, exc.start, encoding, hint=False))]
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return [Record(line, None, raw, f"unparseable JSON: {exc.msg}")]
    if not isinstance(value, dict):
        return [Record(line, None, raw, f"not a JSON object (a {type(value).__name__})")]
    return [Record(line, value, raw)]


def _undecodable(raw: bytes, position: int, encoding: str, *, hint: bool = True) -> str:
    """Why a record's bytes cannot be read as text. A file read as UTF-8 (no encoding set)
    gets the setting that most likely reads it; a CSV can be given one, JSON must be UTF-8."""
    if encoding != UTF8:
        return not_valid(encoding)
    if hint:
        return not_utf8(raw, position)
    return f"not UTF-8 at byte {position} (0x{raw[position]:02x}); JSON must be UTF-8"


@dataclass
class CsvHeader:
    columns: list[str]
    delimiter: str
    encoding: str = UTF8
    """The file's encoding, kept with the header so that a change of setting reads the file
    again from the start."""
    line: int | None = None
    """Where a header met in the middle of the file is; None for the file's first line."""
    first: list[str] | None = None
    """For a header met in the middle of the file, the columns of the file's first one."""

    @property
    def readable(self) -> bool:
        """False for the stand-in of a first line that is not text in the file's encoding."""
        return bool(self.columns)

    @cached_property
    def names(self) -> frozenset[str]:
        """The column names of this header and the file's first, also as the first field of
        a line starting with a BOM."""
        known = {*self.columns, *(self.first or ())} - {""}
        return frozenset(known) | {"\ufeff" + c for c in known}

    @cached_property
    def layouts(self) -> tuple[list[str], ...]:
        """The columns of this header and of the file's first, each sorted."""
        return tuple(sorted(c) for c in (self.columns, self.first) if c is not None)

    def dumps(self) -> str:
        value: dict[str, object] = {"columns": self.columns, "delimiter": self.delimiter}
        if self.encoding != UTF8:
            value["encoding"] = self.encoding
        if self.line is not None:
            value["line"] = self.line
        if self.first is not None:
            value["first"] = self.first
        return orjson.dumps(value).decode()

    @classmethod
    def loads(cls, text: str) -> CsvHeader:
        value = orjson.loads(text)
        line, first = value.get("line"), value.get("first")
        return cls(
            list(value["columns"]),
            str(value["delimiter"]),
            str(value.get("encoding", UTF8)),
            None if line is None else int(line),
            None if first is None else list(first),
        )


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _new_header(fields: Sequence[str], header: CsvHeader) -> CsvHeader | None:
    """The header a line in the middle of a CSV file is, or None for a row of data.

    An exporter that appends a block with its own header line writes the column names again,
    maybe in another order or with a column added or dropped. A line is taken for a header
    when its first field is exactly a column name (of the current header or the file's first;
    after a BOM, if the block was a whole export with one) and either its fields are the
    names of one of those two in any order, or they are distinct, hold no two digits in a
    row, and include at least half the current names (and at least two). Every row that
    loads holds a time, which the first test would need to be a column name and the second
    to have no two digits in a row: no row that could load is taken for a header."""
    first = fields[0].removeprefix("\ufeff")
    if first not in header.names:
        return None
    columns = [first, *(f.strip() for f in fields[1:])]
    if sorted(columns) not in header.layouts:
        if "" in columns or len(set(columns)) < len(columns):
            return None
        if any(map(_TWO_DIGITS.search, columns)):
            return None
        shared = len(header.names.intersection(columns))
        if shared < max(2, (len(set(header.columns)) + 1) // 2):
            return None
    known = header.columns if header.first is None else header.first
    return CsvHeader(columns, header.delimiter, header.encoding, first=known)


def _first_header(rows: Sequence[tuple[str, ...] | None], header: CsvHeader) -> int | None:
    """Index of the first of these rows that is a header line, or None.

    Most runs hold no column name as a first field at all, which one set operation over
    the run shows; only a run that does is looked at row by row."""
    names = header.names
    try:
        if names.isdisjoint(map(itemgetter(0), rows)):  # type: ignore[arg-type]
            return None
    except (TypeError, IndexError):  # a line the csv module rejected, or an empty one
        pass
    for k, row in enumerate(rows):
        if row and row[0] in names and _new_header(row, header) is not None:
            return k
    return None


def read_csv(
    buf: bytes,
    first_line: int,
    header: CsvHeader | None,
    *,
    settled: bool,
    plain_rows: bool = False,
    encoding: str = UTF8,
) -> list[tuple[Chunk, CsvHeader | None]]:
    """CSV with a header row. A record may span lines inside quotes; one that is still open at
    the end of the buffer waits for its closing quote. A quote that never closes is judged
    broken when a following line is a complete record on its own, or after 200 lines.

    Returns the records in parts, each with the header that reads them: a header line met
    in the middle of the file (see _new_header) starts a new part, whose records it reads.
    A first line that is not text in the file's `encoding` ends the reading: its part holds
    it as a record set aside, with a header that has no columns.

    With plain_rows, a record on one line with no quotes and exactly the header's fields
    comes back as a PlainRow instead of a Record: the bulk of a machine-written export is
    such lines, and they are split all at once instead of one csv reader per line."""
    parts: list[tuple[Chunk, CsvHeader | None]] = []
    chunk = Chunk()
    base = 0
    spans = list(_lines(buf))
    if settled and len(buf) > (spans[-1][1] if spans else 0):
        spans.append((spans[-1][1] if spans else 0, len(buf)))
    i = 0
    while i < len(spans):
        if plain_rows and header is not None and len(header.columns) > 1:
            run_end = _plain_run(buf, spans, i, first_line, header, chunk, base)
            if run_end > i:
                i = run_end
                continue
        group_end = _close_quote(buf, spans, i, header)
        if group_end is None:
            if not settled:
                break
            group_end = i + 1
            broken = True
        else:
            broken = group_end < 0
            group_end = abs(group_end)
        start, end = spans[i][0], spans[group_end - 1][1]
        raw = buf[start:end]
        line = first_line + chunk.lines
        if broken:
            chunk.records.append(
                Record(line, None, raw, "broken CSV quoting: a quoted field is never closed")
            )
        elif header is None:
            header, reason = _header(raw, encoding)
            if reason is not None:
                reason = f"the header (line {line}) is {reason}"
                chunk.records.append(Record(line, None, raw, reason))
                chunk.consumed = end - base
                chunk.lines += buf.count(b"\n", start, end)
                parts.append((chunk, CsvHeader([], ",", encoding, line)))
                return parts
            if header is None:
                chunk.records.append(Record(line, None, raw, "unreadable CSV header"))
        else:
            records, changed = _csv_line(raw, line, header, encoding)
            if changed is not None:
                if chunk.consumed:
                    parts.append((chunk, header))
                    first_line, base, chunk = line, start, Chunk()
                changed.line = chunk.header_line = line
                header = changed
            chunk.records.extend(records)
        chunk.consumed = end - base
        chunk.lines += buf.count(b"\n", start, end)
        i = group_end
    parts.append((chunk, header))
    return parts


def _plain_run(
    buf: bytes,
    spans: list[tuple[int, int]],
    i: int,
    first_line: int,
    header: CsvHeader,
    chunk: Chunk,
    base: int,
) -> int:
    """Read the lines from line i up to the first one holding a quote (or invalid UTF-8, or
    a header) in one pass; returns the index just past them (i when line i itself is one).

    A line without quotes is a record on its own, so the run needs none of the quote
    bookkeeping; a line the csv module rejects, or with the wrong number of fields, is read
    by _csv_record exactly as outside a run. The chunk started at byte `base` of buf."""
    start = spans[i][0]
    quote = buf.find(b'"', start, spans[-1][1])
    end = len(spans) if quote < 0 else bisect_right(spans, quote, i, key=itemgetter(0)) - 1
    if end == i:
        return i
    try:
        text = buf[start : spans[end - 1][1]].decode("utf-8")
    except UnicodeDecodeError as exc:
        end = bisect_right(spans, start + exc.start, i, end, key=itemgetter(0)) - 1
        if end == i:
            return i
        text = buf[start : spans[end - 1][1]].decode("utf-8")
    lines, rows = _split_lines(text, header.delimiter)
    cut = _first_header(rows, header)
    if cut is not None:
        if cut == 0:
            return i
        end = i + cut
        lines, rows = lines[:cut], rows[:cut]
    line = first_line + chunk.lines
    width = len(header.columns)
    if None not in rows and set(map(len, rows)) == {width}:
        numbers = range(line, line + len(rows))
        chunk.records.extend(zip(numbers, rows, lines, strict=True))  # type: ignore[arg-type]
    else:
        for n, (row, text_line) in enumerate(zip(rows, lines, strict=True), start=line):
            if row is not None and len(row) == width:
                chunk.records.append((n, row, text_line))
            else:
                raw = buf[spans[i + n - line][0] : spans[i + n - line][1]]
                chunk.records.extend(_csv_record(raw, n, header))
    chunk.consumed = spans[end - 1][1] - base
    chunk.lines += buf.count(b"\n", start, spans[end - 1][1])
    return end


def _split_lines(
    text: str, delimiter: str
) -> tuple[list[str], list[tuple[str, ...]] | list[tuple[str, ...] | None]]:
    """The lines of quote-free text (without their line endings) and each one's fields as
    the csv module reads them; None for a line it rejects.

    Without quotes, a line the csv module reads is split at every delimiter and ends at its
    carriage return or newline; str.split does that in a fraction of the time, so it is used
    when every line ends alike, with LF or with CRLF (a lone carriage return mid-line is an
    error to the csv module), and no field can exceed the csv field limit. Fields come as
    tuples: they are held until the batch is written, and tuples of strings are soon ignored
    by the garbage collector, where lists would keep it busy."""
    ending = "\n"
    if "\r" in text:
        crlf = text.count("\r\n")
        ending = "\r\n" if text.count("\r") == crlf == text.count("\n") else ""
    if ending and len(text) < MAX_FIELD_BYTES:
        lines = text.split(ending)
        if text.endswith("\n"):
            lines.pop()
        return lines, [tuple(line.split(delimiter)) for line in lines]
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows: list[tuple[str, ...] | None] = []
    while True:
        try:
            rows.extend(map(tuple, reader))
            break
        except csv.Error:  # that line alone; the reader carries on with the next one
            rows.extend([None] * max(1, reader.line_num - len(rows)))
    if len(rows) != len(lines):
        rows = [None] * len(lines)
    return lines, rows


def plain_record(row: PlainRow, header: CsvHeader) -> Record:
    """The Record a PlainRow stands for, as the general reader would have made it."""
    line, fields, text = row
    return Record(line, dict(zip(header.columns, fields, strict=True)), (text + "\n").encode())


def _close_quote(
    buf: bytes, spans: list[tuple[int, int]], i: int, header: CsvHeader | None
) -> int | None:
    """Index just past the last line of the record starting at line i; negative when the record
    is judged broken (only its first line is then consumed); None when it may still close."""
    quotes = buf[spans[i][0] : spans[i][1]].count(b'"')
    j = i + 1
    while quotes % 2:
        if j >= len(spans):
            return None
        if j - i >= MAX_CSV_RECORD_LINES or spans[j][1] - spans[i][0] > MAX_CSV_RECORD_BYTES:
            return -(i + 1)
        candidate = buf[spans[j][0] : spans[j][1]]
        if header is not None and _whole_record(candidate, header):
            return -(i + 1)
        quotes += candidate.count(b'"')
        j += 1
    return j


def _whole_record(raw: bytes, header: CsvHeader) -> bool:
    if raw.count(b'"') % 2:
        return False
    try:
        row = next(csv.reader((raw.decode("utf-8"),), delimiter=header.delimiter, strict=True))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return False
    return len(row) == len(header.columns)


def _header(raw: bytes, encoding: str) -> tuple[CsvHeader | None, str | None]:
    """The header a first line gives, or None when it is blank or unparseable; and why the
    line is not text in the file's encoding, when it is not."""
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, _undecodable(raw, exc.start, encoding)
    if not text.strip():
        return None, None
    delimiter = _sniff_delimiter(text)
    try:
        columns = next(csv.reader((text,), delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        return None, None
    return CsvHeader([c.strip() for c in columns], delimiter, encoding), None


def _csv_line(
    raw: bytes, line: int, header: CsvHeader, encoding: str
) -> tuple[list[Record], CsvHeader | None]:
    """The record on a line read by the general path, or the new header the line is."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Record(line, None, raw, _undecodable(raw, exc.start, encoding))], None
    if not text.strip():
        return [], None
    try:
        row = next(csv.reader((text,), delimiter=header.delimiter, strict=True))
    except csv.Error as exc:
        return [Record(line, None, raw, f"broken CSV quoting: {exc}")], None
    if row and row[0] in header.names:
        changed = _new_header(row, header)
        if changed is not None:
            return [], changed
    if len(row) > len(header.columns):
        reason = f"row has {len(row)} fields but the header has {len(header.columns)}"
        return [Record(line, None, raw, reason)], None
    return [Record(line, dict(zip(header.columns, row, strict=False)), raw)], None


def _csv_record(raw: bytes, line: int, header: CsvHeader) -> list[Record]:
    """A line of a plain run that is not a plain row (never a header: runs stop before
    one)."""
    return _csv_line(raw, line, header, header.encoding)[0]


def read_json(data: bytes) -> tuple[list[Record], str | None, str | None]:
    """A whole JSON document: an array of objects, or an object holding a "tickets" or
    "surveys" array. Returns the records (line = item number), the kind the document names
    (or None), and a reason when the document as a whole cannot be read."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            return [], None, _undecodable(data, bad.start, UTF8, hint=False)
        return [], None, f"unparseable JSON document: {exc.msg}"
    kind = None
    if isinstance(value, dict):
        for key in ("tickets", "surveys"):
            if isinstance(value.get(key), list):
                kind, value = key, value[key]
                break
        else:
            value = [value]
    if not isinstance(value, list):
        return [], None, "JSON document is neither an array of objects nor an object"
    records = []
    for number, item in enumerate(value, start=1):
        if isinstance(item, dict):
            records.append(Record(number, item, b""))
        else:
            raw = orjson.dumps(item)
            reason = f"item {number} is not a JSON object (a {type(item).__name__})"
            records.append(Record(number, None, raw, reason))
    return records, kind, None
