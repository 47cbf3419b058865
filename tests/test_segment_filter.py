"""The survey segment filter: NPS, CSAT, CES and the survey lists narrowed to one segment
value, worked out by hand; ticket figures left alone; `cxtui report --segment` end to end;
and a segment never answered from the unnarrowed hourly tallies.

The window is the 7 days to AS_OF (2026-11-10 12:00 UTC).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from cxtui import aggregates, metrics, queries
from cxtui.comment_themes import theme_rule, themes_of_window
from cxtui.config import load_config
from cxtui.metrics import Filters, Window
from cxtui.segment_filter import SegmentSyntax, parse_segment, segment_choices
from cxtui.tallies import scan_surveys
from tests.cli_helpers import run_cli
from tests.ingest_helpers import make_loader

AS_OF = 1_794_312_000
AS_OF_TEXT = "2026-11-10T12:00:00Z"
HOUR, DAY = 3_600, 86_400

CONFIG = """
[[mapping]]
files = "survey-export*.csv"
segments = ["region", "plan"]
[mapping.survey]
id = "Response"
submitted_at = "When"
kind = "Kind"
score = "Score"
ticket_id = "Ticket"
comment = "Comment"
"""
TICKETS = f"""id,created_at,status,channel,queue,first_response_at
T1,{AS_OF - 2 * DAY},solved,email,billing,{AS_OF - 2 * DAY + 600}
T2,{AS_OF - DAY},open,chat,tech,
T3,{AS_OF - 10 * DAY},open,email,billing,
"""
# Every response but s11 is in the window; hours apart so some fall in whole hours the
# hourly tallies hold and the rest at the window's ragged edges.
SURVEYS = [
    # id, days before AS_OF, kind, score, region, plan, ticket, comment
    ("s1", 3.0, "nps", 10, "EU", "gold", "T1", "great help"),
    ("s2", 2.5, "nps", 6, "EU", "", "T2", "slow"),
    ("s3", 2.0, "nps", 9, "US", "", "T1", "quick"),
    ("s4", 1.5, "nps", 9, "EU", "", "", "fine"),
    ("s13", 6.99, "nps", 10, "EU", "", "", ""),
    ("s12", 1.0, "nps", 10, "", "gold", "", ""),
    ("s5", 0.9, "csat", 5, "EU", "", "T1", ""),
    ("s6", 0.8, "csat", 3, "EU", "", "", ""),
    ("s7", 0.7, "csat", 4, "US", "", "T2", ""),
    ("s8", 0.6, "ces", 2, "EU", "", "T2", ""),
    ("s9", 0.01, "ces", 6, "EU", "", "", ""),
    ("s10", 0.4, "ces", 5, "US", "", "", ""),
    ("s11", 9.0, "nps", 0, "EU", "", "", "old"),
]
EU = ("region", "EU")


def _moment(days_before: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(AS_OF - round(days_before * DAY), UTC).isoformat()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "cxtui.toml").write_text(CONFIG)
    (data / "tickets.csv").write_text(TICKETS)
    lines = ["Response,When,Kind,Score,region,plan,Ticket,Comment"]
    lines += [
        f"{id_},{_moment(days)},{kind},{score},{region},{plan},{ticket},{comment}"
        for id_, days, kind, score, region, plan, ticket, comment in SURVEYS
    ]
    (data / "survey-export.csv").write_text("\n".join(lines) + "\n")
    return data


@pytest.fixture
def session(folder: Path) -> Iterator[Session]:
    loader = make_loader(folder, mappings=load_config(folder).mappings)
    result = loader.load_all()
    assert not result.skipped
    with Session(loader.engine) as opened:
        yield opened
    loader.engine.dispose()


WINDOW = Window(as_of=AS_OF, seconds=7 * DAY)


def _figures(session: Session, filters: Filters) -> tuple[object, ...]:
    nps = metrics.nps(session, WINDOW, filters)
    csat = metrics.csat(session, WINDOW, filters)
    ces = metrics.ces(session, WINDOW, filters)
    return nps.score, nps.responses, csat.score_pct, csat.responses, ces.mean, ces.responses


def test_figures_narrowed_to_one_region_worked_by_hand(session: Session) -> None:
    # Everyone: NPS s1 s3 s4 s13 s12 promoters, s2 a detractor; CSAT s5 s7 of s5 s6 s7;
    # CES 2, 6, 5. s11 is older than the window.
    everyone = _figures(session, Filters())
    assert everyone[:2] == (pytest.approx(100 * (5 - 1) / 6), 6)
    assert everyone[2:4] == (pytest.approx(200 / 3), 3)
    assert everyone[4:] == (pytest.approx(13 / 3), 3)
    # EU: NPS s1 s4 s13 promoters, s2 a detractor, with or without a ticket; CSAT s5 of
    # s5 s6; CES 2 and 6.
    assert _figures(session, Filters(segment=EU)) == (50.0, 4, 50.0, 2, 4.0, 2)
    assert _figures(session, Filters(segment=("region", "US"))) == (100.0, 1, 100.0, 1, 5.0, 1)
    assert _figures(session, Filters(segment=("plan", "gold"))) == (100.0, 2, None, 0, None, 0)
    # A segment value no survey has: nothing, not everyone.
    assert _figures(session, Filters(segment=("region", "eu"))) == (None, 0, None, 0, None, 0)


def test_a_segment_with_a_ticket_filter_keeps_both(session: Session) -> None:
    # EU surveys about an email ticket: s1 (NPS 10) and s5 (CSAT 5), both about T1.
    narrowed = Filters(channel="email", segment=EU)
    assert _figures(session, narrowed) == (100.0, 1, 100.0, 1, None, 0)


def test_ticket_figures_ignore_the_segment(session: Session) -> None:
    for filters in (Filters(), Filters(channel="email")):
        plain = metrics.dashboard(session, WINDOW, filters)
        narrowed = metrics.dashboard(session, WINDOW, Filters(channel=filters.channel, segment=EU))
        for name in ("queue", "first_response", "resolution", "handle_time", "abandonment"):
            assert getattr(narrowed, name) == getattr(plain, name), name
        assert narrowed.service_level == plain.service_level
        assert [d.created for d in narrowed.daily] == [d.created for d in plain.daily]
    everyone = metrics.dashboard(session, WINDOW, Filters(segment=EU))
    assert everyone.queue.open == 2  # T2, T3
    assert everyone.resolution.created == 2  # T1, T2
    assert everyone.first_response.count == 1  # T1's reply


def test_tallies_and_rows_agree_and_a_segment_never_reads_the_tallies(session: Session) -> None:
    db = metrics._driver(session)
    assert aggregates.installed(db)  # else the unnarrowed tallies could not be read at all
    for filters in (Filters(segment=EU), Filters(channel="email", segment=EU)):
        assert aggregates.slice_of(filters) is None
        span = (WINDOW.start + 1, WINDOW.as_of + 1)
        (scanned,) = scan_surveys(db, [span], filters)
        assert metrics.window_surveys(session, WINDOW, filters) == scanned
    # The unnarrowed figures come from the tallies and differ, so agreeing above means
    # the narrowed read did not take them.
    assert metrics.window_surveys(session, WINDOW)["nps"].responses == 6
    assert metrics.window_surveys(session, WINDOW, Filters(segment=EU))["nps"].responses == 4
    # The daily trend is narrowed too: EU's NPS answers by day sum to the window's.
    board = metrics.dashboard(session, WINDOW, Filters(segment=EU))
    assert board.nps.responses == 4
    assert board.previous is not None and board.previous.nps.responses == 1  # s11


def test_tallies_made_wrong_show_only_where_no_segment_is_set(folder: Path) -> None:
    """Every survey tally gains 100 responses: the unfiltered and channel figures read them
    (so the tallies are in use), a segment filter, alone or with a channel, never does."""
    loader = make_loader(folder, mappings=load_config(folder).mappings)
    loader.load_all()
    with sqlite3.connect(folder / ".cxtui" / "cxtui.db") as db:
        db.execute("UPDATE survey_hour SET responses = responses + 100")
        db.execute("UPDATE survey_dimension_hour SET responses = responses + 100")
    with Session(loader.engine) as session:
        assert metrics.nps(session, WINDOW).responses > 100
        assert metrics.nps(session, WINDOW, Filters(channel="email")).responses > 100
        assert metrics.nps(session, WINDOW, Filters(segment=EU)).responses == 4
        narrowed = Filters(channel="email", segment=EU)
        assert metrics.nps(session, WINDOW, narrowed).responses == 1
    loader.engine.dispose()


def test_survey_lists_and_comments_narrowed(session: Session) -> None:
    narrowed = Filters(segment=EU)
    assert queries.count_surveys(session, WINDOW, narrowed) == 8
    listed = queries.survey_page(session, WINDOW, narrowed, 0, 50)
    assert {row.id for row in listed} == {"s1", "s2", "s4", "s13", "s5", "s6", "s8", "s9"}
    latest = queries.latest_comments(session, WINDOW, narrowed)
    assert {row.comment for row in latest} == {"great help", "slow", "fine"}
    words = queries.window_comments(session, WINDOW, Filters(segment=("region", "US")))
    assert [row.comment for row in words] == ["quick"]
    themes = themes_of_window(session, WINDOW, narrowed, (theme_rule("Speed", ("slow", "quick")),))
    assert themes.comments == 3  # great help, slow, fine
    speed = next(theme for theme in themes.themes if theme.name == "Speed")
    assert speed.survey_ids == ("s2",)  # "slow"; "quick" is a US comment


def test_choices_list_every_stored_name_and_value(session: Session) -> None:
    assert segment_choices(session) == [
        ("plan", "gold"),
        ("region", "EU"),
        ("region", "US"),
    ]
    assert segment_choices(session, limit=1) == [("plan", "gold"), ("region", "EU")]


@pytest.mark.parametrize(
    ("text", "found"),
    [("region=EU", EU), (" region = EU ", EU), ("plan=a=b", ("plan", "a=b"))],
)
def test_parse_segment(text: str, found: tuple[str, str]) -> None:
    assert parse_segment(text, ("region", "plan")) == found


@pytest.mark.parametrize("text", ["region", "region=", "=EU", "Region=EU", ""])
def test_parse_segment_refuses(text: str) -> None:
    with pytest.raises(SegmentSyntax):
        parse_segment(text, ("region", "plan"))


def _report(folder: Path, *args: str) -> dict[str, object]:
    outcome = run_cli(
        "report", str(folder), "--as-of", AS_OF_TEXT, "--format", "json", "--window", "7d", *args
    )
    assert outcome.code == 0, outcome.stderr
    return json.loads(outcome.stdout)


def test_report_segment_json_end_to_end(folder: Path) -> None:
    plain = _report(folder)
    narrowed = _report(folder, "--segment", "region=EU")
    assert list(narrowed) == list(plain)
    assert plain["filters"] == {
        "channel": None,
        "queue": None,
        "agent": None,
        "priority": None,
        "segment": None,
    }
    assert narrowed["filters"] == {**plain["filters"], "segment": {"name": "region", "value": "EU"}}
    assert (narrowed["nps"]["score"], narrowed["nps"]["responses"]) == (50.0, 4)
    assert (narrowed["csat"]["score_pct"], narrowed["csat"]["responses"]) == (50.0, 2)
    assert narrowed["ces"] == {"responses": 2, "mean": 4.0}
    for name in ("queue", "first_response", "resolution", "service_level", "abandonment"):
        assert narrowed[name] == plain[name], name


def test_report_segment_table_says_surveys_only(folder: Path) -> None:
    outcome = run_cli("report", str(folder), "--as-of", AS_OF_TEXT, "--segment", "region=US")
    assert outcome.code == 0, outcome.stderr
    first = outcome.stdout.splitlines()[0]
    assert first.startswith("Surveys only: region = US")
    assert "ticket figures are not narrowed" in first


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("region", "give NAME=VALUE"),
        ("region=", "give NAME=VALUE"),
        ("country=FR", "the mappings keep region, plan"),
    ],
)
def test_report_segment_bad_syntax_is_a_clear_error(folder: Path, value: str, says: str) -> None:
    outcome = run_cli("report", str(folder), "--segment", value)
    assert outcome.code == 2
    assert "--segment" in outcome.stderr
    assert says in outcome.stderr
