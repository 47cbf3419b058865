"""Alert state: which rules are quiet, pending or firing, and every alert raised so far.

Pure: it is fed (time, readings) and never reads a clock, a database or a screen, so a test
can walk a rule through a hand-worked sequence with a frozen clock. The app feeds it from
its refresh worker and `cxtui report` once; docs/config.md ("Alerts") gives the semantics:

- a judged reading past the threshold makes a quiet rule pending; it fires once the breach
  has held for the rule's `for` (a reading back inside the threshold cancels a pending
  rule);
- a firing alert clears only when a judged reading reaches the clear level, so a value
  hovering between the two lines neither clears nor fires again;
- provisional readings (the backlog still loading) change nothing, and a reading on fewer
  contacts or answers than its minimum (or with no value) neither starts nor fires an alert,
  cancels a pending one, and never clears a firing one: too few to say it has recovered;
- in a rule's quiet hours an alert still fires and shows, but rings no bell and runs no
  on_alert command; if it is still firing and unacknowledged when they end, it is announced
  then.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from cxtui.alert_rules import Rule

HISTORY = 200
"""Past alerts kept for the alerts screen (the oldest go first)."""
QUIET, PENDING, FIRING = "ok", "pending", "firing"


@dataclass(frozen=True)
class Reading:
    """A rule's figure at one look: the value, the sample it is measured over and the least
    sample it may be judged on."""

    value: float | None
    n: int | None = None
    minimum: int = 0

    @property
    def judged(self) -> bool:
        return self.value is not None and (self.n is None or self.n >= self.minimum)

    @property
    def why_not(self) -> str | None:
        """Why the reading is not judged: "no data" or "low n"; None when it is."""
        if self.value is None:
            return "no data"
        return None if self.judged else "low n"


@dataclass(frozen=True)
class Alert:
    """One firing of a rule, from the moment it fired to the moment it cleared."""

    id: int
    rule: Rule
    fired_at: float
    value: float
    latest: float
    cleared_at: float | None = None
    cleared_value: float | None = None
    acknowledged_at: float | None = None
    quiet: bool = False
    """It fired in the rule's quiet hours."""
    announced: bool = False
    """The bell and on_alert have been given it."""

    @property
    def active(self) -> bool:
        return self.cleared_at is None

    def as_json(self, event: str = "") -> dict[str, Any]:
        """The alert as on_alert and `cxtui report` see it; keys are a contract."""
        rule = self.rule
        shown = {
            "id": self.id,
            "rule": rule.name,
            "metric": rule.metric,
            "label": rule.figure.label,
            "scope": _scope(rule),
            "severity": rule.severity,
            "comparison": rule.comparison,
            "threshold": rule.threshold,
            "clear": rule.clear,
            "value": self.value,
            "latest": self.latest,
            "fired_at": _utc(self.fired_at),
            "cleared_at": _utc(self.cleared_at),
            "cleared_value": self.cleared_value,
            "acknowledged_at": _utc(self.acknowledged_at),
            "quiet": self.quiet,
        }
        return {"event": event, **shown} if event else shown


@dataclass(frozen=True)
class Notice:
    """Something to announce (bell, on_alert): an alert "fired" or, once announced, "cleared"."""

    event: str
    alert: Alert

    @property
    def rings(self) -> bool:
        return self.event == "fired" and self.alert.rule.bell


@dataclass
class RuleState:
    """Where one rule stands: quiet, pending since a moment, or firing (the alert)."""

    rule: Rule
    status: str = QUIET
    since: float | None = None
    reading: Reading | None = None
    alert_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What one look changed: alerts fired and cleared, and what to announce now."""

    fired: tuple[Alert, ...] = ()
    cleared: tuple[Alert, ...] = ()
    notices: tuple[Notice, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.fired or self.cleared or self.notices)


class AlertBook:
    """The state of every rule and the alerts they raised. Safe to share between threads:
    the refresh worker evaluates while the screen acknowledges."""

    def __init__(self, rules: Sequence[Rule], zone: tzinfo = UTC) -> None:
        self.zone = zone
        self._states = {rule.name: RuleState(rule) for rule in rules}
        self._alerts: dict[int, Alert] = {}
        self._next_id = 1
        self._lock = threading.Lock()
        self._last: tuple[Mapping[str, Reading], bool] | None = None

    @property
    def rules(self) -> list[Rule]:
        return [state.rule for state in self._states.values()]

    def evaluate(
        self, now: float, readings: Mapping[str, Reading], *, provisional: bool = False
    ) -> Outcome:
        """Move every rule on by one look at `readings` (rule name -> reading) at `now`."""
        with self._lock:
            self._last = (readings, provisional)
            if provisional:
                return Outcome()
            fired: list[Alert] = []
            cleared: list[Alert] = []
            for name, state in self._states.items():
                reading = readings.get(name)
                if reading is None:
                    continue
                state.reading = reading
                if state.status == FIRING:
                    alert = self._look_firing(state, reading, now)
                    if alert is not None:
                        cleared.append(alert)
                elif self._look_quiet(state, reading, now):
                    fired.append(self._fire(state, reading, now))
            notices = [Notice("cleared", a) for a in cleared if a.announced]
            notices += self._announce(now)
            return Outcome(tuple(fired), tuple(cleared), tuple(notices))

    def tick(self, now: float) -> Outcome:
        """Look again at the last readings: a pending rule may have held long enough, and
        quiet hours may have ended, though no refresh brought new numbers."""
        if self._last is None:
            return Outcome()
        readings, provisional = self._last
        return self.evaluate(now, readings, provisional=provisional)

    @property
    def waiting(self) -> bool:
        """Whether time alone can change something (a pending rule, an unannounced alert)."""
        with self._lock:
            return any(s.status == PENDING for s in self._states.values()) or any(
                a.active and not a.announced and a.acknowledged_at is None
                for a in self._alerts.values()
            )

    def acknowledge(self, alert_id: int, now: float) -> bool:
        """Mark the alert seen; an alert acknowledged in quiet hours is never announced."""
        with self._lock:
            alert = self._alerts.get(alert_id)
            if alert is None or alert.acknowledged_at is not None:
                return False
            self._alerts[alert_id] = replace(alert, acknowledged_at=now)
            return True

    def alerts(self) -> list[Alert]:
        """Active alerts first (critical, then newest), then past ones, newest first."""
        with self._lock:
            listed = list(self._alerts.values())
        return sorted(
            listed,
            key=lambda a: (not a.active, a.active and a.rule.severity != "critical", -a.fired_at),
        )

    def states(self) -> list[RuleState]:
        with self._lock:
            return [replace(state) for state in self._states.values()]

    def _look_quiet(self, state: RuleState, reading: Reading, now: float) -> bool:
        """A quiet or pending rule's look; True when it fires."""
        rule = state.rule
        if reading.value is None or not reading.judged or not rule.breaching(reading.value):
            state.status, state.since = QUIET, None
            return False
        if state.status != PENDING or state.since is None:
            state.status, state.since = PENDING, now
        return now - state.since >= rule.for_seconds

    def _fire(self, state: RuleState, reading: Reading, now: float) -> Alert:
        assert reading.value is not None
        alert = Alert(
            id=self._next_id,
            rule=state.rule,
            fired_at=now,
            value=reading.value,
            latest=reading.value,
            quiet=self.in_quiet_hours(state.rule, now),
        )
        self._next_id += 1
        self._alerts[alert.id] = alert
        state.status, state.since, state.alert_id = FIRING, now, alert.id
        past = [a for a in self._alerts.values() if not a.active]
        for old in sorted(past, key=lambda a: a.fired_at)[: max(0, len(past) - HISTORY)]:
            del self._alerts[old.id]
        return alert

    def _look_firing(self, state: RuleState, reading: Reading, now: float) -> Alert | None:
        """A firing rule's look; the cleared alert when the reading has recovered."""
        assert state.alert_id is not None
        alert = self._alerts[state.alert_id]
        if reading.value is None or not reading.judged:
            return None
        if not state.rule.recovered(reading.value):
            self._alerts[alert.id] = replace(alert, latest=reading.value)
            return None
        done = replace(alert, latest=reading.value, cleared_at=now, cleared_value=reading.value)
        self._alerts[alert.id] = done
        state.status, state.since, state.alert_id = QUIET, None, None
        return done

    def _announce(self, now: float) -> list[Notice]:
        """Active alerts not yet announced, outside their quiet hours and unacknowledged."""
        notices = []
        for alert in list(self._alerts.values()):
            if not alert.active or alert.announced or alert.acknowledged_at is not None:
                continue
            if not self.in_quiet_hours(alert.rule, now):
                announced = replace(alert, announced=True)
                self._alerts[alert.id] = announced
                notices.append(Notice("fired", announced))
        return notices

    def in_quiet_hours(self, rule: Rule, now: float) -> bool:
        """Whether `now` falls in the rule's quiet hours, read on the centre's clock."""
        if rule.quiet_hours is None:
            return False
        start, end = rule.quiet_hours
        local = datetime.fromtimestamp(now, self.zone)
        minute = local.hour * 60 + local.minute
        if start < end:
            return start <= minute < end
        return minute >= start or minute < end


@dataclass(frozen=True)
class RuleReport:
    """One rule as `cxtui report` shows it: evaluated once, on the report's numbers."""

    rule: Rule
    state: str
    reading: Reading

    def as_json(self) -> dict[str, Any]:
        rule, reading = self.rule, self.reading
        return {
            "rule": rule.name,
            "metric": rule.metric,
            "label": rule.figure.label,
            "scope": _scope(rule),
            "window": rule.window,
            "comparison": rule.comparison,
            "threshold": rule.threshold,
            "clear": rule.clear,
            "for_seconds": rule.for_seconds,
            "severity": rule.severity,
            "state": self.state,
            "value": reading.value,
            "n": reading.n,
            "minimum_n": reading.minimum,
            "judged": reading.judged,
        }


def evaluate_once(
    rules: Sequence[Rule], readings: Mapping[str, Reading], now: float
) -> list[RuleReport]:
    """Each rule's state after a single look: "firing" when a judged reading is past the
    line and the rule needs no `for`, "pending" when it does, "ok" otherwise, and
    "not_judged" when the reading has no value or too small a sample."""
    book = AlertBook(rules)
    book.evaluate(now, readings)
    reports = []
    for state in book.states():
        reading = readings.get(state.rule.name, Reading(None))
        status = state.status if reading.judged else "not_judged"
        reports.append(RuleReport(state.rule, status, reading))
    return reports


def _scope(rule: Rule) -> dict[str, str] | str:
    if rule.queue is None and rule.channel is None:
        return "overall"
    return {k: v for k, v in (("queue", rule.queue), ("channel", rule.channel)) if v is not None}


def _utc(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
