"""The `[[alert]]` rules of cxtui.toml and the headline figures a rule can watch.

A rule names a figure, a scope (the whole centre, one queue or one channel), a line it must
cross and for how long, and a lower (or higher) line where it clears again, so a value
hovering at the line does not flap. Parsed here, with no database or screen, so a mistake in
a rule stops `cxtui` at start-up with one line naming the rule, as any other config mistake
does. docs/config.md ("Alerts") describes every key; docs/metrics.md the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from cxtui.tallies import Filters

Durations = Callable[[object], int]
"""config.parse_duration, passed in: config imports this module."""
COMPARISONS = ("above", "below")
SEVERITIES = ("warning", "critical")
_QUIET = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_RULE_KEYS = frozenset(
    {
        "name",
        "metric",
        "queue",
        "channel",
        "window",
        "comparison",
        "threshold",
        "clear",
        "for",
        "severity",
        "quiet_hours",
        "bell",
    }
)


@dataclass(frozen=True)
class Figure:
    """One headline figure of the dashboard, as an alert rule sees it.

    `value` and `count` are paths into a metrics.Dashboard (the figure and the contacts or
    answers it is measured over); `minimum` names the threshold metric whose minimum sample
    (Thresholds.minimum) a figure needs before it is judged at all.
    """

    label: str
    unit: str
    """count, seconds, rate (0-1), score (NPS -100..100), percent (CSAT) or mean (CES)."""
    value: str
    pane: str
    count: str | None = None
    minimum: str = ""

    def read(self, board: object) -> tuple[float | None, int | None]:
        """The figure and its sample size in `board`, a metrics.Dashboard."""
        value = attrgetter(self.value)(board)
        count = None if self.count is None else attrgetter(self.count)(board)
        return (None if value is None else float(value)), count


FIGURES: dict[str, Figure] = {
    "open_queue": Figure("open queue", "count", "queue.open", "queue"),
    "sla_breached": Figure("SLA breached", "count", "queue.sla_breached", "queue"),
    "sla_at_risk": Figure("SLA at risk", "count", "queue.sla_at_risk", "queue"),
    "awaiting_first_response": Figure(
        "awaiting first reply", "count", "queue.awaiting_first_response", "queue"
    ),
    "oldest_open": Figure("oldest open", "seconds", "queue.oldest_open_age_seconds", "queue"),
    "first_response_median": Figure(
        "first reply median",
        "seconds",
        "first_response.median_seconds",
        "response",
        "first_response.count",
        "first_response_median",
    ),
    "first_response_p90": Figure(
        "first reply p90",
        "seconds",
        "first_response.p90_seconds",
        "response",
        "first_response.count",
        "first_response_median",
    ),
    "service_level": Figure(
        "service level",
        "rate",
        "service_level.rate",
        "response",
        "service_level.offered",
        "service_level",
    ),
    "abandonment_rate": Figure(
        "abandonment",
        "rate",
        "abandonment.rate",
        "response",
        "abandonment.offered",
        "abandonment_rate",
    ),
    "resolution_rate": Figure(
        "resolution rate",
        "rate",
        "resolution.rate",
        "resolution",
        "resolution.created",
        "resolution_rate",
    ),
    "reopen_rate": Figure(
        "reopen rate",
        "rate",
        "resolution.reopen_rate",
        "resolution",
        "resolution.resolved",
        "resolution_rate",
    ),
    "handle_time_mean": Figure(
        "mean handle time", "seconds", "handle_time.mean_seconds", "resolution"
    ),
    "nps": Figure("NPS", "score", "nps.score", "experience", "nps.responses", "nps"),
    "csat": Figure("CSAT", "percent", "csat.score_pct", "experience", "csat.responses", "csat"),
    "ces": Figure("CES", "mean", "ces.mean", "experience", "ces.responses", "ces"),
}
_RANGES = {"rate": (0.0, 1.0), "score": (-100.0, 100.0), "percent": (0.0, 100.0)}


@dataclass(frozen=True)
class Rule:
    """One `[[alert]]` table: when a figure counts as breaching, and when it has recovered."""

    name: str
    metric: str
    comparison: str
    threshold: float
    clear: float
    for_seconds: int = 0
    severity: str = "warning"
    queue: str | None = None
    channel: str | None = None
    window: str | None = None
    """A duration such as "24h"; None means the config's default_window."""
    quiet_hours: tuple[int, int] | None = None
    """(start, end) in minutes after local midnight; end before start spans midnight."""
    bell: bool = False

    @property
    def figure(self) -> Figure:
        return FIGURES[self.metric]

    @property
    def filters(self) -> Filters:
        return Filters(channel=self.channel, queue=self.queue)

    @property
    def scope(self) -> str:
        """ "overall", "queue billing", "channel phone" or both."""
        parts = [f"{k} {v}" for k, v in (("queue", self.queue), ("channel", self.channel)) if v]
        return ", ".join(parts) or "overall"

    def breaching(self, value: float) -> bool:
        """Past the line: strictly above (or below) the threshold."""
        return value > self.threshold if self.comparison == "above" else value < self.threshold

    def recovered(self, value: float) -> bool:
        """Back at or inside the clear level: a firing alert ends only here."""
        return value <= self.clear if self.comparison == "above" else value >= self.clear


class RuleError(ValueError):
    """An `[[alert]]` table cannot be used; the message names the rule and the key."""


def rules_from_config(tables: object, parse_duration: Durations) -> tuple[Rule, ...]:
    """Rules from the `alert` array of tables; `parse_duration` reads "5m"-style text."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RuleError("alert must be an array of tables ([[alert]])")
    rules = [_rule(table, index, parse_duration) for index, table in enumerate(tables, 1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise RuleError(f"alert {rule.name!r}: another alert has the same name")
        seen.add(rule.name)
    return tuple(rules)


def _rule(table: dict[str, object], index: int, parse_duration: Durations) -> Rule:
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RuleError(f'alert #{index}: name is missing (name = "SLA breaches")')
    where = f"alert {name!r}"
    for key in table:
        if key not in _RULE_KEYS:
            raise RuleError(
                f"{where}: unknown key {key!r}; known keys: {', '.join(sorted(_RULE_KEYS))}"
            )
    metric = table.get("metric")
    if metric not in FIGURES:
        raise RuleError(f"{where}: metric must be one of {', '.join(FIGURES)}, not {metric!r}")
    figure = FIGURES[str(metric)]
    comparison = table.get("comparison")
    if comparison not in COMPARISONS:
        raise RuleError(f"{where}: comparison must be 'above' or 'below', not {comparison!r}")
    if "threshold" not in table:
        raise RuleError(f"{where}: threshold is missing")
    threshold = _level(table["threshold"], figure, where, "threshold", parse_duration)
    clear = threshold
    if "clear" in table:
        clear = _level(table["clear"], figure, where, "clear", parse_duration)
    if comparison == "above" and clear > threshold:
        raise RuleError(f"{where}: clear ({clear:g}) must not be above threshold ({threshold:g})")
    if comparison == "below" and clear < threshold:
        raise RuleError(f"{where}: clear ({clear:g}) must not be below threshold ({threshold:g})")
    severity = table.get("severity", "warning")
    if severity not in SEVERITIES:
        raise RuleError(f"{where}: severity must be 'warning' or 'critical', not {severity!r}")
    bell = table.get("bell", False)
    if not isinstance(bell, bool):
        raise RuleError(f"{where}: bell must be true or false, not {bell!r}")
    window = table.get("window")
    if window is not None:
        _duration(window, where, "window", parse_duration)
    return Rule(
        name=name.strip(),
        metric=str(metric),
        comparison=str(comparison),
        threshold=threshold,
        clear=clear,
        for_seconds=_for(table.get("for", 0), where, parse_duration),
        severity=str(severity),
        queue=_name(table.get("queue"), where, "queue"),
        channel=_name(table.get("channel"), where, "channel"),
        window=None if window is None else str(window),
        quiet_hours=_quiet_hours(table.get("quiet_hours"), where),
        bell=bell,
    )


def _level(value: object, figure: Figure, where: str, key: str, parse_duration: Durations) -> float:
    """A threshold or clear level in the figure's unit (a duration for a time figure)."""
    if figure.unit == "seconds" and isinstance(value, str):
        return float(_duration(value, where, key, parse_duration))
    if isinstance(value, bool) or not isinstance(value, int | float):
        unit = " or a duration such as '30m'" if figure.unit == "seconds" else ""
        raise RuleError(f"{where}: {key} must be a number{unit}, not {value!r}")
    low, high = _RANGES.get(figure.unit, (float("-inf"), float("inf")))
    if figure.unit in ("count", "seconds"):
        low = 0.0
    if not low <= value <= high:
        span = f"from {low:g} to {high:g}" if high != float("inf") else f"at least {low:g}"
        raise RuleError(f"{where}: {key} for {figure.label} must be {span}, not {value}")
    return float(value)


def _duration(value: object, where: str, key: str, parse_duration: Durations) -> int:
    try:
        return int(parse_duration(value))
    except ValueError as error:
        raise RuleError(f"{where}: {key}: {error}") from None


def _for(value: object, where: str, parse_duration: Durations) -> int:
    """`for`: how long the breach must hold; 0 (the default) fires at the first look."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        return _duration(value, where, "for", parse_duration)
    raise RuleError(f"{where}: for must be whole seconds or a duration such as '5m'")


def _name(value: object, where: str, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: {key} must be a {key} name as the tickets spell it")
    return value


def _quiet_hours(value: object, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    match = _QUIET.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise RuleError(f"{where}: quiet_hours must be a range such as '22:00-07:00'")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or end_h > 24 or start_m > 59 or end_m > 59 or (end_h == 24 and end_m):
        raise RuleError(f"{where}: quiet_hours {value!r} is not a time of day")
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if start == end:
        raise RuleError(f"{where}: quiet_hours {value!r} starts and ends at the same time")
    return start, end
