"""Fixtures for every test: nothing the app remembers between runs lands in the real home."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxtui.user_state import STATE_DIR_VARIABLE


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The state folder (theme, last window) of a test: a fresh temporary one."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv(STATE_DIR_VARIABLE, str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder
