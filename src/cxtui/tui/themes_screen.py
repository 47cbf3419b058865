"""What customers say: the comment themes of the window, each with how many comments mention
it, the NPS and CSAT of those responses and the change against the previous window.

The themes are read in a worker (cxtui.comment_themes); Enter lists the chosen theme's
comments in the survey list, from where a response opens in full, then its ticket (`t`) or
its customer's journey (`c`). A theme's name is data (a found one is a customer's word), so
it is shown through `fmt.data`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from cxtui import queries
from cxtui.comment_themes import CONFIGURED, Mentions, Theme, ThemeRule, WindowThemes
from cxtui.comment_themes import themes_of_window as read_themes
from cxtui.metrics import Filters, Window
from cxtui.queries import SurveyRow
from cxtui.report import plural
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.lists import SurveyListScreen
from cxtui.tui.paged_list import RowSource
from cxtui.tui.source import read
from cxtui.tui.status_line import StatusLine

NAME_CELLS = 24
"""The theme's name at 80 columns; a wider terminal gives the name what the figures leave."""
FIGURE_CELLS = 56
"""What the figures' columns and the table's padding take, beside the name."""
COLUMNS = ("Theme", "Said", "±", "NPS (n)", "±", "CSAT (n)", "±")


def signed(change: float | None, unit: str = "") -> Text:
    """A change with its sign and colour ("+12", "-30 pts"), dim "—" where there is none. A
    CSAT change is in percentage points: "-3%" would read as a relative fall."""
    if change is None:
        return Text(fmt.MISSING, style="dim")
    style = "green" if change > 0 else "red" if change < 0 else ""
    return Text(f"{round(change):+d}{unit}", style=style)


def with_n(score: str, n: int) -> Text:
    return Text.assemble(score, (f" ({n})", "dim"))


class ThemesScreen(DrillScreen):
    """The themes of the window's comments; Enter lists the comments of the one selected."""

    help_name = "Comment themes"

    DEFAULT_CSS = """
    ThemesScreen #themes { height: 1fr; }
    ThemesScreen #theme-detail { height: auto; max-height: 4; padding: 0 1; }
    """

    class Loaded(Message):
        def __init__(self, found: WindowThemes | None, error: str | None) -> None:
            super().__init__()
            self.found = found
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.found: WindowThemes | None = None
        self.loaded = False
        self.loading = False
        self.stale = False

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Comment themes", "bold"), classes="screen-title")
        table: DataTable[Text] = DataTable(id="themes", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield Static("loading…", id="theme-detail")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        """Read the themes again; while a read runs, once more when it ends (a busy folder
        never stacks reads of every comment in two windows)."""
        if self.loading:
            self.stale = True
            return
        self.loading = True
        self.load(self.cx.window(), self.cx.view.filters, self.cx.config.themes)

    @work(thread=True, group="themes", exclusive=True, exit_on_error=False)
    def load(self, window: Window, filters: Filters, rules: tuple[ThemeRule, ...]) -> None:
        try:
            found = read(self.cx.engine, lambda s: read_themes(s, window, filters, rules))
        except Exception as exc:  # shown on screen rather than crashing the app
            self.post_message(self.Loaded(None, str(exc)))
            return
        self.post_message(self.Loaded(found, None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.loaded, self.loading = True, False
        if self.stale:
            self.stale = False
            self.refresh_data()
        if message.error is not None:
            self.query_one("#theme-detail", Static).update(
                Content.assemble(("Cannot read the comments: ", "$error"), fmt.data(message.error))
            )
            return
        self.found = message.found
        self.draw()

    # --- drawing ------------------------------------------------------------------------

    def draw(self) -> None:
        found = self.found
        if found is None:
            return
        table: DataTable[Text] = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for theme in found.themes:
            table.add_row(*self.cells(theme))
        if found.themes:
            table.move_cursor(row=min(row, len(found.themes) - 1))
        window = fmt.window_name(self.cx.view.window_seconds)
        self.query_one(".screen-title", Static).update(
            Content.assemble(
                ("Comment themes", "bold"),
                f" · last {window} · {plural(len(found.themes), 'theme')}"
                f" in {plural(found.comments, 'comment')}",
            )
        )
        self.show_detail()

    def cells(self, theme: Theme) -> list[Text]:
        now, mask = theme.now, self.cx.config.mask_pii
        name_style = "bold" if theme.kind == CONFIGURED else ""
        return [
            Text(fmt.data(theme.name, mask=mask, max_len=self.name_cells()), style=name_style),
            Text(f"{now.comments:,}", justify="right"),
            signed(theme.comments_change),
            with_n(fmt.nps(now.nps), now.nps_n),
            signed(theme.nps_change),
            with_n(fmt.percent_points(now.csat), now.csat_n),
            signed(theme.csat_change, " pts"),
        ]

    def name_cells(self) -> int:
        return max(NAME_CELLS, self.app.size.width - FIGURE_CELLS)

    def selected(self) -> Theme | None:
        table: DataTable[Text] = self.query_one(DataTable)
        themes = self.found.themes if self.found is not None else []
        if not 0 <= table.cursor_row < len(themes):
            return None
        return themes[table.cursor_row]

    def show_detail(self) -> None:
        detail = self.query_one("#theme-detail", Static)
        theme = self.selected()
        if theme is None:
            detail.update(
                Content.styled(
                    "No theme: no [themes] in cxtui.toml match, and no word is repeated in"
                    " 3 comments or more (docs/config.md, Comment themes).",
                    "dim",
                )
            )
            return
        mask = self.cx.config.mask_pii
        what = (
            "configured: " + ", ".join(fmt.data(p) for p in self._patterns(theme))
            if theme.kind == CONFIGURED
            else "a word the comments repeat"
        )
        detail.update(
            Content.assemble(
                (fmt.data(theme.name, mask=mask), "bold"),
                (f" ({what})", "dim"),
                "\n",
                f"Now {self._said(theme.now)}; before {self._said(theme.before)}.",
                ("  Enter: the comments", "dim"),
            )
        )

    def _patterns(self, theme: Theme) -> tuple[str, ...]:
        for rule in self.cx.config.themes:
            if rule.name == theme.name:
                return rule.patterns
        return ()

    @staticmethod
    def _said(found: Mentions) -> str:
        return (
            f"{plural(found.comments, 'comment')}, NPS {fmt.nps(found.nps)} (n {found.nps_n}),"
            f" CSAT {fmt.percent_points(found.csat)} (n {found.csat_n})"
        )

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        theme = self.selected()
        if theme is not None:
            self.app.push_screen(ThemeCommentsScreen(theme))


class ThemeCommentsScreen(SurveyListScreen):
    """The responses whose comments mention one theme, unhappiest first."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.theme = theme

    def list_title(self) -> list[str | tuple[str, str]]:
        name = fmt.data(self.theme.name, mask=self.cx.config.mask_pii, max_len=30)
        return [("Comments: ", "bold"), (name, "bold")]

    def source(self) -> RowSource[SurveyRow]:
        window, filters, search = self.cx.window(), self.cx.view.filters, self.search
        sort, descending, ids = self.sort, self.descending, self.theme.survey_ids
        return RowSource(
            count=lambda session: queries.count_surveys(session, window, filters, search, ids),
            page=lambda session, offset, limit: queries.survey_page(
                session, window, filters, offset, limit, search, sort, descending, ids
            ),
        )
