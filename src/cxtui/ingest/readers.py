"""Find complete records in the bytes of a data file, remembering exactly where each ends.

Readers never touch the database. They are handed a buffer that starts at a known byte offset
and line number and say which records it holds and how many bytes those used up, so the loader
can commit rows and the file offset together. An incomplete tail (a half-written line, an open
CSV quote) is left for the next read unless the file has settled (stopped changing).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson

MAX_RAW = 2_000
MAX_CSV_RECORD_LINES = 200
MAX_CSV_RECORD_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"
MAX_FIELD_BYTES = 32 << 20

# The csv module refuses fields over 128 KiB by default; a long comment is data, not an error.
csv.field_size_limit(MAX_FIELD_BYTES)


@dataclass(frozen=True)
class Record:
    """One record found in a file: its fields, or the reason it cannot be read."""

    line: int
    fields: dict[str, object] | None
    raw: bytes
    reason: str | None = None


@dataclass
class Chunk:
    """What a reader found in one buffer and how far it got."""

    records: list[Record] = field(default_factory=list)
    consumed: int = 0
    lines: int = 0


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


def read_jsonl(buf: bytes, first_line: int, *, settled: bool) -> Chunk:
    """JSON Lines: one object per line. A last line with no newline yet is read if it is
    already a whole object (an object cannot grow into another), else it waits."""
    chunk = Chunk()
    line = first_line
    for start, end in _lines(buf):
        chunk.records.extend(_jsonl_record(buf[start:end], line))
        chunk.consumed, chunk.lines = end, chunk.lines + 1
        line += 1
    tail = buf[chunk.consumed :]
    if tail.strip():
        record = next(iter(_jsonl_record(tail, line)), None)
        if record is not None and (record.fields is not None or settled):
            chunk.records.append(record)
            chunk.consumed = len(buf)
    return chunk


def _jsonl_record(raw: bytes, line: int) -> list[Record]:
    text = raw.strip()
    if line == 1 and text.startswith(BOM):
        text = text[len(BOM) :].strip()
    if not text:
        return []
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Record(line, None, raw, f"invalid UTF-8 at byte {exc.start}")]
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return [Record(line, None, raw, f"unparseable JSON: {exc.msg}")]
    if not isinstance(value, dict):
        return [Record(line, None, raw, f"not a JSON object (a {type(value).__name__})")]
    return [Record(line, value, raw)]


@dataclass
class CsvHeader:
    columns: list[str]
    delimiter: str

    def dumps(self) -> str:
        return orjson.dumps({"columns": self.columns, "delimiter": self.delimiter}).decode()

    @classmethod
    def loads(cls, text: str) -> CsvHeader:
        value = orjson.loads(text)
        return cls(list(value["columns"]), str(value["delimiter"]))


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_csv(
    buf: bytes, first_line: int, header: CsvHeader | None, *, settled: bool
) -> tuple[Chunk, CsvHeader | None]:
    """CSV with a header row. A record may span lines inside quotes; one that is still open at
    the end of the buffer waits for its closing quote. A quote that never closes is judged
    broken when a following line is a complete record on its own, or after 200 lines."""
    chunk = Chunk()
    spans = list(_lines(buf))
    if settled and len(buf) > (spans[-1][1] if spans else 0):
        spans.append((spans[-1][1] if spans else 0, len(buf)))
    i = 0
    while i < len(spans):
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
            header = _header(raw)
            if header is None:
                chunk.records.append(Record(line, None, raw, "unreadable CSV header"))
        else:
            chunk.records.extend(_csv_record(raw, line, header))
        chunk.consumed = end
        chunk.lines += buf.count(b"\n", start, end)
        i = group_end
    return chunk, header


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


def _header(raw: bytes) -> CsvHeader | None:
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.strip():
        return None
    delimiter = _sniff_delimiter(text)
    try:
        columns = next(csv.reader((text,), delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        return None
    return CsvHeader([c.strip() for c in columns], delimiter)


def _csv_record(raw: bytes, line: int, header: CsvHeader) -> list[Record]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Record(line, None, raw, f"invalid UTF-8 at byte {exc.start}")]
    if not text.strip():
        return []
    try:
        row = next(csv.reader((text,), delimiter=header.delimiter, strict=True))
    except csv.Error as exc:
        return [Record(line, None, raw, f"broken CSV quoting: {exc}")]
    if len(row) > len(header.columns):
        reason = f"row has {len(row)} fields but the header has {len(header.columns)}"
        return [Record(line, None, raw, reason)]
    return [Record(line, dict(zip(header.columns, row, strict=False)), raw)]


def read_json(data: bytes) -> tuple[list[Record], str | None, str | None]:
    """A whole JSON document: an array of objects, or an object holding a "tickets" or
    "surveys" array. Returns the records (line = item number), the kind the document names
    (or None), and a reason when the document as a whole cannot be read."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
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
