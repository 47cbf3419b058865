"""Contacts that ended without resolution (status `unresolved`): finished, so never in the open
queue and never breaching an SLA, and not resolved, so counted against the resolution rate.
End to end through `cxtui report --format json` against numbers worked out by hand.

Every report is as of 2026-11-20T12:00:00Z over 7 days; every fixture row falls inside it.
Percentiles: rank h = (n - 1)·q, interpolated between neighbours (docs/metrics.md).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cxtui.ingest.normalise import RowError, normalise_ticket
from cxtui.models import ENDED_STATUSES, OPEN_STATUSES, RESOLVED_STATUSES
from cxtui.sla import verdict
from tests.cli_helpers import run_cli

FIXTURES = Path(__file__).parent / "presets"
AS_OF = "2026-11-20T12:00:00Z"
AS_OF_EPOCH = 1_795_176_000


def report(data: Path, tmp_path: Path) -> dict[str, Any]:
    done = run_cli(
        "report", str(data), "--db", str(tmp_path / "x.db"), "--as-of", AS_OF,
        "--window", "7d", "--format", "json",
        env={"XDG_CONFIG_HOME": str(tmp_path / "no-user-config"), "CXTUI_DB": None},
    )  # fmt: skip
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def test_a_call_log_with_a_resolved_column_through_the_documented_mapping(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "call-outcomes-2026-11.csv", data)
    shutil.copy(FIXTURES / "call-outcomes.toml", data / "cxtui.toml")
    r = report(data, tmp_path)
    # 9 calls: answered and resolved (Y Y) 1, 3, 4, 5, 8; answered, not resolved (Y N) 2 and
    # 7; unanswered 6 (N N) and 9 (N with Resolved blank)
    res = r["resolution"]
    assert (res["created"], res["resolved"]) == (9, 5)
    assert res["rate"] == pytest.approx(5 / 9)
    assert res["resolved_in_window"] == 5
    # resolution times of the resolved calls only (answer + talk): 109+143, 10+131, 53+37,
    # 95+60, 15+300 -> 90, 141, 155, 252, 315: median 155, p90 h=3.6: 252 + 0.6*63
    assert res["median_seconds"] == 155.0
    assert res["p90_seconds"] == pytest.approx(289.8)
    # finished: nothing is waiting, months later or now
    assert r["queue"]["open"] == 0
    assert r["queue"]["sla_breached"] == 0
    # the unresolved calls were answered: 7 answered + 2 abandoned offered
    abandonment = r["abandonment"]
    assert (abandonment["offered"], abandonment["abandoned"]) == (9, 2)
    # waits 109, 70, 10, 53, 95, 40, 15 -> sorted 10 15 40 53 70 95 109: mean 392/7 = 56,
    # median 53, p90 h=5.4: 95 + 0.4*14
    assert r["first_response"]["count"] == 7
    assert r["first_response"]["mean_seconds"] == 56.0
    assert r["first_response"]["median_seconds"] == 53.0
    assert r["first_response"]["p90_seconds"] == pytest.approx(100.6)
    # within 20 s: 10 and 15, of 9 offered
    assert r["service_level"]["answered_within"] == 2
    assert r["service_level"]["rate"] == pytest.approx(2 / 9)
    # talk 143 + 242 + 131 + 37 + 60 + 180 + 300 = 1093 over 7 answered calls
    assert r["handle_time"]["count"] == 7
    assert r["handle_time"]["mean_seconds"] == pytest.approx(1093 / 7)
    # satisfaction 3, 3, 3, 2, 3, 1, 5: one of 7 satisfied
    assert (r["csat"]["responses"], r["csat"]["satisfied"]) == (7, 1)
    assert r["quarantine"] == {"rows": 0}
    with sqlite3.connect(tmp_path / "x.db") as db:
        statuses = dict(db.execute("SELECT id, status FROM ticket").fetchall())
    assert [i for i, s in sorted(statuses.items()) if s == "unresolved"] == ["ID0002", "ID0007"]
    assert [i for i, s in sorted(statuses.items()) if s == "abandoned"] == ["ID0006", "ID0009"]


COLUMNS = "id,created_at,status,channel,first_response_at,resolved_at"
DUE = "first_response_due_at,resolution_due_at"
NATIVE = "".join(
    f"{row}\n"
    for row in (
        f"{COLUMNS},{DUE}",
        "U1,2026-11-20 08:00,not resolved,phone,2026-11-20 08:05,2026-11-20 08:30,"
        "2026-11-20 08:10,2026-11-20 09:00",
        "U2,2026-11-19 07:00,Unresolved,email,,,2026-11-19 07:10,2026-11-19 09:00",
        "O1,2026-11-20 09:00,open,email,,,2026-11-20 09:30,",
        "S1,2026-11-20 07:00,solved,chat,2026-11-20 07:01,2026-11-20 07:20,,",
    )
)
"""Times without an offset are UTC (the default timezone)."""


def test_unresolved_tickets_are_out_of_the_queue_and_its_sla_and_not_resolved(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(NATIVE)
    r = report(data, tmp_path)
    # U1 and U2 are past both due times, but finished: only O1 (reply due 09:30) is open and
    # breached
    assert r["queue"]["open"] == 1
    assert r["queue"]["sla_breached"] == 1
    assert r["queue"]["by_status"] == {"open": 1}
    # 4 created, S1 alone resolved; U1's resolved_at (when the call ended) is no resolution
    res = r["resolution"]
    assert (res["created"], res["resolved"], res["resolved_in_window"]) == (4, 1, 1)
    assert (res["rate"], res["median_seconds"]) == (0.25, 1200.0)
    assert r["quarantine"] == {"rows": 0}


@pytest.mark.parametrize(
    "said",
    ["unresolved", "Unresolved", "not resolved", "Not Resolved", "unsolved", "no resolution",
     "closed unresolved", "closed without resolution", "ended unresolved"],
)  # fmt: skip
def test_what_exports_call_an_unresolved_ending(said: str) -> None:
    ticket = normalise_ticket({"id": "1", "created_at": 0, "status": said}, naive_zone=None)  # type: ignore[arg-type]
    assert ticket.values[3] == "unresolved"


def test_an_unknown_status_is_still_quarantined() -> None:
    with pytest.raises(RowError, match="unknown status"):
        normalise_ticket({"id": "1", "created_at": 0, "status": "resolvedish"}, naive_zone=None)  # type: ignore[arg-type]


def test_unresolved_is_finished_neither_open_nor_resolved() -> None:
    assert "unresolved" in ENDED_STATUSES
    assert "unresolved" not in OPEN_STATUSES + RESOLVED_STATUSES
    judged = verdict(
        status="unresolved",
        first_response_at=None,
        resolved_at=AS_OF_EPOCH - 60,
        first_response_due_at=AS_OF_EPOCH - 3_600,
        resolution_due_at=AS_OF_EPOCH - 1,
        as_of=AS_OF_EPOCH,
    )
    # never breached; the reply it never got is missed, the resolution has nothing to judge
    assert (judged.state, judged.next_due_at) == ("missed", None)
    assert (judged.first_reply.state, judged.resolution.state) == ("missed", "none")
