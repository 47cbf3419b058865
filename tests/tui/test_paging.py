"""A long list reads only the pages it shows, so 100k tickets scroll like 100."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui import queries
from cxtui.models import Ticket
from cxtui.tui.paged_list import PagedList
from tests.tui.conftest import press, settle
from tests.tui.fixtures import AS_OF, make_app, screen_text

pytestmark = pytest.mark.anyio

BULK = 5_000
FIXTURE_TICKETS = 10


@pytest.fixture
def big_engine(engine: Engine) -> Engine:
    with Session(engine) as session:
        session.add_all(
            Ticket(
                id=f"B-{i:05d}",
                created_at=AS_OF - 3_600 - i * 300,
                status="open",
                version_at=AS_OF,
                subject=f"Bulk {i}",
            )
            for i in range(BULK)
        )
        session.commit()
    return engine


async def test_scrolling_a_long_list_reads_pages_not_the_table(
    big_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[int, int]] = []
    real_page = queries.ticket_page

    def spying_page(session: Session, q: queries.TicketQuery, offset: int, limit: int):  # type: ignore[no-untyped-def]
        asked.append((offset, limit))
        return real_page(session, q, offset, limit)

    monkeypatch.setattr(queries, "ticket_page", spying_page)
    app = make_app(big_engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_list("all")  # newest first
        await settle(pilot)
        rows = app.screen.query_one(PagedList)
        assert rows.total == BULK + FIXTURE_TICKETS
        await press(pilot, "pagedown", "pagedown", "G")
        # Bulk ticket i is 1 h + 5i minutes old, so B-04999 (17 days) is the oldest of all
        # (the oldest fixture ticket, T-010, is 10 days old) and comes last.
        assert rows.selected is not None and rows.selected.id == "B-04999"
        assert "B-04999" in screen_text(app)
        await press(pilot, "k")
        assert rows.selected is not None and rows.selected.id == "B-04998"
        await press(pilot, "g")
        assert rows.cursor == 0
        fetched = sum(limit for _, limit in asked)
        assert max(limit for _, limit in asked) <= 200
        assert fetched < BULK / 5
        assert len(rows._rows) < BULK / 5
