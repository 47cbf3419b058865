"""Hostile text for the security tests: what an export might carry, and what the screen shows.

Each `Hostile` pairs a string a file could hold with what the supervisor must see instead,
written out by hand from the rules in cxtui.safe_text: a C0 control shows as its Unicode
control picture (ESC as ␛, BEL as ␇), a line break reads as one space, any other control,
bidi or zero-width character as ⟨U+XXXX⟩, and Rich markup exactly as typed.

`build_database` puts every one of them, one per ticket, into a subject, an agent name, a
customer id, a survey comment and a quarantined row's raw text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from cxtui.models import QuarantinedRow, Survey
from cxtui.store import open_engine
from tests.tui.fixtures import AS_OF, HOUR, MIN, ticket

EVIL_HOST = "evil.example"


@dataclass(frozen=True)
class Hostile:
    name: str
    raw: str
    shown: str


HOSTILE = [
    Hostile(
        "link markup", f"[link=https://{EVIL_HOST}]x[/link]", f"[link=https://{EVIL_HOST}]x[/link]"
    ),
    Hostile(
        "link markup, Textual's form",
        f'[link="https://{EVIL_HOST}"]x[/link]',
        f'[link="https://{EVIL_HOST}"]x[/link]',
    ),
    Hostile("bold markup", "[bold]b[/bold]", "[bold]b[/bold]"),
    Hostile("closing tag", "[/]", "[/]"),
    Hostile("click action", "[@click=app.quit]q[/]", "[@click=app.quit]q[/]"),
    Hostile("CSI clear screen", "\x1b[2J", "␛[2J"),
    Hostile("CSI red", "\x1b[31m", "␛[31m"),
    Hostile(
        "OSC 8 hyperlink",
        f"\x1b]8;;https://{EVIL_HOST}\x1b\\click\x1b]8;;\x1b\\",
        f"␛]8;;https://{EVIL_HOST}␛\\click␛]8;;␛\\",
    ),
    Hostile("OSC 52 clipboard write", "\x1b]52;c;ZXZpbA==\x07", "␛]52;c;ZXZpbA==␇"),
    Hostile("C0 bell", "\x07", "␇"),
    Hostile("C0 backspace", "\x08", "␈"),
    Hostile("C0 carriage return", "\r", " "),
    Hostile("C1 CSI", "\x9b31m", "⟨U+009B⟩31m"),
    Hostile("C1 next line", "\x85", "⟨U+0085⟩"),
    Hostile("bidi right-to-left override", "\u202e", "⟨U+202E⟩"),
    Hostile("bidi left-to-right isolate", "\u2066", "⟨U+2066⟩"),
    Hostile("zero-width space", "\u200b", "⟨U+200B⟩"),
    Hostile("zero-width no-break space", "\ufeff", "⟨U+FEFF⟩"),
]

# Three channels, so that filtering by one leaves at most 8 comments: as many as the dashboard
# shows.
CHANNELS = ("email", "chat", "phone")


def ticket_id(index: int) -> str:
    return f"H-{index:02d}"


def subject(text: str) -> str:
    return f"subject {text} end"


def agent(text: str) -> str:
    return f"agent {text}"


def customer(text: str) -> str:
    return f"cust {text}"


def comment(text: str) -> str:
    return f"comment {text} end"


def raw_line(text: str) -> str:
    return f"raw {text} end"


def channel(index: int) -> str:
    return CHANNELS[index % len(CHANNELS)]


def build_database(db_path: Path) -> Engine:
    """One open ticket per hostile string, each with its own customer and one CSAT survey."""
    engine = open_engine(db_path)
    with Session(engine) as session:
        for index, hostile in enumerate(HOSTILE):
            session.add(
                ticket(
                    ticket_id(index),
                    (index + 1) * HOUR,
                    "open",
                    channel=channel(index),
                    agent=agent(hostile.raw),
                    customer=customer(hostile.raw),
                    subject=subject(hostile.raw),
                )
            )
            session.add(
                Survey(
                    id=f"HS-{index:02d}",
                    submitted_at=AS_OF - (index + 1) * MIN,
                    kind="csat",
                    score=2,
                    ticket_id=ticket_id(index),
                    customer_id=customer(hostile.raw),
                    comment=comment(hostile.raw),
                )
            )
            session.add(
                QuarantinedRow(
                    file="tickets.csv",
                    line=index + 2,
                    reason="created_at is not a time",
                    raw=raw_line(hostile.raw),
                    seen_at=AS_OF - HOUR,
                )
            )
        session.commit()
    return engine


def build_mixed_ticket_database(db_path: Path) -> Engine:
    """One ticket carrying many hostile strings at once, for a picture of the ticket screen.

    They sit in the subject, agent and customer, which all fit on an 80x24 screen.
    """
    engine = open_engine(db_path)
    mixed = ticket(
        "H-MIX",
        2 * HOUR,
        "open",
        agent="Ann \u202eAgent\u202c \x1b]52;c;ZXZpbA==\x07",
        customer="C\u200b-1\ufeff \x9b31m\x85\x07\x08\rX",
        subject=(
            f"[link=https://{EVIL_HOST}]x[/link] [bold]b[/bold] \x1b[31mred[/] "
            f"\x1b]8;;https://{EVIL_HOST}\x1b\\click\x1b]8;;\x1b\\"
        ),
    )
    with Session(engine) as session:
        session.add(mixed)
        session.commit()
    return engine
