"""Each test runs as it would alone at a terminal: its own user folders (so tests can run side
by side under xdist, never touching the user's cxtui files), and Ctrl-C reaching what it starts."""

from __future__ import annotations

import os
import subprocess
import sys
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


def test_a_command_a_test_starts_can_be_stopped_with_ctrl_c() -> None:
    """Even when the suite itself was started in the background with SIGINT ignored."""
    child = subprocess.run(
        [sys.executable, "-c", "import signal; print(signal.getsignal(signal.SIGINT).__name__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == "default_int_handler"
