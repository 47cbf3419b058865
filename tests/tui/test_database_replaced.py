"""A database deleted or replaced under the running app is noticed, reopened, and said."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Digits

from cxtui.ingest.loader import Loader
from cxtui.store import open_engine
from cxtui.tui.app import CxApp
from tests.tui.conftest import wait_for
from tests.tui.fixtures import HOUR, make_app, screen_text

pytestmark = pytest.mark.anyio

LIVE_TIMEOUT = 30.0
HEADER = "id,created_at,status,priority,channel,subject\n"


def open_tickets(first: int, last: int) -> str:
    an_hour_ago = datetime.fromtimestamp(int(time.time() - HOUR), UTC).isoformat()
    return "".join(f"R-{n},{an_hour_ago},open,normal,email,S\n" for n in range(first, last))


def queue_number(app: CxApp) -> str:
    return app.dashboard.query_one("#queue .big", Digits).value


def remove_database(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


async def test_the_app_loads_the_folder_into_a_new_database_when_its_own_is_deleted(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    tickets_csv = folder / "tickets.csv"
    tickets_csv.write_text(HEADER + open_tickets(0, 4))
    db_path = folder / ".cxtui" / "cxtui.db"
    engine = open_engine(db_path)
    app = make_app(engine, as_of=None, now=time.time, data_dir=folder, ingest=True)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: queue_number(app) == "4", LIVE_TIMEOUT)
        remove_database(db_path)
        with tickets_csv.open("a") as handle:
            handle.write(open_tickets(4, 5))
        await wait_for(pilot, lambda: queue_number(app) == "5", LIVE_TIMEOUT)
        await wait_for(pilot, lambda: "recreated" in screen_text(app), LIVE_TIMEOUT)
        assert "database deleted; recreated at" in screen_text(app)
        await pilot.press("q")
    engine.dispose()


async def test_a_viewer_shows_the_database_put_in_place_of_its_own(tmp_path: Path) -> None:
    for name, rows in (("first", 3), ("second", 7)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "tickets.csv").write_text(HEADER + open_tickets(0, rows))
        loading = open_engine(folder / "x.db")
        Loader(loading, folder, settle_seconds=0).load_all()
        loading.dispose()
    engine = open_engine(tmp_path / "first" / "x.db")
    app = make_app(engine, as_of=None, now=time.time, data_dir=tmp_path / "first", ingest=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: queue_number(app) == "3", LIVE_TIMEOUT)
        os.replace(tmp_path / "second" / "x.db", tmp_path / "first" / "x.db")
        await wait_for(pilot, lambda: queue_number(app) == "7", LIVE_TIMEOUT)
        await wait_for(pilot, lambda: "reopened" in screen_text(app), LIVE_TIMEOUT)
        assert "database replaced; reopened at" in screen_text(app)
        await pilot.press("q")
    engine.dispose()
