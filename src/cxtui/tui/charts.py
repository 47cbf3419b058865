"""Charts drawn with block characters: the daily trends and today hour by hour.

Made here rather than taken from a plotting library because what matters is small and
specific: a slot per day on every pane, a missing day drawn as a gap (a dim dot on the
baseline) rather than a zero, days beyond the axis marked as off the scale, and something
useful at both one line and twenty. The series and the axis come from cxtui.trends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from cxtui.trends import Axis, Intraday, Series, axis

EIGHTHS = " ▁▂▃▄▅▆▇█"
GAP = "·"
ABOVE, BELOW = "↑", "↓"
BAR_STYLE = "$accent"
MARK_STYLE = "$warning bold"
MUTED = "$text-muted"
TALL_FROM = 5
TOTALS = "totals so far at this time of day"
"""Rows from which a daily chart gets a value axis and dates instead of one line of bars."""


def short_day(day: str) -> str:
    """2024-05-01 as 05-01: the year is the same across a 30-day chart's labels."""
    return day[5:]


def column_cells(value: float | None, scale: Axis | None, rows: int) -> list[tuple[str, str]]:
    """One day's column, bottom row first, as (character, style) per row."""
    if value is None or scale is None:
        return [(GAP, MUTED)] + [(" ", "")] * (rows - 1)
    side = scale.clipped(value)
    span = scale.high - scale.low
    share = 1.0 if side > 0 else 0.0 if side < 0 else (value - scale.low) / span if span else 0.5
    eighths = max(1, round(share * rows * 8))
    cells = []
    for row in range(rows):
        filled = min(8, max(0, eighths - 8 * row))
        cells.append((EIGHTHS[filled], BAR_STYLE))
    if side > 0:
        cells[-1] = (ABOVE, MARK_STYLE)
    elif side < 0:
        cells[0] = (BELOW, MARK_STYLE)
    return cells


def plot_rows(
    values: Sequence[float | None], scale: Axis | None, rows: int, width: int
) -> list[Content]:
    """The bars of `values`, each slot `width` cells wide (a one-cell space between slots when
    there is room for it), top row first."""
    bar = width - 1 if width >= 3 else width
    columns = [column_cells(v, scale, rows) for v in values]
    lines = []
    for row in reversed(range(rows)):
        parts: list[tuple[str, str]] = []
        for cells in columns:
            char, style = cells[row]
            parts.append((char * bar, style))
            parts.append((" " * (width - bar), ""))
        lines.append(Content.assemble(*parts))
    return lines


class DailyChart(Widget):
    """A daily trend: one line of bars in a short pane, a chart with axes and dates in a tall one.

    The label line gives the true lowest and highest day, so the scale is never a guess.
    """

    DEFAULT_CSS = """
    DailyChart { height: 2; }
    """

    series: reactive[Series | None] = reactive(None, layout=False)

    def __init__(
        self,
        label: str,
        value_text: Callable[[float], str],
        *,
        zero_based: bool,
        short_label: str = "",
        classes: str = "",
    ) -> None:
        super().__init__(classes=classes)
        self.label = label
        self.short_label = short_label or label
        self.value_text = value_text
        self.zero_based = zero_based

    def render(self) -> Content:
        series = self.series
        width, height = self.content_size
        if series is None or width < 8 or height < 1:
            return Content(self.label)
        days = len(series.days)
        scale = axis(series.present, zero_based=self.zero_based)
        if height >= TALL_FROM and width >= self.gutter(scale) + 1 + days:
            return Content("\n").join(self.tall(series, scale, width, height))
        shown = series if width >= days else _last(series, width)
        lines = plot_rows(shown.values, scale, 1, 1)
        if width - len(shown.days) >= 6 and shown.days:
            lines = [Content.assemble(lines[0], (f" {short_day(shown.days[-1])}", MUTED))]
        if height >= 2:
            lines.append(self.caption(series, width))
        return Content("\n").join(lines)

    def caption(self, series: Series, width: int) -> Content:
        """The lowest and highest day and what is drawn, in the longest wording that fits."""
        low, high = series.low, series.high
        labels = (self.label, self.short_label)
        if low is None or high is None:
            choices = [f"no data · {label}" for label in labels]
        else:
            low_text, high_text = self.value_text(low), self.value_text(high)
            choices = [f"min {low_text} max {high_text} · {label}" for label in labels]
            choices.append(f"{low_text} to {high_text} · {self.short_label}")
        return Content.styled(fit_text(width, *choices), MUTED)

    def scale_labels(self, scale: Axis | None) -> tuple[str, str]:
        if scale is None:
            return "", ""
        return self.value_text(scale.high), self.value_text(scale.low)

    def gutter(self, scale: Axis | None) -> int:
        """Columns left of the plot: the longer scale label and a space."""
        return max(len(label) for label in self.scale_labels(scale)) + 1

    def tall(self, series: Series, scale: Axis | None, width: int, height: int) -> list[Content]:
        top, bottom = self.scale_labels(scale)
        gutter = self.gutter(scale)
        days = len(series.days)
        slot = max(1, (width - gutter - 1) // days)
        rows = height - 3
        bars = plot_rows(series.values, scale, rows, slot)
        lines = []
        for index, bar in enumerate(bars):
            label = top if index == 0 else bottom if index == rows - 1 else ""
            tick = "┤" if label else "│"
            lines.append(Content.assemble((f"{label:>{gutter - 1}} {tick}", MUTED), bar))
        plot_width = slot * days
        lines.append(Content.styled(" " * gutter + "└" + "─" * plot_width, MUTED))
        lines.append(Content.styled(" " * (gutter + 1) + dates(series.days, slot), MUTED))
        lines.append(self.caption(series, width))
        return lines


def _last(series: Series, count: int) -> Series:
    return Series(days=series.days[-count:], values=series.values[-count:])


def dates(days: Sequence[str], slot: int) -> str:
    """Dates under the first, middle and last slot, as many as fit without touching."""
    width = slot * len(days)
    line = [" "] * width
    wanted = [0, len(days) - 1, (len(days) - 1) // 2]
    for index in wanted:
        text = short_day(days[index])
        start = min(max(0, index * slot), width - len(text))
        if start < 0 or any(c != " " for c in line[max(0, start - 1) : start + len(text) + 1]):
            continue
        line[start : start + len(text)] = text
    return "".join(line)


class IntradayChart(Widget):
    """Arrivals and solved per hour today, each over the same weekday last week.

    Both lines of a measure share one scale, so heights compare; hours still to come are left
    blank, not drawn as zero.
    """

    DEFAULT_CSS = """
    IntradayChart { height: 6; }
    """

    day: reactive[Intraday | None] = reactive(None, layout=False)

    def render(self) -> Content:
        day = self.day
        width = self.content_size.width
        if day is None:
            return Content.styled("today by the hour: loading…", MUTED)
        weekday = date.fromisoformat(day.last_week_day).strftime("%a")
        rows = (
            ("arrivals", f"in {day.so_far[0]:,}", day.arrivals),
            ("", f"wk ago {day.so_far_last_week[0]:,}", day.arrivals_last_week),
            ("solved", f"out {day.so_far[1]:,}", day.solved),
            ("", f"wk ago {day.so_far_last_week[1]:,}", day.solved_last_week),
        )
        label_width = max(len(label) for _, label, _ in rows) + 1
        slot = max(1, min(3, (width - label_width - 12) // max(1, len(day.hours))))
        bar_rows = max(1, (self.content_size.height - 2) // len(rows))
        title = f"today vs last {weekday} {short_day(day.last_week_day)}, per hour"
        lines = [
            Content.styled(
                fit_text(width, f"{title} · {TOTALS}", f"{title} · totals so far", title), MUTED
            )
        ]
        for pair in (rows[:2], rows[2:]):
            values = [n for _, _, counts in pair for n in counts if n is not None]
            high = max([*values, 0])
            scale = Axis(0, max(high, 1))
            for name, label, counts in pair:
                bars = plot_rows(list(counts), scale, bar_rows, slot)
                room = width - label_width - slot * len(counts)
                note = f" max {high:,}/h {name}" if name else ""
                note = note if len(note) <= room else ""
                for index, bar in enumerate(bars):
                    last = index == len(bars) - 1
                    lines.append(
                        Content.assemble(
                            (f"{label if last else '':>{label_width - 1}} ", MUTED),
                            bar,
                            (note if index == 0 else "", MUTED),
                        )
                    )
        lines.append(Content.styled(" " * label_width + hour_ticks(day.hours, slot), MUTED))
        return Content("\n").join(lines)


def fit_text(width: int, *choices: str) -> str:
    """The first (longest) of `choices` that fits `width`, else the last."""
    return next((choice for choice in choices if len(choice) <= width), choices[-1])


def hour_ticks(hours: Sequence[int], slot: int) -> str:
    """Clock hours under the bars, every six hours (every twelve when slots are one cell)."""
    step = 6 if slot > 1 else 12
    line = [" "] * (slot * len(hours))
    for index, hour in enumerate(hours):
        if hour % step == 0:
            text = f"{hour:02d}"
            start = index * slot
            if start + len(text) <= len(line):
                line[start : start + len(text)] = text
    return "".join(line)
