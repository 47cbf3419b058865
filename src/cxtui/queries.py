"""The rows behind the drill-down screens: ticket lists, survey lists, one ticket, one customer.

Every list is counted and paged in SQL (ORDER BY ... LIMIT/OFFSET with a unique tie-breaker),
so a screen over a million tickets fetches one page at a time and pages never overlap or skip
a row. Data values only ever travel as bound parameters. The strings returned are raw data:
screens pass them through `cxtui.safe_text.visible` before showing them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_
from sqlmodel import Session, col, select

from cxtui.metrics import Filters, Window, ticket_filter_conditions
from cxtui.models import (
    OPEN_STATUSES,
    PRIORITIES,
    RESOLVED_STATUSES,
    TICKET_STATUSES,
    QuarantinedRow,
    StatusChange,
    Survey,
    Ticket,
)
from cxtui.past_status import changed_after_any, open_then_ids, status_then_sql
from cxtui.sla import SlaVerdict, next_due_sql, verdict
from cxtui.tallies import survey_filter_conditions

ABANDONED = "abandoned"

LIST_KINDS = ("open", "first_response", "unresolved", "all")
SORTS: dict[str, tuple[str, ...]] = {
    "open": ("oldest", "sla", "priority", "newest"),
    "first_response": ("slowest", "sla", "fastest", "newest"),
    "unresolved": ("oldest", "sla", "reopens", "newest"),
    "all": ("newest", "sla", "oldest"),
}
"""Sort orders per list, the default first. "sla" is next breach first: the nearest due time
still to be met (cxtui.sla), overdue ones most overdue first, tickets with none last."""

PRESETS: dict[str, tuple[str, bool]] = {
    "oldest": ("created", False),
    "newest": ("created", True),
    "sla": ("due", False),
    "priority": ("prio", True),
    "slowest": ("first_reply", True),
    "fastest": ("first_reply", False),
    "reopens": ("reop", True),
}
"""Each named sort order of SORTS as the column it sorts by, and whether descending."""

_COMMON_TICKET_SORTS = (
    "due",
    "id",
    "status",
    "prio",
    "agent",
    "channel",
    "queue",
    "customer",
    "subject",
)
TICKET_SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "open": ("age", *_COMMON_TICKET_SORTS),
    "first_response": ("created", "first_reply", *_COMMON_TICKET_SORTS),
    "unresolved": ("created", "reop", *_COMMON_TICKET_SORTS),
    "all": ("created", *_COMMON_TICKET_SORTS),
}
"""The columns each ticket list can be sorted by: the fixed whitelist ORDER BY is built from.
The open queue shows an age where the others show the creation time. Column keys differ from
the names of SORTS ("prio" is low to urgent, the named "priority" most urgent first)."""
SURVEY_SORT_COLUMNS = ("band", "score", "submitted", "ticket", "customer", "comment")
QUARANTINE_SORT_COLUMNS = ("file", "line", "reason", "raw")

# Survey score cut-offs, inclusive upper bounds of the unhappy and middle bands; anything higher
# is the happy band. CES is the 1-7 "the company made it easy" scale, so a high score is easy.
SURVEY_BANDS: dict[str, tuple[int, int, tuple[str, str, str]]] = {
    "nps": (6, 8, ("detractor", "passive", "promoter")),
    "csat": (2, 3, ("dissatisfied", "neutral", "satisfied")),
    "ces": (3, 4, ("high_effort", "neutral", "low_effort")),
}
UNKNOWN_CATEGORY = "unknown"


@dataclass
class TicketRow:
    """One ticket as stored, plus its SLA verdict at the list's as_of."""

    id: str
    created_at: int
    updated_at: int | None
    status: str | None
    priority: str | None
    channel: str | None
    queue: str | None
    agent: str | None
    customer_id: str | None
    subject: str | None
    first_response_at: int | None
    resolved_at: int | None
    reopens: int | None
    first_response_due_at: int | None
    resolution_due_at: int | None
    sla: SlaVerdict


@dataclass(frozen=True)
class TicketQuery:
    """Which tickets a list shows: a kind from LIST_KINDS, narrowed and sorted.

    `sort` is a named order from SORTS[kind] or a column of TICKET_SORT_COLUMNS[kind];
    `descending` turns it round. An empty sort means the kind's default (SORTS[kind][0]).
    """

    kind: str
    window: Window
    filters: Filters
    search: str = ""
    sort: str = ""
    descending: bool = False


@dataclass
class SurveyRow:
    id: str
    submitted_at: int
    kind: str
    score: int
    ticket_id: str | None
    customer_id: str | None
    comment: str | None
    category: str


@dataclass
class TicketDetail:
    ticket: TicketRow
    extra: dict[str, object]
    timeline: list[tuple[int, str]]
    surveys: list[SurveyRow]
    first_response_seconds: int | None
    resolution_seconds: int | None
    agent_replies: int | None = None
    handle_seconds: int | None = None
    source_file: str | None = None
    source_line: int | None = None


@dataclass
class JourneyEvent:
    at: int
    kind: str
    ticket_id: str | None
    survey: SurveyRow | None
    status: str | None
    text: str


@dataclass
class Journey:
    """Everything one customer did and said, oldest first.

    `truncated` is True when the customer has more tickets or surveys than the journey limit
    and only the most recent ones are included.
    """

    customer_id: str
    tickets: list[TicketRow]
    surveys: list[SurveyRow]
    events: list[JourneyEvent]
    nps_over_time: list[tuple[int, int]]
    csat_over_time: list[tuple[int, int]]
    truncated: bool = False
    as_of: int | None = None
    """The moment it was read for: events after it were still to come then."""


@dataclass
class QuarantineRow:
    id: int
    file: str
    line: int
    reason: str
    raw: str
    seen_at: int


# --- ticket lists ------------------------------------------------------------------------

_TICKET_COLUMNS = (
    Ticket.id,
    Ticket.created_at,
    Ticket.updated_at,
    Ticket.status,
    Ticket.priority,
    Ticket.channel,
    Ticket.queue,
    Ticket.agent,
    Ticket.customer_id,
    Ticket.subject,
    Ticket.first_response_at,
    Ticket.resolved_at,
    Ticket.reopens,
    Ticket.first_response_due_at,
    Ticket.resolution_due_at,
)


_TICKET_FIELDS = tuple(column.key for column in _TICKET_COLUMNS)


def _travelled(session: Session, as_of: int) -> bool:
    """Whether any ticket changed after as_of, so its status then must come from the history
    (cxtui.past_status); when none did (live, the latest data) the rows alone answer."""
    return bool(session.exec(select(changed_after_any(as_of))).one())


def _status(as_of: int, travelled: bool) -> Any:
    return status_then_sql(as_of) if travelled else col(Ticket.status)


def _columns_then(as_of: int, travelled: bool) -> tuple[Any, ...]:
    """_TICKET_COLUMNS with the status as it was at as_of, so a list, a ticket and a journey
    shown for a past moment show each ticket as it stood then."""
    return tuple(
        _status(as_of, travelled).label("status") if column is Ticket.status else column
        for column in _TICKET_COLUMNS
    )


def _ticket_row(values: Any, as_of: int) -> TicketRow:
    fields = dict(zip(_TICKET_FIELDS, values, strict=True))
    judged = verdict(
        status=fields["status"],
        first_response_at=fields["first_response_at"],
        resolved_at=fields["resolved_at"],
        first_response_due_at=fields["first_response_due_at"],
        resolution_due_at=fields["resolution_due_at"],
        as_of=as_of,
    )
    return TicketRow(**fields, sla=judged)


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(text: str, columns: tuple[Any, ...]) -> list[ColumnElement[bool]]:
    """Case-insensitive (ASCII) substring match on any of the columns; blank text matches all."""
    text = text.strip()
    if not text:
        return []
    pattern = _like_pattern(text)
    return [or_(*(col(column).ilike(pattern, escape="\\") for column in columns))]


def _created_in(window: Window) -> list[ColumnElement[bool]]:
    return [col(Ticket.created_at) > window.start, col(Ticket.created_at) <= window.as_of]


def _kind_conditions(kind: str, window: Window, travelled: bool) -> list[ColumnElement[bool]]:
    if kind == "open" and travelled:
        return [col(Ticket.id).in_(open_then_ids(window.as_of))]
    if kind == "open":
        return [col(Ticket.status).in_(OPEN_STATUSES), col(Ticket.created_at) <= window.as_of]
    if kind == "first_response":
        return [*_created_in(window), col(Ticket.first_response_at).is_not(None)]
    if kind == "unresolved":
        still_open = or_(
            col(Ticket.status).is_(None),
            col(Ticket.status).not_in((*RESOLVED_STATUSES, ABANDONED)),
        )
        return [*_created_in(window), or_(still_open, col(Ticket.reopens) > 0)]
    return []


def _ticket_conditions(q: TicketQuery, travelled: bool) -> list[ColumnElement[bool]]:
    if q.kind not in LIST_KINDS:
        raise ValueError(f"unknown list {q.kind!r}; choose from {', '.join(LIST_KINDS)}")
    return [
        *_kind_conditions(q.kind, q.window, travelled),
        *ticket_filter_conditions(q.filters),
        *_search(q.search, (Ticket.id, Ticket.subject, Ticket.customer_id, Ticket.agent)),
    ]


def ticket_sort(kind: str, sort: str = "", descending: bool = False) -> tuple[str, bool]:
    """The column a ticket list sorts by and whether descending, from a named order
    (SORTS) or a column (TICKET_SORT_COLUMNS); anything else is refused."""
    name = sort or SORTS[kind][0]
    if name in SORTS[kind]:
        column, preset_descending = PRESETS[name]
        descending = descending != preset_descending
        if column == "created" and kind == "open":
            # The open queue shows age, which runs the other way from the creation time.
            column, descending = "age", not descending
        return column, descending
    if name in TICKET_SORT_COLUMNS[kind]:
        return name, descending
    raise ValueError(f"unknown sort {name!r} for {kind}; choose from {SORTS[kind]}")


def _ordered(
    missing: list[ColumnElement[Any]], keys: list[Any], descending: bool
) -> list[ColumnElement[Any]]:
    """ORDER BY terms: rows without a value last either way, then the keys in the direction."""
    return [
        *(flag.asc() for flag in missing),
        *(key.desc() if descending else key.asc() for key in keys),
    ]


def _rank(column: Any, names: tuple[str, ...]) -> ColumnElement[int]:
    """The position of a column's value in `names`, for a domain order (low before urgent)."""
    return case(*((column == name, i) for i, name in enumerate(names)), else_=len(names))


def _ticket_order(q: TicketQuery, travelled: bool) -> list[Any]:
    column, descending = ticket_sort(q.kind, q.sort, q.descending)
    created: Any = col(Ticket.created_at)
    if q.search.strip():
        # A search reads every row anyway. Walking the created_at index in order to find a
        # rare match takes three times as long as a plain scan, so hide the index (+ 0).
        created = created + 0
    ticket_id = col(Ticket.id)
    if column in ("created", "age"):
        # The creation time is the tie-breaker itself: ties go by id the same way round.
        return _ordered([], [created, ticket_id], descending != (column == "age"))
    # Other columns: ties in the list's natural order, oldest first.
    ties = [created.asc(), ticket_id.asc()]
    if column == "due":
        due = next_due_sql(q.window.as_of, _status(q.window.as_of, travelled))
        return [*_ordered([due.is_(None)], [due], descending), *ties]
    if column == "first_reply":
        waited = col(Ticket.first_response_at) - created
        return [*_ordered([waited.is_(None)], [waited], descending), *ties]
    if column == "prio":
        rank = _rank(col(Ticket.priority), PRIORITIES)
        return [*_ordered([rank == len(PRIORITIES)], [rank], descending), *ties]
    if column == "status":
        status = _status(q.window.as_of, travelled)
        rank = _rank(status, TICKET_STATUSES)
        return [*_ordered([status.is_(None)], [rank, status], descending), *ties]
    value: Any = {
        "id": ticket_id,
        "reop": col(Ticket.reopens),
        "agent": col(Ticket.agent),
        "channel": col(Ticket.channel),
        "queue": col(Ticket.queue),
        "customer": col(Ticket.customer_id),
        "subject": col(Ticket.subject),
    }[column]
    if column != "reop":
        value = value.collate("NOCASE")
    return [*_ordered([value.is_(None)], [value], descending), *ties]


def count_tickets(session: Session, q: TicketQuery) -> int:
    """How many tickets the list holds, for the scroll bar and the "n of N" label."""
    return session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(*_ticket_conditions(q, _travelled(session, q.window.as_of)))
    ).one()


def ticket_page(session: Session, q: TicketQuery, offset: int, limit: int) -> list[TicketRow]:
    """Rows offset .. offset+limit-1 of the list in its sort order."""
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    travelled = _travelled(session, q.window.as_of)
    statement = (
        select(*_columns_then(q.window.as_of, travelled))
        .where(*_ticket_conditions(q, travelled))
        .order_by(*_ticket_order(q, travelled))
        .offset(offset)
        .limit(limit)
    )
    return [_ticket_row(values, q.window.as_of) for values in session.exec(statement)]


# --- surveys -----------------------------------------------------------------------------

_SURVEY_COLUMNS = (
    Survey.id,
    Survey.submitted_at,
    Survey.kind,
    Survey.score,
    Survey.ticket_id,
    Survey.customer_id,
    Survey.comment,
)


def survey_category(kind: str, score: int) -> str:
    """The band a score falls in (see SURVEY_BANDS), e.g. "detractor" for NPS 0-6."""
    if kind not in SURVEY_BANDS:
        return UNKNOWN_CATEGORY
    unhappy_up_to, middle_up_to, names = SURVEY_BANDS[kind]
    if score <= unhappy_up_to:
        return names[0]
    return names[1] if score <= middle_up_to else names[2]


def _survey_row(values: Any) -> SurveyRow:
    return SurveyRow(*values, category=survey_category(values[2], values[3]))


def _unhappiness_rank() -> ColumnElement[int]:
    """0 for the unhappy band, 1 middle, 2 happy: SURVEY_BANDS as SQL, to sort unhappy first."""
    kind, score = col(Survey.kind), col(Survey.score)
    whens = []
    for name, (unhappy_up_to, middle_up_to, _) in SURVEY_BANDS.items():
        whens += [
            (and_(kind == name, score <= unhappy_up_to), 0),
            (and_(kind == name, score <= middle_up_to), 1),
            (kind == name, 2),
        ]
    return case(*whens, else_=1)


def _kind_rank() -> ColumnElement[int]:
    return case(
        *((col(Survey.kind) == name, i) for i, name in enumerate(SURVEY_BANDS)),
        else_=len(SURVEY_BANDS),
    )


def _surveys_in(
    statement: Select[Any],
    window: Window,
    filters: Filters,
    search: str,
    ids: Sequence[str] | None = None,
) -> Select[Any]:
    """Surveys submitted in the window about tickets matching the filters, and when `ids` is
    given only those responses (a comment theme's, however many: one JSON parameter).

    As in the metrics, once a ticket filter is set a survey without a loaded ticket drops
    out: it cannot be placed in a channel or queue. A segment filter keeps its value only.
    """
    statement = statement.where(
        col(Survey.submitted_at) > window.start,
        col(Survey.submitted_at) <= window.as_of,
        *_search(search, (Survey.id, Survey.comment, Survey.customer_id, Survey.ticket_id)),
        *survey_filter_conditions(filters),
    )
    if ids is not None:
        listed = func.json_each(json.dumps(list(ids))).table_valued("value")
        statement = statement.where(col(Survey.id).in_(select(listed.c.value)))
    conditions = ticket_filter_conditions(filters)
    if conditions:
        statement = statement.join(Ticket, col(Survey.ticket_id) == col(Ticket.id)).where(
            *conditions
        )
    return statement


def count_surveys(
    session: Session,
    window: Window,
    filters: Filters,
    search: str = "",
    ids: Sequence[str] | None = None,
) -> int:
    """How many surveys survey_page lists; search looks in id, comment, customer and ticket."""
    statement = _surveys_in(select(func.count()).select_from(Survey), window, filters, search, ids)
    return session.exec(statement).one()


def _survey_order(sort: str, descending: bool) -> list[Any]:
    """ORDER BY for a column of SURVEY_SORT_COLUMNS; ties newest first, then by id."""
    column = sort or SURVEY_SORT_COLUMNS[0]
    if column not in SURVEY_SORT_COLUMNS:
        raise ValueError(f"unknown sort {column!r} for surveys; choose from {SURVEY_SORT_COLUMNS}")
    submitted, survey_id = col(Survey.submitted_at), col(Survey.id)
    if column == "submitted":
        return _ordered([], [submitted, survey_id], descending)
    ties = [submitted.desc(), survey_id.asc()]
    score = [_kind_rank(), col(Survey.score)]
    if column == "band":
        return [*_ordered([], [_unhappiness_rank(), *score], descending), *ties]
    if column == "score":
        return [*_ordered([], score, descending), *ties]
    value: Any = {
        "ticket": col(Survey.ticket_id),
        "customer": col(Survey.customer_id),
        "comment": col(Survey.comment),
    }[column]
    value = value.collate("NOCASE")
    return [*_ordered([value.is_(None)], [value], descending), *ties]


def survey_page(
    session: Session,
    window: Window,
    filters: Filters,
    offset: int,
    limit: int,
    search: str = "",
    sort: str = "",
    descending: bool = False,
    ids: Sequence[str] | None = None,
) -> list[SurveyRow]:
    """Surveys in the window, by default unhappiest first so the customers to call back lead.

    The default order ("band"): band (detractor / dissatisfied / high effort first), kind
    (NPS, CSAT, CES), lowest score, newest. `sort` names another of SURVEY_SORT_COLUMNS;
    `ids`, when given, keeps only those responses.
    """
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    statement = _surveys_in(select(*_SURVEY_COLUMNS), window, filters, search, ids).order_by(
        *_survey_order(sort, descending)
    )
    return [_survey_row(values) for values in session.exec(statement.offset(offset).limit(limit))]


def latest_comments(
    session: Session, window: Window, filters: Filters, limit: int = 8
) -> list[SurveyRow]:
    """What customers wrote in the window: unhappy comments first, then the newest."""
    statement = (
        _surveys_in(select(*_SURVEY_COLUMNS), window, filters, "")
        .where(col(Survey.comment).is_not(None), func.trim(col(Survey.comment)) != "")
        .order_by(_unhappiness_rank(), col(Survey.submitted_at).desc(), col(Survey.id).asc())
        .limit(limit)
    )
    return [_survey_row(values) for values in session.exec(statement)]


def window_comments(session: Session, window: Window, filters: Filters) -> list[SurveyRow]:
    """Every response in the window that says something (a comment not blank), oldest first:
    what the comment themes are read from."""
    statement = (
        _surveys_in(select(*_SURVEY_COLUMNS), window, filters, "")
        .where(col(Survey.comment).is_not(None), func.trim(col(Survey.comment)) != "")
        .order_by(col(Survey.submitted_at), col(Survey.id))
    )
    return [_survey_row(values) for values in session.exec(statement)]


# --- one ticket, one customer ------------------------------------------------------------

_STATUS_ORDER = {status: i for i, status in enumerate(TICKET_STATUSES)}


def _timelines(session: Session, ticket_ids: list[str]) -> dict[str, list[tuple[int, str]]]:
    """Each ticket's status changes in time order, a status repeated back-to-back shown once.

    Changes at the same second are put in lifecycle order (new before open before solved).
    """
    timelines: dict[str, list[tuple[int, str]]] = {ticket_id: [] for ticket_id in ticket_ids}
    if not ticket_ids:
        return timelines
    changes = session.exec(
        select(StatusChange.ticket_id, StatusChange.at, StatusChange.status).where(
            col(StatusChange.ticket_id).in_(ticket_ids)
        )
    ).all()
    ordered = sorted(
        changes, key=lambda c: (c[0], c[1], _STATUS_ORDER.get(c[2], len(_STATUS_ORDER)), c[2])
    )
    for ticket_id, at, status in ordered:
        timeline = timelines[ticket_id]
        if not timeline or timeline[-1][1] != status:
            timeline.append((at, status))
    return timelines


def _extra(raw: str | None) -> dict[str, object]:
    """The export's unknown columns; text that is not a JSON object is kept under "extra"."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"extra": raw}
    return value if isinstance(value, dict) else {"extra": value}


def ticket_detail(session: Session, ticket_id: str, as_of: int) -> TicketDetail | None:
    """One ticket with its history and the surveys about it; None when no such ticket."""
    values = session.exec(
        select(
            *_columns_then(as_of, _travelled(session, as_of)),
            Ticket.agent_replies,
            Ticket.handle_seconds,
            Ticket.source_file,
            Ticket.source_line,
            Ticket.extra,
        ).where(col(Ticket.id) == ticket_id)
    ).first()
    if values is None:
        return None
    ticket = _ticket_row(values[: len(_TICKET_COLUMNS)], as_of)
    agent_replies, handle_seconds, source_file, source_line = values[len(_TICKET_COLUMNS) : -1]
    surveys = session.exec(
        select(*_SURVEY_COLUMNS)
        .where(col(Survey.ticket_id) == ticket_id)
        .order_by(col(Survey.submitted_at), col(Survey.id))
    ).all()

    def since_created(at: int | None) -> int | None:
        return None if at is None else at - ticket.created_at

    return TicketDetail(
        ticket=ticket,
        extra=_extra(values[-1]),
        timeline=_timelines(session, [ticket_id])[ticket_id],
        surveys=[_survey_row(s) for s in surveys],
        first_response_seconds=since_created(ticket.first_response_at),
        resolution_seconds=since_created(ticket.resolved_at),
        agent_replies=agent_replies,
        handle_seconds=handle_seconds,
        source_file=source_file,
        source_line=source_line,
    )


@dataclass(frozen=True)
class IdKinds:
    """What an id typed into the palette names: a ticket, a customer, both or neither."""

    ticket: bool
    customer: bool


def id_kinds(session: Session, text: str) -> IdKinds:
    """Whether `text` is a ticket id and whether it is a customer id (each one indexed lookup)."""
    ticket = session.exec(select(Ticket.id).where(col(Ticket.id) == text).limit(1)).first()
    customer = (
        session.exec(select(Ticket.id).where(col(Ticket.customer_id) == text).limit(1)).first()
        or session.exec(select(Survey.id).where(col(Survey.customer_id) == text).limit(1)).first()
    )
    return IdKinds(ticket=ticket is not None, customer=customer is not None)


JOURNEY_LIMIT = 500
_EVENT_ORDER = {"ticket_created": 0, "status": 1, "survey": 2}


def _opened_text(ticket: TicketRow) -> str:
    text = f"{ticket.id} opened by {ticket.channel or 'unknown channel'}"
    return f"{text}: {ticket.subject}" if ticket.subject else text


def _survey_text(survey: SurveyRow) -> str:
    about = f" on {survey.ticket_id}" if survey.ticket_id else ""
    said = f": {survey.comment}" if survey.comment and survey.comment.strip() else ""
    return f"{survey.kind.upper()} {survey.score} ({survey.category}){about}{said}"


def customer_journey(
    session: Session, customer_id: str, as_of: int, *, limit: int = JOURNEY_LIMIT
) -> Journey:
    """One customer's tickets, status changes and surveys as a single story.

    Surveys count when they carry the customer id or are about one of their tickets. Only the
    most recent `limit` tickets and `limit` surveys are read, so a shared or placeholder id
    cannot pull a million rows onto the screen.
    """
    ticket_values = session.exec(
        select(*_columns_then(as_of, _travelled(session, as_of)))
        .where(col(Ticket.customer_id) == customer_id)
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
        .limit(limit + 1)
    ).all()
    truncated = len(ticket_values) > limit
    tickets = [_ticket_row(v, as_of) for v in reversed(ticket_values[:limit])]
    ticket_ids = [t.id for t in tickets]
    # Two lookups, each on its own index; one OR query can lead SQLite to walk every survey.
    found: dict[str, Any] = {}
    for theirs in (col(Survey.customer_id) == customer_id, col(Survey.ticket_id).in_(ticket_ids)):
        for values in session.exec(
            select(*_SURVEY_COLUMNS)
            .where(theirs)
            .order_by(col(Survey.submitted_at).desc(), col(Survey.id).desc())
            .limit(limit + 1)
        ):
            found[values[0]] = values
    newest_first = sorted(found.values(), key=lambda v: (v[1], v[0]), reverse=True)
    truncated = truncated or len(newest_first) > limit
    surveys = [_survey_row(v) for v in reversed(newest_first[:limit])]

    events = [
        JourneyEvent(
            at=t.created_at,
            kind="ticket_created",
            ticket_id=t.id,
            survey=None,
            status=None,
            text=_opened_text(t),
        )
        for t in tickets
    ]
    for ticket_id, timeline in _timelines(session, ticket_ids).items():
        events += [
            JourneyEvent(
                at=at,
                kind="status",
                ticket_id=ticket_id,
                survey=None,
                status=status,
                text=f"{ticket_id} is now {status}",
            )
            for at, status in timeline
        ]
    events += [
        JourneyEvent(
            at=s.submitted_at,
            kind="survey",
            ticket_id=s.ticket_id,
            survey=s,
            status=None,
            text=_survey_text(s),
        )
        for s in surveys
    ]
    events.sort(key=lambda e: (e.at, _EVENT_ORDER[e.kind], e.ticket_id or "", e.text))
    return Journey(
        customer_id=customer_id,
        tickets=tickets,
        surveys=surveys,
        events=events,
        nps_over_time=[(s.submitted_at, s.score) for s in surveys if s.kind == "nps"],
        csat_over_time=[(s.submitted_at, s.score) for s in surveys if s.kind == "csat"],
        truncated=truncated,
        as_of=as_of,
    )


# --- the latest data --------------------------------------------------------------------


def latest_activity(session: Session) -> int | None:
    """The newest moment anything happened in the data: a ticket created, updated or
    resolved, or a survey submitted; None for an empty database.

    The app opens as of this moment when the window up to now holds nothing (an old export,
    the bundled sample), so a first look shows the data instead of an empty screen. Four
    single-column MAX queries, so SQLite answers the indexed ones from an index.
    """
    moments = [
        session.exec(select(func.max(column))).one()
        for column in (
            Ticket.created_at,
            Ticket.updated_at,
            Ticket.resolved_at,
            Survey.submitted_at,
        )
    ]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


# --- quarantine and filter choices -------------------------------------------------------


def _quarantine_search(search: str) -> list[ColumnElement[bool]]:
    return _search(search, (QuarantinedRow.file, QuarantinedRow.reason, QuarantinedRow.raw))


def count_quarantine(session: Session, search: str = "") -> int:
    """How many rows quarantine_page lists; search looks in the file, reason and raw text."""
    statement = select(func.count()).select_from(QuarantinedRow).where(*_quarantine_search(search))
    return session.exec(statement).one()


def _quarantine_order(sort: str, descending: bool) -> list[Any]:
    """ORDER BY for a column of QUARANTINE_SORT_COLUMNS (empty: the order found)."""
    found = col(QuarantinedRow.id)
    if not sort:
        return _ordered([], [found], descending)
    if sort not in QUARANTINE_SORT_COLUMNS:
        raise ValueError(f"unknown sort {sort!r} for quarantine; choose {QUARANTINE_SORT_COLUMNS}")
    line = col(QuarantinedRow.line)
    keys: list[Any] = {
        "file": [col(QuarantinedRow.file), line],
        "line": [line],
        "reason": [col(QuarantinedRow.reason).collate("NOCASE")],
        "raw": [col(QuarantinedRow.raw).collate("NOCASE")],
    }[sort]
    return [*_ordered([], keys, descending), found.asc()]


def quarantine_page(
    session: Session,
    offset: int,
    limit: int,
    search: str = "",
    sort: str = "",
    descending: bool = False,
) -> list[QuarantineRow]:
    """Quarantined rows, by default in the order they were found, so pages hold still as new
    ones arrive; `sort` names one of QUARANTINE_SORT_COLUMNS, ties in the order found."""
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    rows = session.exec(
        select(
            QuarantinedRow.id,
            QuarantinedRow.file,
            QuarantinedRow.line,
            QuarantinedRow.reason,
            QuarantinedRow.raw,
            QuarantinedRow.seen_at,
        )
        .where(*_quarantine_search(search))
        .order_by(*_quarantine_order(sort, descending))
        .offset(offset)
        .limit(limit)
    ).all()
    return [QuarantineRow(*values) for values in rows]


def filter_choices(session: Session) -> dict[str, list[str]]:
    """Every distinct non-empty channel, queue, agent and priority, for the filter dialog.

    Priorities run low to urgent; the other lists are alphabetical.
    """
    choices: dict[str, list[str]] = {}
    for name, column in (
        ("channel", Ticket.channel),
        ("queue", Ticket.queue),
        ("agent", Ticket.agent),
        ("priority", Ticket.priority),
    ):
        values = session.exec(
            select(column).distinct().where(col(column).is_not(None), col(column) != "")
        ).all()
        choices[name] = sorted(values)
    rank = {name: i for i, name in enumerate(PRIORITIES)}
    choices["priority"].sort(key=lambda p: (rank.get(p, len(rank)), p))
    return choices
