"""The bundled sample is read only: its database goes to the user's cache, never beside it.

Installed as a tool, the sample lives in site-packages (or in files uv hard-links from its
cache), and in a clone it is the repository's sample_data: neither is for writing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from cxtui.cli import bundled_sample_data
from tests.cli_helpers import run_cli

REPO = Path(__file__).resolve().parents[1]


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
    }


def test_the_sample_database_goes_to_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("CXTUI_DB", raising=False)
    opened: list[tuple[Path, Path]] = []

    def run_app(folder: Path, db_path: Path, **_kwargs: object) -> int:
        opened.append((folder, db_path))
        return 0

    monkeypatch.setattr("cxtui.tui.app.run_app", run_app)
    sample = bundled_sample_data()
    assert (sample / "tickets.csv").is_file()
    before = _tree(sample)
    result = run_cli()
    assert result.code == 0, result.stderr
    [(folder, db_path)] = opened
    assert folder == sample
    assert db_path.parent == cache / "cxtui"
    assert db_path.is_file()
    assert _tree(sample) == before


def test_db_and_cxtui_db_still_choose_the_sample_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    opened: list[Path] = []
    monkeypatch.setattr(
        "cxtui.tui.app.run_app", lambda _folder, db_path, **_kw: opened.append(db_path) or 0
    )
    assert run_cli("--db", str(tmp_path / "mine.db")).code == 0
    assert run_cli(env={"CXTUI_DB": str(tmp_path / "env.db")}).code == 0
    assert opened == [tmp_path / "mine.db", tmp_path / "env.db"]


def _copy_project(into: Path) -> Path:
    project = into / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", ".gitignore"):
        shutil.copy2(REPO / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", ".cxtui", "*.db*")
    shutil.copytree(REPO / "src", project / "src", ignore=ignore)
    shutil.copytree(REPO / "sample_data", project / "sample_data", ignore=ignore)
    return project


def _build(project: Path, kind: str) -> list[str]:
    out = project / "dist"
    subprocess.run(
        ["uv", "build", f"--{kind}", "--out-dir", str(out), str(project)],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "UV_NO_PROGRESS": "1"},
    )
    if kind == "wheel":
        [wheel] = out.glob("*.whl")
        return zipfile.ZipFile(wheel).namelist()
    [sdist] = out.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        return tar.getnames()


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_the_package_never_carries_a_database(tmp_path: Path, kind: str) -> None:
    project = _copy_project(tmp_path)
    # what running cxtui on the sample from a clone used to leave behind
    left = project / "sample_data" / ".cxtui"
    left.mkdir()
    for name in ("cxtui.db", "cxtui.db-wal", "cxtui.db-shm", "cxtui.db.lock"):
        (left / name).write_text("rows")
    (project / "sample_data" / "stray.db").write_text("rows")
    names = _build(project, kind)
    assert [n for n in names if ".cxtui" in n or ".db" in n] == []
    samples = sorted(p.name for p in (REPO / "sample_data").iterdir() if p.is_file())
    prefix = "cxtui/sample_data/" if kind == "wheel" else "cxtui-0.1.0/sample_data/"
    shipped = sorted(n.removeprefix(prefix) for n in names if n.startswith(prefix))
    assert shipped == samples
