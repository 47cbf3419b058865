"""The breakdown (cxtui.breakdown) as text: the table of `cxtui report --by` and the cells
of the agents screen, written the one way the report writes durations, rates and scores."""

from __future__ import annotations

from collections.abc import Callable

from cxtui.breakdown import SEGMENT, Breakdown, BreakdownRow
from cxtui.report import duration, percent
from cxtui.safe_text import visible

NONE_LABEL = {"agent": "(unassigned)", "queue": "(no queue)", "channel": "(no channel)"}


def label(dimension: str, value: str | None) -> str:
    """A row's name as shown: the value from the files made visible, or what its absence
    means."""
    if value is not None:
        return visible(value)
    return NONE_LABEL.get(dimension, "(no " + dimension.removeprefix(SEGMENT) + ")")


def with_n(value: float | None, n: int, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f} (n={n})"


def breached(row: BreakdownRow) -> str:
    """Breached now, with the agent's flag in words: "4 · watch", "7 · act"."""
    return f"{row.sla_breached_now} · {row.flag}" if row.flag else str(row.sla_breached_now)


Column = tuple[str, Callable[[BreakdownRow], str]]

TICKET_COLUMNS: tuple[Column, ...] = (
    ("open", lambda r: str(r.open_now)),
    ("SLA breached", breached),
    ("handled", lambda r: str(r.handled)),
    ("1st reply median", lambda r: duration(r.first_response_median_seconds)),
    ("resolved", lambda r: percent(r.resolution_rate)),
    ("handle mean", lambda r: duration(r.handle_time_mean_seconds)),
    ("CSAT %", lambda r: with_n(r.csat_pct, r.csat_n)),
    ("NPS", lambda r: with_n(r.nps, r.nps_n)),
    ("reopened", lambda r: percent(r.reopen_rate)),
)
SEGMENT_COLUMNS: tuple[Column, ...] = (
    ("NPS", lambda r: with_n(r.nps, r.nps_n)),
    ("CSAT %", lambda r: with_n(r.csat_pct, r.csat_n)),
    ("CES mean", lambda r: with_n(r.ces_mean, r.ces_n, 2)),
)


def columns_of(found: Breakdown) -> tuple[Column, ...]:
    return SEGMENT_COLUMNS if found.is_segment else TICKET_COLUMNS


def breakdown_table(found: Breakdown, *, filters_set: bool = False) -> str:
    """One line per row under a header, columns aligned, the name on the left. With
    filters set for the report, the title says they do not narrow this table, so nobody
    reads an agent's whole figures as that agent's e-mail figures."""
    columns = columns_of(found)
    head = [found.dimension.removeprefix(SEGMENT), *(title for title, _ in columns)]
    body = [
        [label(found.dimension, row.value), *(cell(row) for _, cell in columns)]
        for row in found.rows
    ]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    lines = [f"By {found.dimension}"]
    if filters_set:
        lines[0] += " (every ticket and survey: the report's filters do not narrow this table)"
    for line in [head, *body]:
        first, *rest = line
        cells = [first.ljust(widths[0])]
        cells += [text.rjust(width) for text, width in zip(rest, widths[1:], strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    if not body:
        lines.append("  nothing in the window")
    return "\n".join(lines) + "\n"
