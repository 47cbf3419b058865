"""The figures the alert rules watch, read from the database for each rule's scope.

A rule's scope is its own (the whole centre, a queue, a channel), not the filters on the
screen or of the report: a supervisor looking at one queue must still hear about the
others. Each distinct scope and window is computed once per look; a Dashboard the caller has
already computed for the same scope and window (the screen's, the report's) is used as is.
Run from a worker thread or the CLI, never the event loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlmodel import Session

from cxtui.alert_rules import Rule
from cxtui.alerts import Reading
from cxtui.config import Config, parse_duration
from cxtui.metrics import Dashboard, Filters, Window, dashboard

Known = Mapping[tuple[Filters, int], Dashboard]
"""Dashboards already computed, by (filters, window seconds), at the same moment."""


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
    boards: dict[tuple[Filters, int], Dashboard] = dict(known or {})
    result: dict[str, Reading] = {}
    for rule in rules:
        key = (rule.filters, rule_window(rule, config))
        if key not in boards:
            boards[key] = dashboard(
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
