"""Every database read the screens make, as plain functions run from worker threads.

Keeping them here, free of Textual, means the event loop can be checked for SQL by reading
one import list, and each read opens and closes its own session so no connection is ever
shared between two threads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cxtui import queries, store
from cxtui.config import Config
from cxtui.metrics import NO_FILTERS, Dashboard, Filters, Window, dashboard
from cxtui.models import Survey, Ticket
from cxtui.trends import Intraday, intraday

LATEST_COMMENTS = 8
NEXT_DUE = 5
"""Open tickets the queue pane lists by next SLA breach, where it has the room."""

T = TypeVar("T")


@dataclass(frozen=True)
class View:
    """What the supervisor has chosen to look at: the window length and the filters."""

    window_seconds: int
    filters: Filters = NO_FILTERS


@dataclass
class Snapshot:
    """One refresh of the dashboard: the metrics, the latest comments and the row total.

    `provisional` marks figures computed while the backlog is still being read: they will
    move as it loads, so the panes grade none of them. `latest_activity` is the newest moment
    in the data, read only when asked (`with_latest`): on a million tickets it costs a scan.
    `next_due` are the first open tickets by next SLA breach (the "sla" sort of the open list).
    """

    board: Dashboard
    comments: list[queries.SurveyRow]
    rows_loaded: int
    intraday: Intraday | None = None
    provisional: bool = False
    latest_activity: int | None = None
    next_due: list[queries.TicketRow] = field(default_factory=list)
    segment: tuple[str, str] | None = None
    """The survey segment the survey figures are narrowed to (the ticket figures are not)."""


def read(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in a session of its own (call from a worker thread, never the event loop)."""
    with Session(engine) as session:
        return work(session)


def snapshot(
    engine: Engine,
    window: Window,
    filters: Filters,
    config: Config,
    *,
    provisional: bool = False,
    with_latest: bool = False,
) -> Snapshot:
    """Everything the dashboard shows, read in one transaction so the panes agree: a load
    committing half-way through cannot leave one pane a batch ahead of another.

    First makes sure the engine is on the file now at the database's path (a database
    deleted or replaced is reopened), so a refresh never shows a deleted file's rows."""
    store.follow(engine)
    with store.snapshot(engine) as session:
        return Snapshot(
            board=dashboard(
                session,
                window,
                filters,
                config.sl_target_seconds,
                clock=config.clock,
                hours=config.business_hours,
                live_channels=config.live_channels,
            ),
            comments=queries.latest_comments(session, window, filters, LATEST_COMMENTS),
            rows_loaded=rows_loaded(session),
            intraday=intraday(session, window.as_of, ZoneInfo(config.timezone), filters),
            provisional=provisional,
            latest_activity=queries.latest_activity(session) if with_latest else None,
            next_due=next_due(session, window, filters),
            segment=filters.segment,
        )


def next_due(session: Session, window: Window, filters: Filters) -> list[queries.TicketRow]:
    """The open tickets whose SLA falls due next (overdue ones first), those with a due time."""
    query = queries.TicketQuery(kind="open", window=window, filters=filters, sort="sla")
    rows = queries.ticket_page(session, query, 0, NEXT_DUE)
    return [row for row in rows if row.sla.next_due_at is not None]


def rows_loaded(session: Session) -> int:
    """Tickets plus survey responses in the database, for the status line."""
    tickets = session.exec(select(func.count()).select_from(Ticket)).one()
    surveys = session.exec(select(func.count()).select_from(Survey)).one()
    return tickets + surveys
