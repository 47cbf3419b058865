"""The app's alerts: the rules looked at from the refresh worker, and what firing does on
screen (status line, pane, bell) and off it (the on_alert command, in a thread).

The figures for a rule's scope are read in the refresh worker, after the dashboard's own
(which serves any rule of the same scope and window), never on the event loop. Every few
seconds, while a rule is pending or an alert waits for its quiet hours to end, a worker
looks again at the last figures, so `for` and the end of quiet hours are noticed without
new data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from textual.content import Content
from textual.message import Message

from cxtui import store
from cxtui.alert_command import run_on_alert
from cxtui.alert_readings import readings
from cxtui.alert_rules import Rule
from cxtui.alerts import Alert, AlertBook, Outcome
from cxtui.config import Config
from cxtui.metrics import Window
from cxtui.tui import formatting as fmt
from cxtui.tui.panes import Pane
from cxtui.tui.source import Snapshot, View

if TYPE_CHECKING:
    from textual.app import App

TICK_SECONDS = 5.0
"""How often pending rules and quiet-hours alerts are looked at again without new data."""
SEVERITY_STYLE = {"critical": "$error bold", "warning": "$warning bold"}


class AlertsChanged(Message):
    """A look at the rules finished (the outcome may be empty: the figures still moved)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class OnAlertFinished(Message):
    """The on_alert run number `run` ended; `failure` says why it failed, None when it did
    not."""

    def __init__(self, run: int, failure: str | None) -> None:
        super().__init__()
        self.run = run
        self.failure = failure


@dataclass(frozen=True)
class Banner:
    """The status line's alert field, worded at three lengths (full to shortest)."""

    wordings: tuple[str, str, str]
    style: str


def figure_text(rule: Rule, value: float | None) -> str:
    """A figure in its unit, as the panes write it: 7, 72%, +12, 68%, 3.4, 1h 05m."""
    unit = rule.figure.unit
    if value is None:
        return fmt.MISSING
    if unit == "rate":
        return fmt.percent(value, 1 if abs(100 * value - round(100 * value)) > 1e-9 else 0)
    if unit == "seconds":
        return fmt.duration(value)
    if unit == "score":
        return fmt.nps(value)
    if unit == "percent":
        return fmt.percent_points(value)
    if unit == "mean":
        return fmt.mean(value)
    return f"{value:,.0f}"


def describe(alert: Alert, value: float | None = None) -> str:
    """ "Billing breaches: SLA breached 7 above 5" (the value when it fired, unless given)."""
    rule = alert.rule
    shown = alert.value if value is None else value
    return (
        f"{fmt.data(rule.name, max_len=32)}: {rule.figure.label} {figure_text(rule, shown)}"
        f" {rule.comparison} {figure_text(rule, rule.threshold)}"
    )


class AlertWatch:
    """The rule book of one app, and the failure of the last on_alert run."""

    def __init__(self, config: Config, zone: ZoneInfo) -> None:
        self.config = config
        self.book = AlertBook(config.alerts, zone)
        self.command_failure: str | None = None
        """Why an on_alert run failed; cleared only by a success of a run started after the
        failure came back (runs overlap: a success alongside must not hide it)."""
        self._runs = 0
        self._failed_run = 0
        self._looking = threading.Lock()
        self.read_failure: str | None = None
        """Why the last look could not read the figures; cleared by the next that can."""

    @property
    def failure(self) -> str | None:
        return self.read_failure or self.command_failure

    @property
    def active(self) -> bool:
        return bool(self.config.alerts)

    def look(
        self, engine: Engine, snapshot: Snapshot, window: Window, view: View, now: float
    ) -> Outcome:
        """Read each rule's figure and move the rules on (call from the refresh worker).

        Looks never overlap: the next refresh may start while this one reads, and its newer
        figures must not be overtaken by these older ones."""
        with self._looking:
            if snapshot.provisional:
                return self.book.evaluate(now, {}, provisional=True)
            known = {(view.filters, window.seconds): snapshot.board}
            try:
                with store.snapshot(engine) as session:
                    found = readings(session, self.config.alerts, window.as_of, self.config, known)
            except Exception as exc:  # shown like an on_alert failure; the next look retries
                self.read_failure = f"cannot read the alert figures: {exc}"
                return Outcome()
            self.read_failure = None
            return self.book.evaluate(now, found)

    def start(
        self, app: App[object], now: Callable[[], float], post: Callable[[Message], None]
    ) -> None:
        """Look again every TICK_SECONDS while time alone can change something."""

        def tick() -> None:
            if self.book.waiting:
                app.run_worker(
                    lambda: post(AlertsChanged(self.book.tick(now()))),
                    thread=True,
                    group="alerts",
                    exit_on_error=False,
                )

        app.set_interval(TICK_SECONDS, tick)

    def announce(self, app: App[object], outcome: Outcome, post: Callable[[Message], None]) -> None:
        """On the loop: ring the bell and start on_alert (in a thread) for each notice."""
        if any(notice.rings for notice in outcome.notices):
            app.bell()
        argv, timeout = self.config.on_alert, self.config.on_alert_timeout
        if not argv:
            return
        for notice in outcome.notices:
            self._runs += 1
            payload, run = notice.alert.as_json(notice.event), self._runs
            app.run_worker(
                lambda payload=payload, run=run: post(
                    OnAlertFinished(run, run_on_alert(argv, payload, timeout))
                ),
                thread=True,
                group="on_alert",
                exit_on_error=False,
            )

    def finished(self, run: int, failure: str | None) -> None:
        """On the loop: a failure stays shown until a run started after it was seen works."""
        if failure is not None:
            self.command_failure, self._failed_run = failure, self._runs
        elif run > self._failed_run:
            self.command_failure = None

    def firing(self) -> list[Alert]:
        """Active alerts, the most urgent first."""
        return [alert for alert in self.book.alerts() if alert.active]

    def banner(self) -> Banner | None:
        """What the status line says: the most urgent unacknowledged alert, else how many
        acknowledged ones still fire; and an on_alert failure."""
        firing = self.firing()
        waiting = [a for a in firing if a.acknowledged_at is None]
        failed = "on_alert failed" if self.command_failure else ""
        if waiting:
            first = waiting[0]
            more = f" (+{len(waiting) - 1} more)" if len(waiting) > 1 else ""
            word = first.rule.severity.upper()
            full = f"⚠ {word} {describe(first, first.latest)}{more} · ! alerts"
            count = f"⚠ {word}{f' +{len(waiting) - 1}' if len(waiting) > 1 else ''}"
            wordings = (
                f"{full}{' · ' + failed if failed else ''}",
                f"⚠ {word} {fmt.data(first.rule.name, max_len=24)}{more}",
                count,
            )
            return Banner(wordings, SEVERITY_STYLE[first.rule.severity])
        failure = self.failure
        if failure:
            short = failed or "alerts failed"
            full = f"⚠ {fmt.data(failure, max_len=60)}"
            return Banner((full, f"⚠ {short}", f"⚠ {short}"), "$error")
        if firing:
            n = len(firing)
            text = f"{n} alert{'s' if n > 1 else ''} acknowledged"
            return Banner((f"{text}, still firing", text, f"{n} ack"), "$text-muted")
        return None

    def pane_marks(self) -> dict[str, tuple[str, str]]:
        """Pane id -> (words, severity) of the most urgent alert on a figure that pane shows."""
        marks: dict[str, tuple[str, str]] = {}
        for alert in self.firing():
            pane = alert.rule.figure.pane
            if pane in marks:
                continue
            rule = alert.rule
            # Acknowledged: seen, so the words calm down; the colour still gives the severity.
            mark = "⚠ " + rule.severity if alert.acknowledged_at is None else "✓ ack"
            scope = " ".join(fmt.data(v, max_len=16) for v in (rule.queue, rule.channel) if v)
            text = (
                f"{mark}: {scope + ' ' if scope else ''}{rule.figure.label}"
                f" {figure_text(rule, alert.latest)}"
                f" {rule.comparison} {figure_text(rule, rule.threshold)}"
            )
            marks[pane] = (text, alert.rule.severity)
        return marks

    def mark(self, panes: list[Pane]) -> None:
        """Each pane's border says (and its colour shows) the alert on its figures, if any."""
        marks = self.pane_marks()
        for pane in panes:
            text, severity = marks.get(pane.id or "", ("", ""))
            pane.border_subtitle = Content(text) if text else None
            for level in SEVERITY_STYLE:
                pane.set_class(severity == level, f"-alert-{level}")
