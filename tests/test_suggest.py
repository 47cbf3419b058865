"""`cxtui check` suggests a mapping to start from for a file no mapping names that looks like a
call log or a survey: printed, never written, and good enough that the call log loads when it
is copied into cxtui.toml as it is."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from cxtui.check import check_folder, check_text
from cxtui.config import Config, load_config
from cxtui.ingest.suggest import suggest_mapping, toml_string
from tests.cli_helpers import raw_controls

FIXTURES = Path(__file__).parent / "presets"
LEAD = "a mapping to start from (check it, then add it to cxtui.toml):"


def checked(data: Path) -> str:
    toml = data / "cxtui.toml"
    config = load_config(data, toml) if toml.exists() else Config()
    return check_text(check_folder(data, config), data)


def suggested_block(text: str, file: str) -> str:
    """The mapping printed under one file, without its indent."""
    lines = text.splitlines()
    start = lines.index(f"{file}: " + next(
        line.split(": ", 1)[1] for line in lines if line.startswith(f"{file}: ")
    ))  # fmt: skip
    lead = next(i for i in range(start, len(lines)) if lines[i].endswith(LEAD))
    block = []
    for line in lines[lead + 1 :]:
        if line and not line.startswith("    "):
            break
        block.append(line.removeprefix("    "))
    return "\n".join(block).strip() + "\n"


def test_a_call_log_read_only_for_its_scores_gets_a_call_log_mapping_that_loads(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "call-outcomes-2026-11.csv", data)
    text = checked(data)
    # without a mapping the generic survey preset reads its satisfaction scores, not its calls
    assert "call-outcomes-2026-11.csv: preset generic-survey" in text
    assert f"  it looks like a call log; {LEAD}" in text
    block = suggested_block(text, "call-outcomes-2026-11.csv")
    mapping = tomllib.loads(block)["mapping"][0]
    assert mapping["files"] == "call-outcomes-2026-11.csv"
    assert mapping["ticket"]["status"] == {
        "columns": ["Answered (Y/N)", "Resolved"],
        "values": {
            "Y Y": "solved",
            "Yes Yes": "solved",
            "Y N": "unresolved",
            "Yes No": "unresolved",
            "N N": "abandoned",
            "No No": "abandoned",
            "N": "abandoned",
            "No": "abandoned",
        },
    }
    # printed, not written
    assert sorted(p.name for p in data.iterdir()) == ["call-outcomes-2026-11.csv"]
    # copied as it is, it reads every call and every score
    (data / "cxtui.toml").write_text(block)
    after = checked(data)
    assert "  would load 9 ticket rows and 7 survey rows" in after.splitlines()
    assert "quarantined" not in after and LEAD not in after
    assert after.splitlines()[-1] == "1 file: 1 ready, 0 need attention"


def test_a_skipped_call_log_with_its_own_date_format_says_where_to_set_it(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "calls-2026-11.csv", data)
    text = checked(data)
    assert "  cannot be loaded: no 'id' and 'created_at' column" in text
    block = suggested_block(text, "calls-2026-11.csv")
    assert '# time_format = "%d/%m/%Y %H:%M:%S"' in block
    ticket = tomllib.loads(block)["mapping"][0]["ticket"]
    assert ticket["id"] == {"row": True}
    assert ticket["created_at"] == {"columns": ["Date", "Time"]}
    assert ticket["first_response_at"] == {"from": "created_at", "add": "Speed of Answer"}
    assert ticket["handle_seconds"] == "Talk Duration"
    # with the format line uncommented, the calls load (the 31/02 row and the score of 9 are
    # the fixture's own bad rows)
    (data / "cxtui.toml").write_text(block.replace("# time_format", "time_format", 1))
    after = checked(data).splitlines()
    assert "  would load 7 ticket rows and 3 survey rows" in after
    assert "  2 rows would be quarantined; the first:" in after


def test_a_survey_without_dates_gets_a_date_to_fill_in_that_does_not_load_as_it_is(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "round-3.csv").write_text("Respondent,Satisfaction,Comments\nr1,4,ok\nr2,2,slow\n")
    text = checked(data)
    assert f"  it looks like a survey; {LEAD}" in text
    block = suggested_block(text, "round-3.csv")
    survey = tomllib.loads(block)["mapping"][0]["survey"]
    assert survey == {
        "id": {"row": True},
        "submitted_at": {"value": "YYYY-MM-DD"},
        "kind": {"value": "csat"},
        "score": "Satisfaction",
        "comment": "Comments",
    }
    (data / "cxtui.toml").write_text(block)
    unfilled = checked(data)
    assert "    line 2: bad timestamp in submitted_at: 'YYYY-MM-DD'" in unfilled.splitlines()
    (data / "cxtui.toml").write_text(block.replace("YYYY-MM-DD", "2026-11-02"))
    assert "  would load 2 survey rows" in checked(data).splitlines()


def test_no_suggestion_for_a_file_that_is_neither_or_that_a_mapping_names(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "users.csv").write_text("id,name,created_at\n1,Ana,2026-11-01\n")
    (data / "nps.csv").write_text("id,date,score\n1,2026-11-01,9\n")
    shutil.copy(FIXTURES / "calls-2026-11.csv", data)
    (data / "cxtui.toml").write_text(
        '[[mapping]]\nfiles = "calls-*.csv"\n[mapping.ticket]\nid = "Nope"\ncreated_at = "Date"\n'
    )
    text = checked(data)
    assert LEAD not in text
    assert "users.csv: not recognised" in text
    # a survey file the generic preset reads needs nothing
    assert "nps.csv: preset generic-survey" in text


def test_column_names_are_toml_strings_a_terminal_shows_literally() -> None:
    nasty = 'Call "Id"\\\x1b[2J\u202e\U000e0041'
    suggestion = suggest_mapping("calls[1]*.csv", [nasty, "Date", "Time", "Answered", "Talk"])
    assert suggestion is not None and suggestion.looks_like == "a call log"
    assert raw_controls(suggestion.toml) == []
    mapping = tomllib.loads(suggestion.toml)["mapping"][0]
    # the name is matched literally, brackets and stars too
    assert mapping["files"] == "calls[[]1][*].csv"
    assert tomllib.loads(f"x = {toml_string(nasty)}")["x"] == nasty
