"""Every keyboard path through the app, driven with Textual's pilot on the fixed data.

Expected rows come from tests/tui/fixtures.py, worked out by hand from the ticket ages:
the open queue is T-001, T-002, T-003, T-004, T-005 and T-010 (six tickets, oldest T-010).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.journey import JourneyScreen
from cxtui.tui.lists import SurveyListScreen, TicketListScreen
from cxtui.tui.paged_list import PagedList
from cxtui.tui.ticket import TicketScreen
from tests.tui.conftest import big_number, list_ids, press, settle
from tests.tui.fixtures import DAY, HOUR, MIN, make_app, screen_text, ticket

pytestmark = pytest.mark.anyio

SIZE = (100, 30)


async def test_dashboard_shows_the_fixture_numbers(
    engine: Engine, sql_threads: list[threading.Thread]
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Six open tickets (see module docstring). NPS: one promoter (S-2, 10), one passive
        # (S-3, 8), one detractor (S-1, 2) in the 7-day window: 100 * (1 - 1) / 3 = 0.
        assert big_number(app, "queue") == "6"
        assert big_number(app, "experience") == "0"
        text = screen_text(app)
        # Breached: T-001 and T-010 have no reply and their 4 h reply due time has passed.
        assert "2 SLA breached" in text
        # At risk: T-002 (3 h 30 m old) is due a reply 4 h after creation, 30 minutes away.
        assert "1 at risk" in text
        assert "as of 2024-05-01 12:00" in text
        assert "2 quarantined" in text
        # The worst comment comes first: NPS 2 before CSAT 1 is the queries' unhappy-first order
        # (both unhappy; then the newer one, S-5 at -2 h, before S-1 at -1 d).
        assert text.index("Useless") < text.index("Took far too long")
    assert sql_threads, "the app ran no SQL at all"
    assert not [t for t in sql_threads if t is threading.main_thread()]


async def test_tab_and_number_keys_move_between_panes(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "queue"
        await pilot.press("tab")
        assert app.focused.id == "response"
        await pilot.press("shift+tab")
        assert app.focused.id == "queue"
        for key, pane in (("4", "experience"), ("3", "resolution"), ("2", "response")):
            await pilot.press(key)
            assert app.focused.id == pane


@pytest.mark.parametrize(
    ("key", "screen_type", "first_id", "count"),
    [
        # Oldest open ticket first.
        ("1", TicketListScreen, "T-010", 6),
        # Slowest first reply among tickets created in the 7 days: T-007 waited 2 h.
        ("2", TicketListScreen, "T-007", 5),
        # Unresolved in the window (T-001..T-005) plus reopened T-008; oldest is T-008 (5 d).
        ("3", TicketListScreen, "T-008", 6),
        # Surveys in the window, detractor NPS 2 (S-1) first; S-7 is 20 days old, outside.
        ("4", SurveyListScreen, "S-1", 6),
    ],
)
async def test_enter_on_a_pane_opens_its_list(
    engine: Engine, key: str, screen_type: type, first_id: str, count: int
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, key, "enter")
        assert type(app.screen) is screen_type
        rows = app.screen.query_one(PagedList)
        assert rows.total == count
        assert list_ids(app)[0] == first_id


async def test_queue_list_marks_sla_state(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        lines = screen_text(app).splitlines()
        by_id = {t: next(line for line in lines if f" {t} " in line) for t in ("T-001", "T-002")}
        assert "BREACH" in by_id["T-001"]
        assert "risk" in by_id["T-002"]


async def test_list_ticket_journey_and_back_three_times(
    engine: Engine, sql_threads: list[threading.Thread]
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # open tickets, T-010 first
        await press(pilot, "j", "enter")  # second row: T-001
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket_id == "T-001"
        text = screen_text(app)
        assert "Refund never arrived" in text
        # T-001 has no reply; its reply was due 4 h after creation, 3 d ago: 68 h overdue.
        assert "overdue by 2d 20h" in text
        await press(pilot, "c")
        assert isinstance(app.screen, JourneyScreen)
        assert app.screen.customer_id == "C-1"
        # C-1 is the customer of T-001, T-006, T-008, T-009 and T-010.
        tickets = {t.id for t in app.screen.journey.tickets}
        assert tickets == {"T-001", "T-006", "T-008", "T-009", "T-010"}
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)
        await press(pilot, "backspace")
        assert isinstance(app.screen, TicketListScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
    # Every list, ticket and journey read ran in a worker, none on the event loop.
    assert not [t for t in sql_threads if t is threading.main_thread()]


async def test_journey_enter_opens_the_ticket_of_an_event(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_journey("C-2")
        await settle(pilot)
        # C-2's story starts with T-007 being opened 4 days ago.
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket_id == "T-007"


@pytest.mark.parametrize(
    "keys",
    [
        (),
        ("enter",),
        ("enter", "enter"),
        ("enter", "enter", "c"),
        ("x",),
        ("x", "enter"),
        ("question_mark",),
        ("f",),
    ],
    ids=["dashboard", "list", "ticket", "journey", "quarantine", "row", "help", "filters"],
)
async def test_q_quits_from_every_level(engine: Engine, keys: tuple[str, ...]) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *keys)
        depth = len(app.screen_stack)
        assert depth == len(keys) + 1
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_list_row_and_ticket_screen_give_one_verdict(engine: Engine) -> None:
    # Open, answered 42h 54m after its reply was due (46h 54m after creation, due at 4 h),
    # resolution due in 2 days: once listed "ok" while its own screen said "missed by 42h 54m".
    late = ticket("T-011", 3 * DAY, "open", replied_after=46 * HOUR + 54 * MIN,
                  resolve_due_after=5 * DAY)  # fmt: skip
    with Session(engine) as session:
        session.add(late)
        session.commit()
    app = make_app(engine)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "2", "enter")  # tickets by first reply, slowest first: T-011
        assert list_ids(app)[0] == "T-011"
        row = next(line for line in screen_text(app).splitlines() if " T-011 " in line)
        assert row.split()[1:5] == ["missed", "in", "2d", "00h"]  # after the cursor mark
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketScreen)
        text = screen_text(app)
        assert "missed (a due time was missed)" in text
        assert "missed by 42h 54m" in text
        assert "not yet, due in 2d 00h" in text


async def test_r_on_the_queue_opens_the_list_by_next_breach(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "r")
        assert isinstance(app.screen, TicketListScreen)
        assert (app.screen.sort, app.screen.descending) == ("due", False)
        # T-010's reply was due 9d 20h ago, T-001's 2d 20h ago, T-002's is due in 30 min;
        # then the resolution due times: T-004 in 1d 22h, T-005 in 1d 19h... nearest first.
        assert list_ids(app)[:3] == ["T-010", "T-001", "T-002"]
        lines = screen_text(app).splitlines()
        due = {t: next(line for line in lines if f" {t} " in line) for t in ("T-010", "T-002")}
        assert "overdue 9d 20h" in due["T-010"]
        assert "in 30m" in due["T-002"]
        assert "next SLA breach first" in screen_text(app)
