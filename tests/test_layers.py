"""The core (models, store, ingest, metrics, queries, simulate, report) never imports Textual,
so it stays importable and testable without a terminal."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "cxtui.models",
    "cxtui.store",
    "cxtui.config",
    "cxtui.safe_text",
    "cxtui.ingest.normalise",
    "cxtui.ingest.readers",
    "cxtui.ingest.loader",
    "cxtui.ingest.watcher",
    "cxtui.metrics",
    "cxtui.queries",
    "cxtui.simulate",
    "cxtui.report",
    "cxtui.cli",
    "cxtui.serve",
    "cxtui.alerts",
    "cxtui.alert_rules",
    "cxtui.alert_readings",
    "cxtui.alert_command",
]


def test_core_modules_do_not_import_textual() -> None:
    program = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_check_itself_sees_textual_when_it_is_imported() -> None:
    program = "import sys, cxtui.tui.app\nprint('textual' in sys.modules)\n"
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


def test_the_command_line_loads_no_database_layer_until_a_command_needs_it() -> None:
    """`cxtui --help`, `--version` and a mistyped option answer without SQLAlchemy (about
    0.5 s of a start, and every `cxtui` process a test starts paid it before)."""
    program = (
        "import sys, cxtui.cli\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel'}))\n"
        "import cxtui.report\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == ["[]", "True"]
