"""Every mapping form docs/formats.md shows works as it says: each form of the field table and
each `[[mapping]]` example parses, and the forms the issue found undocumented (columns with a
value table, `from` without `add`, a constant time) load through the loader as described."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cxtui.config import load_config
from cxtui.ingest.mapping import parse_field
from tests.ingest_helpers import make_loader, rows

DOC = Path(__file__).parent.parent / "docs" / "formats.md"
MAPPING_SECTION = DOC.read_text().split("# Mapping any other export", 1)[1]


def _table_forms() -> list[str]:
    """The `field = …` forms in the first column of the mapping field table."""
    table = MAPPING_SECTION.split("| form | meaning |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `([a-z_]+ = .+?)` \|", table, flags=re.MULTILINE)


def _toml_blocks() -> list[str]:
    return [
        block
        for block in re.findall(r"```toml\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
        if "[[mapping]]" in block
    ]


def test_the_documentation_shows_the_forms_that_work() -> None:
    forms = _table_forms()
    # columns with values, from without add, and a constant time are written down
    assert any("columns = [" in f and "values = {" in f for f in forms)
    assert any("from = " in f and "add = " not in f and "ticket." not in f for f in forms)
    assert any(f.startswith("submitted_at = { value = ") for f in forms)


@pytest.mark.parametrize("form", _table_forms())
def test_each_form_of_the_field_table_parses(form: str) -> None:
    target, spec = next(iter(tomllib.loads(form).items()))
    assert parse_field(spec, target)


@pytest.mark.parametrize("block", _toml_blocks())
def test_each_mapping_example_is_a_mapping_cxtui_accepts(block: str, tmp_path: Path) -> None:
    (tmp_path / "cxtui.toml").write_text(block)
    assert load_config(tmp_path, tmp_path / "cxtui.toml").mappings


def load(tmp_path: Path, toml: str, name: str, text: str) -> object:
    (tmp_path / "cxtui.toml").write_text(toml)
    (tmp_path / name).write_text(text)
    mappings = load_config(tmp_path, tmp_path / "cxtui.toml").mappings
    loader = make_loader(tmp_path, settle_seconds=0, mappings=mappings)
    loader.load_all()
    return loader


def test_two_columns_read_through_one_value_table(tmp_path: Path) -> None:
    loader = load(
        tmp_path,
        '[[mapping]]\nfiles = "log.csv"\n[mapping.ticket]\nid = "Id"\ncreated_at = "At"\n'
        'status = { columns = ["Answered", "Resolved"], values = { "Y Y" = "solved", '
        '"Y N" = "unresolved", N = "abandoned" } }\n',
        "log.csv",
        "Id,At,Answered,Resolved\n"
        "a,2026-11-19T09:00:00Z,Y,Y\n"
        "b,2026-11-19T09:01:00Z,y,n\n"
        "c,2026-11-19T09:02:00Z,N,\n"
        "d,2026-11-19T09:03:00Z,N,Y\n",
    )
    got = rows(loader, "SELECT id, status FROM ticket ORDER BY id")  # type: ignore[arg-type]
    assert got == [("a", "solved"), ("b", "unresolved"), ("c", "abandoned")]
    # "N Y" is in no table and no status: it passes through and is judged as usual
    assert rows(loader, "SELECT line, reason FROM quarantine") == [  # type: ignore[arg-type]
        (5, "unknown status 'N Y'")
    ]


def test_from_without_add_copies_another_field(tmp_path: Path) -> None:
    loader = load(
        tmp_path,
        '[[mapping]]\nfiles = "log.csv"\n[mapping.ticket]\nid = "Id"\ncreated_at = "Opened"\n'
        'resolved_at = "Closed"\n'
        'updated_at = [{ from = "resolved_at" }, { from = "created_at" }]\n',
        "log.csv",
        "Id,Opened,Closed\n"
        "a,2026-11-19T09:00:00Z,2026-11-19T11:00:00Z\n"
        "b,2026-11-19T10:00:00Z,\n"
        # a later version of a, still open: older by its updated_at, so the closed one wins
        "a,2026-11-19T09:00:00Z,\n",
    )
    closed = int(datetime(2026, 11, 19, 11, tzinfo=UTC).timestamp())
    b_opened = int(datetime(2026, 11, 19, 10, tzinfo=UTC).timestamp())
    got = rows(loader, "SELECT id, updated_at, resolved_at FROM ticket ORDER BY id")  # type: ignore[arg-type]
    assert got == [("a", closed, closed), ("b", b_opened, None)]


def test_a_constant_time_is_read_with_the_mappings_format_and_zone(tmp_path: Path) -> None:
    loader = load(
        tmp_path,
        '[[mapping]]\nfiles = "round.csv"\ntimezone = "Europe/Berlin"\n'
        'time_format = "%d/%m/%Y"\n[mapping.survey]\nid = { row = true }\n'
        'submitted_at = { value = "02/11/2026" }\nkind = { value = "nps" }\nscore = "Score"\n',
        "round.csv",
        "Score\n9\n3\n",
    )
    midnight = int(datetime(2026, 11, 2, tzinfo=ZoneInfo("Europe/Berlin")).timestamp())
    got = rows(loader, "SELECT id, submitted_at, score FROM survey ORDER BY id")  # type: ignore[arg-type]
    assert got == [("round.csv:2", midnight, 9), ("round.csv:3", midnight, 3)]
