"""`cxtui check`: load a folder into a throwaway database and say what happened to each file.

A supervisor pointing cxtui at a new export wants to know, before trusting any number, which
preset or mapping read each file, how many rows it would load, which rows it would set aside
and why, which column a mapping still needs, and which tickets have times the figures leave
out (a reply or resolution dated before the ticket was created). Running the real loader
(into a temporary database, never the folder's own) means the answer is exactly what
`cxtui ingest` would do.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cxtui.config import Config
from cxtui.ingest.encodings import label
from cxtui.ingest.loader import Loader, LoadResult
from cxtui.ingest.presets import GENERIC_SURVEY, config_mapping_for
from cxtui.ingest.suggest import CALL_LOG, Suggestion, suggest_mapping
from cxtui.ingest.ticket_events import waiting_by_file
from cxtui.report import duration, plural
from cxtui.safe_text import visible
from cxtui.store import open_engine

FIRST_REASONS = 3
MAX_SHOWN = 200


@dataclass
class FileCheck:
    """What loading one data file would do."""

    file: str
    matched: str = "not read"
    tickets: int = 0
    surveys: int = 0
    quarantined: int = 0
    reasons: list[tuple[int, str]] = field(default_factory=list)
    problem: str | None = None
    absent: list[str] = field(default_factory=list)
    encoding: str | None = None
    """The encoding the file was read in, when it is not UTF-8."""
    headers: list[tuple[int, str]] = field(default_factory=list)
    """Header lines met in the middle of the file: line, and what the loader made of it."""
    ignored: bool = False
    impossible: int = 0
    """Tickets whose first reply or resolution is dated before their creation: they load,
    and the duration figures leave those times out (docs/metrics.md)."""
    impossible_rows: list[tuple[int, str]] = field(default_factory=list)
    messages: int = 0
    conversations: int = 0
    """Conversations its messages belong to (a conversation export), and of those, how many
    have a customer message and so a ticket."""
    conversation_tickets: int = 0
    suggestion: Suggestion | None = None
    """For a file no rules read that looks like a call log or a survey: a mapping to start
    from, printed for the supervisor to edit and add to cxtui.toml."""
    events: int = 0
    """Rows of an event log (a mapping of kind events) read."""
    waiting: int = 0
    """Events of this file whose ticket no file has: kept, and applied when it arrives."""
    waiting_tickets: list[str] = field(default_factory=list)
    """Those tickets, in id order."""

    @property
    def ok(self) -> bool:
        """Every row would load, or the config says not to read the file."""
        return self.problem is None and self.quarantined == 0


def check_folder(
    data_dir: Path, config: Config, *, first_reasons: int = FIRST_REASONS
) -> list[FileCheck]:
    """Dry-run a load of `data_dir` with `config`'s zone and mappings, one FileCheck a file."""
    per_file: dict[str, LoadResult] = {}

    def count(batch: LoadResult) -> None:
        for name in batch.files_changed:
            per_file.setdefault(name, LoadResult()).add(batch)

    with tempfile.TemporaryDirectory(prefix="cxtui-check-") as tmp:
        db_path = Path(tmp) / "check.db"
        engine = open_engine(db_path)
        try:
            loader = Loader(
                engine,
                data_dir,
                timezone=config.timezone,
                settle_seconds=0,
                on_commit=count,
                mappings=config.mappings,
                encoding=config.encoding,
                ignore=config.ignore,
            )
            loader.load_all()
            files = [p.relative_to(data_dir).as_posix() for p in loader.data_files()]
            ignored = [p.relative_to(data_dir).as_posix() for p in loader.ignored_files()]
            with sqlite3.connect(db_path) as db:
                quarantine = db.execute(
                    "SELECT file, line, reason FROM quarantine ORDER BY file, line"
                ).fetchall()
                impossible = db.execute(
                    "SELECT source_file, source_line, id, created_at, first_response_at, "
                    "resolved_at FROM ticket WHERE first_response_at < created_at "
                    "OR resolved_at < created_at ORDER BY source_file, source_line"
                ).fetchall()
                conversations = db.execute(
                    "SELECT m.source_file, count(DISTINCT m.conversation), count(DISTINCT t.id) "
                    "FROM message m LEFT JOIN ticket t ON t.id = m.conversation "
                    "GROUP BY m.source_file"
                ).fetchall()
                waiting = waiting_by_file(db)
        finally:
            engine.dispose()
    checks = {name: FileCheck(name) for name in files}
    for name, check in checks.items():
        choice = loader.choices.get(name)
        if choice is not None:
            check.matched = choice.label
            if choice.plan is not None and choice.plan.mapping.origin != "preset":
                check.absent = list(choice.plan.absent)
        loaded = per_file.get(name)
        if loaded is not None:
            check.tickets, check.surveys = loaded.tickets, loaded.surveys
            check.quarantined = loaded.quarantined
            check.messages = loaded.messages
            check.events = loaded.events
        check.problem = loader.problems.get(name)
        check.suggestion = _suggestion(name, loader, config)
        check.headers = loader.header_changes.get(name, [])
        check.encoding = loader.encodings.get(name)
    for name, line, reason in quarantine:
        check = checks.get(name)
        if check is not None and len(check.reasons) < first_reasons:
            check.reasons.append((line, reason))
    for name, line, ticket_id, created, replied, resolved in impossible:
        check = checks.get(name)
        if check is not None:
            check.impossible += 1
            if len(check.impossible_rows) < first_reasons:
                check.impossible_rows.append(
                    (line, _before_created(ticket_id, created, replied, resolved))
                )
    for name, count, with_tickets in conversations:
        check = checks.get(name)
        if check is not None:
            check.conversations, check.conversation_tickets = count, with_tickets
    for name, (count, ticket_ids) in waiting.items():
        if name in checks:
            checks[name].waiting = count
            checks[name].waiting_tickets = ticket_ids
    for name in ignored:
        checks[name] = FileCheck(name, matched="ignored (a pattern in ignore)", ignored=True)
    return list(checks.values())


def _suggestion(name: str, loader: Loader, config: Config) -> Suggestion | None:
    """A mapping to start from for a file that no `[[mapping]]` names and that either cannot
    be loaded or is a call log the generic survey preset reads for its scores alone (its
    calls would be lost)."""
    columns = loader.columns.get(name)
    if not columns or config_mapping_for(name, config.mappings) is not None:
        return None
    suggestion = suggest_mapping(name, columns)
    if name in loader.problems or suggestion is None:
        return suggestion
    choice = loader.choices.get(name)
    read_as_survey = choice is not None and choice.key == f"preset:{GENERIC_SURVEY}"
    return suggestion if read_as_survey and suggestion.looks_like == CALL_LOG else None


def _before_created(ticket_id: str, created: int, replied: int | None, resolved: int | None) -> str:
    """How far before its creation the ticket's reply or resolution is dated, so the
    supervisor can find the row and judge the export's clocks."""
    said = []
    if replied is not None and replied < created:
        said.append(f"first reply {duration(created - replied)}")
    if resolved is not None and resolved < created:
        said.append(f"resolved {duration(created - resolved)}")
    return f"{ticket_id}: {' and '.join(said)} before it was created"


def _rows(check: FileCheck) -> str:
    counts = [
        (check.tickets, "ticket row"),
        (check.surveys, "survey row"),
        (check.events, "event row"),
    ]
    said = [plural(count, what) for count, what in counts if count]
    if check.messages:
        said.append(
            f"{plural(check.messages, 'message row')} in "
            f"{plural(check.conversations, 'conversation')} "
            f"({plural(check.conversation_tickets, 'ticket')}: those with a customer message)"
        )
    return " and ".join(said) or "no rows"


def _suggested(suggestion: Suggestion | None) -> list[str]:
    """The suggested mapping, indented under its file (TOML allows the indent, so the block
    can be copied as it is)."""
    if suggestion is None:
        return []
    said = f"  it looks like {suggestion.looks_like}; a mapping to start from"
    return [
        f"{said} (check it, then add it to cxtui.toml):",
        *(f"    {line}".rstrip() for line in suggestion.toml.splitlines()),
    ]


def exit_status(checks: list[FileCheck]) -> int:
    """0 when there are files to read and every row of every file would load, else 2."""
    read = [c for c in checks if not c.ignored]
    return 0 if read and all(c.ok for c in read) else 2


def check_text(
    checks: list[FileCheck], data_dir: Path, *, first_reasons: int = FIRST_REASONS
) -> str:
    """The dry run for people: one block per file, then a one-line summary."""
    if not checks:
        return f"no data files (.csv, .jsonl, .ndjson, .json, .xlsx) in {visible(data_dir)}\n"
    lines: list[str] = []
    for check in checks:
        lines.append(f"{visible(check.file, MAX_SHOWN)}: {visible(check.matched, MAX_SHOWN)}")
        if check.encoding is not None:
            lines.append(f"  read as {label(check.encoding)}")
        if check.ignored:
            continue
        if check.problem is not None:
            lines.append(f"  cannot be loaded: {visible(check.problem, MAX_SHOWN)}")
            lines.extend(_suggested(check.suggestion))
            continue
        lines.append(f"  would load {_rows(check)}")
        for line, what in check.headers[:first_reasons]:
            lines.append(f"  line {line}: {visible(what, MAX_SHOWN)}")
        if len(check.headers) > first_reasons:
            more = len(check.headers) - first_reasons
            lines.append(f"  … and {plural(more, 'more header line')}")
        if check.quarantined:
            lines.append(f"  {plural(check.quarantined, 'row')} would be quarantined; the first:")
            lines.extend(
                f"    line {line}: {visible(reason, MAX_SHOWN)}" for line, reason in check.reasons
            )
        if check.impossible:
            lines.append(
                f"  {plural(check.impossible, 'ticket')} with times before their creation, "
                "left out of durations; the first:"
            )
            lines.extend(
                f"    line {line}: {visible(text, MAX_SHOWN)}"
                for line, text in check.impossible_rows
            )
        if check.waiting:
            tickets = check.waiting_tickets
            shown = ", ".join(visible(t, MAX_SHOWN) for t in tickets[:first_reasons])
            more = ", …" if len(tickets) > first_reasons else ""
            lines.append(
                f"  {plural(check.waiting, 'event')} of tickets not loaded yet ({shown}{more}): "
                "kept, and applied when the ticket arrives"
            )
        for column in check.absent:
            lines.append(
                f"  note: the mapping names column '{visible(column, MAX_SHOWN)}', "
                "which this file does not have"
            )
        lines.extend(_suggested(check.suggestion))
    ignored = sum(c.ignored for c in checks)
    ready = sum(c.ok for c in checks) - ignored
    attention = len(checks) - ready - ignored
    summary = f"{plural(len(checks), 'file')}: {ready} ready, {attention} need attention"
    lines.append("")
    lines.append(summary + (f", {ignored} ignored" if ignored else ""))
    return "\n".join(lines) + "\n"
