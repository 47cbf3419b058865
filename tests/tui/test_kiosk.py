"""--kiosk (a wallboard, a shared browser tab): look around, change nothing.

Each test runs the same keys with and without kiosk, so it fails if kiosk stops hiding a key
or if the key stops existing (a kiosk test that passed because nothing was there to hide).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cxtui.tui.alerts_screen import AlertsScreen
from cxtui.tui.kiosk import changes_something
from cxtui.tui.lists import TicketListScreen
from tests.tui.conftest import press, settle
from tests.tui.fixtures import make_app, screen_text

pytestmark = pytest.mark.anyio

WIDE = (200, 30)


def test_the_actions_that_change_something_are_named_with_or_without_namespace() -> None:
    assert changes_something("app.quit")
    assert changes_something("export")
    assert changes_something("acknowledge")
    assert not changes_something("travel(-3600)")
    assert not changes_something("app.go_live")
    assert not changes_something("open_list")


@pytest.mark.parametrize("kiosk", [False, True])
async def test_a_kiosk_drills_down_but_does_not_export(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kiosk: bool
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    app = make_app(engine, kiosk=kiosk)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketListScreen)
        footer = screen_text(app).splitlines()[-1]
        assert ("Export CSV" in footer) is not kiosk
        assert ("Quit" in footer) is not kiosk
        await press(pilot, "e")
        assert bool(list(downloads.glob("cxtui-open-*.csv"))) is not kiosk


@pytest.mark.parametrize("kiosk", [False, True])
@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_a_kiosk_cannot_be_quit(engine: Engine, kiosk: bool, key: str) -> None:
    app = make_app(engine, kiosk=kiosk)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert app.is_running is kiosk


@pytest.mark.parametrize("kiosk", [False, True])
async def test_a_kiosk_offers_no_acknowledge_key(engine: Engine, kiosk: bool) -> None:
    app = make_app(engine, kiosk=kiosk)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "exclamation_mark")
        assert isinstance(app.screen, AlertsScreen)
        assert ("a" in app.screen.active_bindings) is not kiosk


@pytest.mark.parametrize("kiosk", [False, True])
async def test_a_kiosk_palette_has_no_quit_or_screenshot(engine: Engine, kiosk: bool) -> None:
    app = make_app(engine, kiosk=kiosk)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Staffing now" in titles and "Go to a time…" in titles
        assert ("Quit" in titles) is not kiosk
        assert ("Screenshot" in titles) is not kiosk
