"""80x24 cuts nothing that carries meaning; 200x50 shows more (issue 12, section 4).

The dashboard tests run on the bundled sample, loaded once into a database, at its latest
moment: those are the figures a new user sees first, and the widest counts the sample has.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.content import Content
from textual.widgets import Static

from cxtui.cli import bundled_sample_data
from cxtui.ingest.loader import Loader
from cxtui.metrics import Filters
from cxtui.models import OPEN_STATUSES, Survey, Ticket
from cxtui.queries import latest_activity
from cxtui.sla import verdict
from cxtui.store import open_engine
from cxtui.tui import formatting as fmt
from cxtui.tui.fitted import breakdown, fit
from cxtui.tui.journey import JourneyScreen
from cxtui.tui.lists import SurveyListScreen
from cxtui.tui.survey import SurveyScreen
from tests.tui import fixtures
from tests.tui.conftest import press, settle
from tests.tui.fixtures import AS_OF, HOUR, MIN, make_app, screen_text

pytestmark = pytest.mark.anyio

PANE_WIDTH = 40
LONG_COMMENT = (
    "Waited four days for anyone to answer, then was told to fill in the same form again,"
    " and the refund still has not arrived on my card"
)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    shutil.copytree(bundled_sample_data(), folder / "data")
    path = folder / "cxtui.db"
    engine = open_engine(path)
    Loader(engine, folder / "data").load_all()
    engine.dispose()
    return path


@pytest.fixture
def sample(sample_db: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "cxtui.db"
    shutil.copy(sample_db, path)
    engine = open_engine(path)
    yield engine
    engine.dispose()


def sample_app(engine: Engine):  # type: ignore[no-untyped-def]
    """The sample as of its latest data, the wall clock ten minutes on."""
    with Session(engine) as session:
        latest = latest_activity(session)
    assert latest is not None
    return make_app(engine, as_of=latest, now=lambda: latest + 10 * MIN)


def pane_lines(text: str) -> list[str]:
    """Every line inside the four panes (80 columns: two panes side by side), borders off."""
    lines = []
    for row in text.splitlines()[:-2]:
        for start in (0, PANE_WIDTH):
            inside = row[start + 1 : start + PANE_WIDTH - 1].strip()
            if inside and not set(inside) <= set("─━"):
                lines.append(inside)
    return lines


def is_comment(line: str) -> bool:
    """A comment preview in the Experience pane: one line each, read in full on Enter."""
    return line.split(" ")[0] in ("NPS", "CSAT", "CES") and line.split()[1].isdigit()


async def test_at_80x24_no_pane_line_is_cut(sample: Engine) -> None:
    app = sample_app(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    lines = pane_lines(text)
    cut = [line for line in lines if "…" in line and not is_comment(line)]
    assert cut == []
    for whole in (
        "21 SLA breached (act)",
        "2 at risk (<1h)",
        # The age groups by their lower bound, oldest first: all five, 261 open in all.
        "7d+ 1 1d+ 77 4h+ 86 1h+ 69 <1h 28",
        "urgent 5 high 28 normal 179 low 49",
        "new 64 open 94 pending 85 on hold 18",
        "min 0 max 531 · arrivals/day, 30d",
        "min 43s max 5h 00m · median/day, 30d",
        "min 0% max 98% · resolution/day, 30d",
        "min -100 max +100 · NPS/day, 30d",
        "SL (phone, chat) 45% in 20s (act)",
        "abandoned 6.5% (102/1,574) (watch)",
        "CSAT 78% (watch) n 242 · target 80%",
    ):
        assert any(whole in line for line in lines), whole
    # The next-due list needs a wide and tall terminal.
    assert "next SLA due" not in text


async def test_at_200x50_breakdowns_show_every_group_and_the_tickets_due_next(
    sample: Engine,
) -> None:
    app = sample_app(sample)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        as_of = app.as_of()
    for whole in (
        "age >7d 1 · 1-7d 77 · 4-24h 86 · 1-4h 69 · <1h 28",
        "urgent 5 · high 28 · normal 179 · low 49",
        "new 64 · open 94 · pending 85 · on hold 18",
        "chat 24 · email 167 · phone 24 · social 11 · web 25 · whatsapp 10",
        "accounts 40 · billing 78 · general 25 · orders 51 · technical 67",
        "min 0 max 531 · arrivals per day, 30 days",
    ):
        assert whole in text, whole
    # The next five open tickets by next SLA breach, worked out here from every open ticket
    # with the Python verdict (the pane reads them with the SQL sort).
    with Session(sample) as session:
        tickets = session.exec(select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))).all()  # type: ignore[attr-defined]
    due = []
    for ticket in tickets:
        sla = verdict(
            status=ticket.status,
            first_response_at=ticket.first_response_at,
            resolved_at=ticket.resolved_at,
            first_response_due_at=ticket.first_response_due_at,
            resolution_due_at=ticket.resolution_due_at,
            as_of=as_of,
        )
        if sla.next_due_at is not None:
            due.append((sla.next_due_at, ticket.created_at, ticket.id, ticket.subject))
    first_five = sorted(due)[:5]
    assert "next SLA due · r lists them all" in text
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if "next SLA due" in line)
    for offset, (due_at, _, ticket_id, subject) in enumerate(first_five, start=1):
        when = (
            f"overdue {fmt.duration(as_of - due_at)}"
            if due_at < as_of
            else f"in {fmt.duration(due_at - as_of)}"
        )
        row = lines[heading + offset]
        assert ticket_id in row and when in row and str(subject) in row, row


def status_line(text: str) -> str:
    return text.splitlines()[-2]


def above_status_line(text: str) -> str:
    """The screen without its status line and key hints (the left of which may be cut)."""
    return "\n".join(text.splitlines()[:-2])


@pytest.mark.parametrize(("as_of", "clock"), [(AS_OF, "now 12:10 UTC"), (None, "live 12:10 UTC")])
async def test_the_clock_stays_whole_with_three_filters_at_80_columns(
    engine: Engine, as_of: int | None, clock: str
) -> None:
    app = make_app(engine, as_of=as_of)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.set_filters(Filters(channel="email", queue="billing", agent="Ann Agent"))
        await settle(pilot)
        line = status_line(screen_text(app))
    assert line.rstrip().endswith(clock)
    assert all(value in line for value in ("email", "billing", "Ann Agent"))


def test_a_filter_too_long_for_the_line_is_cut_before_the_clock() -> None:
    from cxtui.tui.status_line import Status, StatusLine

    status = Status(
        folder="/data",
        window_seconds=7 * 86_400,
        filters=Filters(channel="email", queue="billing-and-refunds", agent="A" * 20),
        quarantined=4,
        wall_clock=AS_OF,
    )
    right = StatusLine(fmt.ZoneInfo("UTC")).right(status, 60)
    assert right.cell_length <= 60
    assert right.plain.rstrip().endswith("live 12:00 UTC")
    assert "…" in right.plain


def test_a_breakdown_keeps_every_group_before_leaving_any_out() -> None:
    counts = {"urgent": 5, "high": 28, "normal": 179, "low": 49}
    choices = breakdown(counts, short={"urgent": "urg", "normal": "norm"})
    assert fit(choices, 80).plain == "urgent 5 · high 28 · normal 179 · low 49"
    assert fit(choices, 34).plain == "urgent 5 high 28 normal 179 low 49"
    assert fit(choices, 33).plain == "urg 5 high 28 norm 179 low 49"
    # Then left out from the end (the mildest news), with the tickets they hold: 179 + 49.
    assert fit(choices, 28).plain == "urg 5 high 28 +228 more"
    assert fit(choices, 16).plain == "urg 5 +256 more"


def test_a_breakdown_by_name_leaves_out_the_smallest_groups() -> None:
    counts = {"chat": 24, "email": 167, "phone": 24, "social": 11, "web": 25}
    choices = breakdown(counts, drop_smallest=True)
    assert fit(choices, 43).plain == "chat 24 email 167 phone 24 social 11 web 25"
    # social 11 and chat 24 go first; the rest keep their order.
    assert fit(choices, 36).plain == "email 167 phone 24 web 25 +35 more"
    assert fit(choices, 28).plain == "email 167 web 25 +59 more"


def test_fit_takes_the_longest_wording_that_fits() -> None:
    choices = (Content("21 SLA breached (act)"), Content("21 breached (act)"))
    assert fit(choices, 30).plain == "21 SLA breached (act)"
    assert fit(choices, 20).plain == "21 breached (act)"
    assert fit(choices, 5).plain == "21 breached (act)"


async def add_long_comment(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            Survey(
                id="S-LONG",
                submitted_at=AS_OF - 3 * HOUR,
                kind="nps",
                score=1,
                ticket_id="T-007",
                customer_id="C-2",
                comment=LONG_COMMENT,
            )
        )
        session.commit()


def words_in_order(text: str) -> str:
    """The screen's words in reading order, one space apart: a wrapped sentence reads whole."""
    return " ".join(text.split())


def steps_to_long_comment(screen: JourneyScreen) -> int:
    """How many rows down the journey the survey with the long comment is."""
    assert screen.journey is not None
    return next(
        i
        for i, event in enumerate(screen.journey.events)
        if event.survey is not None and event.survey.id == "S-LONG"
    )


async def test_the_selected_journey_event_is_shown_whole_under_the_list(engine: Engine) -> None:
    """At 80 columns a row has room for the start of a comment; under the list the selected
    event's text is wrapped whole."""
    await add_long_comment(engine)
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_journey("C-2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JourneyScreen) and screen.journey is not None
        steps = steps_to_long_comment(screen)
        await press(pilot, *(["j"] * steps))
        await settle(pilot)
        whole = screen.query_one("#event-text", Static)
        shown = words_in_order(whole.render().plain)
        text = screen_text(app)
        height, bottom = whole.size.height, whole.region.bottom
    assert f"NPS 1 (detractor) on T-007: {LONG_COMMENT}" in shown
    assert height > 1
    assert words_in_order(LONG_COMMENT) in words_in_order(text)
    assert bottom <= 22  # above the status line and the footer


async def test_enter_on_a_survey_response_opens_it_in_full(engine: Engine) -> None:
    await add_long_comment(engine)
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_list("surveys")
        await settle(pilot)
        assert isinstance(app.screen, SurveyListScreen)
        # Unhappiest first: the NPS 1 with the long comment leads.
        await press(pilot, "enter")
        assert isinstance(app.screen, SurveyScreen)
        text = screen_text(app)
        assert "Survey response S-LONG" in text
        assert "NPS 1 detractor" in text
        assert "2024-05-01 09:00:00" in text
        assert "C-2" in text and "T-007" in text
        assert LONG_COMMENT in words_in_order(text)
        assert "…" not in above_status_line(text)
        await press(pilot, "t")
        assert app.screen.__class__.__name__ == "TicketScreen"
        await press(pilot, "escape", "escape")
        assert isinstance(app.screen, SurveyListScreen)


async def test_enter_on_a_survey_in_the_journey_opens_it_in_full(engine: Engine) -> None:
    await add_long_comment(engine)
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_journey("C-2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JourneyScreen) and screen.journey is not None
        kinds = [event.kind for event in screen.journey.events]
        steps = steps_to_long_comment(screen)
        await press(pilot, *(["j"] * steps), "enter")
        assert isinstance(app.screen, SurveyScreen), kinds
        assert LONG_COMMENT in words_in_order(screen_text(app))
        await press(pilot, "escape")
        assert app.screen is screen


async def test_the_grade_word_stays_whole_beside_a_wide_headline(tmp_path: Path) -> None:
    """1,200 open tickets past their reply time: four digits leave the caption 21 columns."""
    engine = open_engine(tmp_path / "cxtui.db")
    with Session(engine) as session:
        session.add_all(
            fixtures.ticket(f"B-{n:04d}", 3 * HOUR, "open", reply_due_after=HOUR)
            for n in range(1_200)
        )
        session.commit()
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    engine.dispose()
    assert "1,200 breached (act)" in text
    assert "(ac…" not in text
