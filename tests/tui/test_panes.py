"""What the panes take from the config: colour thresholds and the business-hours clock."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Digits

from cxtui.config import Config, Thresholds
from tests.tui.conftest import settle
from tests.tui.fixtures import make_app

pytestmark = pytest.mark.anyio


def grade_of(app, pane_id: str) -> str:  # type: ignore[no-untyped-def]
    big = app.dashboard.query_one(f"#{pane_id} .big", Digits)
    return next(name for name in ("-ok", "-warn", "-bad", "-none") if big.has_class(name))


@pytest.mark.parametrize(
    ("thresholds", "nps_grade", "queue_grade"),
    [
        # NPS is 0 (module docstring of test_navigation): at or below the default bad of 0.
        # Two SLA breaches: from 1 (warn) but under 10 (bad).
        (Thresholds(), "-bad", "-warn"),
        # A centre that only worries below -20, and at 3 breaches.
        (
            Thresholds(nps_warn=-10, nps_bad=-20, sla_breached_warn=3, sla_breached_bad=5),
            "-ok",
            "-ok",
        ),
    ],
)
async def test_headline_colour_follows_the_configured_thresholds(
    engine: Engine, thresholds: Thresholds, nps_grade: str, queue_grade: str
) -> None:
    app = make_app(engine, config=Config(thresholds=thresholds))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert grade_of(app, "experience") == nps_grade
        assert grade_of(app, "queue") == queue_grade


@pytest.mark.parametrize(("clock", "marked"), [("calendar", False), ("business", True)])
async def test_durations_in_business_hours_are_marked(
    engine: Engine, clock: str, marked: bool
) -> None:
    app = make_app(engine, config=Config(clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for pane in ("response", "resolution"):
            title = str(app.dashboard.query_one(f"#{pane}").border_title)
            assert title.endswith("(business hours)") == marked
