"""Running the `on_alert` command: the alert as JSON on its stdin, for chat or paging.

No shell ever runs it (the config gives a program and its arguments), so nothing in an
alert, a rule name or a queue name can become a command. It gets a time limit and is
killed past it. Its failure comes back as one line for the screen; its output is ignored.
Call from a worker thread: it blocks until the command ends.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from typing import Any

import orjson

STDERR_LINE = 120
"""Characters of the command's first stderr line shown with its failure."""


def run_on_alert(argv: Sequence[str], alert: dict[str, Any], timeout: float) -> str | None:
    """Run `argv` with `alert` as JSON on stdin; None when it exits 0, else why not."""
    program = argv[0]
    try:
        finished = subprocess.run(
            list(argv),
            input=orjson.dumps(alert) + b"\n",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"on_alert {program}: no answer after {timeout:g}s, stopped"
    except FileNotFoundError:
        return f"on_alert {program}: no such program"
    except PermissionError:
        return f"on_alert {program}: not allowed to run it"
    except OSError as error:
        return f"on_alert {program}: cannot run it: {error.strerror}"
    if finished.returncode == 0:
        return None
    lines = finished.stderr.decode("utf-8", "replace").strip().splitlines()
    first = f": {lines[0].strip()[:STDERR_LINE]}" if lines else ""
    how = (
        f"killed by signal {-finished.returncode}"
        if finished.returncode < 0
        else f"exit status {finished.returncode}"
    )
    return f"on_alert {program}: {how}{first}"
