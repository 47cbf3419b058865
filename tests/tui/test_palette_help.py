"""The palette reads what is typed and keeps Textual's own commands; F1 and ? show cxtui's
keys first without Textual's internals; the theme and window are remembered; `w` keeps the
window the app opened with. Ids come from tests/tui/fixtures.py (C-3 owns only T-003)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.help import HelpScreen
from cxtui.tui.journey import JourneyScreen
from cxtui.tui.lists import TicketListScreen
from cxtui.tui.ticket import TicketScreen
from tests.tui.conftest import press, settle, wait_for
from tests.tui.fixtures import DAY, HOUR, WEEK, make_app

pytestmark = pytest.mark.anyio

SIZE = (100, 30)


def hits(app: App[object]) -> list[str]:
    commands = app.screen.query_one(CommandList)
    return [
        str(commands.get_option_at_index(i).prompt).partition("\n")[0]
        for i in range(commands.option_count)
    ]


def top_hit(app: App[object]) -> str:
    listed = hits(app)
    return listed[0] if listed else ""


async def type_in_palette(pilot: Pilot[object], typed: str, top: str) -> None:
    await press(pilot, "ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*typed)
    await wait_for(pilot, lambda: top_hit(pilot.app) == top)


async def test_journey_and_an_id_open_that_customers_journey(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_in_palette(pilot, "journey C-2", "Customer journey of C-2")
        await press(pilot, "enter")
        assert isinstance(app.screen, JourneyScreen)
        assert app.screen.customer_id == "C-2"


async def test_a_bare_id_opens_what_it_names(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_in_palette(pilot, "C-3", "Customer journey of C-3")
        assert "Open ticket C-3" not in hits(app)  # no ticket has that id
        await press(pilot, "enter")
        assert isinstance(app.screen, JourneyScreen)
        await press(pilot, "escape")
        await type_in_palette(pilot, "T-003", "Open ticket T-003")
        assert "Customer journey of T-003" not in hits(app)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket_id == "T-003"


async def test_textual_commands_stay_and_are_not_taken_for_ids(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(engine)
    delivered: list[bool] = []
    monkeypatch.setattr(app, "deliver_screenshot", lambda: delivered.append(True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_in_palette(pilot, "theme", "Theme")
        assert not [hit for hit in hits(app) if hit.startswith(("Open ticket", "Customer"))]
        await press(pilot, "escape")
        await type_in_palette(pilot, "screenshot", "Screenshot")
        await press(pilot, "enter")
        await wait_for(pilot, lambda: delivered == [True])


async def test_f1_opens_and_closes_the_keys(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "f1")
        assert isinstance(app.screen, DashboardScreen)


async def test_help_lists_cxtuis_keys_first_without_textual_internals(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = app.screen.keys
        descriptions = [description for _, description in listed]
        keys = " / ".join(key for key, _ in listed).split(" / ")
        assert "ctrl+pageup" not in keys and "super+c" not in keys and "Ctrl+C" not in keys
        assert "Copy selected text" not in descriptions and "Page Left" not in descriptions
        assert dict((d, k) for k, d in listed)["Keys"] == "? / F1"
        assert dict((d, k) for k, d in listed)["Quit"] == "q / Ctrl+Q"
        # Textual's keys worth knowing come after every one of cxtui's.
        assert descriptions.index("Command palette") > descriptions.index("Sort")
        assert descriptions.index("Next pane or field") > descriptions.index("Filters")
        assert isinstance(app.screen_stack[-2], TicketListScreen)


async def test_w_steps_through_the_window_the_app_opened_with(engine: Engine) -> None:
    app = make_app(engine, window_seconds=4 * HOUR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(4):
            await press(pilot, "w")
            seen.append(app.view.window_seconds)
        assert seen == [24 * HOUR, WEEK, 30 * DAY, 4 * HOUR]
        await type_in_palette(pilot, "last 4h", "Window: last 4h")


def remembered(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


async def test_theme_and_window_are_remembered(engine: Engine, tmp_path: Path) -> None:
    state = tmp_path / "state" / "state.json"
    app = make_app(engine, state_file=state)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await press(pilot, "w")
        await wait_for(pilot, lambda: remembered(state) == {"theme": "nord", "window": "30d"})
    assert state.stat().st_mode & 0o077 == 0
    again = make_app(engine, state_file=state, theme="nord")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
