"""Snapshots of the first minute at the smallest supported size and a roomy one: the fixture
opened a month after its data (pinned at the latest data), and its figures while a backlog is
still loading (dimmed, ungraded, with the progress line)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from cxtui.tui.live import Loading
from tests.tui.conftest import settle
from tests.tui.fixtures import AS_OF, DAY, make_app

SIZES = [(80, 24), (200, 50)]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_old_data_pinned_at_the_latest_moment(
    snap_compare: Callable[..., bool], engine: Engine, size: tuple[int, int]
) -> None:
    app = make_app(engine, as_of=None, now=lambda: AS_OF + 30 * DAY)
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_provisional_figures_while_the_backlog_loads(
    snap_compare: Callable[..., bool], engine: Engine, size: tuple[int, int]
) -> None:
    app = make_app(engine)
    # As the ingest thread reports it two files into three (no thread here: it stays so).
    app.loading = Loading(files_done=1, files_total=3, rows=12_345, share=0.4)

    async def loaded(pilot: Pilot[object]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=loaded)
