"""`cxtui serve` without a browser: the command each browser tab runs, the checks made before
serving, and the websocket refused to other sites' pages (tests/test_serve_browser.py drives
the whole thing in Chromium)."""

from __future__ import annotations

import asyncio
import shlex
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer, unused_port
from textual_serve.server import Server

from cxtui import serve
from tests.cli_helpers import run_cli

HOSTILE_FOLDER = "exports $(touch pwned) 'it''s' ; rm -rf x"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """What `cxtui serve` would serve, instead of serving it."""
    calls: list[dict[str, object]] = []

    def record(command: str, **where: object) -> None:
        calls.append({"command": command, **where})

    monkeypatch.setattr(serve, "serve_app", record)
    return calls


def test_each_tab_runs_this_python_on_the_folder_and_options_given(
    tmp_path: Path, served: list[dict[str, object]]
) -> None:
    folder = tmp_path / HOSTILE_FOLDER
    folder.mkdir()
    outcome = run_cli("serve", str(folder), "--window", "24h", "--kiosk", "--port", "9001")
    assert outcome.code == 0, outcome.stderr
    [call] = served
    assert shlex.split(str(call["command"])) == [
        sys.executable,
        "-m",
        "cxtui",
        "open",
        "--kiosk",
        str(folder),
        "--window",
        "24h",
    ]
    assert (call["host"], call["port"], call["public_url"]) == ("127.0.0.1", 9001, None)


def test_the_shell_gets_the_folder_name_as_it_is(tmp_path: Path) -> None:
    command = serve.app_command([str(tmp_path / HOSTILE_FOLDER), "--help"], kiosk=False)
    result = subprocess.run(
        ["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Open the live dashboard" in result.stdout
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["/no/such/folder"], "no such folder: /no/such/folder"),
        (["{folder}", "--window", "5x"], "bad --window"),
        (["{folder}", "--windw", "24h"], "No such option '--windw'"),
        (["{folder}", "--host", "0.0.0.0"], "--host 0.0.0.0 needs --public-url"),
    ],
)
def test_a_mistake_is_one_line_before_serving(
    tmp_path: Path, served: list[dict[str, object]], args: list[str], says: str
) -> None:
    outcome = run_cli("serve", *(arg.format(folder=tmp_path) for arg in args))
    assert outcome.code == 2
    assert says in outcome.stderr and len(outcome.stderr.strip().splitlines()) == 1
    assert served == []


def test_a_public_url_lets_it_listen_everywhere(
    tmp_path: Path, served: list[dict[str, object]]
) -> None:
    url = "https://wallboard.example.org"
    outcome = run_cli("serve", str(tmp_path), "--host", "0.0.0.0", "--public-url", url)
    assert outcome.code == 0, outcome.stderr
    assert served[0]["public_url"] == url


def test_the_page_origin_under_every_loopback_name() -> None:
    assert serve.allowed_origins("http://127.0.0.1:8000") == {
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://[::1]:8000",
    }
    assert serve.allowed_origins("https://Wall.example.org/cxtui") == {"https://wall.example.org"}


async def _handshake(origin: str) -> int:
    """The HTTP status of a websocket handshake from a page of `origin` (`{port}`: the
    server's). An accepted websocket is closed at once instead of running an app."""
    port = unused_port()
    server = serve.AppServer("true", host="127.0.0.1", port=port)
    async with TestServer(await server._make_app(), host="127.0.0.1", port=port) as test_server:
        url = str(test_server.make_url("/ws"))
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(
                    url, headers={"Origin": origin.format(port=port)}
                ) as websocket:
                    await websocket.receive()
                    return 101
            except aiohttp.WSServerHandshakeError as refused:
                return refused.status


async def _accept_and_close(self: Server, request: web.Request) -> web.WebSocketResponse:
    websocket = web.WebSocketResponse()
    await websocket.prepare(request)
    await websocket.close()
    return websocket


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        ("http://127.0.0.1:{port}", 101),
        ("http://localhost:{port}", 101),
        ("https://evil.example", 403),
    ],
)
def test_the_websocket_is_refused_to_another_sites_page(
    monkeypatch: pytest.MonkeyPatch, origin: str, status: int
) -> None:
    monkeypatch.setattr(Server, "handle_websocket", _accept_and_close)
    assert asyncio.run(_handshake(origin)) == status


async def _stopping_the_server_ends_the_session() -> bool:
    """Whether shutting the server down ends a session whose tab is still open (textual-serve
    alone waits for the tab). The session here waits for ever instead of running an app."""
    ended = asyncio.Event()

    async def open_for_ever(self: Server, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse()
        await websocket.prepare(request)
        try:
            await asyncio.Event().wait()
        finally:
            ended.set()
        return websocket

    port = unused_port()
    server = serve.AppServer("true", host="127.0.0.1", port=port)
    app = await server._make_app()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Server, "handle_websocket", open_for_ever)
        async with (
            TestServer(app, host="127.0.0.1", port=port) as test_server,
            aiohttp.ClientSession() as session,
            session.ws_connect(str(test_server.make_url("/ws"))),
        ):
            while not server.sessions:
                await asyncio.sleep(0.01)
            await app.shutdown()
            try:
                await asyncio.wait_for(ended.wait(), timeout=30)
            except TimeoutError:
                return False
            return True


def test_stopping_the_server_ends_the_sessions_of_open_tabs() -> None:
    assert asyncio.run(_stopping_the_server_ends_the_session())
