"""A row table wider than the terminal: the first column (the row's name) stays put, and
←/→ move a whole column at a time.

DataTable in row mode scrolls one cell per key press, so reading an agent's last column at
80 columns took a dozen presses and scrolled the agent's name out of sight.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable


class WideTable(DataTable[Any]):
    """A DataTable whose name column is fixed and whose ←/→ step by columns."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fixed_columns=1, **kwargs)

    @property
    def overflows(self) -> bool:
        """Some columns lie beyond the right edge: worth telling the supervisor ←/→."""
        return self.virtual_size.width > self.scrollable_content_region.width

    def _column_starts(self) -> list[int]:
        """Where each scrollable column starts, counted from the first one after the name."""
        starts, offset = [], 0
        for column in self.ordered_columns[1:]:
            starts.append(offset)
            offset += column.get_render_width(self)
        return starts

    def action_cursor_right(self) -> None:
        if self.cursor_type != "row":
            super().action_cursor_right()
            return
        later = [x for x in self._column_starts() if x > self.scroll_x]
        if later:
            self.scroll_to(x=min(later[0], self.max_scroll_x), animate=False)

    def action_cursor_left(self) -> None:
        if self.cursor_type != "row":
            super().action_cursor_left()
            return
        earlier = [x for x in self._column_starts() if x < self.scroll_x]
        self.scroll_to(x=earlier[-1] if earlier else 0, animate=False)
