"""Files that are not tickets or surveys: a helpdesk export's users, organisations and agents
sit beside its tickets with `id` and `created_at` columns too. They must not be read as
tickets (a users.csv doubled the created count); they are skipped with the reason, and
`ignore` in the config leaves them unread altogether."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxtui.check import check_folder, check_text, exit_status
from cxtui.config import ConfigError, load_config
from cxtui.ingest.presets import UNKNOWN_KIND
from tests.cli_helpers import cxtui
from tests.ingest_helpers import make_loader, rows

TICKETS = (
    "id,created_at,status,channel\n"
    "T1,2026-11-20T10:00:00Z,open,email\n"
    "T2,2026-11-20T11:00:00Z,solved,chat\n"
)
USERS = (
    "id,created_at,name,email\n"
    "U1,2026-01-02T09:00:00Z,Ana Lima,ana@example.com\n"
    "U2,2026-01-03T09:00:00Z,Ben Ode,ben@example.com\n"
    "U3,2026-01-04T09:00:00Z,Cara Yu,cara@example.com\n"
)


def test_a_users_file_beside_the_tickets_is_skipped_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(TICKETS)
    (tmp_path / "users.csv").write_text(USERS)
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert result.tickets == 2
    assert rows(loader, "SELECT id FROM ticket ORDER BY id") == [("T1",), ("T2",)]
    assert rows(loader, "SELECT count(*) FROM quarantine") == [(0,)]
    assert result.skipped == [f"skipped users.csv: {UNKNOWN_KIND}"]
    assert loader.problems == {"users.csv": UNKNOWN_KIND}
    assert "not recognised as tickets or surveys" in UNKNOWN_KIND


def test_ingest_and_check_say_the_users_file_was_skipped_and_why(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(TICKETS)
    (data / "users.csv").write_text(USERS)
    done = cxtui("ingest", str(data), "--db", str(tmp_path / "x.db"), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"skipped users.csv: {UNKNOWN_KIND}" in done.stderr.splitlines()

    checks = {c.file: c for c in check_folder(data, load_config(data))}
    assert checks["users.csv"].problem == UNKNOWN_KIND
    assert checks["users.csv"].tickets == 0
    assert checks["tickets.csv"].tickets == 2
    assert exit_status(list(checks.values())) == 2
    text = check_text(list(checks.values()), data)
    assert f"  cannot be loaded: {UNKNOWN_KIND}" in text.splitlines()


@pytest.mark.parametrize(
    ("name", "header", "row"),
    [
        ("export.csv", "id,created_at,priority", "A,2026-11-20T10:00:00Z,high"),
        ("export.csv", "id,created_at,first_response_at", "A,2026-11-20T10:00:00Z,"),
        ("export.csv", "id,created_at,resolved_at", "A,2026-11-20T10:00:00Z,"),
        ("tickets-2026-11.csv", "id,created_at,name", "A,2026-11-20T10:00:00Z,x"),
    ],
)
def test_tickets_are_known_by_their_name_or_a_ticket_column(
    tmp_path: Path, name: str, header: str, row: str
) -> None:
    (tmp_path / name).write_text(f"{header}\n{row}\n")
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.skipped) == (1, [])


def test_a_json_document_is_judged_by_all_its_objects(tmp_path: Path) -> None:
    # the first object leaves its empty keys out; the second shows these are tickets
    items = [
        {"id": "A", "created_at": "2026-11-20T10:00:00Z"},
        {"id": "B", "created_at": "2026-11-20T11:00:00Z", "status": "open"},
    ]
    (tmp_path / "export.json").write_text(json.dumps(items))
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.skipped) == (2, [])


def test_check_judges_a_json_array_by_the_columns_of_all_its_objects(tmp_path: Path) -> None:
    items = [
        {"key": "1", "opened": "2026-11-20T10:00:00Z"},
        {"key": "2", "opened": "2026-11-20T11:00:00Z", "owner": "Ana"},
    ]
    (tmp_path / "crm.json").write_text(json.dumps(items))
    (tmp_path / "cxtui.toml").write_text(
        '[[mapping]]\nfiles = "crm.json"\n'
        '[mapping.ticket]\nid = "key"\ncreated_at = "opened"\nagent = "owner"\n'
    )
    [check] = check_folder(tmp_path, load_config(tmp_path))
    assert (check.tickets, check.absent, check.problem) == (2, [], None)
    assert "owner" not in check_text([check], tmp_path)


def test_ignored_files_are_not_read_and_check_lists_them(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(TICKETS)
    (tmp_path / "users.csv").write_text(USERS)
    (tmp_path / "Organizations.csv").write_text(USERS.replace("U", "O"))
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "tickets-old.csv").write_text(TICKETS.replace("T", "X"))
    patterns = 'ignore = ["users*.csv", "organizations.*", "archive/*"]\n'
    (tmp_path / "cxtui.toml").write_text(patterns)
    config = load_config(tmp_path)
    assert config.ignore == ("users*.csv", "organizations.*", "archive/*")
    loader = make_loader(tmp_path, ignore=config.ignore)
    result = loader.load_all()
    assert (result.tickets, result.skipped) == (2, [])
    assert rows(loader, "SELECT path FROM source_file") == [("tickets.csv",)]
    assert sorted(p.name for p in loader.ignored_files()) == [
        "Organizations.csv",
        "tickets-old.csv",
        "users.csv",
    ]

    checks = check_folder(tmp_path, config)
    assert exit_status(checks) == 0
    lines = check_text(checks, tmp_path).splitlines()
    assert "users.csv: ignored (a pattern in ignore)" in lines
    assert "archive/tickets-old.csv: ignored (a pattern in ignore)" in lines
    assert lines[-1] == "4 files: 1 ready, 0 need attention, 3 ignored"


def test_only_ignored_files_is_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text(USERS)
    (tmp_path / "cxtui.toml").write_text('ignore = ["users.csv"]\n')
    assert exit_status(check_folder(tmp_path, load_config(tmp_path))) == 2


@pytest.mark.parametrize("value", ["[1]", '[""]', "{ a = 1 }", "true"])
def test_a_bad_ignore_is_a_config_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "cxtui.toml").write_text(f"ignore = {value}\n")
    with pytest.raises(ConfigError, match="ignore must list file patterns"):
        load_config(tmp_path)
