"""Spreadsheets (.xlsx): the first visible sheet or the one a mapping names, read whole again
on every change, through the same presets and mappings as CSV, with dates stored as Excel
serials (styled as dates or bare) or as text; bad rows quarantined with their sheet row.

Workbooks are written by tests/xlsx_helpers.py (zipfile and XML, no spreadsheet library).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from cxtui.ingest.spreadsheet import SheetError, from_serial, read_xlsx
from tests.cli_helpers import run_cli
from tests.ingest_helpers import make_loader, rows
from tests.xlsx_helpers import Serial, serial, write_xlsx

FIXTURES = Path(__file__).parent / "presets"
AS_OF = "2026-11-20T12:00:00Z"
HEADER = [
    "Call Id", "Agent", "Date", "Time", "Topic", "Answered (Y/N)", "Resolved",
    "Speed of answer in seconds", "AvgTalkDuration", "Satisfaction rating",
]  # fmt: skip
NOV19 = date(2026, 11, 19)


def at(clock: str) -> time:
    return time.fromisoformat(clock)


# The nine calls of tests/presets/call-outcomes-2026-11.csv, with their dates and times stored
# every way a workbook holds them: date and time cells, bare serial numbers, ISO text, and
# durations as time cells, text or seconds.
CALLS: list[list[object]] = [
    ["ID0001", "Diane", NOV19, at("09:12:58"), "Contract related", "Y", "Y", 109, at("00:02:23"),
     3],
    ["ID0002", "Becky", Serial(serial(NOV19)), Serial((9 * 3600 + 12 * 60 + 58) / 86_400),
     "Technical Support", "Y", "N", 70, "00:04:02", 3],
    ["ID0003", "Stewart", "2026-11-19", "09:47:31", "Payment related", "Y", "Y", 10, "0:02:11", 3],
    ["ID0004", "Greg", NOV19, at("09:47:31"), "Contract related", "Y", "Y", 53, at("00:00:37"), 2],
    ["ID0005", "Becky", NOV19, at("10:00:29"), "Payment related", "Y", "Y", 95, 60, 3],
    ["ID0006", "Stewart", NOV19, at("10:00:29"), "Contract related", "N", "N", None, None, None],
    ["ID0007", "Jim", Serial(serial(NOV19)), "10:11:22", "Technical Support", "Y", "N", 40,
     at("00:03:00"), 1],
    ["ID0008", "Diane", NOV19, at("10:30:00"), "Streaming", "Y", "Y", 15, at("00:05:00"), 5],
    ["ID0009", "Greg", NOV19, at("10:31:00"), "Streaming", "N", None, None, None, None],
]  # fmt: skip
MAPPING = (
    (FIXTURES / "call-outcomes.toml")
    .read_text()
    .replace('files = "call-outcomes-*.csv"', 'files = "call-outcomes-*.xlsx"\nsheet = "Calls"')
)


def report(data: Path, tmp_path: Path) -> dict[str, Any]:
    done = run_cli(
        "report", str(data), "--db", str(tmp_path / "x.db"), "--as-of", AS_OF,
        "--window", "7d", "--format", "json",
        env={"XDG_CONFIG_HOME": str(tmp_path / "no-user-config"), "CXTUI_DB": None},
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_a_call_log_workbook_through_a_mapping_gives_the_csv_figures(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # the calls on the second sheet, below a title row and a blank row
    write_xlsx(
        data / "call-outcomes-2026-11.xlsx",
        {"Summary": [["Calls in November"]], "Calls": [["Calls, 19 November"], [], HEADER, *CALLS]},
    )
    (data / "cxtui.toml").write_text(MAPPING)
    r = report(data, tmp_path)
    # the hand-worked figures of tests/test_call_outcomes.py: the same nine calls
    res = r["resolution"]
    assert (res["created"], res["resolved"]) == (9, 5)
    assert (res["median_seconds"], res["p90_seconds"]) == (155.0, pytest.approx(289.8))
    assert (r["queue"]["open"], r["abandonment"]["offered"], r["abandonment"]["abandoned"]) == (
        0, 9, 2,
    )  # fmt: skip
    first = r["first_response"]
    assert (first["count"], first["mean_seconds"], first["median_seconds"]) == (7, 56.0, 53.0)
    assert r["handle_time"]["mean_seconds"] == pytest.approx(1093 / 7)
    assert (r["csat"]["responses"], r["csat"]["satisfied"]) == (7, 1)
    assert r["quarantine"] == {"rows": 0}
    with sqlite3.connect(tmp_path / "x.db") as db:
        got = db.execute(
            "SELECT id, created_at, source_line FROM ticket WHERE id IN ('ID0001', 'ID0002')"
        ).fetchall()
    # 09:12:58 on 19 November (UTC), whether from date and time cells or bare serials; the
    # line is the row in the sheet (the header is on row 3)
    created = int(datetime.fromisoformat("2026-11-19T09:12:58+00:00").timestamp())
    assert sorted(got) == [("ID0001", created, 4), ("ID0002", created, 5)]


def test_same_presets_as_csv_a_freshdesk_export_saved_as_a_workbook(tmp_path: Path) -> None:
    with open(FIXTURES / "freshdesk-tickets.csv", newline="") as handle:
        table = list(csv.reader(handle))

    def cell(text: str) -> object:
        """As Excel holds what it opened: numbers, dates and times as such."""
        if re.fullmatch(r"\d+", text):
            return int(text)
        if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text):
            return datetime.fromisoformat(text)
        if re.fullmatch(r"\d\d:\d\d:\d\d", text):
            return time.fromisoformat(text)
        return text or None

    loaded = {}
    for suffix in ("csv", "xlsx"):
        folder = tmp_path / suffix
        folder.mkdir()
        if suffix == "csv":
            shutil.copy(FIXTURES / "freshdesk-tickets.csv", folder / "export.csv")
        else:
            write_xlsx(folder / "export.xlsx", {"Tickets": [table[0]] + [
                [cell(v) for v in row] for row in table[1:]
            ]})  # fmt: skip
        loader = make_loader(folder, settle_seconds=0, timezone="Asia/Kolkata")
        loader.load_all()
        assert loader.choices[f"export.{suffix}"].label == "preset freshdesk"
        # every column but the file's name and the extras (a number there stays a number)
        loaded[suffix] = rows(
            loader,
            "SELECT id, created_at, updated_at, status, priority, channel, queue, agent, "
            "customer_id, subject, first_response_at, resolved_at, reopens, agent_replies, "
            "handle_seconds, first_response_due_at, resolution_due_at, source_line "
            "FROM ticket ORDER BY id",
        )
    assert len(loaded["csv"]) == 4  # the fifth was created "yesterday": quarantined
    assert loaded["xlsx"] == loaded["csv"]


def test_a_native_workbook_reads_its_first_visible_sheet(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "tickets.xlsx",
        {
            "Open": [
                ["id", "created_at", "status", "resolved_at"],
                ["A", datetime(2026, 11, 19, 9), "open", None],
                # epoch seconds stay epoch seconds; a serial below 10000-01-01 is a date
                ["B", 1_795_082_400, "solved", Serial(serial(datetime(2026, 11, 19, 12)))],
            ],
            "Other": [["id", "created_at"], ["X", datetime(2026, 11, 19, 9)]],
        },
    )
    loader = make_loader(tmp_path, settle_seconds=0, timezone="Europe/Berlin")
    loader.load_all()
    nine = int(datetime.fromisoformat("2026-11-19T09:00:00+01:00").timestamp())
    noon = int(datetime.fromisoformat("2026-11-19T12:00:00+01:00").timestamp())
    assert rows(loader, "SELECT id, created_at, status, resolved_at FROM ticket ORDER BY id") == [
        ("A", nine, "open", None),
        ("B", 1_795_082_400, "solved", noon),
    ]


def test_bad_rows_go_to_quarantine_with_their_sheet_row(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "surveys.xlsx",
        {
            "Responses": [
                ["id", "submitted_at", "kind", "score"],
                ["s1", datetime(2026, 11, 19, 9), "nps", 9],
                ["s2", at("09:30:00"), "nps", 7],
                [],
                ["s3", datetime(2026, 11, 19, 10), "nps", "#N/A"],
                ["s4", datetime(2026, 11, 19, 11), "csat", 9],
                ["s5", "2026-11-19T12:00:00Z", "nps", 0],
            ]
        },
    )
    # a formula error, as Excel stores one: calamine alone would read an empty cell
    _replace_in_sheet(
        tmp_path / "surveys.xlsx",
        '<c r="D5" t="inlineStr"><is><t xml:space="preserve">#N/A</t></is></c>',
        '<c r="D5" t="e"><f>VLOOKUP(A5,X!A:B,2,0)</f><v>#N/A</v></c>',
    )
    loader = make_loader(tmp_path, settle_seconds=0)
    loader.load_all()
    assert rows(loader, "SELECT id FROM survey ORDER BY id") == [("s1",), ("s5",)]
    assert rows(loader, "SELECT line, reason, raw FROM quarantine ORDER BY line") == [
        (3, "bad timestamp in submitted_at: a time of day without a date (09:30:00)",
         "s2,09:30:00,nps,7"),
        (5, "not a whole number in score: '#N/A'", "s3,2026-11-19 10:00:00,nps,#N/A"),
        (6, "csat score 9 out of range 1-5", "s4,2026-11-19 11:00:00,csat,9"),
    ]  # fmt: skip


def _replace_in_sheet(path: Path, old: str, new: str) -> None:
    part = "xl/worksheets/sheet1.xml"

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert old.encode() in parts[part]
    parts[part] = parts[part].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)


def test_a_workbook_is_read_again_whole_when_saved_again(tmp_path: Path) -> None:
    path = tmp_path / "tickets.xlsx"
    head = ["id", "created_at", "status"]
    write_xlsx(path, {"T": [head, ["A", datetime(2026, 11, 19, 9), "open"],
                             ["B", datetime(2026, 11, 19, 10), "bogus"]]})  # fmt: skip
    loader = make_loader(tmp_path, settle_seconds=0)
    first = loader.load_all()
    assert (first.tickets, first.quarantined) == (1, 1)
    # unchanged: nothing is read again
    assert loader.load_all().rows == 0
    # saved again with A solved, B fixed and C added: every row read again, once each
    write_xlsx(path, {"T": [head, ["A", datetime(2026, 11, 19, 9), "solved"],
                             ["B", datetime(2026, 11, 19, 10), "unresolved"],
                             ["C", datetime(2026, 11, 19, 11), "new"]]})  # fmt: skip
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    again = make_loader(tmp_path, settle_seconds=0).load_all()
    assert (again.tickets, again.quarantined) == (3, 0)
    assert rows(loader, "SELECT id, status FROM ticket ORDER BY id") == [
        ("A", "solved"), ("B", "unresolved"), ("C", "new"),
    ]  # fmt: skip
    # the old quarantine entry went with the old file
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]


def test_a_named_sheet_that_is_not_there_skips_the_file_naming_the_sheets(
    tmp_path: Path,
) -> None:
    write_xlsx(tmp_path / "calls.xlsx", {"Summary": [["x"]], "Calls": [["a"]]})
    (tmp_path / "cxtui.toml").write_text(
        '[[mapping]]\nfiles = "calls.xlsx"\nsheet = "Logs"\n'
        '[mapping.ticket]\nid = "a"\ncreated_at = "b"\n'
    )
    from cxtui.config import load_config

    config = load_config(tmp_path, tmp_path / "cxtui.toml")
    result = make_loader(tmp_path, settle_seconds=0, mappings=config.mappings).load_all()
    assert result.skipped == [
        "skipped calls.xlsx: no sheet named 'Logs' (the workbook has 'Summary', 'Calls')"
    ]


def test_a_broken_workbook_is_one_quarantine_entry_and_excel_lock_files_are_not_read(
    tmp_path: Path,
) -> None:
    (tmp_path / "tickets.xlsx").write_bytes(b"PK\x03\x04 half a zip")
    (tmp_path / "~$tickets.xlsx").write_bytes(b"\x00owner")
    loader = make_loader(tmp_path, settle_seconds=0)
    loader.load_all()
    assert [p.name for p in loader.data_files()] == ["tickets.xlsx"]
    [(line, reason)] = rows(loader, "SELECT line, reason FROM quarantine")
    assert line == 1 and reason.startswith("cannot read the workbook: ")


def test_a_workbook_still_being_written_waits_while_watched(tmp_path: Path) -> None:
    (tmp_path / "tickets.xlsx").write_bytes(b"PK\x03\x04 half a zip")
    loader = make_loader(tmp_path, settle_seconds=60)
    loader.load_all()
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (46345.5, datetime(2026, 11, 19, 12)),
        (46345, datetime(2026, 11, 19)),
        (0.25, time(6)),
        (61, datetime(1900, 3, 1)),
    ],
)
def test_excel_serials(days: float, expected: object) -> None:
    assert from_serial(days) == expected


def test_reader_header_row_numbers_and_blank_headers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        {"S": [[None, None], ["id", None, "score"], ["a", "note", 1.0], [None], ["b", None, 2.5]]},
    )
    sheet = read_xlsx(path.read_bytes())
    # a blank header cell is named by its column letter; 1.0 is the whole number 1
    assert sheet.columns == ["id", "B", "score"]
    assert [(r.line, r.fields) for r in list(sheet.records)] == [
        (3, {"id": "a", "B": "note", "score": 1}),
        (5, {"id": "b", "B": "", "score": 2.5}),
    ]
    with pytest.raises(SheetError, match="no sheet named 'X'"):
        read_xlsx(path.read_bytes(), "X")


def test_a_workbook_over_the_limit_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxtui.ingest import loader as loader_module

    path = write_xlsx(tmp_path / "tickets.xlsx", {"T": [["id", "created_at"], ["A", 1]]})
    monkeypatch.setattr(loader_module, "MAX_WORKBOOK_BYTES", path.stat().st_size - 1)
    result = make_loader(tmp_path, settle_seconds=0).load_all()
    assert result.skipped == ["skipped tickets.xlsx: workbook too large; save big exports as CSV"]
    assert result.rows == 0


def test_a_workbook_failing_half_way_loads_none_of_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from python_calamine import CalamineError

    from cxtui.ingest import loader as loader_module
    from cxtui.ingest import spreadsheet

    head = ["id", "created_at"]
    write_xlsx(
        tmp_path / "tickets-a.xlsx", {"T": [head, *([f"A{i}", 1_795_000_000] for i in range(5))]}
    )
    (tmp_path / "tickets.csv").write_text("id,created_at\nB,1795000000\n")
    monkeypatch.setattr(loader_module, "WORKBOOK_CHUNK_ROWS", 2)
    real_cells, calls = spreadsheet._cells, []

    def failing(row: list[object], number: int, errors: dict[tuple[int, int], str]) -> object:
        calls.append(number)
        if number == 5:  # after two chunks were written, not committed
            raise CalamineError("corrupt row")
        return real_cells(row, number, errors)

    monkeypatch.setattr(spreadsheet, "_cells", failing)
    loader = make_loader(tmp_path, settle_seconds=0)
    loader.load_all()
    assert 5 in calls
    assert rows(loader, "SELECT id FROM ticket ORDER BY id") == [("B",)]
    assert rows(loader, "SELECT file, line, reason FROM quarantine") == [
        ("tickets-a.xlsx", 1, "cannot read the workbook: corrupt row")
    ]
