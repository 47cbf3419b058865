"""The survey segment filter in words: read from `--segment NAME=VALUE`, stated in the
report's JSON and on screen, and the choices the filter dialog offers.

A segment is a survey's own field (a `[[mapping]]`'s `segments`): it narrows NPS, CSAT,
CES, the survey lists and comment themes, never a ticket figure, so every place that states
it says "surveys only".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, true
from sqlmodel import Session, col, select

from cxtui.models import Survey
from cxtui.tallies import Filters

SEGMENT_CHOICES = 200
"""The most values of one segment the filter dialog offers (alphabetically first): a
segment such as a customer number would otherwise fill the picker with thousands."""

Segment = tuple[str, str]
"""(segment name, value)."""


class SegmentSyntax(ValueError):
    """`--segment` not NAME=VALUE, or naming a segment no mapping keeps."""


def parse_segment(text: str, known: Sequence[str]) -> Segment:
    """NAME=VALUE split at the first "=", both trimmed (as the loader trims the values it
    keeps); NAME must be one of the segments the mappings keep."""
    name, equals, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not equals or not name or not value:
        raise SegmentSyntax(f"give NAME=VALUE, such as region=EU, not {text!r}")
    if name not in known:
        named = ", ".join(known) if known else "none: no [[mapping]] names segments"
        raise SegmentSyntax(f"no segment {name!r}; the mappings keep {named}")
    return name, value


def describe_segment(segment: Segment) -> str:
    """ "region = EU", as the screens and the report's table say it."""
    name, value = segment
    return f"{name} = {value}"


def filters_dict(filters: Filters) -> dict[str, Any]:
    """The filters a report was narrowed by, for its JSON (null where not set)."""
    segment = None
    if filters.segment is not None:
        segment = {"name": filters.segment[0], "value": filters.segment[1]}
    return {
        "channel": filters.channel,
        "queue": filters.queue,
        "agent": filters.agent,
        "priority": filters.priority,
        "segment": segment,
    }


def segment_choices(session: Session, limit: int = SEGMENT_CHOICES) -> list[Segment]:
    """Every (name, value) the stored surveys carry, by name then value, at most `limit`
    values of each name: one pass over the surveys that have segments."""
    pairs = func.json_each(Survey.segments).table_valued("key", "value")
    statement = (
        select(pairs.c.key, pairs.c.value)
        .select_from(Survey)
        .join(pairs, true())
        .where(col(Survey.segments).is_not(None))
        .distinct()
        .order_by(pairs.c.key, pairs.c.value)
    )
    found: list[Segment] = []
    counts: dict[str, int] = {}
    for name, value in session.exec(statement):
        if value is None or counts.get(name, 0) >= limit:
            continue
        counts[name] = counts.get(name, 0) + 1
        found.append((str(name), str(value)))
    return found


def surveys_only_line(segment: Segment) -> str:
    """What the report's table says first when narrowed to a segment."""
    return (
        f"Surveys only: {describe_segment(segment)} (NPS, CSAT, CES, comment themes;"
        " ticket figures are not narrowed)"
    )
