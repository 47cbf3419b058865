"""One ticket: every field, its status timeline, its SLA due times and the surveys about it."""

from __future__ import annotations

import json
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from cxtui import queries
from cxtui.queries import SurveyRow, TicketDetail
from cxtui.tui import formatting as fmt
from cxtui.tui.base import DrillScreen
from cxtui.tui.sla_text import STATE_CELLS, STATE_WORDS, due_cell, promise_text
from cxtui.tui.source import read
from cxtui.tui.status_line import StatusLine

LABEL_WIDTH = 16
ROLE_STYLE = {"bad": "$error bold", "warn": "$warning", "ok": "$success", "dim": "dim", "": ""}


def field(label: str, value: str | Content, style: str = "") -> Content:
    """A label padded to a column, then the value: plain text, or Content built from it."""
    shown = value if isinstance(value, Content) else Content.styled(value or fmt.MISSING, style)
    return Content.assemble((label.ljust(LABEL_WIDTH), "dim"), shown)


def later(shown: str | Content, at: int | None, as_of: int) -> Content:
    """A moment after the one on screen (travelling in time) dimmed and marked "later": what
    was still to come then, kept for context, never read as the state then."""
    content = Content(shown) if isinstance(shown, str) else shown
    if at is None or at <= as_of:
        return content
    return content.stylize("dim").append("  later")


def heading(text: str) -> Content:
    return Content.styled(text, "bold underline")


def survey_line(survey: SurveyRow, zone: ZoneInfo, mask: bool) -> Content:
    role = fmt.BAND_ROLES.get(survey.category, "")
    return Content.assemble(
        (fmt.moment(survey.submitted_at, zone), "dim"),
        "  ",
        (
            f"{survey.kind.upper():<4} {survey.score:>2} {survey.category.replace('_', ' ')}",
            ROLE_STYLE[role],
        ),
        "  ",
        fmt.data(survey.comment, mask=mask),
    )


class TicketScreen(DrillScreen):
    """Everything known about one ticket; `c` opens the customer's journey."""

    help_name = "Ticket"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "journey", "Journey"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
    ]

    class Loaded(Message):
        def __init__(self, detail: TicketDetail | None, as_of: int) -> None:
            super().__init__()
            self.detail = detail
            self.as_of = as_of

    def __init__(self, ticket_id: str) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.drawn_as_of: int | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(("Ticket ", "bold"), (fmt.data(self.ticket_id), "bold")),
            classes="screen-title",
        )
        with VerticalScroll(id="body"):
            yield Static("loading…", id="fields")
            yield Static(id="sla")
            yield Static(id="timeline")
            yield Static(id="surveys")
            yield Static(id="extra")
        yield StatusLine(self.cx.zone)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#body").focus()

    def refresh_data(self) -> None:
        self.load(self.ticket_id, self.cx.window().as_of)

    @work(thread=True, group="ticket", exclusive=True, exit_on_error=False)
    def load(self, ticket_id: str, as_of: int) -> None:
        try:
            detail = read(self.cx.engine, lambda s: queries.ticket_detail(s, ticket_id, as_of))
        except Exception as exc:  # shown on screen rather than crashing the app
            self.app.call_from_thread(
                self.notify, f"Cannot read ticket: {fmt.data(exc)}", severity="error", markup=False
            )
            return
        self.post_message(self.Loaded(detail, as_of))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        if self.loaded and (message.detail, message.as_of) == (self.detail, self.drawn_as_of):
            return
        self.loaded = True
        self.detail = message.detail
        self.drawn_as_of = message.as_of
        if message.detail is None:
            self.query_one("#fields", Static).update(
                Content.assemble("No ticket with id ", (fmt.data(self.ticket_id), "bold"), ".")
            )
            return
        self.draw(message.detail, message.as_of)

    def draw(self, detail: TicketDetail, as_of: int) -> None:
        zone = self.cx.zone
        mask = self.cx.config.mask_pii
        t = detail.ticket
        _, sla_role = STATE_CELLS[t.sla.state]
        next_due, next_due_role = due_cell(t.sla, as_of)
        self.query_one(".screen-title", Static).update(
            Content.assemble(
                ("Ticket ", "bold"),
                (fmt.data(t.id), "bold"),
                "  ",
                fmt.data(t.subject, mask=mask),
            )
        )
        fields = [
            field("Ticket", fmt.data(t.id)),
            field("Subject", fmt.data(t.subject, mask=mask)),
            field("Status", fmt.data(t.status)),
            field("SLA", STATE_WORDS[t.sla.state], ROLE_STYLE[sla_role]),
            field("Due", next_due, ROLE_STYLE[next_due_role]),
            field("Priority", fmt.data(t.priority)),
            field("Channel", fmt.data(t.channel)),
            field("Queue", fmt.data(t.queue)),
            field("Agent", fmt.data(t.agent, mask=mask)),
            field("Customer", fmt.data(t.customer_id, mask=mask)),
            field("Created", fmt.moment_with_zone(t.created_at, zone)),
            field("Updated", later(fmt.moment_with_zone(t.updated_at, zone), t.updated_at, as_of)),
            field("Reopens", fmt.data(t.reopens)),
            field("Agent replies", fmt.data(detail.agent_replies)),
            field("Handle time", fmt.duration(detail.handle_seconds)),
            field("Source", fmt.data(self.source(detail))),
        ]
        self.query_one("#fields", Static).update(Content("\n").join(fields))

        reply, reply_role = promise_text(t.sla.first_reply, as_of)
        solved, solved_role = promise_text(t.sla.resolution, as_of)
        sla = [
            heading("Against SLA"),
            field(
                "First reply",
                later(
                    self.when(t.first_response_at, detail.first_response_seconds),
                    t.first_response_at,
                    as_of,
                ),
            ),
            field("  due", fmt.moment_with_zone(t.first_response_due_at, zone)),
            field("  verdict", reply, ROLE_STYLE[reply_role]),
            field(
                "Resolved",
                later(self.when(t.resolved_at, detail.resolution_seconds), t.resolved_at, as_of),
            ),
            field("  due", fmt.moment_with_zone(t.resolution_due_at, zone)),
            field("  verdict", solved, ROLE_STYLE[solved_role]),
        ]
        self.query_one("#sla", Static).update(Content("\n").join(sla))

        steps = [heading("Status timeline")]
        previous: int | None = None
        for at, status in detail.timeline:
            gap = "" if previous is None else f"  (+{fmt.duration(at - previous)})"
            step = Content.assemble(
                (fmt.moment_with_zone(at, zone), "dim"), "  ", (fmt.data(status), "bold"), gap
            )
            # After the moment shown: what was still to come then, kept for context.
            steps.append(later(step, at, as_of))
            previous = at
        if not detail.timeline:
            steps.append(Content("no status history recorded"))
        self.query_one("#timeline", Static).update(Content("\n").join(steps))

        surveys = [heading("Surveys about this ticket")]
        surveys += [survey_line(s, zone, mask) for s in detail.surveys] or [Content("none")]
        self.query_one("#surveys", Static).update(Content("\n").join(surveys))

        extra = [heading("Other columns in the export")]
        extra += [
            field(fmt.data(name, max_len=LABEL_WIDTH - 1), fmt.data(self.plain(value), mask=mask))
            for name, value in detail.extra.items()
        ] or [Content("none")]
        self.query_one("#extra", Static).update(Content("\n").join(extra))

    def when(self, at: int | None, seconds: int | None) -> str:
        if at is None:
            return "not yet"
        return f"{fmt.moment_with_zone(at, self.cx.zone)}  after {fmt.duration(seconds)}"

    @staticmethod
    def source(detail: TicketDetail) -> str | None:
        """Where the winning version of the ticket was read: file and line."""
        if detail.source_file is None:
            return None
        return f"{detail.source_file}, line {detail.source_line}"

    @staticmethod
    def plain(value: object) -> str:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def action_scroll(self, step: int) -> None:
        self.query_one("#body", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_journey(self) -> None:
        if self.detail is None:
            return
        customer = self.detail.ticket.customer_id
        if customer:
            self.cx.open_journey(customer)
        else:
            self.notify("This ticket names no customer.", timeout=3)
