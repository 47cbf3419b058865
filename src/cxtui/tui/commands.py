"""Command palette entries that take what the supervisor types: a ticket or customer id.

The fixed commands (windows, filters, quarantine, keys) are the app's system commands; this
provider adds "Open ticket <typed id>" and "Customer journey <typed id>". It never queries the
database here, on the event loop: the screen it opens does the lookup in a worker and says so
when the id is unknown.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from cxtui.tui import formatting as fmt

if TYPE_CHECKING:
    from cxtui.tui.app import CxApp

MAX_ID_LENGTH = 200


class JumpProvider(Provider):
    """Offers to open the ticket or customer whose id is typed into the palette."""

    async def search(self, query: str) -> Hits:
        typed = query.strip()
        if not typed or len(typed) > MAX_ID_LENGTH:
            return
        app = cast("CxApp", self.app)
        shown = fmt.data(typed, max_len=40)
        yield Hit(
            0.1,
            Content.assemble("Open ticket ", (shown, "bold")),
            partial(app.open_ticket, typed),
            text=f"Open ticket {shown}",
            help="Jump to the ticket with this id",
        )
        yield Hit(
            0.09,
            Content.assemble("Customer journey of ", (shown, "bold")),
            partial(app.open_journey, typed),
            text=f"Customer journey of {shown}",
            help="Every ticket and survey of the customer with this id",
        )
