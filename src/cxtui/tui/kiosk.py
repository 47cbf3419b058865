"""Kiosk mode (`--kiosk`): the app on a wallboard or a shared browser tab.

Whoever walks up to a wallboard may look around (drill down, filter, travel in time, change
the window) but must not change anything or end the screen for everyone: no quitting, no CSV
written into the server's folder, no alert acknowledged on the supervisor's behalf, and no
screenshot saved. The keys and palette commands for these are hidden (the footer, `?` and
`Ctrl+P` do not offer them) and do nothing if pressed.
"""

from __future__ import annotations

from textual.actions import ActionParseResult, parse

CHANGING_ACTIONS = frozenset({"quit", "export", "acknowledge", "screenshot"})
"""Actions (without their namespace) that end the session, write a file or change a record."""
CHANGING_COMMANDS = frozenset({"Quit", "Screenshot"})
"""Textual's own command palette entries that do the same."""


def changes_something(action: str | ActionParseResult) -> bool:
    """Whether a key's action (`"app.quit"`, `"export"`, `"travel(-3600)"`) is one a kiosk
    must not run."""
    _namespace, name, _parameters = parse(action) if isinstance(action, str) else action
    return name in CHANGING_ACTIONS
