"""The state file: remembered, private, and never a reason to refuse to start."""

from __future__ import annotations

from pathlib import Path

from cxtui.user_state import UserState, load_state, remember, state_path


def test_the_state_file_follows_the_environment(state_dir: Path) -> None:
    assert state_path() == state_dir / "state.json"


def test_remembers_and_keeps_what_it_was_not_told(tmp_path: Path) -> None:
    path = tmp_path / "new" / "state.json"
    remember(path, theme="nord")
    remember(path, window="4h")
    assert load_state(path) == UserState(theme="nord", window="4h")
    assert path.stat().st_mode & 0o077 == 0
    assert path.parent.stat().st_mode & 0o077 == 0


def test_a_garbled_file_is_no_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    for text in ("{not json", "[1, 2]", '{"theme": 7, "window": ""}'):
        path.write_text(text)
        assert load_state(path) == UserState()
    assert load_state(tmp_path / "missing.json") == UserState()
