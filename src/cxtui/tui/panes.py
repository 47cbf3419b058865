"""The four dashboard panes: Queue, Response time, Resolution and Experience.

Each pane draws one slice of a Snapshot. It keeps the slice it last drew and returns early
when the new one is equal, so a refresh that changed nothing sends nothing to the terminal
(over SSH every byte counts). Colour follows the configured thresholds, and the grade is also
spelt out in words so it survives NO_COLOR and 16-colour terminals. Provisional figures (the
backlog still loading) get no grade at all: every grade goes through Pane.grading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Digits, Sparkline, Static

from cxtui.config import Thresholds
from cxtui.metrics import (
    Abandonment,
    Ces,
    Csat,
    FirstResponse,
    HandleTime,
    Nps,
    QueueSnapshot,
    Resolution,
    ServiceLevel,
)
from cxtui.queries import SurveyRow
from cxtui.tui import formatting as fmt
from cxtui.tui.source import Snapshot

GRADE_STYLE = {"ok": "$success", "warn": "$warning", "bad": "$error", "none": ""}
GRADE_WORD = {"ok": "", "warn": " (watch)", "bad": " (act)", "none": ""}
AGE_NAMES = {"lt_1h": "<1h", "1h_4h": "1-4h", "4h_24h": "4-24h", "1d_7d": "1-7d", "gt_7d": ">7d"}
SEPARATOR = " · "


def ungraded(_metric: str, _value: float | None) -> str:
    return "none"


def graded(text: str, grade: str) -> tuple[str, str]:
    return text, GRADE_STYLE[grade]


def line(*parts: str | tuple[str, str]) -> Content:
    """One line of plain pieces and (text, style) pieces; never parsed as markup."""
    return Content.assemble(*parts)


def breakdown(counts: dict[str, int], names: dict[str, str] | None = None) -> str:
    """A name -> count mapping as one line, in the given order: urgent 3 · high 10 · normal 20."""
    names = names or {}
    return SEPARATOR.join(
        f"{fmt.data(names.get(name, name).replace('_', ' '))} {n:,}" for name, n in counts.items()
    )


def trend(values: Iterable[float | None]) -> list[float]:
    """The days that have a value; a day with no data is left out rather than drawn as zero."""
    return [value for value in values if value is not None]


class Pane(Vertical, can_focus=True):
    """A focusable pane; Enter opens the list of tickets (or responses) behind its numbers."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open_list", "Open list")]

    title: ClassVar[str]
    number: ClassVar[int]
    list_kind: ClassVar[str]
    trend_label: ClassVar[str]

    class OpenList(Message):
        """The supervisor asked for the list behind a pane."""

        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    def __init__(self, thresholds: Thresholds, *, mask_pii: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.thresholds = thresholds
        self.mask_pii = mask_pii
        self.shown: object = None
        self.border_title = f"{self.number} {self.title}"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="headline"):
            yield Digits(fmt.MISSING, classes="big")
            yield Static(classes="caption")
        yield Static(classes="details")
        yield from self.compose_more()
        yield Sparkline([], classes="trend")
        yield Static(self.trend_label, classes="trend-label")

    def compose_more(self) -> ComposeResult:
        yield from ()

    def action_open_list(self) -> None:
        self.post_message(self.OpenList(self.list_kind))

    def show(self, snapshot: Snapshot) -> bool:
        """Draw the pane's slice of `snapshot`; returns False (drawing nothing) if unchanged."""
        return False

    def grading(self, snapshot: Snapshot) -> Callable[[str, float | None], str]:
        """The grade of a figure: by the thresholds, or none while the figures are provisional
        (they still move as the backlog loads, so red now may mean nothing)."""
        if snapshot.provisional:
            return ungraded
        return self.thresholds.grade

    def changed(self, part: object) -> bool:
        """Remember `part` and say whether it differs from what the pane shows now."""
        if part == self.shown:
            return False
        self.shown = part
        return True

    def set_headline(
        self, value: str, grade: str, caption: Sequence[Content], details: Sequence[Content]
    ) -> None:
        big = self.query_one(".big", Digits)
        big.update(value)
        big.set_classes(f"big -{grade}")
        self.query_one(".caption", Static).update(Content("\n").join(caption))
        self.query_one(".details", Static).update(Content("\n").join(details))

    def set_trend(self, values: list[float]) -> None:
        self.query_one(".trend", Sparkline).data = values


@dataclass
class _QueuePart:
    queue: QueueSnapshot
    arrivals: list[float]


@dataclass
class _ResponsePart:
    first_response: FirstResponse
    service_level: ServiceLevel
    abandonment: Abandonment
    clock: str
    trend: list[float]


@dataclass
class _ResolutionPart:
    resolution: Resolution
    handle_time: HandleTime
    clock: str
    trend: list[float]


def clock_note(clock: str) -> str:
    """Marks durations counted in business hours, so they are not read as calendar time."""
    return " (business hours)" if clock == "business" else ""


@dataclass
class _ExperiencePart:
    nps: Nps
    csat: Csat
    ces: Ces
    comments: list[SurveyRow]
    trend: list[float]


class QueuePane(Pane):
    title = "Queue"
    number = 1
    list_kind = "open"
    trend_label = "daily arrivals, 30 days"

    def show(self, snapshot: Snapshot) -> bool:
        # Every day is drawn, quiet ones too: no tickets arriving is news, not missing data.
        board = snapshot.board
        drawing = _QueuePart(board.queue, [float(p.created) for p in board.daily])
        if not self.changed(drawing):
            return False
        part = drawing.queue
        grade = self.grading(snapshot)
        breached = grade("sla_breached", part.sla_breached)
        oldest = grade("oldest_open", part.oldest_open_age_seconds)
        at_risk = "warn" if part.sla_at_risk and not snapshot.provisional else "none"
        self.set_headline(
            fmt.count(part.open),
            breached,
            [
                line("open tickets"),
                line(graded(f"{part.sla_breached:,} SLA breached{GRADE_WORD[breached]}", breached)),
                line(graded(f"{part.sla_at_risk:,} at risk (<1h)", at_risk)),
            ],
            [
                line(
                    graded(f"oldest {fmt.duration(part.oldest_open_age_seconds)}", oldest),
                    SEPARATOR,
                    f"no reply yet {part.awaiting_first_response:,}",
                ),
                # Oldest and most urgent first, so a narrow pane cuts off the mildest news.
                line("age ", breakdown(dict(reversed(part.age_buckets.items())), AGE_NAMES)),
                line(breakdown(dict(reversed(part.by_priority.items())))),
                line(breakdown(part.by_status)),
                line(breakdown(part.by_channel)),
                line(breakdown(part.by_queue)),
            ],
        )
        self.set_trend(drawing.arrivals)
        return True


class ResponsePane(Pane):
    title = "Response time"
    number = 2
    list_kind = "first_response"
    trend_label = "daily median first reply, 30 days"

    def show(self, snapshot: Snapshot) -> bool:
        board = snapshot.board
        part = _ResponsePart(
            board.first_response,
            board.service_level,
            board.abandonment,
            board.clock,
            trend(p.first_response_median_seconds for p in board.daily),
        )
        if not self.changed(part):
            return False
        grade = self.grading(snapshot)
        first = part.first_response
        median = grade("first_response_median", first.median_seconds)
        value, unit = fmt.headline_duration(first.median_seconds)
        level = grade("service_level", part.service_level.rate)
        abandoned = grade("abandonment_rate", part.abandonment.rate)
        self.set_headline(
            value,
            median,
            [
                line(graded(f"{unit} median first reply{GRADE_WORD[median]}", median)),
                line(f"mean {fmt.duration(first.mean_seconds)}"),
                line(f"p90 {fmt.duration(first.p90_seconds)} · n {first.count:,}"),
            ],
            [
                line(
                    graded(
                        f"service level {fmt.percent(part.service_level.rate)}"
                        f" in {part.service_level.target_seconds}s{GRADE_WORD[level]}",
                        level,
                    ),
                ),
                line(
                    graded(
                        f"abandoned {fmt.percent(part.abandonment.rate, 1)}"
                        f" ({part.abandonment.abandoned:,} of {part.abandonment.offered:,})"
                        f"{GRADE_WORD[abandoned]}",
                        abandoned,
                    )
                ),
            ],
        )
        self.border_title = f"{self.number} {self.title}{clock_note(part.clock)}"
        self.set_trend(part.trend)
        return True


class ResolutionPane(Pane):
    title = "Resolution"
    number = 3
    list_kind = "unresolved"
    trend_label = "daily resolution rate, 30 days"

    def show(self, snapshot: Snapshot) -> bool:
        board = snapshot.board
        part = _ResolutionPart(
            board.resolution,
            board.handle_time,
            board.clock,
            trend(p.resolution_rate for p in board.daily),
        )
        if not self.changed(part):
            return False
        res = part.resolution
        self.border_title = f"{self.number} {self.title}{clock_note(part.clock)}"
        value = fmt.MISSING if res.rate is None else f"{100 * res.rate:.0f}"
        self.set_headline(
            value,
            "none",
            [
                line("% resolved"),
                line(f"{res.resolved:,} of {res.created:,} created"),
                line(
                    f"median {fmt.duration(res.median_seconds)}"
                    f" · p90 {fmt.duration(res.p90_seconds)}"
                ),
            ],
            [
                line(
                    f"first contact {fmt.percent(res.fcr_rate)}",
                    SEPARATOR,
                    f"reopened {fmt.percent(res.reopen_rate)}",
                ),
                line(
                    f"solved in window {res.resolved_in_window:,}",
                    SEPARATOR,
                    f"flow {fmt.percent(res.flow_rate)}",
                ),
                line(
                    f"handle time {fmt.duration(part.handle_time.mean_seconds)} mean"
                    f" (n {part.handle_time.count:,})"
                ),
            ],
        )
        self.set_trend(part.trend)
        return True


class ExperiencePane(Pane):
    title = "Experience"
    number = 4
    list_kind = "surveys"
    trend_label = "daily NPS, 30 days"

    def compose_more(self) -> ComposeResult:
        yield Static(classes="comments")

    def show(self, snapshot: Snapshot) -> bool:
        board = snapshot.board
        part = _ExperiencePart(
            board.nps, board.csat, board.ces, snapshot.comments, trend(p.nps for p in board.daily)
        )
        if not self.changed(part):
            return False
        grade = self.grading(snapshot)
        nps = grade("nps", part.nps.score)
        csat = grade("csat", part.csat.score_pct)
        self.set_headline(
            fmt.nps(part.nps.score),
            nps,
            [
                line(graded(f"NPS{GRADE_WORD[nps]}", nps)),
                line(f"n {part.nps.responses:,} {fmt.margin(part.nps.margin_95)}"),
                line(f"CES {fmt.mean(part.ces.mean)}/7 n {part.ces.responses:,}"),
            ],
            [
                line(
                    graded(
                        f"CSAT {fmt.percent_points(part.csat.score_pct)}{GRADE_WORD[csat]}", csat
                    ),
                    f" n {part.csat.responses:,} {fmt.margin(part.csat.margin_95)}",
                ),
                line(
                    f"NPS {part.nps.promoters:,} promoters · {part.nps.passives:,} passives"
                    f" · {part.nps.detractors:,} detractors"
                ),
            ],
        )
        self.query_one(".comments", Static).update(
            Content("\n").join(comment_line(c, self.mask_pii) for c in part.comments)
            if part.comments
            else Content("no comments in this window")
        )
        self.set_trend(part.trend)
        return True


def comment_line(survey: SurveyRow, mask: bool) -> Content:
    """One comment: its score, coloured by how the customer felt, then the words as written."""
    band = fmt.BAND_ROLES.get(survey.category, "none")
    return line(
        graded(f"{survey.kind.upper():<4} {survey.score:>2}", band),
        " ",
        fmt.data(survey.comment, mask=mask),
    )
