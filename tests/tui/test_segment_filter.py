"""The survey segment filter at 80x24: picked in the filter dialog (`f`), the Experience pane
shows the narrowed count and names the segment, the status line says "surveys only", the
Queue pane is not narrowed, and clearing the filters restores everyone. Enter on a segment
row of the agents screen applies the same filter.

The fixed centre's NPS answers in the 7d window are S-1 (2), S-2 (10) and S-3 (8); three
more are added here with a region and no ticket: two EU (10 and 0) and one US (9).
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.widgets import Select

from cxtui.config import Config
from cxtui.ingest.mapping import parse_mapping
from cxtui.metrics import Filters
from cxtui.models import Survey
from cxtui.tui.agents_screen import AgentsScreen
from cxtui.tui.app import CxApp
from cxtui.tui.filters import FilterScreen, Picker
from cxtui.tui.lists import SurveyListScreen
from tests.tui.conftest import big_number, press, settle, wait_for
from tests.tui.fixtures import AS_OF, HOUR, make_app, screen_text

pytestmark = pytest.mark.anyio

SIZE = (80, 24)
EU = ("region", "EU")


def add_regions(engine: Engine) -> None:
    with Session(engine) as session:
        session.add_all(
            Survey(
                id=f"SEG-{n}",
                submitted_at=AS_OF - (n + 1) * HOUR,
                kind="nps",
                score=score,
                segments=f'{{"region": "{region}"}}',
            )
            for n, (score, region) in enumerate([(10, "EU"), (0, "EU"), (9, "US")])
        )
        session.commit()


def app_with_regions(engine: Engine) -> CxApp:
    add_regions(engine)
    mapping = parse_mapping(
        {"files": "s.csv", "segments": ["region"], "survey": {"id": "a"}}, name="m", origin="t"
    )
    return make_app(engine, config=Config(mappings=(mapping,)))


def pane_text(app: CxApp, pane_id: str) -> str:
    """The lines of one dashboard pane as drawn, border included."""
    region = app.dashboard.query_one(f"#{pane_id}").region
    lines = screen_text(app).splitlines()[region.y : region.y + region.height]
    return "\n".join(row[region.x : region.x + region.width] for row in lines)


def status_text(app: CxApp) -> str:
    return screen_text(app).splitlines()[-2]


async def test_pick_a_segment_then_clear(engine: Engine) -> None:
    app = app_with_regions(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = big_number(app, "queue")
        assert "n 6" in pane_text(app, "experience")  # S-1 S-2 S-3 and the three added
        await press(pilot, "f", "tab", "tab", "tab", "tab")  # channel → … → segment
        assert isinstance(app.screen, FilterScreen)
        segment = app.screen.query_one("#segment", Picker)
        assert segment.has_focus
        assert "any segment (surveys only)" in screen_text(app)
        await press(pilot, "r")  # jumps to the first "region = …" choice
        assert segment.expanded
        await press(pilot, "enter")
        assert segment.value != Select.BLANK
        await press(pilot, "ctrl+s")
        assert app.view.filters == Filters(segment=EU)
        experience = pane_text(app, "experience")
        assert "Experience · region = EU only" in experience
        assert "n 2" in experience  # SEG-0 a promoter, SEG-1 a detractor
        assert big_number(app, "experience") == "0"
        # Pinned, with rows quarantined, 80 columns leave room for the value alone.
        assert "│ EU (surveys only) │" in status_text(app)
        assert big_number(app, "queue") == queue  # tickets are not narrowed

        app.dashboard.query_one("#experience").focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, SurveyListScreen)
        assert (
            screen_text(app)
            .splitlines()[0]
            .strip()
            .startswith("Survey responses of region = EU · last 7d · 2 responses")
        )
        await press(pilot, "escape")

        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        assert app.screen.query_one("#segment", Picker).value == '["region", "EU"]'
        await pilot.click("#clear")
        await settle(pilot)
        assert app.view.filters == Filters()
        experience = pane_text(app, "experience")
        assert "n 6" in experience
        assert "region" not in experience
        assert "surveys only" not in status_text(app)


async def test_no_segment_picker_without_segments(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        assert not app.screen.query("#segment")


async def test_enter_on_a_segment_row_narrows_the_surveys(engine: Engine) -> None:
    app = app_with_regions(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A", "v", "v", "v")  # agents → queues → channels → region
        assert isinstance(app.screen, AgentsScreen)
        shown = [row.value for row in app.screen.shown]
        await press(pilot, *["down"] * shown.index("US"), "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, AgentsScreen))
        await settle(pilot)
        assert app.view.filters == Filters(segment=("region", "US"))
        assert "n 1" in pane_text(app, "experience")
        assert "Experience · region = US only" in pane_text(app, "experience")
