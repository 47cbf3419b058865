"""Staffing now from the data: every expected figure is worked out by hand beside it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from cxtui.config import ConfigError, load_config
from cxtui.metrics import Filters
from cxtui.models import StatusChange, Ticket
from cxtui.staffing import agents_required, erlang_c_staffing, scheduled_agents
from cxtui.staffing_now import (
    StaffingGoal,
    demand,
    staffing_dict,
    staffing_now,
    verdict,
)
from cxtui.store import open_engine
from tests.cli_helpers import run_cli

AS_OF = 1_700_049_600  # 2023-11-15T12:00:00Z
HALF_HOUR = 1_800
START = AS_OF - HALF_HOUR  # the interval (START, AS_OF]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = open_engine(tmp_path / "t.db")
    with Session(engine) as s:
        yield s
    engine.dispose()


def ticket(id: str, created_at: int, **fields: Any) -> Ticket:
    return Ticket(id=id, created_at=created_at, version_at=created_at, **fields)


def floor(session: Session) -> None:
    """Three calls and a chat in the interval, an e-mail, and calls outside it."""
    session.add_all(
        [
            # Answered after 30 s by ann, 300 s of handling.
            ticket(
                "A",
                START + 100,
                channel="phone",
                agent="ann",
                status="solved",
                first_response_at=START + 130,
                handle_seconds=300,
            ),
            # Answered after 10 s by bob, 500 s.
            ticket(
                "B",
                START + 200,
                channel="chat",
                agent="bob",
                status="open",
                first_response_at=START + 210,
                handle_seconds=500,
            ),
            # Hung up after 90 s (the status history says when, updated_at is later).
            ticket("C", START + 300, channel="phone", status="abandoned", updated_at=START + 900),
            # Still waiting at as_of, 100 s so far.
            ticket("D", AS_OF - 100, channel="phone", status="new"),
            # E-mail: not a live channel; its agent is not on the phones.
            ticket(
                "E",
                START + 400,
                channel="email",
                agent="eve",
                status="solved",
                first_response_at=START + 500,
                handle_seconds=900,
            ),
            # A call from before the interval that cal solved inside it.
            ticket(
                "F",
                START - 3_000,
                channel="phone",
                agent="cal",
                status="solved",
                first_response_at=START - 2_990,
                resolved_at=START + 60,
                handle_seconds=99,
            ),
            # A call after as_of: not yet.
            ticket("G", AS_OF + 10, channel="phone", agent="dan", first_response_at=AS_OF + 20),
        ]
    )
    session.add(StatusChange(ticket_id="C", at=START + 390, status="abandoned"))
    session.commit()


def test_demand_of_the_live_channels(session: Session) -> None:
    floor(session)
    found = demand(session, AS_OF, HALF_HOUR)
    assert found.arrivals == 4  # A, B, C, D
    assert (found.handle_count, found.handle_mean_seconds) == (2, 400.0)  # (300 + 500) / 2
    assert found.abandoned == 1
    # Waits: A 30, B 10, C 90 (to the first "abandoned"), D 100 (still waiting) = 230 s.
    assert found.wait_total_seconds == 230
    assert found.patience_seconds == 230.0
    assert found.agents_seen == 3  # ann, bob, and cal (solved in the interval); not eve
    assert found.traffic_erlangs == pytest.approx(4 / 1_800 * 400)


def test_demand_as_it_stood_earlier(session: Session) -> None:
    floor(session)
    # At START + 200 only A had arrived (answered at START + 130, a 30 s wait); cal's solve at
    # START + 60 falls in (START - 1600, START + 200], as does ann's answer.
    found = demand(session, START + 200, HALF_HOUR)
    assert found.arrivals == 2  # A, and B created at exactly START + 200
    assert found.abandoned == 0
    assert found.wait_total_seconds == 30  # A 30; B arrived that second, 0
    assert found.agents_seen == 2


def test_filters_narrow_the_demand(session: Session) -> None:
    floor(session)
    assert demand(session, AS_OF, HALF_HOUR, Filters(channel="chat")).arrivals == 1


def test_requirement_and_verdict(session: Session) -> None:
    floor(session)
    goal = StaffingGoal(target_seconds=20, service_level=0.8, max_occupancy=0.85, shrinkage=0.3)
    now = staffing_now(demand(session, AS_OF, HALF_HOUR), goal)
    traffic = 4 / 1_800 * 400
    expected_a = agents_required(traffic, 400.0, 20, 0.8, 0.85, patience_seconds=230.0)
    assert now.model == "erlang_a"
    assert now.required == expected_a
    assert now.erlang_c == agents_required(traffic, 400.0, 20, 0.8, 0.85)
    assert now.scheduled_agents == scheduled_agents(expected_a.agents, 0.3)
    assert now.difference == 3 - expected_a.agents
    report = staffing_dict(now)
    assert report["agents_required"] == expected_a.agents
    assert report["verdict"] == verdict(3 - expected_a.agents)
    assert report["erlang_a"]["abandon_rate"] == pytest.approx(expected_a.abandon_rate)
    assert "abandon_rate" not in report["erlang_c"]


def test_without_abandonment_erlang_c_alone(session: Session) -> None:
    session.add_all(
        [
            ticket(
                f"T{i}",
                START + 10 * i,
                channel="phone",
                agent="ann",
                status="solved",
                first_response_at=START + 10 * i + 5,
                handle_seconds=180,
            )
            for i in range(1, 101)
        ]
    )
    session.commit()
    now = staffing_now(demand(session, AS_OF, HALF_HOUR), StaffingGoal())
    # 100 calls in 30 minutes at 180 s: Call Centre Helper's 10 Erlangs, 14 agents.
    assert now.model == "erlang_c" and now.erlang_a is None
    assert now.required is not None and now.required.agents == 14
    assert now.difference == 1 - 14
    assert now.at_agents_seen == erlang_c_staffing(1, 10.0, 180.0, 20)
    what_if = now.what_if(agents=13, target_seconds=20)
    assert what_if is not None and what_if.service_level == pytest.approx(0.796, abs=0.0005)
    doubled = now.what_if(agents=14, arrivals=200)
    assert doubled is not None and doubled.traffic_erlangs == pytest.approx(20.0)


def test_nothing_to_plan_for(session: Session) -> None:
    now = staffing_now(demand(session, AS_OF, HALF_HOUR), StaffingGoal())
    assert now.required is None and now.model is None
    assert verdict(now.difference) == "no requirement"


@pytest.mark.parametrize(
    ("difference", "words"), [(-3, "short by 3"), (3, "3 spare"), (0, "as required")]
)
def test_verdict_words(difference: int, words: str) -> None:
    assert verdict(difference) == words


def test_report_json_gains_staffing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(
        "id,created_at,status,channel,agent,first_response_at,handle_seconds\n"
        "A,2023-11-15T11:40:00Z,solved,phone,ann,2023-11-15T11:40:30Z,300\n"
        "B,2023-11-15T11:50:00Z,solved,phone,bob,2023-11-15T11:50:10Z,500\n"
    )
    result = run_cli("report", str(data), "--as-of", "2023-11-15T12:00:00Z", "--format", "json")
    assert result.code == 0, result
    report = json.loads(result.stdout)
    assert "staffing" in report
    assert "as_of" in report and "change" in report  # nothing renamed or dropped
    staffing = report["staffing"]
    assert (staffing["arrivals"], staffing["agents_seen"]) == (2, 2)
    assert staffing["handle_time"] == {"count": 2, "mean_seconds": 400.0}
    assert staffing["model"] == "erlang_c"
    table = run_cli("report", str(data), "--as-of", "2023-11-15T12:00:00Z")
    assert "Staffing now (phone, chat; last 30 min)" in table.stdout


def test_staffing_settings_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "cxtui.toml").write_text(
        'staffing_interval = "60m"\nstaffing_service_level = 0.9\n'
        "staffing_max_occupancy = 0.8\nstaffing_shrinkage = 0.25\n"
    )
    config = load_config(tmp_path)
    assert config.staffing_interval_seconds == 3_600
    assert (config.staffing_service_level, config.staffing_max_occupancy) == (0.9, 0.8)
    assert config.staffing_shrinkage == 0.25
    (tmp_path / "cxtui.toml").write_text('staffing_interval = "45m"\n')
    with pytest.raises(ConfigError, match="staffing_interval"):
        load_config(tmp_path)
    (tmp_path / "cxtui.toml").write_text("staffing_shrinkage = 1.5\n")
    with pytest.raises(ConfigError, match="staffing_shrinkage"):
        load_config(tmp_path)
