"""The poller reports commits no refresh has read, and only those."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from cxtui.models import Ticket
from cxtui.store import open_engine
from cxtui.tui.live import CommitWatch


def commit_a_ticket(engine: object, ticket_id: str) -> None:
    with Session(engine) as session:  # type: ignore[arg-type]
        session.add(Ticket(id=ticket_id, created_at=1, version_at=1))
        session.commit()


def test_commits_are_reported_once_unless_a_refresh_has_read_them(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "t.db")
    watch = CommitWatch(engine)
    assert watch.changed() is False  # the first look only learns where things stand

    commit_a_ticket(engine, "A")
    assert watch.changed() is True
    assert watch.changed() is False

    commit_a_ticket(engine, "B")
    watch.mark_read()  # a refresh began after B: it shows B, so B is not news
    assert watch.changed() is False

    watch.mark_read()
    commit_a_ticket(engine, "C")  # after the refresh began: news
    assert watch.changed() is True

    watch.close()
    commit_a_ticket(engine, "D")
    assert watch.changed() is False  # closed with the app: quiet, no error
    watch.mark_read()
    engine.dispose()
