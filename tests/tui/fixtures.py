"""A small, fixed contact centre for the screen tests, written straight into a temp database.

Times are relative to AS_OF so ages and SLA states never depend on the wall clock. The data
is made by hand (not the simulator) so each test can say exactly what it expects to see.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.config import Config
from cxtui.models import QuarantinedRow, StatusChange, Survey, Ticket
from cxtui.store import open_engine
from cxtui.tui.app import CxApp
from tests.built_once import copy_of

AS_OF = 1_714_564_800  # 2024-05-01 12:00:00 UTC
MIN = 60
NOW = AS_OF + 10 * MIN
"""The wall clock the tests run at: the status line shows it, the numbers are as of AS_OF."""
HOUR = 3_600
DAY = 86_400
WEEK = 7 * DAY
FOLDER = Path("/data/acme-exports")

HOSTILE_MARKUP = "[bold red]boom[/]"
HOSTILE_ANSI = "\x1b[31mred"


def ticket(
    id: str,
    age: int,
    status: str,
    *,
    priority: str = "normal",
    channel: str = "email",
    queue: str = "billing",
    agent: str | None = "Ann Agent",
    customer: str | None = "C-1",
    subject: str = "Invoice question",
    replied_after: int | None = None,
    resolved_after: int | None = None,
    reply_due_after: int | None = 4 * HOUR,
    resolve_due_after: int | None = 2 * DAY,
    reopens: int | None = 0,
) -> Ticket:
    created = AS_OF - age
    return Ticket(
        id=id,
        created_at=created,
        updated_at=created + (resolved_after or replied_after or 0),
        status=status,
        priority=priority,
        channel=channel,
        queue=queue,
        agent=agent,
        customer_id=customer,
        subject=subject,
        first_response_at=None if replied_after is None else created + replied_after,
        resolved_at=None if resolved_after is None else created + resolved_after,
        reopens=reopens,
        agent_replies=1,
        handle_seconds=600,
        first_response_due_at=None if reply_due_after is None else created + reply_due_after,
        resolution_due_at=None if resolve_due_after is None else created + resolve_due_after,
        version_at=created,
        extra='{"region": "north", "vip": true}',
    )


def tickets() -> list[Ticket]:
    """Fresh rows each call: a SQLModel object belongs to the first session it is added to."""
    return [
        # Open queue: T-001 breached (no reply, reply due 4h after creation, 3 days old).
        ticket("T-001", 3 * DAY, "open", priority="urgent", subject="Refund never arrived"),
        # T-002 at risk: reply due in 30 minutes.
        ticket("T-002", 3 * HOUR + 30 * MIN, "new", priority="high", customer="C-2"),
        # T-003 fine: replied, resolution due in 1 day.
        ticket("T-003", DAY, "pending", replied_after=20 * MIN, channel="chat", customer="C-3"),
        ticket(
            "T-004",
            2 * HOUR,
            "open",
            subject=HOSTILE_MARKUP,
            customer="C-4",
            agent="Bob Agent",
        ),
        ticket(
            "T-005", 5 * HOUR, "on_hold", subject=HOSTILE_ANSI, customer="C-4", replied_after=HOUR
        ),
        # Solved in the window.
        ticket("T-006", 2 * DAY, "solved", replied_after=10 * MIN, resolved_after=5 * HOUR),
        ticket(
            "T-007", 4 * DAY, "closed", replied_after=2 * HOUR, resolved_after=DAY, customer="C-2"
        ),
        ticket(
            "T-008",
            5 * DAY,
            "solved",
            replied_after=30 * MIN,
            resolved_after=3 * DAY,
            reopens=2,
            channel="phone",
            queue="tech",
        ),
        ticket("T-009", 6 * HOUR, "abandoned", channel="phone", queue="tech", agent=None),
        # Older than the 7d window, still open: counts in the queue, not in window metrics.
        ticket("T-010", 10 * DAY, "open", priority="low", queue="tech", subject="Old complaint"),
    ]


STATUS_CHANGES = [
    ("T-001", AS_OF - 3 * DAY, "new"),
    ("T-001", AS_OF - 3 * DAY + HOUR, "open"),
    ("T-006", AS_OF - 2 * DAY, "new"),
    ("T-006", AS_OF - 2 * DAY + 10 * MIN, "open"),
    ("T-006", AS_OF - 2 * DAY + 5 * HOUR, "solved"),
    ("T-008", AS_OF - 5 * DAY, "new"),
    ("T-008", AS_OF - 4 * DAY, "solved"),
    ("T-008", AS_OF - 3 * DAY, "open"),
    ("T-008", AS_OF - 2 * DAY, "solved"),
]


def surveys() -> list[Survey]:
    return [
        Survey(
            id="S-1",
            submitted_at=AS_OF - DAY,
            kind="nps",
            score=2,
            ticket_id="T-006",
            customer_id="C-1",
            comment="Took far too long",
        ),
        Survey(
            id="S-2",
            submitted_at=AS_OF - 2 * DAY,
            kind="nps",
            score=10,
            ticket_id="T-007",
            customer_id="C-2",
            comment="Great help",
        ),
        Survey(
            id="S-3",
            submitted_at=AS_OF - 3 * DAY,
            kind="nps",
            score=8,
            ticket_id="T-008",
            customer_id="C-1",
            comment=None,
        ),
        Survey(
            id="S-4",
            submitted_at=AS_OF - HOUR,
            kind="csat",
            score=5,
            ticket_id="T-006",
            customer_id="C-1",
            comment="Lovely " + HOSTILE_MARKUP,
        ),
        Survey(
            id="S-5",
            submitted_at=AS_OF - 2 * HOUR,
            kind="csat",
            score=1,
            ticket_id="T-008",
            customer_id="C-1",
            comment="Useless " + HOSTILE_ANSI,
        ),
        Survey(
            id="S-6",
            submitted_at=AS_OF - 5 * HOUR,
            kind="ces",
            score=6,
            ticket_id="T-007",
            customer_id="C-2",
            comment=None,
        ),
        Survey(
            id="S-7",
            submitted_at=AS_OF - 20 * DAY,
            kind="nps",
            score=9,
            ticket_id=None,
            customer_id="C-1",
            comment="Older praise",
        ),
    ]


def quarantine() -> list[QuarantinedRow]:
    return [
        QuarantinedRow(
            file="tickets.csv",
            line=7,
            reason="created_at is not a time",
            raw="T-x,yesterday-ish,open",
            seen_at=AS_OF - HOUR,
        ),
        QuarantinedRow(
            file="surveys.jsonl",
            line=3,
            reason="score 11 is outside 0-10",
            raw='{"id": "S-x", "kind": "nps", "score": 11}',
            seen_at=AS_OF - HOUR,
        ),
    ]


def build_database(db_path: Path) -> Engine:
    """A database holding the fixed contact centre above (a copy of the one this process
    built first: most screen tests need it, and each may change its own)."""
    return open_engine(copy_of("contact-centre", _fill, db_path))


def _fill(db_path: Path) -> None:
    engine = open_engine(db_path)
    with Session(engine) as session:
        session.add_all(tickets())
        session.add_all(StatusChange(ticket_id=t, at=at, status=st) for t, at, st in STATUS_CHANGES)
        session.add_all(surveys())
        session.add_all(quarantine())
        session.commit()
    engine.dispose()


def make_app(engine: Engine, **options: object) -> CxApp:
    """The app on `engine` with the numbers as of AS_OF, the wall clock stopped at NOW and no
    folder watcher."""
    settings: dict[str, object] = {
        "config": Config(),
        "window_seconds": WEEK,
        "as_of": AS_OF,
        "data_dir": FOLDER,
        "ingest": False,
        "now": lambda: NOW,
    }
    settings.update(options)
    return CxApp(engine=engine, **settings)  # type: ignore[arg-type]


def screen_text(app: CxApp) -> str:
    """What the terminal shows now, as plain text (the SVG screenshot's text, without styles)."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()
