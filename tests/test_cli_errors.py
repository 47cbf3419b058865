"""Every mistake at the command line is one clear line on stderr that names its option, exit 2.

SQLAlchemy's "(Background on this error …)" line and its echo of the SQL never reach the
person, and a mistyped --db folder is reported instead of created.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.cli_helpers import Outcome, run_cli

TICKETS = "id,created_at,status\nA,2026-11-20T10:00:00Z,open\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(TICKETS)
    return data


@pytest.fixture(autouse=True)
def no_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistake must stop `cxtui open` before the app starts; if it does not, fail at once."""

    def run_app(*_args: object, **_kwargs: object) -> int:
        raise AssertionError("the app started")

    monkeypatch.setattr("cxtui.tui.app.run_app", run_app)


def one_line(result: Outcome) -> str:
    assert result.code == 2, result
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.endswith("\n")
    return result.stderr.removesuffix("\n")


def test_a_file_that_is_not_a_database(folder: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("root:x:0:0:root:/root:/bin/bash\n" * 20)
    line = one_line(run_cli("report", str(folder), "--db", str(notes)))
    assert line == f"cxtui: {notes} is not a cxtui database (file is not a database)"
    assert notes.read_text() == "root:x:0:0:root:/root:/bin/bash\n" * 20


def test_another_programs_database_is_left_alone(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "places.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE bookmarks (url TEXT)")
    db.close()
    line = one_line(run_cli("ingest", str(folder), "--db", str(other)))
    assert line == f"cxtui: {other} is not a cxtui database (it holds other tables: bookmarks)"
    with sqlite3.connect(other) as db:
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    db.close()
    assert tables == [("bookmarks",)]


@pytest.mark.parametrize("command", ["report", "ingest", "open"])
def test_a_db_in_a_folder_that_does_not_exist_is_not_created(
    command: str, folder: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    line = one_line(run_cli(command, str(folder), "--db", str(missing / "x.db")))
    assert line == f"cxtui: no such folder for --db: {missing}"
    assert not (tmp_path / "no").exists()


def test_cxtui_db_in_a_folder_that_does_not_exist(folder: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    result = run_cli("report", str(folder), env={"CXTUI_DB": str(missing / "x.db")})
    assert one_line(result) == f"cxtui: no such folder for CXTUI_DB: {missing}"
    assert not missing.exists()


def test_a_db_that_is_a_folder(folder: Path, tmp_path: Path) -> None:
    line = one_line(run_cli("report", str(folder), "--db", str(tmp_path)))
    assert line == f"cxtui: --db is a folder, not a database file: {tmp_path}"


def test_simulate_end_names_its_own_option(tmp_path: Path) -> None:
    line = one_line(run_cli("simulate", str(tmp_path / "sim"), "--end", "garbage"))
    assert line.startswith("cxtui: bad --end: ")
    assert "--as-of" not in line
    assert not (tmp_path / "sim").exists()


def test_simulate_into_a_file(tmp_path: Path) -> None:
    target = tmp_path / "tickets.csv"
    target.write_text(TICKETS)
    assert one_line(run_cli("simulate", str(target))) == f"cxtui: not a folder: {target}"


@pytest.mark.parametrize("command", ["report", "ingest", "check"])
def test_a_data_dir_that_is_a_file(command: str, folder: Path) -> None:
    target = folder / "tickets.csv"
    assert one_line(run_cli(command, str(target))) == f"cxtui: not a folder: {target}"


@pytest.mark.parametrize("command", ["report", "ingest", "check", "open"])
def test_a_missing_config_file_names_config(command: str, folder: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    line = one_line(run_cli(command, str(folder), "--config", str(missing)))
    assert line == f"cxtui: no such file for --config: {missing}"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["report", "{folder}", "--window", "7x"], "--window"),
        (["report", "{folder}", "--as-of", "soon"], "--as-of"),
        (["report", "{folder}", "--sl-target", "-1"], "--sl-target"),
        (["report", "{folder}", "--clock", "lunar"], "--clock"),
        (["report", "{folder}", "--format", "xml"], "--format"),
        (["simulate", "{folder}", "--days", "x"], "--days"),
        (["simulate", "{folder}", "--end", ""], "--end"),
        (["demo", "--rate", "0"], "--rate"),
        (["open", "{folder}", "--window", "0h"], "--window"),
        (["open", "{folder}", "--as-of", "2026-13-01"], "--as-of"),
        (["report"], "DATA_DIR"),
        (["report", "{folder}", "--nope"], "--nope"),
    ],
)
def test_every_option_error_names_its_option(folder: Path, args: list[str], option: str) -> None:
    line = one_line(run_cli(*[a.replace("{folder}", str(folder)) for a in args]))
    assert line.startswith("cxtui: ")
    assert option in line


def _malformed(*_args: object, **_kwargs: object) -> None:
    raise OperationalError(
        "SELECT count(*)\nFROM ticket",
        {},
        sqlite3.DatabaseError("database disk image is malformed"),
    )


def test_a_database_error_while_reading_is_one_line(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cxtui.metrics.dashboard", _malformed)
    line = one_line(run_cli("report", str(folder), "--db", str(tmp_path / "x.db")))
    assert line == "cxtui: cannot read database: database disk image is malformed"


def test_a_database_error_while_loading_is_one_line(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cxtui.ingest.loader.Loader.load_all", _malformed)
    db = tmp_path / "x.db"
    line = one_line(run_cli("ingest", str(folder), "--db", str(db)))
    assert line == f"cxtui: cannot load into {db}: database disk image is malformed"


def test_a_database_error_no_command_expected_is_still_one_line(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cxtui.check.check_folder", _malformed)
    line = one_line(run_cli("check", str(folder)))
    assert line == "cxtui: database error: database disk image is malformed"
