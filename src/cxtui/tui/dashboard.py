"""The dashboard screen: the four panes in a grid, the status line and the key hints."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import Footer

from cxtui.config import Config
from cxtui.metrics import Window
from cxtui.tui.agents_pane import AgentsPane
from cxtui.tui.base import CxScreen
from cxtui.tui.panes import ExperiencePane, Pane, QueuePane, ResolutionPane, ResponsePane
from cxtui.tui.source import Snapshot
from cxtui.tui.status_line import StatusLine


class DashboardScreen(CxScreen):
    """The screen the app opens on and every other screen returns to."""

    help_name = "Dashboard"

    # Under 40 lines the panes drop their extra lines; under 70 columns they stack; from 150
    # columns (and 40 lines) the queue lists the tickets due next beside its headline.
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (40, "-tall")]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-narrow"),
        (70, "-wide"),
        (150, "-spacious"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "focus_pane(0)", "Queue", show=False),
        Binding("2", "focus_pane(1)", "Response", show=False),
        Binding("3", "focus_pane(2)", "Resolution", show=False),
        Binding("4", "focus_pane(3)", "Experience", show=False),
        # Shown here only: on the other screens the footer has no room for it at 80 columns.
        Binding("x", "app.quarantine", "Quarantine"),
        # Offered only while the numbers are pinned (the app's check_action hides it when live).
        Binding("l,L", "app.go_live", "Live", key_display="L"),
    ]

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        thresholds, mask = self.config.thresholds, self.config.mask_pii
        with Grid(id="panes"):
            yield QueuePane(thresholds, mask_pii=mask, id="queue")
            yield ResponsePane(thresholds, mask_pii=mask, id="response")
            yield ResolutionPane(thresholds, mask_pii=mask, id="resolution")
            yield ExperiencePane(thresholds, mask_pii=mask, id="experience")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)
        # After the status line and the footer, so it docks beside the panes, above them.
        yield AgentsPane(id="agents-pane")

    @property
    def panes(self) -> list[Pane]:
        return list(self.query(Pane))

    def on_mount(self) -> None:
        self.panes[0].focus()
        if self.cx.snapshot is not None:
            self.show(self.cx.snapshot)

    def on_resize(self, event: events.Resize) -> None:
        agents = self.query_one(AgentsPane)
        shown = agents.fits(event.size.width, event.size.height)
        # Down to the status line and the footer, which run under it, full width.
        agents.styles.height = max(1, event.size.height - 2)
        if shown != agents.display:
            agents.display = shown
            if shown and self.cx.snapshot is not None:
                agents.load(self._window_of(self.cx.snapshot))

    @staticmethod
    def _window_of(snapshot: Snapshot) -> Window:
        return Window(snapshot.board.as_of, snapshot.board.window_seconds)

    def action_focus_pane(self, index: int) -> None:
        self.panes[index].focus()

    def show(self, snapshot: Snapshot) -> list[str]:
        """Redraw the panes whose numbers changed; returns the ids of those redrawn.

        Provisional figures are dimmed and ungraded; when they stop being provisional every
        pane is redrawn, since the same numbers now get their grades."""
        panes = self.query_one("#panes", Grid)
        if panes.has_class("-provisional") != snapshot.provisional:
            panes.set_class(snapshot.provisional, "-provisional")
            for pane in self.panes:
                pane.shown = None
        self.query_one(AgentsPane).load(self._window_of(snapshot))
        return [pane.id or "" for pane in self.panes if pane.show(snapshot)]
