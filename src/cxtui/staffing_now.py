"""Staffing now: what the live channels' last interval asks for, beside the agents seen.

Reads the tickets of the last 30 or 60 minutes (the config's `staffing_interval`) on the live
channels: arrivals, mean handle time, the waits of every contact and how many hung up (for the
patience estimate), and the agents who answered or solved a live contact. The maths is in
cxtui.staffing; the definitions in words in docs/metrics.md ("Staffing now").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from cxtui import staffing
from cxtui.config import Config
from cxtui.metrics import LIVE_CHANNELS, Filters, Window, ticket_filter_conditions
from cxtui.models import StatusChange, Ticket
from cxtui.report import duration, percent
from cxtui.staffing import Staffing
from cxtui.tallies import ABANDONED, NO_FILTERS, rows

ANSWER_LOOKBACK_SECONDS = 86_400
"""How long before the interval a contact answered in it may have arrived: live waits are
minutes, and bounding it lets the created_at index find the rows."""


@dataclass(frozen=True)
class StaffingGoal:
    """What the plan aims for: `service_level` of contacts answered within `target_seconds`,
    agents busy at most `max_occupancy` of the time, `shrinkage` of paid time unavailable."""

    target_seconds: int = 20
    service_level: float = 0.8
    max_occupancy: float = 0.85
    shrinkage: float = 0.3


@dataclass(frozen=True)
class Demand:
    """What the live channels brought in one interval."""

    interval_seconds: int
    channels: tuple[str, ...]
    arrivals: int
    handle_count: int
    handle_mean_seconds: float | None
    abandoned: int
    wait_total_seconds: int
    """Every contact's wait to an answer, to hanging up, or (still waiting) to the interval's
    end: the patience estimate's numerator."""
    agents_seen: int

    @property
    def patience_seconds(self) -> float | None:
        return staffing.patience_estimate(self.wait_total_seconds, self.abandoned)

    @property
    def traffic_erlangs(self) -> float | None:
        if self.handle_mean_seconds is None:
            return None
        return staffing.traffic_erlangs(
            self.arrivals, self.interval_seconds, self.handle_mean_seconds
        )


@dataclass(frozen=True)
class StaffingNow:
    """The requirement (Erlang A when callers were seen hanging up, else Erlang C), both
    models' figures, and the agents seen against it."""

    demand: Demand
    goal: StaffingGoal
    erlang_c: Staffing | None
    erlang_a: Staffing | None

    @property
    def model(self) -> str | None:
        if self.erlang_a is not None:
            return "erlang_a"
        return "erlang_c" if self.erlang_c is not None else None

    @property
    def required(self) -> Staffing | None:
        return self.erlang_a if self.erlang_a is not None else self.erlang_c

    @property
    def scheduled_agents(self) -> int | None:
        required = self.required
        if required is None:
            return None
        return staffing.scheduled_agents(required.agents, self.goal.shrinkage)

    @property
    def difference(self) -> int | None:
        """Agents seen minus agents required: below 0 short, above 0 spare."""
        required = self.required
        return None if required is None else self.demand.agents_seen - required.agents

    @property
    def at_agents_seen(self) -> Staffing | None:
        """What the agents seen give for this traffic, under the same model; None also when
        the overload is too deep for Erlang A's sum (cxtui.staffing.MAX_QUEUE_STATES)."""
        try:
            return self.what_if(agents=self.demand.agents_seen)
        except ValueError:
            return None

    def what_if(
        self,
        *,
        agents: int,
        arrivals: int | None = None,
        target_seconds: int | None = None,
    ) -> Staffing | None:
        """The figures for `agents` agents, optionally with other arrivals or target."""
        demand = self.demand
        if demand.handle_mean_seconds is None:
            return None
        traffic = staffing.traffic_erlangs(
            demand.arrivals if arrivals is None else arrivals,
            demand.interval_seconds,
            demand.handle_mean_seconds,
        )
        target = self.goal.target_seconds if target_seconds is None else target_seconds
        return staffing.staffing_for(
            agents, traffic, demand.handle_mean_seconds, target, self.patience_for_model
        )

    @property
    def patience_for_model(self) -> float | None:
        return self.demand.patience_seconds if self.erlang_a is not None else None


def verdict(difference: int | None) -> str:
    """The difference in the supervisor's words: "short by 3", "3 spare", "as required"."""
    if difference is None:
        return "no requirement"
    if difference < 0:
        return f"short by {-difference}"
    if difference > 0:
        return f"{difference} spare"
    return "as required"


def demand(
    session: Session,
    as_of: int,
    interval_seconds: int,
    filters: Filters = NO_FILTERS,
    live_channels: Sequence[str] = LIVE_CHANNELS,
) -> Demand:
    """The live channels' interval (as_of - interval_seconds, as_of] as it stood at as_of."""
    window = Window(as_of=as_of, seconds=interval_seconds)
    channels = tuple(live_channels)
    db: sqlite3.Connection = session.connection().connection.driver_connection  # type: ignore[assignment]
    live = [col(Ticket.channel).in_(channels), *ticket_filter_conditions(filters)]
    gave_up_at = (
        select(func.min(StatusChange.at))
        .where(
            col(StatusChange.ticket_id) == col(Ticket.id),
            col(StatusChange.status) == ABANDONED,
        )
        .scalar_subquery()
    )
    arrived = rows(
        db,
        select(
            Ticket.created_at,
            Ticket.first_response_at,
            Ticket.status,
            func.coalesce(gave_up_at, Ticket.updated_at, Ticket.created_at),
            Ticket.handle_seconds,
        ).where(col(Ticket.created_at) > window.start, col(Ticket.created_at) <= as_of, *live),
    )
    abandoned = handle_count = handle_total = wait_total = 0
    for created, replied, status, gave_up, handle in arrived:
        ended = _ended(status, replied, gave_up)
        if status == ABANDONED and ended is not None and ended <= as_of:
            abandoned += 1
        wait_total += max(0, min(as_of, ended if ended is not None else as_of) - created)
        if handle is not None:
            handle_count += 1
            handle_total += handle
    return Demand(
        interval_seconds=interval_seconds,
        channels=channels,
        arrivals=len(arrived),
        handle_count=handle_count,
        handle_mean_seconds=handle_total / handle_count if handle_count else None,
        abandoned=abandoned,
        wait_total_seconds=wait_total,
        agents_seen=_agents_seen(db, window, live),
    )


def _ended(status: str | None, replied: int | None, gave_up: int | None) -> int | None:
    """When the contact stopped waiting: hung up, or answered; None while it waits."""
    if status == ABANDONED:
        return gave_up
    return replied


def _agents_seen(db: sqlite3.Connection, window: Window, live: list[Any]) -> int:
    """Distinct agents of live contacts first answered, or solved, in the interval."""
    answered = (
        select(Ticket.agent)
        .where(
            col(Ticket.created_at) > window.start - ANSWER_LOOKBACK_SECONDS,
            col(Ticket.created_at) <= window.as_of,
            col(Ticket.first_response_at) > window.start,
            col(Ticket.first_response_at) <= window.as_of,
            col(Ticket.agent).is_not(None),
            col(Ticket.agent) != "",
            *live,
        )
        .union(
            select(Ticket.agent).where(
                col(Ticket.resolved_at) > window.start,
                col(Ticket.resolved_at) <= window.as_of,
                col(Ticket.agent).is_not(None),
                col(Ticket.agent) != "",
                *live,
            )
        )
    )
    return len(rows(db, answered))


def staffing_now(found: Demand, goal: StaffingGoal) -> StaffingNow:
    """The requirement for `found` under `goal`: Erlang C always, Erlang A as well when
    callers were seen hanging up (a patience estimate exists)."""
    traffic = found.traffic_erlangs
    aht = found.handle_mean_seconds
    if traffic is None or aht is None:
        return StaffingNow(found, goal, None, None)
    erlang_c = staffing.agents_required(
        traffic, aht, goal.target_seconds, goal.service_level, goal.max_occupancy
    )
    patience = found.patience_seconds
    erlang_a = None
    if patience is not None and patience > 0:
        erlang_a = staffing.agents_required(
            traffic, aht, goal.target_seconds, goal.service_level, goal.max_occupancy, patience
        )
    return StaffingNow(found, goal, erlang_c, erlang_a)


def figures_dict(figures: Staffing | None, shrinkage: float | None = None) -> dict[str, Any] | None:
    """The JSON of one staffing result, `cxtui staffing`'s keys: abandon_rate under Erlang A
    only, scheduled_agents when a shrinkage is given."""
    if figures is None:
        return None
    result: dict[str, Any] = {
        "traffic_erlangs": figures.traffic_erlangs,
        "agents": figures.agents,
    }
    if shrinkage is not None:
        result["scheduled_agents"] = staffing.scheduled_agents(figures.agents, shrinkage)
    result |= {
        "service_level": figures.service_level,
        "p_wait": figures.p_wait,
        "asa_seconds": figures.asa_seconds,
        "occupancy": figures.occupancy,
    }
    if figures.abandon_rate is not None:
        result["abandon_rate"] = figures.abandon_rate
    return result


def staffing_dict(now: StaffingNow) -> dict[str, Any]:
    """The `staffing` key of `cxtui report --format json`; key names are a contract."""
    found, goal = now.demand, now.goal
    return {
        "interval_seconds": found.interval_seconds,
        "channels": list(found.channels),
        "arrivals": found.arrivals,
        "handle_time": {"count": found.handle_count, "mean_seconds": found.handle_mean_seconds},
        "abandoned": found.abandoned,
        "patience_seconds": found.patience_seconds,
        "agents_seen": found.agents_seen,
        "target_seconds": goal.target_seconds,
        "service_level_target": goal.service_level,
        "max_occupancy": goal.max_occupancy,
        "shrinkage": goal.shrinkage,
        "model": now.model,
        "agents_required": None if now.required is None else now.required.agents,
        "scheduled_agents": now.scheduled_agents,
        "difference": now.difference,
        "verdict": verdict(now.difference),
        "erlang_c": figures_dict(now.erlang_c, goal.shrinkage),
        "erlang_a": figures_dict(now.erlang_a, goal.shrinkage),
        "at_agents_seen": figures_dict(now.at_agents_seen),
    }


def figures_lines(figures: Staffing, shrinkage: float, target_seconds: int) -> list[str]:
    """One staffing result as the lines `cxtui staffing` prints."""
    scheduled = staffing.scheduled_agents(figures.agents, shrinkage)
    lines = [
        f"traffic          {figures.traffic_erlangs:.2f} Erlangs",
        f"agents           {figures.agents:,}",
        f"scheduled        {scheduled:,} (after {shrinkage:.0%} shrinkage)",
        f"service level    {figures.service_level:.1%} in {target_seconds} s",
        f"P(wait)          {figures.p_wait:.2%}",
        f"ASA              {_seconds(figures.asa_seconds)}",
        f"occupancy        {figures.occupancy:.1%}",
    ]
    if figures.abandon_rate is not None:
        lines.append(f"abandon rate     {figures.abandon_rate:.1%}")
    return lines


def _seconds(value: float | None) -> str:
    return "no answer (the queue grows without end)" if value is None else f"{value:.1f} s"


def staffing_goal(config: Config, target_seconds: int | None = None) -> StaffingGoal:
    """The config's goal; `target_seconds` overrides its service-level target (--sl-target)."""
    return StaffingGoal(
        target_seconds=config.sl_target_seconds if target_seconds is None else target_seconds,
        service_level=config.staffing_service_level,
        max_occupancy=config.staffing_max_occupancy,
        shrinkage=config.staffing_shrinkage,
    )


MODEL_NAMES = {"erlang_a": "Erlang A", "erlang_c": "Erlang C"}


def staffing_report_lines(now: StaffingNow) -> list[str]:
    """The staffing section of `cxtui report`'s table."""
    found, goal = now.demand, now.goal
    channels = ", ".join(found.channels) or "none"
    rows = [
        ("arrivals", f"{found.arrivals:,}"),
        (
            "mean handle time",
            f"{duration(found.handle_mean_seconds)} (n {found.handle_count:,})",
        ),
        ("abandoned / patience", f"{found.abandoned:,} / {duration(found.patience_seconds)}"),
        ("agents seen", f"{found.agents_seen:,}"),
    ]
    required = now.required
    if required is None:
        rows.append(("agents required", missing_reason(found)))
    else:
        rows += [
            ("traffic", f"{required.traffic_erlangs:.2f} Erlangs"),
            (
                f"agents required ({MODEL_NAMES[now.model or 'erlang_c']})",
                f"{required.agents:,} for {percent(goal.service_level)} in"
                f" {goal.target_seconds}s (scheduled {now.scheduled_agents:,}"
                f" at {percent(goal.shrinkage)} shrinkage)",
            ),
            ("difference", verdict(now.difference)),
        ]
        seen = now.at_agents_seen
        if seen is not None:
            rows.append(("with the agents seen", figures_summary(seen, goal.target_seconds)))
    width = max(len(label) for label, _ in rows)
    title = f"Staffing now ({channels}; last {found.interval_seconds // 60} min)"
    return ["", title, *(f"  {label:<{width}}  {value}" for label, value in rows)]


def missing_reason(found: Demand) -> str:
    """Why there is no requirement: no arrivals, or no handle time to work one out."""
    if found.arrivals == 0:
        return "none: no live arrivals in the interval"
    return "unknown: no handle time recorded in the interval"


def figures_summary(figures: Staffing, target_seconds: int) -> str:
    """One result on one line: service level, P(wait), ASA, occupancy, abandon rate."""
    parts = [
        f"SL {percent(figures.service_level)} in {target_seconds}s",
        f"P(wait) {percent(figures.p_wait)}",
        f"ASA {'none' if figures.asa_seconds is None else duration(figures.asa_seconds)}",
        f"occupancy {percent(figures.occupancy)}",
    ]
    if figures.abandon_rate is not None:
        parts.append(f"abandon {percent(figures.abandon_rate)}")
    return ", ".join(parts)
