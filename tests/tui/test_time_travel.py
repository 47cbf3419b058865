"""Time travel at 80x24: b n B N step, @ asks for a time, L goes live, and everything follows.

The fixture app is pinned at AS_OF (Wed 1 May 2024 12:00 UTC) with the wall clock at NOW, ten
minutes later. Three days back (AS_OF - 3d), worked out by hand from tests/tui/fixtures.py:

- T-001 was created at that very second; its history says new then, open an hour later: new.
- T-008's history: new -5d, solved -4d, open -3d (exactly then: it counts), solved -2d: open.
- T-010 (created -10d, no history): open, its status now. T-007 (no history) is closed.
- Everything else was created later.

So the queue then is 3 open (new 1, open 2): T-010 breached (no reply, due 4h after creation),
T-008 at risk (resolution due at -3d exactly), T-001 on track; awaiting a first reply: T-001
and T-010 (T-008 was answered 30 minutes after creation).
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.content import Content
from textual.widgets import Input, Static

from cxtui.models import StatusChange
from cxtui.tui.app import CxApp
from cxtui.tui.journey import JourneyScreen
from cxtui.tui.lists import TicketListScreen
from cxtui.tui.pinning import AsOf
from cxtui.tui.ticket import TicketScreen
from cxtui.tui.time_travel import TimeTravelScreen
from tests.tui.conftest import big_number, list_ids, press, settle
from tests.tui.fixtures import AS_OF, DAY, HOUR, MIN, make_app, screen_text
from tests.tui.test_keys import palette

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


def status_line(app: CxApp) -> str:
    """The status line: the last line but the footer's."""
    return screen_text(app).splitlines()[-2]


async def test_b_steps_back_an_hour_and_the_status_line_says_past(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "PAST" not in screen_text(app)
        await press(pilot, "b")
        assert app.moment == AsOf("past", AS_OF - HOUR, chosen=True)
        assert app.snapshot is not None and app.snapshot.board.as_of == AS_OF - HOUR
        text = screen_text(app)
        assert "PAST · as of Wed 01 May 11:00 · L live" in text
        await press(pilot, "B")
        assert app.moment.at == AS_OF - HOUR - DAY
        assert "PAST · as of Tue 30 Apr 11:00" in screen_text(app)


async def test_the_queue_three_days_back_is_the_queue_then(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert big_number(app, "queue") == "6"  # T-001 to T-005 and T-010, as of AS_OF
        await press(pilot, "B", "B", "B")
        assert app.moment.at == AS_OF - 3 * DAY
        assert big_number(app, "queue") == "3"
        assert app.snapshot is not None
        queue = app.snapshot.board.queue
        assert queue.by_status == {"new": 1, "open": 2}
        assert queue.by_channel == {"email": 2, "phone": 1}
        assert (queue.sla_breached, queue.sla_at_risk) == (1, 1)
        assert queue.awaiting_first_response == 2
        # The open list is the tickets open then, oldest first, each in its status then.
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketListScreen)
        assert list_ids(app) == ["T-010", "T-008", "T-001"]
        assert "PAST" in status_line(app)
        # The ticket shows its status then, and what was still to come marked "later".
        await press(pilot, "j", "enter")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.detail is not None
        assert app.screen.detail.ticket.status == "open"
        shown = app.screen.query_one("#timeline", Static).content
        assert isinstance(shown, Content)
        later = [line for line in shown.plain.splitlines() if "later" in line]
        assert later == ["2024-04-29 12:00:00 UTC  solved  (+1d 00h)  later"]
        # Its resolution (-2d) was still to come; its first reply (-5d + 30m) was not.
        sla = app.screen.query_one("#sla", Static).content
        assert isinstance(sla, Content)
        lines = sla.plain.splitlines()
        assert next(line for line in lines if line.startswith("Resolved")).endswith("  later")
        assert "later" not in next(line for line in lines if line.startswith("First reply"))
        # The customer's journey (C-1) says which events were still to come then.
        await press(pilot, "c")
        assert isinstance(app.screen, JourneyScreen)
        text = screen_text(app)
        assert "later: T-008 is now solved" in text
        assert "later: " not in text.split("T-008 is now open")[0]  # -3d itself is not later


async def test_forward_never_passes_the_present(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "B", "B", "N")
        assert app.moment.at == AS_OF - DAY
        await press(pilot, "N")
        assert app.moment == AsOf("past", AS_OF, chosen=True)  # still before NOW
        await press(pilot, "n")  # AS_OF + 1h is after NOW: live, not the future
        assert app.moment.kind == "live"
        assert "PAST" not in status_line(app)
        await press(pilot, "n")
        assert app.moment.kind == "live"


async def test_l_returns_live_from_the_past(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "B", "b")
        assert app.moment.kind == "past"
        await press(pilot, "L")
        assert app.moment.kind == "live" and app.travel_home is None
        assert "PAST" not in status_line(app)
        assert "live" in status_line(app)
        assert big_number(app, "queue") == "6"


async def test_at_asks_for_a_time_and_says_what_is_wrong(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "at")
        assert isinstance(app.screen, TimeTravelScreen)
        field = app.screen.query_one(Input)
        field.value = ""
        await press(pilot, *"soon", "enter")
        assert isinstance(app.screen, TimeTravelScreen)  # still asking
        assert "cannot read 'soon'" in screen_text(app)
        field.value = ""
        await press(pilot, *"2024-05-02 09:00", "enter")
        assert isinstance(app.screen, TimeTravelScreen)
        assert "still to come" in screen_text(app)
        field.value = ""
        await press(pilot, *"10:40", "enter")
        assert not isinstance(app.screen, TimeTravelScreen)
        assert app.moment == AsOf("past", AS_OF - HOUR - 20 * MIN, chosen=True)
        assert "PAST · as of Wed 01 May 10:40" in status_line(app)
        await press(pilot, "at")
        field = app.screen.query_one(Input)
        field.value = ""
        await press(pilot, *"-1d", "enter")  # a day before the present (NOW), not the moment
        assert app.moment.at == AS_OF + 10 * MIN - DAY
        await press(pilot, "at", "escape")
        assert app.moment.at == AS_OF + 10 * MIN - DAY


async def test_the_palette_travels_too(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "back one day", "Back one day")
        assert app.moment == AsOf("past", AS_OF - DAY, chosen=True)
        await palette(pilot, "go to a time", "Go to a time…")
        assert isinstance(app.screen, TimeTravelScreen)


async def test_tickets_without_a_status_then_are_said_not_counted(engine: Engine) -> None:
    # T-010 (created -10d) first recorded two days ago: three days back its status is unknown.
    with Session(engine) as session:
        session.add(StatusChange(ticket_id="T-010", at=AS_OF - 2 * DAY, status="open"))
        session.commit()
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "B", "B", "B")
        assert big_number(app, "queue") == "2"  # T-001 and T-008 (see the module docstring)
        assert app.snapshot is not None
        assert app.snapshot.board.queue.status_not_recorded == 1
        assert "not recorded 1" in screen_text(app)
