"""What the app remembers between runs: the colour theme and the window last chosen.

Kept apart from the config file: the config is what a person writes (and may share with a
team), this is what the app writes for itself. It lives in the user's state folder
($XDG_STATE_HOME/cxtui, or CXTUI_STATE_DIR when set, which the tests use), readable and
writable by its owner only. A missing, unreadable or garbled file is the same as no file:
forgetting a theme is no reason to refuse to start.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from platformdirs import user_state_dir

STATE_FILE_NAME = "state.json"
STATE_DIR_VARIABLE = "CXTUI_STATE_DIR"
MAX_TEXT = 100
_WRITING = threading.Lock()


@dataclass(frozen=True)
class UserState:
    theme: str | None = None
    window: str | None = None
    """As typed on the command line: "24h", "7d", "4h"."""


def state_path() -> Path:
    folder = os.environ.get(STATE_DIR_VARIABLE) or user_state_dir("cxtui")
    return Path(folder).expanduser() / STATE_FILE_NAME


def load_state(path: Path | None = None) -> UserState:
    try:
        document = json.loads((path or state_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UserState()
    if not isinstance(document, dict):
        return UserState()
    return UserState(theme=_text(document.get("theme")), window=_text(document.get("window")))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_TEXT else None


def remember(path: Path, **changes: str) -> None:
    """Write `changes` over what is remembered, atomically, readable by the owner only.

    One at a time: a theme and a window chosen in the same instant are written by two worker
    threads, and each must read what the other wrote or one choice is lost."""
    with _WRITING:
        _write(path, replace(load_state(path), **changes))


def _write(path: Path, state: UserState) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(asdict(state), file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
