"""Databases a test needs afresh many times, built once a process and copied.

Creating a cxtui database runs the schema in SQLite and commits it (about 10 ms); filling
the screen tests' contact centre adds 20 ms more. Tests that make one per test or per
hypothesis example get a file copy instead (about 1 ms) of one the real code built in
this process: the same bytes, and `open_engine` on it still checks the schema. Creating a
database itself (atomically, with its permissions) is tested in test_store.py and
tests/faults/test_database_files.py, which do not use this.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from cxtui.store import open_engine

_built: dict[str, Path] = {}


def copy_of(name: str, build: Callable[[Path], None], path: Path) -> Path:
    """At `path` (its folder made if missing), a copy of the database `build` makes, built
    the first time `name` is asked for in this process; returns `path`."""
    if name not in _built:
        folder = Path(tempfile.mkdtemp(prefix=f"cxtui-{name}-"))
        atexit.register(shutil.rmtree, folder, True)
        built = folder / "cxtui.db"
        build(built)
        # every connection closed: SQLite folded the WAL back into the file
        assert not Path(f"{built}-wal").exists()
        _built[name] = built
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_built[name], path)
    return path


def empty_database(path: Path) -> Path:
    """A new, empty cxtui database at `path`; returns `path`."""
    return copy_of("empty", lambda built: open_engine(built).dispose(), path)
