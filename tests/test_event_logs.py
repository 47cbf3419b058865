"""Event logs keyed by ticket (issue 16 §2), end to end on tests/events/.

The fixture is a connector's copy of Zendesk: tickets.csv (the ticket table, which has no
reply or resolution times), field_history.csv and comments.csv. Every ticket is created on
2026-11-20 (UTC); what each file says, and the values worked out from it by hand:

- 101, requester c1: new 09:00, open 09:10, solved 10:00, closed 12:00 (solved then closed is
  not a reopen). c1 writes at 09:00, a1 answers at 09:30. Resolved 10:00 (1 h), first
  response 30 min, 0 reopens, closed.
- 102, requester c2: new 09:00, open 09:05, solved 11:00, open 13:00, solved 15:00. c2 writes
  at 09:00 and again at 09:20 (the requester's own comments are not responses), a1 answers
  at 10:00. Resolved the last time at 15:00 (6 h; the first solve would say 2 h), first
  response 1 h, 1 reopen.
- 103, requester c3: new 10:00, open 10:15, pending 11:30. An internal note by a2 at 10:15 is
  not a response; a2's public answer at 11:30 is (1 h 30 min). Not resolved, 0 reopens.
- 104, requester c4: new 11:00, solved 11:30, open 12:00, solved 13:00, open 14:00, solved
  16:00; its ticket row is older (status open at 14:00). a1 answers at 11:20 (20 min). Two
  reopens, resolved at 16:00 (5 h), solved. Line 20 of field_history.csv has a time that
  is not one ("the next morning"): quarantined.
- 105: no events; its row stands (open, no first response, reopens unknown).
- 106: two status changes and a comment, but no ticket row: 3 events wait for it.

A priority change of 101 in the field history is neither loaded nor quarantined.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from cxtui.config import load_config
from cxtui.ingest.mapping import MappingError
from cxtui.ingest.presets import mappings_from_config
from cxtui.queries import ticket_detail
from cxtui.store import open_engine
from tests.cli_helpers import run_cli
from tests.ingest_helpers import make_loader, rows

FIXTURES = Path(__file__).parent / "events"
FILES = ("tickets.csv", "field_history.csv", "comments.csv")
AS_OF = "2026-11-20T18:00:00Z"
DAY = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp())
H, M = 3_600, 60


def at(hours: int, minutes: int = 0) -> int:
    return DAY + hours * H + minutes * M


# (status, resolved_at, reopens, first_response_at) of each ticket, by hand (docstring)
EXPECTED = {
    "101": ("closed", at(10), 0, at(9, 30)),
    "102": ("solved", at(15), 1, at(10)),
    "103": ("pending", None, 0, at(11, 30)),
    "104": ("solved", at(16), 2, at(11, 20)),
    "105": ("open", None, None, None),
}


def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    return data


def derived(db: Path) -> dict[str, tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        found = conn.execute(
            "SELECT id, status, resolved_at, reopens, first_response_at FROM ticket ORDER BY id"
        ).fetchall()
    return {row[0]: row[1:] for row in found}


def test_report_json_gives_the_figures_worked_out_by_hand(tmp_path: Path) -> None:
    data = folder(tmp_path)
    outcome = run_cli("report", str(data), "--as-of", AS_OF, "--format", "json")
    assert outcome.code == 0, outcome.stderr
    report = json.loads(outcome.stdout)
    # first responses 30 min, 1 h, 1 h 30 min, 20 min: sorted 1200, 1800, 3600, 5400 s
    assert report["first_response"] == {
        "count": 4,
        "mean_seconds": (1200 + 1800 + 3600 + 5400) / 4,
        "median_seconds": (1800 + 3600) / 2,
        "p90_seconds": 3600 + 0.7 * (5400 - 3600),  # rank 2.7
    }
    resolution = report["resolution"]
    # resolved 101 (1 h), 102 (6 h), 104 (5 h) of five created: sorted 3600, 18000, 21600 s
    assert resolution["created"] == 5
    assert resolution["resolved"] == 3
    assert resolution["rate"] == pytest.approx(3 / 5)
    assert resolution["median_seconds"] == 18_000
    assert resolution["p90_seconds"] == pytest.approx(18_000 + 0.8 * (21_600 - 18_000))
    assert resolution["reopen_rate"] == pytest.approx(2 / 3)  # 102 and 104
    assert resolution["fcr_rate"] == pytest.approx(1 / 3)  # 101 alone
    assert resolution["resolved_in_window"] == 3
    assert report["queue"]["open"] == 2  # 103 pending, 105 open
    assert report["queue"]["by_status"] == {"open": 1, "pending": 1}
    assert report["queue"]["awaiting_first_response"] == 1  # 105
    assert report["quarantine"] == {"rows": 1}
    assert report["events"] == {"waiting_for_ticket": 3}


def test_each_ticket_gets_the_values_worked_out_by_hand(tmp_path: Path) -> None:
    loader = make_loader(folder(tmp_path), settle_seconds=0)
    loader.load_all()
    assert derived(Path(str(loader.engine.url.database))) == EXPECTED
    assert rows(loader, "SELECT file, line, reason FROM quarantine") == [
        ("field_history.csv", 20, "bad timestamp in at: 'the next morning'")
    ]
    # 21 status rows less the priority change and the bad time; 11 comments
    assert rows(loader, "SELECT event, count(*) FROM ticket_event GROUP BY event") == [
        ("comment", 11),
        ("status", 20),
    ]


def test_the_timeline_shows_the_status_history(tmp_path: Path) -> None:
    data = folder(tmp_path)
    make_loader(data, settle_seconds=0).load_all()
    engine = open_engine(data / ".cxtui" / "cxtui.db")
    with Session(engine) as session:
        detail = ticket_detail(session, "102", at(18))
        late = ticket_detail(session, "104", at(18))
    engine.dispose()
    assert detail is not None and late is not None
    assert detail.timeline == [
        (at(9), "new"),
        (at(9, 5), "open"),
        (at(11), "solved"),
        (at(13), "open"),
        (at(15), "solved"),
    ]
    assert detail.resolution_seconds == 6 * H
    assert detail.first_response_seconds == H
    # the ticket row's own snapshot (open at 14:00) is one with the event at 14:00
    assert [status for _, status in late.timeline] == [
        "new",
        "solved",
        "open",
        "solved",
        "open",
        "solved",
    ]


def test_a_ticket_arriving_after_its_events_gets_them(tmp_path: Path) -> None:
    data = folder(tmp_path)
    loader = make_loader(data, settle_seconds=0)
    loader.load_all()
    db = Path(str(loader.engine.url.database))
    assert "106" not in derived(db)
    with (data / "tickets.csv").open("a") as tickets:
        tickets.write("106,2026-11-20T08:00:00Z,2026-11-20T08:00:00Z,new,low,web,support,,c6,Hi\n")
    loader.load_all()
    # open since 08:30 (the event after the row's own "new"); only the requester commented
    assert derived(db)["106"] == ("open", None, 0, None)
    outcome = run_cli("report", str(data), "--as-of", AS_OF, "--format", "json")
    assert json.loads(outcome.stdout)["events"] == {"waiting_for_ticket": 0}


def test_check_names_the_event_logs_and_the_waiting_events(tmp_path: Path) -> None:
    outcome = run_cli("check", str(folder(tmp_path)))
    text = outcome.stdout
    assert "comments.csv: preset zendesk-comments\n  would load 11 event rows\n" in text
    assert "field_history.csv: preset zendesk-field-history\n  would load 20 event rows\n" in text
    assert "tickets.csv: preset zendesk-ticket-table\n  would load 5 ticket rows\n" in text
    assert "    line 20: bad timestamp in at: 'the next morning'" in text
    assert "  1 event of tickets not loaded yet (106): kept" in text
    assert "  2 events of tickets not loaded yet (106): kept" in text
    assert outcome.code == 2  # the quarantined row


def _lines() -> dict[str, list[str]]:
    return {name: (FIXTURES / name).read_text().splitlines(keepends=True) for name in FILES}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(FILES), st.integers(min_value=1, max_value=8)), max_size=12
    )
)
def test_any_order_of_files_and_pieces_gives_the_same_tickets(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int]]
) -> None:
    """The files grow in pieces of whole lines, interleaved in any order, with a load after
    each piece; then the rest of each file arrives. The tickets, their status histories and
    the events are those of one load of the finished files."""
    data = tmp_path_factory.mktemp("pieces")
    lines = _lines()
    written = dict.fromkeys(FILES, 0)
    loader = make_loader(data, settle_seconds=0)

    def grow(name: str, count: int) -> None:
        with (data / name).open("a") as out:
            out.writelines(lines[name][written[name] : written[name] + count])
        written[name] = min(len(lines[name]), written[name] + count)

    for name, count in steps:
        grow(name, count)
        loader.load_all()
    for name in reversed(FILES):
        grow(name, len(lines[name]))
    loader.load_all()
    assert derived(Path(str(loader.engine.url.database))) == EXPECTED
    assert rows(loader, "SELECT * FROM status_change ORDER BY 1, 2, 3") == _one_load(
        tmp_path_factory, "SELECT * FROM status_change ORDER BY 1, 2, 3"
    )
    assert rows(loader, "SELECT * FROM ticket_event ORDER BY 1, 2, 3, 4, 5") == _one_load(
        tmp_path_factory, "SELECT * FROM ticket_event ORDER BY 1, 2, 3, 4, 5"
    )
    assert rows(loader, "SELECT file, line, reason FROM quarantine") == [
        ("field_history.csv", 20, "bad timestamp in at: 'the next morning'")
    ]


_ONE_LOAD: dict[str, list[tuple[object, ...]]] = {}


def _one_load(factory: pytest.TempPathFactory, sql: str) -> list[tuple[object, ...]]:
    if sql not in _ONE_LOAD:
        loader = make_loader(folder(factory.mktemp("whole")), settle_seconds=0)
        loader.load_all()
        _ONE_LOAD[sql] = rows(loader, sql)
    return _ONE_LOAD[sql]


def test_an_event_read_twice_is_kept_once(tmp_path: Path) -> None:
    data = folder(tmp_path)
    loader = make_loader(data, settle_seconds=0)
    loader.load_all()
    before = rows(loader, "SELECT count(*) FROM ticket_event")
    # a second export repeating three comments of the first: nothing doubles
    repeated = (FIXTURES / "comments.csv").read_text().splitlines(keepends=True)[:4]
    (data / "comments-again.csv").write_text("".join(repeated))
    loader.load_all()
    assert rows(loader, "SELECT count(*) FROM ticket_event") == before
    assert derived(Path(str(loader.engine.url.database))) == EXPECTED


ACTIVITIES_TOML = """
[[mapping]]
files = "activities-*.csv"
kind = "events"
time_format = "%d/%m/%Y %H:%M"

[mapping.event]
ticket_id = "Ticket ID"
at = "Performed at"
status = { column = "New status", values = { "Waiting on customer" = "pending" } }
author = "Performed by"
public = { column = "Private", values = { yes = "false", no = "true" } }
"""

ACTIVITIES = """\
Ticket ID,Performed at,New status,Performed by,Private
7,20/11/2026 09:00,,cust-7,no
7,20/11/2026 09:05,Open,agent-1,
7,20/11/2026 09:10,,agent-1,yes
7,20/11/2026 09:40,,agent-1,no
7,20/11/2026 09:45,Waiting on customer,agent-1,
7,20/11/2026 10:00,Resolved,agent-1,
7,20/11/2026 10:00,,agent-1,maybe
"""


def test_a_mapping_of_kind_events_from_the_config(tmp_path: Path) -> None:
    """The docs/formats.md example: statuses and comments in one activity log."""
    (tmp_path / "cxtui.toml").write_text(ACTIVITIES_TOML)
    (tmp_path / "activities-2026-11.csv").write_text(ACTIVITIES)
    (tmp_path / "tickets.csv").write_text(
        "id,created_at,status,customer_id\n7,2026-11-20T09:00:00Z,new,cust-7\n"
    )
    mappings = load_config(tmp_path, tmp_path / "cxtui.toml").mappings
    loader = make_loader(tmp_path, settle_seconds=0, mappings=mappings)
    loader.load_all()
    # first public comment not by cust-7: 09:40 (09:10 is private); solved at 10:00
    assert derived(Path(str(loader.engine.url.database)))["7"] == ("solved", at(10), 0, at(9, 40))
    assert rows(loader, "SELECT line, reason FROM quarantine") == [
        (8, "public must be true or false, not 'maybe'")
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "calls"}, "kind must be one of tickets, surveys, messages, events"),
        (
            {"kind": "events", "ticket": {"id": "id"}},
            "[mapping.ticket] does not fit kind = 'events'",
        ),
        (
            {"event": {"ticket_id": "t", "at": "a"}},
            "[mapping.event] does not fit kind = 'tickets'",
        ),
        ({"kind": "events"}, "map at least one field under [mapping.event]"),
        ({"kind": "events", "event": {"ticket_id": "t"}}, "event.at must be mapped"),
        (
            {"kind": "events", "event": {"ticket_id": "t", "at": "a", "field": "f"}},
            "event.field and event.value go together",
        ),
        ({"kind": "events", "event": {"ticket": "t"}}, "event.ticket: not a"),
    ],
)
def test_a_mapping_of_kind_events_that_cannot_work_is_refused(
    table: dict[str, object], message: str
) -> None:
    with pytest.raises(MappingError, match="mapping 1: ") as raised:
        mappings_from_config([{"files": "x.csv", **table}], "cxtui.toml")
    assert message in str(raised.value)


def test_a_preset_event_log_can_be_laid_over() -> None:
    (mapping,) = mappings_from_config(
        [{"files": "history-*.csv", "preset": "zendesk-field-history", "event": {"at": "when"}}],
        "cxtui.toml",
    )
    assert mapping.kind == "events"
    assert dict(mapping.event)["at"][0].column == "when"
    assert dict(mapping.event)["field"][0].column == "field_name"


def test_a_log_growing_across_a_restart_is_read_by_its_preset_again(tmp_path: Path) -> None:
    """After a restart the stored kind (preset:zendesk-field-history) reads the new lines."""
    data = folder(tmp_path)
    history = (data / "field_history.csv").read_text().splitlines(keepends=True)
    (data / "field_history.csv").write_text("".join(history[:-1]))  # 104 not solved at 16:00
    first = make_loader(data, settle_seconds=0)
    first.load_all()
    db = Path(str(first.engine.url.database))
    assert derived(db)["104"] == ("open", None, 2, at(11, 20))
    first.engine.dispose()
    with (data / "field_history.csv").open("a") as out:
        out.write(history[-1])
    make_loader(data, settle_seconds=0).load_all()
    assert derived(db) == EXPECTED


def test_the_documented_public_words_are_the_ones_read() -> None:
    from cxtui.ingest.ticket_events import PRIVATE_WORDS, PUBLIC_WORDS

    doc = (Path(__file__).parent.parent / "docs" / "formats.md").read_text()
    row = next(line for line in doc.splitlines() if line.startswith("| `public` | whether"))
    said, hidden = row.split("not public", 1)
    assert set(re.findall(r"`(\w+)`", said)) == set(PUBLIC_WORDS)  # the field's name is a word
    assert set(re.findall(r"`(\w+)`", hidden)) == set(PRIVATE_WORDS)
