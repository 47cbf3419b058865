"""New data reaches the panes and lists without a key press, however it arrives.

No test here asserts a speed: each waits (with a generous timeout) for the condition, and the
latency is measured in bench/ instead.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.widgets import Digits

from cxtui.models import Survey, Ticket
from cxtui.store import open_engine
from cxtui.tui import source
from cxtui.tui.app import CxApp
from cxtui.tui.paged_list import PagedList
from tests.tui.conftest import press, settle, wait_for
from tests.tui.fixtures import AS_OF, DAY, HOUR, WEEK, make_app, screen_text, ticket

pytestmark = pytest.mark.anyio

LIVE_TIMEOUT = 30.0
HEADER = "id,created_at,status,priority,channel,subject\n"


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def queue_number(app: CxApp) -> str:
    return app.dashboard.query_one("#queue .big", Digits).value


async def test_rows_appended_to_a_watched_file_reach_the_queue_pane(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    an_hour_ago = iso(time.time() - HOUR)
    tickets_csv = folder / "tickets.csv"
    tickets_csv.write_text(
        HEADER
        + f"L-1,{an_hour_ago},open,normal,email,First\n"
        + f"L-2,{an_hour_ago},new,high,chat,Second\n"
    )
    engine = open_engine(folder / ".cxtui" / "cxtui.db")
    app = make_app(engine, as_of=None, data_dir=folder, ingest=True, now=time.time)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: queue_number(app) == "2", LIVE_TIMEOUT)
        with tickets_csv.open("a") as handle:
            handle.write(f"L-3,{iso(time.time() - 60)},open,urgent,phone,Third\n")
        await wait_for(pilot, lambda: queue_number(app) == "3", LIVE_TIMEOUT)
        assert app.last_change is not None
        assert "changed " in screen_text(app)
        await pilot.press("q")
    engine.dispose()


async def test_another_writer_committing_to_the_database_updates_the_panes(
    engine: Engine,
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert queue_number(app) == "6"
        with Session(engine) as session:
            session.add(ticket("T-100", HOUR, "open", customer="C-9"))
            session.commit()
        await wait_for(pilot, lambda: queue_number(app) == "7", LIVE_TIMEOUT)


async def test_a_burst_of_refresh_requests_runs_one_refresh(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = app.refreshes
        for _ in range(50):
            app.request_refresh()
        await settle(pilot)
        assert app.refreshes == before + 1


async def test_a_slow_refresh_is_never_doubled_and_skips_ticks(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = 0
    most_at_once = 0
    calls = 0
    lock = threading.Lock()
    real_snapshot = source.snapshot

    def slow_snapshot(*args: object, **kwargs: object) -> source.Snapshot:
        nonlocal running, most_at_once, calls
        with lock:
            running += 1
            calls += 1
            most_at_once = max(most_at_once, running)
        try:
            time.sleep(0.3)
            return real_snapshot(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(source, "snapshot", slow_snapshot)
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        calls = 0
        asks = 12
        for _ in range(asks):
            app.request_refresh()
            await pilot.pause(0.05)
        await settle(pilot)
        assert most_at_once == 1
        # Twelve asks 50 ms apart against a 300 ms refresh collapse into a few refreshes.
        assert 1 <= calls < asks


async def test_only_the_panes_whose_numbers_changed_are_redrawn(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        redrawn: list[list[str]] = []
        dashboard = app.dashboard
        show = dashboard.show

        def recording_show(snapshot: source.Snapshot) -> list[str]:
            redrawn.append(show(snapshot))
            return redrawn[-1]

        dashboard.show = recording_show  # type: ignore[method-assign]
        app.request_refresh()
        await settle(pilot)
        assert redrawn == [[]]
        # A CES response with no comment moves only the Experience pane's CES count.
        with Session(engine) as session:
            session.add(
                Survey(id="S-100", submitted_at=AS_OF - HOUR, kind="ces", score=2, ticket_id=None)
            )
            session.commit()
        await wait_for(pilot, lambda: len(redrawn) >= 2, LIVE_TIMEOUT)
        assert redrawn[1] == ["experience"]


def add_tickets(engine: Engine, count: int, first: int = 0) -> None:
    with Session(engine) as session:
        session.add_all(
            Ticket(
                id=f"B-{first + i:05d}",
                created_at=AS_OF - DAY - (first + i) * 60,
                status="open",
                version_at=AS_OF,
                subject=f"Bulk {first + i}",
            )
            for i in range(count)
        )
        session.commit()


async def test_a_list_keeps_its_place_and_counts_new_rows(engine: Engine) -> None:
    add_tickets(engine, 40)
    app = make_app(engine, window_seconds=WEEK)
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        app.open_list("all")  # newest first
        await settle(pilot)
        rows = app.screen.query_one(PagedList)
        await press(pilot, *["j"] * 12)
        chosen = rows.selected
        assert chosen is not None and rows.cursor == 12
        top_before = rows.scroll_y
        with Session(engine) as session:
            for n in range(3):
                session.add(ticket(f"N-{n}", 60 + n, "new", customer="C-9"))
            session.commit()
        await wait_for(pilot, lambda: rows.new_rows == 3, LIVE_TIMEOUT)
        await settle(pilot)
        # The same ticket is selected, three rows further down, and the view moved with it.
        assert rows.selected is not None and rows.selected.id == chosen.id
        assert rows.cursor == 15
        assert rows.scroll_y == top_before + 3
        assert "+3 new" in screen_text(app)
        await press(pilot, "g")
        assert rows.new_rows == 0
        assert rows.selected is not None and rows.selected.id == "N-0"
        assert "+3 new" not in screen_text(app)


async def test_a_list_reload_that_finds_nothing_new_draws_nothing(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        rows = app.screen.query_one(PagedList)
        redraws: list[object] = []
        redraw = rows.refresh

        def counting_refresh(*args: object, **kwargs: object) -> object:
            redraws.append(args)
            return redraw(*args, **kwargs)  # type: ignore[arg-type]

        rows.refresh = counting_refresh  # type: ignore[method-assign]
        # Data "moved" somewhere, but not in this list: the reload finds the same rows.
        app.generation += 1
        app.screen.catch_up()
        await settle(pilot)
        assert redraws == []
        # A new open ticket does change the list, and it is drawn.
        with Session(engine) as session:
            session.add(ticket("T-101", 30 * 60, "open", customer="C-9"))
            session.commit()
        await wait_for(pilot, lambda: rows.total == 7, LIVE_TIMEOUT)
        await settle(pilot)
        assert redraws
