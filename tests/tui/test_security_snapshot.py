"""A picture of the ticket screen showing hostile data, at the smallest supported size.

Ticket H-MIX (tests/tui/hostile.py) carries Rich and Textual markup, ANSI colour, an OSC 8
link, an OSC 52 clipboard write, C0 and C1 controls, a bidi override and zero-width
characters. The picture must show all of them as plain, visible text: markup as typed, ESC as
␛, the others as ⟨U+XXXX⟩, and no colour, bold or link taken from the data. Accept an intended
change with `pytest --snapshot-update` after looking at the new picture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from tests.tui import hostile
from tests.tui.conftest import press, settle
from tests.tui.fixtures import make_app


@pytest.fixture
def mixed_engine(tmp_path: Path) -> Iterator[Engine]:
    built = hostile.build_mixed_ticket_database(tmp_path / "mixed.db")
    yield built
    built.dispose()


async def open_the_ticket(pilot: Pilot[object]) -> None:
    """From the dashboard: Enter opens the open-ticket list, Enter again its only ticket."""
    await settle(pilot)
    await press(pilot, "enter", "enter")


def test_ticket_screen_with_hostile_data(
    snap_compare: Callable[..., bool], mixed_engine: Engine
) -> None:
    assert snap_compare(make_app(mixed_engine), terminal_size=(80, 24), run_before=open_the_ticket)
