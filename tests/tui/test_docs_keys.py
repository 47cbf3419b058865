"""docs/keys.md names every key the app binds, so the page cannot fall behind the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from cxtui.tui.app import CxApp
from cxtui.tui.base import CxModal, DrillScreen
from cxtui.tui.dashboard import DashboardScreen
from cxtui.tui.filters import FilterScreen
from cxtui.tui.help import HelpScreen, key_name
from cxtui.tui.lists import ListScreen
from cxtui.tui.paged_list import PagedList
from cxtui.tui.panes import Pane, QueuePane
from cxtui.tui.quarantine import QuarantinedRowScreen
from cxtui.tui.sort_menu import SortMenu
from cxtui.tui.survey import SurveyScreen
from cxtui.tui.ticket import TicketScreen

KEYS_DOC = Path(__file__).resolve().parents[2] / "docs" / "keys.md"
BOUND = [
    CxApp,
    CxModal,
    DashboardScreen,
    DrillScreen,
    FilterScreen,
    HelpScreen,
    ListScreen,
    PagedList,
    Pane,
    QueuePane,
    QuarantinedRowScreen,
    SortMenu,
    SurveyScreen,
    TicketScreen,
]


def bound_keys() -> list[tuple[str, str]]:
    keys = []
    for owner in BOUND:
        for binding in owner.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding)
            keys += [(owner.__name__, key) for key in binding.key.split(",")]
    return keys


@pytest.mark.parametrize(("owner", "key"), bound_keys())
def test_every_bound_key_is_documented(owner: str, key: str) -> None:
    assert f"`{key_name(key)}`" in KEYS_DOC.read_text(encoding="utf-8")
