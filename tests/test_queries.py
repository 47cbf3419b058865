"""Drill-down queries: which rows each list holds, in which order, page by page.

Expected lists are either written out by hand or rebuilt by a plain-Python reading of the
definitions in queries.py's docstrings, never taken from the queries themselves.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from cxtui.metrics import Filters, Window, queue_snapshot
from cxtui.models import TICKET_STATUSES, QuarantinedRow, StatusChange, Survey, Ticket
from cxtui.queries import (
    LIST_KINDS,
    SORTS,
    TicketQuery,
    count_quarantine,
    count_surveys,
    count_tickets,
    customer_journey,
    filter_choices,
    latest_activity,
    latest_comments,
    quarantine_page,
    survey_category,
    survey_page,
    ticket_detail,
    ticket_page,
)
from cxtui.store import open_engine

H = 3_600
D = 86_400
AS_OF = 1_700_049_600  # 2023-11-15T12:00:00Z
WEEK = Window(as_of=AS_OF, seconds=7 * D)
ALL = Filters()
OPEN = ("new", "open", "pending", "on_hold")


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


def add(session: Session, *rows: Any) -> None:
    session.add_all(rows)
    session.commit()


def all_pages(session: Session, q: TicketQuery, size: int) -> list[str]:
    ids: list[str] = []
    offset = 0
    while page := ticket_page(session, q, offset, size):
        assert len(page) <= size
        ids += [row.id for row in page]
        offset += size
    return ids


# --- paging and every sort of every kind, against a plain-Python model --------------------


def random_tickets(seed: int, n: int) -> list[Ticket]:
    """Varied tickets: shared creation times, missing fields, some outside the week."""
    rng = random.Random(seed)
    statuses = [*OPEN, "solved", "closed", "abandoned", None]
    tickets = []
    for i in range(n):
        created = AS_OF - rng.choice([10 * D, 7 * D, 7 * D - 1, 3 * D, D, H, 60, 0, -H])
        created -= rng.choice([0, 0, 5, 120])  # repeats make ties that need the id tie-breaker
        responded = rng.choice([None, created + rng.randrange(0, 4 * H)])
        tickets.append(
            ticket(
                f"T{i:03d}",
                created,
                status=rng.choice(statuses),
                priority=rng.choice(["low", "normal", "high", "urgent", None]),
                channel=rng.choice(["email", "chat"]),
                agent=rng.choice(["ann", "bob", None]),
                first_response_at=responded,
                reopens=rng.choice([None, 0, 0, 1, 3]),
                first_response_due_at=rng.choice([None, AS_OF - H, AS_OF + 30 * 60, AS_OF + D]),
                resolution_due_at=rng.choice([None, AS_OF - 2 * H, AS_OF + 2 * D]),
            )
        )
    return tickets


def in_list(kind: str, t: Ticket) -> bool:
    """Each list's definition, restated in Python."""
    in_week = AS_OF - 7 * D < t.created_at <= AS_OF
    if kind == "open":
        return t.status in OPEN and t.created_at <= AS_OF
    if kind == "first_response":
        return in_week and t.first_response_at is not None
    if kind == "unresolved":
        unresolved = t.status not in ("solved", "closed", "abandoned")
        return in_week and (unresolved or (t.reopens or 0) > 0)
    return True


def earliest_outstanding_due(t: Ticket) -> int | None:
    """The next breach: only an open ticket has due times still to meet."""
    if t.status not in OPEN:
        return None
    awaiting = t.first_response_at is None or t.first_response_at > AS_OF
    dues = [t.resolution_due_at, t.first_response_due_at if awaiting else None]
    known = [d for d in dues if d is not None]
    return min(known) if known else None


def sort_key(sort: str) -> Callable[[Ticket], tuple[Any, ...]]:
    urgency = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    keys: dict[str, Callable[[Ticket], tuple[Any, ...]]] = {
        "oldest": lambda t: (t.created_at, t.id),
        "sla": lambda t: (
            earliest_outstanding_due(t) is None,
            earliest_outstanding_due(t) or 0,
            t.created_at,
            t.id,
        ),
        "priority": lambda t: (urgency.get(t.priority or "", 4), t.created_at, t.id),
        "slowest": lambda t: (-(t.first_response_at - t.created_at), t.created_at, t.id),
        "fastest": lambda t: (t.first_response_at - t.created_at, t.created_at, t.id),
        "reopens": lambda t: (t.reopens is None, -(t.reopens or 0), t.created_at, t.id),
    }
    return keys[sort]


def expected_ids(tickets: list[Ticket], kind: str, sort: str) -> list[str]:
    chosen = [t for t in tickets if in_list(kind, t)]
    if sort == "newest":  # created_at descending, then id descending
        return [t.id for t in sorted(chosen, key=lambda t: (t.created_at, t.id), reverse=True)]
    return [t.id for t in sorted(chosen, key=sort_key(sort))]


KIND_SORTS = [(kind, sort) for kind in LIST_KINDS for sort in SORTS[kind]]


@pytest.mark.parametrize(("kind", "sort"), KIND_SORTS)
def test_pages_cover_every_row_once_in_sort_order(session: Session, kind: str, sort: str) -> None:
    tickets = random_tickets(seed=7, n=90)
    expected = expected_ids([t.model_copy() for t in tickets], kind, sort)
    add(session, *tickets)
    q = TicketQuery(kind, WEEK, ALL, sort=sort)
    assert len(expected) >= 10, "the generated data should fill several pages"
    assert count_tickets(session, q) == len(expected)
    assert all_pages(session, q, size=7) == expected


def test_empty_sort_means_the_kinds_first_sort(session: Session) -> None:
    add(session, *random_tickets(seed=3, n=40))
    for kind in LIST_KINDS:
        default = ticket_page(session, TicketQuery(kind, WEEK, ALL), 0, 100)
        first = ticket_page(session, TicketQuery(kind, WEEK, ALL, sort=SORTS[kind][0]), 0, 100)
        assert [r.id for r in default] == [r.id for r in first]


def test_sort_orders_written_out_by_hand(session: Session) -> None:
    add(
        session,
        ticket("A", AS_OF - 5 * H, status="open", priority="low", first_response_at=AS_OF - 4 * H),
        ticket("B", AS_OF - 3 * H, status="new", priority="urgent", reopens=2),
        ticket("C", AS_OF - 4 * H, status="pending", priority=None, first_response_at=AS_OF - H),
        ticket("D", AS_OF - 2 * H, status="on_hold", priority="high", reopens=5),
        ticket("E", AS_OF - 1 * H, status="solved", priority="urgent", reopens=1,
               first_response_at=AS_OF - H + 10),
    )  # fmt: skip

    def ids(kind: str, sort: str) -> list[str]:
        return [r.id for r in ticket_page(session, TicketQuery(kind, WEEK, ALL, sort=sort), 0, 9)]

    assert ids("open", "oldest") == ["A", "C", "B", "D"]
    assert ids("open", "newest") == ["D", "B", "C", "A"]
    assert ids("open", "priority") == ["B", "D", "A", "C"]  # urgent, high, low, unknown
    # Waits: A 1 h, C 3 h, E 10 s.
    assert ids("first_response", "slowest") == ["C", "A", "E"]
    assert ids("first_response", "fastest") == ["E", "A", "C"]
    # E is solved but reopened, so it is listed; reopens 5, 2, 1, then unknown (A, C) oldest first.
    assert ids("unresolved", "reopens") == ["D", "B", "E", "A", "C"]


def test_next_breach_sort_in_the_reply_list(session: Session) -> None:
    add(
        session,
        # Open, replied; resolution overdue by 2 h: most pressing.
        ticket("overdue", AS_OF - D, status="open", first_response_at=AS_OF - 20 * H,
               resolution_due_at=AS_OF - 2 * H),
        # Open, replied late (first reply missed), resolution due in 30 min.
        ticket("soon", AS_OF - D, status="pending", first_response_at=AS_OF - 10 * H,
               first_response_due_at=AS_OF - 12 * H, resolution_due_at=AS_OF + 30 * 60),
        ticket("later", AS_OF - 2 * D, status="open", first_response_at=AS_OF - 20 * H,
               resolution_due_at=AS_OF + D),
        # Solved: nothing outstanding, so last, oldest first.
        ticket("done", AS_OF - 3 * D, status="solved", first_response_at=AS_OF - 2 * D,
               resolution_due_at=AS_OF - 2 * H, resolved_at=AS_OF - 3 * H),
        ticket("done2", AS_OF - D - 1, status="solved", first_response_at=AS_OF - 20 * H),
    )  # fmt: skip
    rows = ticket_page(session, TicketQuery("first_response", WEEK, ALL, sort="sla"), 0, 9)
    assert [r.id for r in rows] == ["overdue", "soon", "later", "done", "done2"]
    assert [r.sla.state for r in rows] == ["breached", "at_risk", "on_track", "met", "none"]


def test_sla_sort_puts_the_nearest_outstanding_due_time_first(session: Session) -> None:
    add(
        session,
        ticket("late", AS_OF - D, status="open", resolution_due_at=AS_OF - 60),
        ticket("soon", AS_OF - D, status="open", first_response_due_at=AS_OF + 600),
        # Its reply due time is met, so only its resolution due time (tomorrow) counts.
        ticket("replied", AS_OF - D, status="open", first_response_at=AS_OF - H,
               first_response_due_at=AS_OF - 2 * H, resolution_due_at=AS_OF + D),
        ticket("none", AS_OF - 2 * D, status="open"),
        ticket("both", AS_OF - D, status="pending", first_response_due_at=AS_OF + 2 * H,
               resolution_due_at=AS_OF + H),
    )  # fmt: skip
    q = TicketQuery("open", WEEK, ALL, sort="sla")
    assert [r.id for r in ticket_page(session, q, 0, 10)] == [
        "late",  # due 60 s ago
        "soon",  # due in 10 min
        "both",  # min(2 h, 1 h) = 1 h
        "replied",  # 1 day
        "none",  # no due time: last
    ]


def test_unresolved_counts_unknown_status_and_reopened_but_not_finished_tickets(
    session: Session,
) -> None:
    add(
        session,
        ticket("open", AS_OF - H, status="open"),
        ticket("unknown", AS_OF - H, status=None),
        ticket("solved", AS_OF - H, status="solved", reopens=0),
        ticket("closed-reopened", AS_OF - H, status="closed", reopens=1),
        ticket("abandoned", AS_OF - H, status="abandoned"),
        ticket("old-open", AS_OF - 8 * D, status="open"),
    )
    q = TicketQuery("unresolved", WEEK, ALL)
    assert count_tickets(session, q) == 3
    assert {r.id for r in ticket_page(session, q, 0, 10)} == {"open", "unknown", "closed-reopened"}


def test_window_edges_for_lists_limited_to_the_window(session: Session) -> None:
    add(
        session,
        ticket("at-start", WEEK.start, status="open", first_response_at=WEEK.start + 1),
        ticket("after-start", WEEK.start + 1, status="open", first_response_at=WEEK.start + 2),
        ticket("at-as-of", AS_OF, status="open", first_response_at=AS_OF),
        ticket("future", AS_OF + 1, status="open", first_response_at=AS_OF + 2),
    )
    # W = (start, as_of]: the start second is out, as_of is in.
    q = TicketQuery("first_response", WEEK, ALL, sort="newest")
    assert [r.id for r in ticket_page(session, q, 0, 10)] == ["at-as-of", "after-start"]
    # The open queue is not limited to the window, only to tickets created by as_of.
    q = TicketQuery("open", WEEK, ALL)
    assert [r.id for r in ticket_page(session, q, 0, 10)] == ["at-start", "after-start", "at-as-of"]
    # "all" is every ticket.
    assert count_tickets(session, TicketQuery("all", WEEK, ALL)) == 4


def test_page_arguments(session: Session) -> None:
    add(session, *(ticket(f"T{i}", AS_OF - i) for i in range(5)))
    q = TicketQuery("all", WEEK, ALL, sort="oldest")
    assert [r.id for r in ticket_page(session, q, 3, 10)] == ["T1", "T0"]
    assert ticket_page(session, q, 5, 10) == []
    assert ticket_page(session, q, 0, 0) == []
    with pytest.raises(ValueError, match="negative"):
        ticket_page(session, q, -1, 10)


def test_unknown_kind_or_sort_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown list 'closed'"):
        count_tickets(session, TicketQuery("closed", WEEK, ALL))
    with pytest.raises(ValueError, match="unknown sort 'reopens' for all"):
        ticket_page(session, TicketQuery("all", WEEK, ALL, sort="reopens"), 0, 10)


# --- filters and search ------------------------------------------------------------------


def test_filters_narrow_every_list(session: Session) -> None:
    add(
        session,
        ticket("1", AS_OF - H, status="open", channel="email", queue="billing", agent="ann",
               priority="high"),
        ticket("2", AS_OF - H, status="open", channel="email", queue="tech", agent="bob",
               priority="high"),
        ticket("3", AS_OF - H, status="open", channel="chat", queue="billing", agent="ann",
               priority="low"),
        ticket("4", AS_OF - H, status="solved", channel="email", queue="billing", agent="ann",
               priority="high"),
    )  # fmt: skip

    def ids(kind: str, filters: Filters) -> set[str]:
        q = TicketQuery(kind, WEEK, filters)
        rows = ticket_page(session, q, 0, 10)
        assert count_tickets(session, q) == len(rows)
        return {r.id for r in rows}

    assert ids("open", Filters(channel="email")) == {"1", "2"}
    assert ids("open", Filters(queue="billing")) == {"1", "3"}
    assert ids("open", Filters(agent="bob")) == {"2"}
    assert ids("open", Filters(priority="low")) == {"3"}
    assert ids("all", Filters(channel="email", queue="billing", agent="ann")) == {"1", "4"}
    assert ids("all", Filters(channel="sms")) == set()


@pytest.fixture
def searchable(session: Session) -> Session:
    add(
        session,
        ticket("T-100", AS_OF - 60, subject="Refund not received", customer_id="C-1",
               agent="Ann Lee"),
        ticket("T-200", AS_OF - 120, subject="100% broken", customer_id="C-2", agent="Bob"),
        ticket("T-300", AS_OF - 180, subject="1000 broken", customer_id="c-3", agent="bob"),
        ticket("T-400", AS_OF - 240, subject="a_b under", customer_id="C-4"),
        ticket("T-500", AS_OF - 300, subject="axb no under", customer_id="C-5"),
        ticket("T-600", AS_OF - 360, subject="'; DROP TABLE ticket; --", customer_id="C-6"),
        ticket("T-700", AS_OF - 420, subject='O\'Brien said "hi" from C:\\temp'),
    )  # fmt: skip
    return session


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("t-200", ["T-200"]),  # id, any case
        ("REFUND", ["T-100"]),  # subject
        ("c-3", ["T-300"]),  # customer id
        ("ann l", ["T-100"]),  # agent
        ("bob", ["T-200", "T-300"]),  # agent, both cases
        ("  Refund  ", ["T-100"]),  # surrounding spaces ignored
        ("", ["T-100", "T-200", "T-300", "T-400", "T-500", "T-600", "T-700"]),
        ("100%", ["T-200"]),  # % is a literal percent sign, not "anything"
        ("%", ["T-200"]),
        ("a_b", ["T-400"]),  # _ is a literal underscore, not "any one character"
        ("_", ["T-400"]),
        ("'; DROP TABLE ticket; --", ["T-600"]),
        ("O'Brien", ["T-700"]),
        ('"hi"', ["T-700"]),
        ("C:\\temp", ["T-700"]),
        ("\\", ["T-700"]),
        ("nothing like this", []),
    ],
)
def test_search_matches_text_literally(
    searchable: Session, search: str, expected: list[str]
) -> None:
    q = TicketQuery("all", WEEK, ALL, search=search)
    assert [r.id for r in ticket_page(searchable, q, 0, 20)] == expected
    assert count_tickets(searchable, q) == len(expected)
    assert len(searchable.exec(select(Ticket)).all()) == 7  # the table is still there


# --- SLA state (the rules themselves are tested in test_sla.py) ---------------------------


def test_rows_carry_the_sla_verdict(session: Session) -> None:
    # Answered 42h 54m late, still open: the list said "ok" while the ticket said "missed".
    add(
        session,
        ticket("T", AS_OF - 3 * D, status="pending", first_response_due_at=AS_OF - 2 * D,
               first_response_at=AS_OF - 2 * D + 42 * H + 54 * 60, resolution_due_at=AS_OF + D),
    )  # fmt: skip
    [row] = ticket_page(session, TicketQuery("all", WEEK, ALL), 0, 1)
    assert (row.sla.state, row.sla.next_due_at) == ("missed", AS_OF + D)
    detail = ticket_detail(session, "T", AS_OF)
    assert detail is not None and detail.ticket.sla == row.sla


def test_sla_state_agrees_with_the_queue_pane_counts(session: Session) -> None:
    tickets = random_tickets(seed=11, n=120)
    add(session, *tickets)
    q = TicketQuery("open", WEEK, ALL)
    rows = ticket_page(session, q, 0, 1000)
    snapshot = queue_snapshot(session, AS_OF)
    assert len(rows) == snapshot.open
    assert sum(r.sla.state == "breached" for r in rows) == snapshot.sla_breached
    assert sum(r.sla.state == "at_risk" for r in rows) == snapshot.sla_at_risk
    assert snapshot.sla_breached > 0 and snapshot.sla_at_risk > 0


# --- surveys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "by_score"),
    [
        ("nps", {0: "detractor", 6: "detractor", 7: "passive", 8: "passive", 9: "promoter",
                 10: "promoter"}),
        ("csat", {1: "dissatisfied", 2: "dissatisfied", 3: "neutral", 4: "satisfied",
                  5: "satisfied"}),
        ("ces", {1: "high_effort", 3: "high_effort", 4: "neutral", 5: "low_effort",
                 7: "low_effort"}),
    ],
)  # fmt: skip
def test_survey_category_cut_offs(session: Session, kind: str, by_score: dict[int, str]) -> None:
    for score, category in by_score.items():
        assert survey_category(kind, score) == category
    add(session, *(survey(f"S{s}", AS_OF - 60, kind, s) for s in by_score))
    rows = survey_page(session, WEEK, ALL, 0, 20)
    assert {r.score: r.category for r in rows} == by_score


def test_survey_page_puts_the_unhappiest_first_and_pages_cleanly(session: Session) -> None:
    add(
        session,
        survey("p10", AS_OF - 10, "nps", 10),
        survey("d6", AS_OF - 20, "nps", 6),
        survey("d0-old", AS_OF - 5 * D, "nps", 0),
        survey("d0-new", AS_OF - 30, "nps", 0),
        survey("c1", AS_OF - 40, "csat", 1),
        survey("c3", AS_OF - 50, "csat", 3),
        survey("e2", AS_OF - 60, "ces", 2),
        survey("n7", AS_OF - 70, "nps", 7),
        survey("at-start", WEEK.start, "nps", 0),  # outside W = (start, as_of]
        survey("future", AS_OF + 1, "nps", 0),
    )
    expected = [
        # unhappy band: NPS (lowest score, newest first), then CSAT, then CES
        "d0-new", "d0-old", "d6", "c1", "e2",
        # middle band
        "n7", "c3",
        # happy band
        "p10",
    ]  # fmt: skip
    assert count_surveys(session, WEEK, ALL) == 8
    pages = [survey_page(session, WEEK, ALL, offset, 3) for offset in (0, 3, 6, 9)]
    assert [len(p) for p in pages] == [3, 3, 2, 0]
    assert [r.id for page in pages for r in page] == expected


def test_survey_filters_go_through_the_ticket_and_search_is_literal(session: Session) -> None:
    add(
        session,
        ticket("T1", AS_OF - D, channel="email"),
        ticket("T2", AS_OF - D, channel="chat"),
        survey("S1", AS_OF - 60, "nps", 3, ticket_id="T1", comment="50% off_please"),
        survey("S2", AS_OF - 60, "nps", 4, ticket_id="T2", comment="500 off please"),
        survey("S3", AS_OF - 60, "nps", 5, customer_id="C-9", comment="no ticket"),
    )
    assert count_surveys(session, WEEK, ALL) == 3
    assert [r.id for r in survey_page(session, WEEK, Filters(channel="email"), 0, 9)] == ["S1"]
    assert count_surveys(session, WEEK, Filters(channel="email")) == 1
    assert [r.id for r in survey_page(session, WEEK, ALL, 0, 9, search="50%")] == ["S1"]
    assert [r.id for r in survey_page(session, WEEK, ALL, 0, 9, search="off_")] == ["S1"]
    assert count_surveys(session, WEEK, ALL, search="c-9") == 1
    assert [r.id for r in survey_page(session, WEEK, ALL, 0, 9, search="t2")] == ["S2"]
    assert count_surveys(session, WEEK, ALL, search="'; DROP TABLE survey; --") == 0
    assert count_surveys(session, WEEK, ALL) == 3


def test_latest_comments_unhappy_first_then_newest(session: Session) -> None:
    add(
        session,
        survey("promoter-newest", AS_OF - 10, "nps", 10, comment="great"),
        survey("passive", AS_OF - 20, "nps", 8, comment="fine"),
        survey("detractor-old", AS_OF - 3 * D, "nps", 2, comment="slow"),
        survey("dissatisfied-new", AS_OF - 30, "csat", 2, comment="rude"),
        survey("blank", AS_OF - 5, "nps", 0, comment="   "),
        survey("none", AS_OF - 5, "nps", 0),
        survey("outside", AS_OF - 8 * D, "nps", 0, comment="old news"),
    )
    rows = latest_comments(session, WEEK, ALL)
    assert [r.id for r in rows] == [
        "dissatisfied-new",  # unhappy band, newest first
        "detractor-old",
        "passive",  # middle band
        "promoter-newest",  # happy band
    ]
    assert [r.id for r in latest_comments(session, WEEK, ALL, limit=2)] == [
        "dissatisfied-new",
        "detractor-old",
    ]


# --- one ticket --------------------------------------------------------------------------


def test_ticket_detail(session: Session) -> None:
    add(
        session,
        ticket("T1", AS_OF - 10 * H, status="solved", first_response_at=AS_OF - 9 * H,
               resolved_at=AS_OF - 2 * H, extra='{"order": "A-1", "vip": true}'),
        ticket("T2", AS_OF - H, extra="not json"),
        ticket("T3", AS_OF - H, extra="[1, 2]"),
        StatusChange(ticket_id="T1", at=AS_OF - 10 * H, status="new"),
        StatusChange(ticket_id="T1", at=AS_OF - 9 * H, status="open"),
        StatusChange(ticket_id="T1", at=AS_OF - 8 * H, status="open"),
        StatusChange(ticket_id="T1", at=AS_OF - 7 * H, status="pending"),
        StatusChange(ticket_id="T1", at=AS_OF - 6 * H, status="open"),
        # Two changes in the same second go in lifecycle order: open, then solved.
        StatusChange(ticket_id="T1", at=AS_OF - 2 * H, status="solved"),
        StatusChange(ticket_id="T1", at=AS_OF - 2 * H, status="open"),
        StatusChange(ticket_id="T1", at=AS_OF - H, status="solved"),
        StatusChange(ticket_id="T2", at=AS_OF - H, status="new"),
        survey("S2", AS_OF - 30, "csat", 5, ticket_id="T1"),
        survey("S1", AS_OF - 60, "nps", 2, ticket_id="T1"),
        survey("S3", AS_OF - 60, "nps", 2, ticket_id="T2"),
    )  # fmt: skip
    detail = ticket_detail(session, "T1", AS_OF)
    assert detail is not None
    assert detail.ticket.id == "T1" and detail.ticket.status == "solved"
    assert detail.extra == {"order": "A-1", "vip": True}
    assert detail.timeline == [
        (AS_OF - 10 * H, "new"),
        (AS_OF - 9 * H, "open"),  # the repeat at -8 h is collapsed into this one
        (AS_OF - 7 * H, "pending"),
        (AS_OF - 6 * H, "open"),  # the open at -2 h repeats it and is collapsed
        (AS_OF - 2 * H, "solved"),  # the solved at -1 h is collapsed
    ]
    assert [s.id for s in detail.surveys] == ["S1", "S2"]
    assert detail.first_response_seconds == H  # -9 h minus -10 h
    assert detail.resolution_seconds == 8 * H  # -2 h minus -10 h

    other = ticket_detail(session, "T2", AS_OF)
    assert other is not None
    assert other.extra == {"extra": "not json"}
    assert other.first_response_seconds is None and other.resolution_seconds is None
    assert other.timeline == [(AS_OF - H, "new")]
    third = ticket_detail(session, "T3", AS_OF)
    assert third is not None and third.extra == {"extra": [1, 2]}
    assert ticket_detail(session, "nope", AS_OF) is None
    assert ticket_detail(session, "' OR '1'='1", AS_OF) is None


# --- one customer ------------------------------------------------------------------------


def test_customer_journey_is_one_story_in_time_order(session: Session) -> None:
    t0 = AS_OF - 5 * D
    add(
        session,
        ticket("T1", t0, customer_id="C1", channel="email", subject="Where is my order"),
        ticket("T2", t0 + 2 * D, customer_id="C1", channel="chat"),
        ticket("X1", t0, customer_id="C2"),
        StatusChange(ticket_id="T1", at=t0, status="new"),
        StatusChange(ticket_id="T1", at=t0 + H, status="open"),
        StatusChange(ticket_id="T1", at=t0 + 2 * H, status="open"),
        StatusChange(ticket_id="T1", at=t0 + D, status="solved"),
        StatusChange(ticket_id="X1", at=t0 + H, status="open"),
        # Linked only through its ticket: still part of C1's story.
        survey("S1", t0 + D, "nps", 3, ticket_id="T1", comment="too slow"),
        # Carries the customer id but no ticket.
        survey("S2", t0 + 3 * D, "csat", 4, customer_id="C1"),
        survey("S3", t0 + 4 * D, "nps", 9, customer_id="C1"),
        survey("SX", t0 + D, "nps", 0, customer_id="C2"),
    )
    journey = customer_journey(session, "C1", AS_OF)
    assert journey.customer_id == "C1"
    assert [t.id for t in journey.tickets] == ["T1", "T2"]
    assert [s.id for s in journey.surveys] == ["S1", "S2", "S3"]
    assert [(e.at - t0, e.kind, e.ticket_id, e.status) for e in journey.events] == [
        (0, "ticket_created", "T1", None),  # created before its first status at the same second
        (0, "status", "T1", "new"),
        (H, "status", "T1", "open"),  # the repeated open at +2 h is collapsed
        (D, "status", "T1", "solved"),
        (D, "survey", "T1", None),
        (2 * D, "ticket_created", "T2", None),
        (3 * D, "survey", None, None),
        (4 * D, "survey", None, None),
    ]
    assert journey.events[0].text == "T1 opened by email: Where is my order"
    assert journey.events[4].survey is not None and journey.events[4].survey.id == "S1"
    assert journey.events[4].text == "NPS 3 (detractor) on T1: too slow"
    assert journey.nps_over_time == [(t0 + D, 3), (t0 + 4 * D, 9)]
    assert journey.csat_over_time == [(t0 + 3 * D, 4)]
    assert journey.truncated is False


def test_customer_journey_keeps_only_the_most_recent_when_over_the_limit(
    session: Session,
) -> None:
    add(session, *(ticket(f"T{i}", AS_OF - 100 + i, customer_id="shared") for i in range(6)))
    journey = customer_journey(session, "shared", AS_OF, limit=4)
    assert [t.id for t in journey.tickets] == ["T2", "T3", "T4", "T5"]
    assert journey.truncated is True
    empty = customer_journey(session, "nobody", AS_OF)
    assert empty.tickets == [] and empty.events == [] and empty.truncated is False


# --- quarantine and filter choices -------------------------------------------------------


def test_quarantine_paging(session: Session) -> None:
    add(
        session,
        *(
            QuarantinedRow(file=f"f{i % 3}.csv", line=i, reason=f"bad {i}", raw="x", seen_at=i)
            for i in range(1, 26)
        ),
    )
    assert count_quarantine(session) == 25
    pages = [quarantine_page(session, offset, 10) for offset in (0, 10, 20, 30)]
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    assert [r.line for page in pages for r in page] == list(range(1, 26))
    first = pages[0][0]
    assert (first.file, first.line, first.reason, first.raw, first.seen_at) == (
        "f1.csv",
        1,
        "bad 1",
        "x",
        1,
    )


def test_filter_choices(session: Session) -> None:
    add(
        session,
        ticket("1", AS_OF, channel="email", queue="tech", agent="bob", priority="urgent"),
        ticket("2", AS_OF, channel="chat", queue="billing", agent="ann", priority="low"),
        ticket("3", AS_OF, channel="email", queue="", agent=None, priority="high"),
        ticket("4", AS_OF, channel=None, queue="tech", agent="ann", priority="normal"),
    )
    assert filter_choices(session) == {
        "channel": ["chat", "email"],
        "queue": ["billing", "tech"],
        "agent": ["ann", "bob"],
        "priority": ["low", "normal", "high", "urgent"],
    }


def test_ticket_detail_carries_work_counts_and_where_it_was_read(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "d.db")
    with Session(engine) as session:
        session.add(
            Ticket(
                id="W1",
                created_at=100,
                version_at=100,
                agent_replies=3,
                handle_seconds=420,
                source_file="tickets.csv",
                source_line=17,
            )
        )
        session.commit()
        detail = ticket_detail(session, "W1", as_of=200)
    assert detail is not None
    assert (detail.agent_replies, detail.handle_seconds) == (3, 420)
    assert (detail.source_file, detail.source_line) == ("tickets.csv", 17)


def test_latest_activity_is_the_newest_of_every_kind_of_moment(session: Session) -> None:
    assert latest_activity(session) is None
    add(session, ticket("A", AS_OF - 5 * D))
    assert latest_activity(session) == AS_OF - 5 * D
    # Each later moment in turn: an update, a resolution, a survey.
    add(session, ticket("B", AS_OF - 4 * D, updated_at=AS_OF - 3 * D))
    assert latest_activity(session) == AS_OF - 3 * D
    add(
        session,
        ticket(
            "C",
            AS_OF - 4 * D,
            updated_at=AS_OF - 4 * D,
            resolved_at=AS_OF - 2 * D,
            status="solved",
        ),
    )
    assert latest_activity(session) == AS_OF - 2 * D
    add(session, survey("S", AS_OF - D, "nps", 9))
    assert latest_activity(session) == AS_OF - D


# --- sorting by a column -----------------------------------------------------------------

COLUMN_VALUES: dict[str, Callable[[Ticket], Any]] = {
    "id": lambda t: t.id.casefold(),
    "agent": lambda t: None if t.agent is None else t.agent.casefold(),
    "channel": lambda t: t.channel,
    "prio": lambda t: (
        None if t.priority is None else ["low", "normal", "high", "urgent"].index(t.priority)
    ),
    "status": lambda t: None if t.status is None else TICKET_STATUSES.index(t.status),
    "reop": lambda t: t.reopens,
}


def column_order(tickets: list[Ticket], column: str, descending: bool) -> list[str]:
    """By the column's value, either way; no value last; ties oldest first, then by id."""
    value = COLUMN_VALUES[column]
    ties = sorted(tickets, key=lambda t: (t.created_at, t.id))
    known = [t for t in ties if value(t) is not None]
    missing = [t for t in ties if value(t) is None]
    # sorted() is stable, also with reverse=True: ties stay oldest first.
    return [t.id for t in [*sorted(known, key=value, reverse=descending), *missing]]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", list(COLUMN_VALUES))
def test_pages_follow_any_column_either_way(
    session: Session, column: str, descending: bool
) -> None:
    tickets = random_tickets(seed=11, n=90)
    kind = "unresolved" if column == "reop" else "all"
    expected = column_order(
        [t.model_copy() for t in tickets if in_list(kind, t)], column, descending
    )
    add(session, *tickets)
    q = TicketQuery(kind, WEEK, ALL, sort=column, descending=descending)
    assert all_pages(session, q, size=7) == expected


def test_a_sort_outside_the_whitelist_is_refused(session: Session) -> None:
    for sort in ("subject; DROP TABLE ticket", "created_at", "reop"):
        with pytest.raises(ValueError, match="unknown sort"):
            ticket_page(session, TicketQuery("all", WEEK, ALL, sort=sort), 0, 10)
    with pytest.raises(ValueError, match="unknown sort"):
        survey_page(session, WEEK, ALL, 0, 10, sort="score DESC")
    with pytest.raises(ValueError, match="unknown sort"):
        quarantine_page(session, 0, 10, sort="id")


def test_surveys_sort_by_a_column(session: Session) -> None:
    add(
        session,
        survey("S1", AS_OF - 3 * H, "nps", 9, comment="fine"),
        survey("S2", AS_OF - 2 * H, "nps", 1, comment=None),
        survey("S3", AS_OF - 1 * H, "csat", 2, comment="Awful"),
    )

    def ids(sort: str, descending: bool = False) -> list[str]:
        return [
            r.id for r in survey_page(session, WEEK, ALL, 0, 9, sort=sort, descending=descending)
        ]

    assert ids("submitted") == ["S1", "S2", "S3"]
    assert ids("submitted", True) == ["S3", "S2", "S1"]
    assert ids("comment") == ["S3", "S1", "S2"]  # any case; no comment last
    assert ids("comment", True) == ["S1", "S3", "S2"]
    assert ids("score") == ["S2", "S1", "S3"]  # NPS before CSAT, then the score


def test_quarantine_search_and_sort(session: Session) -> None:
    add(
        session,
        QuarantinedRow(file="b.csv", line=2, reason="bad time", raw="x", seen_at=1),
        QuarantinedRow(file="a.csv", line=9, reason="bad score", raw="y", seen_at=2),
        QuarantinedRow(file="a.csv", line=3, reason="50% off", raw="z", seen_at=3),
    )
    assert [r.line for r in quarantine_page(session, 0, 9)] == [2, 9, 3]
    assert [r.line for r in quarantine_page(session, 0, 9, sort="file")] == [3, 9, 2]
    assert [r.line for r in quarantine_page(session, 0, 9, sort="file", descending=True)] == [
        2,
        9,
        3,
    ]
    assert [r.line for r in quarantine_page(session, 0, 9, search="BAD")] == [2, 9]
    assert count_quarantine(session, search="%") == 1
    assert count_quarantine(session, search="a.csv") == 2
