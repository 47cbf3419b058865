"""The list keys of issue 13: sort by any column, search as you type, export, copy, titles.

The open queue of tests/tui/fixtures.py is T-001, T-002, T-003, T-004, T-005 and T-010;
expected orders are checked against the rows' own values, worked out independently here.
"""

from __future__ import annotations

import csv
import itertools
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Input

from cxtui.models import PRIORITIES, TICKET_STATUSES
from cxtui.queries import TicketRow
from cxtui.tui.journey import JourneyScreen
from cxtui.tui.lists import ListScreen, SurveyListScreen, TicketListScreen
from cxtui.tui.paged_list import PagedList
from cxtui.tui.quarantine import QuarantineScreen
from cxtui.tui.sort_menu import SortMenu
from cxtui.tui.ticket import TicketScreen
from tests.tui.conftest import list_ids, press, settle
from tests.tui.fixtures import DAY, make_app, screen_text

pytestmark = pytest.mark.anyio

WIDE = (200, 30)
OPEN_QUEUE = {"T-001", "T-002", "T-003", "T-004", "T-005", "T-010"}


def rows_of(app: object) -> list[object]:
    rows = app.screen.query_one(PagedList)  # type: ignore[attr-defined]
    assert rows.total is not None
    return [rows._rows[i] for i in range(rows.total)]


def header(app: object) -> str:
    return screen_text(app).splitlines()[1]  # type: ignore[arg-type]


def text_key(value: str | None) -> tuple[bool, str]:
    """Empty values last, the rest ignoring case."""
    return (value is None, (value or "").casefold())


TICKET_VALUES: dict[str, Callable[[TicketRow], object]] = {
    "id": lambda r: text_key(r.id),
    "age": lambda r: -r.created_at,
    "prio": lambda r: (r.priority not in PRIORITIES, PRIORITIES.index(r.priority or "low")),
    "status": lambda r: TICKET_STATUSES.index(r.status or "new"),
    "agent": lambda r: text_key(r.agent),
    "subject": lambda r: text_key(r.subject),
    "due": lambda r: (r.sla.next_due_at is None, r.sla.next_due_at or 0),
}


def is_sorted(values: list[object], descending: bool) -> bool:
    pairs = list(itertools.pairwise(values))
    return all((b <= a) if descending else (a <= b) for a, b in pairs)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("sort", "title"),
    [
        ("id", "Ticket"),
        ("age", "Age"),
        ("prio", "Prio"),
        ("status", "Status"),
        ("agent", "Agent"),
        ("due", "Due"),
    ],
)
async def test_s_sorts_by_any_column_both_ways(engine: Engine, sort: str, title: str) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, TicketListScreen)
        number = [key for key, _ in screen.sort_choices()].index(sort) + 1
        value = TICKET_VALUES[sort]
        await press(pilot, "s")
        assert isinstance(app.screen, SortMenu)
        await press(pilot, str(number))
        assert app.screen is screen
        first = rows_of(app)
        # A new column sorts ascending; the open queue starts by age descending (oldest
        # first), so choosing age turns it round, to ascending, as well.
        assert f"{title} ▲" in header(app)
        assert is_sorted([value(r) for r in first], descending=False)  # type: ignore[arg-type]
        assert {r.id for r in first} == OPEN_QUEUE  # type: ignore[attr-defined]
        await press(pilot, "s", str(number))
        second = rows_of(app)
        assert f"{title} ▼" in header(app)
        assert is_sorted([value(r) for r in second], descending=True)  # type: ignore[arg-type]
        assert {r.id for r in second} == OPEN_QUEUE  # type: ignore[attr-defined]


async def test_ticket_sort_orders_worked_out_by_hand(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, TicketListScreen)
        assert list_ids(app) == ["T-010", "T-001", "T-003", "T-005", "T-002", "T-004"]
        assert "Age ▼" in header(app)
        screen.sort_by("prio")  # low → urgent; ties oldest first (normal: T-003, T-005, T-004)
        await settle(pilot)
        assert list_ids(app) == ["T-010", "T-003", "T-005", "T-004", "T-002", "T-001"]
        screen.sort_by("prio")
        await settle(pilot)
        assert list_ids(app) == ["T-001", "T-002", "T-003", "T-005", "T-004", "T-010"]
        assert "most urgent first" in screen_text(app)


async def test_a_click_on_a_header_sorts_and_a_second_turns_it(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        column = header(app).index("Ticket")  # the list spans the screen's width
        await pilot.click(PagedList, offset=(column, 0))
        await settle(pilot)
        assert "Ticket ▲" in header(app)
        assert list_ids(app) == sorted(OPEN_QUEUE)
        await pilot.click(PagedList, offset=(column, 0))
        await settle(pilot)
        assert "Ticket ▼" in header(app)
        assert list_ids(app) == sorted(OPEN_QUEUE, reverse=True)


async def test_survey_responses_sort_by_score(engine: Engine) -> None:
    app = make_app(engine, window_seconds=30 * DAY)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.open_list("surveys")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SurveyListScreen)
        assert "Band ▲" in header(app)
        number = [key for key, _ in screen.sort_choices()].index("submitted") + 1
        await press(pilot, "s", str(number))
        assert "Submitted ▲" in header(app)
        times = [r.submitted_at for r in rows_of(app)]  # type: ignore[attr-defined]
        assert len(times) > 1 and times == sorted(times)
        await press(pilot, "s", str(number))
        times = [r.submitted_at for r in rows_of(app)]  # type: ignore[attr-defined]
        assert times == sorted(times, reverse=True)


async def test_slash_narrows_as_you_type_and_escape_clears(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "slash")
        await pilot.press(*"refund")
        await settle(pilot)  # no Enter: the pause after typing is enough
        assert isinstance(app.focused, Input)
        assert list_ids(app) == ["T-001"]  # "Refund never arrived"
        assert "matching “refund”" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketListScreen)
        assert isinstance(app.focused, PagedList)
        assert len(list_ids(app)) == 6
        assert "matching" not in screen_text(app)


async def test_escape_on_the_list_clears_the_search_before_going_back(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "slash", *"refund", "enter")
        assert list_ids(app) == ["T-001"]
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketListScreen)
        assert len(list_ids(app)) == 6
        await press(pilot, "escape")
        assert not isinstance(app.screen, ListScreen)


async def test_the_journey_narrows_as_you_type(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.open_journey("C-4")  # T-004 and T-005: one "opened" event each
        await settle(pilot)
        assert isinstance(app.screen, JourneyScreen)
        everything = rows_of(app)
        assert {e.ticket_id for e in everything} == {"T-004", "T-005"}  # type: ignore[attr-defined]
        await press(pilot, "slash", *"t-005")
        shown = rows_of(app)
        assert shown and all(e.ticket_id == "T-005" for e in shown)  # type: ignore[attr-defined]
        assert len(shown) < len(everything)
        await press(pilot, "escape")
        assert len(rows_of(app)) == len(everything)


async def test_quarantined_rows_narrow_as_you_type_and_sort(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, QuarantineScreen)
        assert "in the order found" in screen_text(app)
        files = [r.file for r in rows_of(app)]  # type: ignore[attr-defined]
        assert files[:2] == ["tickets.csv", "surveys.jsonl"]
        await press(pilot, "s", "1")  # File
        assert "File ▲" in header(app)
        files = [r.file for r in rows_of(app)]  # type: ignore[attr-defined]
        assert files == sorted(files)
        await press(pilot, "slash", *"outside")
        assert [r.reason for r in rows_of(app)] == ["score 11 is outside 0-10"]  # type: ignore[attr-defined]
        await press(pilot, "escape")
        assert len(rows_of(app)) == len(files)


async def test_titles_say_all_time_or_the_window(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.open_list("all")
        await settle(pilot)
        assert "All tickets · all time" in screen_text(app)
        await press(pilot, "escape")
        app.open_list("first_response")
        await settle(pilot)
        assert "Tickets by first reply · last 7d" in screen_text(app)
        await press(pilot, "w")
        assert "Tickets by first reply · last 30d" in screen_text(app)


async def test_e_exports_the_list_as_shown(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Downloads").mkdir()
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "slash", *"question", "enter")
        screen = app.screen
        assert isinstance(screen, TicketListScreen)
        screen.sort_by("id")
        screen.sort_by("id")
        await settle(pilot)
        shown = list_ids(app)
        assert shown == ["T-003", "T-002"]  # "Invoice question", by id ▼
        await press(pilot, "e")
        [written] = (tmp_path / "Downloads").glob("cxtui-open-*.csv")
        assert str(written) in " ".join(n.message for n in app._notifications)
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        with written.open(encoding="utf-8", newline="") as file:
            table = list(csv.reader(file))
        assert table[0][:3] == ["SLA", "Due", "Ticket"] and "Agent" in table[0]
        assert [line[2] for line in table[1:]] == shown


async def test_y_copies_the_selected_id(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "j", "y")
        assert app.clipboard == "T-001"
        assert any("Copied T-001" in n.message for n in app._notifications)


async def test_double_click_opens_the_row(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        await pilot.click(PagedList, offset=(10, 2), times=2)  # the second row: T-001
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket_id == "T-001"


async def test_arrows_slide_the_columns_a_narrow_list_leaves_out(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert "Agent" not in header(app)
        await press(pilot, "right", "right")  # SLA and Due make room for Agent
        assert "Agent" in header(app) and "Due" not in header(app)
        assert "◀" in header(app)
        await press(pilot, "left", "left")
        assert "Due" in header(app) and "◀" not in header(app)
