"""Exports of one row per message (social-media support, chat transcripts, e-mail threads)
turned into tickets: one ticket per conversation.

Each message is stored once (table `message`); the tickets are derived from them, and the
tickets of every conversation a batch of messages touches are derived again from all its
stored messages. So the tickets depend only on which messages are stored, never on the
order in which they arrived: a reply met before the message it answers, or appended to the
file a day later, updates the ticket as if it had been there from the start.

A conversation is named by the export's conversation id or, when messages only name the
message they answer, by the first message of their thread: its root. Every stored message
keeps the furthest ancestor known so far as its conversation; a message whose parent has
not arrived keeps the parent's id, and when that parent arrives its replies move on to the
parent's own conversation.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from itertools import groupby

import orjson

from cxtui.ingest.normalise import MAX_TEXT, RowError, parse_time

MESSAGE_COLUMNS = (
    "id",
    "created_at",
    "inbound",
    "conversation_id",
    "reply_to",
    "author",
    "text",
    "channel",
    "queue",
)
"""The fields a `kind = "messages"` mapping maps (under [mapping.message])."""
MESSAGE_ROW = (
    "id",
    "conversation",
    "reply_to",
    "created_at",
    "inbound",
    "author",
    "text",
    "channel",
    "queue",
    "source_file",
    "source_line",
)
INBOUND_WORDS = frozenset({"true", "1", "yes", "y", "inbound", "in", "incoming", "customer"})
OUTBOUND_WORDS = frozenset({"false", "0", "no", "n", "outbound", "out", "outgoing", "agent"})

_UPSERT = (
    f"INSERT INTO message ({', '.join(MESSAGE_ROW)}) VALUES ({', '.join('?' * len(MESSAGE_ROW))}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in MESSAGE_ROW if c != "id")
)
_IDS = "SELECT value FROM json_each(?)"


@dataclass
class Derived:
    """The tickets a batch of messages rebuilt, as the loader writes them."""

    tickets: list[tuple[object, ...]] = field(default_factory=list)
    changes: list[tuple[object, ...]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    """Ticket ids of conversations that no longer exist (merged into another) or no longer
    have a customer message."""
    rebuilt: list[str] = field(default_factory=list)
    """Ticket ids whose status history `changes` holds whole: their stored history goes."""


def message_row(
    fields: Mapping[str, object], naive_zone: tzinfo, path: str, line: int
) -> tuple[object, ...]:
    """One validated message in MESSAGE_ROW order, its conversation still unresolved (the
    export's conversation id, or None); raises RowError naming the problem."""
    message_id = _text(fields.get("id"))
    if message_id is None:
        raise RowError("missing required field id")
    created_at = parse_time(fields.get("created_at"), naive_zone, "created_at")
    if created_at is None:
        raise RowError("missing required field created_at")
    inbound = _inbound(fields.get("inbound"))
    reply_to = _text(fields.get("reply_to"))
    if reply_to == message_id:
        reply_to = None
    channel = _text(fields.get("channel"))
    return (
        message_id,
        _text(fields.get("conversation_id")),
        reply_to,
        created_at,
        inbound,
        _text(fields.get("author")),
        # Only a customer's text can become a subject: the team's replies are not kept.
        _text(fields.get("text")) if inbound else None,
        None if channel is None else channel.lower(),
        _text(fields.get("queue")),
        path,
        line,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id a spreadsheet or JSON wrote as 12.0
    text = str(value).strip()
    return text[:MAX_TEXT] if text else None


def _inbound(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = "" if value is None else str(value).strip().lower()
    if word in INBOUND_WORDS:
        return True
    if word in OUTBOUND_WORDS:
        return False
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
    raise RowError(f"inbound must say customer (true) or team (false), not {shown}")


def store(db: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> Derived:
    """Store a batch of messages (inside the caller's transaction) and derive the tickets
    of every conversation it touched."""
    batch = {row[0]: row for row in rows}  # a message met twice: its later row wins
    parents = {
        row[2] for row in batch.values() if row[1] is None and row[2] and row[2] not in batch
    }
    known = dict(_lookup(db, parents))
    before = dict(_lookup(db, batch))
    resolved: dict[object, object] = {}
    for message_id in batch:
        _resolve(message_id, batch, known, resolved)
    joined = [message_id for message_id, root in resolved.items() if root != message_id]
    waiting = {c for (c,) in _select(db, "SELECT DISTINCT conversation FROM message", joined)}
    db.executemany(_UPSERT, [(row[0], resolved[row[0]], *row[2:]) for row in batch.values()])
    db.executemany(
        "UPDATE message SET conversation = ? WHERE conversation = ?",
        [(resolved[message_id], message_id) for message_id in sorted(waiting)],
    )
    touched = {*resolved.values(), *before.values(), *waiting}
    return _derive(db, touched)


def _lookup(db: sqlite3.Connection, ids: Iterable[object]) -> list[tuple[object, object]]:
    """(id, conversation) of the stored messages among these ids."""
    return _select(db, "SELECT id, conversation FROM message", ids, column="id")


def _select(
    db: sqlite3.Connection, query: str, ids: Iterable[object], *, column: str = "conversation"
) -> list[tuple[object, ...]]:
    """A query's rows whose `column` is one of these ids (one indexed lookup each)."""
    listed = list(ids)
    if not listed:
        return []
    return db.execute(f"{query} WHERE {column} IN ({_IDS})", (json.dumps(listed),)).fetchall()


def _resolve(
    message_id: object,
    batch: dict[object, tuple[object, ...]],
    known: dict[object, object],
    resolved: dict[object, object],
) -> object:
    """A message's conversation: its own conversation id, else the furthest ancestor known
    (the root, or the first missing message up its thread). A stored parent's conversation
    may be a message of this batch, which is followed on up."""
    path: list[object] = []
    current = message_id
    while True:
        if current in resolved:
            root = resolved[current]
            break
        if current in path:  # replies in a loop: the conversation is named where it closed
            root = current
            break
        row = batch.get(current)
        if row is None:
            up = known.get(current, current)
            if up != current and up in batch:
                path.append(current)
                current = up
                continue
            root = up
            break
        if row[1] is not None:
            root = row[1]
            break
        if row[2] is None:
            root = current
            break
        path.append(current)
        current = row[2]
    for step in path:
        if step in batch:
            resolved[step] = root
    resolved.setdefault(message_id, root)
    return root


def _derive(db: sqlite3.Connection, conversations: set[object]) -> Derived:
    derived = Derived()
    query = (
        "SELECT conversation, id, created_at, inbound, author, text, channel, queue, "
        f"source_file, source_line FROM message WHERE conversation IN ({_IDS}) "
        "ORDER BY conversation, created_at, id"
    )
    found = db.execute(query, (json.dumps(sorted(map(str, conversations))),)).fetchall()
    made = set()
    for conversation, messages in groupby(found, key=lambda row: row[0]):
        messages = list(messages)
        ticket = conversation_ticket(str(conversation), messages)
        if ticket is not None:
            derived.tickets.append(ticket)
            derived.changes.extend(
                (ticket[0], when, status) for when, status in conversation_history(messages)
            )
            derived.rebuilt.append(ticket[0])
            made.add(conversation)
    derived.gone = sorted(str(c) for c in conversations if c not in made)
    return derived


def conversation_history(messages: Sequence[tuple[object, ...]]) -> list[tuple[object, str]]:
    """The status the conversation's ticket had after each of its messages, changes only:
    the rule of conversation_ticket applied to every prefix of the thread, so the timeline
    and time travel show what the screen said at each moment (new until the team answers,
    solved while the team had the last word, open when the customer wrote again)."""
    start = next((i for i, m in enumerate(messages) if m[3]), None)
    if start is None:
        return []
    history: list[tuple[object, str]] = []
    answered = False
    for message in messages[start:]:
        answered = answered or not message[3]
        status = "solved" if not message[3] else "open" if answered else "new"
        if not history or history[-1][1] != status:
            history.append((message[2], status))
    return history


def conversation_ticket(
    conversation: str, messages: Sequence[tuple[object, ...]]
) -> tuple[object, ...] | None:
    """The ticket of one conversation, from its messages in time order (rows of conversation,
    id, created_at, inbound, author, text, channel, queue, source file and line); None
    without a customer message. The ticket row is in the loader's order (store_sql.py).

    It is created at the first customer message; its first response is the first team
    reply from then on, its agent the author of that reply, and its replies the team's
    messages from then on. It is solved, at the last message, when the team had the last
    word (a guess: a thread has no status, and a customer who got an answer and said
    nothing more is taken as helped); open when the customer spoke last after a reply;
    new when nobody on the team has answered yet."""
    start = next((i for i, m in enumerate(messages) if m[3]), None)
    if start is None:
        return None
    first = messages[start]
    replies = [m for m in messages[start:] if not m[3]]
    last = messages[-1]
    if not replies:
        status = "new"
    elif last[3]:
        status = "open"
    else:
        status = "solved"
    updated_at = last[2]
    extra = orjson.dumps({"messages": len(messages)}).decode()
    return (
        conversation,
        first[2],
        updated_at,
        status,
        None,
        first[6],
        first[7],
        replies[0][4] if replies else None,
        first[4],
        first[5],
        replies[0][2] if replies else None,
        updated_at if status == "solved" else None,
        None,
        len(replies),
        None,
        None,
        None,
        updated_at,
        extra,
        first[8],
        first[9],
    )
