"""A one-shot `cxtui ingest` loads with the cyclic collector set aside, and puts it back."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from cxtui.ingest import collector
from cxtui.ingest.loader import Loader
from tests.cli_helpers import run_cli


def test_collecting_rarely_freezes_and_restores() -> None:
    before = gc.get_threshold()
    with collector.collecting_rarely():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (
            collector.FIRST_GENERATION_ALLOCATIONS,
            collector.OLDER_GENERATION_RUNS,
            collector.OLDER_GENERATION_RUNS,
        )
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_restored_after_a_load_that_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collector.collecting_rarely():
        raise RuntimeError("the load stopped")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_ingest_loads_with_the_collector_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tickets.csv").write_text("id,created_at\nT1,2026-11-20T10:00:00Z\n")
    seen: list[tuple[int, int, int]] = []
    load_all = Loader.load_all

    def watched(self: Loader):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold())
        return load_all(self)

    monkeypatch.setattr(Loader, "load_all", watched)
    before = gc.get_threshold()
    outcome = run_cli("ingest", str(tmp_path))
    assert outcome.code == 0, outcome.stderr
    assert seen == [
        (
            collector.FIRST_GENERATION_ALLOCATIONS,
            collector.OLDER_GENERATION_RUNS,
            collector.OLDER_GENERATION_RUNS,
        )
    ]
    assert gc.get_threshold() == before
