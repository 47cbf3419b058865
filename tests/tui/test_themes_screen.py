"""The comment themes screen at 80x24: `T` opens it, each theme's row, Enter lists the theme's
comments, from a comment to its ticket, and Esc back to the dashboard.

The week's comments are the fixed centre's four (S-1 "Took far too long", NPS 2; S-2 "Great
help", NPS 10; S-4 "Lovely [bold red]boom[/]", CSAT 5; S-5 "Useless <ESC>[31mred", CSAT 1)
and three added here, R-1 to R-3, "Refund late" (NPS 0, NPS 9, CSAT 2). Configured: Slow
("took", "long": S-1, NPS -100, n 1) and Markup ("re:boom|red": S-4 and S-5, CSAT 50 %, n 2).
Found: "refund late", the two words always said together, in 3 of 7 comments: NPS of 0 and 9
is (1 - 1) / 2 = 0 (n 2), CSAT of 2 is 0 % (n 1). The week before has no comment, so every
theme is new: "+1", "+2", "+3", and no NPS or CSAT change.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.comment_themes import theme_rule
from cxtui.config import Config
from cxtui.models import Survey
from cxtui.tui.app import CxApp
from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.survey import SurveyScreen
from cxtui.tui.themes_screen import ThemeCommentsScreen, ThemesScreen
from cxtui.tui.ticket import TicketScreen
from tests.tui.conftest import list_ids, press, settle, wait_for
from tests.tui.fixtures import AS_OF, HOUR, make_app, screen_text

pytestmark = pytest.mark.anyio

SIZE = (80, 24)
CONFIG = Config(
    themes=(theme_rule("Slow", ["took", "long"]), theme_rule("Markup", ["re:boom|red"]))
)


def add_refunds(engine: Engine) -> None:
    with Session(engine) as session:
        session.add_all(
            Survey(
                id=f"R-{n}",
                submitted_at=AS_OF - n * HOUR,
                kind=kind,
                score=score,
                ticket_id="T-003",
                customer_id="C-3",
                comment="Refund late",
            )
            for n, kind, score in ((1, "nps", 0), (2, "nps", 9), (3, "csat", 2))
        )
        session.commit()


async def open_themes(pilot: object, app: CxApp) -> ThemesScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "T")  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, ThemesScreen)
    await wait_for(pilot, lambda: screen.loaded)  # type: ignore[arg-type]
    await settle(pilot)  # type: ignore[arg-type]
    return screen


def row_of(text: str, name: str) -> list[str]:
    """The table row of a theme (the first line starting with its name; the detail under the
    table starts with the selected one's too)."""
    return next(line for line in text.splitlines() if line.strip().startswith(name)).split()


async def test_themes_with_nps_csat_and_change(
    engine: Engine, sql_threads: list[threading.Thread]
) -> None:
    add_refunds(engine)
    sql_threads.clear()  # adding the surveys ran on this thread; the app must not
    app = make_app(engine, config=CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await open_themes(pilot, app)
        text = screen_text(app)
        assert "Comment themes · last 7d · 3 themes in 7 comments" in text
        assert row_of(text, "Slow") == ["Slow", "1", "+1", "-100", "(1)", "—", "—", "(0)", "—"]
        assert row_of(text, "Markup") == ["Markup", "2", "+2", "—", "(0)", "—", "50%", "(2)", "—"]
        assert row_of(text, "refund late") == [
            *("refund", "late", "3", "+3", "0", "(2)", "—", "0%", "(1)", "—"),
        ]
        assert "configured: took, long" in text  # the selected theme, Slow, below the table
        assert "\x1b[31m" not in text
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
    assert not [t for t in sql_threads if t is threading.main_thread()]


async def test_enter_lists_the_themes_comments_then_ticket_and_back(engine: Engine) -> None:
    add_refunds(engine)
    app = make_app(engine, config=CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await open_themes(pilot, app)
        await press(pilot, "down", "enter")  # Markup
        assert isinstance(app.screen, ThemeCommentsScreen)
        assert list_ids(app) == ["S-5", "S-4"]  # unhappiest first
        text = screen_text(app)
        assert "Comments: Markup · last 7d · 2 responses" in text
        assert "[bold red]boom[/]" in text  # the markup shown as text
        await press(pilot, "enter")
        assert isinstance(app.screen, SurveyScreen) and app.screen.survey.id == "S-5"
        await press(pilot, "t")
        assert isinstance(app.screen, TicketScreen)
        assert "T-008" in screen_text(app)
        await press(pilot, "escape", "escape", "escape")
        assert isinstance(app.screen, ThemesScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_the_themes_follow_the_window(engine: Engine) -> None:
    """`w` from 7d to 30d: S-7 ("Older praise", 20 days ago) joins the comments."""
    app = make_app(engine, config=CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(pilot, app)
        assert "last 7d · 2 themes in 4 comments" in screen_text(app)
        await press(pilot, "w")
        await wait_for(pilot, lambda: "last 30d" in screen_text(app))
        await settle(pilot)
        assert "last 30d · 2 themes in 5 comments" in screen_text(app)
        assert screen.found is not None and screen.found.comments == 5


async def test_no_theme_says_how_to_get_one(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_themes(pilot, app)
        text = screen_text(app)
        assert "0 themes in 4 comments" in text
        assert "No theme: no [themes] in cxtui.toml match" in text


async def test_the_palette_offers_comment_themes(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Comment themes" in commands
        app.action_comment_themes()
        await settle(pilot)
        assert isinstance(app.screen, ThemesScreen)
