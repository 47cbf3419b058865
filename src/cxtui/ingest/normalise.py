"""Turn one raw record (a dict of column → value) into a validated ticket or survey tuple.

Anything that cannot be trusted raises RowError with a reason a supervisor can act on; the
loader sends that row to quarantine and carries on with its neighbours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import orjson

from cxtui.models import PRIORITIES, SCORE_RANGES, SURVEY_KINDS, TICKET_STATUSES


class RowError(ValueError):
    """A record that cannot be loaded; the message is the quarantine reason."""


STATUS_SYNONYMS = {
    "resolved": "solved",
    "done": "solved",
    "complete": "solved",
    "completed": "solved",
    "fixed": "solved",
    "hold": "on_hold",
    "on hold": "on_hold",
    "on-hold": "on_hold",
    "onhold": "on_hold",
    "waiting": "pending",
    "waiting on customer": "pending",
    "awaiting customer": "pending",
    "in progress": "open",
    "in_progress": "open",
    "active": "open",
    "assigned": "open",
    "reopened": "open",
    "unassigned": "new",
    "queued": "new",
    "abandon": "abandoned",
    "missed": "abandoned",
    "unanswered": "abandoned",
    "not resolved": "unresolved",
    "not_resolved": "unresolved",
    "unsolved": "unresolved",
    "no resolution": "unresolved",
    "closed unresolved": "unresolved",
    "closed without resolution": "unresolved",
    "ended unresolved": "unresolved",
}
PRIORITY_SYNONYMS = {
    "medium": "normal",
    "med": "normal",
    "standard": "normal",
    "p1": "urgent",
    "critical": "urgent",
    "p2": "high",
    "p3": "normal",
    "p4": "low",
}

TICKET_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "status",
    "priority",
    "channel",
    "queue",
    "agent",
    "customer_id",
    "subject",
    "first_response_at",
    "resolved_at",
    "reopens",
    "agent_replies",
    "handle_seconds",
    "first_response_due_at",
    "resolution_due_at",
)
SURVEY_COLUMNS = ("id", "submitted_at", "kind", "score", "ticket_id", "customer_id", "comment")

_EPOCH_RE = re.compile(r"^-?\d+(\.\d+)?$")
MAX_TEXT = 10_000
EARLIEST, LATEST = -2_208_988_800, 32_503_680_000  # 1900-01-01 and 3000-01-01, UTC
LARGEST_NUMBER = 1 << 53


@dataclass(frozen=True)
class TicketRecord:
    """A validated ticket version, in the column order of TICKET_COLUMNS, plus extras."""

    values: tuple[object, ...]
    extra: str | None

    @property
    def id(self) -> str:
        return str(self.values[0])


@dataclass(frozen=True)
class SurveyRecord:
    values: tuple[object, ...]
    extra: str | None
    segments: str | None = None
    """The mapping's segments with a value, as a JSON object of text."""


def zone(name: str) -> tzinfo:
    """The configured zone for naive timestamps; UTC unless the config says otherwise."""
    return UTC if name.upper() == "UTC" else ZoneInfo(name)


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def parse_time(value: object, naive_zone: tzinfo, column: str) -> int | None:
    """ISO 8601 (with or without offset) or epoch seconds → epoch seconds UTC, between the
    years 1900 and 3000 (anything else is a mistake, and would not fit SQLite's integers)."""
    try:
        moment = _epoch_seconds(value, naive_zone, column)
    except (OverflowError, ValueError, OSError) as exc:
        if isinstance(exc, RowError):
            raise
        raise RowError(f"bad timestamp in {column}: {_short(value)}") from None
    if moment is not None and not EARLIEST <= moment < LATEST:
        raise RowError(f"timestamp out of range in {column}: {_short(value)}")
    return moment


def _epoch_seconds(value: object, naive_zone: tzinfo, column: str) -> int | None:
    if value.__class__ is str and value[4:5] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=naive_zone)
            return int(moment.timestamp())
    if _blank(value):
        return None
    if isinstance(value, date | time | timedelta):
        return _cell_seconds(value, naive_zone, column)
    if isinstance(value, bool):
        raise RowError(f"bad timestamp in {column}: {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise RowError(f"bad timestamp in {column}: {value!r}")
        return int(value)
    text = str(value).strip()
    if text[-1].isdigit() and _EPOCH_RE.match(text):
        return int(float(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"bad timestamp in {column}: {_short(value)}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return int(moment.timestamp())


def _cell_seconds(value: date | time | timedelta, naive_zone: tzinfo, column: str) -> int:
    """A spreadsheet's date or date-and-time cell; a time of day or a duration alone is no
    moment."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=naive_zone)
        return int(moment.timestamp())
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=naive_zone).timestamp())
    what = "a time of day" if isinstance(value, time) else "a duration"
    raise RowError(f"bad timestamp in {column}: {what} without a date ({value})")


def _parse_int(value: object, column: str) -> int | None:
    number = _whole_number(value, column)
    if number is not None and not -LARGEST_NUMBER < number < LARGEST_NUMBER:
        raise RowError(f"number out of range in {column}: {_short(value)}")
    return number


def _whole_number(value: object, column: str) -> int | None:
    if value.__class__ is str and value.isascii() and value.isdigit():  # type: ignore[attr-defined]
        return int(value)  # type: ignore[arg-type]
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise RowError(f"not a whole number in {column}: {value!r}")
    if isinstance(value, int):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        raise RowError(f"not a whole number in {column}: {_short(value)}") from None
    if not math.isfinite(number) or number != int(number):
        raise RowError(f"not a whole number in {column}: {_short(value)}")
    return int(number)


def clean_text(value: object) -> str | None:
    """Every text field passes here: a blank cell is None, no field outgrows MAX_TEXT."""
    if value.__class__ is str:
        text = value.strip()  # type: ignore[attr-defined]
        return text[:MAX_TEXT] if text else None
    if value is None:
        return None
    if isinstance(value, dict | list):
        value = orjson.dumps(value).decode()
    text = str(value).strip()
    return text[:MAX_TEXT]


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ticket_status(value: object) -> str | None:
    """One reading of a status word for ticket rows and event logs alike, so both agree."""
    text = clean_text(value)
    if text is None:
        return None
    key = text.lower()
    status = STATUS_SYNONYMS.get(key, key.replace(" ", "_").replace("-", "_"))
    if status not in TICKET_STATUSES:
        raise RowError(f"unknown status {_short(text)}")
    return status


def _priority(value: object) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    key = text.lower()
    priority = PRIORITY_SYNONYMS.get(key, key)
    if priority not in PRIORITIES:
        raise RowError(f"unknown priority {_short(text)}")
    return priority


def _lower(value: object) -> str | None:
    text = clean_text(value)
    return None if text is None else text.lower()


@lru_cache(maxsize=512)
def _layout(
    keys: tuple[str, ...], known: tuple[str, ...]
) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    """Which source key feeds each known column, and which keys are extra.

    Computed once per set of keys (a CSV header, a JSON object shape), not once per row."""
    by_name = {str(k).strip().lower(): k for k in keys}
    sources = tuple(by_name.get(column) for column in known)
    unknown = tuple(k for k in keys if str(k).strip().lower() not in known)
    return sources, unknown


def _columns(
    record: Mapping[str, object], known: tuple[str, ...]
) -> tuple[list[object], str | None]:
    sources, unknown = _layout(tuple(record), known)
    values = [None if source is None else record[source] for source in sources]
    extra = {k: record[k] for k in unknown if not _blank(record[k])}
    return values, orjson.dumps(extra, default=str).decode() if extra else None


def _required_id(value: object) -> str:
    if _blank(value):
        raise RowError("missing required field id")
    return str(clean_text(value))


def _count(value: object, column: str) -> int | None:
    number = _parse_int(value, column)
    if number is not None and number < 0:
        raise RowError(f"negative {column}: {number}")
    return number


def normalise_ticket(record: Mapping[str, object], naive_zone: tzinfo) -> TicketRecord:
    """Validate one ticket version; raises RowError naming the first problem."""
    raw, extra = _columns(record, TICKET_COLUMNS)
    ticket_id = _required_id(raw[0])
    if _blank(raw[1]):
        raise RowError("missing required field created_at")
    values = (
        ticket_id,
        parse_time(raw[1], naive_zone, "created_at"),
        parse_time(raw[2], naive_zone, "updated_at"),
        ticket_status(raw[3]),
        _priority(raw[4]),
        _lower(raw[5]),
        clean_text(raw[6]),
        clean_text(raw[7]),
        clean_text(raw[8]),
        clean_text(raw[9]),
        parse_time(raw[10], naive_zone, "first_response_at"),
        parse_time(raw[11], naive_zone, "resolved_at"),
        _count(raw[12], "reopens"),
        _count(raw[13], "agent_replies"),
        _count(raw[14], "handle_seconds"),
        parse_time(raw[15], naive_zone, "first_response_due_at"),
        parse_time(raw[16], naive_zone, "resolution_due_at"),
    )
    return TicketRecord(values, extra)


def normalise_survey(
    record: Mapping[str, object],
    naive_zone: tzinfo,
    segments: Mapping[str, object] | None = None,
) -> SurveyRecord:
    """Validate one survey response; the score must fit its kind's scale. Segments are
    kept as text; a blank one is left out, as if the survey had none."""
    raw, extra = _columns(record, SURVEY_COLUMNS)
    survey_id = _required_id(raw[0])
    submitted_at = parse_time(raw[1], naive_zone, "submitted_at")
    if submitted_at is None:
        raise RowError("missing required field submitted_at")
    kind = _lower(raw[2])
    if kind is None:
        raise RowError("missing survey kind (nps, csat or ces)")
    if kind not in SURVEY_KINDS:
        raise RowError(f"unknown survey kind {_short(kind)}")
    score = _parse_int(raw[3], "score")
    if score is None:
        raise RowError("missing score")
    low, high = SCORE_RANGES[kind]
    if not low <= score <= high:
        raise RowError(f"{kind} score {score} out of range {low}-{high}")
    values = (
        survey_id,
        submitted_at,
        kind,
        score,
        clean_text(raw[4]),
        clean_text(raw[5]),
        clean_text(raw[6]),
    )
    kept = {
        name: clean_text(value) for name, value in (segments or {}).items() if not _blank(value)
    }
    return SurveyRecord(values, extra, orjson.dumps(kept).decode() if kept else None)
