"""Each preset end to end: a fixture export in the tool's own shape (tests/presets/) through
`cxtui report --format json`, against numbers worked out by hand from the fixture rows.

Every report is as of 2026-11-20T12:00:00Z over 7 days, so the window is
(2026-11-13T12:00Z, 2026-11-20T12:00Z]; all fixture rows fall inside it unless noted.
Percentiles: rank h = (n - 1)·q, interpolated between neighbours (docs/metrics.md).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run_cli
from tests.ingest_helpers import make_loader, rows

FIXTURES = Path(__file__).parent / "presets"
AS_OF = "2026-11-20T12:00:00Z"


def folder_with(tmp_path: Path, *names: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for name in names:
        shutil.copy(FIXTURES / name, data / name)
    return data


def report(data: Path, tmp_path: Path, *extra: str) -> dict[str, Any]:
    """`cxtui report --format json` through the command's own entry point, in this process
    (the tests' user folders hold no config); test_cli.py runs it as a process."""
    done = run_cli(
        "report", str(data), "--db", str(tmp_path / "x.db"), "--as-of", AS_OF,
        "--window", "7d", "--format", "json", *extra,
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_zendesk_api_page_with_side_loaded_metric_sets(tmp_path: Path) -> None:
    r = report(folder_with(tmp_path, "zendesk-page.json"), tmp_path)
    queue = r["queue"]
    # open: 102 open, 103 hold -> on_hold, 105 new; 101 solved, 104 closed, 106 deleted -> closed
    assert queue["open"] == 3
    assert queue["by_status"] == {"new": 1, "open": 1, "on_hold": 1}
    assert queue["by_priority"] == {"normal": 1, "urgent": 1, "unknown": 1}
    # via.channel: voice -> phone, chat stays, native_messaging -> chat
    assert queue["by_channel"] == {"chat": 2, "phone": 1}
    assert queue["by_queue"] == {"360001": 1, "360002": 1, "unknown": 1}
    # 103 has no reply time, 105 has no metric set at all
    assert queue["awaiting_first_response"] == 2
    # oldest open is 103, created 2026-11-18T08:00Z: 2 days 4 hours before as_of
    assert queue["oldest_open_age_seconds"] == 2 * 86_400 + 4 * 3_600
    # first reply = created_at + reply_time_in_minutes.calendar: 101 30 min, 102 10 min,
    # 104 60 min -> 600, 1800, 3600 s; mean 2000, median 1800, p90 h=1.8: 1800 + 0.8*1800
    assert r["first_response"] == {
        "count": 3,
        "mean_seconds": 2000.0,
        "median_seconds": 1800.0,
        "p90_seconds": 3240.0,
    }
    res = r["resolution"]
    # 6 created; resolved 101, 104 and the deleted 106 -> 3, rate 0.5
    assert (res["created"], res["resolved"], res["rate"]) == (6, 3, 0.5)
    # 101: solved_at 12:00 - created 09:00 = 10800; 104: no solved_at, so created +
    # full_resolution 1440 min = 86400; 106 has none. median 48600, p90 10800 + 0.9*75600
    assert (res["median_seconds"], res["p90_seconds"]) == (48_600.0, 78_840.0)
    # reopens known for 101 (0 reopens, 1 reply: first contact) and 104 (1 reopen)
    assert (res["fcr_rate"], res["reopen_rate"]) == (0.5, 0.5)
    # resolved inside the window: 101 (11-19 12:00) and 104 (11-18 08:00); 2 of 6 created
    assert res["resolved_in_window"] == 2
    assert res["flow_rate"] == pytest.approx(2 / 6)
    # answered 101 (e-mail), 102 (voice -> phone), 104 (web): only 102 is live, and it was
    # answered after 10 min, not within 20 s
    abandonment = r["abandonment"]
    assert (abandonment["offered"], abandonment["abandoned"], abandonment["rate"]) == (1, 0, 0.0)
    assert (r["service_level"]["answered_within"], r["service_level"]["rate"]) == (0, 0.0)
    assert r["quarantine"] == {"rows": 0}


def test_zendesk_ratings_are_csat_and_filter_through_their_tickets(tmp_path: Path) -> None:
    data = folder_with(tmp_path, "zendesk-page.json", "zendesk-satisfaction.json")
    r = report(data, tmp_path)
    # good, bad, good (offered and unoffered are not responses): scores 5, 1, 5
    assert r["csat"] == {
        "responses": 3,
        "satisfied": 2,
        "score_pct": pytest.approx(200 / 3),
        "mean": pytest.approx(11 / 3),
        # p = 2/3, n = 3: 196 * sqrt((2/3)(1/3) / 3) = 196 * sqrt(2/27)
        "margin_95": pytest.approx(196 * (2 / 27) ** 0.5),
        # Wilson, 2 of 3 (test_metrics works the formula): 20.77 % to 93.85 %
        "interval_95": pytest.approx([20.7655, 93.8510], abs=1e-4),
    }
    assert r["quarantine"] == {"rows": 0}
    # ratings about e-mail tickets: 7001 (ticket 101) and 7005 (ticket 106), both good
    emailed = report(data, tmp_path, "--channel", "email")
    assert emailed["csat"]["responses"] == 2
    assert emailed["csat"]["satisfied"] == 2
    # 7002 is about 104, a web ticket
    web = report(data, tmp_path, "--channel", "web")
    assert (web["csat"]["responses"], web["csat"]["satisfied"]) == (1, 0)


def test_zendesk_jsonl_with_metric_set_embedded_and_versions(tmp_path: Path) -> None:
    data = folder_with(tmp_path, "zendesk-tickets.jsonl")
    r = report(data, tmp_path)
    # 201 appears twice; the later version (pending, replied after 120 min) wins.
    # 202 replied after 45 min. Waits 2700 and 7200: mean = median 4950, p90 2700 + 0.9*4500
    assert r["first_response"] == {
        "count": 2,
        "mean_seconds": 4950.0,
        "median_seconds": 4950.0,
        "p90_seconds": 6750.0,
    }
    assert r["queue"]["by_status"] == {"pending": 1}
    # 202 solved at 14:00, created 10:00: 14400 s; 0 reopens and 1 reply: first contact
    res = r["resolution"]
    assert (res["resolved"], res["median_seconds"], res["fcr_rate"]) == (1, 14_400.0, 1.0)
    with sqlite3.connect(tmp_path / "x.db") as db:
        history = db.execute(
            "SELECT status FROM status_change WHERE ticket_id = '201' ORDER BY at"
        ).fetchall()
    assert history == [("new",), ("pending",)]


def test_freshdesk_csv(tmp_path: Path) -> None:
    r = report(folder_with(tmp_path, "freshdesk-tickets.csv"), tmp_path)
    queue = r["queue"]
    # 2002 Open (urgent, portal -> web), 2003 Waiting on Customer -> pending (low, chat)
    assert queue["by_status"] == {"open": 1, "pending": 1}
    assert queue["by_priority"] == {"low": 1, "urgent": 1}
    assert queue["by_channel"] == {"chat": 1, "web": 1}
    assert queue["by_queue"] == {"Billing": 1, "Tech": 1}
    # 2002 was due 2026-11-19 18:00, before as_of
    assert (queue["sla_breached"], queue["sla_at_risk"]) == (1, 0)
    # 2002 created 11-19 10:00: 26 h before as_of
    assert queue["oldest_open_age_seconds"] == 26 * 3_600
    # Initial response time - Created time: 1200, 1800, 300, 10 -> sorted 10, 300, 1200, 1800
    # mean 3310/4, median (300+1200)/2, p90 h=2.7: 1200 + 0.7*600
    assert r["first_response"] == {
        "count": 4,
        "mean_seconds": 827.5,
        "median_seconds": 750.0,
        "p90_seconds": 1620.0,
    }
    res = r["resolution"]
    # 2001 Resolved after 6 h; 2004 Closed (no Resolved time) after 1 h
    assert (res["created"], res["resolved"], res["rate"]) == (4, 2, 0.5)
    assert (res["median_seconds"], res["p90_seconds"]) == (12_600.0, 19_800.0)
    # Freshdesk does not export reopens
    assert (res["fcr_rate"], res["reopen_rate"]) == (None, None)
    assert (res["resolved_in_window"], res["flow_rate"]) == (2, 0.5)
    # Time tracked 00:25:00, 00:10:00, 00:05:00, 00:03:00 -> 1500, 600, 300, 180; mean 645
    assert r["handle_time"] == {"count": 4, "mean_seconds": 645.0}
    # live: 2003 (chat, 300 s) and 2004 (phone, 10 s); only 2004 within 20 s -> 1 of 2
    assert (r["service_level"]["answered_within"], r["service_level"]["rate"]) == (1, 0.5)
    # 2005's Created time is "yesterday"
    assert r["quarantine"] == {"rows": 1}


def test_freshservice_title_case_headers(tmp_path: Path) -> None:
    r = report(folder_with(tmp_path, "freshservice-tickets.csv"), tmp_path)
    # INC-12 resolved 2 h after creation, first reply after 15 min, 1:30 tracked
    assert r["first_response"]["median_seconds"] == 900.0
    assert r["resolution"]["median_seconds"] == 7_200.0
    assert r["handle_time"] == {"count": 1, "mean_seconds": 5_400.0}
    # SR-5 is open, low, from the portal, with no reply yet
    assert r["queue"]["by_priority"] == {"low": 1}
    assert r["queue"]["by_channel"] == {"web": 1}
    assert r["queue"]["awaiting_first_response"] == 1
    assert r["quarantine"] == {"rows": 0}


def test_delighted_rows(tmp_path: Path) -> None:
    r = report(folder_with(tmp_path, "delighted-responses.csv"), tmp_path)
    # nps 10, 9, 6, 8 and enps 3 -> 2 promoters, 1 passive, 2 detractors; the nps 7 on 11-01 is
    # outside the window. score 100*(2-2)/5 = 0; p = d = 0.4: 196*sqrt(0.8/5) = 78.4
    assert r["nps"]["responses"] == 5
    assert (r["nps"]["promoters"], r["nps"]["passives"], r["nps"]["detractors"]) == (2, 1, 2)
    assert r["nps"]["score"] == 0.0
    assert r["nps"]["margin_95"] == pytest.approx(78.4)
    # csat 4 and smileys 2 -> 1 satisfied of 2, mean 3
    # p = 1/2, n = 2: 196 * sqrt(0.25 / 2) = 196 * sqrt(0.125)
    assert r["csat"] == {
        "responses": 2,
        "satisfied": 1,
        "score_pct": 50.0,
        "mean": 3.0,
        "margin_95": pytest.approx(196 * 0.125**0.5),
        # Wilson, 1 of 2: 9.45 % to 90.55 %
        "interval_95": pytest.approx([9.4529, 90.5471], abs=1e-4),
    }
    assert r["ces"] == {"responses": 1, "mean": 5.0}
    # thumbs has no NPS/CSAT/CES scale; nps 11 is out of range
    assert r["quarantine"] == {"rows": 2}


def test_chatwoot_csat_ignores_the_report_period_line(tmp_path: Path) -> None:
    data = folder_with(tmp_path, "chatwoot-csat.csv")
    r = report(data, tmp_path)
    # ratings 5, 2, 4 in the window (the 3 is from 11-05): 2 satisfied, mean 11/3
    assert r["csat"] == {
        "responses": 3,
        "satisfied": 2,
        "score_pct": pytest.approx(200 / 3),
        "mean": pytest.approx(11 / 3),
        # p = 2/3, n = 3: 196 * sqrt((2/3)(1/3) / 3) = 196 * sqrt(2/27)
        "margin_95": pytest.approx(196 * (2 / 27) ** 0.5),
        # Wilson, 2 of 3 (test_metrics works the formula): 20.77 % to 93.85 %
        "interval_95": pytest.approx([20.7655, 93.8510], abs=1e-4),
    }
    assert r["quarantine"] == {"rows": 0}
    with sqlite3.connect(tmp_path / "x.db") as db:
        stored = db.execute(
            "SELECT id, ticket_id, customer_id, submitted_at FROM survey ORDER BY source_line"
        ).fetchall()
    assert stored[:3] == [
        # 2026-11-19 14:03:10 UTC
        ("chatwoot-42", "42", "jo@example.com", 1_795_082_400 + 4 * 3_600 + 3 * 60 + 10),
        ("chatwoot-43", "43", "kim@example.com", 1_795_082_400 + 6 * 3_600),
        # no conversation link: the row's place in the file is its id; phone when no e-mail
        ("chatwoot-csat.csv:4", None, "+15550102", 1_795_082_400 + 23 * 3_600 + 30 * 60),
    ]


def test_generic_nps_and_csat_files(tmp_path: Path) -> None:
    r = report(folder_with(tmp_path, "nps-responses.csv", "feedback.csv"), tmp_path)
    # nps-responses.csv: kind from the file name; 10, 3, 9 -> P 2, D 1: 100/3;
    # p = 2/3, d = 1/3: 196 * sqrt((1 - 1/9) / 3)
    assert r["nps"]["responses"] == 3
    assert r["nps"]["score"] == pytest.approx(100 / 3)
    assert r["nps"]["margin_95"] == pytest.approx(196 * (8 / 27) ** 0.5)
    # feedback.csv: kind from its Survey column: CSAT 5 and 1, CES 2
    # p = 1/2, n = 2: 196 * sqrt(0.25 / 2) = 196 * sqrt(0.125)
    assert r["csat"] == {
        "responses": 2,
        "satisfied": 1,
        "score_pct": 50.0,
        "mean": 3.0,
        "margin_95": pytest.approx(196 * 0.125**0.5),
        # Wilson, 1 of 2: 9.45 % to 90.55 %
        "interval_95": pytest.approx([9.4529, 90.5471], abs=1e-4),
    }
    assert r["ces"] == {"responses": 1, "mean": 2.0}


def test_phone_call_log_through_the_worked_mapping(tmp_path: Path) -> None:
    data = folder_with(tmp_path, "calls-2026-11.csv", "cxtui.toml")
    r = report(data, tmp_path)
    # 7 calls load (the 31/02 row cannot), 5 answered (Y/Yes), 2 abandoned (N/No)
    assert r["resolution"]["created"] == 7
    abandonment = r["abandonment"]
    assert (abandonment["offered"], abandonment["abandoned"]) == (7, 2)
    assert (abandonment["rate"], abandonment["channels"]) == (
        pytest.approx(2 / 7),
        ["phone", "chat"],
    )
    # speed of answer 12, 45, 20, 8, 15 -> mean 20, median 15, p90 h=3.6: 20 + 0.6*25
    assert r["first_response"] == {
        "count": 5,
        "mean_seconds": 20.0,
        "median_seconds": 15.0,
        "p90_seconds": 35.0,
    }
    # within 20 s: 12, 20, 8, 15 of 7 offered
    assert r["service_level"]["answered_within"] == 4
    assert r["service_level"]["rate"] == pytest.approx(4 / 7)
    # resolved = answered + talk: 282, 645, 140, 188, 75 -> median 188, p90 282 + 0.6*363
    res = r["resolution"]
    assert (res["resolved"], res["median_seconds"]) == (5, 188.0)
    assert res["p90_seconds"] == pytest.approx(499.8)
    # talk 4:30, 10:00, 2:00, 3:00, 1:00 -> 270 + 600 + 120 + 180 + 60 = 1230 / 5
    assert r["handle_time"] == {"count": 5, "mean_seconds": 246.0}
    # satisfaction 5, 2, 4 (one blank: no survey; a 9 is out of range) -> 2 of 3 satisfied
    assert r["csat"] == {
        "responses": 3,
        "satisfied": 2,
        "score_pct": pytest.approx(200 / 3),
        "mean": pytest.approx(11 / 3),
        # p = 2/3, n = 3: 196 * sqrt((2/3)(1/3) / 3) = 196 * sqrt(2/27)
        "margin_95": pytest.approx(196 * (2 / 27) ** 0.5),
        # Wilson, 2 of 3 (test_metrics works the formula): 20.77 % to 93.85 %
        "interval_95": pytest.approx([20.7655, 93.8510], abs=1e-4),
    }
    # the bad date row and the survey part of the satisfaction-9 row
    assert r["quarantine"] == {"rows": 2}
    with sqlite3.connect(tmp_path / "x.db") as db:
        first = db.execute(
            "SELECT id, created_at, channel, queue, agent FROM ticket ORDER BY source_line LIMIT 1"
        ).fetchone()
        survey = db.execute("SELECT id, ticket_id, submitted_at FROM survey LIMIT 1").fetchone()
        reasons = db.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()
    # 19/11/2026 09:00:05 in Berlin (UTC+1 in November) is 08:00:05Z
    created = 1_795_082_400 - 2 * 3_600 + 5
    assert first == ("calls-2026-11.csv:2", created, "phone", "Billing", "Ana")
    # the survey is about the call and was given when the call ended: +12 s +4:30
    assert survey == ("calls-2026-11.csv:2", "calls-2026-11.csv:2", created + 12 + 270)
    assert reasons == [
        (8, "survey part (the ticket loaded): csat score 9 out of range 1-5"),
        (9, "bad timestamp in created_at: '31/02/2026 14:00:00' does not match "
            "'%d/%m/%Y %H:%M:%S'"),
    ]  # fmt: skip


# --- the loader's seam ------------------------------------------------------------------------


def test_a_preset_file_lacking_a_required_column_is_one_message(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "Ticket ID,Subject,Status,Priority,Source\n1,a,Open,Low,Email\n2,b,Open,Low,Email\n"
    )
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.rows, result.quarantined) == (0, 0)
    assert result.skipped == [
        "skipped export.csv: preset freshdesk: no column for ticket field created_at "
        "(needs 'Created time' or 'Created date')"
    ]


def test_a_native_csv_lacking_a_required_column_is_one_message(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text("id,status\nA,open\nB,open\n")
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.rows, result.quarantined) == (0, 0)
    assert len(result.skipped) == 1
    assert result.skipped[0].startswith("skipped tickets.csv: no 'created_at' column for tickets")


def test_a_preset_jsonl_carries_on_after_a_restart(tmp_path: Path) -> None:
    lines = (FIXTURES / "zendesk-tickets.jsonl").read_text().splitlines(keepends=True)
    path = tmp_path / "zendesk.jsonl"
    path.write_text(lines[0])
    make_loader(tmp_path).load_all()
    with path.open("a") as handle:
        handle.writelines(lines[1:])
    # a new loader knows the file only by its stored kind, and rebinds the preset from the
    # first row it reads now (202, which carries a metric_set)
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert result.tickets == 2
    assert rows(loader, "SELECT kind FROM source_file") == [("preset:zendesk-tickets",)]
    assert rows(loader, "SELECT id, status, first_response_at FROM ticket ORDER BY id") == [
        # 201: created 09:00Z + 120 min; 202: 10:00Z + 45 min
        ("201", "pending", 1_795_078_800 + 7_200),
        ("202", "solved", 1_795_082_400 + 2_700),
    ]


def test_editing_a_mapping_reads_its_files_again(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text("Ref,When,Outcome\nX1,2026-11-19 10:00:00,done\n")
    config = tmp_path / "cxtui.toml"
    config.write_text(
        '[[mapping]]\nfiles = "log.csv"\n[mapping.ticket]\n'
        'id = "Ref"\ncreated_at = "When"\nstatus = "Outcome"\n'
    )
    from cxtui.config import load_config

    loader = make_loader(tmp_path, mappings=load_config(tmp_path).mappings)
    assert loader.load_all().tickets == 1
    assert rows(loader, "SELECT status FROM ticket") == [("solved",)]
    config.write_text(
        '[[mapping]]\nfiles = "log.csv"\n[mapping.ticket]\n'
        'id = "Ref"\ncreated_at = "When"\n'
        'status = { column = "Outcome", values = { done = "closed" } }\n'
    )
    # the file itself has not changed, but the rules that read it have
    loader = make_loader(tmp_path, mappings=load_config(tmp_path).mappings)
    assert loader.load_all().tickets == 1
    assert rows(loader, "SELECT status FROM ticket") == [("closed",)]
    assert loader.load_all().tickets == 0  # and then it is read up to date
