"""The block charts, drawn without an app: gaps, the scale, off-scale marks, dates and hours."""

from __future__ import annotations

from cxtui.trends import Axis
from cxtui.tui.charts import column_cells, dates, hour_ticks, plot_rows


def text(values: list[float | None], scale: Axis | None, rows: int, slot: int) -> list[str]:
    return [line.plain for line in plot_rows(values, scale, rows, slot)]


def test_a_missing_day_is_a_gap_and_a_zero_is_a_bar() -> None:
    # Axis 0-8 on one row: 0 is the lowest bar (1/8), 4 is half (4/8), 8 full; None a dot.
    assert text([0, None, 4, 8], Axis(0, 8), 1, 1) == ["▁·▄█"]


def test_bars_stack_over_rows_and_slots_keep_a_space() -> None:
    # Two rows are 16 eighths: 12 of 16 fills the bottom row and half the top one.
    assert text([12, None], Axis(0, 16), 2, 3) == ["▄▄    ", "██ ·· "]


def test_days_off_the_scale_are_marked() -> None:
    # The axis stops at 10: 50 is drawn full height with an arrow on top; -5 is below it.
    assert [c for c, _ in column_cells(50, Axis(0, 10), 2)] == ["█", "↑"]
    assert [c for c, _ in column_cells(-5, Axis(0, 10), 2)] == ["↓", " "]
    assert text([5, 50], Axis(0, 10), 1, 1) == ["▄↑"]


def test_one_value_axis_draws_mid_height() -> None:
    assert text([7, 7], Axis(7, 7), 1, 1) == ["▄▄"]


def test_dates_first_middle_and_last_where_they_fit() -> None:
    days = [f"2024-04-{d:02d}" for d in range(1, 31)]
    line = dates(days, 2)  # 60 cells: 04-01 at 0, 04-15 at 28, 04-30 ends at 60
    assert line.split() == ["04-01", "04-15", "04-30"]
    assert line.index("04-15") == 28 and line.endswith("04-30")
    assert dates(days[:5], 1).split() == ["04-01"]  # five cells: room for one date
    assert dates(days[:3], 1) == "   "  # three: none fits, none is cut


def test_hour_ticks_every_six_hours() -> None:
    assert hour_ticks(list(range(24)), 2) == (
        "00" + " " * 10 + "06" + " " * 10 + "12" + " " * 10 + "18" + " " * 10
    )
    # The day the clocks go forward has no 02:00; the ticks follow the clock, not the slot.
    assert hour_ticks([0, 1, *range(3, 24)], 1).split() == ["00", "12"]
