"""Survey segments end to end: a [[mapping]] keeps named survey columns, and
`cxtui report --by segment:NAME` breaks NPS, CSAT and CES down by their values, worked out
by hand, without inventing a ticket."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxtui.ingest.mapping import MappingError, parse_mapping
from tests.cli_helpers import run_cli
from tests.ingest_helpers import make_loader, rows

CONFIG = """
[[mapping]]
files = "survey-export-*.csv"
segments = ["Product", "Region"]
[mapping.survey]
id = "Response ID"
submitted_at = "Submitted"
kind = "Kind"
score = "Score"
"""
EXPORT = """Response ID,Submitted,Kind,Score,Product,Region,Channel
r1,2026-11-09T10:00:00Z,nps,10,Cards,EU,web
r2,2026-11-09T11:00:00Z,nps,3,Cards,US,web
r3,2026-11-09T12:00:00Z,nps,9,Loans, EU ,app
r4,2026-11-09T13:00:00Z,nps,8,Loans,,app
r5,2026-11-09T14:00:00Z,csat,5,Cards,EU,web
r6,2026-11-09T15:00:00Z,csat,2,Cards,EU,web
r7,2026-11-09T16:00:00Z,ces,6,Cards,US,web
r8,2026-10-01T16:00:00Z,nps,0,Cards,EU,web
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "cxtui.toml").write_text(CONFIG)
    (data / "survey-export-11.csv").write_text(EXPORT)
    return data


def _by(folder: Path, by: str) -> dict[str | None, dict[str, object]]:
    outcome = run_cli(
        "report",
        str(folder),
        "--as-of",
        "2026-11-10T00:00:00Z",
        "--window",
        "7d",
        "--format",
        "json",
        "--by",
        by,
    )
    assert outcome.code == 0, outcome.stderr
    found = json.loads(outcome.stdout)["by"]
    assert found["dimension"] == by
    return {row.pop("value"): row for row in found["rows"]}


def test_by_region_worked_by_hand(folder: Path) -> None:
    # r8 is older than the window; " EU " is EU once trimmed; r4 has no region.
    assert _by(folder, "segment:Region") == {
        "EU": {
            "nps": 100.0,  # r1 10 and r3 9: two promoters
            "nps_n": 2,
            "csat_pct": 50.0,  # r5 satisfied, r6 not
            "csat_n": 2,
            "ces_mean": None,
            "ces_n": 0,
        },
        "US": {
            "nps": -100.0,  # r2 3: one detractor
            "nps_n": 1,
            "csat_pct": None,
            "csat_n": 0,
            "ces_mean": 6.0,
            "ces_n": 1,
        },
        None: {
            "nps": 0.0,  # r4 8: a passive
            "nps_n": 1,
            "csat_pct": None,
            "csat_n": 0,
            "ces_mean": None,
            "ces_n": 0,
        },
    }


def test_by_product_and_no_ticket_invented(folder: Path) -> None:
    by_product = _by(folder, "segment:Product")
    assert {p: (r["nps"], r["nps_n"]) for p, r in by_product.items()} == {
        "Cards": (0.0, 2),  # r1 promoter, r2 detractor
        "Loans": (50.0, 2),  # r3 promoter, r4 passive
    }
    loader = make_loader(folder)
    assert rows(loader, "SELECT count(*) FROM ticket") == [(0,)]
    kept = dict(rows(loader, "SELECT id, segments FROM survey WHERE id IN ('r3', 'r4')"))
    assert json.loads(str(kept["r3"])) == {"Product": "Loans", "Region": "EU"}
    assert json.loads(str(kept["r4"])) == {"Product": "Loans"}
    extras = rows(loader, "SELECT extra FROM survey WHERE id = 'r1'")[0][0]
    assert json.loads(str(extras)) == {"Channel": "web"}  # segments are not extras too


def test_a_segment_the_config_does_not_name_is_refused(folder: Path) -> None:
    outcome = run_cli("report", str(folder), "--by", "segment:Channel")
    assert outcome.code == 2
    assert "segment:Product, segment:Region" in outcome.stderr


@pytest.mark.parametrize("segments", [[""], "", [3], {"a": 1}])
def test_segments_must_be_column_names(segments: object) -> None:
    table = {"files": "x.csv", "segments": segments, "survey": {"id": "a"}}
    with pytest.raises(MappingError, match="segments must be a list"):
        parse_mapping(table, name="m", origin="test")


def test_check_names_a_segment_column_the_file_lacks(folder: Path) -> None:
    config = (folder / "cxtui.toml").read_text().replace('"Region"]', '"Region", "Plan"]')
    (folder / "cxtui.toml").write_text(config)
    outcome = run_cli("check", str(folder))
    assert "names column 'Plan', which this file does not have" in outcome.stdout


def test_table_by_segment(folder: Path) -> None:
    outcome = run_cli(
        "report", str(folder), "--as-of", "2026-11-10T00:00:00Z", "--by", "segment:Region"
    )
    assert outcome.code == 0, outcome.stderr
    table = outcome.stdout[outcome.stdout.index("By segment:Region") :].splitlines()
    assert table[1].split() == ["Region", "NPS", "CSAT", "%", "CES", "mean"]
    eu = next(line for line in table if line.strip().startswith("EU "))
    assert eu.split() == ["EU", "100.0", "(n=2)", "50.0", "(n=2)", "—"]
    assert any(line.strip().startswith("(no Region)") for line in table)
