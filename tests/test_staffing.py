"""Erlang C and Erlang A against the published example and against independent computations.

The independent figures come from a different route than the module's: Erlang C from the
Poisson sums in logs (lgamma), Erlang A from the birth-death chain built by plain products,
its waiting time by uniformising the waiting contact's own chain, and the limiting cases.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxtui.staffing import (
    agents_required,
    erlang_a_staffing,
    erlang_b,
    erlang_c,
    erlang_c_staffing,
    patience_estimate,
    scheduled_agents,
    traffic_erlangs,
)

AHT = 180.0
TARGET = 20.0


def cch_traffic() -> float:
    """Call Centre Helper's example: 100 calls in 30 minutes, 180 s handle time."""
    return traffic_erlangs(100, 30 * 60, AHT)


def test_call_centre_helper_example() -> None:
    traffic = cch_traffic()
    assert traffic == pytest.approx(10.0)
    assert erlang_c_staffing(13, traffic, AHT, TARGET).service_level == pytest.approx(
        0.796, abs=0.0005
    )
    fourteen = erlang_c_staffing(14, traffic, AHT, TARGET)
    assert fourteen.service_level == pytest.approx(0.888, abs=0.0005)
    assert fourteen.p_wait == pytest.approx(0.1741, abs=0.00005)
    assert fourteen.asa_seconds == pytest.approx(7.8, abs=0.05)
    assert fourteen.occupancy == pytest.approx(0.714, abs=0.0005)
    needed = agents_required(traffic, AHT, TARGET, 0.8, max_occupancy=0.85)
    assert needed.agents == 14
    assert scheduled_agents(needed.agents, 0.3) == 20


def test_max_occupancy_can_ask_for_more_than_the_service_level() -> None:
    # 80 % in 20 s needs 14 (occupancy 71 %); at most 70 % occupancy needs ceil(10 / 0.7).
    assert agents_required(cch_traffic(), AHT, TARGET, 0.8, max_occupancy=0.7).agents == 15


def erlang_c_by_logs(agents: int, traffic: float) -> float:
    """Erlang C from its textbook formula, each term A^k / k! kept as a logarithm."""
    logs = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(agents)]
    waiting = (
        agents * math.log(traffic) - math.lgamma(agents + 1) + math.log(agents / (agents - traffic))
    )
    peak = max([*logs, waiting])
    below = sum(math.exp(value - peak) for value in logs)
    top = math.exp(waiting - peak)
    return top / (below + top)


def test_large_traffic_is_stable() -> None:
    value = erlang_c(12421, 12345.0)
    assert 0 < value < 1
    assert value == pytest.approx(erlang_c_by_logs(12421, 12345.0), rel=1e-9)
    figures = erlang_c_staffing(12421, 12345.0, AHT, TARGET)
    assert 0 < figures.service_level <= 1
    assert figures.asa_seconds is not None and figures.asa_seconds > 0


@pytest.mark.parametrize("agents", [0, 5, 10])
def test_too_few_agents_under_erlang_c_is_no_error(agents: int) -> None:
    figures = erlang_c_staffing(agents, 10.0, AHT, TARGET)
    assert figures.p_wait == 1.0
    assert figures.service_level == 0.0
    assert figures.asa_seconds is None


def test_no_traffic_needs_nobody() -> None:
    figures = agents_required(0.0, AHT, TARGET, 0.8)
    assert (figures.agents, figures.p_wait, figures.service_level) == (0, 0.0, 1.0)


def test_erlang_b_matches_the_textbook_sum() -> None:
    traffic, agents = 7.5, 9
    terms = [traffic**k / math.factorial(k) for k in range(agents + 1)]
    assert erlang_b(agents, traffic) == pytest.approx(terms[-1] / sum(terms), rel=1e-12)


def test_scheduled_agents_after_shrinkage() -> None:
    assert scheduled_agents(14, 0.0) == 14
    assert scheduled_agents(14, 0.3) == 20
    assert scheduled_agents(15, 0.3) == 22  # 21.43 rounds up
    with pytest.raises(ValueError):
        scheduled_agents(14, 1.0)


def test_patience_estimate_is_total_wait_over_abandons() -> None:
    assert patience_estimate(3_000.0, 10) == 300.0
    assert patience_estimate(3_000.0, 0) is None


# Erlang A, computed independently -----------------------------------------------------


def chain(agents: int, traffic: float, patience: float, states: int = 400) -> list[float]:
    """Stationary probabilities of M/M/N+M by plain products of the rates (small traffic)."""
    mu, theta = 1 / AHT, 1 / patience
    arrivals = traffic * mu
    weights = [1.0]
    for k in range(1, states):
        departures = mu * min(k, agents) + theta * max(0, k - agents)
        weights.append(weights[-1] * arrivals / departures)
    total = sum(weights)
    return [w / total for w in weights]


def answered_within_by_uniformising(
    agents: int, place: int, patience: float, seconds: float
) -> float:
    """P(answered within `seconds`) for a contact at `place` in line, from its own chain:
    at place p it moves up at rate Nμ + (p-1)θ and hangs up at rate θ. Uniformised at the
    fastest rate, the chance of reaching an agent within n jumps, weighted by Poisson(Λt)."""
    mu, theta = 1 / AHT, 1 / patience
    rate = agents * mu + place * theta
    at = [0.0] * (place + 1)  # at[p]: probability of being at place p (0: answered)
    at[place] = 1.0
    poisson = math.exp(-rate * seconds)
    result = poisson * at[0]
    for n in range(1, math.ceil(rate * seconds) + 60):
        moved = [0.0] * (place + 1)
        moved[0] = at[0]
        for p in range(1, place + 1):
            up = (agents * mu + (p - 1) * theta) / rate
            leave = theta / rate
            moved[p - 1] += at[p] * up
            moved[p] += at[p] * (1 - up - leave)
        at = moved
        poisson *= rate * seconds / n
        result += poisson * at[0]
    return result


def answered_share_and_wait(agents: int, place: int, patience: float) -> tuple[float, float]:
    """(P(answered), E[wait; answered]) from `place` by first-step analysis."""
    mu, theta = 1 / AHT, 1 / patience
    share, wait = 1.0, 0.0
    for p in range(1, place + 1):
        rate = agents * mu + p * theta
        up = (agents * mu + (p - 1) * theta) / rate
        share, wait = up * share, up * (wait + share / rate)
    return share, wait


@pytest.mark.parametrize(
    ("agents", "traffic", "patience"), [(14, 10.0, 120.0), (8, 10.0, 300.0), (12, 10.0, 60.0)]
)
def test_erlang_a_against_the_birth_death_chain(
    agents: int, traffic: float, patience: float
) -> None:
    probabilities = chain(agents, traffic, patience)
    arrivals = traffic / AHT
    queued = sum(max(0, k - agents) * p for k, p in enumerate(probabilities))
    busy = sum(min(k, agents) * p for k, p in enumerate(probabilities))
    waits = [(k - agents + 1, p) for k, p in enumerate(probabilities) if k >= agents]
    in_time = sum(p for k, p in enumerate(probabilities) if k < agents) + sum(
        p * answered_within_by_uniformising(agents, place, patience, TARGET)
        for place, p in waits[:60]
    )
    answered = [(p, *answered_share_and_wait(agents, place, patience)) for place, p in waits]
    answered_share = 1 - queued / patience / arrivals
    mean_wait = sum(p * wait for p, _, wait in answered) / answered_share

    figures = erlang_a_staffing(agents, traffic, AHT, TARGET, patience)
    assert figures.p_wait == pytest.approx(sum(p for _, p in waits), rel=1e-9)
    assert figures.abandon_rate == pytest.approx(queued / patience / arrivals, rel=1e-9)
    assert figures.occupancy == pytest.approx(busy / agents, rel=1e-9)
    assert figures.service_level == pytest.approx(in_time, abs=1e-6)
    assert figures.asa_seconds == pytest.approx(mean_wait, rel=1e-9)


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    c = erlang_c_staffing(14, 10.0, AHT, TARGET)
    a = erlang_a_staffing(14, 10.0, AHT, TARGET, 1e9)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-5)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-5)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-5)
    assert a.abandon_rate == pytest.approx(0.0, abs=1e-6)


def test_erlang_a_with_no_patience_is_erlang_b_loss() -> None:
    a = erlang_a_staffing(14, 10.0, AHT, TARGET, 1e-6)
    assert a.abandon_rate == pytest.approx(erlang_b(14, 10.0), rel=1e-5)
    assert a.service_level == pytest.approx(1 - erlang_b(14, 10.0), rel=1e-5)


def test_erlang_a_large_traffic_and_overload() -> None:
    large = erlang_a_staffing(12421, 12345.0, AHT, TARGET, 600.0)
    assert 0 < large.p_wait < 1 and 0 < large.service_level < 1
    # Half the agents needed: the queue is stable because callers leave. In the fluid limit
    # the agents answer Nμ a second of λ arriving, so about half hang up.
    overload = erlang_a_staffing(50, 100.0, AHT, TARGET, 120.0)
    assert overload.abandon_rate == pytest.approx(0.5, abs=0.02)
    assert overload.occupancy == pytest.approx(1.0, abs=0.01)


def test_erlang_a_needs_fewer_agents_when_callers_hang_up() -> None:
    c = agents_required(cch_traffic(), AHT, TARGET, 0.8, 0.85)
    a = agents_required(cch_traffic(), AHT, TARGET, 0.8, 0.85, patience_seconds=60.0)
    assert a.agents < c.agents
    assert a.service_level >= 0.8
    fewer = erlang_a_staffing(a.agents - 1, cch_traffic(), AHT, TARGET, 60.0)
    assert fewer.service_level < 0.8 or fewer.occupancy > 0.85


# Properties ---------------------------------------------------------------------------

traffics = st.floats(min_value=0.1, max_value=300.0)
patiences = st.one_of(st.none(), st.floats(min_value=5.0, max_value=3_600.0))


@settings(max_examples=60, deadline=None)
@given(traffic=traffics, extra=st.integers(0, 40), patience=patiences)
def test_more_agents_never_make_it_worse(
    traffic: float, extra: int, patience: float | None
) -> None:
    agents = max(1, math.floor(traffic) - 5 + extra)
    if patience is None:
        fewer = erlang_c_staffing(agents, traffic, AHT, TARGET)
        more = erlang_c_staffing(agents + 1, traffic, AHT, TARGET)
    else:
        fewer = erlang_a_staffing(agents, traffic, AHT, TARGET, patience)
        more = erlang_a_staffing(agents + 1, traffic, AHT, TARGET, patience)
    assert more.service_level >= fewer.service_level - 1e-12
    assert more.p_wait <= fewer.p_wait + 1e-12
    assert more.occupancy <= fewer.occupancy + 1e-12
    for figures in (fewer, more):
        assert 0 <= figures.service_level <= 1 and 0 <= figures.p_wait <= 1
        assert 0 <= figures.occupancy <= 1


@settings(max_examples=40, deadline=None)
@given(
    traffic=traffics,
    level=st.floats(min_value=0.5, max_value=0.95),
    occupancy=st.floats(min_value=0.6, max_value=1.0),
    patience=patiences,
)
def test_required_agents_are_the_fewest_that_meet_the_target(
    traffic: float, level: float, occupancy: float, patience: float | None
) -> None:
    needed = agents_required(traffic, AHT, TARGET, level, occupancy, patience)
    assert needed.service_level >= level and needed.occupancy <= occupancy
    if patience is None:
        fewer = erlang_c_staffing(needed.agents - 1, traffic, AHT, TARGET)
    else:
        fewer = erlang_a_staffing(needed.agents - 1, traffic, AHT, TARGET, patience)
    assert fewer.service_level < level or fewer.occupancy > occupancy


@settings(max_examples=40, deadline=None)
@given(agents=st.integers(0, 200), shrinkage=st.floats(min_value=0.0, max_value=0.9))
def test_scheduled_agents_cover_the_shrinkage(agents: int, shrinkage: float) -> None:
    scheduled = scheduled_agents(agents, shrinkage)
    assert scheduled * (1 - shrinkage) >= agents - 1e-6
    assert (scheduled - 1) * (1 - shrinkage) < agents


def test_an_overload_too_deep_for_erlang_a_is_refused_not_hung() -> None:
    # 100 Erlangs on 5 agents with callers who wait 30 years: a queue of millions.
    with pytest.raises(ValueError, match="patience too long"):
        erlang_a_staffing(5, 100.0, AHT, TARGET, 1e9)
    # The requirement search steps over such staffing: it is far below any target.
    needed = agents_required(100.0, AHT, TARGET, 0.8, 0.85, patience_seconds=1e9)
    assert needed.agents == agents_required(100.0, AHT, TARGET, 0.8, 0.85).agents
