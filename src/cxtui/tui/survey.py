"""One survey response in full: the score and its band, when, who, about which ticket, and the
whole comment, wrapped.

Lists and the journey show a comment on one line and cut it to the room left; this is where
it is read in full. The response is already read (it is the row chosen), so nothing here
touches the database.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from cxtui.queries import SurveyRow
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.status_line import StatusLine
from cxtui.tui.ticket import ROLE_STYLE, field, heading

KIND_NAMES = {"nps": "NPS (0-10)", "csat": "CSAT (1-5)", "ces": "CES (1-7, 7 easy)"}


class SurveyScreen(DrillScreen):
    """A survey response; `t` opens its ticket, `c` its customer's journey."""

    help_name = "Survey response"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "ticket", "Ticket"),
        Binding("c", "journey", "Journey"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, survey: SurveyRow) -> None:
        super().__init__()
        self.survey = survey

    def compose(self) -> ComposeResult:
        survey, mask = self.survey, self.cx.config.mask_pii
        role = ROLE_STYLE[fmt.BAND_ROLES.get(survey.category, "")]
        score = f"{survey.kind.upper()} {survey.score} {survey.category.replace('_', ' ')}"
        yield Static(
            Content.assemble(
                ("Survey response ", "bold"), (fmt.data(survey.id), "bold"), "  ", (score, role)
            ),
            classes="screen-title",
        )
        with VerticalScroll(id="body"):
            yield Static(
                Content("\n").join(
                    [
                        field("Score", score, role),
                        field("Kind", KIND_NAMES.get(survey.kind, fmt.data(survey.kind))),
                        field("Submitted", fmt.moment_seconds(survey.submitted_at, self.cx.zone)),
                        field("Customer", fmt.data(survey.customer_id, mask=mask)),
                        field("Ticket", fmt.data(survey.ticket_id)),
                        field("Response id", fmt.data(survey.id)),
                    ]
                ),
                id="fields",
            )
            # Wrapped to the width (Static wraps by default): the whole comment, never cut.
            yield Static(Content("\n").join([heading("Comment"), self.comment()]), id="comment")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def comment(self) -> Content:
        text = fmt.data(self.survey.comment, mask=self.cx.config.mask_pii)
        return Content(text) if text.strip() else Content.styled("no comment", "dim")

    def on_mount(self) -> None:
        self.query_one("#body").focus()

    def action_scroll(self, step: int) -> None:
        self.query_one("#body", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_ticket(self) -> None:
        if self.survey.ticket_id:
            self.cx.open_ticket(self.survey.ticket_id)
        else:
            self.notify("This response names no ticket.", timeout=3)

    def action_journey(self) -> None:
        if self.survey.customer_id:
            self.cx.open_journey(self.survey.customer_id)
        else:
            self.notify("This response names no customer.", timeout=3)
