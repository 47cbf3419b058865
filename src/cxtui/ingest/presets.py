"""Built-in mappings for the exports supervisors actually have, and how a file finds its own.

Each preset is an ordinary mapping (mapping.py) plus the columns that give its export away.
Which rules read a file is decided once, from its CSV header or first JSON object:

1. a `[[mapping]]` in cxtui.toml whose `files` pattern matches the file's path;
2. a preset whose tell-tale columns are all there (Zendesk, a connector's Zendesk tables
   with their field history and comments, Freshdesk/Freshservice, Delighted, Chatwoot,
   Twitter support threads);
3. the native format (docs/formats.md), when the file is recognised as tickets or surveys
   (by its name, or by columns only that kind has) and its required columns are there;
4. the generic survey preset: any file with a score column and a date column;
5. otherwise the file is skipped with one message naming the column it lacks, or saying it
   is not recognised as tickets or surveys: a users.csv from the same helpdesk export also
   has `id` and `created_at`, and read as tickets it would double the created count.

docs/formats.md lists every preset's columns and the decisions behind each mapping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from fnmatch import fnmatchcase

import orjson

from cxtui.ingest.mapping import (
    ExportMapping,
    FilePlan,
    MappingError,
    bind,
    check_mapping,
    merged,
    parse_mapping,
)
from cxtui.ingest.readers import Record

NATIVE_KINDS = ("tickets", "surveys")
NATIVE_REQUIRED = {
    "tickets": ("id", "created_at"),
    "surveys": ("id", "submitted_at", "kind", "score"),
}
UNKNOWN_KIND = (
    "not recognised as tickets or surveys by its name or columns (tickets have e.g. status, "
    "priority or resolved_at; surveys a score); to leave it unread, add it to ignore in "
    "cxtui.toml"
)
TICKET_EVIDENCE = frozenset(
    {
        "status",
        "priority",
        "channel",
        "queue",
        "subject",
        "first_response_at",
        "resolved_at",
        "first_response_due_at",
        "resolution_due_at",
        "reopens",
        "agent_replies",
        "handle_seconds",
    }
)
"""Native ticket columns that a list of users, organisations or agents does not have."""
SURVEY_EVIDENCE = frozenset({"score", "rating", "nps"})
GENERIC_SURVEY = "generic-survey"
SOCIAL = {"twitter": "social", "facebook": "social", "instagram": "social"}
# Zendesk's channel names (its export's via.channel, a connector's via_channel) in cxtui's.
ZENDESK_CHANNELS = {"voice": "phone", "native_messaging": "chat", "instagram_dm": "social"} | SOCIAL

_PRESET_TABLES: dict[str, dict[str, object]] = {
    "zendesk-tickets": {
        "ticket": {
            "id": "id",
            "created_at": "created_at",
            "updated_at": "updated_at",
            # Zendesk's incremental export lists deleted tickets with status "deleted"; closing
            # them takes them out of the open queue, where nobody will ever work them.
            "status": {"column": "status", "values": {"deleted": "closed"}},
            "priority": "priority",
            "channel": {
                "column": "via.channel",
                "values": ZENDESK_CHANNELS,
            },
            "queue": "group_id",
            "agent": "assignee_id",
            "customer_id": "requester_id",
            "subject": "subject",
            "first_response_at": {
                "from": "created_at",
                "add": "metric_set.reply_time_in_minutes.calendar",
                "unit": "minutes",
            },
            "resolved_at": [
                "metric_set.solved_at",
                {
                    "from": "created_at",
                    "add": "metric_set.full_resolution_time_in_minutes.calendar",
                    "unit": "minutes",
                },
            ],
            "reopens": "metric_set.reopens",
            "agent_replies": "metric_set.replies",
        }
    },
    # A helpdesk connector's copy of Zendesk (one table a file): the ticket table says little
    # of how a ticket went, its field history and comments say it (ticket_events.py).
    "zendesk-ticket-table": {
        "ticket": {
            "id": "id",
            "created_at": "created_at",
            "updated_at": "updated_at",
            "status": {"column": "status", "values": {"deleted": "closed"}},
            "priority": "priority",
            "channel": {
                "column": "via_channel",
                "values": ZENDESK_CHANNELS,
            },
            "queue": "group_id",
            "agent": "assignee_id",
            "customer_id": "requester_id",
            "subject": "subject",
        }
    },
    "zendesk-field-history": {
        "kind": "events",
        "event": {
            "ticket_id": "ticket_id",
            "at": "updated",
            "field": "field_name",
            "value": {"column": "value", "values": {"deleted": "closed"}},
        },
    },
    "zendesk-comments": {
        "kind": "events",
        "event": {
            "ticket_id": "ticket_id",
            "at": "created",
            "author": "user_id",
            "public": "public",
        },
    },
    "zendesk-satisfaction": {
        # A rating offered (or not) but never given is not a response.
        "skip": {"score": ["offered", "unoffered"]},
        "survey": {
            "id": "id",
            "submitted_at": "created_at",
            "kind": {"value": "csat"},
            # Good is satisfied, bad is not: on the 1-5 CSAT scale that is 5 and 1, so the CSAT
            # percentage equals Zendesk's own satisfaction score (good / (good + bad)).
            "score": {
                "column": "score",
                "values": {"good": 5, "good_with_comment": 5, "bad": 1, "bad_with_comment": 1},
            },
            "ticket_id": "ticket_id",
            "customer_id": "requester_id",
            "comment": "comment",
        },
    },
    "freshdesk": {
        "ticket": {
            "id": "Ticket ID",
            "subject": "Subject",
            "status": {
                "column": "Status",
                "values": {"waiting on third party": "pending", "waiting on customer": "pending"},
            },
            "priority": "Priority",
            "channel": {
                "column": "Source",
                "values": {"portal": "web", "feedback widget": "web", "outbound email": "email"}
                | SOCIAL,
            },
            "queue": "Group",
            "agent": "Agent",
            "customer_id": ["Contact ID", "Requester Email", "Email"],
            "created_at": ["Created time", "Created date"],
            "updated_at": ["Last update time", "Last updated time", "Last updated date"],
            "first_response_at": "Initial response time",
            "resolved_at": ["Resolved time", "Resolved date", "Closed time", "Closed date"],
            "resolution_due_at": ["Due by time", "Due by date"],
            "agent_replies": "Agent interactions",
            "handle_seconds": "Time tracked",
        }
    },
    "delighted": {
        "survey": {
            "id": "id",
            "submitted_at": "created_at",
            "kind": {
                "column": "survey_type",
                "values": {"enps": "nps", "smileys": "csat", "five_star": "csat"},
            },
            "score": "score",
            "ticket_id": ["person_properties.ticket_id", "person_properties.Ticket ID"],
            "customer_id": ["person.id", "person"],
            "comment": "comment",
        }
    },
    "chatwoot-csat": {
        # The download ends with one "Reporting period … to …" line, which is not a response.
        "skip": {"Agent Name": ["reporting period *"]},
        "survey": {
            "id": [
                {
                    "column": "Link to the conversation",
                    "pattern": r"/conversations/(\d+)",
                    "prefix": "chatwoot-",
                },
                {"row": True},
            ],
            "submitted_at": "Recorded date",
            "kind": {"value": "csat"},
            "score": "Rating",
            "ticket_id": {"column": "Link to the conversation", "pattern": r"/conversations/(\d+)"},
            "customer_id": ["Contact Email Address", "Contact Phone Number"],
            "comment": "Feedback Comment",
        },
    },
    "twitter-support": {
        # The Customer Support on Twitter corpus: one tweet a row, replies linked by
        # in_response_to_tweet_id; a thread is a conversation (ingest/messages.py).
        "kind": "messages",
        "time_format": "%a %b %d %H:%M:%S %z %Y",
        "message": {
            # Ids read by pandas and written again end in ".0"; the digits are the id.
            "id": {"column": "tweet_id", "pattern": r"^\s*(\d+)"},
            "created_at": "created_at",
            "inbound": "inbound",
            "reply_to": {"column": "in_response_to_tweet_id", "pattern": r"^\s*(\d+)"},
            "author": "author_id",
            "text": "text",
            "channel": {"value": "social"},
        },
    },
}


@dataclass(frozen=True)
class Preset:
    """A built-in mapping and the columns (lower-case) that identify its export."""

    mapping: ExportMapping
    needs: frozenset[str]

    def fits(self, columns: set[str]) -> bool:
        return self.needs <= columns


def _preset(name: str, needs: set[str]) -> Preset:
    mapping = parse_mapping(_PRESET_TABLES[name], name=name, origin="preset")
    check_mapping(mapping)
    return Preset(mapping, frozenset(needs))


PRESETS: tuple[Preset, ...] = (
    _preset("zendesk-tickets", {"id", "created_at", "status", "requester_id", "via"}),
    _preset("zendesk-satisfaction", {"id", "ticket_id", "requester_id", "score", "created_at"}),
    _preset("zendesk-ticket-table", {"id", "created_at", "status", "requester_id", "via_channel"}),
    _preset("zendesk-field-history", {"ticket_id", "field_name", "updated", "value"}),
    _preset("zendesk-comments", {"ticket_id", "created", "public", "user_id"}),
    _preset("freshdesk", {"ticket id", "status", "priority", "source"}),
    _preset("delighted", {"id", "person", "survey_type", "score", "created_at"}),
    _preset("chatwoot-csat", {"agent name", "rating", "recorded date"}),
    _preset("twitter-support", {"tweet_id", "author_id", "inbound", "in_response_to_tweet_id"}),
)


@dataclass(frozen=True)
class Choice:
    """Which rules read a file. `key` is stored as the file's kind; None when the file cannot
    be loaded, and then `problem` says why in one line naming the column it needs."""

    key: str | None
    label: str
    plan: FilePlan | None = None
    problem: str | None = None


def ignored(path: str, patterns: Sequence[str]) -> bool:
    """Whether a file (path relative to the data folder) matches one of the config's ignore
    patterns: the whole path or the file name alone, case-insensitively, as `files` in a
    [[mapping]] matches."""
    lowered = path.lower()
    name = lowered.rsplit("/", 1)[-1]
    return any(
        fnmatchcase(lowered, pattern.lower()) or fnmatchcase(name, pattern.lower())
        for pattern in patterns
    )


def config_mapping_for(path: str, mappings: Sequence[ExportMapping]) -> ExportMapping | None:
    """The first `[[mapping]]` whose files pattern matches the file."""
    return next((m for m in mappings if m.matches(path)), None)


def choose(
    path: str,
    columns: Sequence[object],
    mappings: Sequence[ExportMapping],
    zone: tzinfo,
    *,
    named_kind: str | None = None,
    header: bool = True,
) -> Choice:
    """The rules for one file, from its path and columns (see the module docstring).

    `header` is True when the columns are a CSV header, fixed for every row; for JSON they are
    the first object's keys, and a native file whose first object lacks a required key still
    loads row by row as before."""
    name = path.rsplit("/", 1)[-1]
    configured = config_mapping_for(path, mappings)
    if configured is not None:
        return _bound(configured, columns, path, zone)
    lowered = {str(c).strip().lower() for c in columns}
    for preset in PRESETS:
        if preset.fits(lowered):
            return _bound(preset.mapping, columns, path, zone)
    native = named_kind or recognise(name, lowered)
    lacking = [c for c in NATIVE_REQUIRED.get(native or "", ()) if c not in lowered]
    if native is not None and not lacking:
        return Choice(native, f"native {native}")
    generic = generic_survey(columns, name)
    if generic is not None:
        chosen = _bound(generic, columns, path, zone)
        if chosen.key is not None or native is None or header:
            return chosen
    if native is not None and not header:
        return Choice(native, f"native {native}")
    if native is not None:
        wanted = " and ".join(repr(c) for c in lacking)
        return Choice(
            None,
            f"native {native}",
            problem=f"no {wanted} column for {native} (name the columns as in docs/formats.md, "
            "or map them with a [[mapping]] in cxtui.toml)",
        )
    return Choice(None, "not recognised", problem=UNKNOWN_KIND)


def recognise(name: str, columns: set[str]) -> str | None:
    """'tickets' or 'surveys' from the file name, else from the (lower-case) columns only
    that kind has; None when neither tells. `id` and `created_at` alone say nothing: every
    user, organisation and agent list in a helpdesk export has them too."""
    lowered = name.lower()
    if lowered.startswith("ticket"):
        return "tickets"
    if lowered.startswith("survey") or "submitted_at" in columns:
        return "surveys"
    if columns & TICKET_EVIDENCE:
        return "tickets"
    if columns & SURVEY_EVIDENCE:
        return "surveys"
    return None


def json_columns(records: Sequence[Record]) -> list[str]:
    """The keys of every object of a JSON document, in order of first appearance: objects
    may leave out empty keys, so the first one alone can lack a column later ones have."""
    seen: dict[str, None] = {}
    for record in records:
        if record.fields is not None:
            seen.update(dict.fromkeys(record.fields))
    return list(seen)


def _bound(mapping: ExportMapping, columns: Sequence[object], path: str, zone: tzinfo) -> Choice:
    plan = bind(mapping, columns, path, zone)
    if plan.missing:
        return Choice(None, mapping.label, plan, f"{mapping.label}: {'; '.join(plan.missing)}")
    return Choice(mapping.key, mapping.label, plan)


def plan_for(
    key: str, path: str, columns: Sequence[object], mappings: Sequence[ExportMapping], zone: tzinfo
) -> FilePlan | None:
    """The plan behind a stored kind (after a restart); None for native files, or when the
    mapping that read the file is no longer in the config."""
    if key.startswith("mapping:"):
        found = next((m for m in mappings if m.key == key), None)
        return None if found is None else bind(found, columns, path, zone)
    if not key.startswith("preset:"):
        return None
    name = key.split(":", 1)[1]
    if name == GENERIC_SURVEY:
        generic = generic_survey(columns, path.rsplit("/", 1)[-1])
        return None if generic is None else bind(generic, columns, path, zone)
    preset = next((p for p in PRESETS if p.mapping.name == name), None)
    return None if preset is None else bind(preset.mapping, columns, path, zone)


def same_rules(path: str, stored: str | None, mappings: Sequence[ExportMapping]) -> bool:
    """Whether a file read before is still read by the same rules: a `[[mapping]]` added,
    edited or removed for it means reading it again from the start."""
    if stored is None:
        return True
    configured = config_mapping_for(path, mappings)
    if stored.startswith("mapping:"):
        return configured is not None and configured.key == stored
    return configured is None


# --- JSON documents with more than one array ------------------------------------------------


def expand_document(
    data: bytes, records: list[Record], named_kind: str | None
) -> tuple[list[Record], str | None]:
    """Zendesk's API pages: a `satisfaction_ratings` page is a list of survey responses, and a
    ticket page may side-load `metric_sets` (matched to tickets by ticket_id), which then read
    as each ticket's `metric_set`."""
    if named_kind is None and len(records) == 1 and records[0].fields is not None:
        ratings = records[0].fields.get("satisfaction_ratings")
        if isinstance(ratings, list):
            return [_item(number, item) for number, item in enumerate(ratings, 1)], "surveys"
    if named_kind == "tickets" and b'"metric_sets"' in data:
        document = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
        metric_sets = document.get("metric_sets") if isinstance(document, dict) else None
        if isinstance(metric_sets, list):
            by_ticket = {
                str(m.get("ticket_id")): m
                for m in metric_sets
                if isinstance(m, dict) and m.get("ticket_id") is not None
            }
            for record in records:
                if record.fields is not None and "metric_set" not in record.fields:
                    found = by_ticket.get(str(record.fields.get("id")))
                    if found is not None:
                        record.fields["metric_set"] = found
    return records, named_kind


def _item(number: int, item: object) -> Record:
    if isinstance(item, dict):
        return Record(number, item, b"")
    reason = f"item {number} is not a JSON object (a {type(item).__name__})"
    return Record(number, None, orjson.dumps(item), reason)


# --- the generic survey preset -----------------------------------------------------------------

_SCORE_NAMES = (
    "score",
    "nps",
    "nps score",
    "csat",
    "csat score",
    "ces",
    "ces score",
    "rating",
    "likelihood to recommend",
)
_DATE_NAMES = (
    "submitted_at",
    "submitted at",
    "submitted",
    "date",
    "response date",
    "responded at",
    "created_at",
    "created at",
    "created",
    "timestamp",
    "time",
)
_KIND_NAMES = ("kind", "survey_type", "survey type", "type", "survey")
_ID_NAMES = ("id", "response id", "response_id", "responseid")
_TICKET_NAMES = ("ticket_id", "ticket id", "ticket", "case id", "conversation id")
_CUSTOMER_NAMES = ("customer_id", "customer id", "customer", "email", "customer email")
_COMMENT_NAMES = ("comment", "comments", "feedback", "verbatim", "reason")
_KIND_WORDS = (
    ("nps", ("nps", "recommend", "promoter")),
    ("csat", ("csat", "satisf")),
    ("ces", ("ces", "effort")),
)


def generic_survey(columns: Sequence[object], file_name: str) -> ExportMapping | None:
    """A survey mapping for any file with a score column and a date column, or None.

    The kind comes from a kind/type column, else from the score column's name (NPS, CSAT,
    CES, "recommend", "satisfaction", "effort"), else from the file name; with none of these
    the mapping has no kind and the file is skipped with a message asking for one."""
    names = {str(c).strip().lower(): str(c) for c in columns}
    score = _pick(names, _SCORE_NAMES, ("score", "rating", "recommend"))
    date = _pick(names, _DATE_NAMES, ("date", "time", "_at"))
    if score is None or date is None:
        return None
    survey: dict[str, object] = {"score": score, "submitted_at": date}
    kind_column = _pick(names, _KIND_NAMES)
    kind = _kind_word(score) or _kind_word(file_name)
    if kind_column is not None:
        survey["kind"] = kind_column if kind is None else [kind_column, {"value": kind}]
    elif kind is not None:
        survey["kind"] = {"value": kind}
    else:
        survey["kind"] = "kind"  # not a column here: the file is skipped, asking for one
    survey["id"] = [found] if (found := _pick(names, _ID_NAMES)) else {"row": True}
    for target, options in (
        ("ticket_id", _TICKET_NAMES),
        ("customer_id", _CUSTOMER_NAMES),
        ("comment", _COMMENT_NAMES),
    ):
        found = _pick(names, options)
        if found is not None:
            survey[target] = found
    return parse_mapping({"survey": survey}, name=GENERIC_SURVEY, origin="preset")


def _pick(names: dict[str, str], exact: Sequence[str], contains: Sequence[str] = ()) -> str | None:
    for wanted in exact:
        if wanted in names:
            return names[wanted]
    for lowered, original in names.items():
        if any(part in lowered for part in contains):
            return original
    return None


def _kind_word(text: str) -> str | None:
    words = re.split(r"[^a-z]+", text.lower())
    joined = " ".join(words)
    for kind, hints in _KIND_WORDS:
        if kind in words or any(len(h) > 3 and h in joined for h in hints):
            return kind
    return None


# --- from cxtui.toml ---------------------------------------------------------------------------


def mappings_from_config(items: object, origin: str) -> tuple[ExportMapping, ...]:
    """The `[[mapping]]` tables of a config file, each laid over its preset if it names one.

    Raises MappingError with the mapping's number (1 for the first) and the key at fault."""
    if not isinstance(items, list):
        raise MappingError("mapping must be an array of tables: write [[mapping]]")
    found = []
    for number, table in enumerate(items, 1):
        try:
            mapping = parse_mapping(table, name=f"mapping {number}", origin=origin)
            if not mapping.files:
                raise MappingError("files is required: which files does this mapping read?")
            preset_name = table.get("preset") if isinstance(table, dict) else None
            if preset_name is not None:
                mapping = merged(_named_preset(preset_name), mapping)
            check_mapping(mapping)
        except MappingError as error:
            raise MappingError(f"mapping {number}: {error}") from None
        found.append(mapping)
    return tuple(found)


def _named_preset(name: object) -> ExportMapping:
    for preset in PRESETS:
        if preset.mapping.name == name:
            return preset.mapping
    choices = ", ".join(p.mapping.name for p in PRESETS)
    raise MappingError(f"preset {name!r} is not one cxtui knows; choose from {choices}")
