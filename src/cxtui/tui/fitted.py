"""Lines that pick their wording by the room they have, so a narrow pane shortens, not cuts.

A pane at 80x24 has 36 columns; the same pane at 200x50 has 96. Cutting a line with "…" can
take a grade word or a count with it ("SLA breached (ac…"), so each line carries a few
wordings, longest first, and the widget shows the longest that fits its width at every
redraw (a resize included). Only when even the shortest does not fit does the line end in "…".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from cxtui.tui import formatting as fmt

Wordings = tuple[Content, ...]
SEPARATOR = " · "


def fit(wordings: Sequence[Content], width: int) -> Content:
    """The first (longest) wording that fits `width` cells, else the last (shortest)."""
    for wording in wordings:
        if wording.cell_length <= width:
            return wording
    return wordings[-1]


def wordings(*choices: str | Content) -> Wordings:
    """Wordings of one line, longest first; plain strings are data-safe text, never markup."""
    return tuple(Content(choice) if isinstance(choice, str) else choice for choice in choices)


def breakdown(
    counts: Mapping[str, int],
    names: Mapping[str, str] | None = None,
    short: Mapping[str, str] | None = None,
    *,
    prefix: str = "",
    drop_smallest: bool = False,
) -> Wordings:
    """A name -> count mapping as wordings of one line, from "urgent 3 · high 10 · low 2" to
    "urgent 3 high 10 +2 more" (the tickets in the groups left out).

    The order given is kept. Groups are left out from the end (the order is the importance:
    oldest, most urgent first), or the smallest first when `drop_smallest` (channels and
    queues, listed by name). `short` names are tried before anything is left out.
    """
    names = names or {}
    short = {**names, **(short or {})}
    if not counts:
        return wordings("")

    def label(name: str, table: Mapping[str, str]) -> str:
        return fmt.data(table.get(name, name).replace("_", " "))

    def line(
        shown: Sequence[str], table: Mapping[str, str], between: str, rest: int, lead: str = ""
    ) -> str:
        parts = [f"{label(name, table)} {counts[name]:,}" for name in shown]
        more = [f"+{rest:,} more"] if rest else []
        return lead + between.join(parts + more)

    every = list(counts)
    # Every group shown matters more than the prefix ("age "), so it goes before any group.
    choices = [
        line(every, names, SEPARATOR, 0, prefix),
        line(every, names, " ", 0, prefix),
        line(every, names, " ", 0),
        line(every, short, " ", 0, prefix),
        line(every, short, " ", 0),
    ]
    if drop_smallest:
        leaving = sorted(every, key=lambda name: (counts[name], name))
    else:
        leaving = list(reversed(every))
    for dropped in range(1, len(every)):
        gone = set(leaving[:dropped])
        shown = [name for name in every if name not in gone]
        choices.append(line(shown, short, " ", sum(counts[name] for name in gone)))
    return wordings(*choices)


class FittedLines(Widget):
    """Lines of text, each shown in the longest of its wordings that fits the width."""

    DEFAULT_CSS = """
    FittedLines { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self.lines: list[Wordings] = []

    def show(self, lines: Sequence[Content | Sequence[Content]]) -> None:
        """Replace the lines; a line is one Content or its wordings, longest first."""
        fresh = [(line,) if isinstance(line, Content) else tuple(line) for line in lines]
        if fresh != self.lines:
            self.lines = fresh
            self.refresh(layout=True)

    def shown(self, width: int | None = None) -> list[Content]:
        """The wording of each line at `width` (the widget's own width by default)."""
        room = self.content_size.width if width is None else width
        return [fit(line, room) for line in self.lines]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((line[0].cell_length for line in self.lines), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines)

    def render(self) -> Content:
        return Content("\n").join(self.shown())
