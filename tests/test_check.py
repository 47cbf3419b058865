"""`cxtui check`: a dry run that names, for each file, its rules, what would load, what would
be quarantined and why, and what a mapping still needs; exit 0 only when everything loads."""

from __future__ import annotations

import shutil
from pathlib import Path

from cxtui.check import check_folder, exit_status
from cxtui.config import load_config
from tests.cli_helpers import cxtui, run_cli

FIXTURES = Path(__file__).parent / "presets"


def test_a_clean_folder_exits_0_and_says_what_read_each_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("zendesk-satisfaction.json", "chatwoot-csat.csv"):
        shutil.copy(FIXTURES / name, data / name)
    done = cxtui("check", str(data), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "chatwoot-csat.csv: preset chatwoot-csat",
        "  would load 4 survey rows",
        "zendesk-satisfaction.json: preset zendesk-satisfaction",
        "  would load 3 survey rows",
        "",
        "2 files: 2 ready, 0 need attention",
    ]
    # a dry run: nothing written next to the data
    assert sorted(p.name for p in data.iterdir()) == [
        "chatwoot-csat.csv",
        "zendesk-satisfaction.json",
    ]


def test_problems_are_named_file_by_file_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "freshdesk-tickets.csv", data / "freshdesk-tickets.csv")
    # a Freshdesk export without its Created time column
    (data / "fd-short.csv").write_text(
        "Ticket ID,Subject,Status,Priority,Source\n1,a,Open,Low,Email\n"
    )
    (data / "calls-1.csv").write_text(
        "Date,Time,Answered,Talk Duration\n19/11/2026,09:00:05,Y,0:04:30\n"
    )
    (data / "cxtui.toml").write_text(
        '[[mapping]]\nfiles = "calls-*.csv"\ntime_format = "%d/%m/%Y %H:%M:%S"\n'
        '[mapping.ticket]\nid = { row = true }\ncreated_at = { columns = ["Date", "Time"] }\n'
        'handle_seconds = "Talk Tme"\n'
    )
    checks = {c.file: c for c in check_folder(data, load_config(data))}
    assert sorted(checks) == ["calls-1.csv", "fd-short.csv", "freshdesk-tickets.csv"]

    calls = checks["calls-1.csv"]
    assert calls.matched == "mapping for 'calls-*.csv' (cxtui.toml)"
    assert (calls.tickets, calls.quarantined, calls.problem) == (1, 0, None)
    assert calls.absent == ["Talk Tme"]  # a typo: loads, but handle time stays empty

    short = checks["fd-short.csv"]
    assert (short.tickets, short.quarantined) == (0, 0)
    assert short.problem == (
        "preset freshdesk: no column for ticket field created_at "
        "(needs 'Created time' or 'Created date')"
    )

    freshdesk = checks["freshdesk-tickets.csv"]
    assert (freshdesk.tickets, freshdesk.quarantined) == (4, 1)
    assert freshdesk.reasons == [(6, "bad timestamp in created_at: 'yesterday'")]
    assert exit_status(list(checks.values())) == 2

    done = run_cli("check", str(data))
    assert done.code == 2
    lines = done.stdout.splitlines()
    assert "  note: the mapping names column 'Talk Tme', which this file does not have" in lines
    assert (
        "  cannot be loaded: preset freshdesk: no column for ticket field created_at "
        "(needs 'Created time' or 'Created date')"
    ) in lines
    assert "  1 row would be quarantined; the first:" in lines
    assert "    line 6: bad timestamp in created_at: 'yesterday'" in lines
    assert lines[-1] == "3 files: 1 ready, 2 need attention"


def test_an_empty_folder_or_a_bad_config_is_not_a_pass(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run_cli("check", str(empty))
    assert (done.code, done.stdout.strip()) == (
        2,
        f"no data files (.csv, .jsonl, .ndjson, .json, .xlsx) in {empty}",
    )
    (empty / "cxtui.toml").write_text('[[mapping]]\nfiles = "x"\n')
    done = run_cli("check", str(empty))
    assert done.code == 2
    assert done.stderr.startswith("cxtui: ")
    assert "mapping 1: map at least one field" in done.stderr


def test_file_names_and_reasons_cannot_drive_the_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets\x1b[2J.csv").write_text(
        "id,created_at,status\nA,2026-11-20T10:00:00Z,\x1b[31m\n"
    )
    done = run_cli("check", str(data))
    assert done.code == 2
    assert "\x1b" not in done.stdout
    assert "unknown status" in done.stdout
