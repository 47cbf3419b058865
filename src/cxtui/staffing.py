"""How many agents the live channels need now: Erlang C, and Erlang A when callers hang up.

Pure arithmetic, no database and no screen, so `cxtui staffing`, the report and the staffing
screen give the same numbers. The definitions in words are in docs/metrics.md ("Staffing").

Erlang C (M/M/N) assumes nobody gives up, so with many abandonments it asks for more agents
than the floor needs; Erlang A (M/M/N+M, exponential patience) counts the callers who hang
up. Both are computed without factorials or powers of the traffic, which overflow long before
a large centre's 12,000 Erlangs: Erlang B by its recursion, and Erlang A's queue in logs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

TOLERANCE = 1e-9
"""Slack when a ratio of decimals should be whole: 14 / 0.7 is 20.000000000000004, not 21."""
MAX_QUEUE_STATES = 2_000_000
"""Erlang A sums over queue lengths until they stop mattering; an overload with callers who
almost never hang up would need more than this, and is refused rather than left to hang."""
_NEGLIGIBLE_LOG = math.log(1e-18)
"""A queue length this much less likely than the likeliest one adds nothing to any figure."""


@dataclass(frozen=True)
class Staffing:
    """What `agents` agents give for one interval's traffic."""

    traffic_erlangs: float
    agents: int
    service_level: float
    """Share of contacts answered within the target (abandons count against)."""
    p_wait: float
    """Share of contacts that find every agent busy and wait."""
    asa_seconds: float | None
    """Mean wait before an answer of the answered contacts; None when nobody is answered or
    the queue grows without end (agents <= traffic under Erlang C)."""
    occupancy: float
    """Share of the agents' time spent handling contacts."""
    abandon_rate: float | None = None
    """Share of contacts that hang up before an answer (Erlang A only; None for Erlang C)."""


def traffic_erlangs(contacts: float, interval_seconds: float, aht_seconds: float) -> float:
    """Arrivals per second times mean handle time: how many agents would be busy all the time."""
    if interval_seconds <= 0:
        raise ValueError("the interval must be longer than zero")
    if contacts < 0 or aht_seconds < 0:
        raise ValueError("contacts and handle time cannot be negative")
    return contacts / interval_seconds * aht_seconds


def _erlang_b_series(traffic: float) -> Iterator[tuple[int, float]]:
    """(n, Erlang B blocking with n agents) for n = 0, 1, 2, …, by the stable recursion
    B(n) = A·B(n-1) / (n + A·B(n-1)), which never forms A^n or n!."""
    blocking = 1.0
    agents = 0
    while True:
        yield agents, blocking
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)


def erlang_b(agents: int, traffic: float) -> float:
    """Share of contacts turned away when all `agents` are busy and nobody can wait."""
    _check(agents, traffic)
    for n, blocking in _erlang_b_series(traffic):
        if n == agents:
            return blocking
    raise AssertionError("unreachable")


def _erlang_c_from_b(agents: int, traffic: float, blocking: float) -> float:
    if agents <= traffic:
        return 1.0
    return agents * blocking / (agents - traffic * (1 - blocking))


def erlang_c(agents: int, traffic: float) -> float:
    """P(wait): the share of contacts that find all agents busy; 1 when agents <= traffic,
    since the queue then grows without end."""
    return _erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))


def _erlang_c_figures(
    agents: int, traffic: float, blocking: float, aht_seconds: float, target_seconds: float
) -> Staffing:
    if traffic == 0:
        return Staffing(0.0, agents, 1.0, 0.0, 0.0, 0.0)
    if agents <= traffic:
        return Staffing(traffic, agents, 0.0, 1.0, None, 1.0)
    p_wait = _erlang_c_from_b(agents, traffic, blocking)
    spare = agents - traffic
    service_level = 1.0 - p_wait * math.exp(-spare * target_seconds / aht_seconds)
    return Staffing(
        traffic_erlangs=traffic,
        agents=agents,
        service_level=service_level,
        p_wait=p_wait,
        asa_seconds=p_wait * aht_seconds / spare,
        occupancy=traffic / agents,
    )


def erlang_c_staffing(
    agents: int, traffic: float, aht_seconds: float, target_seconds: float
) -> Staffing:
    """Service level, P(wait), ASA and occupancy of `agents` agents under Erlang C.

    With agents <= traffic the queue grows without end: P(wait) 1, service level 0,
    occupancy 1 and no ASA, never an error."""
    _check(agents, traffic, aht_seconds, target_seconds)
    return _erlang_c_figures(
        agents, traffic, erlang_b(agents, traffic), aht_seconds, target_seconds
    )


def erlang_a_staffing(
    agents: int,
    traffic: float,
    aht_seconds: float,
    target_seconds: float,
    patience_seconds: float,
) -> Staffing:
    """The same figures under Erlang A: callers hang up after an exponential patience with
    mean `patience_seconds`, and the abandon rate besides.

    The queue is stable at any staffing (callers leave), so agents <= traffic gives figures
    too. States are the contacts in the centre: below `agents` nobody waits, and their share
    comes from Erlang B; above it the weights w_j = Π λ / (Nμ + iθ) are summed in logs until
    they are negligible. A contact arriving to j waiting leaves its place in line at rate
    Nμ + (j+1)θ, moving up with probability (Nμ + jθ) / (Nμ + (j+1)θ), so it is answered with
    probability Nμ / (Nμ + (j+1)θ), and the time it takes does not depend on how it ends: the
    sum of exponentials with rates Nμ + iθ, i = 1…j+1, whose distribution is the negative
    binomial sum below (docs/metrics.md gives the derivation).
    """
    _check(agents, traffic, aht_seconds, target_seconds)
    if patience_seconds <= 0:
        raise ValueError("patience must be longer than zero")
    if traffic == 0:
        return Staffing(0.0, agents, 1.0, 0.0, 0.0, 0.0, 0.0)
    mu = 1.0 / aht_seconds
    arrivals = traffic * mu
    theta = 1.0 / patience_seconds
    served_rate = agents * mu
    blocking = erlang_b(agents, traffic)

    log_weights = _queue_log_weights(arrivals, served_rate, theta)
    peak = max(log_weights)
    # The time to an answer from place j+1 is at most T with probability 1 - Σ_{k<=j} t_k,
    # t_k the negative binomial terms with b = Nμ/θ + 1 and x = 1 - e^{-θT}, built in logs.
    b = served_rate / theta + 1.0
    x = -math.expm1(-theta * target_seconds)
    log_x = math.log(x) if x > 0 else -math.inf
    log_term = -(served_rate + theta) * target_seconds
    not_yet = 0.0
    mean_time = 0.0
    weight_sum = answered_in_time = answered = answered_wait = 0.0
    for j, log_weight in enumerate(log_weights):
        if j:
            log_term += math.log((b + j - 1) / j) + log_x
        not_yet += math.exp(log_term)
        within = max(0.0, 1.0 - not_yet)
        place_rate = served_rate + (j + 1) * theta
        mean_time += 1.0 / place_rate
        weight = math.exp(log_weight - peak)
        answer_share = served_rate / place_rate
        weight_sum += weight
        answered += weight * answer_share
        answered_in_time += weight * answer_share * within
        answered_wait += weight * answer_share * mean_time
    no_wait = (1.0 - blocking) * math.exp(-peak)
    total = no_wait + blocking * weight_sum
    answered_share = (no_wait + blocking * answered) / total
    return Staffing(
        traffic_erlangs=traffic,
        agents=agents,
        service_level=(no_wait + blocking * answered_in_time) / total,
        p_wait=blocking * weight_sum / total,
        asa_seconds=(blocking * answered_wait / total) / answered_share
        if answered_share > 0
        else None,
        occupancy=min(1.0, traffic * answered_share / agents) if agents else 0.0,
        abandon_rate=max(0.0, 1.0 - answered_share),
    )


def _queue_log_weights(arrivals: float, served_rate: float, theta: float) -> list[float]:
    """log w_j for j = 0, 1, … (w_0 = 1), until the weights fall for good below a negligible
    share of the largest."""
    if served_rate + MAX_QUEUE_STATES * theta < arrivals:
        raise _too_deep()
    weights = [0.0]
    peak = 0.0
    log_weight = 0.0
    j = 0
    while True:
        j += 1
        departures = served_rate + j * theta
        log_weight += math.log(arrivals / departures)
        peak = max(peak, log_weight)
        if departures > arrivals and log_weight < peak + _NEGLIGIBLE_LOG:
            return weights
        weights.append(log_weight)
        if j > MAX_QUEUE_STATES:
            raise _too_deep()


def _too_deep() -> ValueError:
    return ValueError(
        "patience too long for this overload: the queue would grow past"
        f" {MAX_QUEUE_STATES:,} contacts"
    )


def staffing_for(
    agents: int,
    traffic: float,
    aht_seconds: float,
    target_seconds: float,
    patience_seconds: float | None = None,
) -> Staffing:
    """Erlang A when a patience is known, else Erlang C."""
    if patience_seconds is None:
        return erlang_c_staffing(agents, traffic, aht_seconds, target_seconds)
    return erlang_a_staffing(agents, traffic, aht_seconds, target_seconds, patience_seconds)


def agents_required(
    traffic: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    max_occupancy: float = 1.0,
    patience_seconds: float | None = None,
) -> Staffing:
    """The fewest agents that answer `service_level` of contacts within `target_seconds`
    with occupancy at most `max_occupancy`, and their figures."""
    _check(0, traffic, aht_seconds, target_seconds)
    if not 0 <= service_level < 1:
        raise ValueError("the service level must be a fraction from 0 up to (not including) 1")
    if not 0 < max_occupancy <= 1:
        raise ValueError("the maximum occupancy must be a fraction above 0, at most 1")
    if traffic == 0:
        return staffing_for(0, traffic, aht_seconds, target_seconds, patience_seconds)
    fewest = max(1, math.ceil(traffic / max_occupancy - TOLERANCE))
    if patience_seconds is None:
        return _erlang_c_required(traffic, aht_seconds, target_seconds, service_level, fewest)

    def meets(agents: int) -> Staffing | None:
        try:
            figures = erlang_a_staffing(
                agents, traffic, aht_seconds, target_seconds, patience_seconds
            )
        except ValueError:  # a queue past MAX_QUEUE_STATES is far below any target
            return None
        enough = figures.service_level >= service_level and figures.occupancy <= max_occupancy
        return figures if enough else None

    # Service level rises and occupancy falls with each agent added (tested), so the answer
    # is found by doubling past it, then halving the gap.
    low, high = 0, fewest
    while (found := meets(high)) is None:
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if (figures := meets(middle)) is not None:
            high, found = middle, figures
        else:
            low = middle
    return found


def _erlang_c_required(
    traffic: float, aht_seconds: float, target_seconds: float, service_level: float, fewest: int
) -> Staffing:
    """Walks Erlang B's recursion once, upwards from the first stable staffing."""
    start = max(fewest, math.floor(traffic) + 1)
    for agents, blocking in _erlang_b_series(traffic):
        if agents < start:
            continue
        figures = _erlang_c_figures(agents, traffic, blocking, aht_seconds, target_seconds)
        if figures.service_level >= service_level:
            return figures
    raise AssertionError("unreachable")


def scheduled_agents(agents: int, shrinkage: float) -> int:
    """Agents to put on the schedule so that `agents` are available after shrinkage (breaks,
    training, absence): ceil(agents / (1 - shrinkage))."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be a fraction from 0 up to (not including) 1")
    return math.ceil(agents / (1 - shrinkage) - TOLERANCE)


def patience_estimate(total_wait_seconds: float, abandoned: int) -> float | None:
    """Mean patience of exponential patience, by maximum likelihood: every contact's wait
    (to an answer or to hanging up) over the number who hung up. An answered contact's wait
    says only that its patience was longer, and the estimate counts it as such; with nobody
    hanging up there is no estimate."""
    if abandoned <= 0:
        return None
    return total_wait_seconds / abandoned


def _check(
    agents: int, traffic: float, aht_seconds: float = 1.0, target_seconds: float = 0.0
) -> None:
    if agents < 0:
        raise ValueError("agents cannot be negative")
    if traffic < 0 or not math.isfinite(traffic):
        raise ValueError("traffic must be a finite number of Erlangs, at least 0")
    if aht_seconds <= 0:
        raise ValueError("the handle time must be longer than zero")
    if target_seconds < 0:
        raise ValueError("the target cannot be negative")
