"""`cxtui report --by`: the JSON gains a "by" key with the hand-worked rows and keeps every
other key; the table prints one line per row; a bad --by is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.breakdown_fixture import AS_OF_TEXT, EXPECTED, write_centre
from tests.cli_helpers import run_cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_centre(tmp_path / "data")


def _report(folder: Path, *args: str) -> str:
    outcome = run_cli("report", str(folder), "--as-of", AS_OF_TEXT, "--window", "7d", *args)
    assert outcome.code == 0, outcome.stderr
    return outcome.stdout


def test_json_by_agent_adds_the_rows_and_keeps_every_key(folder: Path) -> None:
    plain = json.loads(_report(folder, "--format", "json"))
    by = json.loads(_report(folder, "--format", "json", "--by", "agent"))
    assert list(by) == [*plain, "by"]
    assert {k: v for k, v in by.items() if k != "by"} == plain
    assert by["by"]["dimension"] == "agent"
    rows = {row["value"]: row for row in by["by"]["rows"]}
    assert set(rows) == set(EXPECTED)
    for agent, figures in EXPECTED.items():
        assert rows[agent] == {"value": agent, **figures}


def test_filters_do_not_narrow_the_table_and_it_says_so(folder: Path) -> None:
    """--queue narrows the report, not the by-agent table: the same rows as without it,
    and the table's title and the JSON say the filters were not applied to it."""
    plain = json.loads(_report(folder, "--format", "json", "--by", "agent"))["by"]
    narrowed = json.loads(_report(folder, "--format", "json", "--by", "agent", "--queue", "tech"))
    assert narrowed["by"] == plain
    assert plain["filtered"] is False
    assert _report(folder, "--by", "agent").count("do not narrow") == 0
    text = _report(folder, "--by", "agent", "--queue", "tech")
    assert "By agent (every ticket and survey: the report's filters do not narrow" in text


def test_json_by_queue(folder: Path) -> None:
    rows = json.loads(_report(folder, "--format", "json", "--by", "queue"))["by"]["rows"]
    assert [(r["value"], r["open_now"], r["sla_breached_now"]) for r in rows] == [
        ("billing", 4, 2),
        ("tech", 4, 4),
    ]


def test_table_by_agent_marks_the_agent_in_words(folder: Path) -> None:
    text = _report(folder, "--by", "agent")
    table = text[text.index("By agent") :].splitlines()
    assert table[1].split()[:4] == ["agent", "open", "SLA", "breached"]
    bo = next(line for line in table if line.strip().startswith("bo "))
    assert "4 · watch" in bo
    assert "5m 00s" in bo  # bo's median first reply, 300 s
    assert any(line.strip().startswith("(unassigned)") for line in table)


@pytest.mark.parametrize("by", ["agents", "priority", "segment:region", ""])
def test_a_bad_by_names_the_choices(folder: Path, by: str) -> None:
    outcome = run_cli("report", str(folder), "--by", by)
    assert outcome.code == 2
    assert "--by" in outcome.stderr
    assert "agent, queue, channel" in outcome.stderr


def test_a_name_from_the_files_never_acts_on_the_terminal() -> None:
    from cxtui.breakdown import Breakdown, BreakdownRow
    from cxtui.breakdown_report import breakdown_table
    from tests.cli_helpers import raw_controls

    row = BreakdownRow(
        value="\x1b[31mEvil\u202e",
        open_now=1,
        sla_breached_now=0,
        handled=1,
        first_response_median_seconds=None,
        resolution_rate=None,
        handle_time_mean_seconds=None,
        reopen_rate=None,
        csat_pct=None,
        csat_n=0,
        nps=None,
        nps_n=0,
        ces_mean=None,
        ces_n=0,
    )
    text = breakdown_table(Breakdown("agent", 0, 0, [row]))
    assert raw_controls(text) == []
    assert "␛[31mEvil" in text
