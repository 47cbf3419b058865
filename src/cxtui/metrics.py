"""Every metric cxtui shows, defined once. The panes and `cxtui report` both call these.

Definitions in words live in docs/metrics.md; keep the two in step.
Window W = (as_of - window, as_of]. Times are epoch seconds (UTC). Empty sets give None.

Counting happens in SQL so a million tickets never cross into Python; only the durations a
percentile needs are fetched, because SQLite has no percentile function. They are fetched
unsorted as plain tuples and sorted in Python: at a million tickets SQLite's ORDER BY (a
temporary B-tree) and the ORM's per-row objects cost several times the fetch itself.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression
from sqlmodel import Session, col, select

from cxtui.business_hours import BusinessClock, BusinessHours, day_starts
from cxtui.models import (
    OPEN_STATUSES,
    PRIORITIES,
    RESOLVED_STATUSES,
    QuarantinedRow,
    Survey,
    Ticket,
)


@dataclass(frozen=True)
class Filters:
    """Narrow every metric and list to one channel, queue, agent and/or priority."""

    channel: str | None = None
    queue: str | None = None
    agent: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class Window:
    """The window W = (as_of - seconds, as_of]."""

    as_of: int
    seconds: int

    @property
    def start(self) -> int:
        return self.as_of - self.seconds


@dataclass
class QueueSnapshot:
    open: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    by_channel: dict[str, int]
    by_queue: dict[str, int]
    awaiting_first_response: int
    age_buckets: dict[str, int]
    oldest_open_age_seconds: int | None
    sla_breached: int
    sla_at_risk: int


@dataclass
class FirstResponse:
    count: int
    mean_seconds: float | None
    median_seconds: float | None
    p90_seconds: float | None


@dataclass
class Resolution:
    created: int
    resolved: int
    rate: float | None
    median_seconds: float | None
    p90_seconds: float | None
    fcr_rate: float | None
    reopen_rate: float | None
    resolved_in_window: int = 0
    flow_rate: float | None = None


@dataclass
class HandleTime:
    count: int
    mean_seconds: float | None


@dataclass
class Abandonment:
    offered: int
    abandoned: int
    rate: float | None


@dataclass
class ServiceLevel:
    target_seconds: int
    offered: int
    answered_within: int
    rate: float | None


@dataclass
class Nps:
    responses: int
    promoters: int
    passives: int
    detractors: int
    score: float | None
    margin_95: float | None


@dataclass
class Csat:
    responses: int
    satisfied: int
    score_pct: float | None
    mean: float | None
    margin_95: float | None


@dataclass
class Ces:
    responses: int
    mean: float | None


@dataclass
class DailyPoint:
    """One calendar day of the trend lines, in the centre's time zone (UTC by default)."""

    day: str  # YYYY-MM-DD
    first_response_median_seconds: float | None
    resolution_rate: float | None
    nps: float | None
    csat_pct: float | None
    created: int


@dataclass
class Dashboard:
    """Everything the four panes and the report show, computed in one pass."""

    as_of: int
    window_seconds: int
    queue: QueueSnapshot
    first_response: FirstResponse
    resolution: Resolution
    handle_time: HandleTime
    abandonment: Abandonment
    service_level: ServiceLevel
    nps: Nps
    csat: Csat
    ces: Ces
    quarantine_rows: int
    daily: list[DailyPoint] = field(default_factory=list)
    clock: str = "calendar"
    """Which clock first-response and resolution times are in: "calendar" or "business"."""


HOUR = 3_600
DAY = 86_400
CLOCKS = ("calendar", "business")
AT_RISK_SECONDS = HOUR
UNKNOWN = "unknown"
ABANDONED = "abandoned"
NO_FILTERS = Filters()
_SQLITE = sqlite.dialect(paramstyle="qmark")

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("lt_1h", 0, HOUR),
    ("1h_4h", HOUR, 4 * HOUR),
    ("4h_24h", 4 * HOUR, DAY),
    ("1d_7d", DAY, 7 * DAY),
    ("gt_7d", 7 * DAY, None),
)
"""(name, lowest age included, first age excluded) in seconds; None means no upper bound."""


def _not_for_lookup(column: Any) -> ColumnElement[Any]:
    """The column under SQLite's no-op unary "+", which stops the planner using its index.

    Most tickets in a contact centre are resolved and most are older than any window, so
    the status index is the wrong way into a window query and the created_at index the wrong
    way into the open queue. SQLite's planner guesses otherwise, with or without ANALYZE
    statistics (measured on a million tickets), so the queries rule the wrong index out.
    """
    element = col(column)
    return UnaryExpression(element, operator=operators.custom_op("+"), type_=element.type)


_RESOLVED = _not_for_lookup(Ticket.status).in_(RESOLVED_STATUSES)
_ABANDONED = col(Ticket.status) == ABANDONED
# A missing status is not "abandoned": without the IS NULL arm SQL would drop those rows.
_ANSWERED = and_(
    col(Ticket.first_response_at).is_not(None),
    or_(col(Ticket.status).is_(None), col(Ticket.status) != ABANDONED),
)
_FIRST_RESPONSE_SECONDS = col(Ticket.first_response_at) - col(Ticket.created_at)


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 <= q <= 1) by linear interpolation between closest ranks.

    This is numpy's default method, statistics.quantiles(method="inclusive") and the
    spreadsheet PERCENTILE.INC, so the numbers match what an analyst recomputes elsewhere.
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be between 0 and 1, got {q!r}")
    if not sorted_values:
        return None
    rank = (len(sorted_values) - 1) * q
    lower = math.floor(rank)
    upper = min(lower + 1, len(sorted_values) - 1)
    low_value = sorted_values[lower]
    return float(low_value + (rank - lower) * (sorted_values[upper] - low_value))


def queue_snapshot(session: Session, as_of: int, filters: Filters = NO_FILTERS) -> QueueSnapshot:
    """The open queue as it stood at as_of, using each ticket's latest known status."""
    is_open = and_(
        col(Ticket.status).in_(OPEN_STATUSES),
        _not_for_lookup(Ticket.created_at) <= as_of,
        *ticket_filter_conditions(filters),
    )
    age = as_of - col(Ticket.created_at)
    awaiting = _awaiting_first_response(as_of)
    breached = or_(
        and_(awaiting, col(Ticket.first_response_due_at) < as_of),
        col(Ticket.resolution_due_at) < as_of,
    )
    soon = (as_of, as_of + AT_RISK_SECONDS)
    at_risk = or_(
        and_(awaiting, col(Ticket.first_response_due_at).between(*soon)),
        col(Ticket.resolution_due_at).between(*soon),
    )
    bucket_counts = [
        _count_where(age >= low if high is None else and_(age >= low, age < high))
        for _, low, high in AGE_BUCKETS
    ]
    totals = session.exec(
        select(
            func.count(),
            func.min(Ticket.created_at),
            _count_where(awaiting),
            _count_where(breached),
            # CASE stops at the first match, so a breached ticket is never also at risk.
            func.coalesce(func.sum(case((breached, 0), (at_risk, 1), else_=0)), 0),
            *bucket_counts,
        )
        .select_from(Ticket)
        .where(is_open)
    ).one()
    open_count, oldest_created, awaiting_count, breached_count, at_risk_count = totals[:5]

    groups = session.exec(
        select(Ticket.status, Ticket.priority, Ticket.channel, Ticket.queue, func.count())
        .where(is_open)
        .group_by(Ticket.status, Ticket.priority, Ticket.channel, Ticket.queue)
    ).all()
    by_status: Counter[str] = Counter()
    by_priority: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    by_queue: Counter[str] = Counter()
    for status, priority, channel, queue, count in groups:
        by_status[status or UNKNOWN] += count
        by_priority[priority or UNKNOWN] += count
        by_channel[channel or UNKNOWN] += count
        by_queue[queue or UNKNOWN] += count

    return QueueSnapshot(
        open=open_count,
        by_status=_ordered(by_status, OPEN_STATUSES),
        by_priority=_ordered(by_priority, PRIORITIES),
        by_channel=_ordered(by_channel),
        by_queue=_ordered(by_queue),
        awaiting_first_response=awaiting_count,
        age_buckets={
            name: count for (name, _, _), count in zip(AGE_BUCKETS, totals[5:], strict=True)
        },
        oldest_open_age_seconds=None if oldest_created is None else as_of - oldest_created,
        sla_breached=breached_count,
        sla_at_risk=at_risk_count,
    )


def first_response(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    *,
    business: BusinessHours | None = None,
) -> FirstResponse:
    """How long customers waited for the first reply, over tickets created in W; in business
    time when `business` hours are given, else on the calendar."""
    seconds = _durations(
        session,
        Ticket.first_response_at,
        [*_tickets_created_in(window, filters), col(Ticket.first_response_at).is_not(None)],
        business,
    )
    return FirstResponse(
        count=len(seconds),
        mean_seconds=_mean(seconds),
        median_seconds=percentile(seconds, 0.5),
        p90_seconds=percentile(seconds, 0.9),
    )


def resolution(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    *,
    business: BusinessHours | None = None,
) -> Resolution:
    """How many tickets created in W are solved, how fast (in business time when `business`
    hours are given), how many stayed solved, and how many were solved in W whenever they
    were created (the flow)."""
    scope = _tickets_created_in(window, filters)
    reopens_known = and_(_RESOLVED, col(Ticket.reopens).is_not(None))
    first_contact = and_(
        reopens_known,
        col(Ticket.reopens) == 0,
        or_(col(Ticket.agent_replies).is_(None), col(Ticket.agent_replies) <= 1),
    )
    reopened = and_(reopens_known, col(Ticket.reopens) > 0)
    created, resolved, known, first_contact_count, reopened_count = session.exec(
        select(
            func.count(),
            _count_where(_RESOLVED),
            _count_where(reopens_known),
            _count_where(first_contact),
            _count_where(reopened),
        )
        .select_from(Ticket)
        .where(*scope)
    ).one()
    seconds = _durations(
        session,
        Ticket.resolved_at,
        [*scope, _RESOLVED, col(Ticket.resolved_at).is_not(None)],
        business,
    )
    resolved_in_window = session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(
            _RESOLVED,
            col(Ticket.resolved_at) > window.start,
            col(Ticket.resolved_at) <= window.as_of,
            *ticket_filter_conditions(filters),
        )
    ).one()
    return Resolution(
        created=created,
        resolved=resolved,
        rate=_ratio(resolved, created),
        median_seconds=percentile(seconds, 0.5),
        p90_seconds=percentile(seconds, 0.9),
        fcr_rate=_ratio(first_contact_count, known),
        reopen_rate=_ratio(reopened_count, known),
        resolved_in_window=resolved_in_window,
        flow_rate=_ratio(resolved_in_window, created),
    )


def handle_time(session: Session, window: Window, filters: Filters = NO_FILTERS) -> HandleTime:
    """Agent effort per ticket created in W, where the export records it."""
    count, total = session.exec(
        select(func.count(Ticket.handle_seconds), func.sum(Ticket.handle_seconds)).where(
            *_tickets_created_in(window, filters)
        )
    ).one()
    return HandleTime(count=count, mean_seconds=_ratio(total or 0, count))


def abandonment(session: Session, window: Window, filters: Filters = NO_FILTERS) -> Abandonment:
    """Share of contacts created in W that gave up before anyone answered."""
    answered, abandoned = session.exec(
        select(_count_where(_ANSWERED), _count_where(_ABANDONED))
        .select_from(Ticket)
        .where(*_tickets_created_in(window, filters))
    ).one()
    offered = answered + abandoned
    return Abandonment(offered=offered, abandoned=abandoned, rate=_ratio(abandoned, offered))


def service_level(
    session: Session, window: Window, filters: Filters = NO_FILTERS, target_seconds: int = 20
) -> ServiceLevel:
    """Share of contacts created in W answered within target_seconds; abandons count against."""
    waited = col(Ticket.first_response_at) - col(Ticket.created_at)
    within = and_(_ANSWERED, waited <= target_seconds)
    answered, abandoned, answered_within = session.exec(
        select(_count_where(_ANSWERED), _count_where(_ABANDONED), _count_where(within))
        .select_from(Ticket)
        .where(*_tickets_created_in(window, filters))
    ).one()
    offered = answered + abandoned
    return ServiceLevel(
        target_seconds=target_seconds,
        offered=offered,
        answered_within=answered_within,
        rate=_ratio(answered_within, offered),
    )


def nps(session: Session, window: Window, filters: Filters = NO_FILTERS) -> Nps:
    """Net Promoter Score of NPS surveys submitted in W, with its 95% margin of error."""
    responses, promoters, passives, detractors = session.exec(
        _about_matching_tickets(
            select(
                func.count(),
                _count_where(col(Survey.score) >= 9),
                _count_where(col(Survey.score).between(7, 8)),
                _count_where(col(Survey.score) <= 6),
            )
            .select_from(Survey)
            .where(*_surveys_submitted_in(window, "nps")),
            filters,
        )
    ).one()
    return Nps(
        responses=responses,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        score=_nps_score(responses, promoters, detractors),
        margin_95=_nps_margin_95(responses, promoters, detractors),
    )


def csat(session: Session, window: Window, filters: Filters = NO_FILTERS) -> Csat:
    """Customer satisfaction (1-5) of CSAT surveys submitted in W, with the 95% margin of
    error of the satisfied share."""
    responses, satisfied, total = session.exec(
        _about_matching_tickets(
            select(func.count(), _count_where(col(Survey.score) >= 4), func.sum(Survey.score))
            .select_from(Survey)
            .where(*_surveys_submitted_in(window, "csat")),
            filters,
        )
    ).one()
    return Csat(
        responses=responses,
        satisfied=satisfied,
        score_pct=_percent(satisfied, responses),
        mean=_ratio(total or 0, responses),
        margin_95=_share_margin_95(satisfied, responses),
    )


def ces(session: Session, window: Window, filters: Filters = NO_FILTERS) -> Ces:
    """Customer effort (1-7) of CES surveys submitted in W."""
    responses, total = session.exec(
        _about_matching_tickets(
            select(func.count(), func.sum(Survey.score))
            .select_from(Survey)
            .where(*_surveys_submitted_in(window, "ces")),
            filters,
        )
    ).one()
    return Ces(responses=responses, mean=_ratio(total or 0, responses))


def daily_series(
    session: Session,
    as_of: int,
    filters: Filters = NO_FILTERS,
    days: int = 30,
    *,
    hours: BusinessHours | None = None,
    clock: str = "calendar",
) -> list[DailyPoint]:
    """One point per day for the `days` days ending with as_of's day, oldest first.

    Days are calendar days in the centre's zone (`hours.timezone`, UTC without hours), so a
    day is 23 or 25 hours long when the clocks change. First-response medians are in business
    time when `clock` is "business". Three queries cover every day at once; days with nothing
    to measure get None, except the count of tickets created, which is 0.
    """
    centre = hours or BusinessHours()
    zone = centre.zone
    last_day = datetime.fromtimestamp(as_of, zone).date()
    bounds = day_starts(last_day, days, zone)
    start = bounds[0]
    ticket_scope = [
        col(Ticket.created_at) >= start,
        col(Ticket.created_at) <= as_of,
        *ticket_filter_conditions(filters),
    ]
    ticket_day = _day_number(col(Ticket.created_at), bounds)
    survey_day = _day_number(col(Survey.submitted_at), bounds)

    answered = [*ticket_scope, col(Ticket.first_response_at).is_not(None)]
    waits_by_day: dict[int, list[int]] = {}
    if clock == "business" and not centre.always_open:
        business = BusinessClock(centre)
        for day, created, replied in _rows(
            session,
            select(ticket_day, Ticket.created_at, Ticket.first_response_at).where(*answered),
        ):
            waits_by_day.setdefault(day, []).append(business.seconds(created, replied))
    else:
        for day, seconds in _rows(
            session, select(ticket_day, _FIRST_RESPONSE_SECONDS).where(*answered)
        ):
            waits_by_day.setdefault(day, []).append(seconds)
    median_wait = {day: _median(waits) for day, waits in waits_by_day.items()}

    created_by_day: dict[int, int] = {}
    resolved_by_day: dict[int, float | None] = {}
    for day, created, resolved in session.exec(
        select(ticket_day, func.count(), _count_where(_RESOLVED))
        .where(*ticket_scope)
        .group_by(ticket_day)
    ).all():
        created_by_day[day] = created
        resolved_by_day[day] = _ratio(resolved, created)

    nps_by_day: dict[int, float | None] = {}
    csat_by_day: dict[int, float | None] = {}
    survey_rows = session.exec(
        _about_matching_tickets(
            select(
                survey_day,
                Survey.kind,
                func.count(),
                _count_where(col(Survey.score) >= 9),
                _count_where(col(Survey.score) <= 6),
                _count_where(col(Survey.score) >= 4),
            )
            .select_from(Survey)
            .where(
                col(Survey.submitted_at) >= start,
                col(Survey.submitted_at) <= as_of,
                col(Survey.kind).in_(("nps", "csat")),
            )
            .group_by(survey_day, Survey.kind),
            filters,
        )
    ).all()
    for day, kind, responses, promoters, detractors, satisfied in survey_rows:
        if kind == "nps":
            nps_by_day[day] = _nps_score(responses, promoters, detractors)
        else:
            csat_by_day[day] = _percent(satisfied, responses)

    first_day = last_day - timedelta(days=days - 1)
    return [
        DailyPoint(
            day=(first_day + timedelta(days=offset)).isoformat(),
            first_response_median_seconds=median_wait.get(offset),
            resolution_rate=resolved_by_day.get(offset),
            nps=nps_by_day.get(offset),
            csat_pct=csat_by_day.get(offset),
            created=created_by_day.get(offset, 0),
        )
        for offset in range(days)
    ]


def quarantine_count(session: Session) -> int:
    """Rows set aside by the loader, so the supervisor knows the numbers may be incomplete."""
    return session.exec(select(func.count()).select_from(QuarantinedRow)).one()


def dashboard(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    sl_target_seconds: int = 20,
    *,
    clock: str = "calendar",
    hours: BusinessHours | None = None,
) -> Dashboard:
    """Every pane's numbers for one as_of, window and set of filters.

    `hours` is the centre's calendar (its zone sets the daily series' days); `clock` says
    whether first-response and resolution times are counted on the calendar or only while
    the centre is open ("business")."""
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {', '.join(CLOCKS)}, not {clock!r}")
    business = (hours or BusinessHours()) if clock == "business" else None
    return Dashboard(
        as_of=window.as_of,
        window_seconds=window.seconds,
        queue=queue_snapshot(session, window.as_of, filters),
        first_response=first_response(session, window, filters, business=business),
        resolution=resolution(session, window, filters, business=business),
        handle_time=handle_time(session, window, filters),
        abandonment=abandonment(session, window, filters),
        service_level=service_level(session, window, filters, sl_target_seconds),
        nps=nps(session, window, filters),
        csat=csat(session, window, filters),
        ces=ces(session, window, filters),
        quarantine_rows=quarantine_count(session),
        daily=daily_series(session, window.as_of, filters, hours=hours, clock=clock),
        clock=clock,
    )


def report_dict(d: Dashboard) -> dict[str, Any]:
    """The public JSON shape of `cxtui report`; key names and order are a contract."""
    return {
        "as_of": datetime.fromtimestamp(d.as_of, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "window_seconds": d.window_seconds,
        "queue": _pick(
            d.queue,
            "open",
            "by_status",
            "by_priority",
            "by_channel",
            "by_queue",
            "awaiting_first_response",
            "age_buckets",
            "oldest_open_age_seconds",
            "sla_breached",
            "sla_at_risk",
        ),
        "first_response": _pick(
            d.first_response, "count", "mean_seconds", "median_seconds", "p90_seconds"
        ),
        "resolution": _pick(
            d.resolution,
            "created",
            "resolved",
            "rate",
            "median_seconds",
            "p90_seconds",
            "fcr_rate",
            "reopen_rate",
            "resolved_in_window",
            "flow_rate",
        ),
        "handle_time": _pick(d.handle_time, "count", "mean_seconds"),
        "abandonment": _pick(d.abandonment, "offered", "abandoned", "rate"),
        "service_level": _pick(
            d.service_level, "target_seconds", "offered", "answered_within", "rate"
        ),
        "nps": _pick(
            d.nps, "responses", "promoters", "passives", "detractors", "score", "margin_95"
        ),
        "csat": _pick(d.csat, "responses", "satisfied", "score_pct", "mean", "margin_95"),
        "ces": _pick(d.ces, "responses", "mean"),
        "quarantine": {"rows": d.quarantine_rows},
        "clock": d.clock,
    }


def ticket_filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """Exact matches on the ticket fields the supervisor narrowed to; None means everyone."""
    wanted = (
        (Ticket.channel, filters.channel),
        (Ticket.queue, filters.queue),
        (Ticket.agent, filters.agent),
        (Ticket.priority, filters.priority),
    )
    return [col(field) == value for field, value in wanted if value is not None]


def _tickets_created_in(window: Window, filters: Filters) -> list[ColumnElement[bool]]:
    return [
        col(Ticket.created_at) > window.start,
        col(Ticket.created_at) <= window.as_of,
        *ticket_filter_conditions(filters),
    ]


def _surveys_submitted_in(window: Window, kind: str) -> list[ColumnElement[bool]]:
    return [
        col(Survey.kind) == kind,
        col(Survey.submitted_at) > window.start,
        col(Survey.submitted_at) <= window.as_of,
    ]


def _about_matching_tickets(statement: Select[Any], filters: Filters) -> Select[Any]:
    """Keep surveys whose ticket matches the filters; with no filters keep every survey.

    A survey cannot be placed in a channel or queue without its ticket, so once any filter is
    set, surveys with no ticket (or a ticket not loaded) drop out.
    """
    conditions = ticket_filter_conditions(filters)
    if not conditions:
        return statement
    return statement.join(Ticket, col(Survey.ticket_id) == col(Ticket.id)).where(*conditions)


def _awaiting_first_response(as_of: int) -> ColumnElement[bool]:
    """No reply yet as of as_of: none recorded, or the recorded one came later."""
    return or_(
        col(Ticket.first_response_at).is_(None),
        col(Ticket.first_response_at) > as_of,
    )


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet condition; where SQL's answer is NULL (unknown) it counts as not met."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rows(session: Session, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of a bulk fetch as plain tuples, in the session's own transaction.

    The statement is compiled by SQLAlchemy with its values as bound parameters and run on
    the driver's cursor: SQLAlchemy's Row objects cost more than the query itself when a
    refresh fetches a hundred thousand durations. Only for integer and text columns, which
    the driver already returns as the Python values the ORM would.
    """
    compiled = statement.compile(dialect=_SQLITE, compile_kwargs={"render_postcompile": True})
    parameters = tuple(compiled.params[name] for name in compiled.positiontup or ())
    driver = session.connection().connection.driver_connection
    return driver.execute(str(compiled), parameters).fetchall()  # type: ignore[union-attr]


def _median(values: list[int]) -> float | None:
    """The median of values, sorting them in place."""
    values.sort()
    return percentile(values, 0.5)


def _sorted_values(
    session: Session, value: ColumnElement[int], conditions: list[ColumnElement[bool]]
) -> list[int]:
    return sorted(seconds for (seconds,) in _rows(session, select(value).where(*conditions)))


def _durations(
    session: Session,
    end: Any,
    conditions: list[ColumnElement[bool]],
    business: BusinessHours | None,
) -> list[int]:
    """Sorted seconds from created_at to `end`: in SQL on the calendar, or pair by pair
    through the centre's opening hours in business time."""
    if business is None or business.always_open:
        return _sorted_values(session, col(end) - col(Ticket.created_at), conditions)
    clock = BusinessClock(business)
    pairs = _rows(session, select(Ticket.created_at, end).where(*conditions))
    return sorted(clock.seconds(created, finished) for created, finished in pairs)


def _day_number(moment: Any, bounds: list[int]) -> ColumnElement[int]:
    """Which of the days bounded by `bounds` (local midnights) a time falls in, counted from
    0, computed in SQL; only used on times already inside the first and last bound.

    Days all 24 hours long (UTC, or no clock change in the range) are a plain division, which
    is a floor here since the times are never before the first bound."""
    if all(later - earlier == DAY for earlier, later in pairwise(bounds)):
        return (moment - bounds[0]) // DAY
    return case(
        *((moment < bound, number) for number, bound in enumerate(bounds[1:-1])),
        else_=len(bounds) - 2,
    )


def _ordered(counts: Counter[str], natural: Sequence[str] = ()) -> dict[str, int]:
    """Natural order first (new before open, low before urgent), then by name, unknown last."""
    rank = {name: index for index, name in enumerate(natural)}
    return {
        name: counts[name]
        for name in sorted(counts, key=lambda n: (n == UNKNOWN, rank.get(n, len(rank)), n))
    }


def _mean(values: Sequence[int]) -> float | None:
    return _ratio(sum(values), len(values))


def _ratio(part: float, whole: int) -> float | None:
    return part / whole if whole else None


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _nps_score(responses: int, promoters: int, detractors: int) -> float | None:
    return 100 * (promoters - detractors) / responses if responses else None


def _nps_margin_95(responses: int, promoters: int, detractors: int) -> float | None:
    """1.96 standard errors of the score, treating each answer as +1, 0 or -1."""
    if not responses:
        return None
    p = promoters / responses
    d = detractors / responses
    variance = max(0.0, p + d - (p - d) ** 2)
    return 100 * 1.96 * math.sqrt(variance / responses)


def _share_margin_95(part: int, whole: int) -> float | None:
    """1.96 standard errors of the share part/whole, in percentage points (the normal
    approximation, as for the NPS margin)."""
    if not whole:
        return None
    p = part / whole
    return 100 * 1.96 * math.sqrt(p * (1 - p) / whole)


def _pick(record: object, *names: str) -> dict[str, Any]:
    """Named fields in the given order; dicts are copied so callers cannot edit the record."""
    picked: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        picked[name] = dict(value) if isinstance(value, dict) else value
    return picked
