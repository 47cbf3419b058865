"""Metric tests: every expected number is worked out by hand in the comment beside it."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from cxtui.business_hours import BusinessHours
from cxtui.metrics import (
    Filters,
    Window,
    abandonment,
    ces,
    csat,
    daily_series,
    dashboard,
    first_response,
    handle_time,
    nps,
    nps_interval_95,
    percentile,
    quarantine_count,
    queue_snapshot,
    report_dict,
    resolution,
    service_level,
    wilson_interval,
)
from cxtui.models import QuarantinedRow, Survey, Ticket
from cxtui.store import open_engine

# 1_699_999_200 is 2023-11-14T22:00:00Z; as_of is 14 hours later, 2023-11-15T12:00:00Z.
AS_OF = 1_700_049_600
WEEK = 604_800
START = AS_OF - WEEK  # the window (START, AS_OF]
W = Window(as_of=AS_OF, seconds=WEEK)
DAY = 86_400
NOV_15 = 1_700_006_400  # 2023-11-15T00:00:00Z, the start of AS_OF's day


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = open_engine(tmp_path / "t.db")
    with Session(engine) as s:
        yield s
    engine.dispose()


def ticket(id: str, created_at: int, **fields: Any) -> Ticket:
    return Ticket(id=id, created_at=created_at, version_at=created_at, **fields)


def survey(id: str, submitted_at: int, kind: str, score: int, **fields: Any) -> Survey:
    return Survey(id=id, submitted_at=submitted_at, kind=kind, score=score, **fields)


def add(session: Session, *rows: Ticket | Survey | QuarantinedRow) -> None:
    session.add_all(rows)
    session.commit()


# --- percentile ---------------------------------------------------------------------------


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [10, 20, 30, 40]
    # median: rank (4-1)*0.5 = 1.5 -> 20 + 0.5*(30-20) = 25
    assert percentile(values, 0.5) == pytest.approx(25)
    # p90: rank (4-1)*0.9 = 2.7 -> 30 + 0.7*(40-30) = 37
    assert percentile(values, 0.9) == pytest.approx(37)
    # the ends are the smallest and largest values
    assert percentile(values, 0.0) == 10
    assert percentile(values, 1.0) == 40
    # odd length: rank (3-1)*0.5 = 1 exactly -> the middle value
    assert percentile([1, 5, 100], 0.5) == 5
    # one value is every percentile
    assert percentile([7], 0.9) == 7


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 0.5) is None


@pytest.mark.parametrize("q", [-0.1, 1.5, 50])
def test_percentile_rejects_q_outside_zero_to_one(q: float) -> None:
    with pytest.raises(ValueError):
        percentile([1, 2, 3], q)


@given(st.lists(st.integers(min_value=-(10**6), max_value=10**6), min_size=2, max_size=40))
def test_percentile_agrees_with_statistics_inclusive_quantiles(values: list[int]) -> None:
    # statistics.quantiles(method="inclusive") is the same closest-ranks linear method as
    # numpy's default; numpy is not installed here, the standard library is independent code.
    values.sort()
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    for k, expected in enumerate(deciles, start=1):
        assert percentile(values, k / 10) == pytest.approx(expected, rel=1e-9, abs=1e-6)


# --- window boundaries and empty sets -----------------------------------------------------


def test_window_excludes_its_start_and_includes_as_of(session: Session) -> None:
    add(
        session,
        ticket("at-start", START, first_response_at=START + 1000, handle_seconds=1000),
        ticket("just-inside", START + 1, first_response_at=START + 11, handle_seconds=100),
        ticket("at-as-of", AS_OF, first_response_at=AS_OF + 30, handle_seconds=300),
        ticket("after", AS_OF + 1, first_response_at=AS_OF + 1001, handle_seconds=1000),
        survey("s-start", START, "csat", 1),
        survey("s-inside", START + 1, "csat", 5),
        survey("s-as-of", AS_OF, "csat", 4),
        survey("s-after", AS_OF + 1, "csat", 1),
    )
    fr = first_response(session, W, Filters())
    # only just-inside (10 s) and at-as-of (30 s): mean (10+30)/2 = 20
    assert fr.count == 2
    assert fr.mean_seconds == pytest.approx(20)
    assert resolution(session, W, Filters()).created == 2
    ht = handle_time(session, W, Filters())
    # (100+300)/2 = 200
    assert (ht.count, ht.mean_seconds) == (2, pytest.approx(200))
    c = csat(session, W, Filters())
    # s-inside 5 and s-as-of 4: both satisfied, mean 4.5
    assert (c.responses, c.satisfied) == (2, 2)
    assert c.mean == pytest.approx(4.5)


def test_empty_database_gives_zero_counts_and_none(session: Session) -> None:
    d = dashboard(session, W)
    assert d.queue.open == 0
    assert d.queue.oldest_open_age_seconds is None
    assert d.first_response.mean_seconds is None
    assert d.first_response.median_seconds is None
    assert d.resolution.rate is None
    assert d.resolution.fcr_rate is None
    assert d.handle_time.mean_seconds is None
    assert d.abandonment.rate is None
    assert d.service_level.rate is None
    assert d.nps.score is None
    assert d.nps.margin_95 is None
    assert d.csat.score_pct is None
    assert d.csat.margin_95 is None
    assert d.ces.mean is None
    assert len(d.daily) == 30
    assert all(
        (p.first_response_median_seconds, p.resolution_rate, p.nps, p.csat_pct, p.created)
        == (None, None, None, None, 0)
        for p in d.daily
    )


# --- queue ----------------------------------------------------------------------------------


def test_queue_counts_only_open_tickets_created_by_as_of(session: Session) -> None:
    add(
        session,
        ticket("t1", AS_OF - 100, status="new", priority="high", channel="email", queue="billing"),
        ticket(
            "t2",
            AS_OF - 5_000,
            status="open",
            priority="normal",
            channel="chat",
            queue="billing",
            first_response_at=AS_OF - 4_000,
        ),
        # replied only after as_of, so at as_of it was still waiting; no priority, no queue
        ticket(
            "t3", AS_OF - 20_000, status="pending", channel="email", first_response_at=AS_OF + 50
        ),
        ticket(
            "t4",
            AS_OF - 90_000,
            status="on_hold",
            priority="low",
            channel="phone",
            queue="support",
            first_response_at=AS_OF - 80_000,
        ),
        ticket(
            "t5",
            AS_OF - 700_000,
            status="open",
            priority="high",
            channel="email",
            queue="support",
            first_response_at=AS_OF - 690_000,
        ),
        # not in the queue: finished, abandoned, or created after as_of
        ticket("t6", AS_OF - 50, status="solved", channel="email"),
        ticket("t7", AS_OF - 50, status="closed", channel="email"),
        ticket("t8", AS_OF - 10, status="abandoned", channel="phone", queue="support"),
        ticket("t9", AS_OF + 1, status="new", channel="email"),
    )
    q = queue_snapshot(session, AS_OF, Filters())
    assert q.open == 5  # t1..t5
    assert q.by_status == {"new": 1, "open": 2, "pending": 1, "on_hold": 1}
    # high: t1, t5; normal: t2; low: t4; t3 has none -> "unknown"
    assert q.by_priority == {"low": 1, "normal": 1, "high": 2, "unknown": 1}
    assert q.by_channel == {"email": 3, "chat": 1, "phone": 1}  # t1,t3,t5 / t2 / t4
    assert q.by_queue == {"billing": 2, "support": 2, "unknown": 1}  # t1,t2 / t4,t5 / t3
    # natural orders: statuses and priorities as defined, then names, "unknown" last
    assert list(q.by_status) == ["new", "open", "pending", "on_hold"]
    assert list(q.by_priority) == ["low", "normal", "high", "unknown"]
    assert list(q.by_channel) == ["chat", "email", "phone"]
    assert list(q.by_queue) == ["billing", "support", "unknown"]
    assert q.awaiting_first_response == 2  # t1 (none), t3 (after as_of)
    # ages 100, 5000, 20000, 90000, 700000 fall one in each bucket
    assert q.age_buckets == {"lt_1h": 1, "1h_4h": 1, "4h_24h": 1, "1d_7d": 1, "gt_7d": 1}
    assert q.oldest_open_age_seconds == 700_000  # t5


def test_abandoned_contacts_are_never_open(session: Session) -> None:
    add(
        session,
        ticket("a1", AS_OF - 10, status="abandoned", first_response_due_at=AS_OF - 5),
        ticket("a2", AS_OF - 7_200, status="abandoned", resolution_due_at=AS_OF + 60),
    )
    q = queue_snapshot(session, AS_OF, Filters())
    assert (q.open, q.awaiting_first_response, q.sla_breached, q.sla_at_risk) == (0, 0, 0, 0)
    assert q.by_status == {}
    assert q.oldest_open_age_seconds is None


def test_age_buckets_put_each_boundary_in_the_upper_bucket(session: Session) -> None:
    ages = [0, 3_599, 3_600, 14_399, 14_400, 86_399, 86_400, 604_799, 604_800]
    add(session, *(ticket(f"t{age}", AS_OF - age, status="open") for age in ages))
    q = queue_snapshot(session, AS_OF, Filters())
    # [0,3600): 0, 3599 | [3600,14400): 3600, 14399 | [14400,86400): 14400, 86399
    # [86400,604800): 86400, 604799 | [604800,inf): 604800
    assert q.age_buckets == {"lt_1h": 2, "1h_4h": 2, "4h_24h": 2, "1d_7d": 2, "gt_7d": 1}
    assert q.oldest_open_age_seconds == 604_800


def test_sla_breached_and_at_risk(session: Session) -> None:
    created = AS_OF - 1_000
    add(
        session,
        # breached: first response overdue and none yet
        ticket("b1", created, status="open", first_response_due_at=AS_OF - 1),
        # not breached: overdue first-response due, but it was answered
        ticket(
            "ok1",
            created,
            status="open",
            first_response_due_at=AS_OF - 1,
            first_response_at=AS_OF - 500,
        ),
        # breached: resolution overdue (first response irrelevant)
        ticket(
            "b2", created, status="open", first_response_at=AS_OF - 900, resolution_due_at=AS_OF - 1
        ),
        # at risk: due exactly now is not yet past (due < as_of is false), and as_of <= due
        ticket("r1", created, status="open", first_response_due_at=AS_OF),
        # at risk: due exactly one hour ahead (inclusive)
        ticket("r2", created, status="pending", first_response_due_at=AS_OF + 3_600),
        # neither: due one hour and one second ahead
        ticket("n1", created, status="open", first_response_due_at=AS_OF + 3_601),
        # at risk: resolution due in 30 minutes
        ticket(
            "r3",
            created,
            status="open",
            first_response_at=AS_OF - 900,
            resolution_due_at=AS_OF + 1_800,
        ),
        # neither: first-response due soon, but already answered
        ticket(
            "n2",
            created,
            status="open",
            first_response_due_at=AS_OF + 100,
            first_response_at=AS_OF - 10,
        ),
        # breached (first response overdue) and also resolution due soon: counted once, breached
        ticket(
            "b3",
            created,
            status="on_hold",
            first_response_due_at=AS_OF - 1,
            resolution_due_at=AS_OF + 100,
        ),
        # breached: the reply came after as_of, so at as_of there was none
        ticket(
            "b4",
            created,
            status="new",
            first_response_due_at=AS_OF - 1,
            first_response_at=AS_OF + 100,
        ),
        # not open, so neither
        ticket("x1", created, status="solved", first_response_due_at=AS_OF - 1),
        # open with no due times at all: neither
        ticket("n3", created, status="open"),
    )
    q = queue_snapshot(session, AS_OF, Filters())
    assert q.sla_breached == 4  # b1, b2, b3, b4
    assert q.sla_at_risk == 3  # r1, r2, r3
    assert q.open == 11  # 12 tickets less x1


# --- response and resolution --------------------------------------------------------------


def test_first_response_times(session: Session) -> None:
    add(
        session,
        ticket("f1", START + 1, first_response_at=START + 11),  # 10 s
        ticket("f2", AS_OF - 1_000, first_response_at=AS_OF - 980),  # 20 s
        ticket("f3", AS_OF - 500, first_response_at=AS_OF - 470),  # 30 s
        ticket("f4", AS_OF, first_response_at=AS_OF + 40),  # 40 s
        ticket("no-reply", AS_OF - 100, status="open"),
        ticket("gone", AS_OF - 100, status="abandoned"),
    )
    fr = first_response(session, W, Filters())
    assert fr.count == 4
    assert fr.mean_seconds == pytest.approx(25)  # (10+20+30+40)/4
    assert fr.median_seconds == pytest.approx(25)  # 20 + 0.5*10
    assert fr.p90_seconds == pytest.approx(37)  # rank 2.7: 30 + 0.7*10


def test_resolution_rate_times_fcr_and_reopens(session: Session) -> None:
    c = AS_OF - 10_000
    add(
        session,
        ticket("r1", c, status="solved", resolved_at=c + 100, reopens=0, agent_replies=1),
        ticket("r2", c, status="closed", resolved_at=c + 200, reopens=0, agent_replies=3),
        ticket("r3", c, status="solved", resolved_at=c + 300, reopens=2, agent_replies=1),
        ticket("r4", c, status="solved"),  # no resolved_at, reopens unknown
        ticket("r5", c, status="closed", resolved_at=c + 400, reopens=0),  # replies unknown
        ticket("r6", c, status="open"),
        ticket("r7", c, status="abandoned"),
        ticket("r8", START, status="solved", resolved_at=START + 5, reopens=0),  # outside W
    )
    r = resolution(session, W, Filters())
    assert r.created == 7  # r1..r7
    assert r.resolved == 5  # r1..r5
    assert r.rate == pytest.approx(5 / 7)
    # durations of r1, r2, r3, r5: [100, 200, 300, 400]
    assert r.median_seconds == pytest.approx(250)  # 200 + 0.5*100
    assert r.p90_seconds == pytest.approx(370)  # rank 2.7: 300 + 0.7*100
    # reopens known on r1, r2, r3, r5 (4). FCR: r1 (1 reply), r5 (replies unknown) -> 2/4.
    assert r.fcr_rate == pytest.approx(0.5)
    # reopened: r3 -> 1/4
    assert r.reopen_rate == pytest.approx(0.25)


def test_resolution_rates_are_none_without_known_reopens(session: Session) -> None:
    add(session, ticket("r1", AS_OF - 10, status="solved"))
    r = resolution(session, W, Filters())
    # resolved 1 of 1, but no resolved_at and no reopens to judge by
    assert (r.created, r.resolved, r.rate) == (1, 1, 1.0)
    assert (r.median_seconds, r.p90_seconds, r.fcr_rate, r.reopen_rate) == (None,) * 4


def test_handle_time_mean(session: Session) -> None:
    add(
        session,
        ticket("h1", AS_OF - 10, handle_seconds=100),
        ticket("h2", AS_OF - 20, handle_seconds=200),
        ticket("h3", AS_OF - 30, handle_seconds=600),
        ticket("h4", AS_OF - 40),
    )
    ht = handle_time(session, W, Filters())
    assert ht.count == 3
    assert ht.mean_seconds == pytest.approx(300)  # (100+200+600)/3


def _contacts(session: Session) -> None:
    """Live contacts (phone, chat) mixed with e-mail, web and channel-less tickets, which
    service level and abandonment must leave out."""
    c = AS_OF - 1_000
    add(
        session,
        ticket("a1", c, status="open", first_response_at=c + 5, channel="phone"),
        # exactly the target
        ticket("a2", c, status="solved", first_response_at=c + 20, channel="chat"),
        ticket("a3", c, status="solved", first_response_at=c + 21, channel="phone"),
        ticket("a4", c, status="abandoned", channel="phone"),
        # still abandoned
        ticket("a5", c, status="abandoned", first_response_at=c + 3, channel="chat"),
        ticket("a6", c, status="open", channel="chat"),  # not yet answered: not offered
        ticket("a7", c, first_response_at=c + 10, channel="phone"),  # no status, answered
        # not live: a mail answered in 5 s and one in an hour, a web form given up, and a
        # ticket with no channel answered at once
        ticket("e1", c, status="solved", first_response_at=c + 5, channel="email"),
        ticket("e2", c, status="solved", first_response_at=c + 3_600, channel="email"),
        ticket("e3", c, status="abandoned", channel="web"),
        ticket("e4", c, status="solved", first_response_at=c + 1),
    )


def test_abandonment(session: Session) -> None:
    _contacts(session)
    a = abandonment(session, W, Filters())
    # answered a1, a2, a3, a7 (4) + abandoned a4, a5 (2) = 6 offered
    assert (a.offered, a.abandoned) == (6, 2)
    assert a.rate == pytest.approx(2 / 6)


def test_service_level_counts_abandons_against(session: Session) -> None:
    _contacts(session)
    sl = service_level(session, W, Filters())
    # within 20 s: a1 (5), a2 (20), a7 (10) -> 3 of 6 offered
    assert (sl.target_seconds, sl.offered, sl.answered_within) == (20, 6, 3)
    assert sl.rate == pytest.approx(0.5)
    strict = service_level(session, W, Filters(), target_seconds=5)
    # within 5 s: a1 only -> 1/6
    assert strict.answered_within == 1
    assert strict.rate == pytest.approx(1 / 6)
    assert sl.channels == ("phone", "chat")


def test_service_level_and_abandonment_count_the_configured_live_channels(
    session: Session,
) -> None:
    _contacts(session)
    # e-mail alone: offered e1, e2 (answered); within 20 s: e1 -> 1 of 2; nothing abandoned
    mail = service_level(session, W, Filters(), live_channels=["email"])
    assert (mail.offered, mail.answered_within, mail.channels) == (2, 1, ("email",))
    gave_up = abandonment(session, W, Filters(), live_channels=["email", "web"])
    # e1, e2 answered + e3 abandoned = 3 offered, 1 abandoned
    assert (gave_up.offered, gave_up.abandoned) == (3, 1)
    # a filter on a channel that is not live leaves nothing to measure
    none = service_level(session, W, Filters(channel="email"))
    assert (none.offered, none.rate) == (0, None)


def test_first_reply_by_channel_group(session: Session) -> None:
    _contacts(session)
    board = dashboard(session, W)
    live, other = board.first_response_live, board.first_response_async
    assert live is not None and other is not None
    # live replies: a1 5, a2 20, a3 21, a5 3, a7 10 -> sorted 3 5 10 20 21; median 10;
    # p90 rank 3.6 -> 20 + 0.6 * 1 = 20.6
    assert (live.count, live.median_seconds, live.p90_seconds) == (5, 10, pytest.approx(20.6))
    # the others: e1 5, e2 3600, e4 1 -> sorted 1 5 3600; median 5; p90 rank 1.8 ->
    # 5 + 0.8 * 3595 = 2881
    assert (other.count, other.median_seconds) == (3, 5)
    assert other.p90_seconds == pytest.approx(2_881)
    assert board.first_response.count == 8


# --- surveys --------------------------------------------------------------------------------


def test_nps_score_and_margin(session: Session) -> None:
    t = AS_OF - 100
    add(
        session,
        *(survey(f"n{i}", t, "nps", score) for i, score in enumerate([10, 9, 8, 6, 0])),
        survey("old", START, "nps", 0),
        survey("other-kind", t, "csat", 1),
    )
    n = nps(session, W, Filters())
    assert (n.responses, n.promoters, n.passives, n.detractors) == (5, 2, 1, 2)
    assert n.score == pytest.approx(0)  # 100*(2-2)/5
    # p = d = 0.4: p + d - (p-d)^2 = 0.8; 0.8/5 = 0.16; sqrt = 0.4; 100*1.96*0.4 = 78.4
    assert n.margin_95 == pytest.approx(78.4)


def test_nps_margin_when_promoters_outnumber_detractors(session: Session) -> None:
    add(
        session,
        *(survey(f"n{i}", AS_OF, "nps", s) for i, s in enumerate([10, 10, 10, 7, 3])),
    )
    n = nps(session, W, Filters())
    assert n.score == pytest.approx(40)  # 100*(3-1)/5
    # p=0.6, d=0.2: 0.8 - 0.4^2 = 0.64; 0.64/5 = 0.128
    assert n.margin_95 == pytest.approx(196 * math.sqrt(0.128))


def test_csat_and_ces(session: Session) -> None:
    t = AS_OF - 100
    add(
        session,
        *(survey(f"c{i}", t, "csat", s) for i, s in enumerate([5, 4, 3, 1, 5])),
        *(survey(f"e{i}", t, "ces", s) for i, s in enumerate([1, 7, 4])),
    )
    c = csat(session, W, Filters())
    assert (c.responses, c.satisfied) == (5, 3)  # 5, 4, 5
    assert c.score_pct == pytest.approx(60)  # 100*3/5
    assert c.mean == pytest.approx(3.6)  # 18/5
    # p = 0.6: 0.6*0.4 = 0.24; 0.24/5 = 0.048; sqrt(0.048) = 0.21909; 196*0.21909 = 42.94
    assert c.margin_95 == pytest.approx(42.94, abs=0.01)
    e = ces(session, W, Filters())
    assert e.responses == 3
    assert e.mean == pytest.approx(4)  # 12/3


def test_csat_margin_of_error(session: Session) -> None:
    scores = [5] * 12 + [4] * 8 + [3, 2, 2, 1, 1]
    add(session, *(survey(f"c{i}", AS_OF - 60, "csat", s) for i, s in enumerate(scores)))
    c = csat(session, W, Filters())
    assert (c.responses, c.satisfied) == (25, 20)  # twelve 5s and eight 4s
    # p = 20/25 = 0.8: 0.8*0.2 = 0.16; 0.16/25 = 0.0064; sqrt = 0.08; 100*1.96*0.08 = 15.68
    assert c.margin_95 == pytest.approx(15.68)


def test_csat_margin_is_zero_when_everyone_answered_alike(session: Session) -> None:
    add(session, *(survey(f"c{i}", AS_OF - 60, "csat", 5) for i in range(3)))
    # p = 1: 1*(1-1) = 0, so no spread to be unsure about
    assert csat(session, W, Filters()).margin_95 == 0


# --- filters --------------------------------------------------------------------------------


def _filtered_world(session: Session) -> None:
    c = AS_OF - 1_000
    add(
        session,
        ticket(
            "c1",
            c,
            status="open",
            channel="email",
            agent="ann",
            priority="high",
            queue="billing",
            first_response_at=c + 10,
            handle_seconds=100,
        ),
        ticket(
            "c2",
            c,
            status="solved",
            channel="chat",
            agent="bob",
            priority="low",
            queue="billing",
            first_response_at=c + 30,
            handle_seconds=300,
        ),
        ticket(
            "c3",
            c,
            status="open",
            channel="email",
            agent="bob",
            priority="low",
            queue="support",
            first_response_at=c + 50,
        ),
        ticket("c4", c, status="abandoned", channel="phone", agent=None, queue="support"),
        survey("v1", AS_OF - 10, "nps", 10, ticket_id="c1"),
        survey("v2", AS_OF - 10, "nps", 0, ticket_id="c2"),
        survey("v3", AS_OF - 10, "nps", 9),  # no ticket
        survey("v4", AS_OF - 10, "nps", 5, ticket_id="never-loaded"),
        survey("v5", AS_OF - 10, "csat", 5, ticket_id="c3"),
    )


def test_filters_narrow_ticket_metrics(session: Session) -> None:
    _filtered_world(session)
    email = Filters(channel="email")
    fr = first_response(session, W, email)
    assert (fr.count, fr.mean_seconds) == (2, pytest.approx(30))  # c1 10 s, c3 50 s
    assert queue_snapshot(session, AS_OF, email).open == 2  # c1, c3
    email_bob = Filters(channel="email", agent="bob")
    assert first_response(session, W, email_bob).mean_seconds == pytest.approx(50)  # c3
    r = resolution(session, W, Filters(agent="bob"))
    assert (r.created, r.resolved) == (2, 1)  # c2 solved, c3 open
    assert handle_time(session, W, Filters(priority="high")).mean_seconds == pytest.approx(100)
    a = abandonment(session, W, Filters(queue="support"))
    # c4 (phone) abandoned; c3 answered but by e-mail, which is not a live channel
    assert (a.offered, a.abandoned) == (1, 1)
    nobody = Filters(queue="nope")
    assert first_response(session, W, nobody).median_seconds is None
    assert resolution(session, W, nobody).rate is None


def test_filters_on_surveys_go_through_the_ticket(session: Session) -> None:
    _filtered_world(session)
    everyone = nps(session, W, Filters())
    # no filter keeps all four: promoters 10, 9; detractors 0, 5 -> 100*(2-2)/4 = 0
    assert (everyone.responses, everyone.score) == (4, pytest.approx(0))
    email = nps(session, W, Filters(channel="email"))
    # only v1 (ticket c1); v3 has no ticket and v4's ticket is missing, so both drop out
    assert (email.responses, email.promoters, email.score) == (1, 1, pytest.approx(100))
    bob = nps(session, W, Filters(agent="bob"))
    assert (bob.responses, bob.detractors, bob.score) == (1, 1, pytest.approx(-100))  # v2
    assert csat(session, W, Filters(queue="support")).responses == 1  # v5 via c3
    assert csat(session, W, Filters(queue="billing")).responses == 0
    assert ces(session, W, Filters(channel="email")).mean is None


# --- daily series ---------------------------------------------------------------------------


def test_daily_series_covers_thirty_days_ending_today(session: Session) -> None:
    nov_14 = NOV_15 - DAY
    oct_17 = NOV_15 - 29 * DAY
    add(
        session,
        # Nov 15, before as_of: waits 10 and 30 -> median 20; 1 of 2 resolved
        ticket("d1", NOV_15 + 3_600, status="solved", first_response_at=NOV_15 + 3_610),
        ticket("d2", NOV_15 + 7_200, status="open", first_response_at=NOV_15 + 7_230),
        # Nov 15 but after as_of: ignored
        ticket("d3", AS_OF + 3_600, status="solved", first_response_at=AS_OF + 4_600),
        # Nov 14, first and last second: waits 100, 200 -> median 150; 2 of 3 resolved
        ticket("d4", nov_14, status="closed", first_response_at=nov_14 + 100),
        ticket("d5", NOV_15 - 1, status="solved", first_response_at=NOV_15 + 199),
        ticket("d6", nov_14 + 60, status="open"),
        # Oct 17, the oldest day: wait 5, nothing resolved
        ticket("d7", oct_17, status="open", first_response_at=oct_17 + 5),
        # Oct 16, one second before the series starts: ignored
        ticket("d8", oct_17 - 1, status="solved", first_response_at=oct_17),
        # Nov 15 surveys: NPS 10, 0, 9 -> 100*(2-1)/3; CSAT 5, 2 -> 100*1/2
        survey("s1", NOV_15 + 36_000, "nps", 10),
        survey("s2", NOV_15 + 36_000, "nps", 0),
        survey("s3", AS_OF, "nps", 9),
        survey("s4", AS_OF + 1, "nps", 0),  # after as_of: ignored
        survey("s5", NOV_15 + 100, "csat", 5),
        survey("s6", NOV_15 + 200, "csat", 2),
        # Nov 13: CSAT 4 -> 100%
        survey("s7", NOV_15 - 2 * DAY + 5, "csat", 4),
    )
    points = daily_series(session, AS_OF, Filters())
    assert len(points) == 30
    assert (points[0].day, points[-1].day) == ("2023-10-17", "2023-11-15")
    by_day = {p.day: p for p in points}
    assert len(by_day) == 30  # no day repeated

    today = by_day["2023-11-15"]
    assert today.first_response_median_seconds == pytest.approx(20)
    assert today.resolution_rate == pytest.approx(0.5)
    assert today.nps == pytest.approx(100 / 3)
    assert today.csat_pct == pytest.approx(50)

    yesterday = by_day["2023-11-14"]
    assert yesterday.first_response_median_seconds == pytest.approx(150)
    assert yesterday.resolution_rate == pytest.approx(2 / 3)
    assert (yesterday.nps, yesterday.csat_pct) == (None, None)

    nov_13 = by_day["2023-11-13"]
    assert nov_13.csat_pct == pytest.approx(100)
    assert (nov_13.first_response_median_seconds, nov_13.resolution_rate, nov_13.nps) == (
        None,
        None,
        None,
    )

    oldest = points[0]
    assert oldest.first_response_median_seconds == pytest.approx(5)
    assert oldest.resolution_rate == pytest.approx(0)

    quiet = by_day["2023-11-01"]
    assert (quiet.first_response_median_seconds, quiet.resolution_rate) == (None, None)

    # arrivals: Nov 15 d1, d2 (d3 is after as_of); Nov 14 d4, d5, d6; Oct 17 d7 (d8 is the
    # day before); every other day, surveys or not, 0
    arrivals = {p.day: p.created for p in points if p.created}
    assert arrivals == {"2023-11-15": 2, "2023-11-14": 3, "2023-10-17": 1}
    assert (quiet.created, nov_13.created) == (0, 0)


def test_daily_series_applies_filters(session: Session) -> None:
    add(
        session,
        ticket("e", NOV_15 + 60, channel="email", first_response_at=NOV_15 + 70),
        ticket("c", NOV_15 + 60, channel="chat", first_response_at=NOV_15 + 160),
        survey("se", NOV_15 + 60, "nps", 10, ticket_id="e"),
        survey("sc", NOV_15 + 60, "nps", 0, ticket_id="c"),
    )
    points = daily_series(session, AS_OF, Filters(channel="chat"), days=3)
    assert [p.day for p in points] == ["2023-11-13", "2023-11-14", "2023-11-15"]
    assert points[-1].first_response_median_seconds == pytest.approx(100)  # only c
    assert points[-1].nps == pytest.approx(-100)  # only sc, a detractor
    assert [p.created for p in points] == [0, 0, 1]  # only c, on Nov 15


def test_daily_arrivals_follow_the_centres_days_across_a_clock_change(session: Session) -> None:
    # London leaves summer time at 01:00 UTC on Sunday 2023-10-29, so that day runs from
    # 2023-10-28T23:00Z to 2023-10-30T00:00Z: 25 hours.
    sunday_starts = 1_698_534_000  # 2023-10-28T23:00:00Z, midnight BST
    monday_starts = 1_698_624_000  # 2023-10-30T00:00:00Z, midnight GMT
    add(
        session,
        ticket("sat-late", sunday_starts - 1),  # 23:59:59 BST on Saturday
        ticket("sun-first", sunday_starts),  # 00:00 BST, on Sunday (23:00 UTC Saturday)
        ticket("sun-last", monday_starts - 1),  # 23:59:59 GMT, the 25th hour of Sunday
        ticket("mon-first", monday_starts),
    )
    as_of = monday_starts + 12 * 3_600
    london = daily_series(session, as_of, days=3, hours=BusinessHours("Europe/London"))
    assert [(p.day, p.created) for p in london] == [
        ("2023-10-28", 1),  # sat-late
        ("2023-10-29", 2),  # sun-first, sun-last
        ("2023-10-30", 1),  # mon-first
    ]
    # on UTC days sun-first falls on Saturday the 28th with sat-late
    utc = daily_series(session, as_of, days=3)
    assert [p.created for p in utc] == [2, 1, 1]


# --- quarantine, dashboard and report -------------------------------------------------------


def test_quarantine_count(session: Session) -> None:
    assert quarantine_count(session) == 0
    add(
        session,
        QuarantinedRow(file="a.csv", line=3, reason="bad date", raw="x", seen_at=AS_OF),
        QuarantinedRow(file="b.json", line=1, reason="no id", raw="{}", seen_at=AS_OF),
    )
    assert quarantine_count(session) == 2


CONTRACT = {
    "as_of": "2023-11-15T12:00:00Z",
    "window_seconds": 604800,
    "queue": {
        "open": 0,
        "by_status": {},
        "by_priority": {},
        "by_channel": {},
        "by_queue": {},
        "awaiting_first_response": 0,
        "age_buckets": {"lt_1h": 0, "1h_4h": 0, "4h_24h": 0, "1d_7d": 0, "gt_7d": 0},
        "oldest_open_age_seconds": None,
        "sla_breached": 0,
        "sla_at_risk": 0,
        "status_not_recorded": 0,
    },
    "first_response": {
        "count": 0,
        "mean_seconds": None,
        "median_seconds": None,
        "p90_seconds": None,
    },
    "resolution": {
        "created": 0,
        "resolved": 0,
        "rate": None,
        "median_seconds": None,
        "p90_seconds": None,
        "fcr_rate": None,
        "reopen_rate": None,
        "resolved_in_window": 0,
        "flow_rate": None,
    },
    "handle_time": {"count": 0, "mean_seconds": None},
    # Added after the first version: channels and interval_95 here and in service_level,
    # interval_95 in nps and csat, and every key from first_response_by_group on.
    "abandonment": {
        "offered": 0,
        "abandoned": 0,
        "rate": None,
        "channels": ["phone", "chat"],
        "interval_95": None,
    },
    "service_level": {
        "target_seconds": 20,
        "offered": 0,
        "answered_within": 0,
        "rate": None,
        "channels": ["phone", "chat"],
        "interval_95": None,
    },
    "nps": {
        "responses": 0,
        "promoters": 0,
        "passives": 0,
        "detractors": 0,
        "score": None,
        "margin_95": None,
        "interval_95": None,
    },
    "csat": {
        "responses": 0,
        "satisfied": 0,
        "score_pct": None,
        "mean": None,
        "margin_95": None,
        "interval_95": None,
    },
    "ces": {"responses": 0, "mean": None},
    "quarantine": {"rows": 0},
    "clock": "calendar",
    "data_quality": {"first_response_before_created": 0, "resolved_before_created": 0},
    "first_response_by_group": {
        "live": {
            "channels": ["phone", "chat"],
            "count": 0,
            "mean_seconds": None,
            "median_seconds": None,
            "p90_seconds": None,
        },
        "async": {"count": 0, "mean_seconds": None, "median_seconds": None, "p90_seconds": None},
    },
    "previous": {
        "as_of": "2023-11-08T12:00:00Z",
        "first_response": {
            "count": 0,
            "mean_seconds": None,
            "median_seconds": None,
            "p90_seconds": None,
        },
        "resolution": {"created": 0, "resolved": 0, "rate": None},
        "abandonment": {
            "offered": 0,
            "abandoned": 0,
            "rate": None,
            "channels": ["phone", "chat"],
            "interval_95": None,
        },
        "service_level": {
            "target_seconds": 20,
            "offered": 0,
            "answered_within": 0,
            "rate": None,
            "channels": ["phone", "chat"],
            "interval_95": None,
        },
        "nps": {
            "responses": 0,
            "promoters": 0,
            "passives": 0,
            "detractors": 0,
            "score": None,
            "margin_95": None,
            "interval_95": None,
        },
        "csat": {
            "responses": 0,
            "satisfied": 0,
            "score_pct": None,
            "mean": None,
            "margin_95": None,
            "interval_95": None,
        },
    },
    "change": {
        name: {"previous": None, "difference": None, "margin_95": None, "significant": None}
        for name in (
            "first_response_median_seconds",
            "resolution_rate",
            "abandonment_rate",
            "service_level_rate",
            "nps_score",
            "csat_score_pct",
        )
    },
    "events": {"waiting_for_ticket": 0},
}
DATA_KEYED = {"by_status", "by_priority", "by_channel", "by_queue"}


def key_shape(d: dict[str, Any]) -> list[Any]:
    """Keys in order, nested; dicts keyed by data values are reduced to a marker."""
    return [
        (k, "data-keyed" if k in DATA_KEYED else key_shape(v) if isinstance(v, dict) else None)
        for k, v in d.items()
    ]


def test_report_of_empty_database_is_exactly_the_contract(session: Session) -> None:
    report = report_dict(dashboard(session, W))
    # json.dumps keeps key order, so equal strings mean equal keys, order and values
    assert json.dumps(report) == json.dumps(CONTRACT)


def test_report_keeps_the_contract_shape_with_data(session: Session) -> None:
    _filtered_world(session)
    add(session, QuarantinedRow(file="a.csv", line=3, reason="bad", raw="x", seen_at=AS_OF))
    report = report_dict(dashboard(session, W, Filters(), sl_target_seconds=30))
    assert key_shape(report) == key_shape(CONTRACT)
    json.dumps(report)  # plain JSON types only
    assert report["queue"]["by_status"] == {"open": 2}  # c1, c3
    assert report["queue"]["by_channel"] == {"email": 2}
    assert report["service_level"]["target_seconds"] == 30
    # live channels only: c2 (chat) answered + c4 (phone) abandoned = 2 offered; within
    # 30 s: c2 (30) -> 1; c1 and c3 are e-mail
    assert report["service_level"]["offered"] == 2
    assert report["service_level"]["answered_within"] == 1
    assert report["quarantine"] == {"rows": 1}
    assert report["nps"]["responses"] == 4


# --- small samples: intervals that never read "± 0" ------------------------------------------


def _wilson_by_quadratic(satisfied: int, n: int) -> tuple[float, float]:
    """The Wilson bounds as the two shares p with (p̂ - p)² = z²·p·(1 - p)/n, solved as a
    quadratic a·p² + b·p + c = 0; an independent route to the closed formula in metrics."""
    z2 = 1.96**2
    share = satisfied / n
    a, b, c = 1 + z2 / n, -(2 * share + z2 / n), share**2
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


@pytest.mark.parametrize(
    ("satisfied", "n", "low", "high"),
    [
        # 1 of 1: the lower root is 1 / (1 + 1.96²) = 1 / 4.8416 = 0.20654; the upper is 1
        (1, 1, 0.2065433, 1.0),
        # 0 of 1: the mirror image, 0 to 1 - 0.20654
        (0, 1, 0.0, 0.7934567),
        # 4 of 5: 1.76832·p² - 2.36832·p + 0.64 = 0 -> (2.36832 ± 1.040212) / 3.53664
        (4, 5, 0.3755283, 0.9637768),
        # 24 of 30: k = 3.8416 / 30; (1 + k)·p² - (1.6 + k)·p + 0.64 = 0
        (24, 30, 0.6269395, 0.9049502),
    ],
)
def test_wilson_interval_at_small_n(satisfied: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(satisfied, n)
    assert interval == pytest.approx((low, high), abs=1e-6)
    assert interval == pytest.approx(_wilson_by_quadratic(satisfied, n), abs=1e-9)
    assert interval[1] - interval[0] > 0.1  # never "± 0", even from one answer
    assert wilson_interval(0, 0) is None


def test_one_csat_answer_has_a_wide_interval_not_a_zero_margin(session: Session) -> None:
    add(session, survey("c1", AS_OF - 100, "csat", 1))
    c = csat(session, W, Filters())
    assert (c.score_pct, c.margin_95) == (0, 0)  # the documented normal margin: 0
    assert c.interval_95 == pytest.approx((0, 79.34567), abs=1e-4)


def test_nps_interval_adjusted_wald(session: Session) -> None:
    # one promoter: n' = 4, p = 1.75 / 4 = 0.4375, d = 0.75 / 4 = 0.1875, centre 0.25;
    # p + d - centre² = 0.5625; √(0.5625 / 4) = 0.375; 1.96 · 0.375 = 0.735 -> -48.5 to 98.5
    assert nps_interval_95(1, 1, 0) == pytest.approx((-48.5, 98.5))
    # 2 promoters, 1 passive, 2 detractors: n' = 8, p = d = 2.75 / 8 = 0.34375; centre 0;
    # √(0.6875 / 8) = 0.2931505; · 1.96 = 0.5745750 -> ±57.4575
    assert nps_interval_95(5, 2, 2) == pytest.approx((-57.45759, 57.45759), abs=1e-4)
    # all promoters, many answers: clipped at +100
    assert nps_interval_95(10_000, 10_000, 0)[1] == 100.0
    assert nps_interval_95(0, 0, 0) is None


# --- change against the previous window ---------------------------------------------------


def test_change_against_the_previous_window_and_its_significance(session: Session) -> None:
    now, before = AS_OF - 100, START - 100  # inside W, and inside the week before it
    add(
        session,
        # CSAT: 40 of 50 satisfied before (80%), 20 of 50 now (40%): a drop of 40 points
        *(survey(f"cb{i}", before, "csat", 5 if i < 40 else 1) for i in range(50)),
        *(survey(f"cn{i}", now, "csat", 5 if i < 20 else 1) for i in range(50)),
        # NPS: 3 answers each side, from 0 to +33: too few to say
        *(survey(f"nb{i}", before, "nps", s) for i, s in enumerate([10, 0, 8])),
        *(survey(f"nn{i}", now, "nps", s) for i, s in enumerate([10, 9, 0])),
        # phone: 2 answered in 10 s before; now 1 in 10 s and 1 in 60 s
        ticket("pb1", before, status="solved", first_response_at=before + 10, channel="phone"),
        ticket("pb2", before, status="solved", first_response_at=before + 10, channel="phone"),
        ticket("pn1", now, status="solved", first_response_at=now + 10, channel="phone"),
        ticket("pn2", now, status="solved", first_response_at=now + 60, channel="phone"),
    )
    board = dashboard(session, W)
    assert board.previous is not None and board.previous.as_of == START
    change = board.changes
    csat_change = change["csat_score_pct"]
    assert (csat_change.previous, csat_change.difference) == (80, pytest.approx(-40))
    # Wilson half-widths: 40/50 -> (0.66963, 0.88756), 10.897 points; 20/50 ->
    # (0.27608, 0.53819), 13.105 points; combined √(10.897² + 13.105²) = 17.044 < 40
    assert csat_change.margin_95 == pytest.approx(17.044, abs=0.001)
    assert csat_change.significant is True
    nps_change = change["nps_score"]
    assert nps_change.difference == pytest.approx(100 / 3)
    assert nps_change.significant is False
    # service level (phone, chat) 100% before, 50% now; median first reply 10 s -> 35 s
    assert change["service_level_rate"].difference == pytest.approx(-0.5)
    assert change["service_level_rate"].significant is None
    assert change["first_response_median_seconds"].difference == pytest.approx(25)
    report = report_dict(board)
    assert report["change"]["csat_score_pct"]["significant"] is True
    assert report["previous"]["csat"]["score_pct"] == 80
    assert report["service_level"]["channels"] == ["phone", "chat"]
