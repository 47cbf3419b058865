"""What every cxtui screen shares: a typed handle on the app and the "data moved" hooks.

The app calls `refresh_data` on the screen in front when new rows land, and `refresh_view`
when the window or filters change. A screen further down the stack catches up when it is
shown again, so a hidden list never queries the database for nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from cxtui.tui.source import View

if TYPE_CHECKING:
    from cxtui.tui.app import CxApp

Result = TypeVar("Result")


class CxScreen(Screen[None]):
    """A screen that follows the app's data and view."""

    help_name: ClassVar[str] = ""
    """What the `?` screen calls this screen."""

    def __init__(self) -> None:
        super().__init__()
        self.seen_generation = -1
        self.seen_view: View | None = None

    @property
    def cx(self) -> CxApp:
        return cast("CxApp", self.app)

    def on_mount(self) -> None:
        self.catch_up()

    def on_screen_resume(self) -> None:
        self.catch_up()

    def catch_up(self) -> None:
        """Reload whatever moved since this screen last looked."""
        view_moved = self.seen_view != self.cx.view
        data_moved = self.seen_generation != self.cx.generation
        self.seen_view = self.cx.view
        self.seen_generation = self.cx.generation
        if view_moved:
            self.refresh_view()
        elif data_moved:
            self.refresh_data()

    def refresh_view(self) -> None:
        """The window or filters changed: show the new selection from the start."""
        self.refresh_data()

    def refresh_data(self) -> None:
        """New data landed: show it, keeping the supervisor's place."""


class DrillScreen(CxScreen):
    """A screen opened from another; Escape or Backspace goes back one level."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back"),
    ]

    def action_back(self) -> None:
        self.app.pop_screen()


class CxModal(ModalScreen[Result]):
    """A dialog over a screen. Textual hides the app's keys behind a modal, so `q` (quit from
    anywhere) is bound again here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit"),
    ]
