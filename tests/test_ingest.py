"""Ingest: formats, kinds, timestamps, precedence of versions, incremental reads, quarantine."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cxtui.ingest.presets import UNKNOWN_KIND
from tests.ingest_helpers import make_loader, rows

T0 = 1_795_168_800  # 2026-11-20T10:00:00Z


def write(path: Path, text: str | bytes) -> None:
    path.write_bytes(text.encode() if isinstance(text, str) else text)


def test_csv_jsonl_and_json_documents_all_load(tmp_path: Path) -> None:
    write(tmp_path / "tickets.csv", "id,created_at,status\nA,2026-11-20T10:00:00Z,open\n")
    write(
        tmp_path / "more.jsonl",
        '{"id": "B", "created_at": "2026-11-20T10:00:00Z", "status": "new"}\n',
    )
    write(
        tmp_path / "export.json",
        json.dumps({"tickets": [{"id": "C", "created_at": T0, "status": "pending"}]}),
    )
    write(
        tmp_path / "responses.json",
        json.dumps([{"id": "S1", "submitted_at": T0, "kind": "nps", "score": 10}]),
    )
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.surveys, result.quarantined) == (3, 1, 0)
    assert rows(loader, "SELECT id, created_at, status FROM ticket ORDER BY id") == [
        ("A", T0, "open"),
        ("B", T0, "new"),
        ("C", T0, "pending"),
    ]
    assert rows(loader, "SELECT id, kind, score FROM survey") == [("S1", "nps", 10)]


def test_kind_comes_from_name_then_columns(tmp_path: Path) -> None:
    # no "tickets"/"surveys" in these names: submitted_at marks surveys, status tickets
    write(tmp_path / "a.csv", "id,submitted_at,kind,score\nS,2026-11-20T10:00:00Z,csat,5\n")
    write(tmp_path / "b.csv", "id,created_at,status\nT,2026-11-20T10:00:00Z,open\n")
    write(tmp_path / "c.csv", "foo,bar\n1,2\n")
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.surveys) == (1, 1)
    assert result.skipped == [f"skipped c.csv: {UNKNOWN_KIND}"]


def test_timestamps_offset_naive_in_zone_and_epoch(tmp_path: Path) -> None:
    write(
        tmp_path / "tickets.csv",
        "id,created_at,first_response_at,resolved_at\n"
        # 12:00+02:00 is 10:00Z; naive 05:00 in New York (EST, -5) is 10:00Z; epoch as text
        f"A,2026-11-20T12:00:00+02:00,2026-11-20T05:00:00,{T0}\n",
    )
    loader = make_loader(tmp_path, timezone="America/New_York")
    loader.load_all()
    assert rows(loader, "SELECT created_at, first_response_at, resolved_at FROM ticket") == [
        (T0, T0, T0)
    ]


def test_naive_timestamps_default_to_utc(tmp_path: Path) -> None:
    write(tmp_path / "tickets.csv", "id,created_at\nA,2026-11-20 10:00:00\n")
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT created_at FROM ticket") == [(T0,)]


def test_values_are_normalised(tmp_path: Path) -> None:
    write(
        tmp_path / "tickets.csv",
        "ID,Created_At,Status,Priority,Channel,reopens,extra_col\n"
        "A,2026-11-20T10:00:00Z,Resolved,Medium,EMAIL,2,kept\n"
        "B,2026-11-20T10:00:00Z,ON HOLD,urgent,Chat,,\n",
    )
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT id, status, priority, channel, reopens, extra FROM ticket") == [
        ("A", "solved", "normal", "email", 2, '{"extra_col":"kept"}'),
        ("B", "on_hold", "urgent", "chat", None, None),
    ]


def test_latest_updated_at_wins_and_ties_go_to_the_later_row(tmp_path: Path) -> None:
    write(
        tmp_path / "tickets.csv",
        "id,created_at,updated_at,status\n"
        "A,2026-11-20T10:00:00Z,2026-11-20T12:00:00Z,solved\n"
        "A,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,open\n"  # older: ignored
        "B,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,open\n"
        "B,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,pending\n",  # tie: later row wins
    )
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT id, status FROM ticket ORDER BY id") == [
        ("A", "solved"),
        ("B", "pending"),
    ]
    assert rows(loader, "SELECT ticket_id, at, status FROM status_change ORDER BY 1, 2, 3") == [
        ("A", T0 + 3600, "open"),
        ("A", T0 + 7200, "solved"),
        ("B", T0 + 3600, "open"),
        ("B", T0 + 3600, "pending"),
    ]


def test_appended_rows_are_read_from_where_it_stopped(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    write(path, "id,created_at\nA,2026-11-20T10:00:00Z\n")
    loader = make_loader(tmp_path)
    assert loader.load_all().tickets == 1
    with open(path, "ab") as handle:
        handle.write(b"B,2026-11-20T10:00:00Z\nC,2026-11-20T1")
    assert loader.load_all().tickets == 1  # C is half written: it waits
    with open(path, "ab") as handle:
        handle.write(b"0:00:00Z\n")
    assert loader.load_all().tickets == 1
    assert rows(loader, "SELECT id FROM ticket ORDER BY id") == [("A",), ("B",), ("C",)]
    assert rows(loader, "SELECT offset, line FROM source_file") == [(path.stat().st_size, 4)]


def test_settled_last_line_without_newline_is_read(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    write(path, "id,created_at\nA,2026-11-20T10:00:00Z")
    now = [0.0]
    loader = make_loader(tmp_path, settle_seconds=2.0, clock=lambda: now[0])
    now[0] = path.stat().st_mtime + 0.5
    assert loader.load_all().tickets == 0
    now[0] = path.stat().st_mtime + 3
    assert loader.load_all().tickets == 1


def test_complete_json_line_without_newline_is_read_at_once(tmp_path: Path) -> None:
    write(tmp_path / "tickets.jsonl", '{"id": "A", "created_at": 1}')
    loader = make_loader(tmp_path, settle_seconds=3600)
    assert loader.load_all().tickets == 1
    with open(tmp_path / "tickets.jsonl", "ab") as handle:
        handle.write(b'\n{"id": "B", "created_at": 2}\n')
    assert loader.load_all().tickets == 1
    assert rows(loader, "SELECT id FROM ticket ORDER BY id") == [("A",), ("B",)]


def test_truncated_and_replaced_files_are_read_again_without_double_counting(
    tmp_path: Path,
) -> None:
    path = tmp_path / "surveys.csv"
    header = "id,submitted_at,kind,score\n"
    write(path, header + "S1,2026-11-20T10:00:00Z,nps,3\nS2,2026-11-20T10:00:00Z,nps,x\n")
    loader = make_loader(tmp_path)
    assert (loader.load_all().surveys, rows(loader, "SELECT count(*) FROM quarantine")) == (
        1,
        [(1,)],
    )
    # rotation: truncated then rewritten with a new row and the old one again
    write(path, header + "S1,2026-11-20T10:00:00Z,nps,3\n")
    loader.load_all()
    with open(path, "ab") as handle:
        handle.write(b"S3,2026-11-20T10:00:00Z,nps,9\n")
    loader.load_all()
    # atomic replace through a temp file: a new inode, same size as before
    tmp = tmp_path / ".surveys.tmp"
    write(tmp, path.read_bytes().replace(b"nps,9", b"nps,8"))
    os.replace(tmp, path)
    loader.load_all()
    assert rows(loader, "SELECT id, score FROM survey ORDER BY id") == [
        ("S1", 3),
        ("S3", 8),
    ]
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]


def test_same_size_rewrite_with_different_start_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "tickets.jsonl"
    write(path, '{"id": "A", "created_at": 1}\n')
    loader = make_loader(tmp_path)
    loader.load_all()
    with open(path, "r+b") as handle:  # same inode, same size, new content
        handle.write(b'{"id": "Z", "created_at": 1}\n')
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10_000_000))
    loader.load_all()
    assert rows(loader, "SELECT id FROM ticket ORDER BY id") == [("A",), ("Z",)]


BAD_ROWS = [
    ("tickets.csv", "x,not-a-time,open", "bad timestamp in created_at: 'not-a-time'"),
    ("tickets.csv", ",2026-11-20T10:00:00Z,open", "missing required field id"),
    ("tickets.csv", "x,,open", "missing required field created_at"),
    ("tickets.csv", "x,2026-11-20T10:00:00Z,exploded", "unknown status 'exploded'"),
    ("tickets.csv", 'x,2026-11-20T10:00:00Z,"op"en', "broken CSV quoting: ',' expected after '\"'"),
    ("tickets.csv", "x,2026-11-20T10:00:00Z,open,extra", "row has 4 fields but the header has 3"),
    (
        "tickets.csv",
        b"x,2026-11-20T10:00:00Z,op\xffen",
        'not UTF-8 at byte 25 (0xff); set encoding = "cp1252"?',
    ),
    (
        "surveys.jsonl",
        '{"id": "x", "submitted_at": 1, "kind": "nps", "score": 11}',
        "nps score 11 out of range 0-10",
    ),
    (
        "surveys.jsonl",
        '{"id": "x", "submitted_at": 1, "kind": "csat", "score": 0}',
        "csat score 0 out of range 1-5",
    ),
    (
        "surveys.jsonl",
        '{"id": "x", "submitted_at": 1, "kind": "ces", "score": -1}',
        "ces score -1 out of range 1-7",
    ),
    (
        "surveys.jsonl",
        '{"id": "x", "submitted_at": 1, "kind": "nps"',
        "unparseable JSON: unexpected end of data",
    ),
    ("surveys.jsonl", "[1, 2]", "not a JSON object (a list)"),
    (
        "surveys.jsonl",
        '{"id": "x", "submitted_at": 1, "kind": "mood", "score": 1}',
        "unknown survey kind 'mood'",
    ),
    ("surveys.jsonl", '{"id": "x", "submitted_at": 1, "kind": "nps"}', "missing score"),
    (
        "surveys.jsonl",
        '{"id": "x", "kind": "nps", "score": 1}',
        "missing required field submitted_at",
    ),
]


@pytest.mark.parametrize(("name", "bad", "reason"), BAD_ROWS)
def test_bad_row_is_quarantined_with_reason_and_neighbours_load(
    tmp_path: Path, name: str, bad: str | bytes, reason: str | None
) -> None:
    bad_bytes = bad.encode() if isinstance(bad, str) else bad
    if name.endswith(".csv"):
        good_before = b"a,2026-11-20T10:00:00Z,open\n"
        good_after = b"b,2026-11-20T10:00:00Z,open\n"
        content = b"id,created_at,status\n" + good_before + bad_bytes + b"\n" + good_after
        bad_line = 3
    else:
        good_before = b'{"id": "a", "submitted_at": 1, "kind": "nps", "score": 5}\n'
        good_after = b'{"id": "b", "submitted_at": 1, "kind": "nps", "score": 5}\n'
        content = good_before + bad_bytes + b"\n" + good_after
        bad_line = 2
    write(tmp_path / name, content)
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert result.rows == 2
    assert result.quarantined == 1
    [(file, line, stored_reason, raw)] = rows(
        loader, "SELECT file, line, reason, raw FROM quarantine"
    )
    assert (file, line) == (name, bad_line)
    assert stored_reason == reason
    assert raw.rstrip("\n") == bad_bytes.decode("utf-8", errors="backslashreplace")


def test_unclosed_csv_quote_is_quarantined_and_the_rows_after_it_load(tmp_path: Path) -> None:
    write(
        tmp_path / "tickets.csv",
        'id,created_at,subject\nA,2026-11-20T10:00:00Z,"never closed\n'
        "B,2026-11-20T10:00:00Z,fine\n"
        'C,2026-11-20T10:00:00Z,"two\nlines"\n',
    )
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT id, subject FROM ticket ORDER BY id") == [
        ("B", "fine"),
        ("C", "two\nlines"),
    ]
    assert rows(loader, "SELECT line, reason FROM quarantine") == [
        (2, "broken CSV quoting: a quoted field is never closed")
    ]


def test_quoted_field_still_open_at_the_end_waits_for_its_close(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    write(path, 'id,created_at,subject\nA,2026-11-20T10:00:00Z,"first line\n')
    loader = make_loader(tmp_path, settle_seconds=3600)
    assert loader.load_all().tickets == 0
    with open(path, "ab") as handle:
        handle.write(b'second line"\n')
    assert loader.load_all().tickets == 1
    assert rows(loader, "SELECT subject FROM ticket") == [("first line\nsecond line",)]


def test_bom_semicolons_and_crlf_are_read(tmp_path: Path) -> None:
    write(
        tmp_path / "tickets.csv",
        b"\xef\xbb\xbfid;created_at;subject\r\nA;2026-11-20T10:00:00Z;a, b\r\n",
    )
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT id, subject FROM ticket") == [("A", "a, b")]


def test_unparseable_json_document_waits_then_is_quarantined_once_settled(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tickets.json"
    write(path, '[{"id": "A", "created_at": 1}, {"id": ')
    now = [path.stat().st_mtime + 0.1]
    loader = make_loader(tmp_path, settle_seconds=2.0, clock=lambda: now[0])
    assert loader.load_all().quarantined == 0
    now[0] += 5
    assert loader.load_all().quarantined == 1
    write(path, '[{"id": "A", "created_at": 1}, {"id": "B", "created_at": 2}]')
    assert loader.load_all().tickets == 2
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]


def test_files_that_are_not_data_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "tickets_dir.csv").mkdir()
    write(tmp_path / "picture.png", b"\x89PNG\r\n")
    write(tmp_path / "empty.csv", b"")
    write(tmp_path / "tickets.csv", "id,created_at\nA,1\n")
    loader = make_loader(tmp_path)
    assert loader.load_all().tickets == 1


def test_second_loader_on_the_same_database_is_refused_while_one_runs(tmp_path: Path) -> None:
    from cxtui.ingest.loader import IngestBusy

    write(tmp_path / "tickets.csv", "id,created_at\nA,1\n")
    first = make_loader(tmp_path)
    second = make_loader(tmp_path)
    with first._ingest_lock(), pytest.raises(IngestBusy):
        second.load_all()
    assert second.load_all().tickets == 1


def test_a_line_too_long_to_be_a_record_is_quarantined_and_skipped(tmp_path: Path) -> None:
    from cxtui.ingest.loader import MAX_LINE_BYTES

    path = tmp_path / "tickets.jsonl"
    with open(path, "wb") as out:
        out.write(b'{"id": "A", "created_at": 1}\n')
        out.write(b"x" * (MAX_LINE_BYTES + 5_000_000) + b"\n")
        out.write(b'{"id": "B", "created_at": 2}\n')
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (2, 1)
    [(line, reason)] = rows(loader, "SELECT line, reason FROM quarantine")
    assert line == 2
    assert reason == (
        f"line longer than {MAX_LINE_BYTES:,} bytes ({MAX_LINE_BYTES + 5_000_001:,} bytes skipped)"
    )
    assert rows(loader, "SELECT offset, line FROM source_file") == [(path.stat().st_size, 3)]
