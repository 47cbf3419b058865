"""The filter dialog's pickers: bordered, the open list above the footer, letters jump."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Footer

from cxtui.metrics import Filters
from cxtui.tui.filters import FilterScreen, Picker
from tests.tui.conftest import press, settle, wait_for
from tests.tui.fixtures import make_app

pytestmark = pytest.mark.anyio


async def test_a_letter_jumps_to_the_agent_it_begins(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f", "tab", "tab")  # channel, queue, agent
        assert isinstance(app.screen, FilterScreen)
        agent = app.screen.query_one("#agent", Picker)
        assert agent.has_focus
        # The agents are "Ann Agent" and "Bob Agent"; "q" would quit anywhere else.
        await press(pilot, "b")
        assert agent.expanded
        overlay = agent.query_one("SelectOverlay")
        await wait_for(pilot, lambda: overlay.highlighted == 2)  # any agent, Ann, Bob
        assert isinstance(app.screen, FilterScreen)
        await press(pilot, "enter", "ctrl+s")
        assert app.view.filters == Filters(agent="Bob Agent")


async def test_pickers_are_bordered_and_their_list_stays_above_the_footer(
    engine: Engine,
) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f", "tab", "tab", "enter")
        assert isinstance(app.screen, FilterScreen)
        agent = app.screen.query_one("#agent", Picker)
        assert agent.expanded
        assert not agent.compact
        assert agent.outer_size.height == 3  # a border above and below the choice
        footer = app.screen_stack[0].query_one(Footer).region
        overlay = agent.query_one("SelectOverlay").region
        assert overlay.bottom <= footer.y
