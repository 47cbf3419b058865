"""Fixtures for the screen tests: the fixed database, and waiting for the app to go quiet."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Digits

from cxtui.tui.app import CxApp
from cxtui.tui.filters import FilterScreen
from cxtui.tui.journey import JourneyScreen
from cxtui.tui.paged_list import PagedList
from cxtui.tui.ticket import TicketScreen
from tests.tui.fixtures import build_database

SETTLE_TIMEOUT = 15.0


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (anyio's pytest plugin comes with watchfiles' anyio)."""
    return "asyncio"


@pytest.fixture
def sql_threads() -> list[threading.Thread]:
    """The thread of every SQL statement the `engine` fixture runs once it is built."""
    return []


@pytest.fixture
def engine(tmp_path: Path, sql_threads: list[threading.Thread]) -> Iterator[Engine]:
    """The fixed contact centre, recording which thread runs each statement from now on.

    The app's event loop is the main thread, so a test can check it never ran SQL.
    """
    built = build_database(tmp_path / "cxtui.db")

    def record(*_args: object) -> None:
        sql_threads.append(threading.current_thread())

    event.listen(built, "before_cursor_execute", record)
    yield built
    built.dispose()


def is_settled(app: CxApp) -> bool:
    """Nothing is loading: the panes, the list on screen, the ticket or journey in front."""
    if app.snapshot is None or app.refresh_pending:
        return False
    if any(not worker.is_finished for worker in app.workers):
        return False
    screen = app.screen
    if any(rows.busy for rows in screen.query(PagedList)):
        return False
    if getattr(screen, "search_pending", False):
        return False
    if isinstance(screen, TicketScreen) and not screen.loaded:
        return False
    if isinstance(screen, JourneyScreen) and screen.journey is None:
        return False
    return not (isinstance(screen, FilterScreen) and not screen.choices_loaded)


async def wait_for(
    pilot: Pilot[object], condition: Callable[[], bool], timeout: float = SETTLE_TIMEOUT
) -> None:
    """Let the app run until `condition` holds; fail (not hang) after a generous timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.02)


async def settle(pilot: Pilot[object]) -> None:
    """Wait until the app has nothing left to load, twice, so the last messages are drawn."""
    app = pilot.app
    assert isinstance(app, CxApp)
    for _ in range(2):
        await wait_for(pilot, lambda: is_settled(app))
        await pilot.pause()


async def press(pilot: Pilot[object], *keys: str) -> None:
    """Press keys one at a time, letting the app settle after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def big_number(app: CxApp, pane_id: str) -> str:
    """The headline digits of a dashboard pane."""
    return app.screen.query_one(f"#{pane_id} .big", Digits).value


def list_ids(app: CxApp) -> list[str]:
    """The ids of every row of the list on screen (the fixture lists fit in one page)."""
    rows = app.screen.query_one(PagedList)
    assert rows.total is not None
    return [rows._rows[i].id for i in range(rows.total)]
