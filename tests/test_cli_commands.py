"""What `simulate`, `ingest` and `open` say and refuse: what was written, a clean progress
line, every --window unit, and a viewer that creates no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxtui import store
from cxtui.ingest.loader import Progress
from cxtui.user_state import remember, state_path
from tests.cli_helpers import run_cli
from tests.test_cli_errors import no_app, one_line

pytestmark = pytest.mark.usefixtures(no_app.__name__)

TICKETS = "id,created_at,status\nA,2026-11-20T10:00:00Z,open\n"


def terminal_line(written: str) -> str:
    """What a terminal shows after `written`: each carriage return draws over the line."""
    shown = ""
    for part in written.split("\r"):
        shown = part + shown[len(part) :]
    return shown


def test_simulate_says_what_it_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "sim"
    result = run_cli("simulate", str(folder), "--days", "1", "--rate", "2", "--seed", "3", "--end",
                     "2026-11-20T12:00:00Z")  # fmt: skip
    assert result.code == 0, result
    tickets = (folder / "tickets.csv").read_text().count("\n") - 1  # less the header
    surveys = (folder / "surveys.jsonl").read_text().count("\n")
    ticket_ids = {line.split(",")[0] for line in (folder / "tickets.csv").read_text().splitlines()}
    s = "" if surveys == 1 else "s"
    assert result.stdout.splitlines() == [
        f"wrote {folder / 'tickets.csv'}: {tickets} rows ({len(ticket_ids) - 1} tickets)",
        f"wrote {folder / 'surveys.jsonl'}: {surveys} row{s}",
        "covering 2026-11-19 12:00 to 2026-11-20 12:00 UTC",
    ]


def test_simulate_will_not_overwrite_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "sim"
    folder.mkdir()
    (folder / "tickets.csv").write_text(TICKETS)
    line = one_line(run_cli("simulate", str(folder), "--days", "1", "--rate", "1"))
    assert line == f"cxtui: tickets.csv already in {folder}; --force overwrites it"
    assert (folder / "tickets.csv").read_text() == TICKETS
    assert not (folder / "surveys.jsonl").exists()
    forced = run_cli("simulate", str(folder), "--days", "1", "--rate", "1", "--force")
    assert forced.code == 0
    assert (folder / "tickets.csv").read_text() != TICKETS


def test_progress_leaves_no_stale_characters(capsys: pytest.CaptureFixture[str]) -> None:
    from cxtui.cli import ProgressLine

    line = ProgressLine()
    line.progress(Progress("a-very-long-file-name.csv", 50, 100, 1))
    line.show("loaded 2 rows — b.csv 100 %")
    line.show("loaded 2 rows", final=True)
    written = capsys.readouterr().err
    shown = [terminal_line(part) for part in written.split("\n")]
    assert written.count("\r") == 3
    assert shown[0].rstrip() == "loaded 2 rows"
    first = written.split("\r")[1]
    assert first == "loaded 1 row — a-very-long-file-name.csv 50 %"


def test_ingest_says_one_row(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "tickets.csv").write_text(TICKETS)
    result = run_cli("ingest", str(folder), "--db", str(tmp_path / "x.db"))
    assert terminal_line(result.stderr).rstrip() == (
        "loaded 1 ticket row and 0 survey rows from 1 file; 0 quarantined"
    )


@pytest.mark.parametrize("command", ["open", "report"])
def test_window_help_names_every_unit(command: str) -> None:
    text = " ".join(run_cli(command, "--help").stdout.split())
    for unit in ("s (seconds)", "m (minutes)", "h (hours)", "d (days)"):
        assert unit in text


def test_no_ingest_creates_no_database(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / ".cxtui" / "cxtui.db"
    line = one_line(run_cli("open", str(folder), "--no-ingest"))
    assert line == (
        f"cxtui: no database at {db}: --no-ingest only reads one (leave it out to load the folder)"
    )
    assert list(folder.iterdir()) == []


def test_a_viewer_opens_the_database_read_only(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with pytest.raises(FileNotFoundError):
        store.open_engine(path, writable=False)
    assert not path.exists()
    store.open_engine(path).dispose()
    engine = store.open_engine(path, writable=False)
    assert store.read_only(engine)
    engine.dispose()


def test_open_starts_with_the_remembered_window_and_theme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    started: dict[str, object] = {}

    def run_app(*_args: object, **options: object) -> int:
        started.update(options)
        return 0

    monkeypatch.setattr("cxtui.tui.app.run_app", run_app)
    remember(state_path(), theme="nord", window="4h")
    assert run_cli("open", str(folder)).code == 0
    assert started["window_seconds"] == 4 * 3600
    assert started["theme"] == "nord"
    assert run_cli("open", str(folder), "--window", "30d").code == 0
    assert started["window_seconds"] == 30 * 86400
    remember(state_path(), window="garbled")
    assert run_cli("open", str(folder)).code == 0
    assert started["window_seconds"] == 7 * 86400  # the config's default
