"""docs/keys.md names every key the app binds, so the page cannot fall behind the code.

Checked three ways: every key any cxtui class binds is on the page; what `?` lists on each
screen is in that screen's section (or under Everywhere); and every key a section's table
names is bound on its screen, so the page promises nothing the app does not do.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.binding import Binding

import cxtui.tui
from cxtui.tui.help import key_name, keys_for
from tests.tui.conftest import press, settle
from tests.tui.fixtures import make_app

KEYS_DOC = Path(__file__).resolve().parents[2] / "docs" / "keys.md"


def bound_classes() -> list[type]:
    """Every class in cxtui.tui that declares BINDINGS, found rather than listed, so a new
    screen's keys are checked without anyone remembering to add it here."""
    found = []
    for module_info in pkgutil.iter_modules(cxtui.tui.__path__, "cxtui.tui."):
        module = importlib.import_module(module_info.name)
        for _, owner in inspect.getmembers(module, inspect.isclass):
            if owner.__module__ == module.__name__ and "BINDINGS" in owner.__dict__:
                found.append(owner)
    return found


def bound_keys() -> list[tuple[str, str]]:
    keys = []
    for owner in bound_classes():
        for binding in owner.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding)
            keys += [(owner.__name__, key) for key in binding.key.split(",")]
    return keys


@pytest.mark.parametrize(("owner", "key"), bound_keys())
def test_every_bound_key_is_documented(owner: str, key: str) -> None:
    assert f"`{key_name(key)}`" in KEYS_DOC.read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    """The text under each `## ` heading of docs/keys.md, by heading."""
    parts = re.split(r"^## ", KEYS_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {part.split("\n", 1)[0]: part for part in parts[1:]}


def named(text: str) -> set[str]:
    """Every key written `like this` in the text."""
    return set(re.findall(r"`([^`]+)`", text))


def tabled(section: str) -> set[str]:
    """The keys a section's table names in its first column: what it promises works there."""
    cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {key for cell in cells for key in named(cell) for key in key.split()}


LISTS = "Lists (tickets, survey responses, journey events, quarantined rows)"
# Each screen, the keys that reach it from the dashboard, and the sections documenting it (the
# first is the one whose table is about that screen alone).
SCREENS = {
    "dashboard": ((), ("Dashboard",)),
    "ticket list": (("enter",), (LISTS,)),
    "ticket": (("enter", "enter"), ("Ticket",)),
    "journey": (("enter", "enter", "c"), ("Customer journey", LISTS)),
    "quarantine": (("x",), (LISTS,)),
    "filter dialog": (("f",), ("Filter dialog",)),
    "keys dialog": (("question_mark",), ("Keys and quarantined-row dialogs",)),
    "quarantined row": (("x", "enter"), ("Keys and quarantined-row dialogs",)),
    "sort menu": (("enter", "s"), ("Sort menu (`s` on a list)",)),
    "staffing": (("S",), ("Staffing now (`S`)",)),
    "comment themes": (("T",), ("Comment themes (`T`)",)),
    "alerts": (("exclamation_mark",), ("Alerts (`!`)",)),
    "agents": (("A",), ("Agents (`A`)",)),
}
# The Lists table is checked on a ticket list, the list that has every key it names; the sort
# menu's digits are read from key presses, not bindings, and have their own pilot tests.
TABLE_OF = {
    name: headings[0]
    for name, (_, headings) in SCREENS.items()
    if name not in ("journey", "quarantine", "sort menu")
}


@pytest.mark.anyio
@pytest.mark.parametrize("screen_name", SCREENS)
async def test_each_screens_keys_match_its_section(engine: Engine, screen_name: str) -> None:
    """What `?` lists on a screen is in that screen's section of keys.md or under Everywhere;
    and each key a section's table names does something on that screen, as do the
    Everywhere keys on a list (the dashboard alone has no Back). One app run per screen
    checks both."""
    steps, headings = SCREENS[screen_name]
    app = make_app(engine)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *steps)
        shown = {key for keys, _ in keys_for(app.screen) for key in keys.split(" / ")}
        bound = {key_name(key) for key in app.screen.active_bindings}
    doc = sections()
    documented = named(doc["Everywhere"]).union(*(named(doc[h]) for h in headings))
    assert shown, "the screen lists no keys"
    assert shown - documented == set()
    if screen_name not in TABLE_OF:
        return
    promised = tabled(doc[TABLE_OF[screen_name]])
    if screen_name == "ticket list":
        promised |= tabled(doc["Everywhere"])
    assert promised
    assert promised - bound == set()
