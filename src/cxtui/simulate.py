"""A made-up contact centre that writes its exports the way a real helpdesk would.

Demos, benchmarks and tests need data a supervisor recognises (busy mornings, quiet nights,
e-mails that wait for the morning shift, calls answered in seconds, the odd reopen and angry
survey) without touching real customers. Everything is drawn from one seeded random stream in
time order, so a seed and an end time always give the same bytes.

Each ticket's whole life is decided the moment it arrives; its later versions wait in a
time-ordered heap and are written when the clock reaches them. Rows therefore land in the
file in updated_at order, exactly like an export that appends every change.
"""

from __future__ import annotations

import csv
import heapq
import io
import math
import random
import threading
import time
from bisect import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import IO, Generic, TypeVar

import orjson

from cxtui.ingest.normalise import SURVEY_COLUMNS, TICKET_COLUMNS

TICKETS_FILE = "tickets.csv"
SURVEYS_FILE = "surveys.jsonl"

MINUTE = 60
HOUR = 3_600
DAY = 86_400
POLL_SECONDS = 0.2

# Mix of contacts. Weights need not sum to one.
CHANNELS = {"email": 40, "chat": 25, "phone": 25, "web": 4, "social": 3, "whatsapp": 3}
LIVE_CHANNELS = frozenset({"phone", "chat"})
PRIORITY_MIX = {"low": 15, "normal": 65, "high": 15, "urgent": 5}
QUEUE_MIX = {"billing": 25, "technical": 30, "accounts": 15, "orders": 20, "general": 10}
SURVEY_KINDS = {"nps": 45, "csat": 45, "ces": 10}

TEAMS = {
    "billing": ("Ana Ruiz", "Ben Okafor", "Chloe Marsh", "Dev Patel", "Elin Berg", "Femi Adeyemi"),
    "technical": (
        "Gus Lindqvist",
        "Hana Sato",
        "Ivo Petrov",
        "Jade Whitlock",
        "Kofi Mensah",
        "Lena Vogt",
    ),
    "accounts": ("Mia Castell", "Nils Ek", "Omar Haddad", "Pia Rossi", "Quinn Doyle", "Rosa Lind"),
    "orders": ("Sami Karim", "Tess Morrow", "Uma Rao", "Viktor Hale", "Wen Zhou", "Yara Nolan"),
    "general": (
        "Zoe Quill",
        "Arlo Finch",
        "Bea Dunmore",
        "Cal Brightwater",
        "Dina Voss",
        "Eli Marr",
    ),
}
SUBJECTS = {
    "billing": (
        "Charged twice this month",
        "Refund not received",
        "Question about my invoice",
        "Update payment card",
        "Unexpected fee on statement",
        "Discount code not applied",
    ),
    "technical": (
        "App crashes on login",
        "Cannot reset password",
        "Router keeps disconnecting",
        "Error 502 when saving",
        "Sync stopped working",
        "Two-factor code never arrives",
    ),
    "accounts": (
        "Change account email",
        "Close my account",
        "Add a second user",
        "Account locked",
        "Update billing address",
        "Transfer account ownership",
    ),
    "orders": (
        "Where is my order?",
        "Parcel arrived damaged",
        "Wrong item delivered",
        "Cancel my order",
        "Change delivery address",
        "Return label request",
    ),
    "general": (
        "Opening hours over the holidays",
        "Feedback on your service",
        "Do you ship abroad?",
        "Complaint about a previous call",
        "Request for a callback",
        "Question about my data",
    ),
}

# Arrivals per UTC hour on a weekday, relative; weekends run at WEEKEND_SHARE of that.
WEEKDAY_CURVE = (
    0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.45, 0.90, 1.50, 1.90, 2.00, 1.80,
    1.40, 1.50, 1.80, 1.90, 1.70, 1.30, 0.90, 0.70, 0.55, 0.45, 0.30, 0.20,
)  # fmt: skip
WEEKEND_SHARE = 0.5

# First reply: (median seconds, spread) of a lognormal wait, before priority pace.
FIRST_REPLY_WAIT = {
    "phone": (12, 0.9),
    "chat": (40, 0.9),
    "whatsapp": (15 * MINUTE, 1.0),
    "social": (40 * MINUTE, 1.0),
    "web": (2.5 * HOUR, 1.0),
    "email": (3 * HOUR, 1.0),
}
# What a customer of each channel thinks of as a normal wait; longer waits cost satisfaction.
EXPECTED_WAIT = {
    "phone": 20,
    "chat": MINUTE,
    "whatsapp": 20 * MINUTE,
    "social": HOUR,
    "web": 4 * HOUR,
    "email": 4 * HOUR,
}
PATIENCE = {"phone": (90, 0.8), "chat": (3 * MINUTE, 0.8)}
TALK_TIME = {"phone": (330, 0.55), "chat": (540, 0.6)}
# Urgent work moves four times faster than normal; low priority waits longer.
PRIORITY_PACE = {"low": 1.4, "normal": 1.0, "high": 0.5, "urgent": 0.25}
FIRST_REPLY_DUE = {"low": 24 * HOUR, "normal": 8 * HOUR, "high": 4 * HOUR, "urgent": HOUR}
LIVE_FIRST_REPLY_DUE = 5 * MINUTE
RESOLUTION_DUE = {"low": 5 * DAY, "normal": 3 * DAY, "high": DAY, "urgent": 8 * HOUR}
REPLIES_NEEDED = {1: 35, 2: 35, 3: 18, 4: 8, 5: 4}

ABANDON_SHARE = 0.06
LIVE_FOLLOW_UP_SHARE = 0.12
ON_HOLD_SHARE = 0.08
REOPEN_SHARE = 0.08
CLOSE_SHARE = 0.4
SURVEY_SHARE = 0.2
# Back-office replies happen in office hours (UTC); phones and chat are staffed around the clock.
OFFICE_OPENS = 7
OFFICE_CLOSES = 20

COMMENT_SHARE = 0.65
MENTION_SHARE = 0.33
# A comment is picked from its list with one uniform number, so changing a text (keeping each
# list's length) moves no other draw of a seeded run: scores and times stay as they were.
PRAISE = (
    "Sorted quickly, thanks",
    "Great service",
    "Refund came through fast, thanks",
    "Clear and friendly",
    "Problem solved first time",
)
SO_SO = (
    "It was fine",
    "Got there in the end",
    "The app works again, I suppose",
    "Answer was a bit vague",
)
COMPLAINTS = (
    "Still not fixed",
    "The app keeps crashing",
    "Still no sign of my refund",
    "Felt like nobody cared",
)
LONG_WAIT = (
    "Waited far too long for a reply",
    "The wait was ridiculous",
    "Long wait to hear back",
)
SHORT_WAIT = ("Quick reply, thank you", "Answered almost straight away")
AGENT_PRAISE = ("{name} was really helpful", "Thanks to {name} for sorting it")
AGENT_COMPLAINT = ("{name} was rude", "{name} seemed in a hurry")

SAMPLE_SEED = 7
SAMPLE_END = datetime(2026, 11, 20, 12, tzinfo=UTC)
SAMPLE_DAYS = 7
SAMPLE_RATE = 18.0
LEGACY_SURVEYS = 30

_TICKET = 0
_SURVEY = 1

Choice = TypeVar("Choice")


@dataclass(frozen=True)
class _Mix(Generic[Choice]):
    """A weighted choice, drawn with one uniform number."""

    names: tuple[Choice, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: Mapping[Choice, float]) -> _Mix[Choice]:
        total = sum(weights.values())
        return cls(tuple(weights), tuple(w / total for w in accumulate(weights.values())))

    def pick(self, uniform: float) -> Choice:
        return self.names[min(bisect(self.cumulative, uniform), len(self.names) - 1)]


_CHANNEL_MIX = _Mix.of(CHANNELS)
_PRIORITY_MIX = _Mix.of(PRIORITY_MIX)
_QUEUE_MIX = _Mix.of(QUEUE_MIX)
_KIND_MIX = _Mix.of(SURVEY_KINDS)
_REPLIES_MIX = _Mix.of(REPLIES_NEEDED)


def _hourly_rates() -> tuple[float, ...]:
    """Relative arrival rate for each of the 168 hours of a week (Monday 00:00 first),
    scaled so the week averages 1 and `rate` stays the mean tickets per hour."""
    week = [
        WEEKDAY_CURVE[hour] * (WEEKEND_SHARE if weekday >= 5 else 1.0)
        for weekday in range(7)
        for hour in range(24)
    ]
    mean = sum(week) / len(week)
    return tuple(value / mean for value in week)


_WEEK_RATES = _hourly_rates()


@dataclass
class SimulationState:
    """Everything needed to carry on from where the history stopped.

    `now` is the simulated moment up to which rows have been written; with speed > 1 it runs
    ahead of the wall clock.
    """

    rng: random.Random
    rate: float
    customers: int
    now: int
    next_arrival: float
    tickets_made: int = 0
    surveys_made: int = 0
    sequence: int = 0
    pending: list[tuple[int, int, int, object]] = field(default_factory=list)
    min_rate: float = 0.0
    """Arrivals per hour never fall below this, however quiet the hour (0: no floor)."""
    start: int = 0
    """Where the history began."""
    ticket_rows: int = 0
    survey_rows: int = 0
    """Rows written so far (a ticket has a row for each change)."""

    def schedule(self, at: int, kind: int, payload: object) -> None:
        self.sequence += 1
        heapq.heappush(self.pending, (at, self.sequence, kind, payload))


@lru_cache(maxsize=1 << 16)
def _minute_prefix(minute: int) -> str:
    return datetime.fromtimestamp(minute * MINUTE, UTC).strftime("%Y-%m-%dT%H:%M:")


def iso(moment: int) -> str:
    """Epoch seconds as the exports write them: 2026-11-20T12:00:00Z.

    Nearby moments share their minute, so caching that part makes this cheap enough for
    millions of timestamps.
    """
    minute, second = divmod(moment, MINUTE)
    return f"{_minute_prefix(minute)}{second:02d}Z"


def _epoch(moment: datetime | None) -> int:
    if moment is None:
        return int(time.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _next_arrival(state: SimulationState, after: float) -> float:
    """The next arrival of a Poisson stream whose rate changes on the hour.

    Waiting times are memoryless, so restarting the draw at each hour boundary with that
    hour's rate is exact.
    """
    moment = after
    draw = state.rng.expovariate
    while True:
        hour_start = math.floor(moment / HOUR) * HOUR
        # 1970-01-01 was a Thursday, weekday 3 when Monday is 0.
        week_hour = (hour_start // HOUR + 3 * 24) % (7 * 24)
        per_second = max(state.rate * _WEEK_RATES[week_hour], state.min_rate) / HOUR
        moment += draw(per_second)
        if moment < hour_start + HOUR:
            return moment
        moment = hour_start + HOUR


def _office_hours(moment: int, rng: random.Random) -> int:
    """Back-office work that would land at night waits for the next morning shift."""
    hour = moment % DAY // HOUR
    if OFFICE_OPENS <= hour < OFFICE_CLOSES:
        return moment
    morning = moment - moment % DAY + OFFICE_OPENS * HOUR
    if hour >= OFFICE_CLOSES:
        morning += DAY
    return morning + int(rng.random() * 90 * MINUTE)


def _lognormal(rng: random.Random, median: float, spread: float) -> int:
    """A positive whole number of seconds, at least one."""
    return max(1, int(rng.lognormvariate(math.log(median), spread)))


class _Ticket:
    """The fields of one ticket that change over its life; `change` schedules a version.

    Times that repeat in every later version are kept as text, so each is formatted once.
    """

    __slots__ = ("agent", "base", "first_response", "handle", "reopens", "replies", "resolved")

    def __init__(self, base: list[str]) -> None:
        self.base = base
        self.agent = ""
        self.first_response = ""
        self.resolved = ""
        self.reopens = 0
        self.replies = 0
        self.handle: int | None = None

    def change(self, state: SimulationState, at: int, status: str) -> None:
        row = self.base.copy()
        row[2] = iso(at)
        row[3] = status
        row[7] = self.agent
        row[10] = self.first_response
        row[11] = self.resolved
        row[12] = str(self.reopens)
        row[13] = str(self.replies)
        row[14] = "" if self.handle is None else str(self.handle)
        state.schedule(at, _TICKET, row)


def _customer(state: SimulationState) -> str:
    """Squaring the draw makes low numbers common: regulars call again and again."""
    return f"C{int(state.customers * state.rng.random() ** 2) + 1:06d}"


def _open_ticket(state: SimulationState, created: int) -> list[str]:
    """Decide one ticket's whole life, schedule its later versions, return its first row."""
    rng = state.rng
    uniform = rng.random
    state.tickets_made += 1
    channel = _CHANNEL_MIX.pick(uniform())
    priority = _PRIORITY_MIX.pick(uniform())
    queue = _QUEUE_MIX.pick(uniform())
    customer = _customer(state)
    subjects = SUBJECTS[queue]
    subject = subjects[int(uniform() * len(subjects))]
    live = channel in LIVE_CHANNELS
    reply_due = created + (LIVE_FIRST_REPLY_DUE if live else FIRST_REPLY_DUE[priority])
    opened = iso(created)
    # Columns in TICKET_COLUMNS order.
    base = [
        f"T{state.tickets_made:07d}",
        opened,
        opened,
        "new",
        priority,
        channel,
        queue,
        "",
        customer,
        subject,
        "",
        "",
        "0",
        "0",
        "",
        iso(reply_due),
        iso(created + RESOLUTION_DUE[priority]),
    ]
    ticket = _Ticket(base)

    if live and uniform() < ABANDON_SHARE:
        ticket.change(state, created + _lognormal(rng, *PATIENCE[channel]), "abandoned")
        return base

    pace = PRIORITY_PACE[priority]
    median, spread = FIRST_REPLY_WAIT[channel]
    team = TEAMS[queue]
    ticket.agent = team[int(uniform() * len(team))]
    if live:
        first_reply = created + _lognormal(rng, median, spread)
        ticket.first_response = iso(first_reply)
        ticket.replies = 1
        ticket.change(state, first_reply, "open")
        handle = _lognormal(rng, *TALK_TIME[channel])
        solved = first_reply + handle
        if uniform() < LIVE_FOLLOW_UP_SHARE:
            ticket.change(state, solved, "pending")
            follow_ups = 1 + (uniform() < 0.4)
            ticket.replies += follow_ups
            handle += follow_ups * _lognormal(rng, 4 * MINUTE, 0.5)
            solved = _office_hours(solved + _lognormal(rng, 20 * HOUR * pace, 0.9), rng)
    else:
        first_reply = _office_hours(created + _lognormal(rng, median * pace, spread), rng)
        ticket.first_response = iso(first_reply)
        needed = _REPLIES_MIX.pick(uniform())
        solved = first_reply
        if needed > 1:
            ticket.replies = 1
            ticket.change(state, first_reply, "pending" if uniform() < 0.6 else "open")
            answered = first_reply + _lognormal(rng, 4 * HOUR, 1.0)
            held = uniform() < ON_HOLD_SHARE
            ticket.change(state, answered, "on_hold" if held else "open")
            work = (30 if held else 5) * HOUR * pace
            solved = _office_hours(answered + _lognormal(rng, work, 1.0), rng)
        ticket.replies = needed
        handle = needed * _lognormal(rng, 4 * MINUTE, 0.5)

    # Handle time is only known once the work is done.
    ticket.handle = handle
    ticket.resolved = iso(solved)
    ticket.change(state, solved, "solved")
    if uniform() < REOPEN_SHARE:
        reopened = solved + _lognormal(rng, 20 * HOUR, 0.9)
        ticket.reopens = 1
        ticket.resolved = ""
        ticket.change(state, reopened, "open")
        solved = _office_hours(reopened + _lognormal(rng, 5 * HOUR * pace, 1.0), rng)
        ticket.replies += 1
        ticket.handle = handle + _lognormal(rng, 6 * MINUTE, 0.5)
        ticket.resolved = iso(solved)
        ticket.change(state, solved, "solved")
    if uniform() < CLOSE_SHARE:
        ticket.change(state, solved + 3 * DAY + int(uniform() * DAY), "closed")
    if uniform() < SURVEY_SHARE:
        _ask_for_survey(state, base, ticket.agent, created, first_reply, solved, ticket.reopens)
    return base


def _ask_for_survey(
    state: SimulationState,
    base: list[str],
    agent: str,
    created: int,
    first_reply: int,
    solved: int,
    reopens: int,
) -> None:
    """Schedule one survey answer, some time after the final fix, whose score falls with the
    wait for a first reply, the days to the fix and every reopen."""
    rng = state.rng
    uniform = rng.random
    submitted = solved + min(DAY, max(2 * MINUTE, _lognormal(rng, 90 * MINUTE, 1.3)))
    wait_ratio = (first_reply - created) / EXPECTED_WAIT[base[5]]
    days_open = (solved - created) / DAY
    mood = (
        0.9
        - 0.07 * math.log2(1 + wait_ratio)
        - 0.04 * math.log2(1 + days_open)
        - 0.25 * reopens
        + rng.gauss(0.0, 0.17)
    )
    mood = min(1.0, max(0.0, mood))
    kind = _KIND_MIX.pick(uniform())
    if kind == "nps":
        score = round(10 * mood)
    elif kind == "csat":
        score = round(1 + 4 * mood)
    else:
        score = round(1 + 6 * mood)
    state.surveys_made += 1
    answer = {
        "id": f"S{state.surveys_made:07d}",
        "submitted_at": iso(submitted),
        "kind": kind,
        "score": score,
        "ticket_id": base[0],
        "customer_id": base[8],
        "comment": _comment(rng, mood, wait_ratio, agent),
    }
    state.schedule(submitted, _SURVEY, orjson.dumps(answer) + b"\n")


def _comment(rng: random.Random, mood: float, wait_ratio: float, agent: str) -> str:
    """A short free-text remark; a third of them are about the wait or the agent."""
    uniform = rng.random
    if uniform() >= COMMENT_SHARE:
        return ""
    if uniform() < MENTION_SHARE:
        if wait_ratio >= 1.5:
            choices: Sequence[str] = LONG_WAIT
        elif wait_ratio < 0.7 and uniform() < 0.5:
            choices = SHORT_WAIT
        else:
            choices = AGENT_PRAISE if mood >= 0.6 else AGENT_COMPLAINT
    elif mood >= 0.75:
        choices = PRAISE
    elif mood >= 0.55:
        choices = SO_SO
    else:
        choices = COMPLAINTS
    text = choices[int(uniform() * len(choices))]
    return text.format(name=agent.split()[0])


def _advance(
    state: SimulationState,
    until: int,
    write_ticket: Callable[[list[str]], object],
    write_survey: Callable[[bytes], object],
) -> None:
    """Write every arrival and every scheduled change up to and including `until`."""
    pending = state.pending
    pop = heapq.heappop

    def due_until(moment: int) -> None:
        while pending and pending[0][0] <= moment:
            _, _, kind, payload = pop(pending)
            if kind == _TICKET:
                write_ticket(payload)  # type: ignore[arg-type]
                state.ticket_rows += 1
            else:
                write_survey(payload)  # type: ignore[arg-type]
                state.survey_rows += 1

    while True:
        created = int(state.next_arrival)
        if created > until:
            break
        due_until(created)
        write_ticket(_open_ticket(state, created))
        state.ticket_rows += 1
        state.next_arrival = _next_arrival(state, state.next_arrival)
    due_until(until)
    state.now = until


def _ticket_writer(handle: IO[str]) -> Callable[[list[str]], object]:
    return csv.writer(handle, lineterminator="\n").writerow


def write_history(
    data_dir: Path,
    *,
    days: int = 30,
    rate: float = 60.0,
    seed: int | None = None,
    end: datetime | None = None,
) -> SimulationState:
    """Write tickets.csv and surveys.jsonl covering the `days` before `end` (default now).

    `rate` is the mean number of new tickets per hour over a week. Tickets still in progress
    at `end` are left open; their later changes stay in the returned state for `follow`.
    """
    if rate <= 0:
        raise ValueError(f"rate must be more than zero tickets per hour, not {rate}")
    if days < 0:
        raise ValueError(f"days must be zero or more, not {days}")
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    finish = _epoch(end)
    start = finish - days * DAY
    state = SimulationState(
        rng=random.Random(seed),
        rate=rate,
        # About one customer for every three tickets a month: regulars get several tickets.
        customers=max(50, round(rate * 24 * 30 / 3)),
        now=start,
        next_arrival=float(start),
        start=start,
    )
    state.next_arrival = _next_arrival(state, float(start))
    with (
        open(data_dir / TICKETS_FILE, "w", encoding="utf-8", newline="") as tickets,
        open(data_dir / SURVEYS_FILE, "wb") as surveys,
    ):
        write_ticket = _ticket_writer(tickets)
        write_ticket(list(TICKET_COLUMNS))
        _advance(state, finish, write_ticket, surveys.write)
    return state


def follow(
    data_dir: Path,
    state: SimulationState,
    *,
    stop: threading.Event,
    speed: float = 1.0,
    clock: Callable[[], float] = time.time,
) -> None:
    """Keep appending rows as their moment comes, until `stop` is set.

    Simulated time starts at `state.now` and runs `speed` times faster than `clock`. Each
    batch is written in one call of whole lines and flushed, so a watcher never sees a torn
    row for long.
    """
    if speed <= 0:
        raise ValueError(f"speed must be more than zero, not {speed}")
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with (
        open(data_dir / TICKETS_FILE, "a", encoding="utf-8", newline="") as tickets,
        open(data_dir / SURVEYS_FILE, "ab") as surveys,
    ):
        if tickets.tell() == 0:
            _ticket_writer(tickets)(list(TICKET_COLUMNS))
            tickets.flush()
        started = clock()
        origin = state.now
        while not stop.is_set():
            target = origin + int((clock() - started) * speed)
            if target > state.now:
                ticket_lines = io.StringIO()
                survey_lines: list[bytes] = []
                _advance(state, target, _ticket_writer(ticket_lines), survey_lines.append)
                if ticket_lines.tell():
                    tickets.write(ticket_lines.getvalue())
                    tickets.flush()
                if survey_lines:
                    surveys.write(b"".join(survey_lines))
                    surveys.flush()
            stop.wait(min(POLL_SECONDS, max(0.0, (_next_due(state) - target) / speed)))


def go_live(
    state: SimulationState, rate: float, *, min_rate: float = 0.0, first_within: float = 1.0
) -> None:
    """Carry on from the history at a live `rate`, for someone watching from now on.

    The history drew its next arrival at its own pace on the daily curve, which at night can
    be many minutes away. Drawing it again at the live rate (never below `min_rate` an hour)
    and bringing it to within `first_within` seconds means the screen moves as soon as it is
    up, at any hour; the arrivals after it follow the curve.
    """
    state.rate = rate
    state.min_rate = min_rate
    drawn = _next_arrival(state, float(state.now))
    state.next_arrival = min(drawn, state.now + first_within)


def _next_due(state: SimulationState) -> float:
    arrival = float(int(state.next_arrival))
    return min(arrival, state.pending[0][0]) if state.pending else arrival


def simulate(
    data_dir: Path,
    *,
    days: int = 30,
    rate: float = 60.0,
    seed: int | None = None,
    follow_mode: bool = False,
    end: datetime | None = None,
    stop: threading.Event | None = None,
    on_written: Callable[[SimulationState], None] | None = None,
) -> None:
    """`cxtui simulate`: write the history, then (with follow_mode) keep it growing live.

    `on_written` hears what the history wrote before any live row is appended."""
    state = write_history(data_dir, days=days, rate=rate, seed=seed, end=end)
    if on_written is not None:
        on_written(state)
    if follow_mode:
        follow(data_dir, state, stop=stop or threading.Event())


def files_in_the_way(data_dir: Path) -> list[str]:
    """The files `simulate` would overwrite in `data_dir`."""
    return [name for name in (TICKETS_FILE, SURVEYS_FILE) if (Path(data_dir) / name).exists()]


def write_sample_data(data_dir: Path) -> None:
    """The bundled sample folder: a week of history, a few old-style CSV surveys, and a
    small ticket file with broken rows so quarantine has something to show."""
    data_dir = Path(data_dir)
    write_history(data_dir, days=SAMPLE_DAYS, rate=SAMPLE_RATE, seed=SAMPLE_SEED, end=SAMPLE_END)
    end = _epoch(SAMPLE_END)
    _write_legacy_surveys(data_dir / "surveys_legacy.csv", random.Random(SAMPLE_SEED + 1), end)
    _write_bad_tickets(data_dir / "tickets_bad.csv", end)


def _write_legacy_surveys(path: Path, rng: random.Random, end: int) -> None:
    """Surveys from an older CSV export over the last two weeks, not tied to tickets."""
    remarks = ("", "", 'Said "two days", took five', "Fine, thanks", "Slow, but polite", "")
    moments = sorted(end - int(rng.random() * 14 * DAY) for _ in range(LEGACY_SURVEYS))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SURVEY_COLUMNS)
        for number, moment in enumerate(moments, start=1):
            kind = "nps" if rng.random() < 0.6 else "csat"
            score = int(rng.random() * 11) if kind == "nps" else 1 + int(rng.random() * 5)
            customer = f"C{1 + int(rng.random() * 500):06d}"
            remark = remarks[int(rng.random() * len(remarks))]
            writer.writerow([f"L{number:05d}", iso(moment), kind, score, "", customer, remark])


def _write_bad_tickets(path: Path, end: int) -> None:
    """Six good rows (one with markup in its subject, one ticket in two versions that tie)
    among four rows the loader must quarantine."""

    def at(seconds_before_end: int) -> str:
        return iso(end - seconds_before_end)

    rows = [
        # Open for ten days and long past its resolution due time.
        ["X-0001", at(10 * DAY), at(9 * DAY), "open", "normal", "email", "billing",
         "Ana Ruiz", "C000101", "Invoice copy for last year", at(10 * DAY - 5 * HOUR), "",
         "0", "1", "", at(10 * DAY - 8 * HOUR), at(7 * DAY)],
        ["", at(2 * HOUR), at(2 * HOUR), "new", "normal", "email", "general", "", "C000102",
         "Row without an id", "", "", "0", "0", "", at(-6 * HOUR), at(-70 * HOUR)],
        # Markup in a subject is data, not formatting; it must load and show as typed.
        ["X-0002", at(20 * MINUTE), at(20 * MINUTE), "new", "urgent", "email", "technical",
         "", "C000103", "[bold red]boom[/]", "", "", "0", "0", "", at(-40 * MINUTE),
         at(-(8 * HOUR - 20 * MINUTE))],
        ["X-0003", "yesterday-ish", at(HOUR), "open", "normal", "chat", "orders", "Uma Rao",
         "C000104", "Bad timestamp", "", "", "0", "0", "", "", ""],
        ["X-0004", at(3 * HOUR), at(3 * HOUR - 8 * MINUTE - 15), "solved", "normal", "phone",
         "accounts", "Nils Ek", "C000105", "Account locked", at(3 * HOUR - 15),
         at(3 * HOUR - 8 * MINUTE - 15), "0", "1", "465", at(3 * HOUR - 5 * MINUTE),
         at(3 * HOUR - 3 * DAY)],
        ["X-0005", at(5 * HOUR), at(4 * HOUR), "exploded", "normal", "email", "orders", "",
         "C000106", "Unknown status", "", "", "0", "0", "", "", ""],
        ["X-0006", at(DAY), at(5 * HOUR), "open", "high", "whatsapp", "orders", "Wen Zhou",
         "C000107", "Where is my order?", at(DAY - 20 * MINUTE), "", "0", "1", "",
         at(DAY - 4 * HOUR), at(0)],
        # Same updated_at as the row above: the later row wins the tie.
        ["X-0006", at(DAY), at(5 * HOUR), "pending", "high", "whatsapp", "orders", "Wen Zhou",
         "C000107", "Where is my order?", at(DAY - 20 * MINUTE), "", "0", "2", "",
         at(DAY - 4 * HOUR), at(0)],
        ["X-0007", at(6 * HOUR), at(5 * HOUR), "solved", "low", "email", "general", "Eli Marr",
         "C000108", "Negative handle time", at(5 * HOUR), at(5 * HOUR), "0", "1", "-90", "", ""],
        # No updated_at: the version counts as of its created_at.
        ["X-0008", at(2 * DAY), "", "on_hold", "normal", "web", "technical", "Hana Sato",
         "C000109", "Waiting on supplier", at(2 * DAY - 3 * HOUR), "", "0", "2", "",
         at(2 * DAY - 8 * HOUR), at(-DAY)],
    ]  # fmt: skip
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TICKET_COLUMNS)
        writer.writerows(rows)
