"""The metrics' bulk path for durations (a compiled statement run on the driver, rows sorted
in Python) against a plain computation in Python over the same random tickets: medians,
p90s and daily medians agree, on the calendar and in business time, with and without a
filter (whose bound parameters the compiled statement must carry)."""

from __future__ import annotations

import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from cxtui.business_hours import BusinessClock, BusinessHours, parse_week
from cxtui.metrics import Filters, Window, daily_series, first_response, resolution
from cxtui.models import RESOLVED_STATUSES, Ticket
from cxtui.store import open_engine
from tests.built_once import empty_database

AS_OF = 1_700_049_600  # 2023-11-15T12:00:00Z
DAY = 86_400
WINDOW = Window(as_of=AS_OF, seconds=7 * DAY)
SERIES_START = 1_700_006_400 - 29 * DAY  # midnight UTC starting the 30-day series
OFFICE = {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
HOURS = BusinessHours("UTC", *parse_week(OFFICE))

tickets = st.lists(
    st.fixed_dictionaries(
        {
            "created_at": st.integers(AS_OF - 35 * DAY, AS_OF + DAY),
            "wait": st.one_of(st.none(), st.integers(0, 3 * DAY)),
            "resolve": st.one_of(st.none(), st.integers(0, 5 * DAY)),
            "status": st.sampled_from(("new", "open", "solved", "closed", "abandoned", None)),
            "channel": st.sampled_from(("email", "chat", None)),
        }
    ),
    max_size=60,
)


def median_or_none(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def p90_or_none(values: list[int]) -> float | None:
    """statistics' inclusive method is the same interpolation the metrics promise."""
    if len(values) < 2:
        return float(values[0]) if values else None
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def load(path: Path, drawn: list[dict[str, object]]) -> Session:
    engine = open_engine(empty_database(path))
    session = Session(engine)
    for number, t in enumerate(drawn):
        created = int(t["created_at"])  # type: ignore[call-overload]
        wait, resolve = t["wait"], t["resolve"]
        session.add(
            Ticket(
                id=f"T{number}",
                created_at=created,
                version_at=created,
                status=t["status"],
                channel=t["channel"],
                first_response_at=None if wait is None else created + int(wait),  # type: ignore[call-overload]
                resolved_at=None if resolve is None else created + int(resolve),  # type: ignore[call-overload]
            )
        )
    session.commit()
    return session


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=tickets, channel=st.sampled_from((None, "email")), business=st.booleans())
def test_percentiles_match_a_plain_computation(
    drawn: list[dict[str, object]], channel: str | None, business: bool
) -> None:
    clock = BusinessClock(HOURS)

    def seconds(start: int, end: int) -> int:
        return clock.seconds(start, end) if business else end - start

    rows = [t for t in load_rows(drawn) if channel is None or t.channel == channel]
    in_window = [t for t in rows if WINDOW.start < t.created_at <= AS_OF]
    waits = [
        seconds(t.created_at, t.first_response_at)
        for t in in_window
        if t.first_response_at is not None
    ]
    solved = [
        seconds(t.created_at, t.resolved_at)
        for t in in_window
        if t.status in RESOLVED_STATUSES and t.resolved_at is not None
    ]
    daily: dict[int, list[int]] = {}
    for t in rows:
        if SERIES_START <= t.created_at <= AS_OF and t.first_response_at is not None:
            day = (t.created_at - SERIES_START) // DAY
            daily.setdefault(day, []).append(seconds(t.created_at, t.first_response_at))

    with tempfile.TemporaryDirectory() as folder:
        session = load(Path(folder) / "t.db", drawn)
        try:
            filters = Filters(channel=channel)
            hours = HOURS if business else None
            reply = first_response(session, WINDOW, filters, business=hours)
            solve = resolution(session, WINDOW, filters, business=hours)
            points = daily_series(
                session, AS_OF, filters, hours=HOURS, clock="business" if business else "calendar"
            )
        finally:
            session.close()
            session.get_bind().dispose()  # type: ignore[union-attr]

    assert reply.count == len(waits)
    assert reply.median_seconds == pytest.approx(median_or_none(waits))
    assert reply.p90_seconds == pytest.approx(p90_or_none(waits))
    assert solve.median_seconds == pytest.approx(median_or_none(solved))
    assert solve.p90_seconds == pytest.approx(p90_or_none(solved))
    assert points[0].day == datetime.fromtimestamp(SERIES_START, UTC).date().isoformat()
    assert [p.first_response_median_seconds for p in points] == pytest.approx(
        [median_or_none(daily.get(day, [])) for day in range(30)]
    )


def load_rows(drawn: list[dict[str, object]]) -> list[Ticket]:
    """The drawn tickets as plain objects, for the independent computation."""
    return [
        Ticket(
            id=f"T{number}",
            created_at=t["created_at"],
            version_at=t["created_at"],
            status=t["status"],
            channel=t["channel"],
            first_response_at=None if t["wait"] is None else t["created_at"] + t["wait"],  # type: ignore[operator]
            resolved_at=None if t["resolve"] is None else t["created_at"] + t["resolve"],  # type: ignore[operator]
        )
        for number, t in enumerate(drawn)
    ]
