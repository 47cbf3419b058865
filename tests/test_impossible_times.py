"""Impossible times: a first reply or a resolution dated before the ticket was created.

One public export gave a mean first response of -10 hours. Such durations are left out of
every duration figure (and of service level), counted, and the counts shown. Every expected
number is worked out by hand beside it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from cxtui import aggregates
from cxtui.business_hours import BusinessHours, parse_week
from cxtui.check import check_folder, check_text, exit_status
from cxtui.config import Config
from cxtui.metrics import Window, dashboard, report_dict
from cxtui.models import Ticket
from cxtui.report import report_table
from cxtui.store import open_engine
from cxtui.tallies import pack

AS_OF = 1_700_049_600  # 2023-11-15T12:00:00Z, a Wednesday
C = AS_OF - 3_600  # 11:00 that Wednesday
W = Window(as_of=AS_OF, seconds=7 * 86_400)
HOUR = 3_600


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = open_engine(tmp_path / "t.db")
    with Session(engine) as s:
        yield s
    engine.dispose()


def ticket(id: str, created_at: int, **fields: Any) -> Ticket:
    """A phone contact: service level counts the live channels only."""
    fields.setdefault("channel", "phone")
    return Ticket(id=id, created_at=created_at, version_at=created_at, **fields)


def _world(session: Session) -> None:
    session.add_all(
        [
            ticket("f1", C, status="solved", first_response_at=C + 10, resolved_at=C + 100),
            ticket("f2", C, status="solved", first_response_at=C + 30, resolved_at=C + 300),
            # replied 10 hours and resolved 2 hours before it was created
            ticket("bad", C, status="solved", first_response_at=C - 36_000, resolved_at=C - 7_200),
            ticket("f4", C, status="closed", first_response_at=C + 20, resolved_at=C + 200),
        ]
    )
    session.commit()


def test_durations_dated_before_creation_are_left_out_and_counted(session: Session) -> None:
    _world(session)
    board = dashboard(session, W, sl_target_seconds=20)
    fr = board.first_response
    # waits of f1, f2, f4: [10, 20, 30]; the -36,000 s of "bad" is left out
    assert fr.count == 3
    assert fr.mean_seconds == pytest.approx(20)  # (10 + 30 + 20) / 3, not -8,985
    assert fr.median_seconds == pytest.approx(20)
    assert fr.p90_seconds == pytest.approx(28)  # rank 1.8: 20 + 0.8 * 10
    res = board.resolution
    # all four are solved; resolution times of f1, f2, f4: [100, 200, 300]
    assert (res.created, res.resolved, res.rate) == (4, 4, 1.0)
    assert res.median_seconds == pytest.approx(200)
    assert res.p90_seconds == pytest.approx(280)  # rank 1.8: 200 + 0.8 * 100
    # service level (20 s): "bad" is answered but when cannot be told: offered f1, f2, f4;
    # within 20 s f1 (10) and f4 (20)
    sl = board.service_level
    assert (sl.offered, sl.answered_within) == (3, 2)
    assert sl.rate == pytest.approx(2 / 3)
    # abandonment still counts "bad" as answered: 0 of 4
    assert (board.abandonment.offered, board.abandonment.abandoned) == (4, 0)
    quality = board.data_quality
    assert (quality.first_response_before_created, quality.resolved_before_created) == (1, 1)
    # the trend's median for the day is the same [10, 20, 30] median
    assert board.daily[-1].first_response_median_seconds == pytest.approx(20)


def test_the_same_in_business_time(session: Session) -> None:
    _world(session)
    week, holidays = parse_week({day: "09:00-17:00" for day in ("monday", "wednesday")})
    hours = BusinessHours("UTC", week, holidays)
    board = dashboard(session, W, clock="business", hours=hours)
    # 11:00 on an open Wednesday: every kept wait and resolution is in business hours
    assert (board.first_response.count, board.first_response.mean_seconds) == (3, 20)
    assert board.resolution.median_seconds == pytest.approx(200)
    assert board.data_quality.first_response_before_created == 1


def test_the_report_json_and_table_show_the_counts(session: Session) -> None:
    _world(session)
    session.add(ticket("late", C, status="open", first_response_at=C - 1))
    session.commit()
    board = dashboard(session, W)
    report = report_dict(board)
    assert report["data_quality"] == {
        "first_response_before_created": 2,  # bad, late
        "resolved_before_created": 1,  # bad
    }
    json.dumps(report)
    lines = [" ".join(line.split()) for line in report_table(board).splitlines()]
    assert "first reply before created 2 (left out of the times above)" in lines
    assert "resolved before created 1 (left out of the times above)" in lines


def test_a_window_without_them_counts_zero(session: Session) -> None:
    _world(session)
    later = dashboard(session, Window(as_of=C - 1, seconds=86_400))
    assert report_dict(later)["data_quality"] == {
        "first_response_before_created": 0,
        "resolved_before_created": 0,
    }


def test_hourly_tallies_made_by_an_older_version_are_rebuilt(tmp_path: Path) -> None:
    """A database whose hourly tallies hold negative waits (made before they were left out)
    has them rebuilt, in the new table shape, when next opened for writing."""
    path = tmp_path / "old.db"
    engine = open_engine(path)
    with Session(engine) as session:
        _world(session)
    engine.dispose()
    with sqlite3.connect(path) as db:  # as the previous version left it
        for name in aggregates.TRIGGERS:
            body = aggregates.TRIGGERS[name]
            db.execute(f'DROP TRIGGER "{name}"')
            db.execute(f'CREATE TRIGGER "{name.replace(aggregates.VERSION, "hours_v1_")}" {body}')
        db.execute("DROP TABLE ticket_hour")
        db.execute(
            "CREATE TABLE ticket_hour (hour INTEGER PRIMARY KEY, created INTEGER, "
            "resolved INTEGER, reopens_known INTEGER, first_contact INTEGER, reopened INTEGER, "
            "handle_count INTEGER, handle_total INTEGER, answered INTEGER, abandoned INTEGER, "
            "solved INTEGER, waits BLOB, abandoned_waits BLOB, resolution_times BLOB)"
        )
        db.execute(
            "INSERT INTO ticket_hour VALUES (?, 4, 4, 0, 0, 0, 0, 0, 4, 0, 0, ?, ?, ?)",
            (C // HOUR, pack([-36_000, 10, 20, 30]), pack([]), pack([-7_200, 100, 200, 300])),
        )
    reopened = open_engine(path)
    try:
        raw = reopened.raw_connection()
        try:
            assert aggregates.installed(raw.driver_connection)
        finally:
            raw.close()
        with Session(reopened) as session:
            board = dashboard(session, W)
    finally:
        reopened.dispose()
    assert (board.first_response.count, board.first_response.mean_seconds) == (3, 20)
    assert board.data_quality.resolved_before_created == 1


def test_check_names_the_file_and_line_of_each(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(
        "id,created_at,status,first_response_at,resolved_at\n"
        "A,2026-11-20T10:00:00Z,solved,2026-11-20T10:05:00Z,2026-11-20T11:00:00Z\n"
        "B,2026-11-20T10:00:00Z,solved,2026-11-20T00:00:00Z,2026-11-20T11:00:00Z\n"
        "C,2026-11-20T10:00:00Z,solved,2026-11-20T10:05:00Z,2026-11-20T09:00:00Z\n"
    )
    [check] = check_folder(tmp_path, Config())
    assert check.tickets == 3
    assert check.impossible == 2
    assert check.impossible_rows == [
        (3, "B: first reply 10h 00m before it was created"),
        (4, "C: resolved 1h 00m before it was created"),
    ]
    assert exit_status([check]) == 0  # every row loads; the figures leave these times out
    lines = check_text([check], tmp_path).splitlines()
    assert lines[:6] == [
        "tickets.csv: native tickets",
        "  would load 3 ticket rows",
        "  2 tickets with times before their creation, left out of durations; the first:",
        "    line 3: B: first reply 10h 00m before it was created",
        "    line 4: C: resolved 1h 00m before it was created",
        "",
    ]
