"""The figures the alert rules watch, read from the database for each rule's scope.

A rule's scope is its own (the whole centre, a queue, a channel), not the filters on the
screen or of the report: a supervisor looking at one queue must still hear about the
others. Each distinct scope and window is computed once per look; a Dashboard the caller has
already computed for the same scope and window (the screen's, the report's) is used as is.
Any other scope gets only its headlines (the queue now and one window's tallies, through the
same metrics functions the dashboard calls): no daily trend or previous window, about a fifth
of a dashboard's cost with a filter. Run from a worker thread or the CLI, never the loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from cxtui import metrics
from cxtui.alert_rules import Rule
from cxtui.alerts import Reading
from cxtui.business_hours import BusinessHours
from cxtui.config import Config, parse_duration
from cxtui.metrics import Dashboard, Filters, Window

Known = Mapping[tuple[Filters, int], Dashboard]
"""Dashboards already computed, by (filters, window seconds), at the same moment."""


@dataclass(frozen=True)
class Headlines:
    """The figures a rule can watch, under the same names as on a Dashboard."""

    queue: metrics.QueueSnapshot
    first_response: metrics.FirstResponse
    resolution: metrics.Resolution
    handle_time: metrics.HandleTime
    abandonment: metrics.Abandonment
    service_level: metrics.ServiceLevel
    nps: metrics.Nps
    csat: metrics.Csat
    ces: metrics.Ces


def headlines(
    session: Session,
    window: Window,
    filters: Filters,
    sl_target_seconds: int,
    *,
    clock: str,
    hours: BusinessHours,
    live_channels: Sequence[str],
) -> Headlines:
    """The headline figures of one scope and window, defined as metrics.dashboard defines
    them (tests/test_alert_config.py checks the two agree)."""
    span = (window.start + 1, window.as_of + 1)  # W = (start, as_of], as metrics reads it
    (tickets,) = metrics.ticket_tallies(session, [span], filters)
    timed = tickets
    if clock == "business" and not hours.always_open:
        (timed,) = metrics.ticket_tallies(session, [span], filters, hours)
    (surveys,) = metrics.survey_tallies(session, [span], filters)
    live = tuple(live_channels)
    return Headlines(
        queue=metrics.queue_snapshot(session, window.as_of, filters),
        first_response=metrics.first_response_of(timed),
        resolution=metrics.resolution_of(timed),
        handle_time=metrics.handle_time_of(tickets),
        abandonment=metrics.abandonment_of(tickets, live),
        service_level=metrics.service_level_of(tickets, sl_target_seconds, live),
        nps=metrics.nps_of(surveys["nps"]),
        csat=metrics.csat_of(surveys["csat"]),
        ces=metrics.ces_of(surveys["ces"]),
    )


def rule_window(rule: Rule, config: Config) -> int:
    """The window a rule is measured over: its own `window`, else the default window."""
    return parse_duration(rule.window or config.default_window)


def readings(
    session: Session,
    rules: Sequence[Rule],
    as_of: int,
    config: Config,
    known: Known | None = None,
    *,
    sl_target_seconds: int | None = None,
    clock: str | None = None,
) -> dict[str, Reading]:
    """Every rule's reading (name -> Reading) as of `as_of`."""
    boards: dict[tuple[Filters, int], Dashboard | Headlines] = dict(known or {})
    result: dict[str, Reading] = {}
    for rule in rules:
        key = (rule.filters, rule_window(rule, config))
        if key not in boards:
            boards[key] = headlines(
                session,
                Window(as_of=as_of, seconds=key[1]),
                rule.filters,
                config.sl_target_seconds if sl_target_seconds is None else sl_target_seconds,
                clock=clock or config.clock,
                hours=config.business_hours,
                live_channels=config.live_channels,
            )
        figure = rule.figure
        value, n = figure.read(boards[key])
        minimum = config.thresholds.minimum(figure.minimum) if figure.minimum else 0
        result[rule.name] = Reading(value, n, minimum)
    return result
