"""Tests never touch the user's own cxtui files, so they can run side by side (xdist)."""

from __future__ import annotations

import os
from pathlib import Path

from cxtui.config import user_config_path
from cxtui.store import cache_db_path, default_db_path


def test_each_test_has_its_own_user_config_and_cache() -> None:
    home = Path.home()
    assert not user_config_path().is_relative_to(home)
    assert not cache_db_path(Path("/data/exports")).is_relative_to(home)
    assert not user_config_path().is_file()


def test_cxtui_db_from_the_shell_does_not_reach_a_test(tmp_path: Path) -> None:
    assert "CXTUI_DB" not in os.environ
    assert default_db_path(tmp_path) == tmp_path / ".cxtui" / "cxtui.db"
