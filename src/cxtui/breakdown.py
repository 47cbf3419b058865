"""The agents screen and `cxtui report --by`: the window's figures one row per agent, queue,
channel or survey segment value.

Each figure comes from the same definitions as the dashboard (cxtui.metrics), applied to
each value's tallies; the tallies of every value are read at once from the tallies by
dimension (cxtui.aggregates; by whole days and quarter days for the agent,
cxtui.block_tallies), so 300 agents cost one read, not 300 filtered dashboards. A row of
one agent shows what the dashboard filtered to that agent shows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from cxtui import aggregates
from cxtui.config import Thresholds
from cxtui.metrics import (
    OpenNow,
    Window,
    ces_of,
    csat_of,
    first_response_of,
    handle_time_of,
    nps_of,
    open_by,
    resolution_of,
)
from cxtui.tallies import (
    SurveyTallies,
    TicketTally,
    new_survey_tallies,
    scan_survey_groups,
    scan_survey_segments,
    scan_ticket_groups,
)

TICKET_DIMENSIONS = ("agent", "queue", "channel")
SEGMENT = "segment:"
"""How a segment is named where a dimension goes: "segment:region"."""
FLAGS = {"warn": "watch", "bad": "act"}
"""The word a row beyond an agent threshold carries, by its grade."""


@dataclass(frozen=True)
class BreakdownRow:
    """One agent's (queue's, channel's, segment value's) figures over the window."""

    value: str | None
    """None: tickets with no agent (queue, channel), or surveys without the segment."""
    open_now: int
    sla_breached_now: int
    handled: int
    """Tickets created in the window with this value (their figures' population)."""
    first_response_median_seconds: float | None
    resolution_rate: float | None
    handle_time_mean_seconds: float | None
    reopen_rate: float | None
    csat_pct: float | None
    csat_n: int
    nps: float | None
    nps_n: int
    ces_mean: float | None
    ces_n: int
    flag: str | None = None
    """"watch" or "act" for an agent beyond agent_sla_breached_warn or _bad, else None."""


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    """agent, queue, channel, or segment:NAME."""
    as_of: int
    window_seconds: int
    rows: list[BreakdownRow]

    @property
    def is_segment(self) -> bool:
        return self.dimension.startswith(SEGMENT)


class UnknownDimension(ValueError):
    """A --by (or screen view) that names no dimension cxtui keeps."""


def check_dimension(dimension: str, segments: tuple[str, ...]) -> str:
    """The dimension if it is one of agent, queue, channel or a configured segment."""
    if dimension in TICKET_DIMENSIONS:
        return dimension
    if dimension.startswith(SEGMENT) and dimension[len(SEGMENT) :] in segments:
        return dimension
    known = [*TICKET_DIMENSIONS, *(SEGMENT + name for name in segments)]
    hint = "" if segments else " (no [[mapping]] names segments)"
    raise UnknownDimension(
        f"cannot break down by {dimension!r}: use one of {', '.join(known)}{hint}"
    )


def breakdown(
    session: Session,
    window: Window,
    dimension: str,
    thresholds: Thresholds | None = None,
) -> Breakdown:
    """The rows of one dimension, most open tickets first (then by value)."""
    db = _driver(session)
    span = (window.start + 1, window.as_of + 1)
    if dimension.startswith(SEGMENT):
        surveys = scan_survey_segments(db, span, dimension[len(SEGMENT) :])
        rows = [_row(value, None, TicketTally(), by_kind) for value, by_kind in surveys.items()]
    else:
        tickets, by_value = _tallies(db, span, dimension)
        opened = open_by(session, window.as_of, dimension)
        values = set(tickets) | set(by_value) | set(opened)
        empty = new_survey_tallies()
        rows = [
            _row(
                value,
                opened.get(value),
                tickets.get(value, TicketTally()),
                by_value.get(value, empty),
                thresholds if dimension == "agent" else None,
            )
            for value in values
        ]
    rows.sort(key=lambda row: (-row.open_now, row.value is None, row.value or ""))
    return Breakdown(dimension, window.as_of, window.seconds, rows)


def _tallies(
    db: sqlite3.Connection, span: tuple[int, int], dimension: str
) -> tuple[dict[Any, TicketTally], dict[Any, SurveyTallies]]:
    """Each value's ticket and survey tallies: from the hourly tallies when the database
    keeps them, else (an old database being upgraded by another process) from the rows."""
    if aggregates.installed(db):
        return (
            aggregates.ticket_tallies_by(db, span, dimension),
            aggregates.survey_tallies_by(db, span, dimension),
        )
    (tickets,) = scan_ticket_groups(db, [span], (dimension,))
    (surveys,) = scan_survey_groups(db, [span], (dimension,))
    return {k[0]: t for k, t in tickets.items()}, {k[0]: t for k, t in surveys.items()}


def _row(
    value: Any,
    opened: OpenNow | None,
    tickets: TicketTally,
    surveys: SurveyTallies,
    thresholds: Thresholds | None = None,
) -> BreakdownRow:
    resolution = resolution_of(tickets)
    csat, nps, ces = csat_of(surveys["csat"]), nps_of(surveys["nps"]), ces_of(surveys["ces"])
    breached = opened.sla_breached if opened else 0
    return BreakdownRow(
        value=None if value is None else str(value),
        open_now=opened.open if opened else 0,
        sla_breached_now=breached,
        handled=tickets.created,
        first_response_median_seconds=first_response_of(tickets).median_seconds,
        resolution_rate=resolution.rate,
        handle_time_mean_seconds=handle_time_of(tickets).mean_seconds,
        reopen_rate=resolution.reopen_rate,
        csat_pct=csat.score_pct,
        csat_n=csat.responses,
        nps=nps.score,
        nps_n=nps.responses,
        ces_mean=ces.mean,
        ces_n=ces.responses,
        flag=None if thresholds is None else agent_flag(breached, thresholds),
    )


def agent_flag(sla_breached_now: int, thresholds: Thresholds) -> str | None:
    """The one verdict on an agent's row: "act", "watch", or None when on track."""
    return FLAGS.get(thresholds.grade("agent_sla_breached", sla_breached_now))


TICKET_FIELDS = (
    "value",
    "open_now",
    "sla_breached_now",
    "handled",
    "first_response_median_seconds",
    "resolution_rate",
    "handle_time_mean_seconds",
    "csat_pct",
    "csat_n",
    "nps",
    "nps_n",
    "reopen_rate",
    "flag",
)
SEGMENT_FIELDS = ("value", "nps", "nps_n", "csat_pct", "csat_n", "ces_mean", "ces_n")
"""A segment is the surveys' own: no tickets, so no ticket figures."""


def breakdown_dict(found: Breakdown) -> dict[str, Any]:
    """The `"by"` key of `cxtui report --format json`; key names are a contract."""
    names = SEGMENT_FIELDS if found.is_segment else TICKET_FIELDS
    return {
        "dimension": found.dimension,
        "rows": [{name: getattr(row, name) for name in names} for row in found.rows],
        # The table is over every ticket and survey: filters narrow the rest of the report,
        # never these rows (one row per value of the dimension already is the narrowing).
        "filtered": False,
    }


def _driver(session: Session) -> sqlite3.Connection:
    return session.connection().connection.driver_connection  # type: ignore[return-value]
