"""`cxtui serve`: the app in a web browser, through textual-serve.

textual-serve runs one shell command per browser tab and relays the terminal over a
websocket. The command is built here once, from what the person gave `cxtui serve`, each
argument quoted for the shell, with the Python that runs `cxtui serve` itself (`python -m
cxtui`), so a tool install or a virtualenv serves its own cxtui rather than whichever `cxtui`
comes first on the server's PATH.

textual-serve has no authentication (docs/deployment.md puts it behind a proxy that has), and
it would let any web page the supervisor happens to visit open the websocket to a server on
their own machine and read the dashboard. So the websocket is refused to a page of another
origin than the one served.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
"""Addresses to listen on that no browser can open: the page must name another one."""


def app_command(app_args: Sequence[str], *, kiosk: bool, python: str = sys.executable) -> str:
    """The shell command that opens the app for one browser tab. `--kiosk` goes before the
    person's arguments, so a `--` among them cannot turn it into a folder name."""
    kiosk_flag = ["--kiosk"] if kiosk else []
    return shlex.join([python, "-m", "cxtui", "open", *kiosk_flag, *app_args])


def needs_public_url(host: str) -> bool:
    """Whether listening on `host` leaves the page without an address to reach it back."""
    return host.strip("[]") in WILDCARD_HOSTS


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
"""This machine's names in a URL (an IPv6 address in brackets)."""


def allowed_origins(public_url: str) -> frozenset[str]:
    """The Origin headers of the page served at `public_url` (`scheme://host[:port]`): on
    this machine, under any of its loopback names, since `localhost` and `127.0.0.1` are
    the same server to a person but different origins to a browser."""
    parts = urlsplit(public_url)
    netloc = parts.netloc.lower()
    port = f":{parts.port}" if parts.port else ""
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    hosts = LOOPBACK_NAMES if loopback else ()
    return frozenset(
        {f"{parts.scheme}://{netloc}", *(f"{parts.scheme}://{host}{port}" for host in hosts)}
    )


class AppServer(Server):
    """textual-serve's server, with the websocket open only to its own page, and every tab's
    app ended when the server stops.

    textual-serve on its own waits for the open tabs to be closed before it exits: a
    wallboard would keep `systemctl stop` or Ctrl+C waiting (and its app running) for a
    minute. Stopping a tab's session ends its app the way closing the tab does.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: set[asyncio.Task[object]] = set()

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in allowed_origins(self.public_url):
            return web.Response(status=403, text="cxtui: not from this server's page\n")
        session = asyncio.current_task()
        assert session is not None
        self.sessions.add(session)
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions.discard(session)

    async def on_shutdown(self, app: web.Application) -> None:
        for session in self.sessions:
            session.cancel()


def serve_app(command: str, *, host: str, port: int, public_url: str | None) -> None:
    """Serve `command` on host:port until Ctrl+C (or SIGTERM)."""
    if public_url is not None:
        public_url = public_url.rstrip("/")
    server = AppServer(command, host=host, port=port, title="cxtui", public_url=public_url)
    server.serve()
