"""Staffing now: the agents the live channels need, the agents seen, and what-if keys.

The interval's demand is read in a worker (cxtui.staffing_now); the what-if figures are
pure arithmetic (cxtui.staffing) and are worked out as the keys are pressed. A what-if
value the supervisor has set stays set when new data lands; `0` goes back to the data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from cxtui.metrics import Filters
from cxtui.staffing import Staffing
from cxtui.staffing_now import (
    MODEL_NAMES,
    StaffingNow,
    demand,
    missing_reason,
    staffing_goal,
    staffing_now,
    verdict,
)
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.source import read
from cxtui.tui.status_line import StatusLine

LABEL_WIDTH = 18
TARGET_STEP_SECONDS = 5
ARRIVALS_STEP = 0.1
"""`>` and `<` change the arrivals by a tenth of the interval's (at least one contact)."""


@dataclass(frozen=True)
class WhatIf:
    """The supervisor's own values; None follows the data."""

    agents: int | None = None
    arrivals: int | None = None
    target_seconds: int | None = None


def line(label: str, value: str | Content, style: str = "") -> Content:
    shown = value if isinstance(value, Content) else Content.styled(value, style)
    return Content.assemble((label.ljust(LABEL_WIDTH), "dim"), shown)


def difference_style(difference: int | None) -> str:
    if difference is None:
        return "dim"
    return "$error bold" if difference < 0 else "$success"


class StaffingScreen(DrillScreen):
    """The requirement for the last interval's live arrivals, and what-if figures."""

    help_name = "Staffing now"

    DEFAULT_CSS = """
    StaffingScreen #staffing-body { height: 1fr; padding: 0 1; }
    StaffingScreen #staffing-body > Static { margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # The body's last line lists these; the footer has no room for them at 80 columns.
        Binding("plus,equals_sign", "agents(1)", "One agent more", show=False),
        Binding("minus", "agents(-1)", "One agent fewer", show=False),
        Binding("right_square_bracket", "target(1)", "Target 5s longer", show=False),
        Binding("left_square_bracket", "target(-1)", "Target 5s shorter", show=False),
        Binding("greater_than_sign", "arrivals(1)", "Arrivals 10% more", show=False),
        Binding("less_than_sign", "arrivals(-1)", "Arrivals 10% fewer", show=False),
        Binding("0", "reset", "Back to the data"),
    ]

    class Loaded(Message):
        def __init__(self, now: StaffingNow | None, as_of: int, error: str | None) -> None:
            super().__init__()
            self.now = now
            self.as_of = as_of
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.now: StaffingNow | None = None
        self.as_of: int | None = None
        self.what: WhatIf = WhatIf()

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Staffing now", "bold"), classes="screen-title")
        with VerticalScroll(id="staffing-body"):
            yield Static("loading…", id="requirement")
            yield Static(id="what-if")
            yield Static(id="keys-hint")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#staffing-body").focus()

    def refresh_data(self) -> None:
        config = self.cx.config
        self.load(
            self.cx.as_of(),
            config.staffing_interval_seconds,
            self.cx.view.filters,
        )

    @work(thread=True, group="staffing", exclusive=True, exit_on_error=False)
    def load(self, as_of: int, interval_seconds: int, filters: Filters) -> None:
        config = self.cx.config
        try:
            found = read(
                self.cx.engine,
                lambda s: demand(s, as_of, interval_seconds, filters, config.live_channels),
            )
            now = staffing_now(found, staffing_goal(config))
        except Exception as exc:  # shown on screen rather than crashing the app
            self.post_message(self.Loaded(None, as_of, str(exc)))
            return
        self.post_message(self.Loaded(now, as_of, None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.error is not None:
            self.query_one("#requirement", Static).update(
                Content.assemble(
                    ("Cannot read the staffing figures: ", "$error"), fmt.data(message.error)
                )
            )
            return
        self.now, self.as_of = message.now, message.as_of
        self.draw()

    # --- what if ------------------------------------------------------------------------

    def action_agents(self, step: int) -> None:
        agents = self._agents()
        if agents is not None:
            self._set(replace(self.what, agents=max(0, agents + step)))

    def action_target(self, step: int) -> None:
        target = self._target()
        if target is not None:
            new = max(0, target + step * TARGET_STEP_SECONDS)
            self._set(replace(self.what, target_seconds=new))

    def action_arrivals(self, step: int) -> None:
        arrivals = self._arrivals()
        if arrivals is not None and self.now is not None:
            change = max(1, round(self.now.demand.arrivals * ARRIVALS_STEP))
            self._set(replace(self.what, arrivals=max(0, arrivals + step * change)))

    def action_reset(self) -> None:
        self._set(WhatIf())

    def _set(self, what: WhatIf) -> None:
        self.what = what
        self.draw()

    def _agents(self) -> int | None:
        if self.what.agents is not None:
            return self.what.agents
        return None if self.now is None else self.now.demand.agents_seen

    def _arrivals(self) -> int | None:
        if self.what.arrivals is not None:
            return self.what.arrivals
        return None if self.now is None else self.now.demand.arrivals

    def _target(self) -> int | None:
        if self.what.target_seconds is not None:
            return self.what.target_seconds
        return None if self.now is None else self.now.goal.target_seconds

    # --- drawing ------------------------------------------------------------------------

    def draw(self) -> None:
        now = self.now
        if now is None:
            return
        found, goal = now.demand, now.goal
        channels = ", ".join(fmt.data(name) for name in found.channels) or "none"
        self.query_one(".screen-title", Static).update(
            Content.assemble(
                ("Staffing now", "bold"),
                f" · {channels} · last {found.interval_seconds // 60} min",
            )
        )
        patience = (
            f"patience {fmt.duration(found.patience_seconds)} (Erlang A)"
            if now.model == "erlang_a"
            else "no hang-ups seen (Erlang C)"
        )
        lines = [
            line("Arrivals", f"{found.arrivals:,}"),
            line(
                "Mean handle time",
                f"{fmt.duration(found.handle_mean_seconds)} (n {found.handle_count:,})",
            ),
            line("Abandoned", f"{found.abandoned:,}, {patience}"),
        ]
        required = now.required
        if required is None:
            lines.append(line("Required", missing_reason(found), "dim"))
        else:
            lines += [
                line("Traffic", f"{required.traffic_erlangs:.2f} Erlangs"),
                line(
                    "Required",
                    Content.assemble(
                        (f"{required.agents:,} agents", "bold"),
                        f" for {fmt.percent(goal.service_level)} in {goal.target_seconds}s,"
                        f" ≤ {fmt.percent(goal.max_occupancy)} busy"
                        f" ({MODEL_NAMES[now.model or 'erlang_c']})",
                    ),
                ),
            ]
            if now.model == "erlang_a" and now.erlang_c is not None:
                lines.append(
                    line("Without hang-ups", f"{now.erlang_c.agents:,} agents (Erlang C)", "dim")
                )
            lines += [
                line(
                    "Scheduled",
                    f"{now.scheduled_agents:,} at {fmt.percent(goal.shrinkage)} shrinkage",
                ),
            ]
        lines.append(
            line(
                "Agents seen",
                Content.assemble(
                    f"{found.agents_seen:,}  ",
                    (verdict(now.difference), difference_style(now.difference)),
                ),
            )
        )
        self.query_one("#requirement", Static).update(Content("\n").join(lines))
        self.query_one("#what-if", Static).update(self._what_if_text(now))
        self.query_one("#keys-hint", Static).update(
            Content.styled(
                "+/- agents   ]/[ target ±5s   >/< arrivals ±10%   0 back to the data", "dim"
            )
        )

    def _what_if_text(self, now: StaffingNow) -> Content:
        agents, arrivals, target = self._agents(), self._arrivals(), self._target()
        if agents is None or arrivals is None or target is None:
            return Content("")
        try:
            figures = now.what_if(agents=agents, arrivals=arrivals, target_seconds=target)
        except ValueError as exc:  # an overload the model refuses: said, not a crash
            return Content.styled(f"No figures for {agents:,} agents: {exc}", "$error")
        changed = self.what != WhatIf()
        heading = Content.assemble(
            ("What if" if changed else "With the agents seen", "bold underline"),
            f": {agents:,} agents, {arrivals:,} arrivals, target {target}s",
        )
        if figures is None:
            return Content("\n").join([heading, Content.styled(missing_reason(now.demand), "dim")])
        return Content("\n").join([heading, *self._figures(figures, target)])

    def _figures(self, figures: Staffing, target: int) -> list[Content]:
        rows = [
            line("Service level", f"{fmt.percent(figures.service_level, 1)} in {target}s"),
            line("P(wait)", fmt.percent(figures.p_wait, 1)),
            line(
                "ASA",
                "no answer: the queue grows without end"
                if figures.asa_seconds is None
                else fmt.duration(figures.asa_seconds),
            ),
            line("Occupancy", fmt.percent(figures.occupancy, 1)),
        ]
        if figures.abandon_rate is not None:
            rows.append(line("Abandon rate", fmt.percent(figures.abandon_rate, 1)))
        return rows
