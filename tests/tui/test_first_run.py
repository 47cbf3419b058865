"""The first minute: a folder of old data opens on its data, not on an empty screen; loading
is shown and its figures are marked provisional and left ungraded; the status line keeps the
wall clock apart from the moment the numbers are for.

The fixture's newest moment is S-4, submitted at AS_OF - 1 h (2024-05-01 11:00 UTC); a wall
clock 30 days later leaves the 7-day window ending now empty, like the bundled sample today.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.containers import Grid
from textual.widgets import Digits

from cxtui.ingest.loader import Loader, LoadResult
from cxtui.store import open_engine
from cxtui.tui.pinning import AsOf
from tests.tui.conftest import big_number, press, settle, wait_for
from tests.tui.fixtures import AS_OF, DAY, HOUR, MIN, NOW, WEEK, make_app, screen_text, ticket

pytestmark = pytest.mark.anyio

SIZES = [(80, 24), (200, 50)]
LATER = AS_OF + 30 * DAY  # 2024-05-31 12:00 UTC
LATEST = AS_OF - HOUR
LIVE_TIMEOUT = 30.0
GRADE_WORDS = ("(act)", "(watch)")


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES, ids=size_id)
async def test_old_data_opens_as_of_its_latest_moment_and_l_goes_live(
    engine: Engine, size: tuple[int, int]
) -> None:
    app = make_app(engine, as_of=None, now=lambda: LATER)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.moment == AsOf("latest", LATEST)
        text = screen_text(app)
        assert "as of 2024-05-01 11:00, " in text
        if size[0] >= 200:
            assert "as of 2024-05-01 11:00, the latest data; press L for live" in text
        else:
            assert "latest data" in text
            assert "L Live" in text  # the footer offers the way out
        assert "now 12:00 UTC" in text  # the wall clock, 2024-05-31
        # The numbers are those of the data: nine tickets created in the 7 days to 11:00.
        assert "3 of 9 created" in text
        assert big_number(app, "queue") == "6"

        await press(pilot, "L")
        assert app.moment == AsOf("live", chosen=True)
        text = screen_text(app)
        assert "as of" not in text
        assert "live 12:00 UTC" in text
        assert "0 of 0 created" in text
        assert "L Live" not in text

        # And back to the data, chosen this time.
        await press(pilot, "L")
        await settle(pilot)
        assert app.moment == AsOf("latest", LATEST, chosen=True)
        assert "3 of 9 created" in screen_text(app)


async def test_data_inside_the_window_opens_live(engine: Engine) -> None:
    app = make_app(engine, as_of=None, now=lambda: AS_OF + 5 * DAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.moment == AsOf()
        assert "live 12:00 UTC" in screen_text(app)


async def test_an_explicit_as_of_wins_over_the_latest_data(engine: Engine) -> None:
    app = make_app(engine, as_of=AS_OF - 3 * DAY, now=lambda: LATER)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        assert app.moment == AsOf("given", AS_OF - 3 * DAY, chosen=True)
        text = screen_text(app)
        assert "as of 2024-04-28 12:00; press L for live" in text
        assert "latest data" not in text


async def test_rows_arriving_while_pinned_are_announced_not_jumped_to(engine: Engine) -> None:
    app = make_app(engine, as_of=None, now=lambda: LATER)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        assert app.moment.at == LATEST
        # Newer, but still older than the window ending now: "the latest data" moves with it.
        with Session(engine) as session:
            session.add(ticket("T-200", -5 * DAY, "open", customer="C-9"))
            session.commit()
        await wait_for(pilot, lambda: app.moment.at == AS_OF + 5 * DAY, LIVE_TIMEOUT)
        await settle(pilot)
        assert "as of 2024-05-06 12:00, the latest data" in screen_text(app)
        # A row inside the live window: said, not silently ignored, and not jumped to.
        with Session(engine) as session:
            session.add(ticket("T-201", -(30 * DAY - HOUR), "new", customer="C-9"))
            session.commit()
        await wait_for(pilot, lambda: app.arriving, LIVE_TIMEOUT)
        await settle(pilot)
        text = screen_text(app)
        assert "new rows arriving, press L for live" in text
        assert app.moment.at == AS_OF + 5 * DAY
        await press(pilot, "L")
        text = screen_text(app)
        assert "new rows" not in text
        assert "0 of 1 created" in text


@pytest.mark.parametrize("size", SIZES, ids=size_id)
async def test_the_wall_clock_ticks_apart_from_the_pinned_moment(
    engine: Engine, size: tuple[int, int]
) -> None:
    clock = [float(NOW)]
    app = make_app(engine, now=lambda: clock[0])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "as of 2024-05-01 12:00" in text
        assert "now 12:10 UTC" in text
        clock[0] += 5 * MIN
        await wait_for(pilot, lambda: "now 12:15 UTC" in screen_text(app))
        assert "as of 2024-05-01 12:00" in screen_text(app)


def overdue_tickets(folder: Path, count: int) -> None:
    """`count` open tickets two days old whose first reply was due a day ago: enough SLA
    breaches to be graded "(act)" once the figures are final."""
    created = "2024-04-29T12:00:00Z"
    due = "2024-04-30T12:00:00Z"
    lines = ["id,created_at,status,priority,channel,subject,first_response_due_at"]
    lines += [f"B-{n:03d},{created},open,normal,email,Late,{due}" for n in range(count)]
    (folder / "tickets.csv").write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("size", SIZES, ids=size_id)
async def test_figures_are_provisional_and_ungraded_until_the_backlog_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    overdue_tickets(folder, 12)
    release = threading.Event()
    real_load_all = Loader.load_all
    passes = 0

    def first_pass_held(loader: Loader) -> LoadResult:
        """The first pass loads everything, then stays open until the test lets it end."""
        nonlocal passes
        result = real_load_all(loader)
        passes += 1
        if passes == 1:
            release.wait(LIVE_TIMEOUT)
        return result

    monkeypatch.setattr(Loader, "load_all", first_pass_held)
    engine = open_engine(folder / ".cxtui" / "cxtui.db")
    app = make_app(engine, as_of=None, data_dir=folder, ingest=True, window_seconds=WEEK)
    try:
        async with app.run_test(size=size) as pilot:
            await wait_for(
                pilot,
                lambda: app.snapshot is not None and big_number(app, "queue") == "12",
                LIVE_TIMEOUT,
            )
            await wait_for(pilot, lambda: app.loading is not None and app.loading.rows == 12)
            await settle(pilot)
            text = screen_text(app)
            assert "loading… ██████ 100% · file 1 of 1 · 12 rows" in text
            assert "provisional │" in text
            assert "12 SLA breached" in text
            assert not [word for word in GRADE_WORDS if word in text]
            assert app.dashboard.query_one("#panes", Grid).has_class("-provisional")
            assert not [
                big for big in app.dashboard.query(".big").results(Digits) if big.has_class("-bad")
            ]

            release.set()
            await wait_for(pilot, lambda: app.snapshot is not None and not app.snapshot.provisional)
            await settle(pilot)
            text = screen_text(app)
            assert "12 SLA breached (act)" in text
            assert "provisional │" not in text  # (the folder's path has the word in it)
            assert "loading…" not in text
            assert not app.dashboard.query_one("#panes", Grid).has_class("-provisional")
            assert app.dashboard.query_one("#queue .big", Digits).has_class("-bad")
    finally:
        release.set()
        engine.dispose()
