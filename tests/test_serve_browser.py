"""`cxtui serve` in a real headless browser: Debian's Chromium, driven by Selenium.

The page shows the dashboard with the folder's numbers, a key drills down to a list, and a
row appended to the folder appears in that list. The terminal in the page is xterm.js
drawing on a canvas, so the text is read from xterm's own screen buffer: a script given to
the page before it loads keeps a reference to the terminal it creates.

Needs `chromium` and `chromedriver` (`apt-get install chromium chromium-driver`, as .ci/run
does). Without them the test is skipped outside CI and fails under CI.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import unused_port

WAIT_SECONDS = 60.0
"""Generous: the first page load starts an app process, which loads the folder."""
HEADER = "id,created_at,updated_at,status,priority,channel,queue,agent,customer_id,subject\n"
KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, 'terminal', {
  configurable: true,
  set(value) {
    if (value && value.buffer && !window.cxtuiTerminal) { window.cxtuiTerminal = value; }
    Object.defineProperty(this, 'terminal', {
      value, writable: true, configurable: true, enumerable: true,
    });
  },
});
"""
SCREEN_TEXT = """
const terminal = window.cxtuiTerminal;
if (!terminal) { return ''; }
const buffer = terminal.buffer.active, lines = [];
for (let row = 0; row < terminal.rows; row++) {
  const line = buffer.getLine(buffer.viewportY + row);
  lines.push(line ? line.translateToString(true) : '');
}
return lines.join('\\n');
"""
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,900",
)


def _browser_binaries() -> tuple[str, str]:
    """Chromium and chromedriver, or a skip (a failure under CI) that says how to get them."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    reason = (
        "needs Chromium and chromedriver: `apt-get install chromium chromium-driver`, then"
        " `uv run pytest tests/test_serve_browser.py`"
    )
    if os.environ.get("CI"):
        pytest.fail(f"under CI the browser test must run; it {reason}")
    pytest.skip(reason)


def _ticket_row(number: int, created: datetime) -> str:
    moment = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"T{number},{moment},{moment},open,normal,email,billing,,C{number},Help {number}\n"


def _wait(what: str, check: Callable[[], object]) -> object:
    """Poll `check` until it returns something true; fail with `what` after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_SECONDS:.0f} s: {what}")
        time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def served_folder(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`cxtui serve --kiosk` on a folder of three open tickets: (page URL, tickets file)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    tickets = folder / "tickets.csv"
    now = datetime.now(UTC)
    tickets.write_text(
        HEADER + "".join(_ticket_row(n, now - timedelta(minutes=10 + n)) for n in range(3)),
        encoding="utf-8",
    )
    port = unused_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "cxtui", "serve", str(folder), "--port", str(port), "--kiosk"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"

    def answering() -> bool:
        if server.poll() is not None:
            raise AssertionError(f"cxtui serve ended: {log.read_text(errors='replace')}")
        return _answers(url)

    try:
        _wait(f"the server answering at {url}", answering)
        yield url, tickets
    finally:
        # The server and the app processes it started for the page share its session.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture
def browser() -> Iterator[object]:
    chromium, driver_path = _browser_binaries()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    with tempfile.TemporaryDirectory(prefix="cxtui-chromium-") as profile:
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(driver_path))
        try:
            driver.execute_cdp_cmd(
                "Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINAL}
            )
            yield driver
        finally:
            driver.quit()


def test_the_dashboard_in_a_browser_drills_down_and_follows_the_folder(
    browser: object, served_folder: tuple[str, Path]
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    url, tickets = served_folder

    def screen() -> str:
        return str(browser.execute_script(SCREEN_TEXT))

    def last_line() -> str:
        return screen().rstrip().splitlines()[-1]

    def showing(*texts: str) -> Callable[[], bool]:
        return lambda: all(text in screen() for text in texts)

    def press(key: str) -> None:
        browser.execute_script("window.cxtuiTerminal.focus()")
        ActionChains(browser).send_keys(key).perform()

    browser.get(url)
    _wait("the dashboard with the three open tickets", showing("1 Queue", "no reply yet 3"))
    press("1")
    press("\n")
    _wait("the list of open tickets", showing("Open tickets", "3 tickets", "T2", "Help 0"))
    footer = _wait("the list's keys", lambda: "Back" in last_line() and last_line())
    assert "Open" in str(footer)  # served with --kiosk: no Export, no Quit
    assert "Export CSV" not in str(footer) and "Quit" not in str(footer)
    with tickets.open("a", encoding="utf-8") as file:
        file.write(_ticket_row(3, datetime.now(UTC)))
    _wait("the appended ticket in the list", showing("4 tickets", "T3", "Help 3"))
