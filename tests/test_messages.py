"""Conversations told one message a row (kind = "messages"): one ticket per conversation.

The fixture tests/presets/twitter-support.csv is in the shape of the Customer Support on
Twitter corpus. Its threads, worked by hand (times on 2026-11-18 to 20, UTC):

- 100 alice 09:00 (19th) <- 101 team 09:05 <- 102 alice 09:10 <- 103 team 09:20; 102 comes
  first in the file, before the message it answers. Ticket 100: first response 300 s, two
  replies, the team had the last word: solved at 09:20, resolution 1,200 s.
- 200 bob 14:00 <- 201 team 15:00 <- 202 bob 15:30. Ticket 200: first response 3,600 s, one
  reply, the customer spoke last: open.
- 300 carol 08:30 (20th), no answer: new, awaiting a first response.
- 400, a team reply to 399, which is not in the file: no customer message, no ticket.
- 500 dave 11:00 (18th), answering 499 (not in the file) <- 501 team 11:30. Ticket 499 (a
  thread is named by its first message, known or not): first response and resolution
  1,800 s.
- 601 team 10:30 (19th) answering 600 <- 602 erin 10:40; 600 erin 10:00 comes last, then
  603 team 10:50 answering 602. Ticket 600: first response 1,800 s, two replies, solved at
  10:50, resolution 3,000 s.
- line 15 (700) says inbound "maybe": quarantined.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxtui.ingest import loader as loader_module
from cxtui.ingest.mapping import MappingError
from cxtui.ingest.presets import mappings_from_config
from tests.cli_helpers import cxtui
from tests.ingest_helpers import make_loader, rows

FIXTURE = Path(__file__).parent / "presets" / "twitter-support.csv"
AS_OF = "2026-11-20T12:00:00Z"
HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"
TICKET = (
    "SELECT id, created_at, status, first_response_at, resolved_at, agent_replies, "
    "customer_id, agent, subject, channel FROM ticket ORDER BY id"
)


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def fixture_folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURE, data / "twcs.csv")
    return data


def test_report_from_tweets_by_hand(tmp_path: Path) -> None:
    data = fixture_folder(tmp_path)
    done = cxtui(
        "report", str(data), "--db", str(tmp_path / "x.db"), "--as-of", AS_OF,
        "--window", "7d", "--format", "json", home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    r: dict[str, Any] = json.loads(done.stdout)
    queue = r["queue"]
    # open: 200 (open) and 300 (new); 100, 499 and 600 solved; 399 has no ticket
    assert queue["open"] == 2
    assert queue["by_status"] == {"new": 1, "open": 1}
    assert queue["by_channel"] == {"social": 2}
    assert queue["awaiting_first_response"] == 1
    # 200 was created 22 hours before as_of, 300 3.5 hours before
    assert queue["oldest_open_age_seconds"] == 22 * 3_600
    assert queue["age_buckets"] == {"lt_1h": 0, "1h_4h": 1, "4h_24h": 1, "1d_7d": 0, "gt_7d": 0}
    # first responses 300, 1800, 1800, 3600: mean 1875, median 1800, p90 h = 2.7:
    # 1800 + 0.7 * 1800
    assert r["first_response"] == {
        "count": 4,
        "mean_seconds": 1875.0,
        "median_seconds": 1800.0,
        "p90_seconds": 3060.0,
    }
    res = r["resolution"]
    # 5 tickets created, 3 solved; resolutions 1200, 1800, 3000: median 1800, p90 h = 1.8:
    # 1800 + 0.8 * 1200
    assert (res["created"], res["resolved"], res["rate"]) == (5, 3, 0.6)
    assert (res["median_seconds"], res["p90_seconds"]) == (1800.0, 2760.0)
    assert r["quarantine"] == {"rows": 1}


def test_tickets_from_tweets_by_hand(tmp_path: Path) -> None:
    data = fixture_folder(tmp_path)
    loader = make_loader(data, settle_seconds=0)
    result = loader.load_all()
    assert (result.messages, result.tickets, result.quarantined) == (15, 0, 1)
    assert rows(loader, TICKET) == [
        ("100", at("2026-11-19 09:00"), "solved", at("2026-11-19 09:05"),
         at("2026-11-19 09:20"), 2, "alice", "AcmeSupport",
         "@AcmeSupport my order 1234 never arrived", "social"),
        ("200", at("2026-11-19 14:00"), "open", at("2026-11-19 15:00"), None, 1, "bob",
         "AcmeSupport", "@AcmeSupport billing charged me twice, why?", "social"),
        ("300", at("2026-11-20 08:30"), "new", None, None, 0, "carol", None,
         "@AcmeSupport [red]app[/red] crashes on start", "social"),
        ("499", at("2026-11-18 11:00"), "solved", at("2026-11-18 11:30"),
         at("2026-11-18 11:30"), 1, "dave", "AcmeSupport",
         "@AcmeSupport about my earlier tweet: still no refund", "social"),
        ("600", at("2026-11-19 10:00"), "solved", at("2026-11-19 10:30"),
         at("2026-11-19 10:50"), 2, "erin", "AcmeSupport",
         "@AcmeSupport my X200 will not charge", "social"),
    ]  # fmt: skip
    # each message once; the team reply to the absent 399 waits in conversation 399
    assert rows(loader, "SELECT count(*), count(DISTINCT id) FROM message") == [(15, 15)]
    assert rows(loader, "SELECT conversation FROM message WHERE id = '400'") == [("399",)]
    # a ticket points at the row of its first customer message
    assert rows(loader, "SELECT source_line FROM ticket WHERE id = '600'") == [(16,)]
    # the status after each message, changes only: 100 new at alice's 09:00, solved at the
    # team's 09:05, open at her 09:10, solved at 09:20; 200 new 14:00, solved 15:00, open
    # 15:30; 300 new and nothing else
    history = "SELECT ticket_id, at, status FROM status_change WHERE ticket_id IN "
    assert rows(loader, history + "('100', '200', '300') ORDER BY ticket_id, at") == [
        ("100", at("2026-11-19 09:00"), "new"),
        ("100", at("2026-11-19 09:05"), "solved"),
        ("100", at("2026-11-19 09:10"), "open"),
        ("100", at("2026-11-19 09:20"), "solved"),
        ("200", at("2026-11-19 14:00"), "new"),
        ("200", at("2026-11-19 15:00"), "solved"),
        ("200", at("2026-11-19 15:30"), "open"),
        ("300", at("2026-11-20 08:30"), "new"),
    ]


def test_a_bad_message_is_quarantined_with_its_line(tmp_path: Path) -> None:
    loader = make_loader(fixture_folder(tmp_path), settle_seconds=0)
    loader.load_all()
    [(file, line, reason, raw)] = rows(loader, "SELECT file, line, reason, raw FROM quarantine")
    assert (file, line) == ("twcs.csv", 15)
    assert "inbound" in reason and "'maybe'" in reason
    assert raw.startswith("700,frank,maybe")


def test_the_parent_arriving_in_a_later_append_updates_the_ticket(tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    data = tmp_path / "data"
    data.mkdir()
    export = data / "twcs.csv"
    export.write_text("".join(lines[:15]))
    loader = make_loader(data, settle_seconds=0)
    loader.load_all()
    # before: 601 (team 10:30) and 602 (erin 10:40) only; the ticket starts at erin's
    # message, which nobody has answered yet
    assert rows(loader, TICKET)[-1] == (
        "600", at("2026-11-19 10:40"), "new", None, None, 0, "erin", None,
        "@AcmeSupport the X200", "social",
    )  # fmt: skip
    with export.open("a") as out:
        out.write("".join(lines[15:]))
    result = loader.load_all()
    assert (result.messages, result.quarantined) == (2, 0)
    assert rows(loader, TICKET)[-1] == (
        "600", at("2026-11-19 10:00"), "solved", at("2026-11-19 10:30"),
        at("2026-11-19 10:50"), 2, "erin", "AcmeSupport",
        "@AcmeSupport my X200 will not charge", "social",
    )  # fmt: skip
    # its status history, worked out again from all its messages (the "new" seen at 10:40
    # before 600 arrived is gone): new 10:00, solved 10:30 (601), open 10:40 (602), solved
    # 10:50 (603)
    history = "SELECT at, status FROM status_change WHERE ticket_id = '600' ORDER BY at"
    assert rows(loader, history) == [
        (at("2026-11-19 10:00"), "new"),
        (at("2026-11-19 10:30"), "solved"),
        (at("2026-11-19 10:40"), "open"),
        (at("2026-11-19 10:50"), "solved"),
    ]


def test_a_thread_named_by_a_missing_message_joins_its_thread_when_that_arrives(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    export = data / "twcs.csv"
    # 12 answers 11, which is missing: ticket 11. Then 11 arrives, answering 10: one thread.
    export.write_text(
        f"{HEADER}\n"
        "10,zoe,True,Thu Nov 19 09:00:00 +0000 2026,first,,\n"
        "12,zoe,True,Thu Nov 19 09:20:00 +0000 2026,third,,11\n"
    )
    loader = make_loader(data, settle_seconds=0)
    loader.load_all()
    assert [r[0] for r in rows(loader, TICKET)] == ["10", "11"]
    with export.open("a") as out:
        out.write("11,Acme,False,Thu Nov 19 09:10:00 +0000 2026,second,,10\n")
    loader.load_all()
    assert rows(loader, "SELECT id, status, agent_replies FROM ticket") == [("10", "open", 1)]
    assert rows(loader, "SELECT count(*) FROM status_change WHERE ticket_id = '11'") == [(0,)]


def test_threads_that_join_in_one_append_end_in_one_conversation(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    export = data / "twcs.csv"
    # Q <- X <- S <- M <- C; first Q, S and C arrive: three threads (Q, X and M)
    export.write_text(
        f"{HEADER}\n"
        "1,yan,True,Thu Nov 19 09:00:00 +0000 2026,Q,,\n"
        "3,yan,True,Thu Nov 19 09:10:00 +0000 2026,S,,2\n"
        "5,yan,True,Thu Nov 19 09:20:00 +0000 2026,C,,4\n"
    )
    loader = make_loader(data, settle_seconds=0)
    loader.load_all()
    assert [r[0] for r in rows(loader, TICKET)] == ["1", "2", "4"]
    # then M and X together: M's parent S was stored under X, which this same append
    # joins to Q
    with export.open("a") as out:
        out.write(
            "4,Acme,False,Thu Nov 19 09:15:00 +0000 2026,M,,3\n"
            "2,Acme,False,Thu Nov 19 09:05:00 +0000 2026,X,,1\n"
        )
    loader.load_all()
    assert rows(loader, "SELECT DISTINCT conversation FROM message") == [("1",)]
    assert rows(loader, "SELECT id, status, agent_replies, extra FROM ticket") == [
        ("1", "open", 2, '{"messages":5}')
    ]


def test_check_names_the_preset_and_counts_messages_and_conversations(tmp_path: Path) -> None:
    done = cxtui("check", str(fixture_folder(tmp_path)), home=tmp_path)
    assert done.stdout.splitlines()[:2] == [
        "twcs.csv: preset twitter-support",
        # 100, 200, 300, 399, 499 and 600; 399 has no customer message
        "  would load 15 message rows in 6 conversations (5 tickets: those with a customer "
        "message)",
    ]
    assert "line 15" in done.stdout


# --- a mapping of kind messages -----------------------------------------------------------------


def test_a_chat_transcript_mapped_by_conversation_id(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "chats.csv").write_text(
        "Chat,Msg,When,From,Body\n"
        "c1,m2,2026-11-19T09:01:30Z,agent,Hello Ann\n"
        "c1,m1,2026-11-19T09:00:00Z,visitor,Where is my parcel?\n"
        "c2,m3,2026-11-19T10:00:00Z,visitor,Hi\n"
    )
    mappings = mappings_from_config(
        [
            {
                "files": "chats*.csv",
                "kind": "messages",
                "message": {
                    "id": "Msg",
                    "conversation_id": "Chat",
                    "created_at": "When",
                    "inbound": {"column": "From", "values": {"visitor": "true", "agent": "no"}},
                    "text": "Body",
                    "channel": {"value": "Chat"},
                },
            }
        ],
        "test",
    )
    loader = make_loader(data, settle_seconds=0, mappings=mappings)
    loader.load_all()
    assert rows(loader, "SELECT id, status, first_response_at, subject, channel FROM ticket") == [
        ("c1", "solved", at("2026-11-19 09:01:30"), "Where is my parcel?", "chat"),
        ("c2", "new", None, "Hi", "chat"),
    ]


def test_the_twitter_preset_with_fields_laid_over_it(tmp_path: Path) -> None:
    data = fixture_folder(tmp_path)
    mappings = mappings_from_config(
        [{"files": "twcs.csv", "preset": "twitter-support", "message": {"queue": {"value": "X"}}}],
        "test",
    )
    loader = make_loader(data, settle_seconds=0, mappings=mappings)
    loader.load_all()
    assert rows(loader, "SELECT DISTINCT queue, channel FROM ticket") == [("X", "social")]
    with pytest.raises(MappingError, match=re.escape("[mapping.ticket] does not fit preset")):
        mappings_from_config(
            [{"files": "x", "preset": "twitter-support", "ticket": {"queue": "Q"}}], "test"
        )


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({"kind": "calls", "ticket": {"id": "x"}}, "kind must be one of"),
        ({"kind": "messages", "ticket": {"id": "x"}}, "[mapping.ticket] does not fit"),
        ({"survey": {"id": "x"}, "message": {"id": "x"}}, "[mapping.message] does not fit"),
        ({"kind": "messages"}, "map at least one field under [mapping.message]"),
        (
            {"kind": "messages", "message": {"id": "a", "created_at": "b", "reply_to": "c"}},
            "message.inbound must be mapped",
        ),
        (
            {"kind": "messages", "message": {"id": "a", "created_at": "b", "inbound": "c"}},
            "message.conversation_id or message.reply_to must be mapped",
        ),
        ({"kind": "messages", "message": {"subject": "a"}}, "not a message field"),
    ],
)
def test_a_messages_mapping_that_cannot_work_is_named(table: dict[str, Any], says: str) -> None:
    with pytest.raises(MappingError, match=re.escape(says)):
        mappings_from_config([{"files": "x.csv", **table}], "test")


# --- any order, any split ------------------------------------------------------------------------

START = datetime(2026, 11, 19, tzinfo=UTC)


@st.composite
def conversations(draw: st.DrawFn) -> list[tuple[str, str | None, bool, int]]:
    """Messages (id, the id it answers, inbound, minutes after START) of a few threads; some
    answer a message that is never in the export."""
    count = draw(st.integers(1, 30))
    messages: list[tuple[str, str | None, bool, int]] = []
    for number in range(count):
        parent = draw(
            st.one_of(
                st.none(),
                st.sampled_from(["9001", "9002"]),  # never exported
                *([st.sampled_from([m[0] for m in messages])] if messages else []),
            )
        )
        parent_minute = next((m[3] for m in messages if m[0] == parent), 0)
        minute = parent_minute + draw(st.integers(0, 90))
        messages.append((str(100 + number), parent, draw(st.booleans()), minute))
    return messages


def _line(message: tuple[str, str | None, bool, int]) -> str:
    message_id, parent, inbound, minute = message
    when = (START + timedelta(minutes=minute)).strftime("%a %b %d %H:%M:%S +0000 %Y")
    author = f"c{message_id}" if inbound else "Acme"
    return f"{message_id},{author},{inbound},{when},text of {message_id},,{parent or ''}\n"


def _load_in_pieces(lines: list[str], cuts: list[int], folder: Path) -> dict[str, list[Any]]:
    folder.mkdir()
    export = folder / "twcs.csv"
    export.write_text(HEADER + "\n")
    loader = make_loader(folder, settle_seconds=0)
    for start, end in zip([0, *cuts], [*cuts, len(lines)], strict=True):
        with export.open("a") as out:
            out.write("".join(lines[start:end]))
        loader.load_all()
    database = str(loader.engine.url.database)
    loader.engine.dispose()
    with sqlite3.connect(database) as db:
        return {
            # every ticket field but the line it points at, which depends on the file order
            "tickets": db.execute(
                "SELECT id, created_at, updated_at, status, channel, agent, customer_id, "
                "subject, first_response_at, resolved_at, agent_replies, version_at, extra "
                "FROM ticket ORDER BY id"
            ).fetchall(),
            "conversations": db.execute(
                "SELECT id, conversation FROM message ORDER BY id"
            ).fetchall(),
            "tallies": db.execute("SELECT * FROM ticket_hour ORDER BY hour").fetchall(),
            "history": db.execute(
                "SELECT ticket_id, at, status FROM status_change ORDER BY ticket_id, at, status"
            ).fetchall(),
        }


def _thread_root(message_id: str, parents: dict[str, str | None]) -> str:
    """Independently: up the reply links until a message answers nothing, or answers a
    message that is not there."""
    while (parent := parents.get(message_id)) is not None and message_id in parents:
        if parent not in parents:
            return parent
        message_id = parent
    return message_id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=conversations(),
    seed=st.integers(0, 2**32 - 1),
    pieces=st.integers(1, 4),
)
def test_any_order_and_any_split_give_the_same_tickets(
    messages: list[tuple[str, str | None, bool, int]], seed: int, pieces: int
) -> None:
    shuffled = [_line(m) for m in messages]
    shuffle = random.Random(seed)
    shuffle.shuffle(shuffled)
    cuts = sorted(shuffle.randrange(len(shuffled) + 1) for _ in range(pieces - 1))
    with tempfile.TemporaryDirectory() as tmp:
        in_order = _load_in_pieces([_line(m) for m in messages], [], Path(tmp) / "a")
        mixed = _load_in_pieces(shuffled, cuts, Path(tmp) / "b")
    assert mixed == in_order
    parents = {m[0]: m[1] for m in messages}
    expected = sorted((m[0], _thread_root(m[0], parents)) for m in messages)
    assert in_order["conversations"] == expected
    with_customer = {root for message_id, root in expected if _inbound(message_id, messages)}
    assert [t[0] for t in in_order["tickets"]] == sorted(with_customer)


def _inbound(message_id: str, messages: list[tuple[str, str | None, bool, int]]) -> bool:
    return next(m[2] for m in messages if m[0] == message_id)


def test_parsing_ahead_in_small_chunks_gives_the_tickets_of_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many transactions, each with a few messages, a second process parsing: the same
    tickets and messages as one read in one process."""
    rng = random.Random(3)
    messages: list[tuple[str, str | None, bool, int]] = []
    for number in range(600):
        parent = rng.choice([None, *(m[0] for m in messages[-40:])])
        messages.append((str(1000 + number), parent, rng.random() < 0.5, number))
    lines = [_line(m) for m in messages]
    rng.shuffle(lines)
    one = _load_in_pieces(lines, [], tmp_path / "one")
    monkeypatch.setattr(loader_module, "BLOCK_BYTES", 2048)
    monkeypatch.setattr(loader_module, "PARSED_AHEAD_COMMIT_BYTES", 4096)
    monkeypatch.setattr(loader_module, "PARSE_AHEAD_BYTES", 1)
    commits: list[int] = []
    original = loader_module.Loader._write

    def counted(
        self: loader_module.Loader, db: Any, state: Any, batch: Any, *a: Any, **k: Any
    ) -> None:
        commits.append(len(batch.messages))
        original(self, db, state, batch, *a, **k)

    monkeypatch.setattr(loader_module.Loader, "_write", counted)
    handed_over: list[bool] = []
    hand_over = loader_module.Loader._load_parsed_ahead

    def watched(self: loader_module.Loader, *args: Any) -> bool:
        handed_over.append(hand_over(self, *args))
        return handed_over[-1]

    monkeypatch.setattr(loader_module.Loader, "_load_parsed_ahead", watched)
    parsed_ahead = _load_in_pieces(lines, [], tmp_path / "two")
    assert handed_over == [True]
    assert len([c for c in commits if c]) > 5
    assert parsed_ahead == one
