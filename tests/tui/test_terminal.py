"""The real app in a pseudo-terminal: it draws under plain terminals and dies with its TTY.

Each test starts `run_app` in a child process whose terminal is a pty we hold the other end
of, the way sshd holds a session's terminal. Closing our end is the SSH connection dropping.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.tui.fixtures import build_database

STARTUP_TIMEOUT = 30.0
EXIT_TIMEOUT = 20.0
HANGUP_EXIT_CODE = 128 + signal.SIGHUP

# The child notes a clean interpreter exit (atexit handlers ran, so callers' clean-up did too)
# in a file beside the data folder.
CHILD = """
import atexit, sys
from pathlib import Path
from cxtui.config import Config
from cxtui.tui.app import run_app

folder, db = Path(sys.argv[1]), Path(sys.argv[2])
atexit.register((folder.parent / "exited-cleanly").touch)
sys.exit(run_app(folder, db, window_seconds=7 * 86400, as_of=None, config=Config(), ingest=True))
"""


class Child:
    """A child process running the app on a pty of a given size."""

    def __init__(self, folder: Path, db: Path, env: dict[str, str], size: tuple[int, int]):
        self.output = b""
        pid, fd = pty.fork()
        if pid == 0:  # the child: size its terminal, then become the app
            columns, rows = size
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
            os.execve(sys.executable, [sys.executable, "-c", CHILD, str(folder), str(db)], env)
        self.pid = pid
        self.fd: int | None = fd
        self.status: int | None = None

    def read_until(self, wanted: bytes, timeout: float = STARTUP_TIMEOUT) -> bytes:
        assert self.fd is not None
        deadline = time.monotonic() + timeout
        while wanted not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{wanted!r} not shown within {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the app ended before showing {wanted!r}")
                self.output += chunk
        return self.output

    def send(self, keys: bytes) -> None:
        assert self.fd is not None
        os.write(self.fd, keys)

    def hang_up(self) -> None:
        assert self.fd is not None
        os.close(self.fd)
        self.fd = None

    def wait(self, timeout: float = EXIT_TIMEOUT) -> int:
        """The exit status; fails if the process is still alive after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.fd is not None:  # keep draining so the child never blocks on output
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                if ready:
                    with contextlib.suppress(OSError):
                        self.output += os.read(self.fd, 65536)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                return status
            time.sleep(0.05)
        raise AssertionError(f"the app was still running {timeout} s later")

    def kill(self) -> None:
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        if self.fd is not None:
            os.close(self.fd)


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "COLORTERM"))}
    env.pop("NO_COLOR", None)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    env.update(overrides)
    return env


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "exports"
    folder.mkdir()
    db = folder / ".cxtui" / "cxtui.db"
    build_database(db).dispose()
    return folder, db


def test_closing_the_terminal_ends_the_app(data: tuple[Path, Path]) -> None:
    child = Child(*data, child_env(TERM="xterm-256color"), size=(80, 24))
    try:
        child.read_until(b"Queue")
        child.hang_up()
        status = child.wait()
        assert os.WIFEXITED(status), f"killed by signal {os.WTERMSIG(status)}, not by cxtui"
        assert os.WEXITSTATUS(status) == HANGUP_EXIT_CODE
        assert (data[0].parent / "exited-cleanly").exists()
    finally:
        child.kill()


SGR = re.compile(rb"\x1b\[([0-9;]*)m")
GREYS = {0, 7, 8, 15, 16, 231, *range(232, 256)}


def colours(output: bytes) -> list[tuple[str, int]]:
    """Every colour an SGR sequence sets: ("16", code), ("256", index) or ("rgb", hue-ish)."""
    found: list[tuple[str, int]] = []
    for params in SGR.findall(output):
        numbers = [int(p) for p in params.split(b";") if p]
        i = 0
        while i < len(numbers):
            n = numbers[i]
            if n in (38, 48) and numbers[i + 1 : i + 2] == [5]:
                found.append(("256", numbers[i + 2]))
                i += 3
            elif n in (38, 48) and numbers[i + 1 : i + 2] == [2]:
                r, g, b = numbers[i + 2 : i + 5]
                found.append(("rgb", max(r, g, b) - min(r, g, b)))
                i += 5
            else:
                if 30 <= n <= 37 or 40 <= n <= 47 or 90 <= n <= 97 or 100 <= n <= 107:
                    found.append(("16", n))
                i += 1
    return found


def test_16_colour_terminal_gets_only_the_16_colours(data: tuple[Path, Path]) -> None:
    child = Child(*data, child_env(TERM="xterm"), size=(80, 24))
    try:
        child.read_until(b"quarantined")
        kinds = {kind for kind, _ in colours(child.output)}
        assert kinds == {"16"}
        child.send(b"q")
        status = child.wait()
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    finally:
        child.kill()


def test_no_color_gets_greys_only(data: tuple[Path, Path]) -> None:
    """NO_COLOR: Textual draws in monochrome, so every colour set is a shade of grey."""
    child = Child(*data, child_env(TERM="xterm-256color", NO_COLOR="1"), size=(80, 24))
    try:
        child.read_until(b"quarantined")
        found = colours(child.output)
        assert found
        for kind, value in found:
            assert (kind == "256" and value in GREYS) or (kind == "rgb" and value == 0)
        child.send(b"q")
        status = child.wait()
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    finally:
        child.kill()
