"""Dates on screen say their year when it is not this year, and full timestamps their zone."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from cxtui.tui.journey import JourneyScreen
from tests.tui.conftest import settle
from tests.tui.fixtures import DAY, NOW, make_app, screen_text

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("now", "shown"), [(NOW, "(04-"), (NOW + 365 * DAY, "(2024-04-")])
async def test_journey_scores_carry_the_year_of_other_years(
    engine: Engine, now: int, shown: str
) -> None:
    app = make_app(engine, now=lambda: now)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.open_journey("C-1")
        await settle(pilot)
        assert isinstance(app.screen, JourneyScreen)
        scores = next(line for line in screen_text(app).splitlines() if "NPS" in line)
        assert shown in scores


async def test_the_ticket_says_its_zone(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_ticket("T-006")
        await settle(pilot)
        created = next(line for line in screen_text(app).splitlines() if "Created" in line)
        assert created.rstrip().endswith(" UTC")
