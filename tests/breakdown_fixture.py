"""A small centre worked by hand for the breakdown tests: two agents and an unassigned
ticket, with the figures each row must show written out beside the data.

The window is the 7 days to AS_OF (2026-11-10 12:00 UTC).
"""

from __future__ import annotations

import csv
from pathlib import Path

AS_OF = 1_794_312_000  # 2026-11-10T12:00:00Z
AS_OF_TEXT = "2026-11-10T12:00:00Z"
HOUR, DAY = 3_600, 86_400
COLUMNS = (
    "id",
    "created_at",
    "status",
    "channel",
    "queue",
    "agent",
    "first_response_at",
    "resolved_at",
    "reopens",
    "handle_seconds",
    "first_response_due_at",
    "resolution_due_at",
)


def _ticket(
    ticket_id: str,
    created: int,
    status: str,
    agent: str | None,
    *,
    channel: str = "email",
    queue: str = "billing",
    reply: int | None = None,
    resolved: int | None = None,
    reopens: int | None = None,
    handle: int | None = None,
    reply_due: int | None = None,
    resolution_due: int | None = None,
) -> list[object]:
    return [
        ticket_id,
        created,
        status,
        channel,
        queue,
        agent or "",
        "" if reply is None else created + reply,
        "" if resolved is None else created + resolved,
        "" if reopens is None else reopens,
        "" if handle is None else handle,
        "" if reply_due is None else reply_due,
        "" if resolution_due is None else resolution_due,
    ]


T1 = AS_OF - 2 * DAY - 2 * HOUR
T2 = AS_OF - DAY - 3 * HOUR
T6 = AS_OF - 3 * DAY - 4 * HOUR
OLD = AS_OF - 10 * DAY
TICKETS = [
    # ana, queue billing: four created in the window, one old one still open
    _ticket("T1", T1, "solved", "ana", reply=600, resolved=2 * HOUR, reopens=0, handle=600),
    _ticket("T2", T2, "closed", "ana", reply=1_800, resolved=5 * HOUR, reopens=1, handle=1_200),
    _ticket("T3", AS_OF - DAY + 3 * HOUR, "open", "ana", reply=1_200, resolution_due=AS_OF - HOUR),
    # created at as_of itself: the window's ragged last second, read from the rows
    _ticket("T4", AS_OF, "new", "ana"),
    _ticket("T5", OLD, "pending", "ana", reply_due=OLD + HOUR),
    # bo, queue tech: two in the window, four old ones past their reply due time
    _ticket(
        "T6", T6, "solved", "bo", queue="tech", reply=300, resolved=HOUR, reopens=0, handle=300
    ),
    _ticket("T7", T6 + 1_800, "abandoned", "bo", queue="tech", channel="phone"),
    *(
        _ticket(f"T{n}", OLD + n, "open", "bo", queue="tech", reply_due=OLD + HOUR)
        for n in range(8, 12)
    ),
    # nobody's
    _ticket("T12", AS_OF - DAY, "new", None),
]
SURVEYS = [
    ("S1", T1 + 3 * HOUR, "nps", 10, "T1"),
    ("S2", T2 + 6 * HOUR, "nps", 3, "T2"),
    ("S3", T6 + 2 * HOUR, "csat", 5, "T6"),
    ("S4", T6 + 3 * HOUR, "csat", 2, "T6"),
    ("S5", AS_OF - HOUR, "nps", 9, ""),
]

EXPECTED = {
    "ana": {
        "open_now": 3,  # T3, T4, T5
        "sla_breached_now": 2,  # T3 past its resolution due, T5 past its reply due
        "handled": 4,  # T1-T4 created in the window
        "first_response_median_seconds": 1_200.0,  # median of 600, 1200, 1800
        "resolution_rate": 0.5,  # T1, T2 of four
        "handle_time_mean_seconds": 900.0,  # (600 + 1200) / 2
        "csat_pct": None,
        "csat_n": 0,
        "nps": 0.0,  # one promoter, one detractor
        "nps_n": 2,
        "reopen_rate": 0.5,  # T2 of T1, T2
        "flag": None,  # 2 breached, below agent_sla_breached_warn 3
    },
    "bo": {
        "open_now": 4,
        "sla_breached_now": 4,
        "handled": 2,
        "first_response_median_seconds": 300.0,  # T7 has no reply
        "resolution_rate": 0.5,
        "handle_time_mean_seconds": 300.0,
        "csat_pct": 50.0,  # S3 satisfied, S4 not
        "csat_n": 2,
        "nps": None,
        "nps_n": 0,
        "reopen_rate": 0.0,
        "flag": "watch",  # 4 breached: at least 3, below 6
    },
    None: {
        "open_now": 1,
        "sla_breached_now": 0,
        "handled": 1,
        "first_response_median_seconds": None,
        "resolution_rate": 0.0,
        "handle_time_mean_seconds": None,
        "csat_pct": None,
        "csat_n": 0,
        "nps": None,
        "nps_n": 0,
        "reopen_rate": None,
        "flag": None,
    },
}


def write_centre(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "tickets.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(TICKETS)
    with (folder / "surveys.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("id", "submitted_at", "kind", "score", "ticket_id"))
        writer.writerows(SURVEYS)
    return folder
