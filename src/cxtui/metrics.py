"""Every metric cxtui shows, defined once. The panes and `cxtui report` both call these.

Definitions in words live in docs/metrics.md; keep the two in step.
Window W = (as_of - window, as_of]. Times are epoch seconds (UTC). Empty sets give None.

Window and trend metrics are worked out from tallies (cxtui.tallies): counts and sorted
durations of the tickets created, and the surveys submitted, in a span. With no filters and
calendar time the tallies come from the hourly aggregates the loader keeps
(cxtui.aggregates), so a refresh at a million tickets reads a few hundred rows; with a filter
or business time they are scanned from the rows, with the same definitions.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import Session, col, select

from cxtui import aggregates
from cxtui.business_hours import BusinessHours, day_starts
from cxtui.models import OPEN_STATUSES, PRIORITIES, QuarantinedRow, Ticket, TicketEvent
from cxtui.past_status import changed_after_any, not_recorded_then, open_then_subquery
from cxtui.sla import at_risk_sql, awaiting_first_reply, breached_sql
from cxtui.tallies import (
    NO_FILTERS,
    ChannelTally,
    Filters,
    Span,
    SurveyTallies,
    SurveyTally,
    TicketTally,
    count_where,
    not_for_lookup,
    percentile,
    scan_surveys,
    scan_tickets,
    ticket_filter_conditions,
)

__all__ = ["NO_FILTERS", "Filters", "percentile", "ticket_filter_conditions"]
"""Re-exported: callers narrow and read metrics through this module."""


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
    status_not_recorded: int = 0
    """Tickets created by as_of whose status then the history does not hold (their first
    recorded change is later): in no count above. Always 0 as of the latest data."""


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
    channels: tuple[str, ...] = ()
    """The live channels counted; a mail or a web form has nobody on the line to give up."""
    interval_95: tuple[float, float] | None = None
    """Wilson 95% interval of the rate (fractions)."""


@dataclass
class ServiceLevel:
    target_seconds: int
    offered: int
    answered_within: int
    rate: float | None
    channels: tuple[str, ...] = ()
    """The live channels counted: only a customer on the line waits seconds for an answer."""
    interval_95: tuple[float, float] | None = None
    """Wilson 95% interval of the rate (fractions)."""


@dataclass
class DataQuality:
    """Tickets created in W with times that cannot be true, left out of every duration figure
    (and of service level): a first reply, or a resolution, dated before the ticket was
    created. Counted so the supervisor knows what the figures leave out."""

    first_response_before_created: int
    resolved_before_created: int


@dataclass
class Nps:
    responses: int
    promoters: int
    passives: int
    detractors: int
    score: float | None
    margin_95: float | None
    interval_95: tuple[float, float] | None = None
    """Adjusted-Wald 95% interval of the score, which stays honest at a handful of answers."""


@dataclass
class Csat:
    responses: int
    satisfied: int
    score_pct: float | None
    mean: float | None
    margin_95: float | None
    interval_95: tuple[float, float] | None = None
    """Wilson 95% interval of score_pct, in percent."""


@dataclass
class Change:
    """A headline figure against the window of the same length just before.

    `margin_95` and `significant` are for the survey scores only: the combined 95% margin of
    both periods, and whether the difference is larger than it."""

    previous: float | None
    difference: float | None
    margin_95: float | None = None
    significant: bool | None = None


@dataclass
class Previous:
    """The headline figures of the window of the same length that ends where W starts."""

    as_of: int
    first_response: FirstResponse
    resolution: Resolution
    abandonment: Abandonment
    service_level: ServiceLevel
    nps: Nps
    csat: Csat


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
    data_quality: DataQuality
    daily: list[DailyPoint] = field(default_factory=list)
    clock: str = "calendar"
    """Which clock first-response and resolution times are in: "calendar" or "business"."""
    live_channels: tuple[str, ...] = ()
    first_response_live: FirstResponse | None = None
    events_waiting: int = 0
    """Events of an event log whose ticket is not loaded yet (docs/formats.md)."""
    """First reply over the live channels, and `first_response_async` over all the others."""
    first_response_async: FirstResponse | None = None
    previous: Previous | None = None

    @property
    def changes(self) -> dict[str, Change]:
        """Each headline against the previous window, by the name the report gives it."""
        return changes(self, self.previous) if self.previous is not None else {}


HOUR = 3_600
DAY = 86_400
CLOCKS = ("calendar", "business")
LIVE_CHANNELS = ("phone", "chat")
"""The channels where a customer waits on the line; the config's `live_channels` default."""
Z_95 = 1.96
UNKNOWN = "unknown"

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("lt_1h", 0, HOUR),
    ("1h_4h", HOUR, 4 * HOUR),
    ("4h_24h", 4 * HOUR, DAY),
    ("1d_7d", DAY, 7 * DAY),
    ("gt_7d", 7 * DAY, None),
)
"""(name, lowest age included, first age excluded) in seconds; None means no upper bound."""


def queue_snapshot(session: Session, as_of: int, filters: Filters = NO_FILTERS) -> QueueSnapshot:
    """The open queue as it stood at as_of: each ticket in its status then, from the status
    history (cxtui.past_status), so a past moment shows the queue of that moment."""
    then = open_then(session, as_of)
    status: Any = then.status
    age = as_of - col(Ticket.created_at)
    awaiting = awaiting_first_reply(as_of)
    # The one SLA verdict (cxtui.sla), as SQL: the lists and the ticket screen judge alike.
    breached = breached_sql(as_of, status)
    at_risk = at_risk_sql(as_of, status)
    bucket_counts = [
        count_where(age >= low if high is None else and_(age >= low, age < high))
        for _, low, high in AGE_BUCKETS
    ]
    # One pass over the open tickets, grouped for the breakdowns; the totals are the sums of
    # the groups (a second pass for them cost as much again at a million tickets).
    groups = session.exec(
        select(
            status,
            Ticket.priority,
            Ticket.channel,
            Ticket.queue,
            func.count(),
            func.min(Ticket.created_at),
            count_where(awaiting),
            count_where(breached),
            # CASE stops at the first match, so a breached ticket is never also at risk.
            func.coalesce(func.sum(case((breached, 0), (at_risk, 1), else_=0)), 0),
            *bucket_counts,
        )
        .where(*then.conditions, *ticket_filter_conditions(filters))
        .group_by(status, Ticket.priority, Ticket.channel, Ticket.queue)
    ).all()
    by_status: Counter[str] = Counter()
    by_priority: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    by_queue: Counter[str] = Counter()
    totals = [0] * (3 + len(AGE_BUCKETS))
    oldest_created: int | None = None
    for status, priority, channel, queue, count, oldest, *counts in groups:
        by_status[status or UNKNOWN] += count
        by_priority[priority or UNKNOWN] += count
        by_channel[channel or UNKNOWN] += count
        by_queue[queue or UNKNOWN] += count
        totals = [total + part for total, part in zip(totals, counts, strict=True)]
        oldest_created = oldest if oldest_created is None else min(oldest_created, oldest)
    awaiting_count, breached_count, at_risk_count = totals[:3]

    return QueueSnapshot(
        open=sum(by_status.values()),
        by_status=_ordered(by_status, OPEN_STATUSES),
        by_priority=_ordered(by_priority, PRIORITIES),
        by_channel=_ordered(by_channel),
        by_queue=_ordered(by_queue),
        awaiting_first_response=awaiting_count,
        age_buckets={
            name: count for (name, _, _), count in zip(AGE_BUCKETS, totals[3:], strict=True)
        },
        oldest_open_age_seconds=None if oldest_created is None else as_of - oldest_created,
        sla_breached=breached_count,
        sla_at_risk=at_risk_count,
        status_not_recorded=_not_recorded(session, as_of, filters) if then.travelled else 0,
    )


@dataclass(frozen=True)
class OpenThen:
    """Which tickets were open at a moment, and in which status: what the queue pane and
    the agents screen both count, so they agree at any moment."""

    status: Any
    """Each ticket's status at the moment (an SQL expression)."""
    conditions: tuple[ColumnElement[bool], ...]
    travelled: bool
    """Whether anything changed after the moment (the history answered, not the rows)."""


def open_then(session: Session, as_of: int) -> OpenThen:
    """The open tickets at as_of, each in its status then. When nothing changed after as_of
    (live, the latest data) every ticket's status then is its status now: the rows alone
    answer, at half the cost of the history's way."""
    if session.exec(select(changed_after_any(as_of))).one():
        then = open_then_subquery(as_of)
        return OpenThen(then.c.status, (col(Ticket.id) == then.c.id,), travelled=True)
    status = col(Ticket.status)
    opened = (status.in_(OPEN_STATUSES), not_for_lookup(Ticket.created_at) <= as_of)
    return OpenThen(status, opened, travelled=False)


@dataclass(frozen=True)
class OpenNow:
    """The open tickets of one agent, queue or channel at as_of, and those past a due time."""

    open: int
    sla_breached: int


def open_by(session: Session, as_of: int, dimension: str) -> dict[str | None, OpenNow]:
    """The open queue at as_of split by one ticket field (agent, queue, channel): one pass
    over the open tickets, with the one SLA verdict (cxtui.sla) the queue pane uses."""
    field = getattr(Ticket, dimension)
    then = open_then(session, as_of)
    counted = session.exec(
        select(field, func.count(), count_where(breached_sql(as_of, then.status)))
        .where(*then.conditions)
        .group_by(field)
    ).all()
    return {value: OpenNow(count, breached) for value, count, breached in counted}


def _not_recorded(session: Session, as_of: int, filters: Filters) -> int:
    return session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(col(Ticket.id).in_(not_recorded_then(as_of)), *ticket_filter_conditions(filters))
    ).one()


def window_tickets(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    *,
    business: BusinessHours | None = None,
) -> TicketTally:
    """The tally of the tickets created in W (and of those solved in W)."""
    return ticket_tallies(session, [_span(window)], filters, business)[0]


def window_surveys(
    session: Session, window: Window, filters: Filters = NO_FILTERS
) -> SurveyTallies:
    """The tallies of the survey responses submitted in W, by kind."""
    return survey_tallies(session, [_span(window)], filters)[0]


def ticket_tallies(
    session: Session,
    spans: Sequence[Span],
    filters: Filters = NO_FILTERS,
    business: BusinessHours | None = None,
    durations: Sequence[str] = aggregates.DURATIONS,
    *,
    channels: bool = True,
) -> list[TicketTally]:
    """Tallies of contiguous spans: from the hourly aggregates where they apply (calendar
    time, and no filter or one the tallies by dimension answer), else from the rows.
    Durations not named, and the split by channel unless `channels`, may be left out.
    A survey segment filter is not a ticket's: the tickets are those of the other filters."""
    filters = filters.for_tickets()
    db = _driver(session)
    calendar = business is None or business.always_open
    tallied = filters == NO_FILTERS or aggregates.slice_of(filters) is not None
    if tallied and calendar and aggregates.installed(db):
        return aggregates.ticket_tallies(db, spans, durations, channels=channels, filters=filters)
    return scan_tickets(db, spans, filters, business)


def survey_tallies(
    session: Session, spans: Sequence[Span], filters: Filters = NO_FILTERS
) -> list[SurveyTallies]:
    """Survey tallies of contiguous spans, from the hourly aggregates unless filtered in a
    way they cannot answer (a survey segment always is: aggregates.slice_of)."""
    db = _driver(session)
    tallied = filters == NO_FILTERS or aggregates.slice_of(filters) is not None
    if tallied and aggregates.installed(db):
        return aggregates.survey_tallies(db, spans, filters)
    return scan_surveys(db, spans, filters)


def first_response(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    *,
    business: BusinessHours | None = None,
) -> FirstResponse:
    """How long customers waited for the first reply, over tickets created in W; in business
    time when `business` hours are given, else on the calendar."""
    return first_response_of(window_tickets(session, window, filters, business=business))


def first_response_of(tickets: TicketTally | ChannelTally) -> FirstResponse:
    waits = tickets.waits
    return FirstResponse(
        count=waits.count,
        mean_seconds=waits.mean(),
        median_seconds=waits.quantile(0.5),
        p90_seconds=waits.quantile(0.9),
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
    return resolution_of(window_tickets(session, window, filters, business=business))


def resolution_of(tickets: TicketTally) -> Resolution:
    return Resolution(
        created=tickets.created,
        resolved=tickets.resolved,
        rate=_ratio(tickets.resolved, tickets.created),
        median_seconds=tickets.resolution_times.quantile(0.5),
        p90_seconds=tickets.resolution_times.quantile(0.9),
        fcr_rate=_ratio(tickets.first_contact, tickets.reopens_known),
        reopen_rate=_ratio(tickets.reopened, tickets.reopens_known),
        resolved_in_window=tickets.solved,
        flow_rate=_ratio(tickets.solved, tickets.created),
    )


def handle_time(session: Session, window: Window, filters: Filters = NO_FILTERS) -> HandleTime:
    """Agent effort per ticket created in W, where the export records it."""
    return handle_time_of(window_tickets(session, window, filters))


def handle_time_of(tickets: TicketTally) -> HandleTime:
    return HandleTime(
        count=tickets.handle_count, mean_seconds=_ratio(tickets.handle_total, tickets.handle_count)
    )


def abandonment(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    live_channels: Sequence[str] = LIVE_CHANNELS,
) -> Abandonment:
    """Share of live-channel contacts created in W that gave up before anyone answered."""
    return abandonment_of(window_tickets(session, window, filters), live_channels)


def abandonment_of(
    tickets: TicketTally, live_channels: Sequence[str] = LIVE_CHANNELS
) -> Abandonment:
    live = tickets.of_channels(live_channels)
    offered = live.answered + live.abandoned
    return Abandonment(
        offered=offered,
        abandoned=live.abandoned,
        rate=_ratio(live.abandoned, offered),
        channels=tuple(live_channels),
        interval_95=wilson_interval(live.abandoned, offered),
    )


def service_level(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    target_seconds: int = 20,
    live_channels: Sequence[str] = LIVE_CHANNELS,
) -> ServiceLevel:
    """Share of live-channel contacts created in W answered within target_seconds; abandons
    count against."""
    return service_level_of(window_tickets(session, window, filters), target_seconds, live_channels)


def service_level_of(
    tickets: TicketTally, target_seconds: int, live_channels: Sequence[str] = LIVE_CHANNELS
) -> ServiceLevel:
    """Waits are on the calendar here whatever the clock: a caller waits in real seconds.

    A contact answered with a reply dated before it was created is left out altogether:
    whether it was answered in time cannot be told."""
    live = tickets.of_channels(live_channels)
    answered_within = live.waits.at_most(target_seconds) - live.abandoned_waits.at_most(
        target_seconds
    )
    offered = live.answered - live.answered_before_created + live.abandoned
    return ServiceLevel(
        target_seconds=target_seconds,
        offered=offered,
        answered_within=answered_within,
        rate=_ratio(answered_within, offered),
        channels=tuple(live_channels),
        interval_95=wilson_interval(answered_within, offered),
    )


def data_quality_of(tickets: TicketTally) -> DataQuality:
    return DataQuality(
        first_response_before_created=tickets.replies_before_created,
        resolved_before_created=tickets.resolutions_before_created,
    )


def nps(session: Session, window: Window, filters: Filters = NO_FILTERS) -> Nps:
    """Net Promoter Score of NPS surveys submitted in W, with its 95% margin of error."""
    return nps_of(window_surveys(session, window, filters)["nps"])


def nps_of(surveys: SurveyTally) -> Nps:
    responses, promoters, detractors = surveys.responses, surveys.promoters, surveys.detractors
    return Nps(
        responses=responses,
        promoters=promoters,
        passives=surveys.passives,
        detractors=detractors,
        score=_nps_score(responses, promoters, detractors),
        margin_95=_nps_margin_95(responses, promoters, detractors),
        interval_95=nps_interval_95(responses, promoters, detractors),
    )


def csat(session: Session, window: Window, filters: Filters = NO_FILTERS) -> Csat:
    """Customer satisfaction (1-5) of CSAT surveys submitted in W, with the 95% margin of
    error of the satisfied share."""
    return csat_of(window_surveys(session, window, filters)["csat"])


def csat_of(surveys: SurveyTally) -> Csat:
    return Csat(
        responses=surveys.responses,
        satisfied=surveys.satisfied,
        score_pct=_percent(surveys.satisfied, surveys.responses),
        mean=_ratio(surveys.score_total, surveys.responses),
        margin_95=_share_margin_95(surveys.satisfied, surveys.responses),
        interval_95=_in_percent(wilson_interval(surveys.satisfied, surveys.responses)),
    )


def ces(session: Session, window: Window, filters: Filters = NO_FILTERS) -> Ces:
    """Customer effort (1-7) of CES surveys submitted in W."""
    return ces_of(window_surveys(session, window, filters)["ces"])


def ces_of(surveys: SurveyTally) -> Ces:
    return Ces(responses=surveys.responses, mean=_ratio(surveys.score_total, surveys.responses))


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
    day is 23 or 25 hours long when the clocks change; the last day ends at as_of.
    First-response medians are in business time when `clock` is "business". Days with
    nothing to measure get None, except the count of tickets created, which is 0.
    """
    centre = hours or BusinessHours()
    last_day = datetime.fromtimestamp(as_of, centre.zone).date()
    bounds = day_starts(last_day, days, centre.zone)
    bounds[-1] = as_of + 1
    spans = list(pairwise(bounds))
    business = centre if clock == "business" else None
    tickets = ticket_tallies(
        session, spans, filters, business, durations=("waits",), channels=False
    )
    surveys = survey_tallies(session, spans, filters)
    first_day = last_day - timedelta(days=days - 1)
    return [
        DailyPoint(
            day=(first_day + timedelta(days=offset)).isoformat(),
            first_response_median_seconds=day.waits.quantile(0.5),
            resolution_rate=_ratio(day.resolved, day.created),
            nps=_nps_score(
                day_surveys["nps"].responses,
                day_surveys["nps"].promoters,
                day_surveys["nps"].detractors,
            ),
            csat_pct=_percent(day_surveys["csat"].satisfied, day_surveys["csat"].responses),
            created=day.created,
        )
        for offset, (day, day_surveys) in enumerate(zip(tickets, surveys, strict=True))
    ]


def quarantine_count(session: Session) -> int:
    """Rows set aside by the loader, so the supervisor knows the numbers may be incomplete."""
    return session.exec(select(func.count()).select_from(QuarantinedRow)).one()


def events_waiting_count(session: Session) -> int:
    """Events kept for tickets not loaded yet: the figures leave them out until the ticket
    arrives."""
    known = select(Ticket.id).where(col(Ticket.id) == col(TicketEvent.ticket_id))
    return session.exec(select(func.count()).select_from(TicketEvent).where(~known.exists())).one()


def dashboard(
    session: Session,
    window: Window,
    filters: Filters = NO_FILTERS,
    sl_target_seconds: int = 20,
    *,
    clock: str = "calendar",
    hours: BusinessHours | None = None,
    live_channels: Sequence[str] = LIVE_CHANNELS,
) -> Dashboard:
    """Every pane's numbers for one as_of, window and set of filters, and the headlines of
    the window of the same length before it.

    `hours` is the centre's calendar (its zone sets the daily series' days); `clock` says
    whether first-response and resolution times are counted on the calendar or only while
    the centre is open ("business"). Service level and abandonment count `live_channels`."""
    if clock not in CLOCKS:
        raise ValueError(f"clock must be one of {', '.join(CLOCKS)}, not {clock!r}")
    business = (hours or BusinessHours()) if clock == "business" else None
    before = Window(window.start, window.seconds)
    spans = [_span(before), _span(window)]
    earlier, tickets = ticket_tallies(session, spans, filters)
    earlier_timed, timed = earlier, tickets
    if business is not None and not business.always_open:
        earlier_timed, timed = ticket_tallies(session, spans, filters, business)
    earlier_surveys, surveys = survey_tallies(session, spans, filters)
    live = tuple(live_channels)
    return Dashboard(
        as_of=window.as_of,
        window_seconds=window.seconds,
        queue=queue_snapshot(session, window.as_of, filters),
        first_response=first_response_of(timed),
        resolution=resolution_of(timed),
        handle_time=handle_time_of(tickets),
        abandonment=abandonment_of(tickets, live),
        service_level=service_level_of(tickets, sl_target_seconds, live),
        nps=nps_of(surveys["nps"]),
        csat=csat_of(surveys["csat"]),
        ces=ces_of(surveys["ces"]),
        quarantine_rows=quarantine_count(session),
        events_waiting=events_waiting_count(session),
        daily=daily_series(session, window.as_of, filters, hours=hours, clock=clock),
        clock=clock,
        data_quality=data_quality_of(tickets),
        live_channels=live,
        first_response_live=first_response_of(timed.of_channels(live)),
        first_response_async=first_response_of(timed.of_channels(live, inside=False)),
        previous=Previous(
            as_of=before.as_of,
            first_response=first_response_of(earlier_timed),
            resolution=resolution_of(earlier_timed),
            abandonment=abandonment_of(earlier, live),
            service_level=service_level_of(earlier, sl_target_seconds, live),
            nps=nps_of(earlier_surveys["nps"]),
            csat=csat_of(earlier_surveys["csat"]),
        ),
    )


def changes(now: Dashboard | Previous, before: Previous) -> dict[str, Change]:
    """Each headline's change from `before` to `now`; the survey scores say whether the change
    is larger than chance would give (see docs/metrics.md, "Change")."""
    return {
        "first_response_median_seconds": _change(
            now.first_response.median_seconds, before.first_response.median_seconds
        ),
        "resolution_rate": _change(now.resolution.rate, before.resolution.rate),
        "abandonment_rate": _change(now.abandonment.rate, before.abandonment.rate),
        "service_level_rate": _change(now.service_level.rate, before.service_level.rate),
        "nps_score": _change(
            now.nps.score, before.nps.score, now.nps.interval_95, before.nps.interval_95
        ),
        "csat_score_pct": _change(
            now.csat.score_pct, before.csat.score_pct, now.csat.interval_95, before.csat.interval_95
        ),
    }


def _change(
    now: float | None,
    before: float | None,
    now_interval: tuple[float, float] | None = None,
    before_interval: tuple[float, float] | None = None,
) -> Change:
    difference = None if now is None or before is None else now - before
    if now_interval is None or before_interval is None or difference is None:
        return Change(previous=before, difference=difference)
    margin = math.hypot(_half_width(now_interval), _half_width(before_interval))
    return Change(
        previous=before,
        difference=difference,
        margin_95=margin,
        significant=abs(difference) > margin,
    )


def _half_width(interval: tuple[float, float]) -> float:
    low, high = interval
    return (high - low) / 2


def report_dict(d: Dashboard) -> dict[str, Any]:
    """The public JSON shape of `cxtui report`; key names and order are a contract."""
    return {
        "as_of": _utc(d.as_of),
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
            "status_not_recorded",
        ),
        "first_response": _pick(d.first_response, *_FIRST_RESPONSE),
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
        "abandonment": _pick(d.abandonment, *_ABANDONMENT),
        "service_level": _pick(d.service_level, *_SERVICE_LEVEL),
        "nps": _pick(d.nps, *_NPS),
        "csat": _pick(d.csat, *_CSAT),
        "ces": _pick(d.ces, "responses", "mean"),
        "quarantine": {"rows": d.quarantine_rows},
        "clock": d.clock,
        "data_quality": _pick(
            d.data_quality, "first_response_before_created", "resolved_before_created"
        ),
        "first_response_by_group": {
            "live": {
                "channels": list(d.live_channels),
                **_pick(d.first_response_live, *_FIRST_RESPONSE),
            },
            "async": _pick(d.first_response_async, *_FIRST_RESPONSE),
        },
        "previous": _previous_dict(d.previous),
        "change": {name: _pick(change, *_CHANGE) for name, change in d.changes.items()},
        "events": {"waiting_for_ticket": d.events_waiting},
    }


_FIRST_RESPONSE = ("count", "mean_seconds", "median_seconds", "p90_seconds")
_ABANDONMENT = ("offered", "abandoned", "rate", "channels", "interval_95")
_SERVICE_LEVEL = (
    "target_seconds",
    "offered",
    "answered_within",
    "rate",
    "channels",
    "interval_95",
)
_NPS = (
    "responses",
    "promoters",
    "passives",
    "detractors",
    "score",
    "margin_95",
    "interval_95",
)
_CSAT = ("responses", "satisfied", "score_pct", "mean", "margin_95", "interval_95")
_CHANGE = ("previous", "difference", "margin_95", "significant")


def _previous_dict(before: Previous | None) -> dict[str, Any] | None:
    if before is None:
        return None
    return {
        "as_of": _utc(before.as_of),
        "first_response": _pick(before.first_response, *_FIRST_RESPONSE),
        "resolution": _pick(before.resolution, "created", "resolved", "rate"),
        "abandonment": _pick(before.abandonment, *_ABANDONMENT),
        "service_level": _pick(before.service_level, *_SERVICE_LEVEL),
        "nps": _pick(before.nps, *_NPS),
        "csat": _pick(before.csat, *_CSAT),
    }


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _span(window: Window) -> Span:
    """W = (start, as_of] as the half-open span [start + 1, as_of + 1)."""
    return (window.start + 1, window.as_of + 1)


def _driver(session: Session) -> sqlite3.Connection:
    """The session's own driver connection, so every query runs in its transaction."""
    return session.connection().connection.driver_connection  # type: ignore[return-value]


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


def wilson_interval(part: int, whole: int) -> tuple[float, float] | None:
    """The Wilson score 95% interval of the share part/whole, as fractions.

    Unlike the normal approximation it is never zero wide: one satisfied answer out of one
    gives 0.21 to 1, not "100% ± 0"."""
    if not whole:
        return None
    p = part / whole
    z2 = Z_95 * Z_95
    centre = (p + z2 / (2 * whole)) / (1 + z2 / whole)
    spread = Z_95 / (1 + z2 / whole) * math.sqrt(p * (1 - p) / whole + z2 / (4 * whole * whole))
    return max(0.0, centre - spread), min(1.0, centre + spread)


def nps_interval_95(responses: int, promoters: int, detractors: int) -> tuple[float, float] | None:
    """The adjusted-Wald 95% interval of the NPS (Rocks 2016): add 3 to n and 3/4 to each of
    promoters and detractors, then the margin of the difference of two shares; clipped to
    -100..100. It stays wide at small n, where `margin_95` can be 0 after one answer."""
    if not responses:
        return None
    n = responses + 3
    p = (promoters + 0.75) / n
    d = (detractors + 0.75) / n
    centre = p - d
    margin = Z_95 * math.sqrt((p + d - centre**2) / n)
    return max(-100.0, 100 * (centre - margin)), min(100.0, 100 * (centre + margin))


def _in_percent(interval: tuple[float, float] | None) -> tuple[float, float] | None:
    return None if interval is None else (100 * interval[0], 100 * interval[1])


def _pick(record: object, *names: str) -> dict[str, Any]:
    """Named fields in the given order; dicts are copied so callers cannot edit the record,
    tuples become lists as JSON writes them."""
    picked: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        if isinstance(value, dict):
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        picked[name] = value
    return picked
