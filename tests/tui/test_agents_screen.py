"""The agents screen at 80x24: `A` opens it, `v` cycles the views, `s` sorts, `/` narrows,
Enter opens the row's tickets, and an agent beyond the SLA threshold is marked in words.

The fixed centre gains Zed Agent with four open tickets past their reply due time: at the
default agent_sla_breached_warn (3) and _bad (6) that reads "4 · watch"."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.metrics import Filters
from cxtui.models import Ticket
from cxtui.tui.agents_screen import AgentsScreen
from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.lists import TicketListScreen
from tests.tui.conftest import list_ids, press, settle
from tests.tui.fixtures import AS_OF, make_app, screen_text

pytestmark = pytest.mark.anyio

SIZE = (80, 24)
ZED = [f"ZED-{n}" for n in range(4)]


def add_zed(engine: Engine) -> None:
    with Session(engine) as session:
        session.add_all(
            Ticket(
                id=ticket_id,
                created_at=AS_OF - 3_600 * (n + 2),
                version_at=AS_OF - 3_600 * (n + 2),
                status="open",
                channel="email",
                queue="billing",
                agent="Zed Agent",
                first_response_due_at=AS_OF - 3_600,
            )
            for n, ticket_id in enumerate(ZED)
        )
        session.commit()


def shown_names(app: object) -> list[str | None]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, AgentsScreen)
    return [row.value for row in screen.shown]


async def test_a_opens_agents_marked_in_words(
    engine: Engine, sql_threads: list[threading.Thread]
) -> None:
    add_zed(engine)
    sql_threads.clear()
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A")
        assert isinstance(app.screen, AgentsScreen)
        text = screen_text(app)
        assert "Agents · last 7d" in text
        assert "1 beyond the SLA threshold" in text
        zed = next(line for line in text.splitlines() if "Zed Agent" in line)
        assert "4 · watch" in zed
        screen = app.screen
        assert isinstance(screen, AgentsScreen)
        opened = [row.open_now for row in screen.shown]
        assert opened == sorted(opened, reverse=True)  # most open tickets first
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
    assert not [t for t in sql_threads if t is threading.main_thread()]


async def test_v_cycles_agents_queues_channels(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A", "v")
        assert screen_text(app).splitlines()[0].strip().startswith("Queues · last 7d")
        assert set(shown_names(app)) >= {"billing", "tech"}
        await press(pilot, "v")
        assert screen_text(app).splitlines()[0].strip().startswith("Channels · last 7d")
        assert "phone" in shown_names(app)
        await press(pilot, "v")  # no segments configured: back to agents
        assert screen_text(app).splitlines()[0].strip().startswith("Agents · last 7d")


async def test_s_sorts_by_a_column_and_again_the_other_way(engine: Engine) -> None:
    add_zed(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A", "s", "1")  # name, A to Z; no agent last
        names = shown_names(app)
        known = [n for n in names if n is not None]
        assert known == sorted(known, key=str.lower)
        assert names[-1] is None
        await press(pilot, "s", "3")  # SLA breached, most first
        screen = app.screen
        assert isinstance(screen, AgentsScreen)
        breached = [row.sla_breached_now for row in screen.shown]
        assert breached == sorted(breached, reverse=True)
        assert "SLA breached ▼" in screen_text(app)
        await press(pilot, "s", "3")
        breached = [row.sla_breached_now for row in screen.shown]
        assert breached == sorted(breached)


async def test_search_then_enter_opens_that_agents_tickets(engine: Engine) -> None:
    add_zed(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A", "slash", "z", "e", "d", "enter")
        assert shown_names(app) == ["Zed Agent"]
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketListScreen)
        assert "of agent Zed Agent" in screen_text(app)
        assert sorted(list_ids(app)) == ZED
        await press(pilot, "escape")
        assert isinstance(app.screen, AgentsScreen)


async def test_a_segment_view_follows_the_mappings(engine: Engine) -> None:
    from cxtui.config import Config
    from cxtui.ingest.mapping import parse_mapping
    from cxtui.models import Survey

    with Session(engine) as session:
        session.add_all(
            Survey(
                id=f"SEG-{n}",
                submitted_at=AS_OF - 3_600,
                kind="nps",
                score=score,
                segments=segments,
            )
            for n, (score, segments) in enumerate(
                [(10, '{"region": "EU"}'), (0, '{"region": "EU"}'), (9, '{"region": "US"}')]
            )
        )
        session.commit()
    mapping = parse_mapping(
        {"files": "s.csv", "segments": ["region"], "survey": {"id": "a"}}, name="m", origin="t"
    )
    app = make_app(engine, config=Config(mappings=(mapping,)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A", "v", "v", "v")
        text = screen_text(app)
        assert text.splitlines()[0].strip().startswith("Surveys by region · last 7d")
        rows = {row.value: row for row in app.screen.shown}  # type: ignore[attr-defined]
        assert (rows["EU"].nps, rows["EU"].nps_n) == (0.0, 2)  # a promoter, a detractor
        assert (rows["US"].nps, rows["US"].nps_n) == (100.0, 1)
        await press(pilot, "v")
        assert screen_text(app).splitlines()[0].strip().startswith("Agents")


async def test_a_very_wide_dashboard_lists_the_agents_to_look_at_first(engine: Engine) -> None:
    from cxtui.tui.agents_pane import AgentsPane

    add_zed(engine)
    app = make_app(engine)
    async with app.run_test(size=(250, 50)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(AgentsPane)
        assert pane.display
        lines = screen_text(app).splitlines()
        assert "Agents · A for all" in lines[0]
        assert "Zed Agent" in lines[2] and "4 · watch" in lines[2]  # most breached first
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        assert not pane.display
        assert "Zed Agent" not in screen_text(app)


async def test_the_title_says_the_filters_are_not_applied_to_the_table(engine: Engine) -> None:
    """With a filter set (the status line shows it), the table is still over every ticket:
    its title says so, and the rows are the unfiltered ones."""
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A")
        unfiltered = shown_names(app)
        assert "filters not applied" not in screen_text(app)
        app.set_filters(Filters(channel="phone"))
        await settle(pilot)
        assert "filters not applied here" in screen_text(app)
        assert shown_names(app) == unfiltered


async def test_at_80_columns_the_name_stays_and_arrows_step_a_column(engine: Engine) -> None:
    """The table is wider than 80 columns: the title says so, → brings the next column to
    the left edge beside the agent's name (which never scrolls away), ← goes back."""
    add_zed(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "A")
        assert "←/→ more columns" in screen_text(app)
        table = app.screen.query_one("#breakdown")
        first_scrolled = table.ordered_columns[1].label.plain  # type: ignore[attr-defined]
        assert first_scrolled in screen_text(app)
        await press(pilot, "right")
        await press(pilot, "right")
        text = screen_text(app)
        zed = next(line for line in text.splitlines() if "Zed Agent" in line)
        assert zed.lstrip().startswith("Zed Agent")
        assert first_scrolled not in text  # two columns have gone off the left edge
        assert "handle mean" in text  # and a column that did not fit has come in
        await press(pilot, "left")
        await press(pilot, "left")
        assert first_scrolled in screen_text(app)


async def test_a_wide_terminal_does_not_offer_more_columns(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "A")
        text = screen_text(app)
        assert "Agents · last 7d" in text
        assert "more columns" not in text
