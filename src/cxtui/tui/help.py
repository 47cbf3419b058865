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
    "f1": "F1",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "exclamation_mark": "!",
    "at": "@",
    "ctrl+p": "Ctrl+P",
    "ctrl+s": "Ctrl+S",
    "ctrl+q": "Ctrl+Q",
    "ctrl+c": "Ctrl+C",
}
TEXTUAL_KEYS_SHOWN = {
    "up",
    "down",
    "pageup",
    "pagedown",
    "home",
    "end",
    "tab",
    "shift+tab",
    "ctrl+p",
    "ctrl+q",
}
"""The keys Textual itself binds that a supervisor uses; the rest (copying a selection with
Ctrl+C or Super+C, paging sideways with Ctrl+PgUp) are internals the help leaves out."""
DESCRIPTIONS = {
    "palette": "Command palette",
    "Focus Next": "Next pane or field",
    "Focus Previous": "Previous pane or field",
    "Scroll Up": "Up",
    "Scroll Down": "Down",
    "Scroll Home": "Top",
    "Scroll End": "Bottom",
    "Page Up": "Page up",
    "Page Down": "Page down",
}


def key_name(key: str) -> str:
    return KEY_NAMES.get(key, key)


def _ours(node: object) -> set[tuple[str, str]]:
    """(key, action) of every binding a cxtui class declares for `node`."""
    declared: set[tuple[str, str]] = set()
    for owner in type(node).__mro__:
        if not owner.__module__.startswith("cxtui."):
            continue
        for binding in owner.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                declared.update((key.strip(), binding.action) for key in binding.key.split(","))
    return declared


def keys_for(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, what they do) for every described binding active on `screen`, merged by what
    they do: cxtui's own first, then the few of Textual's worth knowing ("q / Ctrl+Q")."""
    merged: dict[str, tuple[list[str], list[str]]] = {}
    declared: dict[int, set[tuple[str, str]]] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description:
            continue
        node_keys = declared.setdefault(id(active.node), _ours(active.node))
        ours = (key, binding.action) in node_keys
        if not ours and key not in TEXTUAL_KEYS_SHOWN:
            continue
        description = DESCRIPTIONS.get(binding.description, binding.description)
        own_keys, other_keys = merged.setdefault(description, ([], []))
        name = key_name(key)
        if name not in own_keys and name not in other_keys:
            (own_keys if ours else other_keys).append(name)
    ordered = sorted(merged, key=lambda description: not merged[description][0])
    return [(" / ".join(merged[d][0] + merged[d][1]), d) for d in ordered]


class HelpScreen(CxModal[None]):
    """A list of keys over the screen it was opened from; Esc, ? or Backspace closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,backspace", "dismiss", "Close"),
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
