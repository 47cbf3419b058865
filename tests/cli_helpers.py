"""Running `cxtui.cli.main` in-process, as the `cxtui` command would, and judging its output."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from cxtui.cli import main


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str | None] | None = None) -> Outcome:
    """`cxtui ARGS` through `main` (so the one-line error handling is what is tested)."""
    runner = CliRunner()
    code = 0
    with runner.isolation(env=env) as (out, err, _):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        stdout, stderr = out.getvalue(), err.getvalue()
    return Outcome(code, stdout.decode(), stderr.decode())


def cxtui(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`cxtui ARGS` as its own process, as a user runs it: no CXTUI_DB of the caller's, and
    no user config (a config folder under home that does not exist)."""
    env = {k: v for k, v in os.environ.items() if k != "CXTUI_DB"}
    env["XDG_CONFIG_HOME"] = str(home / "no-user-config")
    return subprocess.run(
        [sys.executable, "-m", "cxtui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def raw_controls(text: str) -> list[str]:
    """Characters a terminal acts on or hides (C0 but the line feed, DEL, C1, bidi,
    zero-width), as code points for a readable assertion message."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c != "\n" and unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Cn"}
    ]
