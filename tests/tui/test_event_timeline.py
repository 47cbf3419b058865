"""The ticket screen shows what an event log says about a ticket (tests/events/, issue 16 §2):
ticket 102 was solved, reopened and solved again, which its ticket row alone never said."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cxtui.config import Config
from cxtui.store import open_engine
from tests.ingest_helpers import make_loader
from tests.tui.conftest import press, settle
from tests.tui.fixtures import make_app, screen_text

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).parent.parent / "events"
AS_OF = int(datetime(2026, 11, 20, 18, tzinfo=UTC).timestamp())


def field(text: str, label: str) -> list[str]:
    """The words after a field's label on the screen."""
    line = next(line for line in text.splitlines() if line.split()[:1] == [label])
    return line.split()[1:]


async def test_the_ticket_screen_shows_the_history_from_the_event_log(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    make_loader(data, settle_seconds=0).load_all()
    engine = open_engine(data / ".cxtui" / "cxtui.db")
    app = make_app(engine, config=Config(), as_of=AS_OF, now=lambda: AS_OF, data_dir=data)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.open_ticket("102")
            await settle(pilot)
            assert field(screen_text(app), "Reopens") == ["1"]
            await press(pilot, *["j"] * 24)  # down to the timeline
            text = screen_text(app)
            assert field(text, "Resolved") == [
                "2026-11-20",
                "15:00:00",
                "UTC",
                "after",
                "6h",
                "00m",
            ]
            timeline = text.split("Status timeline", 1)[1]
            steps = [line.split() for line in timeline.splitlines()[1:6]]
            assert [step[1] for step in steps] == [
                "09:00:00",
                "09:05:00",
                "11:00:00",
                "13:00:00",
                "15:00:00",
            ]
            assert [step[3] for step in steps] == ["new", "open", "solved", "open", "solved"]
    finally:
        engine.dispose()
