"""Which mapping to start from, for a file that no rules read: `cxtui check` prints it, never
writes it.

A supervisor whose call log or survey download is skipped ("not recognised", "no column for
survey field kind") would otherwise write a `[[mapping]]` from a blank page. The columns alone
say a good deal: "Speed of answer" and "Talk duration" are a call log's, "Rating" a survey's.
What the columns cannot say (the file's values, its date format, the survey's scale) is left
as a TOML comment to check, and a survey with no date column gets a date that will not load
until it is filled in: a guessed date would load every response on the wrong day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CALL_LOG, SURVEY = "a call log", "a survey"
NO_DATE = "YYYY-MM-DD"
"""A survey export without dates needs the day it ran; this stand-in is not a time, so every
row says so in quarantine until it is replaced."""

_CALL_HINTS = (
    "call",
    "answered",
    "talk",
    "speed of answer",
    "abandon",
    "ring",
    "hold time",
    "wait",
    "disposition",
)
_DURATION_WORDS = ("time", "wait", "second", "duration", "speed", "length")

_DATE = (("date", "call date", "start date"), ("date",))
_TIME = (("time", "call time", "start time", "time of call"), ())
_DATE_TIME = (
    ("start", "start time", "start_time", "started at", "call start", "created_at", "timestamp",
     "datetime", "date/time", "date time"),
    ("timestamp", "start", "_at"),
)  # fmt: skip
_CALL_ID = (
    ("call id", "callid", "call_id", "id", "call reference", "reference", "uniqueid",
     "unique id", "call uuid", "uuid"),
    ("call id", "call_id"),
)  # fmt: skip
_AGENT = (("agent", "agent name", "operator", "handled by", "user"), ("agent", "operator"))
_QUEUE = (
    ("queue", "topic", "skill", "group", "department", "campaign", "team"),
    ("queue", "topic", "skill", "department", "campaign"),
)
_STATUS = (("status", "outcome", "result", "disposition", "call outcome", "call status"), ())
_WAIT = (
    ("asa", "wait", "wait time", "queue time", "ring time", "time to answer"),
    ("speed of answer", "wait", "queue time", "time to answer", "ring time"),
)
_TALK = (
    ("talk", "talk time", "duration", "handle time", "call duration"),
    ("talk", "handle", "duration", "call length"),
)
_SCORE = (
    ("score", "nps", "nps score", "csat", "csat score", "ces", "ces score", "rating",
     "likelihood to recommend", "satisfaction"),
    ("score", "rating", "recommend", "satisf", "csat", "nps", "effort"),
)  # fmt: skip
_SUBMITTED = (
    ("submitted_at", "submitted at", "submitted", "date", "response date", "responded at",
     "created_at", "created at", "created", "timestamp", "time"),
    ("date", "time", "_at"),
)  # fmt: skip
_KIND = (("kind", "survey_type", "survey type", "type", "survey"), ())
_RESPONSE_ID = (("id", "response id", "response_id", "responseid"), ())
_TICKET_ID = (("ticket_id", "ticket id", "ticket", "case id", "conversation id", "call id"), ())
_CUSTOMER = (("customer_id", "customer id", "customer", "email", "customer email"), ())
_COMMENT = (("comment", "comments", "feedback", "verbatim", "reason"), ())
_KIND_WORDS = (
    ("nps", ("nps", "recommend", "promoter")),
    ("csat", ("csat", "satisf")),
    ("ces", ("ces", "effort")),
)


@dataclass(frozen=True)
class Suggestion:
    """A `[[mapping]]` block to start from, and what the file looked like to earn it."""

    looks_like: str
    toml: str


def suggest_mapping(path: str, columns: Sequence[object]) -> Suggestion | None:
    """A mapping for a file that looks like a call log or a survey; None when it looks like
    neither (a list of users, agents, organisations)."""
    names = {str(c).strip().lower(): str(c).strip() for c in columns if str(c).strip()}
    name = path.rsplit("/", 1)[-1]
    header = ["[[mapping]]", f"files = {toml_string(_literal_pattern(name))}"]
    call_log = _call_log(names, name)
    if call_log is not None:
        return Suggestion(CALL_LOG, "\n".join(header + call_log) + "\n")
    survey = _survey(names, name)
    if survey is not None:
        return Suggestion(SURVEY, "\n".join(header + survey) + "\n")
    return None


def _call_log(names: dict[str, str], file_name: str) -> list[str] | None:
    hints = sum(any(h in lowered for h in _CALL_HINTS) for lowered in names)
    hints += "call" in file_name.lower()
    date, clock = _find(names, _DATE), _find(names, _TIME)
    single = _find(names, _DATE_TIME, avoid=_DURATION_WORDS[1:])
    if hints < 2 or not (date or single):
        return None
    lines = [
        '# time_format = "%d/%m/%Y %H:%M:%S"  # when times are not ISO 8601 (2026-11-19 09:12:58)',
        "",
        "[mapping.ticket]",
    ]
    call_id = _find(names, _CALL_ID)
    lines.append(f"id = {toml_string(call_id)}" if call_id else "id = { row = true }")
    if date and clock:
        lines.append(f"created_at = {{ columns = [{toml_string(date)}, {toml_string(clock)}] }}")
    else:
        lines.append(f"created_at = {toml_string(single or date or '')}")
    for target, spec in (("agent", _AGENT), ("queue", _QUEUE)):
        found = _find(names, spec, avoid=_DURATION_WORDS)
        if found:
            lines.append(f"{target} = {toml_string(found)}")
    lines.append('channel = { value = "phone" }')
    lines.extend(_call_status(names))
    wait = _find(names, _WAIT)
    talk = _find(names, _TALK, avoid=("wait", "queue", "ring", "speed"))
    if wait:
        lines.append(f"first_response_at = {{ from = {toml_string('created_at')}, add = "
                     f"{toml_string(wait)} }}  # seconds, or H:MM:SS")  # fmt: skip
    if talk:
        start = "first_response_at" if wait else "created_at"
        lines.append(f"resolved_at = {{ from = {toml_string(start)}, add = {toml_string(talk)} }}")
        lines.append(f"handle_seconds = {toml_string(talk)}")
    score = _find(names, _SCORE)
    if score:
        kind = _kind_word(score) or "csat"
        lines += [
            "",
            "[mapping.survey]",
            f"kind = {{ value = {toml_string(kind)} }}  # nps 0-10, csat 1-5, ces 1-7",
            f"score = {toml_string(score)}",
        ]
    return lines


def _call_status(names: dict[str, str]) -> list[str]:
    """The status from an answered and a resolved column read together, or one of them, or
    an outcome column: the values are the usual ones, to check against the file."""
    answered = _find(names, ((), ("answered",)))
    resolved = _find(names, ((), ("resolved",)))
    outcome = _find(names, _STATUS)
    check = "# check the values against your file"
    if answered and resolved:
        both = f"[{toml_string(answered)}, {toml_string(resolved)}]"
        return [
            f'{check}: the two columns joined with a space ("Y N"; "N" when the',
            "# second is blank)",
            f'status = {{ columns = {both}, values = {{ "Y Y" = "solved", "Yes Yes" = "solved", '
            '"Y N" = "unresolved", "Yes No" = "unresolved", "N N" = "abandoned", '
            '"No No" = "abandoned", N = "abandoned", No = "abandoned" } }',
        ]
    if answered:
        return [
            f'{check}; "solved" takes every answered call for resolved: map those',
            '# that ended without a resolution to "unresolved" if a column says which',
            f'status = {{ column = {toml_string(answered)}, values = {{ Y = "solved", '
            'Yes = "solved", N = "abandoned", No = "abandoned" } }',
        ]
    if outcome:
        return [
            f"{check}; unresolved: ended without a resolution",
            f'status = {{ column = {toml_string(outcome)}, values = {{ Resolved = "solved", '
            '"Not resolved" = "unresolved", Abandoned = "abandoned" } }',
        ]
    return []


def _survey(names: dict[str, str], file_name: str) -> list[str] | None:
    score = _find(names, _SCORE)
    if score is None:
        return None
    lines = ["", "[mapping.survey]"]
    response_id = _find(names, _RESPONSE_ID)
    lines.append(f"id = {toml_string(response_id)}" if response_id else "id = { row = true }")
    submitted = _find(names, _SUBMITTED)
    if submitted:
        lines.append(f"submitted_at = {toml_string(submitted)}")
    else:
        lines += [
            "# no date column: the day the survey ran, for every row (replace YYYY-MM-DD)",
            f"submitted_at = {{ value = {toml_string(NO_DATE)} }}",
        ]
    kind_column = _find(names, _KIND)
    kind = _kind_word(score) or _kind_word(file_name)
    if kind_column and kind:
        lines.append(f"kind = [{toml_string(kind_column)}, {{ value = {toml_string(kind)} }}]")
    elif kind_column:
        lines.append(f"kind = {toml_string(kind_column)}  # values nps, csat or ces")
    else:
        guess = kind or "csat"
        lines.append(f"kind = {{ value = {toml_string(guess)} }}  # nps 0-10, csat 1-5, ces 1-7")
    lines.append(f"score = {toml_string(score)}")
    for target, spec in (
        ("ticket_id", _TICKET_ID),
        ("customer_id", _CUSTOMER),
        ("comment", _COMMENT),
    ):
        found = _find(names, spec)
        if found:
            lines.append(f"{target} = {toml_string(found)}")
    return lines


def _find(
    names: dict[str, str],
    spec: tuple[tuple[str, ...], tuple[str, ...]],
    *,
    avoid: tuple[str, ...] = (),
) -> str | None:
    """The first column named exactly as one of spec's names, else one whose name contains
    one of its parts (and none of `avoid`)."""
    exact, contains = spec
    for wanted in exact:
        if wanted in names:
            return names[wanted]
    for lowered, original in names.items():
        if any(p in lowered for p in contains) and not any(a in lowered for a in avoid):
            return original
    return None


def _kind_word(text: str) -> str | None:
    lowered = text.lower()
    words = set("".join(c if c.isalpha() else " " for c in lowered).split())
    for kind, hints in _KIND_WORDS:
        if kind in words or any(len(h) > 3 and h in lowered for h in hints):
            return kind
    return None


def _literal_pattern(name: str) -> str:
    """A `files` pattern matching exactly this name: * ? [ in it taken literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def toml_string(text: str) -> str:
    """A TOML basic string that reads back as `text`, and that a terminal shows literally:
    every character that is not printable is written as an escape."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append("\\uFFFD")  # a lone surrogate: no TOML string can hold it
        elif ord(char) > 0xFFFF:
            out.append(f"\\U{ord(char):08X}")
        else:
            out.append(f"\\u{ord(char):04X}")
    out.append('"')
    return "".join(out)
