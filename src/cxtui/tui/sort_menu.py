"""The `s` menu of a list: every column it can sort by, numbered, the current one marked.

A number or Enter picks a column; picking the column the list is already sorted by turns the
order round, so `s 3` twice sorts by the third column one way and then the other.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cxtui.tui.base import CxModal
from cxtui.tui.paged_list import ASCENDING, DESCENDING

MAX_NUMBERED = 9


class SortMenu(CxModal[str | None]):
    """Choose the column to sort by; returns its sort key, or None when closed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "dismiss", "Close"),
    ]

    def __init__(self, choices: list[tuple[str, str]], current: str, descending: bool) -> None:
        """`choices` are (sort key, what the column is called), in the list's column order."""
        super().__init__()
        self.choices = choices
        self.current = current
        self.descending = descending

    def compose(self) -> ComposeResult:
        options = []
        for number, (key, title) in enumerate(self.choices, start=1):
            label = f"{number} " if number <= MAX_NUMBERED else "  "
            arrow = ""
            if key == self.current:
                arrow = f"  {DESCENDING if self.descending else ASCENDING}"
            options.append(Option(Content.assemble((label, "bold"), title, arrow), id=key))
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Sort by (again: the other way)", "bold"))
            yield OptionList(*options)

    def on_mount(self) -> None:
        # Set here, not in CSS: the app's .dialog rule (90% wide) outranks a widget's own CSS.
        self.query_one(".dialog").styles.width = 44
        menu = self.query_one(OptionList)
        menu.styles.border = ("none", "transparent")
        menu.styles.max_height = 16
        keys = [key for key, _ in self.choices]
        menu.highlighted = keys.index(self.current) if self.current in keys else 0
        menu.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit():
            number = int(event.character)
            if 1 <= number <= min(MAX_NUMBERED, len(self.choices)):
                event.stop()
                self.dismiss(self.choices[number - 1][0])
