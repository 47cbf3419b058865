"""The keys inside screens: ?, w, f, /, s, list movement, quarantine and the palette.

Expected rows come from tests/tui/fixtures.py, worked out by hand from the ticket ages:
the open queue is T-001, T-002, T-003, T-004, T-005 and T-010 (six tickets, oldest T-010).
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from cxtui.metrics import Filters
from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.filters import FilterScreen
from cxtui.tui.help import HelpScreen
from cxtui.tui.lists import TicketListScreen
from cxtui.tui.paged_list import PagedList
from cxtui.tui.quarantine import QuarantinedRowScreen, QuarantineScreen
from cxtui.tui.ticket import TicketScreen
from tests.tui.conftest import big_number, list_ids, press, settle, wait_for
from tests.tui.fixtures import DAY, HOUR, WEEK, make_app, screen_text

pytestmark = pytest.mark.anyio

SIZE = (100, 30)


async def test_question_mark_lists_the_keys_of_the_screen(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = dict((description, keys) for keys, description in app.screen.keys)
        assert listed["Search"] == "/"
        assert listed["Sort"] == "s"
        assert listed["Export CSV"] == "e"
        assert listed["Copy id"] == "y"
        assert listed["Columns left"] == "←" and listed["Columns right"] == "→"
        assert listed["Back"] == "Esc / Backspace"
        assert "j" in listed["Down"] and "k" in listed["Up"]
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketListScreen)


async def test_w_cycles_the_window(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(3):
            await press(pilot, "w")
            seen.append(app.view.window_seconds)
            assert app.snapshot is not None
            assert app.snapshot.board.window_seconds == app.view.window_seconds
        assert seen == [30 * DAY, 24 * HOUR, WEEK]
        await press(pilot, "w", "w")  # 30d then 24h
        # 24 h window: tickets created in the last day are T-002, T-004, T-005, T-009 (and
        # T-003 at exactly 24 h is outside: W is (as_of - 24h, as_of]). Replied: T-005 only.
        assert app.snapshot.board.first_response.count == 1
        assert "24h" in screen_text(app)


async def test_window_change_reloads_the_list_in_front(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "enter")
        assert app.screen.query_one(PagedList).total == 5
        await press(pilot, "w", "w")  # 30d, then 24h: only T-005 was replied to
        assert app.screen.query_one(PagedList).total == 1


async def test_f_filters_every_pane_and_list(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        # Channel options are the distinct channels, sorted: chat, email, phone. Open the
        # dropdown, step past "any channel" to "chat", choose it, then apply with Ctrl+S.
        await press(pilot, "enter", "down", "enter", "ctrl+s")
        assert isinstance(app.screen, DashboardScreen)
        assert app.view.filters == Filters(channel="chat")
        # The only open chat ticket is T-003.
        assert big_number(app, "queue") == "1"
        assert "channel=chat" in screen_text(app)
        await press(pilot, "enter")
        assert list_ids(app) == ["T-003"]
        await press(pilot, "f")
        await press(pilot, "tab", "tab", "tab", "tab", "tab", "enter")  # "Clear all"
        assert app.view.filters == Filters()
        assert app.screen.query_one(PagedList).total == 6


async def test_escape_leaves_the_filters_unchanged(engine: Engine) -> None:
    app = make_app(engine, window_seconds=30 * DAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_filters(Filters(queue="tech"))
        await settle(pilot)
        await press(pilot, "f", "escape")
        assert app.view.filters == Filters(queue="tech")
        # Open tech tickets: T-010 only (T-008 is solved, T-009 abandoned).
        assert big_number(app, "queue") == "1"


async def test_slash_filters_the_list_by_text(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "slash")
        assert isinstance(app.focused, Input)
        # Typed letters go to the box, "q" and "s" included: they neither quit nor sort.
        await pilot.press(*"question")
        await press(pilot, "enter")
        assert app.is_running
        # Open tickets with "question" in the subject, oldest first: T-003 (1 d), T-002 (3.5 h).
        assert list_ids(app) == ["T-003", "T-002"]
        assert "matching “question”" in screen_text(app)
        # Enter closed the box and kept the search; an empty search shows everything again.
        assert isinstance(app.focused, PagedList)
        await press(pilot, "slash", "ctrl+u", "enter")
        assert len(list_ids(app)) == 6
        # Escape in the search box closes it without leaving the list.
        await press(pilot, "slash", "escape")
        assert isinstance(app.screen, TicketListScreen)
        assert isinstance(app.focused, PagedList)


async def test_list_moves_with_arrows_pages_and_ends(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 8)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        rows = app.screen.query_one(PagedList)
        await press(pilot, "down", "j")
        assert rows.cursor == 2
        await press(pilot, "up", "k")
        assert rows.cursor == 0
        await press(pilot, "G")
        assert rows.cursor == 5
        await press(pilot, "g")
        assert rows.cursor == 0
        await press(pilot, "pagedown")
        assert rows.cursor > 0
        await press(pilot, "pageup")
        assert rows.cursor == 0
        await press(pilot, "end")
        assert rows.selected.id == "T-004"


async def test_quarantine_screen_lists_rejected_rows(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, QuarantineScreen)
        text = screen_text(app)
        assert "tickets.csv" in text and "created_at is not a time" in text
        assert "T-x,yesterday-ish,open" in text
        await press(pilot, "j", "enter")
        assert isinstance(app.screen, QuarantinedRowScreen)
        assert '{"id": "S-x", "kind": "nps", "score": 11}' in screen_text(app)
        await press(pilot, "escape", "escape")
        assert isinstance(app.screen, DashboardScreen)


def highlighted_command(app: App[object]) -> str:
    commands = app.screen.query_one(CommandList)
    if commands.highlighted is None:
        return ""
    title, _, _help = str(commands.get_option_at_index(commands.highlighted).prompt).partition("\n")
    return title


async def palette(pilot: Pilot[object], typed: str, command: str) -> None:
    """Open the command palette, type, and run `command` once it is the top hit."""
    await press(pilot, "ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*typed)
    await wait_for(pilot, lambda: highlighted_command(pilot.app) == command)
    await press(pilot, "enter")


async def test_palette_jumps_to_a_ticket_by_id(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "T-006", "Open ticket T-006")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket_id == "T-006"
        assert app.screen.detail is not None


async def test_palette_switches_window_and_opens_quarantine(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "30d", "Window: last 30d")
        assert app.view.window_seconds == 30 * DAY
        await palette(pilot, "quar", "Quarantined rows")
        assert isinstance(app.screen, QuarantineScreen)


async def test_unknown_ticket_id_says_so(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_ticket("NOPE-1")
        await settle(pilot)
        assert "No ticket with id NOPE-1" in screen_text(app)
