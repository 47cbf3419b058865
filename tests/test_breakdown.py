"""The breakdown by agent, queue and channel against figures worked out by hand, against
the dashboard filtered to each value, and read from the tallies against a scan of rows."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from cxtui import aggregates
from cxtui.breakdown import Breakdown, UnknownDimension, agent_flag, breakdown, check_dimension
from cxtui.config import Thresholds
from cxtui.metrics import Filters, Window, dashboard
from cxtui.store import snapshot
from tests.breakdown_fixture import AS_OF, DAY, EXPECTED, write_centre
from tests.ingest_helpers import make_loader

WINDOW = Window(AS_OF, 7 * DAY)


@pytest.fixture
def loaded(tmp_path: Path):  # type: ignore[no-untyped-def]
    loader = make_loader(write_centre(tmp_path / "data"))
    loader.load_all()
    return loader.engine


def _by(engine, dimension: str) -> Breakdown:  # type: ignore[no-untyped-def]
    with snapshot(engine) as session:
        return breakdown(session, WINDOW, dimension, Thresholds())


def test_each_agent_row_is_the_hand_worked_figures(loaded) -> None:  # type: ignore[no-untyped-def]
    found = _by(loaded, "agent")
    rows = {row.value: row for row in found.rows}
    assert set(rows) == set(EXPECTED)
    for agent, figures in EXPECTED.items():
        for name, value in figures.items():
            assert getattr(rows[agent], name) == pytest.approx(value), (agent, name)
    # most open tickets first
    assert [row.value for row in found.rows] == ["bo", "ana", None]


def test_queue_and_channel_rows_add_up_by_hand(loaded) -> None:  # type: ignore[no-untyped-def]
    queues = {row.value: row for row in _by(loaded, "queue").rows}
    assert {q: (r.open_now, r.handled) for q, r in queues.items()} == {
        "billing": (4, 5),  # ana's T3-T5 and T12 open; T1-T4 and T12 created in the window
        "tech": (4, 2),
    }
    assert queues["tech"].flag is None  # the agent threshold marks agents only
    channels = {row.value: row for row in _by(loaded, "channel").rows}
    assert {c: r.handled for c, r in channels.items()} == {"email": 6, "phone": 1}
    assert channels["phone"].first_response_median_seconds is None


def test_an_agent_row_is_the_dashboard_filtered_to_that_agent(loaded) -> None:  # type: ignore[no-untyped-def]
    rows = {row.value: row for row in _by(loaded, "agent").rows}
    for agent in ("ana", "bo"):
        with snapshot(loaded) as session:
            board = dashboard(session, WINDOW, Filters(agent=agent))
        row = rows[agent]
        assert row.open_now == board.queue.open
        assert row.sla_breached_now == board.queue.sla_breached
        assert row.handled == board.resolution.created
        assert row.first_response_median_seconds == board.first_response.median_seconds
        assert row.resolution_rate == board.resolution.rate
        assert row.reopen_rate == board.resolution.reopen_rate
        assert row.handle_time_mean_seconds == board.handle_time.mean_seconds
        assert (row.nps, row.nps_n) == (board.nps.score, board.nps.responses)
        assert (row.csat_pct, row.csat_n) == (board.csat.score_pct, board.csat.responses)


@pytest.mark.parametrize("dimension", ["agent", "queue", "channel"])
def test_tallies_and_a_scan_of_the_rows_agree(loaded, dimension: str) -> None:  # type: ignore[no-untyped-def]
    # A ticket written after the load: its hour is listed stale and read from the rows.
    raw = loaded.raw_connection()
    try:
        raw.driver_connection.execute(
            "INSERT INTO ticket (id, created_at, status, channel, queue, agent, version_at,"
            " first_response_at) VALUES ('T99', ?, 'open', 'chat', 'tech', 'ana', ?, ?)",
            (AS_OF - 5 * DAY, AS_OF - 5 * DAY, AS_OF - 5 * DAY + 60),
        )
        raw.driver_connection.commit()
    finally:
        raw.close()
    tallied = _by(loaded, dimension)
    with mock.patch.object(aggregates, "installed", return_value=False):
        scanned = _by(loaded, dimension)
    assert tallied == scanned
    assert any(row.handled for row in tallied.rows)


def test_agent_flag_words_follow_the_thresholds() -> None:
    thresholds = Thresholds(agent_sla_breached_warn=3, agent_sla_breached_bad=6)
    assert [agent_flag(n, thresholds) for n in (0, 2, 3, 5, 6, 40)] == [
        None,
        None,
        "watch",
        "watch",
        "act",
        "act",
    ]


def test_only_known_dimensions_are_accepted() -> None:
    assert check_dimension("agent", ()) == "agent"
    assert check_dimension("segment:region", ("region",)) == "segment:region"
    with pytest.raises(UnknownDimension, match="agent, queue, channel, segment:region"):
        check_dimension("segment:plan", ("region",))
    with pytest.raises(UnknownDimension, match="no \\[\\[mapping\\]\\] names segments"):
        check_dimension("priority", ())
