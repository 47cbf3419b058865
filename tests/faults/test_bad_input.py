"""Bad input: each gets a clear reason in quarantine (or loads, when it is only unusual), and
the rows around it load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ingest_helpers import make_loader, rows


def load_jsonl(tmp_path: Path, records: list[object]) -> tuple[object, ...]:
    good = {"id": "good", "created_at": 1}
    lines = [json.dumps(good | {"id": "before"})]
    lines += [json.dumps(r) for r in records]
    lines.append(json.dumps(good | {"id": "after"}))
    (tmp_path / "tickets.jsonl").write_text("\n".join(lines) + "\n")
    loader = make_loader(tmp_path)
    loader.load_all()
    return (
        rows(loader, "SELECT id FROM ticket WHERE id IN ('before', 'after') ORDER BY id"),
        rows(loader, "SELECT reason FROM quarantine ORDER BY line"),
        loader,
    )


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"id": "x", "created_at": "2026-11-20T10:00:00+25:00"}, "bad timestamp in created_at"),
        ({"id": "x", "created_at": {"nested": 1}}, "bad timestamp in created_at"),
        ({"id": "x", "created_at": True}, "bad timestamp in created_at: True"),
        ({"id": "x", "created_at": 1, "reopens": "two"}, "not a whole number in reopens: 'two'"),
        ({"id": "x", "created_at": 1, "reopens": 1.5}, "not a whole number in reopens: 1.5"),
        ({"id": "x", "created_at": 1, "reopens": -1}, "negative reopens: -1"),
        ({"id": "x", "created_at": 10**30}, "timestamp out of range in created_at"),
        ({"id": "x", "created_at": "9" * 400}, "bad timestamp in created_at"),
        ({"id": "x", "created_at": "0001-01-01T00:00:00"}, "timestamp out of range"),
        ({"id": "x", "created_at": 1, "reopens": 10**20}, "number out of range in reopens"),
        ({"id": "x", "created_at": 1, "reopens": "1e300"}, "number out of range in reopens"),
        ({"id": "x", "created_at": 1, "reopens": "²"}, "not a whole number in reopens: '²'"),
        ({"id": "x", "created_at": 1, "handle_seconds": "NaN"}, "not a whole number in handle"),
        ({"id": "", "created_at": 1}, "missing required field id"),
        ({"id": "   ", "created_at": 1}, "missing required field id"),
        ({"id": None, "created_at": 1}, "missing required field id"),
        ("a string", "not a JSON object (a str)"),
        (None, "not a JSON object (a NoneType)"),
    ],
)
def test_bad_values_are_quarantined_with_a_reason(
    tmp_path: Path, record: object, reason: str
) -> None:
    neighbours, reasons, _ = load_jsonl(tmp_path, [record])
    assert neighbours == [("after",), ("before",)]
    assert len(reasons) == 1
    assert reasons[0][0].startswith(reason)


@pytest.mark.parametrize(
    ("record", "column", "stored"),
    [
        ({"id": 123, "created_at": 1, "subject": 45}, "subject", "45"),
        ({"id": "x", "created_at": 1, "subject": ["a", 1]}, "subject", '["a",1]'),
        ({"id": "x", "created_at": 1, "agent": 3.5}, "agent", "3.5"),
        ({"id": "x", "created_at": "4102444800"}, "created_at", 4_102_444_800),  # year 2100
        ({"id": "x", "created_at": "1969-07-20T20:17:00Z"}, "created_at", -14_182_980),
        ({"id": "x", "created_at": "2026-11-20T10:00:00+05:45"}, "created_at", 1_795_148_100),
        ({"id": "x", "created_at": 1, "reopens": "2.0"}, "reopens", 2),
        ({"id": "x", "created_at": 1, "reopens": " 3 "}, "reopens", 3),
        ({"id": "id with spaces ünï 😀", "created_at": 1}, "id", "id with spaces ünï 😀"),
    ],
)
def test_unusual_but_valid_values_load(
    tmp_path: Path, record: dict[str, object], column: str, stored: object
) -> None:
    neighbours, reasons, loader = load_jsonl(tmp_path, [record])
    assert reasons == []
    assert neighbours == [("after",), ("before",)]
    [(value,)] = rows(loader, f"SELECT {column} FROM ticket WHERE id NOT IN ('before', 'after')")
    assert value == stored


def test_ambiguous_local_time_takes_the_first_of_the_two_moments(tmp_path: Path) -> None:
    # 2026-10-25 01:30 happens twice in London (BST then GMT); the first is 00:30Z
    (tmp_path / "tickets.csv").write_text("id,created_at\nA,2026-10-25 01:30:00\n")
    loader = make_loader(tmp_path, timezone="Europe/London")
    loader.load_all()
    assert rows(loader, "SELECT created_at FROM ticket") == [(1_792_888_200,)]


def test_huge_field_loads_cut_to_a_sane_length(tmp_path: Path) -> None:
    subject = "s" * 10_000_000
    (tmp_path / "tickets.csv").write_text(f"id,created_at,subject\nA,1,{subject}\nB,2,short\n")
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT id, length(subject) FROM ticket ORDER BY id") == [
        ("A", 10_000),
        ("B", 5),
    ]


def test_a_thousand_columns_load_with_the_unknown_ones_kept(tmp_path: Path) -> None:
    extra = [f"c{n}" for n in range(998)]
    header = ",".join(["id", "created_at", *extra])
    values = ",".join(["A", "1", *[str(n) for n in range(998)]])
    (tmp_path / "tickets.csv").write_text(f"{header}\n{values}\n")
    loader = make_loader(tmp_path)
    loader.load_all()
    [(kept,)] = rows(loader, "SELECT extra FROM ticket")
    assert len(json.loads(kept)) == 998


def test_negative_and_out_of_range_scores_are_quarantined(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "submitted_at": 1, "kind": "nps", "score": -3}',
        '{"id": "b", "submitted_at": 1, "kind": "csat", "score": 6}',
        '{"id": "c", "submitted_at": 1, "kind": "ces", "score": 8}',
        '{"id": "d", "submitted_at": 1, "kind": "NPS", "score": "10"}',
    ]
    (tmp_path / "surveys.jsonl").write_text("\n".join(lines) + "\n")
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT reason FROM quarantine ORDER BY line") == [
        ("nps score -3 out of range 0-10",),
        ("csat score 6 out of range 1-5",),
        ("ces score 8 out of range 1-7",),
    ]
    assert rows(loader, "SELECT id, kind, score FROM survey") == [("d", "nps", 10)]
