"""The agents to look at first, beside the dashboard's panes on a very wide terminal.

Shown only from WIDE_COLUMNS by TALL_LINES (below that the four panes need the room, and `A`
opens the whole table); read in a worker with each refresh while shown, never when hidden,
so a refresh on a normal terminal costs nothing more.
"""

from __future__ import annotations

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from cxtui.breakdown import Breakdown, BreakdownRow, breakdown
from cxtui.breakdown_report import breached, label
from cxtui.metrics import Window
from cxtui.report import duration
from cxtui.tui import formatting as fmt
from cxtui.tui.source import read

WIDE_COLUMNS = 240
"""With the pane's 48 columns, the four panes keep the 192 a 200-column terminal gives them
(their breakdowns and the tickets due next are laid out for that)."""
TALL_LINES = 40
SHOWN = 12
NAME_WIDTH = 16
FLAG_STYLES = {"watch": "$warning bold", "act": "$error bold"}
"""An agent's flag in colour, here and on the agents screen, beside its word."""


def first_to_look_at(rows: list[BreakdownRow]) -> list[BreakdownRow]:
    """Most tickets past a due time first, then most open."""
    return sorted(rows, key=lambda r: (-r.sla_breached_now, -r.open_now, r.value or ""))[:SHOWN]


class AgentsPane(Static):
    """Agents by SLA breached now, with their open tickets and median first reply."""

    DEFAULT_CSS = """
    AgentsPane {
        dock: right;
        width: 48;
        border: round $foreground 30%;
        border-title-color: $text;
        padding: 0 1;
        display: none;
    }
    """

    class Loaded(Message):
        def __init__(self, found: Breakdown | None, error: str | None) -> None:
            super().__init__()
            self.found = found
            self.error = error

    def on_mount(self) -> None:
        self.border_title = "Agents · A for all"

    def fits(self, columns: int, lines: int) -> bool:
        return columns >= WIDE_COLUMNS and lines >= TALL_LINES

    def load(self, window: Window) -> None:
        if self.display:
            self._read(window)

    @work(thread=True, group="agents-pane", exclusive=True, exit_on_error=False)
    def _read(self, window: Window) -> None:
        app = self.app
        engine, thresholds = app.engine, app.config.thresholds  # type: ignore[attr-defined]
        try:
            found = read(engine, lambda s: breakdown(s, window, "agent", thresholds))
        except Exception as exc:  # said in the pane rather than crashing the app
            self.post_message(self.Loaded(None, str(exc)))
            return
        self.post_message(self.Loaded(found, None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        if message.found is None:
            self.update(Content.assemble(("Cannot read: ", "$error"), fmt.data(message.error)))
            return
        head = Content.styled(
            f"{'agent':<{NAME_WIDTH}} {'open':>4} {'SLA late':>10} {'1st reply':>9}", "dim"
        )
        lines = [head]
        for row in first_to_look_at(message.found.rows):
            name = label("agent", row.value)
            if len(name) > NAME_WIDTH:
                name = name[: NAME_WIDTH - 1] + "…"
            lines.append(
                Content.assemble(
                    f"{name:<{NAME_WIDTH}} {row.open_now:>4} ",
                    (f"{breached(row):>10}", FLAG_STYLES.get(row.flag or "", "")),
                    f" {duration(row.first_response_median_seconds):>9}",
                )
            )
        if len(lines) == 1:
            lines.append(Content.styled("no agents in the window", "dim"))
        self.update(Content("\n").join(lines))
