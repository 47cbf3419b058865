"""Alerts in the app at 80x24: the status line and the pane say a firing alert in words, the
bell rings when asked, `!` lists the alerts and `a` acknowledges, on_alert hears the alert
(and its failure is shown), a pending rule fires once `for` has passed on the clock, and no
SQL runs on the event loop.

From tests/tui/fixtures.py as of AS_OF over 7 days: six open tickets (five in billing, one
in tech), two past an SLA due time (T-001 in billing, one in tech); NPS 0 on 3 answers.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import DataTable

from cxtui.alert_rules import Rule
from cxtui.alerts import AlertBook, Outcome, Reading
from cxtui.config import Config
from cxtui.metrics import Window
from cxtui.tui import source
from cxtui.tui.alerting import AlertWatch
from cxtui.tui.alerts_screen import AlertsScreen
from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.source import View
from tests.tui.conftest import press, settle
from tests.tui.fixtures import AS_OF, HOSTILE_MARKUP, NOW, WEEK, make_app, screen_text

pytestmark = pytest.mark.anyio

SIZE = (80, 24)
OPEN_QUEUE = Rule(
    name="Queue",
    metric="open_queue",
    comparison="above",
    threshold=5,
    clear=3,
    severity="critical",
    bell=True,
)
TECH_BREACHES = Rule(
    name="Tech breaches",
    metric="sla_breached",
    queue="tech",
    comparison="above",
    threshold=0,
    clear=0,
)


def with_rules(*rules: Rule, **settings: object) -> Config:
    return Config(alerts=rules, **settings)  # type: ignore[arg-type]


async def test_a_firing_alert_shows_in_the_status_line_and_its_pane(engine: Engine) -> None:
    app = make_app(engine, config=with_rules(OPEN_QUEUE))
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        status_line = text.splitlines()[-2]
        assert "⚠ CRITICAL │" in status_line  # 6 open > 5; at 80 columns, the shortest words
        assert "⚠ critical: open queue 6 above 5" in text  # the Queue pane's border
        queue_pane = app.screen.query_one("#queue")
        assert queue_pane.has_class("-alert-critical")
        assert not app.screen.query_one("#response").has_class("-alert-critical")
        assert rings == [1]
        await press(pilot, "w")  # another refresh: still firing, no second bell
        assert rings == [1]


async def test_a_rule_that_holds_raises_nothing(engine: Engine) -> None:
    quiet = Rule(name="Queue", metric="open_queue", comparison="above", threshold=6, clear=6)
    app = make_app(engine, config=with_rules(quiet))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "⚠" not in screen_text(app)  # 6 is not above 6
        assert app.alerting.firing() == []


async def test_the_alerts_screen_lists_and_a_acknowledges(engine: Engine) -> None:
    app = make_app(engine, config=with_rules(OPEN_QUEUE, TECH_BREACHES))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "exclamation_mark")
        assert isinstance(app.screen, AlertsScreen)
        text = screen_text(app)
        assert "Alerts · 2 firing · 0 past · 2 rules" in text
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        # Critical first; fired at the frozen wall clock (00:10 past noon); not acknowledged.
        assert rows == [
            ["12:10", "FIRING", "critical", "Queue", "6", "above 5", "no"],
            ["12:10", "FIRING", "warning", "Tech breaches", "1", "above 0", "no"],
        ]
        assert "CRITICAL Queue (overall): open queue 6 at 12:10, above 5, clears at 3" in text
        await press(pilot, "a")
        assert str(table.get_row_at(0)[-1]) == "12:10"
        assert app.alerting.book.alerts()[0].acknowledged_at == NOW
        # The status line moves on to the one still unacknowledged.
        assert "⚠ WARNING │" in screen_text(app)
        await press(pilot, "down", "a")
        assert " 2 ack │" in screen_text(app).splitlines()[-2]
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
        assert "✓ ack: open queue 6 above 5" in screen_text(app)


async def test_a_pending_rule_fires_once_for_has_passed(engine: Engine) -> None:
    clock = [float(NOW)]
    held = Rule(
        name="Queue",
        metric="open_queue",
        comparison="above",
        threshold=5,
        clear=3,
        for_seconds=300,
    )
    app = make_app(engine, config=with_rules(held), now=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.alerting.firing() == []
        clock[0] += 299
        app.request_refresh()
        await settle(pilot)
        assert app.alerting.firing() == []
        clock[0] += 1
        app.request_refresh()
        await settle(pilot)
        (alert,) = app.alerting.firing()
        assert alert.fired_at == NOW + 300
        assert "⚠ WARNING │" in screen_text(app)


async def test_on_alert_hears_the_alert_as_json(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "heard.jsonl"
    hook = tmp_path / "hook.py"
    hook.write_text(
        f"import sys\nopen({str(out)!r}, 'a').write(sys.stdin.read())\n", encoding="utf-8"
    )
    config = with_rules(TECH_BREACHES, on_alert=(sys.executable, str(hook)))
    app = make_app(engine, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (heard,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert heard["event"] == "fired"
        assert (heard["rule"], heard["scope"], heard["value"]) == (
            "Tech breaches",
            {"queue": "tech"},
            1.0,
        )
        assert app.alerting.failure is None


@pytest.mark.parametrize("size", [SIZE, (200, 50)])
async def test_an_on_alert_failure_is_shown(
    engine: Engine, tmp_path: Path, size: tuple[int, int]
) -> None:
    hook = tmp_path / "hook.py"
    hook.write_text("import sys\nsys.stderr.write('pager is down\\n')\nsys.exit(4)\n")
    config = with_rules(TECH_BREACHES, on_alert=(sys.executable, str(hook)))
    app = make_app(engine, config=config)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if size == (200, 50):  # room for the full wording in the status line
            assert "· on_alert failed" in screen_text(app).splitlines()[-2]
        await press(pilot, "exclamation_mark")
        assert "exit status 4: pager is down" in screen_text(app)


async def test_a_rule_name_is_shown_as_text_never_markup(engine: Engine) -> None:
    hostile = Rule(
        name=HOSTILE_MARKUP, metric="open_queue", comparison="above", threshold=1, clear=1
    )
    app = make_app(engine, config=with_rules(hostile))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        assert HOSTILE_MARKUP in screen_text(app)
        await press(pilot, "exclamation_mark")
        assert HOSTILE_MARKUP in screen_text(app)


async def test_alert_figures_are_read_off_the_event_loop(
    engine: Engine, sql_threads: list[threading.Thread]
) -> None:
    app = make_app(engine, config=with_rules(OPEN_QUEUE, TECH_BREACHES))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "exclamation_mark", "a", "escape", "w")
    assert len(app.alerting.book.alerts()) == 2
    assert sql_threads
    assert not [t for t in sql_threads if t is threading.main_thread()]


async def test_the_screen_says_when_there_are_no_rules(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "exclamation_mark")
        assert "no [[alert]] rules in cxtui.toml" in screen_text(app)


async def test_provisional_figures_raise_no_alert(engine: Engine) -> None:
    """While the backlog loads (a provisional snapshot) the rules are not looked at; the
    same figures once the load is over fire."""
    config = with_rules(OPEN_QUEUE)
    watch = AlertWatch(config, ZoneInfo("UTC"))
    window, view = Window(as_of=AS_OF, seconds=WEEK), View(WEEK)
    loading = source.snapshot(engine, window, view.filters, config, provisional=True)
    assert not watch.look(engine, loading, window, view, NOW)
    assert watch.firing() == []
    loaded = source.snapshot(engine, window, view.filters, config)
    assert len(watch.look(engine, loaded, window, view, NOW + 60).fired) == 1


async def test_a_success_alongside_does_not_hide_a_failure() -> None:
    """Three runs start together; the second fails, the third then succeeds: the failure
    stays until a run started after it was seen succeeds."""

    watch = AlertWatch(with_rules(OPEN_QUEUE, on_alert=("true",)), ZoneInfo("UTC"))
    started: list[object] = []

    class Host:
        def bell(self) -> None: ...

        def run_worker(self, work: object, **_options: object) -> None:
            started.append(work)

    book = AlertBook([OPEN_QUEUE])
    alert = book.evaluate(NOW, {"Queue": Reading(9)}).notices
    watch.announce(Host(), Outcome(notices=alert * 3), lambda _m: None)  # type: ignore[arg-type]
    assert len(started) == 3
    watch.finished(2, "on_alert true: exit status 1")
    watch.finished(1, None)
    watch.finished(3, None)
    assert watch.failure == "on_alert true: exit status 1"
    watch.announce(Host(), Outcome(notices=alert), lambda _m: None)  # type: ignore[arg-type]
    watch.finished(4, None)
    assert watch.failure is None
