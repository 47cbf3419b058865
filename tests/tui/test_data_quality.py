"""What the screen owns up to: replies and resolutions dated before their ticket (left out of
the times shown), and files in the folder that cannot be loaded (with the reason)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.ingest.loader import Loader
from cxtui.ingest.presets import UNKNOWN_KIND
from cxtui.ingest.watcher import watch_folder
from cxtui.store import open_engine
from cxtui.tui.status_line import skipped_text
from tests.tui.conftest import settle, wait_for
from tests.tui.fixtures import HOUR, make_app, screen_text, ticket

pytestmark = pytest.mark.anyio


async def test_panes_say_how_many_impossible_times_they_leave_out(engine: Engine) -> None:
    with Session(engine) as session:
        session.add_all(
            [
                ticket("Q-1", HOUR, "solved", replied_after=-600, resolved_after=-300),
                ticket("Q-2", 2 * HOUR, "open", replied_after=-60),
            ]
        )
        session.commit()
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    assert "left out: 2 replies before created" in text
    assert "left out: 1 resolved before created" in text


async def test_panes_say_nothing_when_every_time_is_possible(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    assert "left out" not in text


def test_the_watcher_tells_which_files_it_skips_and_why(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text("id,created_at,status\nT1,2026-11-20T10:00:00Z,open\n")
    (tmp_path / "users.csv").write_text("id,created_at,name\nU1,2026-01-02T09:00:00Z,Ana\n")
    engine = open_engine(tmp_path / ".cxtui" / "cxtui.db")
    heard: list[dict[str, str]] = []
    stop = threading.Event()

    def skipped(files: dict[str, str]) -> None:
        heard.append(files)
        stop.set()

    try:
        watch_folder(Loader(engine, tmp_path, settle_seconds=0), stop, on_skipped=skipped)
    finally:
        engine.dispose()
    assert heard == [{"users.csv": UNKNOWN_KIND}]


def test_the_status_line_names_the_skipped_file_and_why() -> None:
    one = skipped_text((("users.csv", UNKNOWN_KIND),))
    assert one.startswith("⚠ users.csv skipped: not recognised as tickets")
    two = skipped_text((("users.csv", UNKNOWN_KIND), ("orgs.csv", UNKNOWN_KIND)))
    assert two == "⚠ 2 files skipped: users.csv, …"
    assert "\x1b" not in skipped_text((("a\x1b]0;x\x07.csv", "why"),))


async def test_the_app_shows_a_skipped_file_in_its_status_line(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    now = datetime.fromtimestamp(int(time.time()) - HOUR, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    (folder / "tickets.csv").write_text(f"id,created_at,status\nT1,{now},open\n")
    (folder / "users.csv").write_text(f"id,created_at,name,email\nU1,{now},Ana,a@example.com\n")
    engine = open_engine(folder / ".cxtui" / "cxtui.db")
    app = make_app(engine, as_of=None, data_dir=folder, ingest=True)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: "users.csv skipped" in screen_text(app), 30.0)
        await pilot.press("q")
    engine.dispose()
