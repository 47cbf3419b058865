"""Turn one raw record (a dict of column → value) into a validated ticket or survey tuple.

Anything that cannot be trusted raises RowError with a reason a supervisor can act on; the
loader sends that row to quarantine and carries on with its neighbours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
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
TICKET_TIMES = frozenset(
    {
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "first_response_due_at",
        "resolution_due_at",
    }
)
TICKET_INTS = frozenset({"reopens", "agent_replies", "handle_seconds"})
SURVEY_COLUMNS = ("id", "submitted_at", "kind", "score", "ticket_id", "customer_id", "comment")

_EPOCH_RE = re.compile(r"^-?\d+(\.\d+)?$")
MAX_TEXT = 10_000


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


def zone(name: str) -> tzinfo:
    """The configured zone for naive timestamps; UTC unless the config says otherwise."""
    return UTC if name.upper() == "UTC" else ZoneInfo(name)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_time(value: object, naive_zone: tzinfo, column: str) -> int | None:
    """ISO 8601 (with or without offset) or epoch seconds → epoch seconds UTC."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise RowError(f"bad timestamp in {column}: {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise RowError(f"bad timestamp in {column}: {value!r}")
        return int(value)
    text = str(value).strip()
    if _EPOCH_RE.match(text):
        return int(float(text))
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"bad timestamp in {column}: {_short(value)}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return int(moment.timestamp())


def _parse_int(value: object, column: str) -> int | None:
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


def _text(value: object) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, dict | list):
        value = orjson.dumps(value).decode()
    text = str(value).strip()
    return text[:MAX_TEXT]


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    key = text.lower()
    status = STATUS_SYNONYMS.get(key, key.replace(" ", "_").replace("-", "_"))
    if status not in TICKET_STATUSES:
        raise RowError(f"unknown status {_short(text)}")
    return status


def _priority(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    key = text.lower()
    priority = PRIORITY_SYNONYMS.get(key, key)
    if priority not in PRIORITIES:
        raise RowError(f"unknown priority {_short(text)}")
    return priority


def _lower(value: object) -> str | None:
    text = _text(value)
    return None if text is None else text.lower()


def _extra(record: Mapping[str, object], known: tuple[str, ...]) -> str | None:
    unknown = {k: v for k, v in record.items() if k not in known and not _blank(v)}
    return orjson.dumps(unknown, default=str).decode() if unknown else None


def _required_id(record: Mapping[str, object]) -> str:
    value = record.get("id")
    if _blank(value):
        raise RowError("missing required field id")
    return str(_text(value))


def normalise_ticket(record: Mapping[str, object], naive_zone: tzinfo) -> TicketRecord:
    """Validate one ticket version; raises RowError naming the first problem."""
    record = _lower_keys(record)
    ticket_id = _required_id(record)
    if _blank(record.get("created_at")):
        raise RowError("missing required field created_at")
    values: list[object] = [ticket_id]
    for column in TICKET_COLUMNS[1:]:
        raw = record.get(column)
        if column in TICKET_TIMES:
            values.append(parse_time(raw, naive_zone, column))
        elif column in TICKET_INTS:
            number = _parse_int(raw, column)
            if number is not None and number < 0:
                raise RowError(f"negative {column}: {number}")
            values.append(number)
        elif column == "status":
            values.append(_status(raw))
        elif column == "priority":
            values.append(_priority(raw))
        elif column == "channel":
            values.append(_lower(raw))
        else:
            values.append(_text(raw))
    return TicketRecord(tuple(values), _extra(record, TICKET_COLUMNS))


def normalise_survey(record: Mapping[str, object], naive_zone: tzinfo) -> SurveyRecord:
    """Validate one survey response; the score must fit its kind's scale."""
    record = _lower_keys(record)
    survey_id = _required_id(record)
    submitted_at = parse_time(record.get("submitted_at"), naive_zone, "submitted_at")
    if submitted_at is None:
        raise RowError("missing required field submitted_at")
    kind = _lower(record.get("kind"))
    if kind is None:
        raise RowError("missing survey kind (nps, csat or ces)")
    if kind not in SURVEY_KINDS:
        raise RowError(f"unknown survey kind {_short(kind)}")
    score = _parse_int(record.get("score"), "score")
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
        _text(record.get("ticket_id")),
        _text(record.get("customer_id")),
        _text(record.get("comment")),
    )
    return SurveyRecord(values, _extra(record, SURVEY_COLUMNS))


def _lower_keys(record: Mapping[str, object]) -> dict[str, object]:
    return {str(k).strip().lower(): v for k, v in record.items()}


def guess_kind(name: str, columns: object) -> str | None:
    """'tickets' or 'surveys' from the file name, else from the columns; None if neither."""
    lowered = name.lower()
    if lowered.startswith("ticket"):
        return "tickets"
    if lowered.startswith("survey"):
        return "surveys"
    keys = {str(c).strip().lower() for c in columns} if columns else set()
    if "submitted_at" in keys or ("score" in keys and "created_at" not in keys):
        return "surveys"
    if "created_at" in keys:
        return "tickets"
    return None
