"""A file written in random chunks, loaded between chunks, gives the same rows as one write.

Chunks split lines, UTF-8 characters and quoted CSV fields anywhere; the loader must neither
lose a row, read a half-written one, nor load one twice.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest_helpers import make_loader, table_dump

SUBJECT = (
    st.lists(st.sampled_from([*'ab ,"é€😀\n', "\r\n"]), max_size=12)
    .map("".join)
    .filter(lambda s: all(line.count(",") < 3 for line in s.split("\n")))
)
TICKET = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["T1", "T2", "T3", "Tö"]),
        "updated_at": st.integers(min_value=0, max_value=50),
        "status": st.sampled_from(["open", "pending", "solved", "nonsense"]),
        "subject": SUBJECT,
    }
)


def csv_bytes(tickets: list[dict[str, object]], newline: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(["id", "created_at", "updated_at", "status", "subject"])
    for t in tickets:
        writer.writerow([t["id"], 1, t["updated_at"], t["status"], t["subject"]])
    return out.getvalue().encode()


def jsonl_bytes(tickets: list[dict[str, object]], newline: str) -> bytes:
    lines = [orjson.dumps({**t, "created_at": 1}).decode() for t in tickets]
    lines.insert(len(lines) // 2, "{broken")
    return "".join(line + newline for line in lines).encode()


def load_in_chunks(name: str, content: bytes, cuts: list[int]) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp())
    try:
        loader = make_loader(folder, settle_seconds=float("inf"))
        path = folder / name
        path.write_bytes(b"")
        previous = 0
        for cut in [*sorted(set(cuts)), len(content)]:
            with open(path, "ab") as handle:
                handle.write(content[previous:cut])
            previous = cut
            loader.load_all()
        loader.engine.dispose()
        return table_dump(folder / ".cxtui" / "cxtui.db")
    finally:
        shutil.rmtree(folder)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tickets=st.lists(TICKET, min_size=1, max_size=8),
    newline=st.sampled_from(["\n", "\r\n"]),
    fmt=st.sampled_from(["csv", "jsonl"]),
    data=st.data(),
)
def test_random_chunks_load_like_one_write(
    tickets: list[dict[str, object]], newline: str, fmt: str, data: st.DataObject
) -> None:
    content = csv_bytes(tickets, newline) if fmt == "csv" else jsonl_bytes(tickets, newline)
    cuts = data.draw(st.lists(st.integers(min_value=1, max_value=len(content) - 1), max_size=8))
    name = f"tickets.{fmt}"
    whole = load_in_chunks(name, content, [])
    chunked = load_in_chunks(name, content, cuts)
    assert chunked == whole
    good = sum(1 for t in tickets if t["status"] != "nonsense")
    assert len(whole["ticket"]) == len({t["id"] for t in tickets if t["status"] != "nonsense"})
    assert len(whole["quarantine"]) == len(tickets) - good + (fmt == "jsonl")
