"""Data is never markup: subjects and comments with Rich markup or ANSI escapes show literally.

T-004's subject is "[bold red]boom[/]" and T-005's is ESC "[31mred" (fixtures.py). On screen
the first must read exactly as typed, unstyled, and the second with the ESC byte shown as ␛,
so neither can colour, move or retitle anything.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment
from sqlalchemy.engine import Engine

from cxtui.tui.app import CxApp
from cxtui.tui.ticket import TicketScreen
from tests.tui.conftest import press, settle
from tests.tui.fixtures import HOSTILE_MARKUP, make_app, screen_text

pytestmark = pytest.mark.anyio

SIZE = (120, 30)
SHOWN_ANSI = "␛[31mred"


def segments_of(app: CxApp) -> list[Segment]:
    update = app.screen._compositor.render_update(full=True)
    return [segment for line in update.strips for strip in line for segment in strip]


def assert_plain(app: CxApp, word: str) -> None:
    """The cells showing `word` carry no bold and no red: the markup around it did nothing."""
    carrying = [s for s in segments_of(app) if word in s.text]
    assert carrying, f"{word!r} is not on screen"
    for segment in carrying:
        style = segment.style
        assert style is not None
        assert not style.bold
        assert style.color is None or style.color.name != "red"


async def test_ticket_list_shows_markup_and_escapes_literally(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        text = screen_text(app)
        assert HOSTILE_MARKUP in text
        assert SHOWN_ANSI in text
        assert "\x1b" not in text
        assert_plain(app, "boom")
        assert "\x1b" not in app.export_screenshot()


@pytest.mark.parametrize(("ticket_id", "shown"), [("T-004", HOSTILE_MARKUP), ("T-005", SHOWN_ANSI)])
async def test_ticket_screen_shows_markup_and_escapes_literally(
    engine: Engine, ticket_id: str, shown: str
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_ticket(ticket_id)
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        text = screen_text(app)
        # Once in the title bar and once as the Subject field.
        assert text.count(shown) == 2
        assert "\x1b" not in text


async def test_comments_on_the_dashboard_show_literally(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Lovely " + HOSTILE_MARKUP in text
        assert "Useless " + SHOWN_ANSI in text
        assert_plain(app, "boom")
