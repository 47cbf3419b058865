"""A ticket's status at a past moment: hand-worked histories, then the SQL against the Python."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import true
from sqlmodel import Session, select

from cxtui import metrics, queries
from cxtui.metrics import Filters, Window, queue_snapshot
from cxtui.models import OPEN_STATUSES, TICKET_STATUSES, StatusChange, Ticket
from cxtui.past_status import (
    StatusThen,
    not_recorded_then,
    open_then,
    status_at,
    status_then_sql,
)
from cxtui.queries import TicketQuery
from cxtui.store import open_engine

HOUR = 3_600
T0 = 1_700_000_000

# Created at T0, answered, solved, reopened by the customer, solved again.
REOPENED = [
    (T0, "new"),
    (T0 + HOUR, "open"),
    (T0 + 2 * HOUR, "solved"),
    (T0 + 3 * HOUR, "open"),
    (T0 + 4 * HOUR, "solved"),
]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (T0 - 1, StatusThen(None, "not_created")),
        (T0, StatusThen("new", "history")),  # a change exactly at the moment counts
        (T0 + HOUR - 1, StatusThen("new", "history")),
        (T0 + HOUR, StatusThen("open", "history")),
        (T0 + 2 * HOUR + 30, StatusThen("solved", "history")),
        (T0 + 3 * HOUR + 30, StatusThen("open", "history")),  # reopened
        (T0 + 4 * HOUR, StatusThen("solved", "current")),  # nothing changed since
        (T0 + 100 * HOUR, StatusThen("solved", "current")),
    ],
)
def test_a_reopened_ticket_through_its_life(moment: int, expected: StatusThen) -> None:
    history = list(reversed(REOPENED))  # the order given does not matter
    then = status_at(created_at=T0, status_now="solved", history=history, moment=moment)
    assert then == expected


def test_no_history_falls_back_to_the_status_now_and_says_so() -> None:
    then = status_at(created_at=T0, status_now="pending", history=[], moment=T0 + 60)
    assert then == StatusThen("pending", "row_only")
    assert status_at(created_at=T0, status_now="pending", history=[], moment=T0 - 60) == (
        StatusThen(None, "not_created")
    )


def test_before_the_first_recorded_change_the_status_is_not_known() -> None:
    # A snapshot export saw the ticket once, solved, two hours after it was created.
    history = [(T0 + 2 * HOUR, "solved")]
    then = status_at(created_at=T0, status_now="solved", history=history, moment=T0 + HOUR)
    assert then == StatusThen(None, "not_recorded")
    assert then.existed


def test_changes_in_the_same_second_go_in_lifecycle_order() -> None:
    history = [(T0 + 60, "solved"), (T0 + 60, "open"), (T0, "new"), (T0 + 120, "closed")]
    then = status_at(created_at=T0, status_now="closed", history=history, moment=T0 + 60)
    assert then == StatusThen("solved", "history")


# --- the SQL (queue pane, open list) against status_at -------------------------------------


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = open_engine(tmp_path / "past.db")
    with Session(engine) as s:
        yield s
    engine.dispose()


def _ticket(id: str, created_at: int, status: str | None, **fields: object) -> Ticket:
    return Ticket(id=id, created_at=created_at, version_at=created_at, status=status, **fields)


def _add(session: Session, tickets: list[Ticket], changes: list[tuple[str, int, str]]) -> None:
    session.add_all(tickets)
    session.add_all(StatusChange(ticket_id=t, at=at, status=s) for t, at, s in changes)
    session.commit()


def test_queue_as_it_stood_matches_a_hand_worked_queue(session: Session) -> None:
    _add(
        session,
        [
            # A: the reopened ticket above; reply due 30 min after creation, replied at +1h.
            _ticket(
                "A",
                T0,
                "solved",
                priority="high",
                channel="email",
                first_response_at=T0 + HOUR,
                first_response_due_at=T0 + 1_800,
            ),
            # B: no history, open now, created at +1h; its reply is due at +5h.
            _ticket("B", T0 + HOUR, "open", channel="chat", first_response_due_at=T0 + 5 * HOUR),
            # C: seen once, solved at +4h: before that its status was not recorded.
            _ticket("C", T0, "solved", channel="email"),
            # D: created later than every moment below.
            _ticket("D", T0 + 10 * HOUR, "open", channel="email"),
        ],
        [*(("A", at, s) for at, s in REOPENED), ("C", T0 + 4 * HOUR, "solved")],
    )
    # At +3h30: A reopened (open; replied at +1h, so nothing outstanding but no due times
    # beyond the reply, which was missed: not breached); B open, reply due in 1h30 (on
    # track); C not recorded; D not created. Open 2: open 2; high 1, unknown 1; email 1,
    # chat 1. Ages 3h30 (1h-4h) and 2h30 (1h-4h). Oldest 3h30.
    queue = queue_snapshot(session, T0 + 3 * HOUR + 1_800)
    assert queue.open == 2
    assert queue.by_status == {"open": 2}
    assert queue.by_priority == {"high": 1, "unknown": 1}
    assert queue.by_channel == {"chat": 1, "email": 1}
    assert queue.age_buckets["1h_4h"] == 2
    assert queue.oldest_open_age_seconds == 3 * HOUR + 1_800
    assert queue.awaiting_first_response == 1  # B
    assert (queue.sla_breached, queue.sla_at_risk) == (0, 0)
    assert queue.status_not_recorded == 1  # C
    # At +4h exactly A is solved again; B's reply is due in exactly an hour: at risk.
    edge = queue_snapshot(session, T0 + 4 * HOUR)
    assert (edge.open, edge.sla_at_risk, edge.sla_breached, edge.by_channel) == (
        1,
        1,
        0,
        {"chat": 1},
    )
    # At +5h30: B's reply was due 30 min ago: breached, no longer at risk.
    late = queue_snapshot(session, T0 + 5 * HOUR + 1_800)
    assert (late.open, late.sla_at_risk, late.sla_breached) == (1, 0, 1)
    # At +30 min: A new (changed at T0, open at +1h), B not created. New 1.
    early = queue_snapshot(session, T0 + 1_800)
    assert early.by_status == {"new": 1}
    assert early.status_not_recorded == 1  # C again; B and D do not exist yet
    assert edge.status_not_recorded == 0  # C's change at +4h is at the moment: recorded


def test_open_then_agrees_with_status_at_on_random_histories(session: Session) -> None:
    rng = random.Random(14)
    tickets, changes, histories = [], [], {}
    for i in range(60):
        created = T0 + rng.randrange(0, 20) * 600
        history: list[tuple[int, str]] = []
        if rng.random() < 0.8:
            at = created + rng.choice((0, 0, 600))
            for _ in range(rng.randrange(1, 5)):
                history.append((at, rng.choice(TICKET_STATUSES)))
                at += rng.choice((0, 600, 1_200))  # sometimes two in the same second
        history = sorted(set(history))
        status_now = rng.choice((*TICKET_STATUSES, None))
        if history and rng.random() < 0.9:  # the row usually holds the latest change
            status_now = max(history, key=lambda c: (c[0], TICKET_STATUSES.index(c[1])))[1]
        id = f"T{i:02}"
        tickets.append(_ticket(id, created, status_now))
        changes += [(id, at, s) for at, s in history]
        histories[id] = (created, status_now, history)
    _add(session, tickets, changes)
    moments = {T0 - 1, *(at + d for _, at, _ in changes for d in (-1, 0, 1))}
    for moment in sorted(moments):
        expected, unknown, every = {}, set(), {}
        for id, (created, status_now, history) in histories.items():
            then = status_at(
                created_at=created, status_now=status_now, history=history, moment=moment
            )
            if then.status in OPEN_STATUSES:
                expected[id] = then.status
            if then.source == "not_recorded":
                unknown.add(id)
            if then.existed:
                every[id] = then.status
        assert dict(session.exec(open_then(moment)).all()) == expected, moment
        assert {row[0] for row in session.exec(not_recorded_then(moment))} == unknown, moment
        # Row by row, as the lists, the ticket and the journey read it.
        shown = select(Ticket.id, status_then_sql(moment)).where(Ticket.created_at <= moment)
        assert dict(session.exec(shown).all()) == every, moment


def test_after_the_last_change_the_history_way_gives_the_live_answer(session: Session) -> None:
    """Live and at the latest data the rows alone answer; forced through the history the
    queue and the open list come out the same (status_at: nothing later means the status now)."""
    _add(
        session,
        [
            _ticket("A", T0, "open", first_response_due_at=T0 + HOUR),
            _ticket("B", T0, "pending", resolution_due_at=T0 + 10 * HOUR),
            _ticket("C", T0, "solved"),
            _ticket("E", T0, "new"),  # no history
        ],
        [("A", T0, "new"), ("A", T0 + HOUR, "open"), ("B", T0, "pending"), ("C", T0, "solved")],
    )
    moment = T0 + 9 * HOUR + 1_800
    window = Window(as_of=moment, seconds=7 * 86_400)
    query = TicketQuery("open", window, Filters(), sort="sla")
    fast = (queue_snapshot(session, moment), queries.ticket_page(session, query, 0, 10))
    with (
        mock.patch.object(metrics, "changed_after_any", lambda _moment: true()),
        mock.patch.object(queries, "_travelled", lambda _session, _as_of: True),
    ):
        slow = (queue_snapshot(session, moment), queries.ticket_page(session, query, 0, 10))
    assert fast == slow
    assert fast[0].open == 3 and fast[0].sla_breached == 1  # A: reply due 8h30 ago
    assert [row.id for row in fast[1]] == ["A", "B", "E"]  # by next due; E has none
