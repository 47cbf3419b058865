"""Where a ticket stands against its SLA: one verdict for the queue pane, every list and the ticket.

The verdict is written twice, once in Python (for a row already read) and once as SQL
conditions (for the queue pane's counts and the lists' sort by next breach), side by side here
so the two cannot drift apart; tests/test_sla.py checks them against each other on random
tickets.

A ticket has two promises, each with an optional due time: the first reply and the resolution.
While the ticket is open (OPEN_STATUSES) the promises it has not kept yet are outstanding: the
first reply until one is recorded at or before as_of, the resolution always (an open ticket is
not resolved, even if it was once). Each promise is

- met: kept at or before its due time;
- missed: kept after its due time, or (a first reply) the ticket finished unanswered after
  the due time had passed;
- overdue: outstanding and its due time has passed (due < as_of);
- at_risk: outstanding and due within the hour (as_of <= due <= as_of + AT_RISK_SECONDS);
- pending: outstanding and due later than that;
- none: no due time, or nothing to judge: a finished ticket whose reply due time had not come,
  or one finished without a resolution time (abandoned, unresolved, or closed with no
  resolved_at).

The ticket's own state is the most pressing of its two: breached (a promise overdue: what the
queue pane counts as "SLA breached"), then at_risk, missed, on_track (pending), met, none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_
from sqlmodel import col

from cxtui.models import OPEN_STATUSES, RESOLVED_STATUSES, Ticket

AT_RISK_SECONDS = 3_600
"""A due time this close (inclusive) puts an outstanding promise at risk."""

PROMISE_STATES = ("overdue", "at_risk", "missed", "pending", "met", "none")
TICKET_STATES = ("breached", "at_risk", "missed", "on_track", "met", "none")
"""Most pressing first: a ticket takes the first state either of its promises gives it."""
_TICKET_STATE = dict(zip(PROMISE_STATES, TICKET_STATES, strict=True))


@dataclass(frozen=True)
class Promise:
    """One promise (first reply or resolution) against its due time at as_of."""

    state: str
    due_at: int | None
    done_at: int | None

    @property
    def outstanding(self) -> bool:
        return self.state in ("overdue", "at_risk", "pending")


@dataclass(frozen=True)
class SlaVerdict:
    first_reply: Promise
    resolution: Promise
    state: str
    next_due_at: int | None
    """The nearest due time still to be met; None when nothing is outstanding."""


def _promise(
    due_at: int | None,
    done_at: int | None,
    *,
    done: bool,
    outstanding: bool,
    unkept_counts: bool,
    as_of: int,
) -> Promise:
    if due_at is None:
        state = "none"
    elif done and done_at is not None:
        state = "met" if done_at <= due_at else "missed"
    elif outstanding:
        if due_at < as_of:
            state = "overdue"
        else:
            state = "at_risk" if due_at <= as_of + AT_RISK_SECONDS else "pending"
    else:
        state = "missed" if unkept_counts and not done and due_at < as_of else "none"
    return Promise(state=state, due_at=due_at, done_at=done_at)


def verdict(
    *,
    status: str | None,
    first_response_at: int | None,
    resolved_at: int | None,
    first_response_due_at: int | None,
    resolution_due_at: int | None,
    as_of: int,
) -> SlaVerdict:
    """The ticket's SLA verdict at as_of (see the module docstring for the rules)."""
    is_open = status in OPEN_STATUSES
    replied = first_response_at is not None and (first_response_at <= as_of or not is_open)
    first_reply = _promise(
        first_response_due_at,
        first_response_at,
        done=replied,
        outstanding=is_open and not replied,
        unkept_counts=True,
        as_of=as_of,
    )
    resolution = _promise(
        resolution_due_at,
        resolved_at,
        done=status in RESOLVED_STATUSES,
        outstanding=is_open,
        unkept_counts=False,
        as_of=as_of,
    )
    promises = (first_reply, resolution)
    worst = min(PROMISE_STATES.index(p.state) for p in promises)
    dues = [p.due_at for p in promises if p.outstanding and p.due_at is not None]
    return SlaVerdict(
        first_reply=first_reply,
        resolution=resolution,
        state=_TICKET_STATE[PROMISE_STATES[worst]],
        next_due_at=min(dues) if dues else None,
    )


# --- the same rules in SQL, for counting and sorting in the database -----------------------


def _is_open(status: ColumnElement[Any] | None) -> ColumnElement[bool]:
    return (col(Ticket.status) if status is None else status).in_(OPEN_STATUSES)


def awaiting_first_reply(as_of: int) -> ColumnElement[bool]:
    """No reply yet as of as_of: none recorded, or the recorded one came later."""
    return or_(col(Ticket.first_response_at).is_(None), col(Ticket.first_response_at) > as_of)


def _outstanding_reply_due(as_of: int) -> ColumnElement[Any]:
    return case((awaiting_first_reply(as_of), col(Ticket.first_response_due_at)), else_=None)


def breached_sql(as_of: int, status: ColumnElement[Any] | None = None) -> ColumnElement[bool]:
    """The ticket's state is breached: open, with an outstanding promise past its due time.

    `status` is the ticket's status then, for a past moment (cxtui.past_status); by default
    its status now."""
    return and_(
        _is_open(status),
        or_(
            and_(awaiting_first_reply(as_of), col(Ticket.first_response_due_at) < as_of),
            col(Ticket.resolution_due_at) < as_of,
        ),
    )


def at_risk_sql(as_of: int, status: ColumnElement[Any] | None = None) -> ColumnElement[bool]:
    """An outstanding promise is due within the hour. Test it after breached_sql (a CASE):
    a breached ticket may also match this, and breached wins."""
    soon = (as_of, as_of + AT_RISK_SECONDS)
    return and_(
        _is_open(status),
        or_(
            and_(awaiting_first_reply(as_of), col(Ticket.first_response_due_at).between(*soon)),
            col(Ticket.resolution_due_at).between(*soon),
        ),
    )


def next_due_sql(as_of: int, status: ColumnElement[Any] | None = None) -> ColumnElement[Any]:
    """SlaVerdict.next_due_at as SQL (NULL when nothing is outstanding), to sort by."""
    reply_due = _outstanding_reply_due(as_of)
    resolution_due = col(Ticket.resolution_due_at)
    earliest = case(
        (reply_due.is_(None), resolution_due),
        (resolution_due.is_(None), reply_due),
        (reply_due < resolution_due, reply_due),
        else_=resolution_due,
    )
    return case((_is_open(status), earliest), else_=None)
