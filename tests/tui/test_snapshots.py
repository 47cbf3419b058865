"""SVG snapshots of the main screens at the smallest supported size and a roomy one.

The data and the clock are fixed (fixtures.py, as_of 2024-05-01 12:00 UTC), so a difference
is a change in what the supervisor sees. After an intended change, look at the new pictures
(`pytest --snapshot-report`) and accept them with `pytest --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from cxtui.tui.filters import Picker
from tests.tui.conftest import press, settle, wait_for
from tests.tui.fixtures import make_app

SIZES = [(80, 24), (160, 48)]

Steps = Callable[[Pilot[object]], Awaitable[None]]


async def dashboard(pilot: Pilot[object]) -> None:
    await settle(pilot)


async def ticket_list(pilot: Pilot[object]) -> None:
    await settle(pilot)
    await press(pilot, "enter", "j")


async def ticket_screen(pilot: Pilot[object]) -> None:
    await ticket_list(pilot)
    await press(pilot, "enter")


async def journey(pilot: Pilot[object]) -> None:
    await ticket_screen(pilot)
    await press(pilot, "c")


async def agent_picker(pilot: Pilot[object]) -> None:
    """The filter dialog with the agent picker opened by typing "b" (at Bob Agent)."""
    await settle(pilot)
    await press(pilot, "f", "tab", "tab", "b")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#agent", Picker).expanded)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize(
    "steps",
    [dashboard, ticket_list, ticket_screen, journey, agent_picker],
    ids=["dashboard", "ticket_list", "ticket", "journey", "agent_picker"],
)
def test_screen_snapshot(
    snap_compare: Callable[..., bool], engine: Engine, steps: Steps, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(engine), terminal_size=size, run_before=steps)


async def today_by_the_hour(pilot: Pilot[object]) -> None:
    await settle(pilot)
    await press(pilot, "h")


@pytest.mark.parametrize(
    ("steps", "size"),
    [(dashboard, (200, 50)), (today_by_the_hour, (80, 24))],
    ids=["dashboard-200x50", "today_by_the_hour-80x24"],
)
def test_chart_snapshot(
    snap_compare: Callable[..., bool], engine: Engine, steps: Steps, size: tuple[int, int]
) -> None:
    """The charts: axes and dates with today beside them when tall; hourly on `h` when short."""
    assert snap_compare(make_app(engine), terminal_size=size, run_before=steps)
