"""The fast path for native CSV rows agrees with the general path on every input.

native_csv converts a plain row by position, reader.read_csv(plain_rows=True) splits quote-free
lines in bulk; both must give exactly what the general normaliser and reader give, or give the
row up. These compare them on random headers and values, valid and broken alike, with the
caches of one converter warmed by the rows before.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxtui.ingest import native_csv
from cxtui.ingest.normalise import (
    SURVEY_COLUMNS,
    TICKET_COLUMNS,
    RowError,
    normalise_survey,
    normalise_ticket,
    zone,
)
from cxtui.ingest.readers import CsvHeader, PlainRow, Record, plain_record, read_csv
from tests.ingest_helpers import make_loader, rows

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"])


def utc_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def mostly(valid: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Valid values nine times in ten: a row is then often valid as a whole, or wrong in one
    field only, which is where a fast path could disagree unseen."""
    return st.integers(0, 9).flatmap(lambda k: bad if k == 0 else valid)


# moments near the allowed range's ends (1900 and 3000) and in between, in the export shape;
# most in a few hours only, so that the bad values below fall in hours already seen
CANONICAL = st.one_of(
    st.datetimes(min_value=datetime(2026, 11, 20, 9), max_value=datetime(2026, 11, 20, 11)),
    st.datetimes(min_value=datetime(1899, 12, 31, 22), max_value=datetime(1900, 1, 1, 2)),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.datetimes(min_value=datetime(2999, 12, 31, 22), max_value=datetime(3000, 1, 1, 2)),
).map(lambda d: utc_text(d.replace(tzinfo=UTC)))
TIMESTAMP = mostly(
    st.one_of(
        CANONICAL,
        CANONICAL,
        CANONICAL.map(lambda t: t[:-1]),  # naive: read in the configured zone
        CANONICAL.map(lambda t: t[:-1] + "+02:00"),
        CANONICAL.map(lambda t: t.replace("T", " ")),
        st.sampled_from(["", " ", "1795168800", " 1795168800"]),
    ),
    st.sampled_from(
        [
            "2026-11-20T24:00:00Z",
            "2026-11-20T10:60:00Z",
            "2026-11-20T10:00:60Z",
            "2026-11-20T09:61:00Z",
            "2026-02-30T10:00:00Z",
            "2026-11-20T10:00:00z",
            "2026-11-20T10:00:00Z ",
            "2026-11-20T10:00:0Z",
            "2026-11-20T1\u0660:00:00Z",
            "1795168800.5",
            "-5",
            "99999999999",
            "9999-12-31T23:59:59Z",
            "soon",
        ]
    ),
)
STATUS = mostly(
    st.sampled_from(["open", "Resolved", " ON HOLD ", "in-progress", "", "NEW"]),
    st.sampled_from(["bogus", "opened"]),
)
PRIORITY = mostly(
    st.sampled_from(["low", "Medium", "p1", "", " URGENT "]), st.sampled_from(["meh", "p5"])
)
COUNT = mostly(
    st.sampled_from(["0", "3", "", " ", "2.0", " 7"]),
    st.sampled_from(["-1", "1e300", "\u00b2", "x", "12345678901234567", "1.5"]),
)
TEXT = st.sampled_from(["", " ", "a", " Billing ", "agent 7", "x" * 10_050, "é€", "a\x00b"])
TICKET_VALUES = {
    "id": mostly(st.sampled_from(["T1", " T2 ", "T" * 10_020]), st.sampled_from(["", "  "])),
    "status": STATUS,
    "priority": PRIORITY,
    "reopens": COUNT,
    "agent_replies": COUNT,
    "handle_seconds": COUNT,
}
SURVEY_VALUES = {
    "id": mostly(st.sampled_from(["S1", " S2"]), st.sampled_from(["", " "])),
    "submitted_at": TIMESTAMP,
    "kind": mostly(st.sampled_from(["nps", "CSAT", " ces "]), st.sampled_from(["", "stars"])),
    "score": mostly(
        st.sampled_from(["0", "1", "5", "6", "7", "8", "10", "11", " 3"]),
        st.sampled_from(["-1", "", "4.0", "x"]),
    ),
}


def value_for(column: str, values: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    if column in values:
        return values[column]
    return TIMESTAMP if column.endswith("_at") else TEXT


@st.composite
def header(draw: st.DrawFn, known: tuple[str, ...], required: int) -> list[str]:
    """The required columns (now and then one missing) and some others, in any order, in
    other case or spacing, some twice, plus unknown ones."""
    others = draw(st.lists(st.sampled_from(known[required:]), max_size=len(known)))
    columns = list(known[:required]) + others
    if draw(st.integers(0, 9)) == 0:
        columns.remove(draw(st.sampled_from(known[:required])))
    columns += draw(st.lists(st.sampled_from(["extra", "Notes", "x_1"]), max_size=2))
    columns = draw(st.permutations(columns))
    return [draw(st.sampled_from([c, c, c.upper(), f" {c}"])) for c in columns]


def general(
    normalise: object, columns: list[str], fields: list[str], naive: object
) -> tuple[object, ...] | str:
    """What the general path stores for a row (without file and line), or why it refuses."""
    try:
        record = normalise(dict(zip(columns, fields, strict=True)), naive)  # type: ignore[operator]
    except RowError as exc:
        return str(exc)
    values = record.values
    if normalise is normalise_ticket:
        version_at = values[2] if values[2] is not None else values[1]
        return (*values, version_at, record.extra)
    return (*values, record.extra, record.segments)


def check_agreement(
    make: Callable[[list[str], tzinfo], native_csv.Converter | None],
    normalise: object,
    columns: list[str],
    table: list[list[str]],
    naive_name: str,
) -> int:
    """Every row the converter accepts, the general path stores identically; returns how many
    rows the converter accepted."""
    naive = zone(naive_name)
    convert = make(columns, naive)
    accepted = 0
    for line, fields in enumerate(table, start=2):
        expected = general(normalise, columns, fields, naive)
        if convert is None:
            continue
        try:
            fast = convert(tuple(fields), "f.csv", line)
        except RowError:
            fast = None
        if fast is not None:
            accepted += 1
            assert fast == (*expected, "f.csv", line)  # type: ignore[misc]
    return accepted


def rows_for(columns: list[str], values: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy:
    one = st.tuples(*(value_for(c.strip().lower(), values) for c in columns)).map(list)
    return st.lists(one, min_size=1, max_size=12)


@SETTINGS
@given(data=st.data(), naive_name=ZONES)
def test_ticket_fast_path_stores_what_the_general_path_stores(
    data: st.DataObject, naive_name: str
) -> None:
    columns = data.draw(header(TICKET_COLUMNS, 2))
    table = data.draw(rows_for(columns, TICKET_VALUES))
    check_agreement(native_csv.ticket_rows, normalise_ticket, columns, table, naive_name)


@SETTINGS
@given(data=st.data(), naive_name=ZONES)
def test_survey_fast_path_stores_what_the_general_path_stores(
    data: st.DataObject, naive_name: str
) -> None:
    columns = data.draw(header(SURVEY_COLUMNS, 4))
    table = data.draw(rows_for(columns, SURVEY_VALUES))
    check_agreement(native_csv.survey_rows, normalise_survey, columns, table, naive_name)


@SETTINGS
@given(
    moments=st.lists(
        st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31, 23)),
        min_size=1,
        max_size=20,
    )
)
def test_fast_path_takes_every_valid_export_row(moments: list[datetime]) -> None:
    """The fast path is not a formality: rows as exports write them never need the general
    path (and, as above, give the same values)."""
    columns = list(TICKET_COLUMNS)
    table = []
    for n, moment in enumerate(moments):
        stamp = utc_text(moment.replace(tzinfo=UTC))
        later = utc_text(moment.replace(tzinfo=UTC) + timedelta(seconds=n * 37))
        by_column = {
            "id": f"T{n}",
            "status": "solved",
            "priority": "high",
            "channel": "Email",
            "reopens": str(n),
            "agent_replies": "2",
            "handle_seconds": str(60 + n),
            "resolved_at": "",
        }
        table.append([by_column.get(c, later if c.endswith("_at") else f"v{n}") for c in columns])
        table[-1][1] = stamp
    accepted = check_agreement(native_csv.ticket_rows, normalise_ticket, columns, table, "UTC")
    assert accepted == len(table)


@pytest.mark.parametrize(
    "bad",
    [
        "2026-11-20T10:00:60Z",
        "2026-11-20T10:60:00Z",
        "2026-11-20T10:00:00z",
        "2026-11-20T10:00:00Zx",
        "2026-11-20T10:00:0Z",
        "2026-11-20T10:\u0660\u0660:00Z",
        "2026-11-20T10:00:00+25:00",
    ],
)
def test_a_bad_timestamp_in_an_hour_already_seen_is_still_refused(bad: str) -> None:
    columns = ["id", "created_at", "resolved_at"]
    table = [["A", "2026-11-20T10:30:00Z", "2026-11-20T10:59:59Z"], ["B", bad, ""], ["C", "x", bad]]
    accepted = check_agreement(native_csv.ticket_rows, normalise_ticket, columns, table, "UTC")
    assert accepted == 1


LINE_PIECES = st.sampled_from(
    [
        *("a", "T1", "2026-11-20T10:00:00Z", "", " ", ",", ";", '"', '""', "\r", "é", "\x00"),
        *("\t", "id", "created_at", "status", "\ufeff"),  # and header lines mid-file
    ]
)
LINE = st.lists(LINE_PIECES, max_size=8).map("".join)


def as_records(items: list[Record | PlainRow], header: CsvHeader | None) -> list[Record]:
    assert header is not None or not any(isinstance(r, tuple) for r in items)
    return [plain_record(r, header) if isinstance(r, tuple) else r for r in items]  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=st.sampled_from([["id", "created_at"], ["id", "created_at", "status"], ["id"]]),
    delimiter=st.sampled_from([",", ";"]),
    lines=st.lists(LINE, max_size=12),
    ending=st.sampled_from(["\n", "\r\n"]),
    tail=st.sampled_from([b"", b"T9,2026", b"\xff\xfe", b'"open']),
    junk=st.sampled_from([b"", b"\xc3", b"\xff"]),
    settled=st.booleans(),
    with_header=st.booleans(),
)
def test_plain_rows_read_like_the_general_reader(
    columns: list[str],
    delimiter: str,
    lines: list[str],
    ending: str,
    tail: bytes,
    junk: bytes,
    settled: bool,
    with_header: bool,
) -> None:
    head = delimiter.join(columns) + ending
    body = "".join(line.replace(",", delimiter) + ending for line in lines).encode()
    if junk and body:
        body = body[: len(body) // 2] + junk + body[len(body) // 2 :]
    data = (head.encode() if with_header else b"") + body + tail
    start = None if with_header else CsvHeader(columns, delimiter)
    general = read_csv(data, 1, start, settled=settled)
    plain = read_csv(data, 1, start, settled=settled, plain_rows=True)
    assert len(plain) == len(general)
    for (general_chunk, general_header), (plain_chunk, plain_header) in zip(
        general, plain, strict=True
    ):
        assert plain_header == general_header
        assert (plain_chunk.consumed, plain_chunk.lines, plain_chunk.header_line) == (
            general_chunk.consumed,
            general_chunk.lines,
            general_chunk.header_line,
        )
        expected = [(r.line, r.fields, r.reason) for r in general_chunk.records]
        got = [(r.line, r.fields, r.reason) for r in as_records(plain_chunk.records, plain_header)]
        assert got == expected
        # the raw text kept for quarantine is the same line, whatever its ending
        general_raw = [r.raw.rstrip(b"\r\n") for r in general_chunk.records]
        plain_raw = [r.raw.rstrip(b"\r\n") for r in as_records(plain_chunk.records, plain_header)]
        assert plain_raw == general_raw


def test_exports_with_quotes_crlf_and_bad_rows_load_as_before(tmp_path: Path) -> None:
    """A file mixing plain lines with quoted, multi-line, short, long and bad rows: every plain
    row loads through the fast path, everything else as the general path decides."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "created_at", "status", "subject", "reopens"])
    writer.writerow(["A", "2026-11-20T10:00:00Z", "open", "plain", "1"])
    writer.writerow(["B", "2026-11-20T10:00:05Z", "Resolved", "with, comma", "0"])
    writer.writerow(["C", "2026-11-20T10:00:07Z", "open", "two\nlines", ""])
    writer.writerow(["D", "2026-11-20T25:00:00Z", "open", "bad hour", "1"])
    writer.writerow(["E", "2026-11-20T10:00:09Z", "bogus", "bad status", "1"])
    writer.writerow(["F", "2026-11-20T10:00:10Z"])
    writer.writerow(["G", "2026-11-20T10:00:11Z", "open", "too", "many", "fields"])
    writer.writerow(["H", "1795168812", "pending", "epoch", "2"])
    (tmp_path / "tickets.csv").write_text(out.getvalue(), newline="")
    loader = make_loader(tmp_path)
    loader.load_all()
    t0 = 1_795_168_800
    assert rows(
        loader, "SELECT id, created_at, status, subject, reopens FROM ticket ORDER BY id"
    ) == [
        ("A", t0, "open", "plain", 1),
        ("B", t0 + 5, "solved", "with, comma", 0),
        ("C", t0 + 7, "open", "two\nlines", None),
        ("F", t0 + 10, None, None, None),
        ("H", t0 + 12, "pending", "epoch", 2),
    ]
    assert rows(loader, "SELECT line, reason, raw FROM quarantine ORDER BY line") == [
        (
            6,
            "bad timestamp in created_at: '2026-11-20T25:00:00Z'",
            "D,2026-11-20T25:00:00Z,open,bad hour,1",
        ),
        (7, "unknown status 'bogus'", "E,2026-11-20T10:00:09Z,bogus,bad status,1"),
        (9, "row has 6 fields but the header has 5", "G,2026-11-20T10:00:11Z,open,too,many,fields"),
    ]
