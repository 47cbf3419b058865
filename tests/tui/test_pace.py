"""The refresh allowance (tui/pace.py) on a clock the test moves by hand.

The figures are worked out from the rule: the allowance fills at `budget` CPU seconds a
second up to `burst`, each refresh spends what it cost, a paced refresh waits until the
allowance is back to zero, never longer than `max_wait`.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.tui.app import DatabaseChanged
from cxtui.tui.pace import RefreshPace
from tests.tui.conftest import settle, wait_for
from tests.tui.fixtures import HOUR, make_app, ticket
from tests.tui.test_live import queue_number


def test_a_change_after_a_quiet_spell_refreshes_at_once() -> None:
    pace = RefreshPace(budget=0.1, burst=1.0, max_wait=10.0)
    assert pace.wait(0.0) == 0.0
    pace.spent(0.4, 0.0)
    assert pace.wait(0.0) == 0.0  # 0.6 left


def test_a_refresh_waits_until_the_allowance_has_paid_for_the_last_one() -> None:
    pace = RefreshPace(budget=0.1, burst=0.5, max_wait=10.0)
    pace.spent(0.8, 0.0)  # 0.5 - 0.8 = -0.3: three seconds at 0.1 a second
    assert pace.wait(0.0) == pytest.approx(3.0)
    assert pace.wait(1.0) == pytest.approx(2.0)
    assert pace.wait(3.0) == pytest.approx(0.0)
    assert pace.wait(3.1) == 0.0


def test_the_wait_is_capped_and_a_debt_beyond_it_forgiven() -> None:
    pace = RefreshPace(budget=0.1, burst=0.5, max_wait=4.0)
    pace.spent(5.5, 0.0)  # 0.5 - 5.5 = -5.0, kept at -0.4: one longest wait
    assert pace.wait(0.0) == pytest.approx(4.0)
    assert pace.wait(4.0) == pytest.approx(0.0)


def test_the_allowance_never_holds_more_than_the_burst() -> None:
    pace = RefreshPace(budget=0.1, burst=0.5, max_wait=10.0)
    assert pace.wait(1_000.0) == 0.0
    pace.spent(0.6, 1_000.0)  # a full allowance is 0.5, not 100
    assert pace.wait(1_000.0) == pytest.approx(1.0)


def test_a_clock_read_out_of_order_takes_nothing_back() -> None:
    pace = RefreshPace(budget=0.1, burst=0.5, max_wait=10.0)
    pace.spent(0.7, 10.0)
    assert pace.wait(9.0) == pytest.approx(2.0)  # an earlier time neither fills nor drains
    assert pace.wait(11.0) == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(
    costs=st.lists(st.floats(min_value=0.001, max_value=0.5), min_size=20, max_size=200),
    gap=st.floats(min_value=0.0, max_value=0.5),
    budget=st.floats(min_value=0.02, max_value=0.2),
)
def test_refreshing_as_often_as_allowed_spends_no_more_than_the_budget(
    costs: list[float], gap: float, budget: float
) -> None:
    """Changes land all the time: each refresh starts as soon as the pace lets it (or `gap`
    after the last ends, whichever is later). CPU spent over the whole run stays within the
    budget's share of the time plus the burst it started with."""
    burst, max_wait = 0.5, 10.0
    pace = RefreshPace(budget=budget, burst=burst, max_wait=max_wait)
    now = 0.0
    for cost in costs:
        now += max(gap, pace.wait(now))
        pace.spent(cost, now)
    # A refresh costing more than budget * max_wait overspends by the debt forgiven (the
    # cap on the wait); the last refresh is paid for after the run ends.
    forgiven = sum(max(0.0, cost - budget * max_wait) for cost in costs)
    assert sum(costs) <= budget * now + burst + max(costs) + forgiven + 1e-9


@pytest.mark.anyio
async def test_new_data_waits_for_the_allowance_but_the_supervisor_does_not(
    engine: Engine,
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert queue_number(app) == "6"
        # An allowance so spent that a paced refresh would not come within the test.
        app.pace = RefreshPace(budget=1e-6, burst=0.0, max_wait=1e9)
        app.pace.spent(1.0, time.monotonic())
        with Session(engine) as session:
            session.add(ticket("T-100", HOUR, "open", customer="C-9"))
            session.commit()
        app.post_message(DatabaseChanged())
        await wait_for(pilot, lambda: app.refresh_pending)
        await pilot.pause(0.3)
        assert app.refresh_pending and not app.refreshing
        assert queue_number(app) == "6"
        await pilot.press("w")  # another window: asked for by the supervisor
        await wait_for(pilot, lambda: queue_number(app) == "7")
        assert not app.refresh_pending
