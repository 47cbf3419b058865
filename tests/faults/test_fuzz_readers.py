"""Fuzzing every reader: any bytes give rows or quarantine entries, never an escaped
exception, and never a row loaded twice."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxtui.ingest.readers import CsvHeader, read_csv, read_json, read_jsonl
from tests.ingest_helpers import make_loader, rows

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# bytes that look a little like our files, so the fuzzer reaches deep paths quickly
PIECES = st.sampled_from(
    [
        b"id",
        b"created_at",
        b"submitted_at",
        b"kind",
        b"score",
        b"nps",
        b",",
        b'"',
        b"\n",
        b"\r\n",
        b"{",
        b"}",
        b":",
        b"[",
        b"]",
        b"1",
        b"2026-11-20T10:00:00Z",
        b"\xff",
        b"\xc3",
        b"\x00",
        b"\xef\xbb\xbf",
        b" ",
        b"open",
        b"tickets",
        b"99999999999999999999999",
        b"-1",
        b"1e400",
        b"\xc2\xb2",
    ]
)
LIKELY = st.lists(PIECES, max_size=40).map(b"".join)
ANY_BYTES = st.one_of(st.binary(max_size=400), LIKELY)


@FUZZ
@given(data=ANY_BYTES, settled=st.booleans())
def test_line_readers_never_raise_and_account_for_every_byte(data: bytes, settled: bool) -> None:
    chunk = read_jsonl(data, 1, settled=settled)
    assert 0 <= chunk.consumed <= len(data)
    assert chunk.lines == data[: chunk.consumed].count(b"\n")
    header = CsvHeader(["id", "created_at"], ",")
    for start_header in (None, header):
        consumed = lines = 0
        for chunk, _ in read_csv(data, 1, start_header, settled=settled):
            consumed, lines = consumed + chunk.consumed, lines + chunk.lines
        assert 0 <= consumed <= len(data)
        assert lines == data[:consumed].count(b"\n")


@FUZZ
@given(data=ANY_BYTES)
def test_json_reader_never_raises(data: bytes) -> None:
    records, kind, reason = read_json(data)
    assert kind in (None, "tickets", "surveys")
    assert reason is None or records == []


@FUZZ
@given(data=ANY_BYTES, suffix=st.sampled_from(["csv", "jsonl", "json"]),
       name=st.sampled_from(["tickets", "surveys", "export"]))  # fmt: skip
def test_loader_takes_any_file_and_never_loads_twice(data: bytes, suffix: str, name: str) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / f"{name}.{suffix}").write_bytes(data)
        loader = make_loader(folder, settle_seconds=0)
        first = loader.load_all()
        again = loader.load_all()
        assert (again.rows, again.quarantined) == (0, 0)
        records = max(data.count(b"\n") + 1, 1) if suffix != "json" else len(data) + 1
        assert first.rows + first.quarantined <= records
        stored = rows(loader, "SELECT count(*) FROM ticket")[0][0]
        stored += rows(loader, "SELECT count(*) FROM survey")[0][0]
        assert stored <= first.rows
        loader.engine.dispose()
    finally:
        shutil.rmtree(folder)
