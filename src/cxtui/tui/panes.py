"""The four dashboard panes: Queue, Response time, Resolution and Experience.

Each pane draws one slice of a Snapshot. It keeps the slice it last drew and returns early
when the new one is equal, so a refresh that changed nothing sends nothing to the terminal
(over SSH every byte counts). Colour follows the configured thresholds, and the grade is also
spelt out in words so it survives NO_COLOR and 16-colour terminals. A figure on fewer answers
or contacts than the configured minimum is dimmed and says "(low n)" instead of a grade, and
each headline shows its target and its change against the window before. Provisional figures
(the backlog still loading) get no grade at all: every grade goes through Pane.grading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Digits, Static

from cxtui.config import Thresholds
from cxtui.metrics import (
    Abandonment,
    Ces,
    Change,
    Csat,
    FirstResponse,
    HandleTime,
    Nps,
    QueueSnapshot,
    Resolution,
    ServiceLevel,
)
from cxtui.queries import SurveyRow, TicketRow
from cxtui.trends import Intraday, Series, daily
from cxtui.tui import fitted
from cxtui.tui import formatting as fmt
from cxtui.tui.charts import DailyChart, IntradayChart
from cxtui.tui.fitted import FittedLines, Wordings, wordings
from cxtui.tui.sla_text import due_cell
from cxtui.tui.source import Snapshot

GRADE_STYLE = {
    "ok": "$success",
    "warn": "$warning",
    "bad": "$error",
    "none": "",
    "low": "$text-muted",
}
GRADE_WORD = {"ok": "", "warn": " (watch)", "bad": " (act)", "none": "", "low": " (low n)"}
"""Grades in words; "low" is a figure on too few answers or contacts to judge (dimmed)."""
AGE_NAMES = {"lt_1h": "<1h", "1h_4h": "1-4h", "4h_24h": "4-24h", "1d_7d": "1-7d", "gt_7d": ">7d"}
AGE_SHORT = {"lt_1h": "<1h", "1h_4h": "1h+", "4h_24h": "4h+", "1d_7d": "1d+", "gt_7d": "7d+"}
"""Each age group by its lower bound: read left to right, oldest first, they still tile."""
SHORT_NAMES = {"urgent": "urg", "normal": "norm", "pending": "pend", "on_hold": "hold"}
SEPARATOR = " · "
Line = Content | Wordings
"""One line of a pane: a Content, or its wordings longest first (see fitted.py)."""


def ungraded(_metric: str, _value: float | None, _n: int | None = None) -> str:
    return "none"


def graded(text: str, grade: str) -> tuple[str, str]:
    return text, GRADE_STYLE[grade]


def line(*parts: str | tuple[str, str]) -> Content:
    """One line of plain pieces and (text, style) pieces; never parsed as markup."""
    return Content.assemble(*parts)


class Pane(Vertical, can_focus=True):
    """A focusable pane; Enter opens the list of tickets (or responses) behind its numbers."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open_list", "Open list")]

    title: ClassVar[str]
    number: ClassVar[int]
    list_kind: ClassVar[str]
    trend_label: ClassVar[str]
    trend_short: ClassVar[str]
    """The trend's label where a pane is narrow (80 columns)."""
    trend_zero_based: ClassVar[bool] = True
    """Bars from 0 (counts, rates, durations); False draws from the lowest day (NPS)."""

    class OpenList(Message):
        """The supervisor asked for the list behind a pane, in `sort` order ("" for default)."""

        def __init__(self, kind: str, sort: str = "") -> None:
            super().__init__()
            self.kind = kind
            self.sort = sort

    def __init__(self, thresholds: Thresholds, *, mask_pii: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.thresholds = thresholds
        self.mask_pii = mask_pii
        self.shown: object = None
        self.border_title = f"{self.number} {self.title}"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="headline"):
            yield Digits(fmt.MISSING, classes="big")
            yield FittedLines(classes="caption")
            yield from self.compose_beside_headline()
        yield FittedLines(classes="details")
        yield from self.compose_more()
        yield from self.compose_trend()

    def compose_trend(self) -> ComposeResult:
        yield self.daily_chart()

    def daily_chart(self) -> DailyChart:
        return DailyChart(
            self.trend_label,
            self.trend_value,
            zero_based=self.trend_zero_based,
            short_label=self.trend_short,
            classes="trend",
        )

    @staticmethod
    def trend_value(value: float) -> str:
        """A day's value as the chart's scale labels show it."""
        return f"{value:,.0f}"

    def compose_more(self) -> ComposeResult:
        yield from ()

    def compose_beside_headline(self) -> ComposeResult:
        yield from ()

    def action_open_list(self) -> None:
        self.post_message(self.OpenList(self.list_kind))

    def show(self, snapshot: Snapshot) -> bool:
        """Draw the pane's slice of `snapshot`; returns False (drawing nothing) if unchanged."""
        return False

    def grading(self, snapshot: Snapshot) -> Callable[[str, float | None, int | None], str]:
        """The one place a pane grades a figure: by the configured thresholds, "low" (no
        grade) below the minimum sample, and no grade at all while the figures are
        provisional (they still move as the backlog loads, so red now may mean nothing)."""
        if snapshot.provisional:
            return ungraded
        return self.thresholds.grade

    def target(self, metric: str, show: Callable[[float], str]) -> str:
        """ "target 80%": the metric's amber line, written by `show` in the figure's unit."""
        return f"target {show(self.thresholds.target(metric))}"

    def survey_change(
        self, change: Change | None, n_now: int, n_before: int, metric: str
    ) -> tuple[str, ...]:
        """The change of NPS or CSAT, and whether it is more than chance: "▲6 no significant
        change" (or, with less room, "▲6 not significant"). Below the minimum sample on either
        side it is not judged ("low n")."""
        if change is None or change.difference is None:
            return (fmt.change(None, ""),)
        shown = fmt.change(change.difference, f"{abs(change.difference):.0f}")
        if min(n_now, n_before) < self.thresholds.minimum(metric):
            return (f"{shown} (low n)",)
        if change.significant:
            return (f"{shown} significant",)
        return (f"{shown} no significant change", f"{shown} not significant")

    def changed(self, part: object) -> bool:
        """Remember `part` and say whether it differs from what the pane shows now."""
        if part == self.shown:
            return False
        self.shown = part
        return True

    def set_headline(
        self, value: str, grade: str, caption: Sequence[Line], details: Sequence[Line]
    ) -> None:
        big = self.query_one(".big", Digits)
        big.update(value)
        big.set_classes(f"big -{grade}")
        self.query_one(".caption", FittedLines).show(caption)
        self.query_one(".details", FittedLines).show(details)

    def set_trend(self, series: Series) -> None:
        self.query_one(".trend", DailyChart).series = series


@dataclass
class _QueuePart:
    queue: QueueSnapshot
    arrivals: Series
    today: Intraday | None
    next_due: list[TicketRow]
    as_of: int


@dataclass
class _ResponsePart:
    first_response: FirstResponse
    service_level: ServiceLevel
    abandonment: Abandonment
    clock: str
    trend: Series
    replies_before_created: int = 0
    live: FirstResponse | None = None
    other: FirstResponse | None = None
    changes: dict[str, Change] | None = None


@dataclass
class _ResolutionPart:
    resolution: Resolution
    handle_time: HandleTime
    clock: str
    trend: Series
    resolved_before_created: int = 0

    changes: dict[str, Change] | None = None


def indented(*parts: str | tuple[str, str]) -> Wordings:
    """A line that follows on from the one above, indented when there is room for it."""
    return wordings(line("  ", *parts), line(*parts))


def left_out(count: int, one: str, many: str) -> list[Content]:
    """A line owning up to impossible times the figures leave out; none when there are none."""
    if not count:
        return []
    what = one if count == 1 else many
    # "left out" first: a narrow pane cuts the end of the line.
    return [line((f"left out: {count:,} {what} before created", "$warning"))]


def clock_note(clock: str) -> str:
    """Marks durations counted in business hours, so they are not read as calendar time."""
    return " (business hours)" if clock == "business" else ""


@dataclass
class _ExperiencePart:
    nps: Nps
    csat: Csat
    ces: Ces
    comments: list[SurveyRow]
    trend: Series
    changes: dict[str, Change] | None = None
    before: tuple[int, int] = (0, 0)
    """NPS and CSAT answers in the window before, to judge the change on enough of them."""
    segment: tuple[str, str] | None = None


class QueuePane(Pane):
    title = "Queue"
    number = 1
    list_kind = "open"
    trend_label = "arrivals per day, 30 days"
    trend_short = "arrivals/day, 30d"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "open_at_risk", "At risk"),
        Binding("h", "toggle_hourly", "Today by hour", show=False),
    ]

    def compose_beside_headline(self) -> ComposeResult:
        # Shown where the terminal is wide and tall (app.tcss): the tickets to act on next.
        yield Static(classes="next-due")

    def compose_trend(self) -> ComposeResult:
        # Side by side when tall: the daily chart and today hour by hour share the space.
        with Horizontal(classes="charts"):
            yield self.daily_chart()
            yield IntradayChart(classes="intraday")

    def action_toggle_hourly(self) -> None:
        """Today hour by hour in place of the breakdowns and the daily chart (a short pane has
        no room for all three)."""
        self.toggle_class("-hourly")

    def action_open_at_risk(self) -> None:
        """The open tickets by next SLA breach: the overdue, then the at-risk, lead."""
        self.post_message(self.OpenList(self.list_kind, sort="sla"))

    def show(self, snapshot: Snapshot) -> bool:
        # Every day is drawn, quiet ones too: no tickets arriving is news, not missing data.
        board = snapshot.board
        drawing = _QueuePart(
            board.queue,
            daily(board.daily, lambda p: p.created),
            snapshot.intraday,
            snapshot.next_due,
            board.as_of,
        )
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
                # The grade word stays; the noun gives way first.
                wordings(
                    *(
                        line(
                            graded(f"{part.sla_breached:,} {noun}{GRADE_WORD[breached]}", breached)
                        )
                        for noun in ("SLA breached", "breached")
                    )
                ),
                wordings(
                    *(
                        line(graded(f"{part.sla_at_risk:,} {words}", at_risk))
                        for words in ("at risk (<1h)", "at risk")
                    )
                ),
            ],
            [
                line(
                    graded(f"oldest {fmt.duration(part.oldest_open_age_seconds)}", oldest),
                    SEPARATOR,
                    f"no reply yet {part.awaiting_first_response:,}",
                ),
                # Oldest and most urgent first: a narrow pane leaves out the mildest news.
                fitted.breakdown(
                    dict(reversed(part.age_buckets.items())), AGE_NAMES, AGE_SHORT, prefix="age "
                ),
                fitted.breakdown(dict(reversed(part.by_priority.items())), short=SHORT_NAMES),
                # In the past, tickets whose status then the history lacks are said, not
                # counted (docs/metrics.md, status_not_recorded).
                fitted.breakdown(
                    {**part.by_status, "not_recorded": part.status_not_recorded}
                    if part.status_not_recorded
                    else part.by_status,
                    short=SHORT_NAMES,
                ),
                fitted.breakdown(part.by_channel, drop_smallest=True),
                fitted.breakdown(part.by_queue, drop_smallest=True),
            ],
        )
        self.set_trend(drawing.arrivals)
        self.query_one(".intraday", IntradayChart).day = drawing.today
        self.query_one(".next-due", Static).update(
            next_due_lines(drawing.next_due, drawing.as_of, self.mask_pii)
        )
        return True


ROLE_STYLE = {"bad": GRADE_STYLE["bad"], "warn": GRADE_STYLE["warn"]}
DUE_WIDTH = len("overdue 10d 23h")


def next_due_lines(tickets: Sequence[TicketRow], as_of: int, mask: bool) -> Content:
    """The open tickets by next SLA breach: id, when due ("in 12m", "overdue 2h 10m"), subject.
    The subject is last, so a narrow pane cuts only the subject."""
    heading = line(("next SLA due", "bold"), (" · r lists them all", "$text-muted"))
    if not tickets:
        return Content("\n").join([heading, line(("no open ticket has a due time", "dim"))])
    width = max(len(fmt.data(t.id)) for t in tickets)
    rows = []
    for ticket in tickets:
        due, role = due_cell(ticket.sla, as_of)
        rows.append(
            line(
                (f"{fmt.data(ticket.id):<{width}}", "bold"),
                "  ",
                (f"{due:<{DUE_WIDTH}}", ROLE_STYLE.get(role, "")),
                "  ",
                fmt.data(ticket.subject, mask=mask),
            )
        )
    return Content("\n").join([heading, *rows])


class ResponsePane(Pane):
    title = "Response time"
    number = 2
    list_kind = "first_response"
    trend_label = "median first reply per day, 30 days"
    trend_short = "median/day, 30d"

    @staticmethod
    def trend_value(value: float) -> str:
        return fmt.duration(value)

    def show(self, snapshot: Snapshot) -> bool:
        board = snapshot.board
        part = _ResponsePart(
            board.first_response,
            board.service_level,
            board.abandonment,
            board.clock,
            daily(board.daily, lambda p: p.first_response_median_seconds),
            board.data_quality.first_response_before_created,
            board.first_response_live,
            board.first_response_async,
            board.changes,
        )
        if not self.changed(part):
            return False
        grade = self.grading(snapshot)
        first, level, gave_up = part.first_response, part.service_level, part.abandonment
        changes = part.changes or {}
        median = grade("first_response_median", first.median_seconds, first.count)
        value, unit = fmt.headline_duration(first.median_seconds)
        sl = grade("service_level", level.rate, level.offered)
        abandoned = grade("abandonment_rate", gave_up.rate, gave_up.offered)
        channels = ", ".join(fmt.data(name) for name in level.channels) or "no channel"
        median_change = changes.get("first_response_median_seconds")
        self.set_headline(
            value,
            median,
            [
                # "median reply", not "median first reply": the grade word must fit at 80 columns.
                wordings(
                    *(
                        line(graded(f"{unit} {words}{GRADE_WORD[median]}", median))
                        for words in ("median reply", "median")
                    )
                ),
                line(
                    self.target("first_response_median", fmt.duration),
                    SEPARATOR,
                    _change(median_change, fmt.duration),
                ),
                line(
                    f"live {_median(part.live)} · async {_median(part.other)}",
                ),
            ],
            [
                # Before service level: when the figures leave times out, that matters more
                # at 80x24 than the abandonment target line it pushes below the fold.
                *left_out(part.replies_before_created, "reply", "replies"),
                # Many live channels: "live" stands for their names (docs/metrics.md lists them).
                wordings(
                    *(
                        line(
                            graded(
                                f"SL {which} {fmt.percent(level.rate)}"
                                f" in {level.target_seconds}s{GRADE_WORD[sl]}",
                                sl,
                            ),
                        )
                        for which in (f"({channels})", "live")
                    )
                ),
                indented(
                    self.target("service_level", fmt.percent),
                    SEPARATOR,
                    _change(changes.get("service_level_rate"), fmt.points),
                    SEPARATOR,
                    f"n {level.offered:,}",
                ),
                wordings(
                    *(
                        line(graded(f"abandoned {fmt.percent(gave_up.rate, 1)}{counts}", abandoned))
                        for counts in (
                            f" ({gave_up.abandoned:,}/{gave_up.offered:,}){GRADE_WORD[abandoned]}",
                            GRADE_WORD[abandoned],
                        )
                    )
                ),
                indented(
                    self.target("abandonment_rate", fmt.percent),
                    SEPARATOR,
                    _change(changes.get("abandonment_rate"), lambda d: fmt.points(d, 1)),
                ),
                # Lines from here show when the pane is tall enough.
                line(
                    f"p90 {fmt.duration(first.p90_seconds)} · mean"
                    f" {fmt.duration(first.mean_seconds)} · n {first.count:,}"
                ),
                line(f"live p90 {_p90(part.live)} · async p90 {_p90(part.other)}"),
                line(
                    f"SL {fmt.interval(level.interval_95, 100, '%')}"
                    f" · abandoned {fmt.interval(gave_up.interval_95, 100, '%')}"
                ),
            ],
        )
        self.border_title = f"{self.number} {self.title}{clock_note(part.clock)}"
        self.set_trend(part.trend)
        return True


def _median(group: FirstResponse | None) -> str:
    return fmt.duration(None if group is None else group.median_seconds)


def _p90(group: FirstResponse | None) -> str:
    return fmt.duration(None if group is None else group.p90_seconds)


def _change(change: Change | None, size: Callable[[float], str]) -> str:
    """The change against the window before, in the figure's unit: "▲3 pts", "▼4h 55m"."""
    difference = None if change is None else change.difference
    return fmt.change(difference, "" if difference is None else size(abs(difference)))


class ResolutionPane(Pane):
    title = "Resolution"
    number = 3
    list_kind = "unresolved"
    trend_label = "resolution rate per day, 30 days"
    trend_short = "resolution/day, 30d"

    @staticmethod
    def trend_value(value: float) -> str:
        return fmt.percent(value)

    def show(self, snapshot: Snapshot) -> bool:
        board = snapshot.board
        part = _ResolutionPart(
            board.resolution,
            board.handle_time,
            board.clock,
            daily(board.daily, lambda p: p.resolution_rate),
            board.data_quality.resolved_before_created,
            board.changes,
        )
        if not self.changed(part):
            return False
        res = part.resolution
        self.border_title = f"{self.number} {self.title}{clock_note(part.clock)}"
        value = fmt.MISSING if res.rate is None else f"{100 * res.rate:.0f}"
        rate_change = (part.changes or {}).get("resolution_rate")
        self.set_headline(
            value,
            "none",
            [
                line("% resolved", SEPARATOR, _change(rate_change, fmt.points)),
                line(f"{res.resolved:,} of {res.created:,} created"),
                wordings(
                    f"median {fmt.duration(res.median_seconds)}"
                    f" · p90 {fmt.duration(res.p90_seconds)}",
                    f"med {fmt.duration(res.median_seconds)} p90 {fmt.duration(res.p90_seconds)}",
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
                *left_out(part.resolved_before_created, "resolved", "resolved"),
            ],
        )
        self.set_trend(part.trend)
        return True


class ExperiencePane(Pane):
    title = "Experience"
    number = 4
    list_kind = "surveys"
    trend_label = "NPS per day, 30 days"
    trend_short = "NPS/day, 30d"
    trend_zero_based = False

    @staticmethod
    def trend_value(value: float) -> str:
        return fmt.nps(value)

    def compose_more(self) -> ComposeResult:
        yield Static(classes="comments")

    def show(self, snapshot: Snapshot) -> bool:
        board = snapshot.board
        before = board.previous
        part = _ExperiencePart(
            board.nps,
            board.csat,
            board.ces,
            snapshot.comments,
            daily(board.daily, lambda p: p.nps),
            board.changes,
            (0, 0) if before is None else (before.nps.responses, before.csat.responses),
            snapshot.segment,
        )
        if not self.changed(part):
            return False
        self.border_title = segment_title(
            f"{self.number} {self.title}", part.segment, self.mask_pii
        )
        grade = self.grading(snapshot)
        changes = part.changes or {}
        score, satisfied = part.nps, part.csat
        nps = grade("nps", score.score, score.responses)
        csat = grade("csat", satisfied.score_pct, satisfied.responses)
        shown_interval = fmt.interval(satisfied.interval_95, unit="%")
        interval = (SEPARATOR, shown_interval) if shown_interval else ()
        csat_change = self.survey_change(
            changes.get("csat_score_pct"), satisfied.responses, part.before[1], "csat"
        )
        self.set_headline(
            fmt.nps(score.score),
            nps,
            [
                wordings(
                    line(
                        graded(f"NPS{GRADE_WORD[nps]}", nps),
                        SEPARATOR,
                        self.target("nps", fmt.nps),
                    ),
                    line(graded(f"NPS{GRADE_WORD[nps]}", nps)),
                ),
                wordings(
                    f"n {score.responses:,} {fmt.interval(score.interval_95, signed=True)}",
                    f"n {score.responses:,}",
                ),
                wordings(
                    *self.survey_change(
                        changes.get("nps_score"), score.responses, part.before[0], "nps"
                    )
                ),
            ],
            [
                wordings(
                    *(
                        line(
                            graded(
                                f"CSAT {fmt.percent_points(satisfied.score_pct)}{GRADE_WORD[csat]}",
                                csat,
                            ),
                            f" n {satisfied.responses:,}",
                            *target,
                        )
                        for target in (
                            (SEPARATOR, self.target("csat", fmt.percent_points)),
                            (),
                        )
                    )
                ),
                # The interval gives way before the change.
                wordings(
                    *(line("  ", change, *interval) for change in csat_change),
                    *(line("  ", change) for change in csat_change),
                ),
                line(f"CES {fmt.mean(part.ces.mean)}/7 n {part.ces.responses:,}"),
                wordings(
                    f"NPS {score.promoters:,} promoters · {score.passives:,} passives"
                    f" · {score.detractors:,} detractors",
                    f"NPS {score.promoters:,} pro {score.passives:,} pass"
                    f" {score.detractors:,} detr",
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


def segment_title(title: str, segment: tuple[str, str] | None, mask: bool) -> str | Content:
    """The Experience pane's title, naming the segment its figures are narrowed to (a
    Content: a segment value is data, never markup)."""
    if segment is None:
        return title
    name, value = (fmt.data(part, mask=mask, max_len=16) for part in segment)
    return Content(f"{title} · {name} = {value} only")


def comment_line(survey: SurveyRow, mask: bool) -> Content:
    """One comment: its score, coloured by how the customer felt, then the words as written."""
    band = fmt.BAND_ROLES.get(survey.category, "none")
    return line(
        graded(f"{survey.kind.upper():<4} {survey.score:>2}", band),
        " ",
        fmt.data(survey.comment, mask=mask),
    )
