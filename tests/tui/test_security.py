"""Issue 6, security: data never takes over the screen, never reaches SQL as code, and PII can
be hidden.

Screen checks look at what the app would send to the terminal: the rendered segments and the
plain screen text. For every hostile string in tests/tui/hostile.py, placed in a subject, an
agent name, a customer id, a survey comment and a quarantined row, every screen that shows it
must carry no control, bidi or zero-width character (no character of category Cc or Cf), show
the hand-written stand-in instead, and apply no style or link from the data.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.segment import Segment
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from cxtui.config import Config
from cxtui.metrics import Filters
from cxtui.models import Survey, Ticket
from cxtui.store import open_engine
from cxtui.tui.app import CxApp
from cxtui.tui.filters import FilterScreen
from cxtui.tui.journey import JourneyScreen
from cxtui.tui.lists import SurveyListScreen, TicketListScreen
from cxtui.tui.paged_list import PagedList
from cxtui.tui.quarantine import QuarantinedRowScreen, QuarantineScreen
from cxtui.tui.ticket import TicketScreen
from tests.built_once import copy_of
from tests.tui import hostile
from tests.tui.conftest import list_ids, press, settle, wait_for
from tests.tui.fixtures import AS_OF, HOUR, make_app, screen_text, ticket
from tests.tui.hostile import EVIL_HOST, HOSTILE

pytestmark = pytest.mark.anyio

# Wide enough that every list column is shown (the Customer column needs 150) and tall
# enough that every hostile row fits on one page.
SIZE = (160, 40)
HIDDEN_CATEGORIES = ("Cc", "Cf")

# Column widths of the lists (lists.py): narrow cells end in "…" when the text is longer.
AGENT_WIDTH = 14
CUSTOMER_WIDTH = 12


def in_cell(text: str, width: int) -> str:
    """`text` as a list cell `width` wide shows it: whole, or cut to width - 1 and "…"."""
    return text if len(text) <= width else text[: width - 1] + "…"


# --- what reached the terminal -----------------------------------------------------------


def segments_of(app: CxApp) -> list[Segment]:
    """Every segment of a full redraw of the screen in front (dialogs over their screen)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return [segment for line in update.strips for strip in line for segment in strip]


def terminal_output(app: CxApp) -> str:
    """The bytes a terminal would receive for a full redraw, escape sequences included."""
    sent = io.StringIO()
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=sent,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return sent.getvalue()


def hidden_characters(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in HIDDEN_CATEGORIES]


def assert_neutralised(app: CxApp, expected: list[str]) -> str:
    """The screen shows each of `expected` literally, in one style, and nothing hidden.

    Returns the screen text for further checks.
    """
    text = screen_text(app)
    for number, line in enumerate(text.splitlines(), 1):
        assert not hidden_characters(line), f"line {number}: {line!r}"
    segments = segments_of(app)
    for segment in segments:
        if segment.control:
            continue  # Textual's own cursor moves, not text
        assert not hidden_characters(segment.text), repr(segment.text)
        style = segment.style
        if style is not None:
            assert style.link is None, f"link on {segment.text!r}"
            assert "@click" not in style.meta, f"action on {segment.text!r}"
    for shown in expected:
        # Whole inside one segment: shown literally, and no style starts or stops within it.
        assert any(shown in segment.text for segment in segments), f"{shown!r} not on screen"
    output = terminal_output(app)
    assert "\x1b]" not in output, "an OSC sequence (link, clipboard, title) reached the terminal"
    return text


async def drawn(pilot: Pilot[object], screen: type[Screen[Any]], marker: str) -> None:
    """Wait until a `screen` is in front and shows `marker`: lighter than `settle`, for the
    screens opened one after another in a loop."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, screen) and marker in screen_text(app))


# --- hostile text on every screen ----------------------------------------------------------


@pytest.fixture
def hostile_engine(tmp_path: Path) -> Iterator[Engine]:
    built = open_engine(copy_of("hostile", _build_hostile, tmp_path / "hostile.db"))
    yield built
    built.dispose()


def _build_hostile(path: Path) -> None:
    hostile.build_database(path).dispose()


TAKING_EFFECT: list[tuple[str | Content, str]] = [
    (f'[link="https://{EVIL_HOST}"]x[/link]', "link on 'x'"),
    ("[@click=app.quit]q[/]", "action on 'q'"),
    ("[bold]not bold[/bold]", "not on screen"),
    (Content("right\u202eleft"), "U\\+202E"),
]


async def test_the_screen_checks_catch_data_taking_effect(hostile_engine: Engine) -> None:
    """The checks above can fail: parsed markup, or a raw bidi character shown, is caught."""
    app = make_app(hostile_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for shown, caught in TAKING_EFFECT:
            widget = Static(shown)
            await app.screen.mount(widget)
            await pilot.pause()
            with pytest.raises(AssertionError, match=caught):
                assert_neutralised(app, [str(shown)])
            await widget.remove()


async def test_ticket_list_neutralises_every_hostile_string(hostile_engine: Engine) -> None:
    app = make_app(hostile_engine)
    # Wider than SIZE: beside the SLA and Due columns the longest subject must fit whole.
    async with app.run_test(size=(180, SIZE[1])) as pilot:
        await settle(pilot)
        app.open_list("open")
        await settle(pilot)
        assert isinstance(app.screen, TicketListScreen)
        assert sorted(list_ids(app)) == [hostile.ticket_id(i) for i in range(len(HOSTILE))]
        expected = []
        for h in HOSTILE:
            expected += [
                hostile.subject(h.shown),
                in_cell(hostile.agent(h.shown), AGENT_WIDTH),
                in_cell(hostile.customer(h.shown), CUSTOMER_WIDTH),
            ]
        assert_neutralised(app, expected)


async def test_ticket_screen_neutralises_every_hostile_string(hostile_engine: Engine) -> None:
    app = make_app(hostile_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for index, h in enumerate(HOSTILE):
            app.open_ticket(hostile.ticket_id(index))
            # The surveys are the last part of the ticket screen to be drawn.
            await drawn(pilot, TicketScreen, hostile.comment(h.shown))
            text = assert_neutralised(
                app,
                [
                    hostile.subject(h.shown),
                    hostile.agent(h.shown),
                    hostile.customer(h.shown),
                    hostile.comment(h.shown),
                ],
            )
            # In the title bar and as the Subject field.
            assert text.count(hostile.subject(h.shown)) == 2, h.name
            await app.pop_screen()


async def test_journey_neutralises_every_hostile_string(hostile_engine: Engine) -> None:
    app = make_app(hostile_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for index, h in enumerate(HOSTILE):
            app.open_journey(hostile.customer(h.raw))
            # The events list is filled after the journey is read.
            await drawn(pilot, JourneyScreen, hostile.comment(h.shown))
            assert isinstance(app.screen, JourneyScreen)
            journey = app.screen.journey
            assert journey is not None
            assert [t.id for t in journey.tickets] == [hostile.ticket_id(index)], h.name
            text = assert_neutralised(
                app,
                [
                    hostile.customer(h.shown),
                    hostile.subject(h.shown),
                    hostile.comment(h.shown),
                ],
            )
            assert f"Customer {hostile.customer(h.shown)} · 1 ticket · 1 survey" in text
            await app.pop_screen()


async def test_survey_list_neutralises_every_hostile_string(hostile_engine: Engine) -> None:
    app = make_app(hostile_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_list("surveys")
        await settle(pilot)
        assert isinstance(app.screen, SurveyListScreen)
        assert len(list_ids(app)) == len(HOSTILE)
        expected = []
        for h in HOSTILE:
            expected += [
                hostile.comment(h.shown),
                in_cell(hostile.customer(h.shown), CUSTOMER_WIDTH),
            ]
        assert_neutralised(app, expected)


async def test_dashboard_comments_neutralise_every_hostile_string(
    hostile_engine: Engine,
) -> None:
    app = make_app(hostile_engine)
    # Tall enough for the Experience pane to show all its 8 comments.
    async with app.run_test(size=(SIZE[0], 60)) as pilot:
        await settle(pilot)
        # One channel at a time holds at most 6 of the comments.
        for channel in hostile.CHANNELS:
            app.set_filters(Filters(channel=channel))
            await settle(pilot)
            assert_neutralised(
                app,
                [
                    hostile.comment(h.shown)
                    for index, h in enumerate(HOSTILE)
                    if hostile.channel(index) == channel
                ],
            )


async def test_quarantine_neutralises_every_hostile_raw_line(hostile_engine: Engine) -> None:
    app = make_app(hostile_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, QuarantineScreen)
        assert_neutralised(app, [hostile.raw_line(h.shown) for h in HOSTILE])
        # Enter shows a row in full, in a dialog of its own.
        await press(pilot, "enter")
        assert isinstance(app.screen, QuarantinedRowScreen)
        assert_neutralised(app, [hostile.raw_line(HOSTILE[0].shown)])
        await press(pilot, "escape")
        # The same dialog for every other row, opened directly (keys cost time, not coverage).
        rows = app.screen.query_one(PagedList)
        for index, h in enumerate(HOSTILE[1:], 1):
            await app.push_screen(QuarantinedRowScreen(rows._rows[index], mask=False))
            await drawn(pilot, QuarantinedRowScreen, hostile.raw_line(h.shown))
            assert_neutralised(app, [hostile.raw_line(h.shown)])
            await app.pop_screen()


# --- SQL: data and typed text are values, never code ----------------------------------------

DROP = "'; DROP TABLE ticket; --"
# (subject, channel) of each ticket: every hostile needle appears in exactly one of them.
SQL_TICKETS = {
    "Q-1": ("100% sure", "%"),
    "Q-2": ("order_id missing", "_"),
    "Q-3": ('he said "hi"', '"'),
    "Q-4": ("path C:\\temp", "\\"),
    "Q-5": (DROP, DROP),
    "Q-6": ("plain words", "email"),
}
SQL_SURVEYS = {"QS-1": "50% off", "QS-2": "snake_case reply", "QS-3": "plain words"}


@pytest.fixture
def sql_engine(tmp_path: Path) -> Iterator[Engine]:
    built = open_engine(tmp_path / "sql.db")
    with Session(built) as session:
        for number, (ticket_id, (subject, channel)) in enumerate(SQL_TICKETS.items(), 1):
            session.add(ticket(ticket_id, number * HOUR, "open", subject=subject, channel=channel))
        for survey_id, comment in SQL_SURVEYS.items():
            session.add(
                Survey(
                    id=survey_id,
                    submitted_at=AS_OF - HOUR,
                    kind="nps",
                    score=9,
                    ticket_id="Q-6",
                    customer_id="C-1",
                    comment=comment,
                )
            )
        session.commit()
    yield built
    built.dispose()


def tickets_in(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Ticket)).one()


async def search(pilot: Pilot[object], text: str, *, typed: bool = True) -> None:
    """Open the list's `/` box, enter `text` (key by key, or pasted whole) and submit it."""
    await press(pilot, "slash")
    if typed:
        await pilot.press(*text)
    else:
        pilot.app.screen.query_one("#search", Input).value = text
    await press(pilot, "enter")


# Each needle appears in exactly one subject. Unescaped, % and _ are LIKE wildcards and would
# match all six tickets; a quote or backslash would break a statement built from text.
NEEDLES = [("%", "Q-1"), ("_", "Q-2"), ('"', "Q-3"), ("\\", "Q-4"), (DROP, "Q-5")]


async def test_list_search_with_hostile_text_is_a_literal_match(sql_engine: Engine) -> None:
    app = make_app(sql_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_list("open")
        await settle(pilot)
        assert len(list_ids(app)) == len(SQL_TICKETS)
        for needle, match in NEEDLES:
            # Typed key by key, except the long one: 24 keys cost seconds and test no more.
            await search(pilot, needle, typed=len(needle) == 1)
            assert isinstance(app.screen, TicketListScreen)
            assert app.screen.search == needle
            assert list_ids(app) == [match], needle
            assert f"matching “{needle}”" in screen_text(app)
    assert tickets_in(sql_engine) == len(SQL_TICKETS)


async def test_survey_search_with_wildcards_is_a_literal_match(sql_engine: Engine) -> None:
    app = make_app(sql_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_list("surveys")
        await settle(pilot)
        assert sorted(list_ids(app)) == sorted(SQL_SURVEYS)
        await search(pilot, "%")
        assert list_ids(app) == ["QS-1"]
        await search(pilot, "_")
        assert list_ids(app) == ["QS-2"]


async def test_filters_with_hostile_values_match_literally(sql_engine: Engine) -> None:
    app = make_app(sql_engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_list("open")
        await settle(pilot)
        for ticket_id, (_, channel) in SQL_TICKETS.items():
            app.set_filters(Filters(channel=channel))
            await settle(pilot)
            assert list_ids(app) == [ticket_id], channel
        # No agent is called "%": a LIKE would have matched every ticket.
        app.set_filters(Filters(agent="%"))
        await settle(pilot)
        assert list_ids(app) == []
        app.set_filters(Filters())
        await settle(pilot)
        # The same through the `f` dialog: pick the DROP TABLE channel and apply.
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#channel", Select).value = DROP
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketListScreen)
        assert app.view.filters == Filters(channel=DROP)
        assert list_ids(app) == ["Q-5"]
        # The status line cuts a filter value to 20 characters.
        assert f"channel={DROP[:19]}…" in screen_text(app)
    assert tickets_in(sql_engine) == len(SQL_TICKETS)


# --- PII masking ---------------------------------------------------------------------------

CUSTOMER = "jane.doe@example.com"
AGENT = "ann.agent@example.org"
SUBJECT = "Call +44 7700 900123 or jane.doe@example.com"
COMMENT = "Ring 07700 900456 or bob@example.net"
# Worked out by hand from mask_pii's rule: an address keeps its first letter and top-level
# domain; a number keeps its country code, separators and last two digits.
CUSTOMER_MASKED = "j***@***.com"
AGENT_MASKED = "a***@***.org"
SUBJECT_MASKED = "Call +44 **** ****23 or j***@***.com"
COMMENT_MASKED = "Ring ***** ****56 or b***@***.net"
# Parts of the addresses and numbers above that no masked screen may show.
SECRETS = ("jane.doe", "ann.agent", "bob@", "example.", "7700", "900123", "900456")


@pytest.fixture
def pii_engine(tmp_path: Path) -> Iterator[Engine]:
    built = open_engine(tmp_path / "pii.db")
    with Session(built) as session:
        session.add(
            ticket("P-1", 2 * HOUR, "open", agent=AGENT, customer=CUSTOMER, subject=SUBJECT)
        )
        session.add(
            Survey(
                id="PS-1",
                submitted_at=AS_OF - HOUR,
                kind="csat",
                score=1,
                ticket_id="P-1",
                customer_id=CUSTOMER,
                comment=COMMENT,
            )
        )
        session.commit()
    yield built
    built.dispose()


def assert_masked(text: str, mask: bool, shown: list[tuple[str, str]]) -> None:
    """Each (plain, masked) pair shows in the form `mask` asks for; masked, no secret leaks."""
    for plain, masked in shown:
        assert (masked if mask else plain) in text
    if mask:
        assert [s for s in SECRETS if s in text] == []


MASK = pytest.mark.parametrize("mask", [True, False], ids=["masked", "shown"])


def pii_app(engine: Engine, mask: bool) -> CxApp:
    return make_app(engine, config=Config(mask_pii=mask))


@MASK
async def test_lists_and_dashboard_mask_pii(pii_engine: Engine, mask: bool) -> None:
    app = pii_app(pii_engine, mask)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert_masked(screen_text(app), mask, [(COMMENT, COMMENT_MASKED)])
        app.open_list("open")
        await settle(pilot)
        assert list_ids(app) == ["P-1"]
        shown = [
            (in_cell(CUSTOMER, CUSTOMER_WIDTH), CUSTOMER_MASKED),
            (in_cell(AGENT, AGENT_WIDTH), AGENT_MASKED),
            (SUBJECT, SUBJECT_MASKED),
        ]
        assert_masked(screen_text(app), mask, shown)
        # The search is echoed in the title; an address searched for is masked there too.
        await search(pilot, CUSTOMER, typed=False)
        assert list_ids(app) == ["P-1"]
        assert_masked(screen_text(app), mask, [*shown, (f"“{CUSTOMER}”", f"“{CUSTOMER_MASKED}”")])
        await app.pop_screen()
        app.open_list("surveys")
        await settle(pilot)
        assert list_ids(app) == ["PS-1"]
        assert_masked(
            screen_text(app),
            mask,
            [(in_cell(CUSTOMER, CUSTOMER_WIDTH), CUSTOMER_MASKED), (COMMENT, COMMENT_MASKED)],
        )


@MASK
async def test_ticket_screen_and_journey_mask_pii(pii_engine: Engine, mask: bool) -> None:
    app = pii_app(pii_engine, mask)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_ticket("P-1")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        text = screen_text(app)
        assert_masked(
            text,
            mask,
            [(CUSTOMER, CUSTOMER_MASKED), (AGENT, AGENT_MASKED), (COMMENT, COMMENT_MASKED)],
        )
        # In the title bar and as the Subject field.
        assert text.count(SUBJECT_MASKED if mask else SUBJECT) == 2
        await press(pilot, "c")
        assert isinstance(app.screen, JourneyScreen)
        assert_masked(
            screen_text(app),
            mask,
            [
                (f"Customer {CUSTOMER} · 1 ticket", f"Customer {CUSTOMER_MASKED} · 1 ticket"),
                (SUBJECT, SUBJECT_MASKED),
                (COMMENT, COMMENT_MASKED),
            ],
        )


@MASK
async def test_agent_filter_masks_pii(pii_engine: Engine, mask: bool) -> None:
    """An agent named by an address stays hidden in the filter dialog and the status line."""
    app = pii_app(pii_engine, mask)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#agent", Select).value = AGENT
        await pilot.pause()
        assert_masked(screen_text(app), mask, [(AGENT, AGENT_MASKED)])
        await press(pilot, "ctrl+s")
        assert app.view.filters == Filters(agent=AGENT)
        # The status line cuts a filter value to 20 characters.
        assert_masked(screen_text(app), mask, [(f"agent={AGENT[:19]}…", f"agent={AGENT_MASKED}")])
