"""Nothing from the folder reaches the terminal as a control through the command line.

A file named with OSC 0 would retitle the supervisor's terminal and one with OSC 52 would
write their clipboard; C1 controls and bidi overrides act or mislead the same way. Names,
values and reasons are printed by `cxtui ingest`, `report` and `check` and in errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import raw_controls, run_cli

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;aGFja2Vk\x07"
C1_CSI = "\x9b31m"
C1_OSC = "\x9d0;t\x9c"
BIDI = "\u202e"
AS_OF = "2026-11-20T12:00:00Z"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A folder whose file names, values and bad rows all carry escape sequences."""
    data = tmp_path / "data"
    data.mkdir()
    (data / f"tickets{OSC_TITLE}{C1_CSI}{BIDI}.csv").write_text(
        "id,created_at,status,priority,queue,channel,agent\n"
        f"A,2026-11-20T10:00:00Z,open,high,{OSC_CLIPBOARD},{BIDI}web,{C1_OSC}ann\n"
        f"B,{OSC_TITLE},open,high,billing,email,bo\n"
        f"C,2026-11-20T10:00:00Z,open,{C1_CSI}high,billing,email,bo\n"
    )
    (data / f"binary{OSC_CLIPBOARD}{C1_OSC}.csv").write_bytes(b"\x00" * 64)
    return data


def _no_raw_controls(text: str) -> None:
    assert raw_controls(text) == []


def test_ingest_progress_summary_and_skipped_files_are_shown_inert(
    hostile: Path, tmp_path: Path
) -> None:
    result = run_cli("ingest", str(hostile), "--db", str(tmp_path / "x.db"))
    assert result.code == 0, result.stderr
    # the progress line redraws itself with a carriage return: the only control allowed
    _no_raw_controls(result.stderr.replace("\rloaded ", "loaded "))
    _no_raw_controls(result.stdout)
    assert "tickets␛]0;pwned␇⟨U+009B⟩31m⟨U+202E⟩.csv 100 %" in result.stderr
    assert "skipped binary␛]52;c;aGFja2Vk␇⟨U+009D⟩0;t⟨U+009C⟩.csv: binary content" in (
        result.stderr
    )
    assert "loaded 1 ticket row and 0 survey rows from 1 file; 2 quarantined" in (result.stderr)


def test_report_table_shows_values_and_names_inert(hostile: Path, tmp_path: Path) -> None:
    result = run_cli("report", str(hostile), "--db", str(tmp_path / "x.db"), "--as-of", AS_OF)
    assert result.code == 0, result.stderr
    _no_raw_controls(result.stdout)
    _no_raw_controls(result.stderr)
    lines = result.stdout.splitlines()
    assert "  by queue                             ␛]52;c;aGFja2Vk␇ 1" in lines
    assert "  by channel                           ⟨U+202E⟩web 1" in lines
    assert "skipped binary␛]52;c;aGFja2Vk␇⟨U+009D⟩0;t⟨U+009C⟩.csv" in result.stderr


def test_report_json_escapes_every_control_and_keeps_the_data(
    hostile: Path, tmp_path: Path
) -> None:
    result = run_cli("report", str(hostile), "--db", str(tmp_path / "x.db"),
                     "--as-of", AS_OF, "--format", "json")  # fmt: skip
    assert result.code == 0, result.stderr
    _no_raw_controls(result.stdout)
    _no_raw_controls(result.stderr)
    report = json.loads(result.stdout)
    assert report["queue"]["by_queue"] == {OSC_CLIPBOARD: 1}
    assert report["queue"]["by_channel"] == {f"{BIDI}web": 1}


def test_check_shows_names_and_reasons_inert(hostile: Path) -> None:
    result = run_cli("check", str(hostile))
    assert result.code == 2
    _no_raw_controls(result.stdout)
    _no_raw_controls(result.stderr)
    assert "tickets␛]0;pwned␇⟨U+009B⟩31m⟨U+202E⟩.csv: native tickets" in result.stdout
    assert "binary␛]52;c;aGFja2Vk␇⟨U+009D⟩0;t⟨U+009C⟩.csv: not read" in result.stdout


def test_an_error_naming_a_hostile_path_is_one_inert_line(tmp_path: Path) -> None:
    missing = tmp_path / f"gone{OSC_TITLE}\n{BIDI}"
    result = run_cli("report", str(missing))
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    _no_raw_controls(result.stderr)
    assert result.stderr.endswith("gone␛]0;pwned␇ ⟨U+202E⟩\n")


def test_a_value_with_a_line_break_cannot_add_a_line_to_the_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(
        "id,created_at,status,priority,queue\n"
        'A,2026-11-20T10:00:00Z,open,high,"x\n  oldest open  0s"\n'
    )
    result = run_cli("report", str(data), "--db", str(tmp_path / "x.db"), "--as-of", AS_OF)
    assert result.code == 0, result.stderr
    assert "  by queue                             x   oldest open  0s 1" in (
        result.stdout.splitlines()
    )
    assert sum(line.startswith("  oldest open") for line in result.stdout.splitlines()) == 1


def test_a_file_name_that_is_not_utf8_is_skipped_inert(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text("id,created_at,status\nA,2026-11-20T10:00:00Z,open\n")
    with open(bytes(data) + b"/t\x9b\x1b]0;x\x07.csv", "wb") as bad:
        bad.write(b"id,created_at,status\nB,2026-11-20T10:00:00Z,open\n")
    result = run_cli("ingest", str(data), "--db", str(tmp_path / "x.db"))
    assert result.code == 0, result.stderr
    _no_raw_controls(result.stderr.replace("\rloaded ", "loaded "))
    assert "loaded 1 ticket row and 0 survey rows from 1 file; 0 quarantined" in (result.stderr)
    assert (
        "skipped t⟨U+DC9B⟩␛]0;x␇.csv: the file name is not UTF-8; rename the file" in result.stderr
    )
