"""What the panes show: the Queue trend and the CSAT margin; and what they take from the config
(colour thresholds and the business-hours clock)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.widgets import Digits

from cxtui.config import Config, Thresholds
from cxtui.models import Survey
from cxtui.tui.charts import DailyChart
from tests.tui.conftest import press, settle
from tests.tui.fixtures import AS_OF, DAY, WEEK, make_app, screen_text

pytestmark = pytest.mark.anyio


def grade_of(app, pane_id: str) -> str:  # type: ignore[no-untyped-def]
    big = app.dashboard.query_one(f"#{pane_id} .big", Digits)
    return next(name for name in ("-ok", "-warn", "-bad", "-none", "-low") if big.has_class(name))


@pytest.mark.parametrize(
    ("thresholds", "nps_grade", "queue_grade"),
    [
        # NPS is 0 (module docstring of test_navigation): at or below the default bad of 0.
        # Two SLA breaches: from 1 (warn) but under 10 (bad). Three NPS answers are graded
        # only when the minimum sample allows it.
        (Thresholds(min_survey_responses=3), "-bad", "-warn"),
        # A centre that only worries below -20, and at 3 breaches.
        (
            Thresholds(
                nps_warn=-10,
                nps_bad=-20,
                sla_breached_warn=3,
                sla_breached_bad=5,
                min_survey_responses=0,
            ),
            "-ok",
            "-ok",
        ),
        # By default three answers are too few to grade.
        (Thresholds(), "-low", "-warn"),
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


async def test_queue_trend_is_daily_arrivals_and_ages_stay_as_text(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        arrivals = app.dashboard.query_one("#queue .trend", DailyChart).series
        text = screen_text(app)
    # 30 days, 2024-04-02 to 2024-05-01 (fixtures.py); created days of T-001..T-010:
    # Apr 21 T-010 (10d), Apr 26 T-008, Apr 27 T-007, Apr 28 T-001, Apr 29 T-006,
    # Apr 30 T-003, May 1 (before 12:00) T-002, T-004, T-005, T-009
    expected = [0] * 30
    for day, count in {21: 1, 26: 1, 27: 1, 28: 1, 29: 1, 30: 1}.items():
        expected[day - 2] = count
    expected[29] = 4
    assert arrivals is not None
    assert list(arrivals.values) == expected
    assert (arrivals.days[0], arrivals.days[-1]) == ("2024-04-02", "2024-05-01")
    assert "min 0 max 4 · arrivals per day, 30 days" in text
    # open T-001..T-005 and T-010, by age 3d, 3.5h, 1d, 2h, 5h, 10d; oldest first
    assert "age >7d 1 · 1-7d 2 · 4-24h 1 · 1-4h 2 · <1h 0" in text


async def test_every_trend_spans_the_same_30_days_with_gaps(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        charts = list(app.dashboard.query(DailyChart))
        response = app.dashboard.query_one("#response .trend", DailyChart).series
        text = screen_text(app)
    assert len(charts) == 4
    assert {chart.series.days for chart in charts if chart.series} == {
        (*(f"2024-04-{d:02d}" for d in range(2, 31)), "2024-05-01")
    }
    # Response medians exist only on the days a ticket created then was answered: T-008
    # (Apr 26, 30 m), T-007 (Apr 27, 2 h), T-006 (Apr 29, 10 m), T-003 (Apr 30, 20 m),
    # T-005 (May 1, 1 h). The other 25 days are gaps, not zeros.
    assert response is not None
    assert [v for v in response.values if v is not None] == [1800, 7200, 600, 1200, 3600]
    assert response.values.count(None) == 25
    # One line of bars, a slot per day, gaps as dots, then the last day.
    # Axis 0 to 2h: 30m is 2/8, 2h full, 10m and 20m round to 1/8, 1h is 4/8.
    assert "·" * 24 + "▂█·▁▁▄ 05-01" in text
    assert "min 10m max 2h 00m · median/day, 30d │" in text


async def test_a_tall_dashboard_draws_charts_with_axes_dates_and_today(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        intraday = app.dashboard.query_one("#queue .intraday")
        assert intraday.display and intraday.size.height >= 6
    # The response chart's axis runs from 0 to 2h 00m, dates under it.
    assert "2h 00m ┤" in text and "    0s ┤" in text
    assert "04-02" in text and "04-16" in text and "05-01" in text
    assert "└──" in text
    assert "today vs last Wed 04-24, per hour" in text
    # Today up to 12:00: T-002 (08:30), T-004 (10:00), T-005 (07:00), T-009 (06:00) arrived.
    assert "in 4 " in text


async def test_h_shows_today_by_the_hour_in_a_short_queue_pane(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        intraday = app.dashboard.query_one("#queue .intraday")
        assert not intraday.display
        await press(pilot, "h")
        assert intraday.display
        assert "today vs last Wed 04-24" in screen_text(app)
        await press(pilot, "h")
        assert not intraday.display


async def test_csat_shows_its_interval(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    # CSAT 5 and 1 in the window: p = 0.5, n = 2; Wilson: z² / n = 1.9208, centre
    # (0.5 + 0.9604) / 2.9208 = 0.5, half 1.96 / 2.9208 · √(0.125 + 0.2401) = 0.4056:
    # 9% to 91%
    assert "95% 9 to 91%" in text
    assert "±" not in text


def pane_text(app, pane_id: str) -> str:  # type: ignore[no-untyped-def]
    """The lines of one pane as drawn: its quarter of the screen, border included."""
    pane = app.dashboard.query_one(f"#{pane_id}")
    region = pane.region
    lines = screen_text(app).splitlines()[region.y : region.y + region.height]
    return "\n".join(row[region.x : region.x + region.width] for row in lines)


SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES)
async def test_small_samples_say_low_n_and_are_not_graded(
    engine: Engine, size: tuple[int, int]
) -> None:
    # In the window: 3 NPS answers, 2 CSAT, 3 live contacts (T-003 chat 20m, T-008 phone
    # 30m, T-009 phone abandoned) and 6 replies: all below the default minimums (30, 20).
    app = make_app(engine)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        response, experience = pane_text(app, "response"), pane_text(app, "experience")
        grades = grade_of(app, "response"), grade_of(app, "experience")
    assert grades == ("-low", "-low")
    for text in (response, experience):
        assert "(act)" not in text and "(watch)" not in text
    # offered 3 on phone and chat: SL 0 of 3, abandoned 1 of 3 (e-mail is not counted)
    assert "SL (phone, chat) 0% in 20s (low n)" in response
    assert "abandoned 33.3% (1/3) (low n)" in response
    assert "min median reply (low n)" in response
    assert "NPS (low n)" in experience
    assert "CSAT 50% (low n) n 2" in experience


@pytest.mark.parametrize("size", SIZES)
async def test_headlines_show_their_target_and_change(
    engine: Engine, size: tuple[int, int]
) -> None:
    before, now = AS_OF - WEEK - DAY, AS_OF - DAY  # in the week before the window, and in it
    with Session(engine) as session:
        # CSAT: 40 of 40 satisfied before; now 40 more unsatisfied beside S-4 (5) and S-5 (1):
        # 1 of 42, 2.4%: down 97.6 points, far beyond both margins
        session.add_all(
            Survey(id=f"cb{i}", submitted_at=before, kind="csat", score=5) for i in range(40)
        )
        session.add_all(
            Survey(id=f"cn{i}", submitted_at=now, kind="csat", score=1) for i in range(40)
        )
        # NPS: 35 promoters before (+100); now 35 more beside 2, 10 and 8: 36 promoters,
        # 1 detractor of 38, +92.1: down 7.9, within the combined margin √(10.65² + 14.03²)
        session.add_all(
            Survey(id=f"nb{i}", submitted_at=before, kind="nps", score=10) for i in range(35)
        )
        session.add_all(
            Survey(id=f"nn{i}", submitted_at=now, kind="nps", score=10) for i in range(35)
        )
        session.commit()
    app = make_app(engine)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        response, experience = pane_text(app, "response"), pane_text(app, "experience")
        resolution = pane_text(app, "resolution")
    assert "NPS · target +30" in experience
    assert "▼8 no significant change" in experience
    assert "CSAT 2% (act) n 42 · target 80%" in experience
    assert "▼98 significant" in experience
    # service level target 80%, abandonment 5%; no live contact the week before
    assert "target 80% · prev —" in response
    assert "target 5% · prev —" in response
    assert "target 60m · prev —" in response
    # resolved: 3 of 9 now (T-006, T-007, T-008), 0 of 1 before (T-010): up 33 points
    assert "% resolved · ▲33 pts" in resolution
