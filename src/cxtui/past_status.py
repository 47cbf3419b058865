"""A ticket's status as it was at a past moment, read from its status history.

A row holds only a ticket's latest version, so its status is the status *now*. What it was
at 10:40 comes from the status changes the loader records (one per version seen):

- before the ticket was created it did not exist yet;
- when nothing changed after the moment, it is the status now (the row's), so the queue as
  of the latest data is exactly the live queue;
- otherwise it is the latest change at or before the moment (changes in the same second in
  lifecycle order, as the ticket's timeline shows them); with none that early, the status
  was not recorded yet and the ticket counts in no status (the export saw it only later).

A ticket with no history at all has only its row: its status now stands in, and `source`
says so. The same rules are written in SQL next to the Python, so the two cannot drift apart
(tests/test_past_status.py checks them against each other): open_then for the queue pane and
the open list, status_then_sql for a row of any list, the ticket and the journey, and
not_recorded_then for the tickets that existed with no status recorded yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, case, exists, select, union_all
from sqlmodel import col

from cxtui.models import OPEN_STATUSES, TICKET_STATUSES, StatusChange, Ticket
from cxtui.tallies import not_for_lookup

Source = Literal["not_created", "not_recorded", "history", "current", "row_only"]
"""Where the status then came from: nowhere (not created, or no change recorded that early),
a change in the history, the status now (nothing changed since), or the row alone (no
history at all)."""

LIFECYCLE = {status: rank for rank, status in enumerate(TICKET_STATUSES)}


@dataclass(frozen=True)
class StatusThen:
    status: str | None
    source: Source

    @property
    def existed(self) -> bool:
        return self.source != "not_created"


def _order(change: tuple[int, str]) -> tuple[int, int, str]:
    at, status = change
    return at, LIFECYCLE.get(status, len(LIFECYCLE)), status


def status_at(
    *,
    created_at: int,
    status_now: str | None,
    history: Sequence[tuple[int, str]],
    moment: int,
) -> StatusThen:
    """The ticket's status at `moment` from its (at, status) changes, in any order."""
    if created_at > moment:
        return StatusThen(None, "not_created")
    if not history:
        return StatusThen(status_now, "row_only")
    if all(at <= moment for at, _ in history):
        return StatusThen(status_now, "current")
    earlier = [change for change in history if change[0] <= moment]
    if not earlier:
        return StatusThen(None, "not_recorded")
    return StatusThen(max(earlier, key=_order)[1], "history")


# --- the same rules in SQL -----------------------------------------------------------------


def _lifecycle_rank(status: Any) -> Any:
    return case(*((status == name, rank) for name, rank in LIFECYCLE.items()), else_=len(LIFECYCLE))


def _changed_since(moment: int) -> Select[Any]:
    """The ids of the tickets with a change after `moment`, from the history's time index."""
    return select(col(StatusChange.ticket_id)).where(col(StatusChange.at) > moment)


def changed_after_any(moment: int) -> Any:
    """Whether any ticket changed after `moment`: when none did, every status then is the
    status now and the rows alone answer."""
    return exists().where(col(StatusChange.at) > moment)


def _changed_after(moment: int) -> Any:
    return exists().where(
        col(StatusChange.ticket_id) == col(Ticket.id), col(StatusChange.at) > moment
    )


def _latest_change_by(moment: int, ticket_id: Any) -> Any:
    """The status of the ticket's latest change at or before `moment` (NULL when none)."""
    earlier = StatusChange.__table__.alias("earlier")  # type: ignore[attr-defined]
    return (
        select(earlier.c.status)
        .where(earlier.c.ticket_id == ticket_id, earlier.c.at <= moment)
        .order_by(
            earlier.c.at.desc(),
            _lifecycle_rank(earlier.c.status).desc(),
            earlier.c.status.desc(),
        )
        .limit(1)
        .scalar_subquery()
    )


def status_then_sql(moment: int) -> Any:
    """A ticket row's status at `moment` (status_at's rules for a ticket created by then), to
    show and sort a list as it stood: one history lookup a row."""
    return case(
        (_changed_after(moment), _latest_change_by(moment, col(Ticket.id))),
        else_=col(Ticket.status),
    )


def open_then(moment: int) -> Select[Any]:
    """(id, status) of every ticket open at `moment`, with its status then (status_at's rules).

    Two parts, each small near the present: tickets open now that have not changed since
    (the status index, and one history lookup each), and tickets that changed after the
    moment (the history's time index), with their latest change at or before it."""
    unchanged = select(col(Ticket.id).label("id"), col(Ticket.status).label("status")).where(
        col(Ticket.status).in_(OPEN_STATUSES),
        not_for_lookup(Ticket.created_at) <= moment,
        ~_changed_after(moment),
    )
    then = _latest_change_by(moment, col(Ticket.id))
    moved = select(col(Ticket.id).label("id"), then.label("status")).where(
        col(Ticket.id).in_(_changed_since(moment)), col(Ticket.created_at) <= moment
    )
    both = union_all(unchanged, moved).subquery("then_all")
    return select(both.c.id, both.c.status).where(both.c.status.in_(OPEN_STATUSES))


def not_recorded_then(moment: int) -> Select[Any]:
    """The ids of the tickets created by `moment` whose status then is not recorded: every
    change in their history is later (status_at's "not_recorded"). They count in no status."""
    earlier = StatusChange.__table__.alias("earlier")  # type: ignore[attr-defined]
    return select(col(Ticket.id)).where(
        col(Ticket.id).in_(_changed_since(moment)),
        col(Ticket.created_at) <= moment,
        ~exists().where(earlier.c.ticket_id == col(Ticket.id), earlier.c.at <= moment),
    )


def open_then_subquery(moment: int) -> Any:
    """open_then as a named subquery with columns id and status, to join tickets to."""
    return open_then(moment).subquery("open_then")


def open_then_ids(moment: int) -> Select[Any]:
    """The ids of the tickets open at `moment`, for `Ticket.id IN (...)`."""
    return select(open_then_subquery(moment).c.id)
