"""The mapping language: every way a field can be fed, how a file finds its rules, and the
config errors a supervisor gets for a mapping that could never work."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from cxtui.config import ConfigError, load_config
from cxtui.ingest.mapping import (
    MappingError,
    bind,
    duration_seconds,
    parse_mapping,
    to_epoch,
)
from cxtui.ingest.normalise import RowError
from cxtui.ingest.presets import choose, mappings_from_config

T0 = 1_795_168_800  # 2026-11-20T10:00:00Z


def plan_of(table: dict[str, object], columns: list[str], file: str = "f.csv"):  # type: ignore[no-untyped-def]
    return bind(parse_mapping(table, name="t", origin="test"), columns, file, UTC)


def test_columns_values_constants_and_extras() -> None:
    plan = plan_of(
        {
            "ticket": {
                "id": "Ref",
                "created_at": "When",
                "status": {"column": "Answered", "values": {"Y": "solved", "N": "abandoned"}},
                "channel": {"value": "phone"},
            }
        },
        ["REF", "When", "Answered", "Note", "status "],
    )
    mapped = plan.apply(
        {"REF": "a1", "When": T0, "Answered": " y ", "Note": "hi", "status ": "ignored"}, 2
    )
    assert mapped is not None and mapped.survey is None
    # column names match case-insensitively; value tables too, after trimming
    assert mapped.ticket == {
        "id": "a1",
        "created_at": T0,
        "status": "solved",
        "channel": "phone",
        # an unmapped column is kept as an extra, unless its name is one of our fields
        "Note": "hi",
    }
    # a value the table does not list passes through (normalise then judges it)
    other = plan.apply({"REF": "a2", "When": T0, "Answered": "maybe"}, 3)
    assert other is not None and other.ticket is not None
    assert other.ticket["status"] == "maybe"


def test_two_columns_a_format_and_the_mappings_zone() -> None:
    plan = bind(
        parse_mapping(
            {
                "timezone": "America/New_York",
                "time_format": "%d/%m/%Y %H:%M",
                "ticket": {"id": {"row": True}, "created_at": {"columns": ["Day", "Clock"]}},
            },
            name="t",
            origin="test",
        ),
        ["Day", "Clock"],
        "calls/jan.csv",
        UTC,
    )
    mapped = plan.apply({"Day": "20/11/2026", "Clock": "05:00"}, 7)
    assert mapped is not None
    # 05:00 in New York (EST, UTC-5) is 10:00Z; the id is the row's place in its file
    assert mapped.ticket == {"id": "calls/jan.csv:7", "created_at": T0}


def test_a_field_level_format_beats_the_mappings() -> None:
    plan = plan_of(
        {
            "time_format": "%d/%m/%Y",
            "ticket": {"id": "id", "created_at": {"column": "at", "format": "%Y%m%d%H%M"}},
        },
        ["id", "at"],
    )
    mapped = plan.apply({"id": "x", "at": "202611201000"}, 2)
    assert mapped is not None and mapped.ticket is not None
    assert mapped.ticket["created_at"] == T0


def test_durations_added_to_times() -> None:
    plan = plan_of(
        {
            "ticket": {
                "id": "id",
                "created_at": "start",
                "first_response_at": {"from": "created_at", "add": "wait", "unit": "minutes"},
                "resolved_at": {"from": "first_response_at", "add": "talk"},
                "handle_seconds": "talk",
            }
        },
        ["id", "start", "wait", "talk"],
    )
    mapped = plan.apply({"id": "x", "start": T0, "wait": "1.5", "talk": "1:02:03"}, 2)
    assert mapped is not None and mapped.ticket is not None
    # 1.5 minutes = 90 s; 1:02:03 = 3723 s
    assert mapped.ticket["first_response_at"] == T0 + 90
    assert mapped.ticket["resolved_at"] == T0 + 90 + 3_723
    assert mapped.ticket["handle_seconds"] == 3_723
    # no wait recorded (an abandoned call): no reply and nothing built on it
    unanswered = plan.apply({"id": "y", "start": T0, "wait": "", "talk": ""}, 3)
    assert unanswered is not None and unanswered.ticket is not None
    assert (unanswered.ticket["first_response_at"], unanswered.ticket["resolved_at"]) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    ("value", "unit", "seconds"),
    [
        ("1:02:03", 1, 3_723),
        ("4:30", 1, 270),  # two parts are minutes:seconds
        ("90", 60, 5_400),
        (45, 1, 45),
        (2.5, 60, 150),
        ("", 1, None),
        (None, 1, None),
    ],
)
def test_duration_shapes(value: object, unit: int, seconds: int | None) -> None:
    assert duration_seconds(value, unit, "talk") == seconds


@pytest.mark.parametrize("value", ["soon", "-1:00", "1:2:3:4", "nan", True])
def test_bad_durations_name_the_column(value: object) -> None:
    with pytest.raises(RowError, match="not a duration in talk"):
        duration_seconds(value, 1, "talk")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20 10:00:00 UTC", T0),  # Ruby's Time#to_s, as Chatwoot writes it
        ("2026-11-20 11:00:00 +0100", T0),
        ("2026-11-20 05:00:00 -05:00", T0),
        ("2026-11-20T10:00:00Z", T0),
        (T0, T0),
        (str(T0), T0),
        ("", None),
    ],
)
def test_time_shapes(value: object, expected: int | None) -> None:
    assert to_epoch(value, UTC, None, "created_at") == expected


def test_a_time_that_does_not_fit_its_format_says_so() -> None:
    with pytest.raises(RowError, match=r"bad timestamp in created_at: '2026-11-20' does not match"):
        to_epoch("2026-11-20", UTC, "%d/%m/%Y", "created_at")


def test_patterns_prefixes_and_alternatives() -> None:
    plan = plan_of(
        {
            "survey": {
                "id": [
                    {"column": "Link", "pattern": r"/conversations/(\d+)", "prefix": "cw-"},
                    {"row": True},
                ],
                "ticket_id": {"column": "Link", "pattern": r"\d+$"},
                "submitted_at": "at",
                "kind": {"value": "csat"},
                "score": "Rating",
            }
        },
        ["Link", "at", "Rating"],
        "cw.csv",
    )
    linked = plan.apply({"Link": "https://x/app/conversations/42", "at": T0, "Rating": "5"}, 2)
    assert linked is not None and linked.survey is not None
    assert (linked.survey["id"], linked.survey["ticket_id"]) == ("cw-42", "42")
    # no match gives nothing, so the next alternative (the row) is the id
    bare = plan.apply({"Link": "", "at": T0, "Rating": "5"}, 3)
    assert bare is not None and bare.survey is not None
    # a blank link stays blank (normalise.py stores it as missing)
    assert (bare.survey["id"], bare.survey["ticket_id"]) == ("cw.csv:3", "")


def test_skip_rules_drop_rows_that_are_not_responses() -> None:
    plan = plan_of(
        {
            "skip": {"Agent": ["reporting period *"], "Rating": ""},
            "survey": {
                "id": {"row": True},
                "submitted_at": "at",
                "kind": {"value": "csat"},
                "score": "Rating",
            },
        },
        ["Agent", "Rating", "at"],
    )
    assert plan.apply({"Agent": "Reporting period 2026-11-01 to 2026-11-20"}, 9) is None
    assert plan.apply({"Agent": "Ana", "Rating": " ", "at": T0}, 3) is None
    kept = plan.apply({"Agent": "Ana", "Rating": "4", "at": T0}, 2)
    assert kept is not None and kept.survey is not None


def test_dotted_paths_reach_into_json_objects_even_when_the_first_row_lacked_them() -> None:
    plan = plan_of(
        {
            "ticket": {
                "id": "id",
                "created_at": "created_at",
                "channel": "Via.channel",
                "reopens": "metric_set.reopens",
            }
        },
        ["id", "created_at", "via"],
    )
    mapped = plan.apply(
        {"id": 1, "created_at": T0, "via": {"channel": "email"}, "metric_set": {"reopens": 2}}, 1
    )
    assert mapped is not None and mapped.ticket is not None
    assert (mapped.ticket["channel"], mapped.ticket["reopens"]) == ("email", 2)
    assert plan.absent == ["metric_set.reopens"]


def test_one_row_gives_a_ticket_and_a_survey_about_it() -> None:
    plan = plan_of(
        {
            "ticket": {
                "id": "call",
                "created_at": "at",
                "resolved_at": {"from": "created_at", "add": "talk"},
                "customer_id": "caller",
            },
            "survey": {"kind": {"value": "csat"}, "score": "sat"},
        },
        ["call", "at", "talk", "caller", "sat"],
    )
    mapped = plan.apply({"call": "c1", "at": T0, "talk": "60", "caller": "p9", "sat": "4"}, 2)
    assert mapped is not None
    # by default the survey is about the row's ticket, given when it was resolved
    assert mapped.survey == {
        "kind": "csat",
        "score": "4",
        "id": "c1",
        "ticket_id": "c1",
        "customer_id": "p9",
        "submitted_at": T0 + 60,
    }
    # no satisfaction given: the call alone
    silent = plan.apply({"call": "c2", "at": T0, "talk": "", "caller": "", "sat": ""}, 3)
    assert silent is not None and silent.ticket is not None and silent.survey is None
    # a bad value in the ticket's own fields makes the whole row bad
    with pytest.raises(RowError, match="not a duration in talk"):
        plan.apply({"call": "c3", "at": T0, "talk": "oops", "caller": "", "sat": "5"}, 4)


def test_a_survey_problem_does_not_sink_the_ticket() -> None:
    plan = plan_of(
        {
            "ticket": {"id": "call", "created_at": "at"},
            "survey": {
                "kind": {"value": "csat"},
                "score": "sat",
                "submitted_at": {"from": "ticket.created_at", "add": "delay"},
            },
        },
        ["call", "at", "sat", "delay"],
    )
    mapped = plan.apply({"call": "c1", "at": T0, "sat": "5", "delay": "later"}, 2)
    assert mapped is not None and mapped.ticket is not None
    assert mapped.survey is None
    assert mapped.survey_error == "not a duration in delay: 'later'"


def test_a_bad_ticket_value_is_a_row_error() -> None:
    plan = plan_of(
        {"ticket": {"id": "id", "created_at": {"column": "at", "format": "%d/%m/%Y"}}},
        ["id", "at"],
    )
    with pytest.raises(RowError, match="bad timestamp in created_at"):
        plan.apply({"id": "x", "at": "31/02/2026"}, 2)


def test_required_fields_without_a_column_are_named() -> None:
    plan = plan_of(
        {"ticket": {"id": "Call ID", "created_at": {"columns": ["Date", "Time"]}}},
        ["Call ID", "Date"],
    )
    assert plan.missing == ["no column for ticket field created_at (needs 'Date' and 'Time')"]


# --- which rules read a file ------------------------------------------------------------------


def test_a_configured_mapping_beats_a_preset_which_beats_the_native_format() -> None:
    freshdesk = ["Ticket ID", "Status", "Priority", "Source", "Created time"]
    assert choose("x.csv", freshdesk, (), UTC).key == "preset:freshdesk"
    [mapping] = mappings_from_config(
        [{"files": "x*.csv", "ticket": {"id": "Ticket ID", "created_at": "Created time"}}],
        "cxtui.toml",
    )
    chosen = choose("sub/x1.csv", freshdesk, [mapping], UTC)
    assert chosen.key == mapping.key
    assert chosen.label == "mapping for 'x*.csv' (cxtui.toml)"
    assert choose("tickets.csv", ["id", "created_at"], (), UTC).key == "tickets"


def test_a_survey_file_with_no_kind_anywhere_asks_for_one() -> None:
    chosen = choose("responses.csv", ["Date", "Score"], (), UTC)
    assert chosen.key is None
    assert chosen.problem == (
        "preset generic-survey: no column for survey field kind (needs 'kind')"
    )
    # named for its kind, the same columns load
    assert choose("nps-responses.csv", ["Date", "Score"], (), UTC).key == "preset:generic-survey"


def test_a_preset_with_overrides_from_config(tmp_path: Path) -> None:
    (tmp_path / "cxtui.toml").write_text(
        '[[mapping]]\nfiles = "fd-*.csv"\npreset = "freshdesk"\n'
        'timezone = "Asia/Kolkata"\n[mapping.ticket]\nqueue = "Type"\n'
    )
    [mapping] = load_config(tmp_path).mappings
    plan = bind(mapping, ["Ticket ID", "Created time", "Group", "Type"], "fd-1.csv", UTC)
    mapped = plan.apply(
        {"Ticket ID": "9", "Created time": "2026-11-20 15:30:00", "Group": "G", "Type": "Refund"},
        2,
    )
    assert mapped is not None and mapped.ticket is not None
    # 15:30 in Kolkata (UTC+5:30) is 10:00Z; queue now comes from Type, not Group
    assert (mapped.ticket["created_at"], mapped.ticket["queue"]) == (T0, "Refund")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[mapping]]\n[mapping.ticket]\nid = "a"\ncreated_at = "b"\n', "mapping 1: files is"),
        ('[[mapping]]\nfiles = "a.csv"\n', "mapping 1: map at least one field"),
        (
            '[[mapping]]\nfiles = "a.csv"\ncolour = "red"\n[mapping.ticket]\nid = "a"\n',
            "mapping 1: unknown key 'colour'",
        ),
        (
            '[[mapping]]\nfiles = "a.csv"\n[mapping.ticket]\nid = "a"\nmood = "b"\n',
            "mapping 1: ticket.mood: not a ticket field",
        ),
        (
            '[[mapping]]\nfiles = "a.csv"\n[mapping.ticket]\nid = "a"\n',
            "mapping 1: ticket.created_at must be mapped",
        ),
        (
            '[[mapping]]\nfiles = "a.csv"\n[mapping.ticket]\nid = "a"\ncreated_at = "b"\n'
            'resolved_at = { from = "closed_at", add = "c" }\n',
            "mapping 1: ticket.resolved_at: from 'closed_at', which is not mapped",
        ),
        (
            '[[mapping]]\nfiles = "a.csv"\n[mapping.ticket]\nid = "a"\n'
            'created_at = { from = "updated_at" }\nupdated_at = { from = "created_at" }\n',
            "in a circle",
        ),
        (
            '[[mapping]]\nfiles = "a.csv"\n[mapping.ticket]\nid = "a"\ncreated_at = "b"\n'
            'first_response_at = { from = "created_at", add = "w", unit = "fortnights" }\n',
            "unit must be one of seconds, minutes, hours",
        ),
        (
            '[[mapping]]\nfiles = "a.csv"\n[mapping.ticket]\nid = "a"\n'
            'created_at = { column = "b", value = "c" }\n',
            "give exactly one of column, columns, value, row or from",
        ),
        ('[[mapping]]\nfiles = "a.csv"\npreset = "zendesk"\n', "preset 'zendesk' is not one"),
        (
            '[[mapping]]\nfiles = "a.csv"\ntimezone = "Mars/Olympus"\n[mapping.ticket]\n'
            'id = "a"\ncreated_at = "b"\n',
            "timezone 'Mars/Olympus' is not a known time zone",
        ),
        ('mapping = "calls.csv"\n', "mapping must be an array of tables"),
        (
            '[[mapping]]\nfiles = "a.xlsx"\nsheet = ""\n[mapping.ticket]\nid = "a"\n'
            'created_at = "b"\n',
            "mapping 1: sheet must be the name of a worksheet",
        ),
    ],
)
def test_mappings_that_could_never_work_are_config_errors(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_config(None, path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_mapping_errors_are_value_errors_with_the_key() -> None:
    with pytest.raises(MappingError, match=r"ticket\.id: a column name cannot be empty"):
        parse_mapping({"files": "a", "ticket": {"id": " "}}, name="m", origin="o")
