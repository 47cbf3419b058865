"""The alerts screen: every alert raised this session, firing ones first, with when it fired,
the figure then, the line it crossed, its severity and whether it was acknowledged; `a`
acknowledges the selected one. Below the table, the selected alert in full and the rules
still pending. Nothing here reads the database: the app's AlertWatch holds it all.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from cxtui.alerts import PENDING, Alert
from cxtui.tui import formatting as fmt
from cxtui.tui.alerting import SEVERITY_STYLE, figure_text
from cxtui.tui.base import DrillScreen
from cxtui.tui.status_line import StatusLine

COLUMNS = ("Fired", "State", "Severity", "Alert", "Value", "Threshold", "Ack")
NAME_CELLS = 16
ROW_STYLE = {"critical": "bold red", "warning": "bold yellow"}


class AlertsScreen(DrillScreen):
    """Active and past alerts; `a` acknowledges the one selected."""

    help_name = "Alerts"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "Acknowledge"),
    ]

    DEFAULT_CSS = """
    AlertsScreen #alerts { height: 1fr; }
    AlertsScreen .detail { height: auto; max-height: 4; padding: 0 1; }
    AlertsScreen .failure { height: auto; padding: 0 1; color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[Alert] = []

    def compose(self) -> ComposeResult:
        yield Static(classes="screen-title")
        table: DataTable[Text] = DataTable(id="alerts", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield Static(classes="detail")
        yield Static(classes="failure")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.show_alerts()

    def refresh_data(self) -> None:
        self.show_alerts()

    def show_alerts(self) -> None:
        """Redraw from the app's alerts, keeping the selected alert selected."""
        watch = self.cx.alerting
        table: DataTable[Text] = self.query_one(DataTable)
        selected = self.selected()
        self.shown = watch.book.alerts()
        table.clear()
        for alert in self.shown:
            table.add_row(*self.cells(alert), key=str(alert.id))
        if selected is not None and any(a.id == selected.id for a in self.shown):
            table.move_cursor(row=table.get_row_index(str(selected.id)))
        firing = sum(1 for a in self.shown if a.active)
        past = len(self.shown) - firing
        title: list[str | tuple[str, str]] = [("Alerts", "bold")]
        if not watch.active:
            title.append(" · no [[alert]] rules in cxtui.toml (docs/config.md, Alerts)")
        else:
            rules = len(watch.book.rules)
            title.append(f" · {firing} firing · {past} past · {rules} rule{'s' * (rules != 1)}")
        self.query_one(".screen-title", Static).update(Content.assemble(*title))
        failure = watch.failure or ""
        self.query_one(".failure", Static).update(
            Content(f"⚠ {fmt.data(failure, max_len=200)}" if failure else "")
        )
        self.show_detail()

    def cells(self, alert: Alert) -> list[Text]:
        rule = alert.rule
        style = ROW_STYLE[rule.severity] if alert.active and not alert.acknowledged_at else ""
        ack = "no" if alert.acknowledged_at is None else self.when(alert.acknowledged_at)
        return [
            Text(self.when(alert.fired_at)),
            Text("FIRING" if alert.active else "cleared", style=style),
            Text(rule.severity, style=style),
            Text(fmt.data(rule.name, max_len=NAME_CELLS)),
            Text(figure_text(rule, alert.value)),
            Text(f"{rule.comparison} {figure_text(rule, rule.threshold)}"),
            Text(ack),
        ]

    def when(self, moment: float) -> str:
        """14:05 today (on the wall clock), 11-20 14:05 another day."""
        zone = self.cx.zone
        local = datetime.fromtimestamp(moment, zone)
        today = datetime.fromtimestamp(self.cx.now(), zone).date()
        return local.strftime("%H:%M" if local.date() == today else "%m-%d %H:%M")

    def selected(self) -> Alert | None:
        table: DataTable[Text] = self.query_one(DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The selected alert in words, then the rules pending now."""
        alert = self.selected()
        lines: list[Content] = []
        if alert is not None:
            lines.append(self.describe(alert))
        pending = [s for s in self.cx.alerting.book.states() if s.status == PENDING]
        for state in pending:
            since = "" if state.since is None else f" since {self.when(state.since)}"
            lines.append(
                Content(
                    f"pending: {fmt.data(state.rule.name, max_len=32)}{since},"
                    f" fires after {fmt.duration(state.rule.for_seconds)}"
                )
            )
        if not lines and not self.shown:
            lines.append(Content.styled("No alert has fired.", "$text-muted"))
        self.query_one(".detail", Static).update(Content("\n").join(lines))

    def describe(self, alert: Alert) -> Content:
        rule = alert.rule
        parts = [
            f"{fmt.data(rule.name, max_len=40)} ({fmt.data(rule.scope, max_len=40)}):",
            f" {rule.figure.label} {figure_text(rule, alert.value)}",
            f" at {self.when(alert.fired_at)},",
            f" {rule.comparison} {figure_text(rule, rule.threshold)},"
            f" clears at {figure_text(rule, rule.clear)}",
        ]
        if alert.active:
            parts.append(f"; now {figure_text(rule, alert.latest)}")
        else:
            assert alert.cleared_at is not None
            cleared = figure_text(rule, alert.cleared_value)
            parts.append(f"; cleared {self.when(alert.cleared_at)} at {cleared}")
        if alert.acknowledged_at is not None:
            parts.append(f"; acknowledged {self.when(alert.acknowledged_at)}")
        if alert.quiet:
            parts.append("; fired in quiet hours")
        severity = (rule.severity.upper() + " ", SEVERITY_STYLE[rule.severity])
        return Content.assemble(severity, *parts)

    def action_acknowledge(self) -> None:
        alert = self.selected()
        if alert is not None and self.cx.alerting.book.acknowledge(alert.id, self.cx.now()):
            self.cx.show_alerts()
