"""The filter dialog: one channel, queue, agent and/or priority for every pane and list.

The choices are the values present in the data, read in a worker when the dialog opens. An
agent may be named by an e-mail address, so with PII masked the choices are shown masked too
(the value chosen is still the real one).
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy.engine import Engine
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Select

from cxtui import queries
from cxtui.metrics import Filters
from cxtui.tui import formatting as fmt
from cxtui.tui.base import CxModal
from cxtui.tui.source import read

FIELDS = ("channel", "queue", "agent", "priority")


class FilterScreen(CxModal[Filters | None]):
    """Pick filters; Apply returns them, Clear returns no filters, Escape changes nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
    ]

    class Choices(Message):
        def __init__(self, choices: dict[str, list[str]]) -> None:
            super().__init__()
            self.choices = choices

    def __init__(self, current: Filters, engine: Engine, mask_pii: bool = False) -> None:
        super().__init__()
        self.current = current
        self.engine = engine
        self.mask_pii = mask_pii
        self.choices_loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content.styled("Filters apply to every pane and list", "bold"))
            for name in FIELDS:
                with Horizontal(classes="filter-row"):
                    yield Label(name.capitalize(), classes="filter-label")
                    yield Select[str]([], prompt=f"any {name}", id=name, compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Button("Clear all", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#channel", Select).focus()
        self.load_choices()

    @work(thread=True, exclusive=True, group="filter-choices", exit_on_error=False)
    def load_choices(self) -> None:
        try:
            choices = read(self.engine, queries.filter_choices)
        except Exception as exc:  # the dialog still works with the current values
            self.app.call_from_thread(
                self.notify, f"Cannot read choices: {fmt.data(exc)}", severity="error", markup=False
            )
            return
        self.post_message(self.Choices(choices))

    @on(Choices)
    def _fill(self, message: Choices) -> None:
        for name in FIELDS:
            values = list(message.choices.get(name, []))
            chosen = getattr(self.current, name)
            if chosen is not None and chosen not in values:
                values.insert(0, chosen)
            select = self.query_one(f"#{name}", Select)
            select.set_options(
                (Content(fmt.data(value, mask=self.mask_pii, max_len=40)), value)
                for value in values
            )
            if chosen is not None:
                select.value = chosen
        self.choices_loaded = True

    def chosen(self) -> Filters:
        values: dict[str, str | None] = {}
        for name in FIELDS:
            value = self.query_one(f"#{name}", Select).value
            values[name] = value if isinstance(value, str) else None
        return Filters(**values)

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(Filters())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
