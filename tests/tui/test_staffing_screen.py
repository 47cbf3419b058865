"""The staffing screen at 80x24: the requirement from the data, the agents seen, what-if keys.

The data adds Call Centre Helper's example to the fixed centre: 100 calls in the last 30
minutes at 180 s handle time (10 Erlangs, so 14 agents for 80 % in 20 s), answered by 12
agents, so the floor is short by 2. With 14 agents: 88.8 % in 20 s, P(wait) 17.4 %, ASA 8 s
(7.8), occupancy 71.4 %; with 13: 79.6 %.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.models import Ticket
from cxtui.staffing import erlang_a_staffing
from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.staffing_screen import StaffingScreen
from tests.tui.conftest import press, settle
from tests.tui.fixtures import AS_OF, make_app, screen_text

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


def add_calls(engine: Engine, *, abandoned: int = 0) -> None:
    """100 calls, one every 18 s from 30 minutes ago, each answered 5 s after it came in by
    one of 12 agents; `abandoned` more calls that hung up after 60 s."""
    calls = [
        Ticket(
            id=f"CALL-{n:03d}",
            created_at=AS_OF - 1_790 + 18 * n,
            version_at=AS_OF - 1_790 + 18 * n,
            status="solved",
            channel="phone",
            agent=f"Agent {n % 12}",
            first_response_at=AS_OF - 1_785 + 18 * n,
            handle_seconds=180,
        )
        for n in range(100)
    ]
    calls += [
        Ticket(
            id=f"GONE-{n:03d}",
            created_at=AS_OF - 1_000 + n,
            updated_at=AS_OF - 940 + n,
            version_at=AS_OF - 940 + n,
            status="abandoned",
            channel="phone",
        )
        for n in range(abandoned)
    ]
    with Session(engine) as session:
        session.add_all(calls)
        session.commit()


async def test_the_requirement_beside_the_agents_seen(
    engine: Engine, sql_threads: list[threading.Thread]
) -> None:
    add_calls(engine)
    sql_threads.clear()  # adding the calls ran on this thread; the app must not
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "S")
        assert isinstance(app.screen, StaffingScreen)
        text = screen_text(app)
        assert "Staffing now · phone, chat · last 30 min" in text
        assert "Arrivals          100" in text
        assert "Mean handle time  3m 00s (n 100)" in text
        assert "Traffic           10.00 Erlangs" in text
        assert "Required          14 agents for 80% in 20s" in text
        assert "Scheduled         20 at 30% shrinkage" in text  # ceil(14 / 0.7)
        assert "Agents seen       12  short by 2" in text
        assert "With the agents seen: 12 agents, 100 arrivals, target 20s" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
    assert not [t for t in sql_threads if t is threading.main_thread()]


async def test_what_if_keys(engine: Engine) -> None:
    add_calls(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "S", "plus", "plus")
        text = screen_text(app)
        assert "What if: 14 agents, 100 arrivals, target 20s" in text
        assert "Service level     88.8% in 20s" in text
        assert "P(wait)           17.4%" in text
        assert "ASA               8s" in text
        assert "Occupancy         71.4%" in text
        assert "Abandon rate" not in text  # nobody hung up: Erlang C
        await press(pilot, "minus")
        assert "Service level     79.6% in 20s" in screen_text(app)
        await press(pilot, "right_square_bracket")
        assert "What if: 13 agents, 100 arrivals, target 25s" in screen_text(app)
        await press(pilot, "greater_than_sign")  # a tenth more arrivals: 110, 11 Erlangs
        text = screen_text(app)
        assert "What if: 13 agents, 110 arrivals, target 25s" in text
        assert "Occupancy         84.6%" in text  # 11 / 13
        await press(pilot, "0")
        assert "With the agents seen: 12 agents, 100 arrivals, target 20s" in screen_text(app)
        assert "Service level     0.0% in 20s" not in screen_text(app)  # 12 > 10 Erlangs


async def test_too_few_agents_reads_as_a_queue_without_end(engine: Engine) -> None:
    add_calls(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "S", "minus", "minus")  # 10 agents for 10 Erlangs
        text = screen_text(app)
        assert "Service level     0.0% in 20s" in text
        assert "P(wait)           100.0%" in text
        assert "no answer: the queue grows without end" in text


async def test_hang_ups_switch_to_erlang_a(engine: Engine) -> None:
    add_calls(engine, abandoned=10)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "S")
        text = screen_text(app)
        # Patience: waits 100 x 5 s + 10 x 60 s = 1,100 s over 10 hang-ups = 110 s.
        assert "Abandoned         10, patience 1m 50s (Erlang A)" in text  # 110 s
        assert "Without hang-ups" in text
        # 110 calls at 180 s mean handle time (the hang-ups record none) is 11 Erlangs.
        expected = erlang_a_staffing(12, 11.0, 180.0, 20.0, 110.0)
        assert expected.abandon_rate is not None
        assert f"Abandon rate      {100 * expected.abandon_rate:.1f}%" in text
        assert f"Service level     {100 * expected.service_level:.1f}% in 20s" in text


async def test_no_live_arrivals_says_so(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "S")
        assert "none: no live arrivals in the interval" in screen_text(app)
