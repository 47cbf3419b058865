"""Business time, the centre's days and the resolution flow, with every number worked by hand.

Instants are built with zoneinfo from wall-clock times, which is independent of the code under
test (that turns instants back into business seconds).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from cxtui.business_hours import BusinessClock, BusinessHours, parse_week
from cxtui.config import ConfigError, load_config
from cxtui.metrics import (
    Filters,
    Window,
    daily_series,
    dashboard,
    first_response,
    report_dict,
    resolution,
)
from cxtui.models import Survey, Ticket
from cxtui.store import open_engine
from tests.cli_helpers import run_cli

LONDON = ZoneInfo("Europe/London")
HOUR = 3_600
DAY = 86_400
OFFICE, _ = parse_week({day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")})


def at(text: str, zone: Any = UTC) -> int:
    """Epoch seconds of a wall-clock time in `zone`."""
    return int(datetime.fromisoformat(text).replace(tzinfo=zone).timestamp())


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = open_engine(tmp_path / "m.db")
    with Session(engine) as session:
        yield session
    engine.dispose()


def ticket(id: str, created_at: int, **fields: Any) -> Ticket:
    return Ticket(id=id, created_at=created_at, version_at=created_at, **fields)


def add(session: Session, *rows: Ticket | Survey) -> None:
    session.add_all(rows)
    session.commit()


# --- the clock ----------------------------------------------------------------------------------


def test_business_seconds_skip_nights_weekends_and_holidays() -> None:
    hours = BusinessHours("Europe/London", OFFICE, frozenset({date(2026, 12, 25)}))
    clock = BusinessClock(hours)
    # Fri 2026-11-20 16:30 -> Mon 09:30: 30 min on Friday, 30 min on Monday
    assert clock.seconds(at("2026-11-20T16:30", LONDON), at("2026-11-23T09:30", LONDON)) == HOUR
    # all of it on a Saturday
    assert clock.seconds(at("2026-11-21T10:00", LONDON), at("2026-11-21T12:00", LONDON)) == 0
    # before opening to after closing on one weekday: the whole 8 h day
    assert clock.seconds(at("2026-11-18T06:00", LONDON), at("2026-11-18T20:00", LONDON)) == 8 * HOUR
    # Thu 24 Dec 16:00 -> Mon 28 Dec 10:00; Christmas Day (Friday) is a holiday: 1 h + 1 h
    assert clock.seconds(at("2026-12-24T16:00", LONDON), at("2026-12-28T10:00", LONDON)) == (
        2 * HOUR
    )
    # four whole weeks: 20 working days of 8 h, asked for out of order (the table grows back)
    assert clock.seconds(at("2026-10-05T00:00", LONDON), at("2026-11-02T00:00", LONDON)) == (
        20 * 8 * HOUR
    )
    # the other way round is negative
    assert clock.seconds(at("2026-11-23T09:30", LONDON), at("2026-11-20T16:30", LONDON)) == -HOUR


def test_opening_hours_are_wall_clock_times_across_a_clock_change() -> None:
    # London goes back an hour on Sun 2026-10-25. Open 24 h a day except Mon 26th (holiday):
    # Sat 24 h + Sun 25 h (the hour repeats) + Mon 0 = 49 h
    hours = BusinessHours("Europe/London", None, frozenset({date(2026, 10, 26)}))
    clock = BusinessClock(hours)
    assert clock.seconds(at("2026-10-24T00:00", LONDON), at("2026-10-27T00:00", LONDON)) == (
        49 * HOUR
    )
    # a 09:00-17:00 Monday after the change is still 8 h
    office = BusinessClock(BusinessHours("Europe/London", OFFICE))
    assert office.seconds(at("2026-10-26T00:00", LONDON), at("2026-10-27T00:00", LONDON)) == (
        8 * HOUR
    )


def test_no_hours_configured_means_open_around_the_clock() -> None:
    clock = BusinessClock(BusinessHours())
    assert clock.seconds(1_000, 91_000) == 90_000


def test_split_days_and_closed_days_from_config(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'timezone = "Europe/London"\nclock = "business"\n[business_hours]\n'
        'monday = ["08:00-12:00", "13:00-17:30"]\nfri = "09:00-24:00"\nsaturday = "closed"\n'
        'holidays = ["2026-12-25", 2026-12-26]\n'
    )
    config = load_config(None, path)
    assert config.clock == "business"
    hours = config.business_hours
    assert hours.timezone == "Europe/London"
    assert hours.week is not None
    assert hours.week[0] == ((8 * HOUR, 12 * HOUR), (13 * HOUR, 17 * HOUR + 30 * 60))
    assert hours.week[4] == ((9 * HOUR, 24 * HOUR),)
    assert hours.week[1] == hours.week[5] == hours.week[6] == ()  # unlisted days are closed
    assert hours.holidays == frozenset({date(2026, 12, 25), date(2026, 12, 26)})
    clock = BusinessClock(hours)
    # Monday 2026-11-16 07:00 -> Tuesday: 4 h + 4 h 30
    assert clock.seconds(at("2026-11-16T07:00", LONDON), at("2026-11-17T07:00", LONDON)) == (
        8 * HOUR + 30 * 60
    )
    # Friday open until midnight
    assert clock.seconds(at("2026-11-20T23:00", LONDON), at("2026-11-21T01:00", LONDON)) == HOUR


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('clock = "wall"\n', "clock must be 'calendar' or 'business'"),
        ('[business_hours]\nmonday = "9-5"\n', "business_hours: monday: cannot read '9-5'"),
        ('[business_hours]\nfunday = "09:00-17:00"\n', "business_hours: unknown key 'funday'"),
        ('[business_hours]\nmonday = "17:00-09:00"\n', "closes before it opens"),
        ('[business_hours]\nmonday = "09:00-25:00"\n', "is not a time of day"),
        ('[business_hours]\nmonday = ["09:00-13:00", "12:00-17:00"]\n', "opening hours overlap"),
        ('[business_hours]\nholidays = ["Christmas"]\n', "holidays: 'Christmas' is not a date"),
        ('business_hours = "9 to 5"\n', "business_hours must be a table"),
    ],
)
def test_business_hours_mistakes_are_config_errors(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(None, path)


# --- the metrics in business time ---------------------------------------------------------------

AS_OF = at("2026-11-23T12:00")  # Monday noon, UTC
WEEK = Window(as_of=AS_OF, seconds=7 * DAY)
UTC_OFFICE = BusinessHours("UTC", OFFICE)


def test_first_response_and_resolution_in_business_time(session: Session) -> None:
    add(
        session,
        # Fri 16:50 -> Mon 09:10: calendar 2 d 16 h 20 min = 231600 s; business 10 + 10 min
        ticket(
            "a",
            at("2026-11-20T16:50"),
            status="solved",
            first_response_at=at("2026-11-23T09:10"),
            resolved_at=at("2026-11-23T11:00"),
        ),
        # Thu 10:00 -> 10:30 (both clocks 1800); resolved Fri 10:00: calendar 24 h, business 8 h
        ticket(
            "b",
            at("2026-11-19T10:00"),
            status="closed",
            first_response_at=at("2026-11-19T10:30"),
            resolved_at=at("2026-11-20T10:00"),
        ),
        # Sat 11:00 -> Sat 11:05: calendar 300 s, business 0 (and it is open)
        ticket(
            "c", at("2026-11-21T11:00"), status="open", first_response_at=at("2026-11-21T11:05")
        ),
    )
    calendar = first_response(session, WEEK)
    assert calendar.median_seconds == 1_800  # sorted 300, 1800, 231600
    business = first_response(session, WEEK, business=UTC_OFFICE)
    # sorted 0, 1200, 1800: mean 1000, median 1200, p90 h=1.8: 1200 + 0.8*600
    assert (business.count, business.mean_seconds) == (3, 1_000)
    assert (business.median_seconds, business.p90_seconds) == (1_200, 1_680)
    # resolution, business: a Fri 16:50 -> Mon 11:00 = 10 min + 2 h = 7800; b 8 h = 28800
    solved = resolution(session, WEEK, business=UTC_OFFICE)
    assert (solved.median_seconds, solved.p90_seconds) == (18_300, 26_700)  # 7800 + 0.9*21000
    assert resolution(session, WEEK).median_seconds == (24 * HOUR + 2 * DAY + 18 * HOUR + 600) / 2
    board = dashboard(session, WEEK, clock="business", hours=UTC_OFFICE)
    assert board.clock == "business"
    assert board.first_response.median_seconds == 1_200
    assert report_dict(board)["clock"] == "business"
    assert report_dict(dashboard(session, WEEK, hours=UTC_OFFICE))["clock"] == "calendar"


def test_an_unknown_clock_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="clock must be one of calendar, business"):
        dashboard(session, WEEK, clock="wall")


def test_resolution_flow_counts_what_was_resolved_in_the_window(session: Session) -> None:
    day = Window(as_of=AS_OF, seconds=DAY)  # (Sun 12:00, Mon 12:00]
    add(
        session,
        # created in the window: one resolved in it, one still open
        ticket("new1", AS_OF - HOUR, status="solved", resolved_at=AS_OF - 600),
        ticket("new2", AS_OF - 2 * HOUR, status="open"),
        # created before the window, resolved in it: flow, not cohort
        ticket("old1", AS_OF - 5 * DAY, status="closed", resolved_at=AS_OF - 3 * HOUR),
        ticket("old2", AS_OF - 3 * DAY, status="solved", resolved_at=AS_OF),  # as_of is inside
        # resolved exactly at the window's start: outside; reopened since: not resolved
        ticket("old3", AS_OF - 4 * DAY, status="solved", resolved_at=AS_OF - DAY),
        ticket("old4", AS_OF - 4 * DAY, status="open", resolved_at=AS_OF - HOUR),
        # resolved after as_of
        ticket("old5", AS_OF - 2 * DAY, status="solved", resolved_at=AS_OF + 1),
    )
    res = resolution(session, day)
    # cohort: 1 of the 2 created; flow: new1, old1, old2 = 3 resolved / 2 created = 150 %
    assert (res.created, res.resolved, res.rate) == (2, 1, 0.5)
    assert (res.resolved_in_window, res.flow_rate) == (3, 1.5)
    # filters apply to the flow too
    add(session, ticket("chat1", AS_OF - 5 * DAY, status="solved", resolved_at=AS_OF - 60,
                        channel="chat"))  # fmt: skip
    assert resolution(session, day, Filters(channel="chat")).resolved_in_window == 1


# --- the daily series in the centre's zone ------------------------------------------------------


def test_daily_series_days_follow_the_centre_across_a_clock_change(session: Session) -> None:
    # London goes back at 2026-10-25T01:00Z, so Sunday 25 October runs from 2026-10-24T23:00Z
    # (midnight BST) to 2026-10-26T00:00Z (midnight GMT): 25 hours.
    add(
        session,
        # 2026-10-22T23:30Z is 00:30 BST on the 23rd
        ticket(
            "t3",
            at("2026-10-22T23:30"),
            status="open",
            first_response_at=at("2026-10-22T23:30") + 50,
        ),
        # 23:30Z on the 24th is 00:30 BST on Sunday the 25th (a UTC day would say the 24th)
        ticket(
            "t1",
            at("2026-10-24T23:30"),
            status="solved",
            first_response_at=at("2026-10-24T23:30") + 100,
        ),
        ticket(
            "t2",
            at("2026-10-25T23:30"),
            status="open",
            first_response_at=at("2026-10-25T23:30") + 300,
        ),
        # the last second of Sunday in London
        ticket(
            "t5",
            at("2026-10-25T23:59:59"),
            status="open",
            first_response_at=at("2026-10-25T23:59:59") + 1000,
        ),
        # midnight GMT: Monday the 26th
        ticket(
            "t4",
            at("2026-10-26T00:00"),
            status="solved",
            first_response_at=at("2026-10-26T00:00") + 70,
        ),
        # surveys: 23:59:59 BST on the 24th, then 00:59:59 BST and 01:30 BST on the 25th
        Survey(id="s3", submitted_at=at("2026-10-24T22:59:59"), kind="csat", score=5),
        Survey(id="s1", submitted_at=at("2026-10-24T23:59:59"), kind="nps", score=10),
        Survey(id="s2", submitted_at=at("2026-10-25T00:30"), kind="nps", score=0),
    )
    hours = BusinessHours("Europe/London")
    points = daily_series(session, at("2026-10-28T12:00"), days=7, hours=hours)
    by_day = {p.day: p for p in points}
    assert list(by_day) == [f"2026-10-{d}" for d in range(22, 29)]
    assert by_day["2026-10-23"].first_response_median_seconds == 50
    assert by_day["2026-10-24"].first_response_median_seconds is None
    assert by_day["2026-10-24"].csat_pct == 100
    sunday = by_day["2026-10-25"]
    assert sunday.first_response_median_seconds == 300  # waits 100, 300, 1000
    assert sunday.resolution_rate == pytest.approx(1 / 3)  # t1 of t1, t2, t5
    assert sunday.nps == 0  # one promoter, one detractor
    assert by_day["2026-10-26"].first_response_median_seconds == 70
    # the same rows by UTC days, for contrast: t1 and s1 fall on the 24th
    utc = {p.day: p for p in daily_series(session, at("2026-10-28T12:00"), days=7)}
    assert utc["2026-10-24"].first_response_median_seconds == 100
    assert utc["2026-10-25"].first_response_median_seconds == 650  # t2 300, t5 1000
    assert utc["2026-10-24"].nps == 100


def test_daily_series_in_business_time(session: Session) -> None:
    # Fri 16:50 -> Mon 09:10 is 20 business minutes, counted on the Friday it was created
    add(session, ticket("a", at("2026-11-20T16:50"), first_response_at=at("2026-11-23T09:10")))
    points = daily_series(session, AS_OF, days=4, hours=UTC_OFFICE, clock="business")
    assert [(p.day, p.first_response_median_seconds) for p in points] == [
        ("2026-11-20", 1_200),
        ("2026-11-21", None),
        ("2026-11-22", None),
        ("2026-11-23", None),
    ]


# --- the command line ---------------------------------------------------------------------------


def test_report_clock_option_and_config(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # created Fri 16:50 UTC, first reply Mon 09:10: 231600 s on the calendar, 1200 in business
    (data / "tickets.csv").write_text(
        "id,created_at,first_response_at\nA,2026-11-20T16:50:00Z,2026-11-23T09:10:00Z\n"
    )
    (data / "cxtui.toml").write_text(
        '[business_hours]\nmon = "09:00-17:00"\ntue = "09:00-17:00"\nwed = "09:00-17:00"\n'
        'thu = "09:00-17:00"\nfri = "09:00-17:00"\n'
    )

    def median(*clock: str) -> tuple[object, object]:
        done = run_cli(
            "report", str(data), "--db", str(tmp_path / "x.db"),
            "--as-of", "2026-11-23T12:00:00Z", "--format", "json", *clock,
        )  # fmt: skip
        assert done.code == 0, done.stderr
        report = json.loads(done.stdout)
        return report["first_response"]["median_seconds"], report["clock"]

    assert median() == (231_600.0, "calendar")
    assert median("--clock", "business") == (1_200.0, "business")
    (data / "cxtui.toml").write_text(
        (data / "cxtui.toml")
        .read_text()
        .replace("[business_hours]", 'clock = "business"\n[business_hours]')
    )
    assert median() == (1_200.0, "business")
    assert median("--clock", "calendar") == (231_600.0, "calendar")
    wrong = run_cli("report", str(data), "--clock", "wall")
    assert wrong.code == 2
    assert wrong.stderr.startswith("cxtui: Invalid value for '--clock'")
