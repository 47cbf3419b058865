"""How numbers read on screen; expected strings worked out by hand in the comments."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from cxtui.tui import formatting as fmt


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (0, "0s"),
        (59, "59s"),
        (59.6, "1m 00s"),  # rounds to 60 s first
        (64, "1m 04s"),
        (725, "12m 05s"),  # 12 * 60 + 5
        (3_599, "59m 59s"),
        (4_380, "1h 13m"),  # 73 min
        (6_240, "1h 44m"),
        (3 * 3_600 + 5 * 60 + 59, "3h 05m"),  # seconds are cut, not rounded
        (45 * 3_600 + 20 * 60, "1d 21h"),  # 45 h 20 m: the day shows from 24 h
        (2 * 86_400, "2d 00h"),
        (4 * 86_400 + 7 * 3_600 + 59 * 60, "4d 07h"),
        (-600, "-10m 00s"),
    ],
)
def test_duration(seconds: float | None, shown: str) -> None:
    assert fmt.duration(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, ("—", "")),
        (42, ("42", "sec")),
        (270, ("4.5", "min")),  # 270 / 60 = 4.5
        (1_800, ("30", "min")),
        (6_000, ("1.7", "hours")),  # 100 min = 1.67 h
        (45_000, ("12", "hours")),  # 12.5 h rounds half to even: 12
        (3 * 86_400, ("3.0", "days")),
    ],
)
def test_headline_duration(seconds: float | None, shown: tuple[str, str]) -> None:
    assert fmt.headline_duration(seconds) == shown


def test_rates_and_scores() -> None:
    assert fmt.percent(0.825) == "82%"  # 82.5 rounds half to even
    assert fmt.percent(0.825, 1) == "82.5%"
    assert fmt.percent(None) == "—"
    assert fmt.percent_points(86.0) == "86%"
    assert fmt.nps(32.4) == "+32"
    assert fmt.nps(-5.0) == "-5"
    assert fmt.nps(0.2) == "0"
    assert fmt.margin(8.06) == "±8"
    assert fmt.count(12_345) == "12,345"


@pytest.mark.parametrize(
    ("seconds", "name"),
    [(86_400, "24h"), (7 * 86_400, "7d"), (30 * 86_400, "30d"), (5_400, "90m"), (45, "45s")],
)
def test_window_name(seconds: int, name: str) -> None:
    assert fmt.window_name(seconds) == name


def test_times_are_shown_in_the_configured_zone() -> None:
    as_of = 1_714_564_800  # 2024-05-01 12:00:00 UTC; London is on BST (UTC+1) in May
    assert fmt.moment(as_of, ZoneInfo("UTC")) == "2024-05-01 12:00"
    assert fmt.moment(as_of, ZoneInfo("Europe/London")) == "2024-05-01 13:00"
    assert fmt.time_of_day(as_of, ZoneInfo("Europe/London")) == "13:00 BST"


def test_data_is_made_visible_and_masked_on_request() -> None:
    assert fmt.data("\x1b[31mred") == "␛[31mred"
    assert fmt.data(None) == ""
    assert fmt.data("mail jane.doe@example.com", mask=True) == "mail j***@***.com"
    assert fmt.data("abcdef", max_len=4) == "abc…"


def test_full_timestamps_say_their_zone() -> None:
    as_of = 1_714_564_800  # 2024-05-01 12:00:00 UTC; London is on summer time (BST, +1)
    assert fmt.moment_with_zone(as_of + 33, ZoneInfo("UTC")) == "2024-05-01 12:00:33 UTC"
    assert fmt.moment_with_zone(as_of, ZoneInfo("Europe/London")) == "2024-05-01 13:00:00 BST"
    assert fmt.moment_with_zone(None, ZoneInfo("UTC")) == "—"


def test_short_dates_carry_the_year_only_from_other_years() -> None:
    as_of = 1_714_564_800  # 2024-05-01 12:00 UTC
    new_year_eve = 1_704_067_199  # 2023-12-31 23:59:59 UTC, already 2024 in Tokyo (+9)
    utc, tokyo = ZoneInfo("UTC"), ZoneInfo("Asia/Tokyo")
    assert fmt.day(as_of, utc, 2024) == "05-01"
    assert fmt.day(new_year_eve, utc, 2024) == "2023-12-31"
    assert fmt.day(new_year_eve, tokyo, 2024) == "01-01"
    assert fmt.year_now(new_year_eve, utc) == 2023
