"""Event logs: status changes and comments that a helpdesk keeps apart from its tickets.

Zendesk's `ticket_field_history` and `ticket_comment` tables, Freshdesk's activities: a
ticket row there says little about how the ticket went, and its event log says it all. A
mapping of kind `events` (docs/formats.md) turns each row into one `ticket_event`, kept once
however often its file is read. After every write the tickets it touched are worked out again
from *all* their events, never from what was stored before, so the result is the same
whichever file, and whichever part of a file, arrives first:

- the status history: each status change is also a `status_change`, which the ticket's
  timeline and the queue's history show beside the ticket rows' own snapshots;
- `status`: the latest status in that history;
- `resolved_at`: when the ticket was resolved the last time, i.e. the first solved or closed
  after its last reopen (Zendesk's `solved_at`; solved then closed stays at the solve). The
  first resolution ever would make a reopened ticket look resolved quickly;
- `reopens`: the times the history goes from solved or closed back to an open status;
- `first_response_at`: the first public comment by someone other than the requester.

Events of a ticket not loaded yet wait in the table and apply when its row arrives.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from cxtui.ingest.normalise import RowError, clean_text, ticket_status
from cxtui.ingest.store_sql import ADD_STATUS_CHANGE, ADD_TICKET_EVENT
from cxtui.models import OPEN_STATUSES, RESOLVED_STATUSES, TICKET_STATUSES

STATUS, COMMENT = "status", "comment"
PUBLIC, PRIVATE = "public", "private"
STATUS_FIELD = "status"
"""The field name of a field-history row that changes the status; other fields are left."""
PUBLIC_WORDS = frozenset({"true", "t", "yes", "y", "1", PUBLIC})
PRIVATE_WORDS = frozenset({"false", "f", "no", "n", "0", PRIVATE, "internal", "note"})
_LIFECYCLE = {status: i for i, status in enumerate(TICKET_STATUSES)}
"""Changes at the same second are read in lifecycle order, as the timeline shows them."""


def event_row(record: Mapping[str, object], file: str, line: int) -> tuple[object, ...] | None:
    """One mapped event row as a `ticket_event` tuple; None for a field-history row about
    another field than the status. Raises RowError for a row that cannot be trusted.

    A row is a status change when it has a status (or, in a field history, names the status
    field); otherwise it is a comment, which a mapping must say by mapping author or public."""
    ticket_id = clean_text(record.get("ticket_id"))
    if ticket_id is None:
        raise RowError("missing required field ticket_id")
    at = record.get("at")
    if at is None:
        raise RowError("missing required field at")
    if "field" in record:
        name = clean_text(record.get("field"))
        if name is None or name.lower() != STATUS_FIELD:
            return None
        status = ticket_status(record.get("value"))
        if status is None:
            raise RowError("a status change with no status in value")
        return (ticket_id, at, STATUS, status, "", file, line)
    status = ticket_status(record.get("status"))
    if status is not None:
        return (ticket_id, at, STATUS, status, "", file, line)
    if "author" not in record and "public" not in record:
        raise RowError("missing status (map author or public to read comments)")
    author = clean_text(record.get("author")) or ""
    visibility = PUBLIC if _is_public(record.get("public")) else PRIVATE
    return (ticket_id, at, COMMENT, visibility, author, file, line)


def _is_public(value: object) -> bool:
    """A comment is public unless its row says otherwise (docs/formats.md lists the words)."""
    if isinstance(value, bool):
        return value
    text = clean_text(value)
    if text is None:
        return True
    word = text.lower()
    if word in PUBLIC_WORDS:
        return True
    if word in PRIVATE_WORDS:
        return False
    raise RowError(f"public must be true or false, not {text[:40]!r}")


def write(
    db: sqlite3.Connection,
    events: Sequence[tuple[object, ...]],
    tickets: Sequence[tuple[object, ...]],
) -> None:
    """Store new events (each once) and their status changes, then work out again every
    ticket they or the ticket rows just written touch. Call in the write transaction, with
    the tally triggers in place: a changed ticket lists its hours for rebuilding."""
    if events:
        db.executemany(ADD_TICKET_EVENT.sql, events)
        changes = [(e[0], e[1], e[3]) for e in events if e[2] == STATUS]
        db.executemany(ADD_STATUS_CHANGE.sql, changes)
    if not events and not db.execute("SELECT EXISTS (SELECT 1 FROM ticket_event)").fetchone()[0]:
        return
    rederive(db, {str(e[0]) for e in events} | {str(t[0]) for t in tickets})


@dataclass(frozen=True)
class Derived:
    """What a ticket's events say about it; None where they say nothing."""

    status: str | None = None
    resolved_at: int | None = None
    reopens: int | None = None
    first_response_at: int | None = None
    has_statuses: bool = False


def _in_lifecycle_order(change: tuple[int, str]) -> tuple[int, int, str]:
    at, status = change
    return at, _LIFECYCLE.get(status, len(_LIFECYCLE)), status


def derive(
    changes: Iterable[tuple[int, str]],
    comments: Iterable[tuple[int, str, str]],
    requester: str | None,
) -> Derived:
    """A ticket's status, resolution, reopens and first response from its status history
    (events and snapshots, as (at, status)) and comments ((at, public or private, author)).

    With no requester known, no comment counts as a response: the first comment of a
    ticket is usually the requester's own message."""
    history: list[tuple[int, str]] = []
    for at, status in sorted(set(changes), key=_in_lifecycle_order):
        if not history or history[-1][1] != status:
            history.append((at, status))
    responses = [
        at
        for at, visibility, author in comments
        if visibility == PUBLIC and author and requester is not None and author != requester
    ]
    first_response = min(responses) if responses else None
    if not history:
        return Derived(first_response_at=first_response)
    reopens = sum(
        before in RESOLVED_STATUSES and after in OPEN_STATUSES
        for (_, before), (_, after) in pairwise(history)
    )
    resolved_at = None
    for at, status in reversed(history):
        if status not in RESOLVED_STATUSES:
            break
        resolved_at = at
    return Derived(history[-1][1], resolved_at, reopens, first_response, has_statuses=True)


def rederive(db: sqlite3.Connection, ticket_ids: Iterable[str]) -> int:
    """Work out again the tickets (of these ids) that are loaded and have events, and
    store what changed; how many tickets changed."""
    ids = json.dumps(sorted(ticket_ids))
    tickets = db.execute(
        "SELECT id, customer_id, status, resolved_at, reopens, first_response_at FROM ticket "
        "WHERE id IN (SELECT value FROM json_each(?)) "
        "AND EXISTS (SELECT 1 FROM ticket_event e WHERE e.ticket_id = ticket.id)",
        (ids,),
    ).fetchall()
    if not tickets:
        return 0
    found = json.dumps([t[0] for t in tickets])
    statuses: dict[str, list[tuple[int, str]]] = defaultdict(list)
    comments: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    has_status_events: set[str] = set()
    for ticket_id, at, event, value, author in db.execute(
        "SELECT ticket_id, at, event, value, author FROM ticket_event "
        "WHERE ticket_id IN (SELECT value FROM json_each(?))",
        (found,),
    ):
        if event == STATUS:
            has_status_events.add(ticket_id)
        else:
            comments[ticket_id].append((at, value, author))
    for ticket_id, at, status in db.execute(
        "SELECT ticket_id, at, status FROM status_change "
        "WHERE ticket_id IN (SELECT value FROM json_each(?))",
        (found,),
    ):
        statuses[ticket_id].append((at, status))
    updates = []
    for ticket_id, requester, *stored in tickets:
        changes = statuses[ticket_id] if ticket_id in has_status_events else []
        derived = derive(changes, comments[ticket_id], requester)
        status, resolved_at, reopens, first_response_at = stored
        if derived.has_statuses:
            status, resolved_at, reopens = derived.status, derived.resolved_at, derived.reopens
        if derived.first_response_at is not None:
            first_response_at = derived.first_response_at
        values = [status, resolved_at, reopens, first_response_at]
        if values != stored:
            updates.append((*values, ticket_id))
    db.executemany(
        "UPDATE ticket SET status = ?, resolved_at = ?, reopens = ?, first_response_at = ? "
        "WHERE id = ?",
        updates,
    )
    return len(updates)


def waiting_for_ticket(db: sqlite3.Connection) -> int:
    """Events whose ticket is not loaded (yet): they apply when its row arrives."""
    found: int = db.execute(
        "SELECT count(*) FROM ticket_event e "
        "WHERE NOT EXISTS (SELECT 1 FROM ticket t WHERE t.id = e.ticket_id)"
    ).fetchone()[0]
    return found


def waiting_by_file(db: sqlite3.Connection) -> dict[str, tuple[int, list[str]]]:
    """For each event log, how many of its events wait for their ticket, and those tickets
    (in id order)."""
    found: dict[str, tuple[int, list[str]]] = {}
    for file, count, ticket_ids in db.execute(
        "SELECT source_file, count(*), json_group_array(DISTINCT ticket_id) FROM "
        "(SELECT * FROM ticket_event e WHERE NOT EXISTS "
        "(SELECT 1 FROM ticket t WHERE t.id = e.ticket_id) ORDER BY ticket_id) "
        "GROUP BY source_file"
    ):
        found[file] = (count, json.loads(ticket_ids))
    return found
