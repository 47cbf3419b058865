"""The alert figures of a rule's own scope: the light headlines read for a scope agree with the
dashboard's figures exactly, and a dashboard already computed for that scope is used."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import Session

from cxtui.alert_readings import headlines, readings
from cxtui.alert_rules import FIGURES, Rule
from cxtui.business_hours import BusinessHours, parse_week
from cxtui.config import Config
from cxtui.metrics import Filters, Window, dashboard
from tests.tui.fixtures import AS_OF, WEEK, build_database

HOURS = BusinessHours("UTC", parse_week({"monday": "09:00-17:00", "tuesday": "09:00-17:00"})[0])


@pytest.mark.parametrize("clock", ["calendar", "business"])
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(queue="billing"), Filters(channel="email"), Filters(queue="nowhere")],
)
def test_headlines_agree_with_the_dashboard(tmp_path: Path, filters: Filters, clock: str) -> None:
    engine = build_database(tmp_path / "cxtui.db")
    window = Window(as_of=AS_OF, seconds=WEEK)
    options = {"clock": clock, "hours": HOURS, "live_channels": ("phone", "chat", "email")}
    with Session(engine) as session:
        board = dashboard(session, window, filters, 600, **options)  # type: ignore[arg-type]
        light = headlines(session, window, filters, 600, **options)  # type: ignore[arg-type]
    for name, figure in FIGURES.items():
        assert figure.read(light) == figure.read(board), name
    engine.dispose()


def test_a_known_dashboard_serves_its_scope_and_others_are_read(tmp_path: Path) -> None:
    engine = build_database(tmp_path / "cxtui.db")
    rules = (
        Rule("all", "open_queue", "above", 1, 1),
        Rule("billing", "open_queue", "above", 1, 1, queue="billing"),
    )
    config = Config(alerts=rules)
    with Session(engine) as session:
        board = dashboard(session, Window(as_of=AS_OF, seconds=WEEK), Filters())
        # A made-up open count proves the known dashboard is the one read for its scope.
        known = {(Filters(), WEEK): replace(board, queue=replace(board.queue, open=99))}
        found = readings(session, rules, AS_OF, config, known)
    # tests/tui/fixtures.py: five of the six open tickets are in billing.
    assert (found["all"].value, found["billing"].value) == (99.0, 5.0)
    engine.dispose()
