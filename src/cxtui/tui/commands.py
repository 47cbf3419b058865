"""Command palette entries that take what the supervisor types: a ticket or customer id.

The fixed commands (windows, filters, lists, keys, theme, screenshot, quit) are the app's
system commands; this provider reads what is typed. "journey C000303" (or "customer …")
opens that customer's journey and "ticket T-1" that ticket, whether or not they exist (the
screen says so when they do not). A bare id is looked up first, in a thread off the event
loop, and offered as the ticket or the customer it names; text that names neither (such as
"theme") adds nothing, so the palette's own commands are not buried under "Open ticket theme".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from cxtui import queries
from cxtui.tui import formatting as fmt
from cxtui.tui.source import read

if TYPE_CHECKING:
    from cxtui.tui.app import CxApp

MAX_ID_LENGTH = 200
JOURNEY_WORDS = ("journey", "customer")
TICKET_WORDS = ("ticket",)
ASKED_SCORE = 1.0
"""A command word and an id: what was asked for, above every fuzzy match."""
FOUND_SCORE = 0.95


def parse(typed: str) -> tuple[str, str]:
    """("journey" | "ticket" | "", id) for what was typed: a command word and an id, or a
    bare id (kind ""). An id is a single word; anything else gives ("", "")."""
    words = typed.split()
    if len(words) == 2 and words[0].lower() in JOURNEY_WORDS:
        return "journey", words[1]
    if len(words) == 2 and words[0].lower() in TICKET_WORDS:
        return "ticket", words[1]
    if len(words) == 1 and len(words[0]) <= MAX_ID_LENGTH:
        return "", words[0]
    return "", ""


class JumpProvider(Provider):
    """Offers to open the ticket or customer named by what is typed into the palette."""

    async def search(self, query: str) -> Hits:
        kind, typed = parse(query.strip())
        if not typed:
            return
        app = cast("CxApp", self.app)
        if kind:
            yield self._hit(kind, typed, ASKED_SCORE)
            return
        found = await asyncio.to_thread(read, app.engine, partial(queries.id_kinds, text=typed))
        if found.ticket:
            yield self._hit("ticket", typed, FOUND_SCORE)
        if found.customer:
            yield self._hit("journey", typed, FOUND_SCORE)

    def _hit(self, kind: str, typed: str, score: float) -> Hit:
        app = cast("CxApp", self.app)
        shown = fmt.data(typed, max_len=40)
        opens: Callable[[str], None]
        if kind == "ticket":
            title, opens, what = "Open ticket ", app.open_ticket, "The ticket with this id"
        else:
            title, opens = "Customer journey of ", app.open_journey
            what = "Every ticket and survey of the customer with this id"
        return Hit(
            score,
            Content.assemble(title, (shown, "bold")),
            partial(opens, typed),
            text=f"{title}{shown}",
            help=what,
        )
