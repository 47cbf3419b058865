"""The filter dialog: one channel, queue, agent and/or priority for every pane and list, and
(when a `[[mapping]]` keeps survey segments) one survey segment value for the survey figures.

The choices are the values present in the data, read in a worker when the dialog opens. An
agent may be named by an e-mail address, so with PII masked the choices are shown masked too
(the value chosen is still the real one). The segment picker lists every "name = value" the
surveys carry in one list, so five segments still fit 80x24; its prompt says it narrows the
surveys only.

Each field is a bordered picker. With one focused, typing a letter opens its list at the choice
that holds it earliest, one that begins with it first (Textual's list then keeps jumping as more
is typed), so a long list of agents is a few letters away rather than many presses of down.
"""

from __future__ import annotations

import json
from typing import ClassVar

from rich.text import Text
from sqlalchemy.engine import Engine
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Select

from cxtui import queries
from cxtui.metrics import Filters
from cxtui.segment_filter import Segment, describe_segment, segment_choices
from cxtui.tui import formatting as fmt
from cxtui.tui.base import CxModal
from cxtui.tui.source import read

FIELDS = ("channel", "queue", "agent", "priority")
SEGMENT = "segment"


class Picker(Select[str]):
    """A Select that opens on the first letter typed and jumps to the choice it begins."""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """Letters are for jumping while a picker is focused, not the dialog's `q` (quit)."""
        return _jumps(character) or super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if self.expanded or not _jumps(event.character):
            return
        event.stop()
        event.prevent_default()
        self.expanded = True
        overlay = self.query_one("SelectOverlay")
        # The open list searches what is typed; hand it this first letter once it has focus.
        self.call_after_refresh(overlay.post_message, events.Key(event.key, event.character))


def _jumps(character: str | None) -> bool:
    return character is not None and character.isprintable() and not character.isspace()


class FilterScreen(CxModal[Filters | None]):
    """Pick filters; Apply returns them, Clear returns no filters, Escape changes nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
    ]

    class Choices(Message):
        def __init__(self, choices: dict[str, list[str]], segments: list[Segment]) -> None:
            super().__init__()
            self.choices = choices
            self.segments = segments

    def __init__(
        self,
        current: Filters,
        engine: Engine,
        mask_pii: bool = False,
        segments: tuple[str, ...] = (),
    ) -> None:
        """`segments`: the names the config's mappings keep; with none (and no segment
        chosen) the dialog has no segment picker."""
        super().__init__()
        self.current = current
        self.engine = engine
        self.mask_pii = mask_pii
        self.with_segments = bool(segments) or current.segment is not None
        self.choices_loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content.styled("Filters apply to every pane and list", "bold"))
            for name in FIELDS:
                with Horizontal(classes="filter-row"):
                    yield Label(name.capitalize(), classes="filter-label")
                    yield Picker([], prompt=f"any {name}", id=name)
            if self.with_segments:
                with Horizontal(classes="filter-row"):
                    yield Label("Segment", classes="filter-label")
                    yield Picker([], prompt="any segment (surveys only)", id=SEGMENT)
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Button("Clear all", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#channel", Picker).focus()
        self.load_choices()

    @work(thread=True, exclusive=True, group="filter-choices", exit_on_error=False)
    def load_choices(self) -> None:
        try:
            choices = read(self.engine, queries.filter_choices)
            segments = read(self.engine, segment_choices) if self.with_segments else []
        except Exception as exc:  # the dialog still works with the current values
            self.app.call_from_thread(
                self.notify, f"Cannot read choices: {fmt.data(exc)}", severity="error", markup=False
            )
            return
        self.post_message(self.Choices(choices, segments))

    @on(Choices)
    def _fill(self, message: Choices) -> None:
        for name in FIELDS:
            values = list(message.choices.get(name, []))
            chosen = getattr(self.current, name)
            if chosen is not None and chosen not in values:
                values.insert(0, chosen)
            select = self.query_one(f"#{name}", Picker)
            select.set_options(
                # A Rich Text, not Content: Textual's search as you type reads only Text and str
                # prompts (and a str would be read as markup).
                (Text(fmt.data(value, mask=self.mask_pii, max_len=40)), value)
                for value in values
            )
            if chosen is not None:
                select.value = chosen
        if self.with_segments:
            self._fill_segments(message.segments)
        self.choices_loaded = True

    def _fill_segments(self, found: list[Segment]) -> None:
        """One "name = value" choice per pair; the option's value is the pair as JSON."""
        pairs = list(found)
        chosen = self.current.segment
        if chosen is not None and chosen not in pairs:
            pairs.insert(0, chosen)
        select = self.query_one(f"#{SEGMENT}", Picker)
        select.set_options(
            (Text(fmt.data(describe_segment(pair), mask=self.mask_pii, max_len=40)), _key(pair))
            for pair in pairs
        )
        if chosen is not None:
            select.value = _key(chosen)

    def chosen(self) -> Filters:
        values: dict[str, str | None] = {}
        for name in FIELDS:
            value = self.query_one(f"#{name}", Picker).value
            values[name] = value if isinstance(value, str) else None
        segment = None
        if self.with_segments:
            picked = self.query_one(f"#{SEGMENT}", Picker).value
            if isinstance(picked, str):
                name, value = json.loads(picked)
                segment = (name, value)
        return Filters(**values, segment=segment)

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(Filters())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _key(segment: Segment) -> str:
    """A segment as one option value: a JSON pair, so no name or value can be mistaken for
    the separator."""
    return json.dumps(list(segment))
