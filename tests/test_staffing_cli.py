"""`cxtui staffing`: the documented options and JSON keys, one-line errors with exit 2."""

from __future__ import annotations

import json

import pytest

from cxtui.staffing import erlang_a_staffing
from tests.cli_helpers import run_cli

CCH = ("--contacts", "100", "--interval", "30m", "--aht", "180", "--target-seconds", "20")
KEYS = [
    "traffic_erlangs",
    "agents",
    "scheduled_agents",
    "service_level",
    "p_wait",
    "asa_seconds",
    "occupancy",
]


def staffing_json(*args: str) -> dict[str, object]:
    result = run_cli("staffing", *args, "--format", "json")
    assert result.code == 0, result
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_the_requirement_for_call_centre_helpers_example() -> None:
    found = staffing_json(
        *CCH, "--service-level", "0.8", "--max-occupancy", "0.85", "--shrinkage", "0.3"
    )
    assert list(found) == KEYS
    assert found["traffic_erlangs"] == pytest.approx(10.0)
    assert (found["agents"], found["scheduled_agents"]) == (14, 20)
    assert found["service_level"] == pytest.approx(0.888, abs=0.0005)
    assert found["p_wait"] == pytest.approx(0.1741, abs=0.00005)
    assert found["asa_seconds"] == pytest.approx(7.8, abs=0.05)
    assert found["occupancy"] == pytest.approx(0.714, abs=0.0005)


def test_agents_gives_the_figures_for_that_many() -> None:
    found = staffing_json(*CCH, "--agents", "13")
    assert found["agents"] == 13
    assert found["scheduled_agents"] == 13  # no shrinkage given
    assert found["service_level"] == pytest.approx(0.796, abs=0.0005)


def test_too_few_agents_is_figures_not_an_error() -> None:
    found = staffing_json(*CCH, "--agents", "10")
    assert (found["p_wait"], found["service_level"], found["asa_seconds"]) == (1.0, 0.0, None)


def test_patience_switches_to_erlang_a() -> None:
    found = staffing_json(*CCH, "--agents", "12", "--patience", "90")
    assert list(found) == [*KEYS, "abandon_rate"]
    expected = erlang_a_staffing(12, 10.0, 180.0, 20.0, 90.0)
    assert found["abandon_rate"] == pytest.approx(expected.abandon_rate)
    assert found["service_level"] == pytest.approx(expected.service_level)
    required = staffing_json(*CCH, "--patience", "90")
    assert required["agents"] < 14  # callers who hang up need fewer agents than Erlang C


def test_table_names_each_figure() -> None:
    result = run_cli("staffing", *CCH, "--shrinkage", "0.3")
    assert result.code == 0, result
    assert "agents           14" in result.stdout
    assert "scheduled        20" in result.stdout
    assert "88.8%" in result.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--contacts", "100", "--aht", "180", "--interval", "half an hour"), "--interval"),
        (("--contacts", "-3", "--aht", "180"), "--contacts"),
        (("--contacts", "100", "--aht", "0"), "--aht"),
        (("--contacts", "100", "--aht", "180", "--service-level", "1"), "--service-level"),
        (("--contacts", "100", "--aht", "180", "--shrinkage", "1.5"), "--shrinkage"),
        (("--contacts", "100", "--aht", "180", "--max-occupancy", "0"), "--max-occupancy"),
        (("--contacts", "100", "--aht", "180", "--patience", "-1"), "--patience"),
        (
            (
                "--aht",
                "180",
            ),
            "--contacts",
        ),
    ],
)
def test_a_bad_option_is_one_line_naming_it(args: tuple[str, ...], named: str) -> None:
    result = run_cli("staffing", *args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert named in result.stderr
    assert "such option" not in result.stderr  # the value is wrong, not the option
