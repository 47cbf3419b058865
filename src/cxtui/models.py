"""SQLModel tables: the one schema shared by the loader, the metrics and the screens.

Every timestamp is stored as integer epoch seconds in UTC. One representation means range
queries compare numbers, never strings in two text formats, and the bulk loader can write
plain tuples without a conversion step.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

OPEN_STATUSES = ("new", "open", "pending", "on_hold")
"""Waiting on the team: the live queue, and the only statuses an SLA can be breached in."""
RESOLVED_STATUSES = ("solved", "closed")
"""Resolved: what the resolution rate counts."""
ENDED_STATUSES = ("abandoned", "unresolved")
"""Finished without a resolution, so neither of the above: a call or chat that left the queue
unanswered, or a contact answered and ended unresolved (a call log's "not resolved"). Months
of such calls would swamp the live queue as `open`, and `solved` would be a lie."""
TICKET_STATUSES = (*OPEN_STATUSES, *RESOLVED_STATUSES, *ENDED_STATUSES)
PRIORITIES = ("low", "normal", "high", "urgent")
SURVEY_KINDS = ("nps", "csat", "ces")
SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


class Ticket(SQLModel, table=True):
    """The latest known version of one contact (email, chat, call, message)."""

    __table_args__ = (
        Index("ix_ticket_status_created_at", "status", "created_at"),
        # Covering indexes: the dashboard's window and daily-trend scans read created_at,
        # first_response_at, status and resolved_at of up to half a million tickets a
        # refresh, and "solved in the window" reads resolved_at and status; from the index
        # alone those scans skip a table lookup per ticket (-17 % of a refresh at 1M).
        Index(
            "ix_ticket_created_at_covering",
            "created_at",
            "first_response_at",
            "status",
            "resolved_at",
        ),
        Index("ix_ticket_resolved_at_status", "resolved_at", "status"),
    )

    id: str = Field(primary_key=True)
    created_at: int
    updated_at: int | None = None
    status: str | None = None
    priority: str | None = None
    channel: str | None = None
    queue: str | None = None
    agent: str | None = None
    customer_id: str | None = Field(default=None, index=True)
    subject: str | None = None
    first_response_at: int | None = None
    resolved_at: int | None = None
    reopens: int | None = None
    agent_replies: int | None = None
    handle_seconds: int | None = None
    first_response_due_at: int | None = None
    resolution_due_at: int | None = None
    version_at: int = Field(description="updated_at, or created_at when absent: newest wins")
    extra: str | None = Field(default=None, description="unknown columns, as a JSON object")
    source_file: str | None = None
    source_line: int | None = None


class StatusChange(SQLModel, table=True):
    """One observed (ticket, status, time): the raw material of a ticket's timeline."""

    __tablename__ = "status_change"
    # The tickets that changed after a past moment, read from the index alone: the queue
    # and the open list as they stood then start from them (cxtui.past_status).
    __table_args__ = (Index("ix_status_change_at_ticket_id", "at", "ticket_id"),)

    ticket_id: str = Field(primary_key=True)
    at: int = Field(primary_key=True)
    status: str = Field(primary_key=True)


class Survey(SQLModel, table=True):
    """One survey response (NPS, CSAT or CES)."""

    __table_args__ = (Index("ix_survey_kind_submitted_at", "kind", "submitted_at"),)

    id: str = Field(primary_key=True)
    submitted_at: int = Field(index=True)
    kind: str
    score: int
    ticket_id: str | None = Field(default=None, index=True)
    customer_id: str | None = Field(default=None, index=True)
    comment: str | None = None
    extra: str | None = None
    segments: str | None = Field(
        default=None, description="the mapping's segments, as a JSON object of text"
    )
    source_file: str | None = None
    source_line: int | None = None


class QuarantinedRow(SQLModel, table=True):
    """A row that could not be loaded, kept with where it came from and why."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    file: str = Field(index=True)
    line: int
    reason: str
    raw: str
    seen_at: int


class SourceFile(SQLModel, table=True):
    """How far each data file has been read, committed with the rows read from it."""

    __tablename__ = "source_file"

    path: str = Field(primary_key=True)
    inode: int
    size: int
    mtime_ns: int
    offset: int = 0
    line: int = 0
    fingerprint: str = ""
    kind: str | None = None
    csv_header: str | None = None
    tail_fingerprint: str = Field(default="", sa_column_kwargs={"server_default": ""})


class TicketHour(SQLModel, table=True):
    """The tally of the tickets created in one UTC hour, kept by the loader (cxtui.aggregates).

    `solved` counts the tickets solved in the hour, whenever they were created. Durations are
    sorted runs of calendar seconds packed as little-endian 64-bit integers.
    """

    __tablename__ = "ticket_hour"

    hour: int = Field(primary_key=True, description="epoch seconds // 3600")
    created: int = 0
    resolved: int = 0
    reopens_known: int = 0
    first_contact: int = 0
    reopened: int = 0
    handle_count: int = 0
    handle_total: int = 0
    answered: int = 0
    abandoned: int = 0
    replies_before_created: int = 0
    answered_before_created: int = 0
    resolutions_before_created: int = 0
    solved: int = 0
    waits: bytes = b""
    abandoned_waits: bytes = b""
    resolution_times: bytes = b""


class ChannelHour(SQLModel, table=True):
    """The answered, abandoned and first-reply waits of one channel's tickets created in one
    UTC hour: service level and abandonment count only the live channels, which the config
    names, so the tallies keep every channel apart. Channel "" is tickets with none."""

    __tablename__ = "channel_hour"

    hour: int = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    answered: int = 0
    abandoned: int = 0
    answered_before_created: int = 0
    waits: bytes = b""
    abandoned_waits: bytes = b""


class DimensionHour(SQLModel, table=True):
    """The tally of the tickets created in one UTC hour with one value of one dimension
    (channel, queue, priority, agent, or two of queue, priority and agent together: see
    aggregates.KEPT_DIMENSIONS) and one channel: what a filtered view reads instead of the
    rows. The same fields as TicketHour, for fewer tickets; `value` is the
    dimension's value as JSON ("null" for tickets without one), channel "" is tickets with
    none. Every ticket is in one row of each dimension."""

    __tablename__ = "dimension_hour"
    __table_args__ = (Index("ix_dimension_hour_hour", "hour"),)

    dimension: str = Field(primary_key=True)
    value: str = Field(primary_key=True)
    hour: int = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    created: int = 0
    resolved: int = 0
    reopens_known: int = 0
    first_contact: int = 0
    reopened: int = 0
    handle_count: int = 0
    handle_total: int = 0
    answered: int = 0
    abandoned: int = 0
    replies_before_created: int = 0
    answered_before_created: int = 0
    resolutions_before_created: int = 0
    solved: int = 0
    waits: bytes = b""
    abandoned_waits: bytes = b""
    resolution_times: bytes = b""


class SurveyDimensionHour(SQLModel, table=True):
    """The tally of the survey responses of one kind submitted in one UTC hour about
    tickets with one value of one dimension and one channel (as in DimensionHour). Surveys
    without a loaded ticket are in none: no filter can place them."""

    __tablename__ = "survey_dimension_hour"
    __table_args__ = (Index("ix_survey_dimension_hour_hour", "hour"),)

    dimension: str = Field(primary_key=True)
    value: str = Field(primary_key=True)
    hour: int = Field(primary_key=True)
    channel: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    satisfied: int = 0
    score_total: int = 0


class DimensionBlock(SQLModel, table=True):
    """The tally of the tickets created in one block of whole UTC hours (a day from
    midnight, or a quarter of one: cxtui.block_tallies) with one value of a dimension kept
    by block (the agent), all channels together, summed from the block's DimensionHour
    rows. Why: the agents table over a week reads one row an agent a day where the hours
    hold one an agent, hour and channel (as many rows as tickets at a million). Only the
    first-reply waits are kept, the one duration the table shows."""

    __tablename__ = "dimension_block"

    dimension: str = Field(primary_key=True)
    hours: int = Field(primary_key=True, description="the block's length: 24 or 6")
    first_hour: int = Field(primary_key=True, description="epoch seconds // 3600")
    value: str = Field(primary_key=True)
    created: int = 0
    resolved: int = 0
    reopens_known: int = 0
    first_contact: int = 0
    reopened: int = 0
    handle_count: int = 0
    handle_total: int = 0
    answered: int = 0
    abandoned: int = 0
    replies_before_created: int = 0
    answered_before_created: int = 0
    resolutions_before_created: int = 0
    solved: int = 0
    waits: bytes = b""


class SurveyDimensionBlock(SQLModel, table=True):
    """The survey tallies of one block of hours by a dimension kept by block, all channels
    together, summed from the block's SurveyDimensionHour rows (as DimensionBlock)."""

    __tablename__ = "survey_dimension_block"

    dimension: str = Field(primary_key=True)
    hours: int = Field(primary_key=True)
    first_hour: int = Field(primary_key=True)
    value: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    satisfied: int = 0
    score_total: int = 0


class SurveyHour(SQLModel, table=True):
    """The tally of the survey responses of one kind submitted in one UTC hour."""

    __tablename__ = "survey_hour"

    hour: int = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    satisfied: int = 0
    score_total: int = 0


class HourToRebuild(SQLModel, table=True):
    """An hour whose tally is stale: a ticket or survey in it was written since it was made.

    SQLite triggers add the hours (the loader adds its own rows' hours itself); the loader
    rebuilds them in the transaction that writes the last rows it has of a file, and readers
    count any hour still listed from the rows themselves.
    """

    __tablename__ = "hour_to_rebuild"

    kind: str = Field(primary_key=True, description="ticket or survey")
    hour: int = Field(primary_key=True)


class Message(SQLModel, table=True):
    """One message of a conversation export (cxtui.ingest.messages): the tickets of
    conversations are derived from these, so they are kept to derive them again when a
    later message joins. Only customer messages keep their text (a subject is never a
    team reply); a table without rowid stores each message once, keyed by its id."""

    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_conversation", "conversation"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(primary_key=True)
    conversation: str = Field(description="conversation id, or the thread's root message id")
    reply_to: str | None = None
    created_at: int
    inbound: bool
    author: str | None = None
    text: str | None = None
    channel: str | None = None
    queue: str | None = None
    source_file: str | None = None
    source_line: int | None = None


class TicketEvent(SQLModel, table=True):
    """One entry of a helpdesk's event log (a status change, a comment), kept once however
    often its file is read: a ticket's resolution, first response and reopens are worked out
    again from all of them (cxtui.ingest.ticket_events), whichever arrived first."""

    __tablename__ = "ticket_event"
    __table_args__ = ({"sqlite_with_rowid": False},)

    ticket_id: str = Field(primary_key=True)
    at: int = Field(primary_key=True)
    event: str = Field(primary_key=True, description="status or comment")
    value: str = Field(primary_key=True, description="the status; public or private")
    author: str = Field(primary_key=True, description="who wrote a comment; '' when unknown")
    source_file: str | None = None
    source_line: int | None = None
