"""The command line: one-line errors with exit status 2, and the report's two formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cxtui.report import duration
from tests.cli_helpers import run_cli

TICKETS = (
    "id,created_at,status,first_response_at,channel\n"
    "A,2026-11-20T10:00:00Z,open,2026-11-20T10:05:00Z,phone\n"
    "B,2026-11-20T11:00:00Z,solved,2026-11-20T11:00:10Z,chat\n"
)


def cxtui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxtui", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(TICKETS)
    (data / "surveys.jsonl").write_text(
        '{"id": "S", "submitted_at": "2026-11-20T11:30:00Z", "kind": "csat", "score": 2}\ngarbage\n'
    )
    return data


MISTAKES = [
    (["report", "/no/such/folder"], "cxtui: no such folder: /no/such/folder"),
    (["report", "{folder}", "--window", "7x"], "cxtui: bad --window: cannot read duration"),
    (["report", "{folder}", "--as-of", "soon"], "cxtui: bad --as-of: bad timestamp"),
    (["report", "{folder}", "--format", "xml"], "cxtui: Invalid value for '--format'"),
    (["ingest", "/no/such/folder"], "cxtui: no such folder"),
    (["report", "{folder}", "--db", "/proc/nope/x.db"], "cxtui: no such folder for --db"),
    (["report", "{folder}", "--db", "/proc/x.db"], "cxtui: cannot open database /proc/x.db"),
]
IN_A_PROCESS = [MISTAKES[3], MISTAKES[6]]
"""A mistake click itself reports and one from the database, also from a `cxtui` process of
their own: the same entry point as `run_cli`, each start costs 0.6 s of CPU."""


@pytest.mark.parametrize(("args", "message"), MISTAKES)
def test_mistakes_are_one_line_and_exit_2(folder: Path, args: list[str], message: str) -> None:
    result = run_cli(*[a.replace("{folder}", str(folder)) for a in args])
    assert result.code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), IN_A_PROCESS)
def test_mistakes_from_a_cxtui_process_are_one_line_and_exit_2(
    folder: Path, args: list[str], message: str
) -> None:
    result = cxtui(*[a.replace("{folder}", str(folder)) for a in args])
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_report_json_on_a_small_folder(folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    result = cxtui("report", str(folder), "--db", db, "--as-of", "2026-11-20T12:00:00Z",
                   "--window", "24h", "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["as_of"] == "2026-11-20T12:00:00Z"
    assert report["window_seconds"] == 86_400
    # A answered after 300 s, B after 10 s: mean 155, median 155, p90 10 + 0.9 * 290 = 271
    assert report["first_response"] == {
        "count": 2,
        "mean_seconds": 155.0,
        "median_seconds": 155.0,
        "p90_seconds": 271.0,
    }
    assert report["queue"]["open"] == 1
    assert report["queue"]["oldest_open_age_seconds"] == 7200
    assert report["resolution"]["created"] == 2
    assert report["resolution"]["resolved"] == 1
    # one unsatisfied answer: p = 0, so the margin 100·1.96·√(0·1/1) is 0; the Wilson
    # interval is 0 to 1 - 1 / (1 + 1.96²) = 79.35 %
    interval = report["csat"].pop("interval_95")
    assert interval == pytest.approx([0.0, 79.34567], abs=1e-4)
    assert report["csat"] == {
        "responses": 1,
        "satisfied": 0,
        "score_pct": 0.0,
        "mean": 2.0,
        "margin_95": 0.0,
    }
    assert report["quarantine"] == {"rows": 1}
    # service level: offered 2 (both answered), within 20 s: B only
    assert report["service_level"]["answered_within"] == 1
    assert report["service_level"]["rate"] == 0.5


def test_report_table_is_for_people(folder: Path, tmp_path: Path) -> None:
    result = cxtui("report", str(folder), "--db", str(tmp_path / "x.db"),
                   "--as-of", "2026-11-20T12:00:00Z")  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  oldest open                          2h 00m" in lines
    assert "  median                               2m 35s" in lines
    assert (
        "  clock                                calendar time (first response and resolution)"
        in lines
    )
    # B is solved but has no resolved_at, so it cannot be placed in the window: 0 of 2
    assert "  solved in window (flow)              0 (0.0 % of created)" in lines
    # A by phone (300 s) and B by chat (10 s) are both live; nothing else is
    assert "Live channels (phone, chat)" in lines
    assert "  live (phone, chat)                   median 2m 35s, p90 4m 31s (n=2)" in lines
    assert "  async (every other channel)          median —, p90 — (n=0)" in lines
    assert "Change against the previous window" in lines


def test_ingest_then_second_ingest_finds_nothing_new(folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    first = cxtui("ingest", str(folder), "--db", db)
    assert first.returncode == 0
    assert "loaded 2 ticket rows and 1 survey row from 2 files; 1 quarantined" in first.stderr
    second = cxtui("ingest", str(folder), "--db", db)
    assert "loaded 0 ticket rows and 0 survey rows from 0 files; 0 quarantined" in second.stderr


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (45, "45s"),
        (725, "12m 05s"),
        (3840, "1h 04m"),
        (93_600, "1d 02h"),
        (604_800, "7d 00h"),
    ],
)
def test_durations_read_like_a_person_would_write_them(seconds: int | None, text: str) -> None:
    assert duration(seconds) == text
