"""Read any export by mapping its columns onto cxtui's ticket and survey fields.

Supervisors do not write our schema: their folder fills with whatever their helpdesk, phone
system or survey tool exports. A mapping says, for each of our fields, where its value comes
from in such a file: a column, a value table, a constant, two columns joined, a duration added
to a time, the row's own place in the file. The built-in presets (presets.py) are mappings
too, so a `[[mapping]]` in cxtui.toml and a preset behave exactly alike.

A mapping is bound to one file's columns once (`bind`), which resolves every column name and
orders the fields; the per-row work is then only getting values and converting them. The
output is a plain record in our native column names, which normalise.py validates as it would
a native file, so there is one set of rules for what a valid ticket or survey is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from fnmatch import fnmatchcase

from cxtui.business_hours import centre_zone
from cxtui.ingest.encodings import EncodingError, check_encoding
from cxtui.ingest.messages import MESSAGE_COLUMNS
from cxtui.ingest.normalise import SURVEY_COLUMNS, TICKET_COLUMNS, RowError, parse_time

EVENT_COLUMNS = ("ticket_id", "at", "status", "field", "value", "author", "public")
"""An event log's fields (docs/formats.md): a status change, or a comment with its author."""

TIME_FIELDS = frozenset(
    {
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "first_response_due_at",
        "resolution_due_at",
        "submitted_at",
        "at",
    }
)
DURATION_FIELDS = frozenset({"handle_seconds"})
FIELDS = {
    "ticket": TICKET_COLUMNS,
    "survey": SURVEY_COLUMNS,
    "message": MESSAGE_COLUMNS,
    "event": EVENT_COLUMNS,
}
REQUIRED = {
    "ticket": ("id", "created_at"),
    "survey": ("id", "submitted_at", "kind", "score"),
    "message": ("id", "created_at", "inbound"),
    "event": ("ticket_id", "at"),
}
ONE_OF = {"message": ("conversation_id", "reply_to")}
"""Fields of which at least one must be mapped: a message needs its conversation or the
message it answers, or it could never join a conversation."""
KINDS = {
    "tickets": ("ticket", "survey"),
    "surveys": ("survey",),
    "messages": ("message",),
    "events": ("event",),
}
"""The `kind` a mapping may name, and the field tables it may then have. Without a kind a
mapping reads tickets and/or surveys, by the tables it has."""
UNITS = {"seconds": 1, "minutes": 60, "hours": 3_600}
TICKET_PREFIX = "ticket."
SOURCE_KEYS = frozenset(
    {
        "column",
        "columns",
        "value",
        "row",
        "from",
        "add",
        "unit",
        "values",
        "pattern",
        "format",
        "prefix",
    }
)
MAPPING_KEYS = frozenset(
    {
        "files",
        "preset",
        "timezone",
        "time_format",
        "skip",
        "kind",
        *FIELDS,
        "encoding",
        "sheet",
        "segments",
    }
)
# When one row gives a ticket and a survey, the survey is about that ticket unless told otherwise.
SURVEY_FROM_TICKET: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "ticket_id": ("id",),
    "customer_id": ("customer_id",),
    "submitted_at": ("resolved_at", "created_at"),
}
_SPACED_ZONE = re.compile(r"\s+(?:(UTC|GMT)|([+-]\d{2}):?(\d{2}))$")


class MappingError(ValueError):
    """A mapping that cannot work; the message names the key."""


@dataclass(frozen=True)
class Source:
    """One way to get a field's value out of a row."""

    column: str | None = None
    columns: tuple[str, ...] = ()
    constant: object = None
    is_constant: bool = False
    row: bool = False
    base: str | None = None
    add: str | None = None
    unit: int = 1
    values: tuple[tuple[str, object], ...] = ()
    pattern: str | None = None
    time_format: str | None = None
    prefix: str = ""

    def named_columns(self) -> tuple[str, ...]:
        named = (self.column,) if self.column else self.columns
        return (*named, self.add) if self.add else named


FieldSpec = tuple[Source, ...]
"""Alternatives, tried in order: the first that gives a non-blank value wins."""

Fields = tuple[tuple[str, FieldSpec], ...]


@dataclass(frozen=True)
class ExportMapping:
    """How one kind of export becomes tickets and/or surveys."""

    name: str
    ticket: Fields = ()
    survey: Fields = ()
    files: tuple[str, ...] = ()
    timezone: str | None = None
    time_format: str | None = None
    skip: tuple[tuple[str, tuple[str, ...]], ...] = ()
    origin: str = "preset"
    encoding: str | None = None
    """The character encoding of the CSV files it reads (None: the config's)."""
    sheet: str | None = None
    """The worksheet of the spreadsheets it reads (None: the first visible one)."""
    kind: str | None = field(default=None, repr=False)
    """What its rows are, one of KINDS; None: tickets and/or surveys, by its tables."""
    message: Fields = field(default=(), repr=False)
    event: Fields = field(default=(), repr=False)
    segments: tuple[str, ...] = field(default=(), repr=False)
    """Survey fields kept with each survey (product, region, plan...), by the name of their
    column: NPS, CSAT and CES break down by them (`--by segment:NAME`)."""

    @property
    def key(self) -> str:
        """What the loader records as the file's kind; changes whenever the mapping does."""
        if self.origin == "preset":
            return f"preset:{self.name}"
        # kind, its fields and segments join the digest only when given: the files a tickets
        # or surveys mapping read before they existed keep their key, and are not read again.
        named = repr(self) + (repr((self.kind, self.message)) if self.kind else "")
        named += repr(self.event) if self.event else ""
        named += repr(self.segments) if self.segments else ""
        digest = hashlib.sha1(named.encode()).hexdigest()[:12]
        return f"mapping:{digest}"

    @property
    def label(self) -> str:
        if self.origin == "preset":
            return f"preset {self.name}"
        return f"mapping for {', '.join(repr(f) for f in self.files)} ({self.origin})"

    def fields(self, kind: str) -> Fields:
        """The fields it maps under [mapping.<kind>]."""
        return {
            "ticket": self.ticket,
            "survey": self.survey,
            "message": self.message,
            "event": self.event,
        }[kind]

    def matches(self, path: str) -> bool:
        """Whether a file (path relative to the data folder) falls under `files`; the pattern
        may match the whole path or the file name alone, case-insensitively."""
        lowered = path.lower()
        name = lowered.rsplit("/", 1)[-1]
        return any(
            fnmatchcase(lowered, pattern.lower()) or fnmatchcase(name, pattern.lower())
            for pattern in self.files
        )


# --- reading a mapping from config (TOML tables) ---------------------------------------------


def parse_mapping(table: object, *, name: str, origin: str) -> ExportMapping:
    """An ExportMapping from a `[[mapping]]` table; raises MappingError naming the key."""
    if not isinstance(table, dict):
        raise MappingError("each [[mapping]] must be a table")
    unknown = sorted(set(table) - MAPPING_KEYS)
    if unknown:
        raise MappingError(
            f"unknown key {unknown[0]!r}; known keys: {', '.join(sorted(MAPPING_KEYS))}"
        )
    files = table.get("files", ())
    if isinstance(files, str):
        files = (files,)
    if not isinstance(files, list | tuple) or not all(isinstance(f, str) and f for f in files):
        raise MappingError("files must be a file pattern such as 'calls-*.csv' or a list of them")
    timezone = table.get("timezone")
    if timezone is not None:
        if not isinstance(timezone, str):
            raise MappingError("timezone must be a zone name such as 'Europe/London'")
        try:
            centre_zone(timezone)
        except (ValueError, KeyError):
            raise MappingError(f"timezone {timezone!r} is not a known time zone") from None
    time_format = table.get("time_format")
    if time_format is not None and not isinstance(time_format, str):
        raise MappingError("time_format must be text such as '%d/%m/%Y %H:%M'")
    encoding = table.get("encoding")
    if encoding is not None:
        try:
            encoding = check_encoding(encoding)
        except EncodingError as error:
            raise MappingError(str(error)) from None
    sheet = table.get("sheet")
    if sheet is not None and (not isinstance(sheet, str) or not sheet.strip()):
        raise MappingError("sheet must be the name of a worksheet such as 'Calls'")
    kind = table.get("kind")
    if kind is not None and kind not in KINDS:
        raise MappingError(f"kind must be one of {', '.join(KINDS)}")
    allowed = KINDS[kind] if kind is not None else ("ticket", "survey")
    if kind is None and "preset" in table:
        allowed = tuple(FIELDS)  # the preset's kind decides (merged)
    for other in FIELDS:
        if other not in allowed and other in table:
            raise MappingError(f"[mapping.{other}] does not fit kind = {kind or 'tickets'!r}")
    return ExportMapping(
        name=name,
        segments=_segment_names(table.get("segments", ())),
        ticket=_fields(table.get("ticket"), "ticket"),
        survey=_fields(table.get("survey"), "survey"),
        files=tuple(files),
        timezone=timezone,
        time_format=time_format,
        skip=_skip_rules(table.get("skip", {})),
        origin=origin,
        encoding=encoding,
        sheet=sheet,
        kind=kind,
        message=_fields(table.get("message"), "message"),
        event=_fields(table.get("event"), "event"),
    )


def _segment_names(names: object) -> tuple[str, ...]:
    if isinstance(names, str):
        names = (names,)
    if not isinstance(names, list | tuple) or not all(
        isinstance(n, str) and n.strip() for n in names
    ):
        raise MappingError("segments must be a list of survey column names such as ['region']")
    return tuple(n.strip() for n in names)


def _fields(table: object, kind: str) -> Fields:
    if table is None:
        return ()
    if not isinstance(table, dict):
        raise MappingError(f"{kind} must be a table ([mapping.{kind}])")
    known = FIELDS[kind]
    parsed = []
    for target, spec in table.items():
        if target not in known:
            raise MappingError(
                f"{kind}.{target}: not a {kind} field; known fields: {', '.join(known)}"
            )
        parsed.append((target, parse_field(spec, f"{kind}.{target}")))
    return tuple(parsed)


def parse_field(spec: object, where: str) -> FieldSpec:
    """A column name, a table such as {column = "X", values = {...}}, or a list of those."""
    items = spec if isinstance(spec, list) else [spec]
    if not items:
        raise MappingError(f"{where}: an empty list maps nothing")
    return tuple(_source(item, where) for item in items)


def _source(item: object, where: str) -> Source:
    if isinstance(item, str):
        if not item.strip():
            raise MappingError(f"{where}: a column name cannot be empty")
        return Source(column=item)
    if not isinstance(item, dict):
        raise MappingError(f"{where}: use a column name or a table such as {{column = 'X'}}")
    unknown = sorted(set(item) - SOURCE_KEYS)
    if unknown:
        raise MappingError(
            f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(SOURCE_KEYS))}"
        )
    ways = [k for k in ("column", "columns", "value", "row", "from") if k in item]
    if len(ways) != 1:
        raise MappingError(f"{where}: give exactly one of column, columns, value, row or from")
    if "add" in item and "from" not in item:
        raise MappingError(f"{where}: add needs from (the time it is added to)")
    column = item.get("column")
    if column is not None and (not isinstance(column, str) or not column.strip()):
        raise MappingError(f"{where}: column must be a column name")
    columns = item.get("columns", ())
    if "columns" in item and (
        not isinstance(columns, list)
        or len(columns) < 2
        or not all(isinstance(c, str) and c for c in columns)
    ):
        raise MappingError(f"{where}: columns must list two or more column names")
    if "row" in item and item["row"] is not True:
        raise MappingError(f"{where}: row must be true")
    base = item.get("from")
    if base is not None and not isinstance(base, str):
        raise MappingError(f"{where}: from must name a field such as 'created_at'")
    add = item.get("add")
    if add is not None and (not isinstance(add, str) or not add.strip()):
        raise MappingError(f"{where}: add must be a column holding a duration")
    unit = item.get("unit", "seconds")
    if unit not in UNITS:
        raise MappingError(f"{where}: unit must be one of {', '.join(UNITS)}")
    values = item.get("values", {})
    if not isinstance(values, dict):
        raise MappingError(f"{where}: values must be a table such as {{ Y = 'solved' }}")
    for key, value in values.items():
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise MappingError(f"{where}: values.{key} must be text or a whole number")
    pattern = item.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as error:
            raise MappingError(f"{where}: pattern is not a regular expression: {error}") from None
    time_format = item.get("format")
    if time_format is not None and not isinstance(time_format, str):
        raise MappingError(f"{where}: format must be text such as '%d/%m/%Y'")
    prefix = item.get("prefix", "")
    if not isinstance(prefix, str):
        raise MappingError(f"{where}: prefix must be text")
    return Source(
        column=column,
        columns=tuple(columns),
        constant=item.get("value"),
        is_constant="value" in item,
        row="row" in item,
        base=base,
        add=add,
        unit=UNITS[unit],
        values=tuple((str(k).strip().lower(), v) for k, v in values.items()),
        pattern=pattern,
        time_format=time_format,
        prefix=prefix,
    )


def _skip_rules(table: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(table, dict):
        raise MappingError("skip must be a table such as { Rating = ['', 'n/a'] }")
    rules = []
    for column, patterns in table.items():
        listed = patterns if isinstance(patterns, list) else [patterns]
        if not all(isinstance(p, str) for p in listed):
            raise MappingError(f"skip.{column}: list the values (text) that mean 'not a row'")
        rules.append((column, tuple(p.strip().lower() for p in listed)))
    return tuple(rules)


def merged(base: ExportMapping, override: ExportMapping) -> ExportMapping:
    """A preset with a config mapping's fields, zone, format, skip rules and encoding laid
    over it."""
    ticket = dict(base.ticket) | dict(override.ticket)
    survey = dict(base.survey) | dict(override.survey)
    if override.kind not in (None, base.kind):
        raise MappingError(f"kind {override.kind!r} does not fit preset {base.name!r}")
    allowed = KINDS[base.kind] if base.kind is not None else ("ticket", "survey")
    for other in FIELDS:
        if other not in allowed and override.fields(other):
            raise MappingError(f"[mapping.{other}] does not fit preset {base.name!r}")
    return ExportMapping(
        name=base.name,
        ticket=tuple(ticket.items()),
        survey=tuple(survey.items()),
        files=override.files,
        timezone=override.timezone or base.timezone,
        time_format=override.time_format or base.time_format,
        skip=base.skip + override.skip,
        origin=override.origin,
        encoding=override.encoding or base.encoding,
        sheet=override.sheet or base.sheet,
        kind=base.kind,
        message=tuple((dict(base.message) | dict(override.message)).items()),
        event=tuple((dict(base.event) | dict(override.event)).items()),
        segments=override.segments or base.segments,
    )


def check_mapping(mapping: ExportMapping) -> None:
    """Raise MappingError when a mapping could never load a row: nothing mapped, a `from`
    that names a field not mapped, or fields that depend on each other in a circle."""
    tables = KINDS[mapping.kind] if mapping.kind is not None else ("ticket", "survey")
    if not any(mapping.fields(kind) for kind in tables):
        wanted = " or ".join(f"[mapping.{kind}]" for kind in tables)
        raise MappingError(f"map at least one field under {wanted}")
    for kind in tables:
        fields = mapping.fields(kind)
        if not fields:
            continue
        _ordered(dict(fields), kind, has_ticket=bool(mapping.ticket))
        defaulted = SURVEY_FROM_TICKET if kind == "survey" and mapping.ticket else {}
        for target in REQUIRED[kind]:
            if target not in dict(fields) and target not in defaulted:
                raise MappingError(f"{kind}.{target} must be mapped: every {kind} needs one")
        either = ONE_OF.get(kind, ())
        if either and not any(target in dict(fields) for target in either):
            named = " or ".join(f"{kind}.{target}" for target in either)
            raise MappingError(f"{named} must be mapped: every {kind} needs one")
    event = dict(mapping.event)
    if ("field" in event) != ("value" in event):
        raise MappingError("event.field and event.value go together: map both or neither")


def _ordered(fields: dict[str, FieldSpec], kind: str, *, has_ticket: bool) -> list[str]:
    """Field names so that each comes after the fields its `from` reads."""
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise MappingError(f"{kind}.{name}: fields read each other with from in a circle")
        visiting.add(name)
        for source in fields[name]:
            if source.base is None:
                continue
            if source.base.startswith(TICKET_PREFIX):
                if kind != "survey" or not has_ticket:
                    raise MappingError(f"{kind}.{name}: from {source.base!r} needs a ticket")
                if source.base[len(TICKET_PREFIX) :] not in TICKET_COLUMNS:
                    raise MappingError(f"{kind}.{name}: {source.base!r} is not a ticket field")
                continue
            if source.base not in fields:
                raise MappingError(f"{kind}.{name}: from {source.base!r}, which is not mapped")
            visit(source.base)
        visiting.discard(name)
        order.append(name)

    for name in fields:
        visit(name)
    return order


# --- binding a mapping to one file ------------------------------------------------------------

Getter = Callable[[Mapping[str, object]], object]
Compiled = Callable[[Mapping[str, object], dict[str, object], dict[str, object], int], object]


@dataclass
class Mapped:
    """What one raw row became: a ticket record, a survey record, or both.

    `survey_error` is set when a row gave a good ticket but its survey part could not be read;
    the ticket still loads and the survey part goes to quarantine."""

    ticket: dict[str, object] | None = None
    survey: dict[str, object] | None = None
    survey_error: str | None = None
    message: dict[str, object] | None = None
    event: dict[str, object] | None = None
    segments: dict[str, object] | None = None
    """The survey's segments (the mapping's `segments`), by name: kept beside the survey."""


@dataclass
class FilePlan:
    """A mapping bound to one file's columns: every name resolved once, fields in order."""

    mapping: ExportMapping
    file: str
    missing: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    time_columns: set[str] = field(default_factory=set)
    """The file's columns that feed a time field (a spreadsheet's bare numbers there are
    serial dates)."""
    _ticket: list[tuple[str, Compiled]] = field(default_factory=list)
    _survey: list[tuple[str, Compiled]] = field(default_factory=list)
    _message: list[tuple[str, Compiled]] = field(default_factory=list)
    _event: list[tuple[str, Compiled]] = field(default_factory=list)
    _skip: list[tuple[Getter, tuple[str, ...]]] = field(default_factory=list)
    _extra: tuple[str, ...] = ()
    _segments: list[tuple[str, Getter]] = field(default_factory=list)

    def apply(self, record: Mapping[str, object], line: int) -> Mapped | None:
        """The ticket and/or survey of one row; None for a row the mapping skips (a report
        footer, a survey offered but not answered). Raises RowError for a bad row."""
        for getter, patterns in self._skip:
            text = _plain(getter(record)).lower()
            if any(fnmatchcase(text, pattern) for pattern in patterns):
                return None
        if self._message:
            return Mapped(message=self._record(self._message, record, {}, line, extras=False))
        if self._event:
            return Mapped(event=self._record(self._event, record, {}, line, extras=False))
        segments = {name: get(record) for name, get in self._segments} or None
        if not self._ticket:
            return Mapped(
                survey=self._record(self._survey, record, {}, line, extras=True),
                segments=segments,
            )
        ticket = self._record(self._ticket, record, {}, line, extras=True)
        mapped = Mapped(ticket=ticket, segments=segments)
        if self._survey:
            try:
                survey = self._record(self._survey, record, ticket, line, extras=False)
            except RowError as error:
                mapped.survey_error = str(error)
            else:
                if not _blank(survey.get("score")):
                    mapped.survey = survey
        return mapped

    def _record(
        self,
        fields: list[tuple[str, Compiled]],
        record: Mapping[str, object],
        ticket: dict[str, object],
        line: int,
        *,
        extras: bool,
    ) -> dict[str, object]:
        """Our fields in order, then (for the row's main record) its unmapped columns, which
        normalise.py keeps as extras."""
        out: dict[str, object] = {}
        for name, compute in fields:
            out[name] = compute(record, out, ticket, line)
        if extras:
            for key in self._extra:
                out[key] = record.get(key)
        return out


def bind(mapping: ExportMapping, columns: Sequence[object], file: str, zone: tzinfo) -> FilePlan:
    """Resolve a mapping against one file's columns (a CSV header or a JSON object's keys).

    `zone` is the zone for times without an offset when the mapping names none. The plan's
    `missing` lists, in words, each required field no column could feed."""
    names = [str(c) for c in columns]
    lookup: dict[str, str] = {}
    for name in names:
        lookup.setdefault(name.strip().lower(), name)
    plan = FilePlan(mapping, file)
    used: set[str] = set()
    binder = _Binder(lookup, used, plan, file)
    zone = centre_zone(mapping.timezone) if mapping.timezone else zone
    fields = {kind: dict(mapping.fields(kind)) for kind in FIELDS}
    if mapping.ticket and mapping.survey:
        for target, bases in SURVEY_FROM_TICKET.items():
            fields["survey"].setdefault(
                target, tuple(Source(base=TICKET_PREFIX + b) for b in bases)
            )
    for kind, table in fields.items():
        if not table:
            continue
        compiled = {
            "ticket": plan._ticket,
            "survey": plan._survey,
            "message": plan._message,
            "event": plan._event,
        }[kind]
        for target in _ordered(table, kind, has_ticket=bool(mapping.ticket)):
            if target in TIME_FIELDS:
                plan.time_columns.update(binder.columns_of(table[target]))
            sources = [
                _converted(binder.source(s), target, s, zone, mapping.time_format)
                for s in table[target]
            ]
            compiled.append((target, _first(sources)))
        for target in REQUIRED[kind]:
            if target not in table or not binder.feeds(table[target], table):
                plan.missing.append(_needs(kind, target, table.get(target, ())))
        either = ONE_OF.get(kind, ())
        if either and not any(binder.feeds(table.get(t, ()), table) for t in either):
            wanted = tuple(s for t in either for s in table.get(t, ()))
            plan.missing.append(_needs(kind, " or ".join(either), wanted))
    for column, patterns in mapping.skip:
        plan._skip.append((binder.getter(column, record_absent=False), patterns))
    if mapping.survey:
        for name in mapping.segments:
            found = binder.resolve(name)
            if found is not None:
                plan._segments.append((name, found))
            elif name not in plan.absent:
                plan.absent.append(name)
    known = set(TICKET_COLUMNS if mapping.ticket else SURVEY_COLUMNS)
    plan._extra = tuple(n for n in names if n not in used and n.strip().lower() not in known)
    return plan


def _needs(kind: str, target: str, spec: FieldSpec) -> str:
    """Which column(s) a required field wanted, in words."""
    ways = [" and ".join(repr(c) for c in source.named_columns()) for source in spec]
    listed = " or ".join(w for w in ways if w)
    return f"no column for {kind} field {target}" + (f" (needs {listed})" if listed else "")


class _Binder:
    """Turns Sources into functions of a row, resolving column names against one file."""

    def __init__(self, lookup: dict[str, str], used: set[str], plan: FilePlan, file: str) -> None:
        self.lookup = lookup
        self.used = used
        self.plan = plan
        self.file = file

    def resolve(self, name: str) -> Getter | None:
        """A getter for a column, or for a dotted path into a JSON object; None if absent."""
        key = self.lookup.get(name.strip().lower())
        if key is not None:
            self.used.add(key)
            return lambda record: record.get(key)
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            key = self.lookup.get(".".join(parts[:cut]).strip().lower())
            if key is not None:
                self.used.add(key)
                return _path_getter(key, tuple(parts[cut:]))
        return None

    def columns_of(self, spec: FieldSpec) -> list[str]:
        """The file's own names of the columns a field reads its value from (not durations
        added to it)."""
        named = [c for s in spec if s.base is None for c in s.named_columns()]
        return [key for c in named if (key := self.lookup.get(c.strip().lower())) is not None]

    def getter(self, name: str, *, record_absent: bool = True) -> Getter:
        found = self.resolve(name)
        if found is not None:
            return found
        if record_absent and name not in self.plan.absent:
            self.plan.absent.append(name)
        return _literal_getter(name)

    def present(self, source: Source, table: dict[str, FieldSpec]) -> bool:
        if source.is_constant or source.row:
            return True
        if source.base is not None:
            base_ok = source.base.startswith(TICKET_PREFIX) or self.feeds(
                table.get(source.base, ()), table
            )
            return base_ok and (source.add is None or self.resolve(source.add) is not None)
        return all(self.resolve(c) is not None for c in source.named_columns())

    def feeds(self, spec: FieldSpec, table: dict[str, FieldSpec]) -> bool:
        return any(self.present(source, table) for source in spec)

    def source(self, source: Source) -> Compiled:
        """One Source as a function (row, fields so far, the row's ticket, line) -> value."""
        if source.is_constant:
            constant = source.constant
            return lambda record, out, ticket, line: constant
        if source.row:
            file = self.file
            return lambda record, out, ticket, line: f"{file}:{line}"
        if source.base is not None:
            return self._from(source)
        if source.columns:
            parts = [self.getter(c) for c in source.columns]

            def raw(record: Mapping[str, object]) -> object:
                values = [get(record) for get in parts]
                moment = _date_and_time(values)
                if moment is not None:
                    return moment
                texts = [_plain(value) for value in values]
                return " ".join(t for t in texts if t) or None

        else:
            assert source.column is not None
            raw = self.getter(source.column)
            if not (source.pattern or source.values or source.prefix):
                key = self.lookup.get(source.column.strip().lower())
                if key is not None:  # the common case, with no layer between row and value
                    return lambda record, out, ticket, line: record.get(key)
        return _transformed(raw, source)

    def _from(self, source: Source) -> Compiled:
        base = source.base
        assert base is not None
        from_ticket = base.startswith(TICKET_PREFIX)
        name = base[len(TICKET_PREFIX) :] if from_ticket else base
        if source.add is None:
            if from_ticket:
                return lambda record, out, ticket, line: ticket.get(name)
            return lambda record, out, ticket, line: out.get(name)
        add = self.getter(source.add)
        unit = source.unit
        column = source.add

        def plus(
            record: Mapping[str, object],
            out: dict[str, object],
            ticket: dict[str, object],
            line: int,
        ) -> object:
            start = (ticket if from_ticket else out).get(name)
            seconds = duration_seconds(add(record), unit, column)
            if start is None or seconds is None:
                return None
            return int(start) + seconds  # type: ignore[call-overload]

        return plus


def _literal_getter(name: str) -> Getter:
    """A column the first row lacked: JSON rows differ in shape (a ticket gains its metric_set
    later), so later rows are asked for it by its exact name or dotted path."""
    head, *rest = name.split(".")
    path = _path_getter(head, tuple(rest))
    return lambda record: record.get(name) if name in record else path(record)


def _path_getter(key: str, path: tuple[str, ...]) -> Getter:
    def walk(record: Mapping[str, object]) -> object:
        value = record.get(key)
        for part in path:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return walk


def _date_and_time(values: Sequence[object]) -> datetime | None:
    """A spreadsheet's date cell and its time (a call log's Date and Time: a time cell, or
    text such as 09:12:58) as one moment: joined as text they would read "2026-11-19
    00:00:00 09:12:58", or miss the mapping's time_format; None for anything else."""
    if len(values) != 2:
        return None
    day, clock = values
    if isinstance(clock, str):
        try:
            clock = time.fromisoformat(clock.strip())
        except ValueError:
            return None
    if not isinstance(day, date) or not isinstance(clock, time):
        return None
    if isinstance(day, datetime):
        if day.time() != time() or day.tzinfo is not None:
            return None
        day = day.date()
    return datetime.combine(day, clock)


def _transformed(raw: Getter, source: Source) -> Compiled:
    """Pattern, value table and prefix, in that order, over a column's raw value."""
    pattern = re.compile(source.pattern) if source.pattern else None
    values = dict(source.values)
    prefix = source.prefix

    def value(
        record: Mapping[str, object], out: dict[str, object], ticket: dict[str, object], line: int
    ) -> object:
        found = raw(record)
        if pattern is not None and not _blank(found):
            match = pattern.search(_plain(found))
            found = None if match is None else match.group(1 if match.groups() else 0)
        if values and not _blank(found):
            found = values.get(_plain(found).lower(), found)
        if prefix and not _blank(found):
            found = prefix + _plain(found)
        return found

    return value


def _converted(
    compute: Compiled, target: str, source: Source, zone: tzinfo, mapping_format: str | None
) -> Compiled:
    """A source's value as the field holds it: epoch seconds for times, seconds for durations."""
    if target in TIME_FIELDS:
        time_format = source.time_format or mapping_format

        def as_time(
            record: Mapping[str, object],
            out: dict[str, object],
            ticket: dict[str, object],
            line: int,
        ) -> object:
            return to_epoch(compute(record, out, ticket, line), zone, time_format, target)

        return as_time
    if target in DURATION_FIELDS:
        unit = source.unit

        def as_duration(
            record: Mapping[str, object],
            out: dict[str, object],
            ticket: dict[str, object],
            line: int,
        ) -> object:
            return duration_seconds(compute(record, out, ticket, line), unit, target)

        return as_duration
    return compute


def _first(sources: list[Compiled]) -> Compiled:
    """The first alternative that gives a non-blank value."""
    if len(sources) == 1:
        return sources[0]

    def first(
        record: Mapping[str, object], out: dict[str, object], ticket: dict[str, object], line: int
    ) -> object:
        for compute in sources:
            found = compute(record, out, ticket, line)
            if not _blank(found):
                return found
        return None

    return first


# --- values -------------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: object) -> str:
    return "" if value is None else str(value).strip()


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_epoch(value: object, zone: tzinfo, time_format: str | None, column: str) -> int | None:
    """A time as epoch seconds: with `time_format` (strptime) when given, else ISO 8601 or
    epoch seconds. "2026-11-20 10:00:00 UTC" and "… +0100" (a space before the zone, as some
    tools write) are read too. Times without a zone are in `zone`."""
    if time_format is None or not isinstance(value, str):
        try:
            return parse_time(value, zone, column)
        except RowError:
            text = value.strip() if isinstance(value, str) else ""
            spaced = _SPACED_ZONE.search(text)
            if spaced is None:
                raise
        offset = "+00:00" if spaced[1] else f"{spaced[2]}:{spaced[3]}"
        return parse_time(text[: spaced.start()] + offset, zone, column)
    if not value.strip():
        return None
    try:
        moment = datetime.strptime(value.strip(), time_format)
    except ValueError:
        raise RowError(
            f"bad timestamp in {column}: {_short(value)} does not match {time_format!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return int(moment.timestamp())


def duration_seconds(value: object, unit: int, column: str) -> int | None:
    """Whole seconds in a duration: a number of `unit`s, or H:MM:SS (two parts are M:SS)."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise RowError(f"not a duration in {column}: {value!r}")
    if isinstance(value, timedelta):  # a spreadsheet's [h]:mm:ss cell
        return round(value.total_seconds())
    if isinstance(value, time):  # a spreadsheet's h:mm:ss cell
        return value.hour * 3_600 + value.minute * 60 + value.second
    if isinstance(value, int | float):
        return round(value * unit)
    text = str(value).strip()
    try:
        if ":" in text:
            parts = [float(p) for p in text.split(":")]
            if len(parts) > 3 or any(p < 0 for p in parts):
                raise ValueError(text)
            seconds = 0.0
            for part in parts:
                seconds = seconds * 60 + part
            return round(seconds)
        number = float(text)
    except ValueError:
        raise RowError(f"not a duration in {column}: {_short(value)}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowError(f"not a duration in {column}: {_short(value)}")
    return round(number * unit)
