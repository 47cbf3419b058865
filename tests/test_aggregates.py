"""The hourly aggregates against the plain queries over the rows, on random data.

Every number of the dashboard (and every point of the daily trend, in zones whose days are
whole hours, half hours off, or 23 and 25 hours long) must be the same whether it is read
from the hourly tallies or scanned from the tickets and surveys themselves, after any mix of
inserts, updates (moving a ticket to another hour too) and deletes, rebuilt or still listed
as stale.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cxtui import aggregates, block_tallies
from cxtui.business_hours import BusinessHours
from cxtui.ingest import loader as loader_module
from cxtui.ingest import store_sql
from cxtui.ingest.loader import Loader
from cxtui.metrics import Filters, Window, daily_series, dashboard, report_dict
from cxtui.models import (
    ChannelHour,
    DimensionHour,
    HourToRebuild,
    Survey,
    SurveyDimensionHour,
    Ticket,
    TicketHour,
)
from cxtui.store import open_engine
from cxtui.tallies import (
    Durations,
    SurveyTally,
    TicketTally,
    pack,
    scan_survey_groups,
    scan_ticket_groups,
    unpack,
)
from tests.built_once import empty_database

HOUR = 3_600
DAY = 86_400
AS_OF = 1_700_049_600  # 2023-11-15T12:00:00Z
STATUSES = ("new", "open", "pending", "solved", "closed", "abandoned", "unresolved", None)


@contextmanager
def writer(engine: Engine) -> Iterator[sqlite3.Connection]:
    """A write transaction on the driver connection, as the loader holds one."""
    raw = engine.raw_connection()
    db = raw.driver_connection
    try:
        db.execute("BEGIN IMMEDIATE")
        yield db
        db.commit()
    finally:
        raw.close()


def rebuild(engine: Engine) -> int:
    with writer(engine) as db:
        return aggregates.rebuild_pending(db)


def scanned(function: Any, *args: Any, **kwargs: Any) -> Any:
    """The same call with the aggregates treated as absent: every number from the rows."""
    with mock.patch.object(aggregates, "installed", return_value=False):
        return function(*args, **kwargs)


# Times cluster near hour boundaries and the window's edges, where off-by-one errors live.
moments = st.one_of(
    st.integers(AS_OF - 40 * DAY, AS_OF + DAY),
    st.integers(-2, 2).flatmap(
        lambda offset: st.integers(0, 960).map(lambda h: AS_OF - h * HOUR + offset)
    ),
)
# Negative durations are the impossible times of real exports (a reply dated before the ticket
# was created): tallies and scans must leave out and count the same ones.
durations = st.one_of(
    st.none(),
    st.integers(0, 4 * DAY),
    st.sampled_from((-1, 0, 19, 20, 21)),
    st.integers(-2 * DAY, -1),
)
ticket_rows = st.fixed_dictionaries(
    {
        "id": st.integers(0, 40).map(lambda n: f"T{n}"),
        "created_at": moments,
        "wait": durations,
        "resolve": durations,
        "status": st.sampled_from(STATUSES),
        "reopens": st.one_of(st.none(), st.integers(0, 2)),
        "agent_replies": st.one_of(st.none(), st.integers(0, 3)),
        "handle_seconds": st.one_of(st.none(), st.integers(0, 900)),
        # "" beside None: an empty value is a value of its own, which a filter can pick.
        "channel": st.sampled_from(("email", "chat", "phone", "", None)),
        "queue": st.sampled_from(("billing", "orders", "", None)),
        "priority": st.sampled_from(("low", "high", None)),
        "agent": st.sampled_from(("Ana", "Ben", "Cy", None)),
    }
)
survey_rows = st.fixed_dictionaries(
    {
        "id": st.integers(0, 30).map(lambda n: f"S{n}"),
        "submitted_at": moments,
        "kind": st.sampled_from(("nps", "csat", "ces")),
        "score": st.integers(0, 10),
        "ticket_id": st.one_of(st.none(), st.integers(0, 40).map(lambda n: f"T{n}")),
    }
)
# Every filter the tallies by dimension answer (one or two of queue, priority, agent, with
# or without a channel) and some they do not (all three, a channel of ""), which the
# readers must scan instead.
filters = st.builds(
    Filters,
    channel=st.sampled_from((None, None, "email", "chat", "")),
    queue=st.sampled_from((None, None, "billing", "orders", "")),
    agent=st.sampled_from((None, None, None, "Ana", "Cy")),
    priority=st.sampled_from((None, None, "low", "high")),
)
steps = st.lists(
    st.tuples(
        st.lists(ticket_rows, max_size=12),
        st.lists(survey_rows, max_size=8),
        st.lists(st.integers(0, 40).map(lambda n: f"T{n}"), max_size=3),
        st.booleans(),
    ),
    min_size=1,
    max_size=5,
)


def apply(engine: Engine, step: tuple[Any, ...]) -> None:
    """One batch of writes through SQLModel, then (sometimes) the loader's rebuild."""
    tickets, surveys, deletions, rebuilt = step
    with Session(engine) as session:
        for t in tickets:
            created = t["created_at"]
            row = session.get(Ticket, t["id"]) or Ticket(id=t["id"], created_at=created)
            row.created_at = created
            row.version_at = created
            row.status = t["status"]
            row.channel = t["channel"]
            row.queue = t["queue"]
            row.priority = t["priority"]
            row.agent = t["agent"]
            row.reopens = t["reopens"]
            row.agent_replies = t["agent_replies"]
            row.handle_seconds = t["handle_seconds"]
            row.first_response_at = None if t["wait"] is None else created + t["wait"]
            row.resolved_at = None if t["resolve"] is None else created + t["resolve"]
            session.add(row)
            session.flush()
        for s in surveys:
            row = session.get(Survey, s["id"]) or Survey(
                id=s["id"], submitted_at=0, kind="nps", score=0
            )
            row.submitted_at = s["submitted_at"]
            row.kind = s["kind"]
            row.score = min(s["score"], 5) if s["kind"] == "csat" else s["score"]
            row.ticket_id = s["ticket_id"]
            session.add(row)
            session.flush()
        for ticket_id in deletions:
            row = session.get(Ticket, ticket_id)
            if row is not None:
                session.delete(row)
                session.flush()
        session.commit()
    if rebuilt:
        rebuild(engine)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=steps,
    window_seconds=st.sampled_from((HOUR, 5 * HOUR + 17, DAY, 7 * DAY, 30 * DAY)),
    as_of_offset=st.integers(-2 * HOUR, 2 * HOUR),
    zone=st.sampled_from(("UTC", "Asia/Kolkata", "Europe/London", "America/St_Johns")),
)
def test_aggregates_give_the_numbers_the_rows_give(
    history: list[tuple[Any, ...]], window_seconds: int, as_of_offset: int, zone: str
) -> None:
    as_of = AS_OF + as_of_offset
    window = Window(as_of, window_seconds)
    hours = BusinessHours(zone)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(empty_database(Path(folder) / "t.db"))
        try:
            for step in history:
                apply(engine, step)
            with Session(engine) as session:
                from_tallies = dashboard(session, window, hours=hours)
                from_rows = scanned(dashboard, session, window, hours=hours)
        finally:
            engine.dispose()
    assert report_dict(from_tallies) == report_dict(from_rows)
    assert from_tallies.daily == from_rows.daily


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=steps,
    narrowed=filters,
    window_seconds=st.sampled_from((HOUR, 5 * HOUR + 17, DAY, 7 * DAY, 30 * DAY)),
    as_of_offset=st.integers(-2 * HOUR, 2 * HOUR),
)
def test_filtered_views_from_the_tallies_by_dimension_give_the_rows_numbers(
    history: list[tuple[Any, ...]], narrowed: Filters, window_seconds: int, as_of_offset: int
) -> None:
    """Every pane narrowed to a channel, queue, priority or agent (or two together) gives
    the numbers of the rows, surveys included, whatever the tickets' later versions did to
    their dimensions and whether their hours are rebuilt or still listed."""
    window = Window(AS_OF + as_of_offset, window_seconds)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(empty_database(Path(folder) / "t.db"))
        try:
            for step in history:
                apply(engine, step)
            with Session(engine) as session:
                from_tallies = dashboard(session, window, narrowed)
                from_rows = scanned(dashboard, session, window, narrowed)
        finally:
            engine.dispose()
    assert report_dict(from_tallies) == report_dict(from_rows)
    assert from_tallies.daily == from_rows.daily


FILTER_VALUES = {
    "channel": ("email", "chat", "phone", ""),
    "queue": ("billing", "orders", ""),
    "priority": ("low", "high"),
    "agent": ("Ana", "Ben", "Cy"),
}
SHAPES = [
    ("channel",),
    ("queue",),
    ("priority",),
    ("agent",),
    ("channel", "queue"),
    ("channel", "priority"),
    ("channel", "agent"),
    ("queue", "priority"),
    ("queue", "agent"),
    ("priority", "agent"),
    ("channel", "queue", "priority"),
    ("channel", "priority", "agent"),
    ("queue", "priority", "agent"),
    ("channel", "queue", "priority", "agent"),
]
"""Each dimension alone, every pair, and the threes and four: those the tallies answer and
those counted from the rows."""


def filters_of(shape: tuple[str, ...]) -> st.SearchStrategy[Filters]:
    return st.fixed_dictionaries(
        {name: st.sampled_from(FILTER_VALUES[name]) for name in shape}
    ).map(lambda values: Filters(**values))


@pytest.mark.parametrize("shape", SHAPES, ids="+".join)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    history=steps,
    window_seconds=st.sampled_from((HOUR, 5 * HOUR + 17, DAY, 7 * DAY, 30 * DAY)),
    as_of_offset=st.integers(-2 * HOUR, 2 * HOUR),
)
def test_each_kind_of_filter_gives_the_rows_numbers(
    shape: tuple[str, ...],
    data: st.DataObject,
    history: list[tuple[Any, ...]],
    window_seconds: int,
    as_of_offset: int,
) -> None:
    """Every kind of filter, drawn apart so none is left to chance: the panes and the daily
    trend give the rows' numbers, tickets moving between values (and to none) across
    versions, surveys counted under their ticket's values of the moment."""
    narrowed = data.draw(filters_of(shape))
    window = Window(AS_OF + as_of_offset, window_seconds)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(empty_database(Path(folder) / "t.db"))
        try:
            for step in history:
                apply(engine, step)
            with Session(engine) as session:
                from_tallies = dashboard(session, window, narrowed)
                from_rows = scanned(dashboard, session, window, narrowed)
        finally:
            engine.dispose()
    assert report_dict(from_tallies) == report_dict(from_rows)
    assert from_tallies.daily == from_rows.daily


READ_FROM_TALLIES = (
    Filters(channel="phone"),
    Filters(channel=""),
    Filters(queue="billing"),
    Filters(priority="high"),
    Filters(agent="Ana"),
    Filters(channel="phone", queue="billing"),
    Filters(channel="phone", priority="high"),
    Filters(channel="phone", agent="Ana"),
    Filters(queue="billing", priority="high"),
    Filters(channel="phone", queue="billing", priority="high"),
    Filters(queue="billing", agent="Ana"),
    Filters(priority="high", agent="Ana"),
    Filters(channel="phone", queue="billing", agent="Ana"),
    Filters(channel="phone", priority="high", agent="Ana"),
)
"""The filters docs/metrics.md says are read from the tallies by dimension; the others
below are counted from the rows."""
COUNTED_FROM_ROWS = (
    Filters(queue="billing", priority="high", agent="Ana"),
    Filters(channel="", queue="billing"),
    Filters(channel="", agent="Ana"),
)


@pytest.mark.parametrize(
    "narrowed", [*READ_FROM_TALLIES, *COUNTED_FROM_ROWS], ids=lambda f: repr(f)[8:-1]
)
def test_which_filters_read_the_tallies_and_which_the_rows(
    tmp_path: Path, narrowed: Filters
) -> None:
    """Tallies made wrong on purpose show through exactly the filters the docs list as read
    from them; every other filter counts the rows (correct, only slower)."""
    engine = open_engine(tmp_path / "t.db")
    with Session(engine) as session:
        for number, channel in enumerate(("phone", "")):
            session.add(
                Ticket(
                    id=f"T{number}",
                    created_at=AS_OF - 2 * HOUR,
                    version_at=0,
                    channel=channel,
                    queue="billing",
                    priority="high",
                    agent="Ana",
                )
            )
        session.commit()
    rebuild(engine)
    with writer(engine) as db:
        db.execute("UPDATE dimension_hour SET created = created + 100")
    with Session(engine) as session:
        created = dashboard(session, Window(AS_OF, DAY), narrowed).resolution.created
        in_rows = scanned(dashboard, session, Window(AS_OF, DAY), narrowed).resolution.created
    engine.dispose()
    assert in_rows >= 1
    # each matching ticket has a channel of its own: one tally row, 100 too many, apiece
    assert created == (101 * in_rows if narrowed in READ_FROM_TALLIES else in_rows)


@settings(max_examples=200, deadline=None)
@given(
    runs=st.lists(st.lists(st.integers(-5, 10**6), max_size=30), max_size=8),
    q=st.floats(0, 1),
    seconds=st.integers(-10, 10**6),
)
def test_percentiles_over_sorted_runs_match_one_sorted_list(
    runs: list[list[int]], q: float, seconds: int
) -> None:
    held = Durations()
    for run in runs:
        held.add_run(sorted(run))
    merged = sorted(chain.from_iterable(runs))
    assert held.count == len(merged)
    assert [held.at_rank(k) for k in range(len(merged))] == merged
    assert held.at_most(seconds) == sum(value <= seconds for value in merged)
    if merged:
        rank = (len(merged) - 1) * q
        low = int(rank)
        high = min(low + 1, len(merged) - 1)
        expected = merged[low] + (rank - low) * (merged[high] - merged[low])
        assert held.quantile(q) == pytest.approx(expected)
        assert held.mean() == pytest.approx(sum(merged) / len(merged))
    else:
        assert held.quantile(q) is None
        assert held.mean() is None


def test_the_loader_keeps_the_hourly_tallies_in_step(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tickets.csv").write_text(
        "id,created_at,status,first_response_at,resolved_at\n"
        "A,2023-11-15T10:59:59Z,solved,2023-11-15T11:00:09Z,2023-11-15T12:30:00Z\n"
        "B,2023-11-15T11:00:00Z,open,2023-11-15T11:00:30Z,\n"
        "C,2023-11-15T11:30:00Z,closed,,2023-11-15T12:00:00Z\n"
    )
    engine = open_engine(tmp_path / "t.db")
    Loader(engine, folder, settle_seconds=0).load_all()
    with Session(engine) as session:
        assert session.exec(select(HourToRebuild)).all() == []
        hours = {h.hour: h for h in session.exec(select(TicketHour)).all()}
    ten, eleven, twelve = (1_700_042_400 // HOUR + n for n in range(3))
    assert ten * HOUR == 1_700_042_400  # 2023-11-15T10:00:00Z
    assert sorted(hours) == [ten, eleven, twelve]
    assert (hours[ten].created, hours[ten].resolved, hours[ten].solved) == (1, 1, 0)
    assert (hours[eleven].created, hours[eleven].resolved, hours[eleven].solved) == (2, 1, 0)
    # A is solved at 12:30 and C at 12:00: both count as solved in hour twelve.
    assert (hours[twelve].created, hours[twelve].solved) == (0, 2)
    assert list(unpack(hours[eleven].waits)) == [30]
    assert list(unpack(hours[ten].resolution_times)) == [5_401]

    # The file grows: only the hours it touches are rebuilt, in the loader's transaction.
    with (folder / "tickets.csv").open("a") as handle:
        handle.write("B,2023-11-15T11:00:00Z,solved,2023-11-15T11:00:30Z,2023-11-15T13:00:00Z\n")
    Loader(engine, folder, settle_seconds=0).load_all()
    with Session(engine) as session:
        assert session.exec(select(HourToRebuild)).all() == []
        refreshed = session.get(TicketHour, eleven)
        thirteen = session.get(TicketHour, twelve + 1)
    assert refreshed is not None and thirteen is not None
    assert (refreshed.created, refreshed.resolved) == (2, 2)
    assert thirteen.solved == 1
    engine.dispose()


def iso(moment: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def ticket_line(t: dict[str, Any], version: int) -> str:
    """A native CSV line for the random ticket, at a version later than any before it."""
    created = t["created_at"]
    answered = "" if t["wait"] is None else iso(created + t["wait"])
    resolved = "" if t["resolve"] is None else iso(created + t["resolve"])
    status = t["status"] or "new"
    dimensions = ",".join(t[name] or "" for name in ("channel", "queue", "priority", "agent"))
    return f"{t['id']},{iso(created)},{iso(version)},{status},{answered},{resolved},{dimensions}\n"


def survey_line(s: dict[str, Any]) -> str:
    score = min(s["score"], 5) if s["kind"] == "csat" else s["score"]
    return f"{s['id']},{iso(s['submitted_at'])},{s['kind']},{score},{s['ticket_id'] or ''}\n"


appends = st.lists(
    st.tuples(st.lists(ticket_rows, max_size=12), st.lists(survey_rows, max_size=8)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=appends, window_seconds=st.sampled_from((HOUR, DAY, 30 * DAY)), narrowed=filters)
def test_the_loader_lists_the_hours_it_writes_itself(
    history: list[tuple[Any, ...]], window_seconds: int, narrowed: Filters
) -> None:
    """The loader lifts the row triggers while it writes and lists the hours itself: old
    and new hours of re-exported tickets, surveys moved in time. At every commit, including
    those in the middle of a file whose hours are not rebuilt yet, the tallies must give
    the rows' numbers, filtered too (a ticket's new queue moves its surveys between
    tallies); after each load nothing is left listed and the triggers are back."""
    window = Window(AS_OF, window_seconds)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        data.mkdir()
        tickets, surveys = data / "tickets.csv", data / "surveys.csv"
        tickets.write_text(
            "id,created_at,updated_at,status,first_response_at,resolved_at,"
            "channel,queue,priority,agent\n"
        )
        surveys.write_text("id,submitted_at,kind,score,ticket_id\n")
        engine = open_engine(empty_database(Path(folder) / "t.db"))
        mismatches: list[str] = []

        def compare(_: object) -> None:
            with Session(engine) as session:
                from_tallies = report_dict(dashboard(session, window, narrowed))
                from_rows = report_dict(scanned(dashboard, session, window, narrowed))
            if from_tallies != from_rows:
                mismatches.append(f"{from_tallies} != {from_rows}")

        version = AS_OF - 50 * DAY
        try:
            for new_tickets, new_surveys in history:
                with tickets.open("a") as out:
                    for t in new_tickets:
                        version += 1
                        out.write(ticket_line(t, version))
                with surveys.open("a") as out:
                    out.writelines(survey_line(s) for s in new_surveys)
                with mock.patch.object(loader_module, "BLOCK_BYTES", 256):
                    Loader(engine, data, settle_seconds=0, on_commit=compare).load_all()
                with Session(engine) as session:
                    assert session.exec(select(HourToRebuild)).all() == []
                    compare(None)
                raw = engine.raw_connection()
                try:
                    assert aggregates.installed(raw.driver_connection)
                finally:
                    raw.close()
        finally:
            engine.dispose()
    assert mismatches == []


def test_a_failed_write_brings_the_row_triggers_back(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tickets.csv").write_text("id,created_at,status\nA,2023-11-15T10:59:59Z,open\n")
    engine = open_engine(tmp_path / "t.db")
    broken = store_sql.Statement("INSERT INTO no_such_table VALUES (?, ?, ?)", ())
    with (
        mock.patch.object(store_sql, "ADD_STATUS_CHANGE", broken),
        pytest.raises(sqlite3.OperationalError),
    ):
        Loader(engine, folder, settle_seconds=0).load_all()
    raw = engine.raw_connection()
    try:
        db = raw.driver_connection
        assert aggregates.installed(db)
        assert db.execute("SELECT count(*) FROM ticket").fetchone()[0] == 0
        db.execute("INSERT INTO ticket (id, created_at, version_at) VALUES ('B', ?, 0)", (AS_OF,))
        listed = db.execute("SELECT hour FROM hour_to_rebuild").fetchall()
        db.rollback()
    finally:
        raw.close()
    assert listed == [(AS_OF // HOUR,)]
    engine.dispose()


def test_a_database_made_before_the_tallies_gains_them_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = open_engine(path)
    with Session(engine) as session:
        session.add(Ticket(id="A", created_at=AS_OF - 10, version_at=0, status="open"))
        session.add(Survey(id="S", submitted_at=AS_OF - 10, kind="nps", score=9))
        session.commit()
    with writer(engine) as db:  # as an older cxtui left it: no triggers, no tallies
        for name in aggregates.TRIGGERS:
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("DELETE FROM hour_to_rebuild")
        db.execute("DELETE FROM ticket_hour")
    engine.dispose()

    reopened = open_engine(path)
    with Session(reopened) as session:
        hour = session.get(TicketHour, (AS_OF - 10) // HOUR)
        assert hour is not None and hour.created == 1
        assert session.exec(select(HourToRebuild)).all() == []
        board = dashboard(session, Window(AS_OF, DAY))
    assert (board.resolution.created, board.nps.promoters) == (1, 1)
    reopened.dispose()


def test_a_database_with_the_first_tallies_gains_the_channel_split_when_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.db"
    engine = open_engine(path)
    with Session(engine) as session:
        session.add(
            Ticket(
                id="P",
                created_at=AS_OF - 10,
                version_at=0,
                status="solved",
                channel="phone",
                first_response_at=AS_OF - 5,
            )
        )
        session.commit()
    with writer(engine) as db:  # as cxtui left it before channel_hour: v1 triggers
        for name, body in aggregates.TRIGGERS.items():
            db.execute(f'DROP TRIGGER "{name}"')
            db.execute(f'CREATE TRIGGER "{name.replace(aggregates.VERSION, "hours_v1_")}" {body}')
        db.execute("DROP TABLE channel_hour")
    engine.dispose()

    reopened = open_engine(path)
    with Session(reopened) as session:
        assert session.exec(select(ChannelHour)).all() != []
        board = dashboard(session, Window(AS_OF, DAY))
    # the phone call answered in 5 s is a live contact within the 20 s target
    assert (board.service_level.offered, board.service_level.answered_within) == (1, 1)
    reopened.dispose()


def test_hours_written_by_another_program_are_counted_from_the_rows(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "t.db")
    with Session(engine) as session:
        session.add(Ticket(id="A", created_at=AS_OF - DAY, version_at=0, first_response_at=AS_OF))
        session.commit()
    rebuild(engine)
    with writer(engine) as db:  # a plain SQL write, no rebuild: its hour stays listed
        db.execute("UPDATE ticket SET created_at = ? WHERE id = 'A'", (AS_OF - 100,))
    with Session(engine) as session:
        listed = {h.hour for h in session.exec(select(HourToRebuild)).all()}
        reply = dashboard(session, Window(AS_OF, 2 * DAY)).first_response
        stale_hour = session.get(TicketHour, (AS_OF - DAY) // HOUR)
    assert listed == {(AS_OF - DAY) // HOUR, (AS_OF - 100) // HOUR}
    assert stale_hour is not None  # the tally still holds the old hour ...
    assert (reply.count, reply.median_seconds) == (1, 100.0)  # ... but the row decides
    engine.dispose()


def test_daily_series_from_tallies_on_a_clock_change_day() -> None:
    """Europe/London's 25-hour day: its hours come from the tallies, split at local
    midnight, and agree with the scan."""
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(empty_database(Path(folder) / "t.db"))
        change = 1_698_541_200  # 2023-10-29T01:00:00Z, clocks go back in London
        with Session(engine) as session:
            for n in range(60):
                created = change - 30 * HOUR + n * HOUR + 59
                session.add(
                    Ticket(
                        id=f"T{n}", created_at=created, version_at=0, first_response_at=created + n
                    )
                )
            session.commit()
        rebuild(engine)
        hours = BusinessHours("Europe/London")
        as_of = change + 30 * HOUR
        with Session(engine) as session:
            tallied = daily_series(session, as_of, days=4, hours=hours)
            rows = scanned(daily_series, session, as_of, days=4, hours=hours)
        engine.dispose()
    assert tallied == rows
    # London days: 27 Oct from 19:00 UTC (4 hours), 28 Oct, 29 Oct (25 hours), 30 Oct to 07:00.
    assert [p.created for p in tallied] == [4, 24, 25, 7]


@pytest.mark.parametrize(
    ("field", "first", "then"),
    [
        ("queue", "billing", "orders"),
        ("channel", "email", "chat"),
        ("agent", "Ana", "Ben"),
        ("priority", "low", "high"),
    ],
)
def test_a_ticket_moved_to_another_value_takes_its_surveys_along(
    tmp_path: Path, field: str, first: str, then: str
) -> None:
    """The survey is loaded once; its ticket's later versions move it to another queue
    (channel, agent, priority), then to none. The surveys' tallies follow, whether the
    loader or another program wrote the ticket."""
    folder = tmp_path / "data"
    folder.mkdir()
    tickets = folder / "tickets.csv"
    tickets.write_text(
        f"id,created_at,updated_at,status,{field}\n"
        f"A,2023-11-15T09:00:00Z,2023-11-15T09:00:00Z,open,{first}\n"
    )
    (folder / "surveys.csv").write_text(
        "id,submitted_at,kind,score,ticket_id\nS,2023-11-15T10:30:00Z,nps,10,A\n"
    )
    engine = open_engine(tmp_path / "t.db")
    window = Window(AS_OF, DAY)

    def promoters() -> tuple[int, ...]:
        with Session(engine) as session:
            return tuple(
                dashboard(session, window, Filters(**{field: value})).nps.promoters
                for value in (first, then)
            )

    Loader(engine, folder, settle_seconds=0).load_all()
    assert promoters() == (1, 0)
    with tickets.open("a") as out:
        out.write(f"A,2023-11-15T09:00:00Z,2023-11-15T11:00:00Z,open,{then}\n")
    Loader(engine, folder, settle_seconds=0).load_all()
    assert promoters() == (0, 1)
    with tickets.open("a") as out:
        out.write("A,2023-11-15T09:00:00Z,2023-11-15T11:30:00Z,open,\n")
    Loader(engine, folder, settle_seconds=0).load_all()
    assert promoters() == (0, 0)
    with writer(engine) as db:  # a plain SQL write: the triggers list the survey's hour
        db.execute(f"UPDATE ticket SET {field} = ? WHERE id = 'A'", (first,))
    assert promoters() == (1, 0)
    rebuild(engine)
    assert promoters() == (1, 0)
    engine.dispose()


def test_a_database_with_the_tallies_of_v3_gains_the_tallies_by_dimension_when_opened(
    tmp_path: Path,
) -> None:
    """A database left by the version before the tallies by dimension (v3 triggers, no
    dimension tables) has them built when next opened, and filtered views read them."""
    path = tmp_path / "v3.db"
    engine = open_engine(path)
    with Session(engine) as session:
        session.add(
            Ticket(
                id="P",
                created_at=AS_OF - 2 * HOUR,
                version_at=0,
                status="open",
                channel="phone",
                queue="billing",
                agent="Ana",
                first_response_at=AS_OF - 2 * HOUR + 5,
            )
        )
        session.add(Survey(id="S", submitted_at=AS_OF - HOUR, kind="nps", score=9, ticket_id="P"))
        session.commit()
    with writer(engine) as db:  # as cxtui left it before dimension_hour: v3 triggers
        for name, body in aggregates.TRIGGERS.items():
            db.execute(f'DROP TRIGGER "{name}"')
            db.execute(f'CREATE TRIGGER "{name.replace(aggregates.VERSION, "hours_v3_")}" {body}')
        db.execute("DROP TABLE dimension_hour")
        db.execute("DROP TABLE survey_dimension_hour")
    engine.dispose()

    reopened = open_engine(path)
    with Session(reopened) as session:
        stored = {(h.dimension, h.value) for h in session.exec(select(DimensionHour)).all()}
        surveyed = {
            (h.dimension, h.value, h.promoters)
            for h in session.exec(select(SurveyDimensionHour)).all()
        }
    assert {("queue", '"billing"'), ("agent", '"Ana"'), ("channel", '"phone"')} <= stored
    assert ("agent", '"Ana"', 1) in surveyed
    with writer(reopened) as db:  # the filtered view reads the new tallies: a change shows
        db.execute("UPDATE dimension_hour SET created = 5 WHERE dimension = 'agent'")
    with Session(reopened) as session:
        board = dashboard(session, Window(AS_OF, DAY), Filters(agent="Ana"))
    assert (board.resolution.created, board.nps.promoters) == (5, 1)
    reopened.dispose()


def test_the_loader_keeps_tallies_by_each_dimension_split_by_channel(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tickets.csv").write_text(
        "id,created_at,status,first_response_at,channel,queue,priority,agent\n"
        "A,2023-11-15T10:00:00Z,open,2023-11-15T10:00:30Z,phone,billing,high,Ana\n"
        "B,2023-11-15T10:10:00Z,open,2023-11-15T10:10:10Z,phone,billing,low,Ben\n"
        "C,2023-11-15T10:20:00Z,abandoned,,chat,orders,high,\n"
    )
    engine = open_engine(tmp_path / "t.db")
    Loader(engine, folder, settle_seconds=0).load_all()
    with Session(engine) as session:
        stored = {
            (h.dimension, h.value, h.channel): (h.created, h.answered, h.abandoned, h.waits)
            for h in session.exec(select(DimensionHour)).all()
        }
        ten = (AS_OF - 2 * HOUR) // HOUR
        assert {h.hour for h in session.exec(select(DimensionHour)).all()} == {ten}
    assert stored == {
        ("channel", '"phone"', "phone"): (2, 2, 0, pack([10, 30])),
        ("channel", '"chat"', "chat"): (1, 0, 1, b""),
        ("queue", '"billing"', "phone"): (2, 2, 0, pack([10, 30])),
        ("queue", '"orders"', "chat"): (1, 0, 1, b""),
        ("priority", '"high"', "phone"): (1, 1, 0, pack([30])),
        ("priority", '"low"', "phone"): (1, 1, 0, pack([10])),
        ("priority", '"high"', "chat"): (1, 0, 1, b""),
        ("agent", '"Ana"', "phone"): (1, 1, 0, pack([30])),
        ("agent", '"Ben"', "phone"): (1, 1, 0, pack([10])),
        ("agent", "null", "chat"): (1, 0, 1, b""),
        ("queue+priority", '["billing", "high"]', "phone"): (1, 1, 0, pack([30])),
        ("queue+priority", '["billing", "low"]', "phone"): (1, 1, 0, pack([10])),
        ("queue+priority", '["orders", "high"]', "chat"): (1, 0, 1, b""),
        ("queue+agent", '["billing", "Ana"]', "phone"): (1, 1, 0, pack([30])),
        ("queue+agent", '["billing", "Ben"]', "phone"): (1, 1, 0, pack([10])),
        ("queue+agent", '["orders", null]', "chat"): (1, 0, 1, b""),
        ("priority+agent", '["high", "Ana"]', "phone"): (1, 1, 0, pack([30])),
        ("priority+agent", '["low", "Ben"]', "phone"): (1, 1, 0, pack([10])),
        ("priority+agent", '["high", null]', "chat"): (1, 0, 1, b""),
    }
    # A filtered view reads these rows: a changed tally shows (the rows would say 2).
    with writer(engine) as db:
        db.execute("UPDATE dimension_hour SET created = 7 WHERE value = '\"billing\"'")
    with Session(engine) as session:
        board = dashboard(session, Window(AS_OF, DAY), Filters(queue="billing"))
    assert board.resolution.created == 7
    engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=steps,
    dimension=st.sampled_from(("agent", "queue", "channel")),
    window_seconds=st.sampled_from((5 * HOUR + 17, DAY, 3 * DAY, 7 * DAY, 30 * DAY)),
    as_of_offset=st.one_of(
        st.integers(-13 * HOUR, 13 * HOUR),
        st.sampled_from((-12 * HOUR - 1, -12 * HOUR, 12 * HOUR - 1, 12 * HOUR)),
    ),
)
def test_every_value_of_a_dimension_at_once_gives_a_scan_of_the_rows(
    history: list[tuple[Any, ...]], dimension: str, window_seconds: int, as_of_offset: int
) -> None:
    """The agents table's read (whole days and quarter days from the block tallies, other
    whole hours from the hourly ones, edges and stale hours from the rows) against one scan
    of the rows grouped by the dimension: every count, every first-reply wait, every survey
    tally; with windows that start and end at midnight, just before and after, or mid-day."""
    as_of = AS_OF + as_of_offset
    span = (as_of - window_seconds + 1, as_of + 1)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(empty_database(Path(folder) / "t.db"))
        try:
            for step in history:
                apply(engine, step)
            with writer(engine) as db:
                tickets = aggregates.ticket_tallies_by(db, span, dimension)
                surveys = aggregates.survey_tallies_by(db, span, dimension)
                (scanned_tickets,) = scan_ticket_groups(db, [span], (dimension,))
                (scanned_surveys,) = scan_survey_groups(db, [span], (dimension,))
        finally:
            engine.dispose()

    def figures(tally: TicketTally) -> tuple[Any, ...]:
        counts = tuple(getattr(tally, name) for name in (*TicketTally.COUNTS, "solved"))
        return counts, sorted(chain.from_iterable(tally.waits.runs)), tally.waits.count

    assert {value: figures(tally) for value, tally in tickets.items()} == {
        value: figures(tally) for (value,), tally in scanned_tickets.items()
    }
    assert all(len(tally.waits.runs) <= 1 for tally in tickets.values())
    assert surveys == {value: tallies for (value,), tallies in scanned_surveys.items()}


def test_a_database_with_the_tallies_of_v4_gains_the_agents_blocks_when_opened(
    tmp_path: Path,
) -> None:
    """A database left by the version before the tallies by block (v4 triggers, no block
    tables) has them built when next opened, and the agents table reads them for whole
    days and quarter days."""
    path = tmp_path / "v4.db"
    engine = open_engine(path)
    created = AS_OF - 3 * DAY + 2 * HOUR  # 14:00, in a whole day and a whole quarter
    with Session(engine) as session:
        session.add(
            Ticket(
                id="P",
                created_at=created,
                version_at=0,
                status="open",
                channel="phone",
                agent="Ana",
                first_response_at=created + 5,
            )
        )
        session.add(Survey(id="S", submitted_at=created + 60, kind="nps", score=9, ticket_id="P"))
        session.commit()
    with writer(engine) as db:
        for name, body in aggregates.TRIGGERS.items():
            db.execute(f'DROP TRIGGER "{name}"')
            db.execute(f'CREATE TRIGGER "{name.replace(aggregates.VERSION, "hours_v4_")}" {body}')
        db.execute("DROP TABLE dimension_block")
        db.execute("DROP TABLE survey_dimension_block")
    engine.dispose()

    reopened = open_engine(path)
    with writer(reopened) as db:
        blocks = db.execute(
            "SELECT hours, first_hour, value, created, length(waits) FROM dimension_block"
        ).fetchall()
        surveyed = db.execute(
            "SELECT hours, value, promoters FROM survey_dimension_block"
        ).fetchall()
    day, quarter = created // DAY * 24, created // (6 * HOUR) * 6
    assert sorted(blocks) == [(6, quarter, '"Ana"', 1, 8), (24, day, '"Ana"', 1, 8)]
    assert sorted(surveyed) == [(6, '"Ana"', 1), (24, '"Ana"', 1)]
    span = (AS_OF - 7 * DAY + 1, AS_OF + 1)
    with writer(reopened) as db:  # the whole day is read from its block: a change shows
        db.execute("UPDATE dimension_block SET created = 5 WHERE hours = 24")
        db.execute("UPDATE survey_dimension_block SET promoters = 7 WHERE hours = 24")
        tickets = aggregates.ticket_tallies_by(db, span, "agent")
        surveys = aggregates.survey_tallies_by(db, span, "agent")
    assert tickets["Ana"].created == 5
    assert list(chain.from_iterable(tickets["Ana"].waits.runs)) == [5]
    assert surveys["Ana"]["nps"].promoters == 7
    reopened.dispose()


def test_a_database_with_the_tallies_of_v5_gains_the_agents_pairs_when_opened(
    tmp_path: Path,
) -> None:
    """A database left by the version before the agent's pairs were kept (v5 triggers, its
    dimension tables without them) has them built when next opened for writing, and a
    queue or a priority with an agent is then read from them."""
    path = tmp_path / "v5.db"
    engine = open_engine(path)
    with Session(engine) as session:
        session.add(
            Ticket(
                id="P",
                created_at=AS_OF - 2 * HOUR,
                version_at=0,
                status="open",
                channel="phone",
                queue="billing",
                priority="high",
                agent="Ana",
                first_response_at=AS_OF - 2 * HOUR + 5,
            )
        )
        session.add(Survey(id="S", submitted_at=AS_OF - HOUR, kind="nps", score=9, ticket_id="P"))
        session.commit()
    rebuild(engine)
    pairs = ("queue+agent", "priority+agent")
    with writer(engine) as db:  # as cxtui v5 left it: v5 triggers, no pairs with the agent
        for name, body in aggregates.TRIGGERS.items():
            db.execute(f'DROP TRIGGER "{name}"')
            db.execute(f'CREATE TRIGGER "{name.replace(aggregates.VERSION, "hours_v5_")}" {body}')
        for table in ("dimension_hour", "survey_dimension_hour"):
            db.execute(f"DELETE FROM {table} WHERE dimension IN (?, ?)", pairs)
    engine.dispose()

    reopened = open_engine(path)
    with writer(reopened) as db:
        stored = db.execute(
            "SELECT dimension, value, created FROM dimension_hour WHERE dimension IN (?, ?)",
            pairs,
        ).fetchall()
        surveyed = db.execute(
            "SELECT dimension, value, promoters FROM survey_dimension_hour"
            " WHERE dimension IN (?, ?)",
            pairs,
        ).fetchall()
    assert sorted(stored) == [
        ("priority+agent", '["high", "Ana"]', 1),
        ("queue+agent", '["billing", "Ana"]', 1),
    ]
    assert sorted(surveyed) == [
        ("priority+agent", '["high", "Ana"]', 1),
        ("queue+agent", '["billing", "Ana"]', 1),
    ]
    with writer(reopened) as db:  # the filtered views read the new tallies: a change shows
        db.execute("UPDATE dimension_hour SET created = 5 WHERE dimension = 'queue+agent'")
        db.execute("UPDATE dimension_hour SET created = 6 WHERE dimension = 'priority+agent'")
    with Session(reopened) as session:
        window = Window(AS_OF, DAY)
        by_queue = dashboard(session, window, Filters(queue="billing", agent="Ana"))
        by_priority = dashboard(session, window, Filters(priority="high", agent="Ana"))
    assert (by_queue.resolution.created, by_queue.nps.promoters) == (5, 1)
    assert (by_priority.resolution.created, by_priority.nps.promoters) == (6, 1)
    reopened.dispose()


# Writes within two days, so that commits keep landing in the days and quarter days of
# earlier ones: the blocks a rebuild leaves alone must still be right.
nearby = st.integers(AS_OF - 2 * DAY, AS_OF)
nearby_steps = st.lists(
    st.tuples(
        st.lists(
            st.tuples(ticket_rows, nearby).map(lambda pair: {**pair[0], "created_at": pair[1]}),
            max_size=6,
        ),
        st.lists(
            st.tuples(survey_rows, nearby).map(lambda pair: {**pair[0], "submitted_at": pair[1]}),
            max_size=4,
        ),
        st.lists(st.integers(0, 40).map(lambda n: f"T{n}"), max_size=2),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
)
HOURLY_TABLES = (
    "ticket_hour",
    "channel_hour",
    "dimension_hour",
    "survey_hour",
    "survey_dimension_hour",
)
BLOCK_COUNTS = (*TicketTally.COUNTS, "solved")


def blocks_summed_from_hours(db: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
    """The ticket and survey blocks as sums of the hourly tallies by dimension, worked out
    here in Python: every block of every length, each from its own hours."""
    tickets: dict[tuple[Any, ...], tuple[list[int], list[int]]] = {}
    surveys: dict[tuple[Any, ...], list[int]] = {}
    dimensions = json.dumps(block_tallies.BLOCK_DIMENSIONS)
    only = "WHERE dimension IN (SELECT value FROM json_each(?))"
    for dimension, value, hour, *counts, waits in db.execute(
        f"SELECT dimension, value, hour, {', '.join(BLOCK_COUNTS)}, waits"
        f" FROM dimension_hour {only}",
        (dimensions,),
    ):
        for length in block_tallies.BLOCK_HOURS:
            key = (dimension, length, hour - hour % length, value)
            summed, joined = tickets.setdefault(key, ([0] * len(counts), []))
            summed[:] = [a + b for a, b in zip(summed, counts, strict=True)]
            joined.extend(unpack(waits))
    for dimension, value, hour, kind, *counts in db.execute(
        f"SELECT dimension, value, hour, kind, {', '.join(SurveyTally.COUNTS)}"
        f" FROM survey_dimension_hour {only}",
        (dimensions,),
    ):
        for length in block_tallies.BLOCK_HOURS:
            key = (dimension, length, hour - hour % length, value, kind)
            summed = surveys.setdefault(key, [0] * len(counts))
            summed[:] = [a + b for a, b in zip(summed, counts, strict=True)]
    return sorted(
        (*key, *summed, pack(sorted(joined))) for key, (summed, joined) in tickets.items()
    ), sorted((*key, *summed) for key, summed in surveys.items())


def hourly_tallies(db: sqlite3.Connection) -> dict[str, list[Any]]:
    return {name: sorted(db.execute(f"SELECT * FROM {name}")) for name in HOURLY_TABLES}


def stored_blocks(db: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
    return sorted(
        db.execute(
            f"SELECT dimension, hours, first_hour, value, {', '.join(BLOCK_COUNTS)}, waits"
            " FROM dimension_block"
        )
    ), sorted(
        db.execute(
            f"SELECT dimension, hours, first_hour, value, kind, {', '.join(SurveyTally.COUNTS)}"
            " FROM survey_dimension_block"
        )
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=nearby_steps)
def test_rebuilding_only_the_hours_touched_gives_what_a_full_rebuild_gives(
    history: list[tuple[Any, ...]],
) -> None:
    """Each commit rebuilds only the hours it touched and the blocks holding them (a quarter
    from its hours, a day from its quarters). After any series of commits the hourly tallies
    must hold what rebuilding every hour from the rows gives, and every block the sum of its
    hours, worked out here."""
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(Path(folder) / "t.db")
        try:
            for step in history:
                apply(engine, step)
            rebuild(engine)
            with writer(engine) as db:
                hourly = hourly_tallies(db)
                blocks = stored_blocks(db)
                db.execute(f'DROP TRIGGER "{next(iter(aggregates.TRIGGERS))}"')
                assert aggregates.install(db)
                full = hourly_tallies(db)
                summed = blocks_summed_from_hours(db)
        finally:
            engine.dispose()
    assert hourly == full
    assert blocks == summed
