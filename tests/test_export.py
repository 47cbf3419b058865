"""CSV export: cells arrive in a spreadsheet as data, and files are private and never reused."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest

from cxtui.export import export_folder, guarded, write_csv


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("T-001", "T-001"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_cell_that_could_run_as_a_formula_is_written_as_text(cell: str, written: str) -> None:
    assert guarded(cell) == written


def test_write_csv_makes_a_private_new_file_each_time(tmp_path: Path) -> None:
    rows = [["T-1", "=cmd|' /C calc'!A0"], ["T-2", 'say "hi", then\nleave']]
    first, count = write_csv(tmp_path, "open", ["Ticket", "Subject"], rows, now=0)
    second, _ = write_csv(tmp_path, "open", ["Ticket", "Subject"], rows, now=0)
    assert count == 2
    assert first != second and second.name.endswith("-2.csv")
    for path in (first, second):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with first.open(encoding="utf-8", newline="") as file:
        assert list(csv.reader(file)) == [
            ["Ticket", "Subject"],
            ["T-1", "'=cmd|' /C calc'!A0"],
            ["T-2", 'say "hi", then\nleave'],
        ]


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path, _ = write_csv(tmp_path, "x", ["A"], [["1"]], now=0)
    path.write_text("mine", encoding="utf-8")
    again, _ = write_csv(tmp_path, "x", ["A"], [["2"]], now=0)
    assert path.read_text(encoding="utf-8") == "mine"
    assert again != path


def test_exports_go_to_downloads_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path)
    assert export_folder() == tmp_path
    (tmp_path / "home" / "Downloads").mkdir()
    assert export_folder() == tmp_path / "home" / "Downloads"
