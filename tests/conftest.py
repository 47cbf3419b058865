"""Every test gets its own per-user folders (config, cache, state), so tests can run side
by side (pytest-xdist).

cxtui reads the user's config file (~/.config/cxtui/config.toml) when a folder has none, puts
the database of a folder it may not write into the user's cache, and honours CXTUI_DB: a test
that read the real ones would depend on the machine, and two tests sharing them would race.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxtui.user_state import STATE_DIR_VARIABLE

# uv finds its cache through XDG_CACHE_HOME too: a test that runs `uv build` keeps the real
# one (already holding the build backend) instead of downloading into an empty folder.
_UV_CACHE = os.environ.get("UV_CACHE_DIR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv"
)


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C reaches the commands the tests start, as it does from a terminal.

    A shell starts a background job (`uv run pytest &` in a script) with SIGINT ignored, and
    an ignored signal stays ignored across exec: a `cxtui ingest --watch` a test stops with
    SIGINT would run on. A handler in this process is reset to the default in each child."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    _keep_bytecode()


def _keep_bytecode() -> None:
    """The workers and the `cxtui` processes the tests start keep cxtui's and the tests'
    bytecode in __pycache__, as a Python normally does.

    Where PYTHONDONTWRITEBYTECODE is set (some sandboxes and CI images), each of them
    compiled all of cxtui from source, and each worker rewrote the asserts of every test
    module again: collecting the suite took 10 s of CPU instead of 3, and each `cxtui`
    process 0.2-0.3 s more. Called in the controlling process before the workers start, so
    they inherit it."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


@pytest.fixture(autouse=True)
def _own_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Per-test XDG config and cache folders (not created: cxtui makes what it needs)."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("UV_CACHE_DIR", _UV_CACHE)
    monkeypatch.delenv("CXTUI_DB", raising=False)
    yield home


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The state folder (theme, last window) of a test: a fresh temporary one."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv(STATE_DIR_VARIABLE, str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder
