"""The on_alert command: gets the alert as JSON on stdin, runs with no shell, and its failure
(exit status and first stderr line, no such program, too slow) comes back as one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cxtui.alert_command import run_on_alert

ALERT = {"event": "fired", "rule": "Breaches; touch /tmp/pwned", "value": 7.0}


def script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "hook.py"
    path.write_text(body, encoding="utf-8")
    return [sys.executable, str(path)]


def test_the_alert_arrives_as_json_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    argv = script(tmp_path, f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())")
    assert run_on_alert(argv, ALERT, timeout=30) is None
    assert json.loads(out.read_text(encoding="utf-8")) == ALERT


def test_no_shell_reads_the_arguments(tmp_path: Path) -> None:
    out = tmp_path / "argv.json"
    argv = script(tmp_path, f"import json, sys; json.dump(sys.argv[1:], open({str(out)!r}, 'w'))")
    assert run_on_alert([*argv, "$HOME", "a;b", "`id`"], ALERT, timeout=30) is None
    assert json.loads(out.read_text(encoding="utf-8")) == ["$HOME", "a;b", "`id`"]


def test_a_failure_says_the_status_and_the_first_stderr_line(tmp_path: Path) -> None:
    argv = script(
        tmp_path, "import sys; sys.stderr.write('chat is down\\nsecond line\\n'); sys.exit(3)"
    )
    assert run_on_alert(argv, ALERT, timeout=30) == (
        f"on_alert {sys.executable}: exit status 3: chat is down"
    )


def test_a_missing_program_is_said_plainly(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-hook")
    assert run_on_alert([missing], ALERT, timeout=30) == f"on_alert {missing}: no such program"


def test_a_command_past_its_time_is_stopped(tmp_path: Path) -> None:
    argv = script(tmp_path, "import time; time.sleep(60)")
    assert run_on_alert(argv, ALERT, timeout=0.5) == (
        f"on_alert {sys.executable}: no answer after 0.5s, stopped"
    )
