"""Trend series: a slot per day with gaps, the value axis, and today hour by hour.

Every expected value here is worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from cxtui.metrics import DailyPoint, Filters
from cxtui.models import Ticket
from cxtui.store import open_engine
from cxtui.trends import Axis, axis, daily, intraday


def point(day: str, nps: float | None, created: int = 0) -> DailyPoint:
    return DailyPoint(
        day=day,
        first_response_median_seconds=None,
        resolution_rate=None,
        nps=nps,
        csat_pct=None,
        created=created,
    )


def test_a_day_without_data_stays_a_gap() -> None:
    points = [
        point("2024-04-28", 20.0, 3),
        point("2024-04-29", None, 0),
        point("2024-04-30", -50.0, 0),
        point("2024-05-01", None, 7),
    ]
    nps = daily(points, lambda p: p.nps)
    assert nps.days == ("2024-04-28", "2024-04-29", "2024-04-30", "2024-05-01")
    assert nps.values == (20.0, None, -50.0, None)  # four slots, two of them gaps
    assert (nps.low, nps.high) == (-50.0, 20.0)
    arrivals = daily(points, lambda p: p.created)
    assert arrivals.values == (3, 0, 0, 7)  # a count: no tickets is a real 0
    assert daily(points[1:2], lambda p: p.nps).high is None


def test_one_far_outlier_does_not_set_the_axis() -> None:
    # Sorted 10 11 12 13 100: q1 = 11 (rank 1), q3 = 13 (rank 3), spread 2; the far-out fences
    # are 11 - 6 = 5 and 13 + 6 = 19, so the axis runs 10 (the minimum, inside) to 19.
    assert axis([12, 100, 10, 13, 11]) == Axis(10, 19)
    assert axis([12, 100, 10, 13, 11], zero_based=True) == Axis(0, 19)
    assert Axis(10, 19).clipped(100) == 1 and Axis(10, 19).clipped(9) == -1


def test_axis_without_quartiles_or_spread_is_min_to_max() -> None:
    assert axis([5, 1, 3]) == Axis(1, 5)  # three values: too few for quartiles
    assert axis([4, 4, 4, 4, 9]) == Axis(4, 9)  # no spread between the quartiles
    assert axis([-30, -10, 20, 40], zero_based=True) == Axis(-30, 40)  # negative: no zero base
    assert axis([]) is None


# --- today hour by hour -------------------------------------------------------------------

UTC_ZONE = ZoneInfo("UTC")


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = open_engine(tmp_path / "t.db")
    with Session(engine) as s:
        yield s
    engine.dispose()


def ticket(id: str, created: str, resolved: str | None = None, **fields: Any) -> Ticket:
    resolved_at = None if resolved is None else at(resolved)
    return Ticket(
        id=id, created_at=at(created), version_at=at(created), resolved_at=resolved_at, **fields
    )


def test_today_against_the_same_weekday_last_week(session: Session) -> None:
    as_of = at("2024-05-01 12:30:00")  # a Wednesday
    session.add_all(
        [
            ticket("A", "2024-05-01 00:10:00"),
            ticket("B", "2024-05-01 00:50:00", channel="chat"),
            ticket("C", "2024-05-01 12:10:00"),
            ticket("D", "2024-05-01 12:40:00"),  # after as_of: not yet
            ticket("E", "2024-04-30 23:59:59"),  # yesterday
            ticket("F", "2024-04-24 03:00:00", "2024-04-24 13:05:00", status="solved"),
            ticket("G", "2024-04-24 23:59:59"),
            ticket("H", "2024-04-29 09:00:00", "2024-05-01 11:00:00", status="closed"),
            # Solved today but reopened since: not solved now, so not counted.
            ticket("I", "2024-04-29 09:00:00", "2024-05-01 11:30:00", status="open"),
        ]
    )  # fmt: skip
    session.commit()
    day = intraday(session, as_of, UTC_ZONE, Filters())
    assert (day.day, day.last_week_day) == ("2024-05-01", "2024-04-24")
    assert day.hours == tuple(range(24))
    # Hour 0: A and B; hour 12: C (D came at 12:40, after as_of); 13-23 have not happened.
    assert day.arrivals == (2, *[0] * 11, 1, *[None] * 11)
    assert day.solved == (*[0] * 11, 1, 0, *[None] * 11)  # H at 11:00
    assert day.arrivals_last_week == (0, 0, 0, 1, *[0] * 19, 1)  # F at 03:00, G at 23:59:59
    assert day.solved_last_week == (*[0] * 13, 1, *[0] * 10)  # F solved at 13:05
    assert day.so_far == (3, 1)
    # By 12:30 last Wednesday: F had arrived; it was solved only at 13:05.
    assert day.so_far_last_week == (1, 0)
    chat = intraday(session, as_of, UTC_ZONE, Filters(channel="chat"))
    assert chat.arrivals == (1, *[0] * 12, *[None] * 11)


def test_the_day_the_clocks_go_forward_has_23_hours(session: Session) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 2024-03-31: 02:00 CET becomes 03:00 CEST. 04:30 CEST is 02:30 UTC.
    session.add(ticket("A", "2024-03-31 02:30:00"))
    session.commit()
    day = intraday(session, at("2024-03-31 21:00:00"), berlin, Filters())
    assert day.hours == (0, 1, *range(3, 24))
    assert day.arrivals[day.hours.index(4)] == 1
    assert sum(n or 0 for n in day.arrivals) == 1
