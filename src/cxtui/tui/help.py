"""The `?` screen: the keys that work where the supervisor is, read from the live bindings.

Built from the bindings themselves rather than a hand-kept list, so it cannot drift from what
the keys actually do.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from cxtui.tui.base import CxModal

KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "backspace": "Backspace",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "slash": "/",
    "question_mark": "?",
    "ctrl+p": "Ctrl+P",
    "ctrl+s": "Ctrl+S",
    "ctrl+q": "Ctrl+Q",
    "ctrl+c": "Ctrl+C",
}


def key_name(key: str) -> str:
    return KEY_NAMES.get(key, key)


def keys_for(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, what they do) for every described binding active on `screen`, merged by action."""
    merged: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description:
            continue
        keys = merged.setdefault(binding.description, [])
        if key_name(key) not in keys:
            keys.append(key_name(key))
    return [(" / ".join(keys), description) for description, keys in merged.items()]


class HelpScreen(CxModal[None]):
    """A list of keys over the screen it was opened from; Esc, ? or Backspace closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,backspace", "dismiss", "Close"),
    ]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max((len(keys) for keys, _ in self.keys), default=0) + 2
        lines = [Content.styled(f"Keys: {self.title_text}", "bold"), Content("")]
        lines += [
            Content.assemble((keys.ljust(width), "bold $accent"), description)
            for keys, description in self.keys
        ]
        lines += [Content(""), Content.styled("Esc or ? closes this.", "dim")]
        with VerticalScroll(classes="dialog"):
            yield Static(Content("\n").join(lines))
