"""A header line in the middle of a CSV file: an exporter appending a block with its own
header. The rows after it are read by it (columns in another order land right), the line
itself is neither a row nor quarantined, a restart carries on with it, and `cxtui check`
names it with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxtui.check import check_folder, check_text
from cxtui.config import Config
from cxtui.ingest import loader as loader_module
from cxtui.ingest.presets import mappings_from_config
from tests.ingest_helpers import make_loader, rows, table_dump

HEADER = "id,created_at,status,queue,agent\n"
REORDERED = "id,created_at,status,agent,queue\n"


def block(first: int, count: int, *, reordered: bool = False, quoted: bool = False) -> str:
    """Tickets T<first>.. in queue Q<n> worked by agent A<n>, in the header's column order."""
    out = []
    for n in range(first, first + count):
        fields = [f"T{n}", f"2026-11-20T10:{n % 60:02d}:00Z", "open", f"Q{n}", f"A{n}"]
        if reordered:
            fields[3], fields[4] = fields[4], fields[3]
        out.append(",".join(f'"{f}"' if quoted else f for f in fields) + "\n")
    return "".join(out)


def placed(loader: loader_module.Loader) -> list[tuple[object, ...]]:
    return rows(loader, "SELECT id, queue, agent FROM ticket ORDER BY source_line")


def expected(count: int) -> list[tuple[object, ...]]:
    return [(f"T{n}", f"Q{n}", f"A{n}") for n in range(count)]


def quarantine(loader: loader_module.Loader) -> list[tuple[object, ...]]:
    return rows(loader, "SELECT line, reason FROM quarantine ORDER BY line")


@pytest.mark.parametrize("quoted", [False, True], ids=["fast-path", "quoted-general-path"])
def test_the_same_header_again_is_no_row_and_no_quarantine(tmp_path: Path, quoted: bool) -> None:
    (tmp_path / "tickets.csv").write_text(
        HEADER + block(0, 3, quoted=quoted) + HEADER + block(3, 3, quoted=quoted)
    )
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (6, 0)
    assert placed(loader) == expected(6)
    assert quarantine(loader) == []
    assert loader.header_changes["tickets.csv"] == [
        (5, "the same header again; the rows after it are read by it")
    ]


@pytest.mark.parametrize("quoted", [False, True], ids=["fast-path", "quoted-general-path"])
def test_a_header_with_its_columns_in_another_order_reads_the_rows_after_it(
    tmp_path: Path, quoted: bool
) -> None:
    (tmp_path / "tickets.csv").write_text(
        HEADER
        + block(0, 3, quoted=quoted)
        + REORDERED
        + block(3, 3, reordered=True, quoted=quoted)
        + HEADER
        + block(6, 2, quoted=quoted)
    )
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (8, 0)
    assert placed(loader) == expected(8)
    assert [line for line, _ in loader.header_changes["tickets.csv"]] == [5, 9]


def test_a_header_written_in_a_later_append_is_kept_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(HEADER + block(0, 3))
    make_loader(tmp_path).load_all()
    with open(path, "a") as out:  # the header arrives alone, its rows later
        out.write(REORDERED)
    make_loader(tmp_path).load_all()
    with open(path, "a") as out:
        out.write(block(3, 4, reordered=True))
    loader = make_loader(tmp_path)  # a restart: the header it goes on with is the stored one
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (4, 0)
    assert placed(loader) == expected(7)
    assert quarantine(loader) == []


def test_a_header_through_a_mapping_reads_the_rows_after_it(tmp_path: Path) -> None:
    mappings = mappings_from_config(
        [
            {
                "files": "calls-*.csv",
                "ticket": {"id": "Ref", "created_at": "Opened", "queue": "Team", "agent": "Owner"},
            }
        ],
        "test",
    )
    first = "Ref,Opened,Team,Owner\nT0,2026-11-20T10:00:00Z,Q0,A0\n"
    again = "Ref,Opened,Owner,Team\nT1,2026-11-20T10:01:00Z,A1,Q1\nT2,2026-11-20T10:02:00Z,A2,Q2\n"
    (tmp_path / "calls-1.csv").write_text(first + again)
    loader = make_loader(tmp_path, mappings=mappings)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (3, 0)
    assert placed(loader) == expected(3)


def test_a_header_without_a_mapped_column_quarantines_its_block(tmp_path: Path) -> None:
    mappings = mappings_from_config(
        [{"files": "calls-*.csv", "ticket": {"id": "Ref", "created_at": "Opened"}}], "test"
    )
    block = "Ref,Opened,Team\nT0,2026-11-20T10:00:00Z,Q0\n"
    (tmp_path / "calls-1.csv").write_text(block + "Ref,Team,Closed\nT1,Q1,x\n" + block)
    loader = make_loader(tmp_path, mappings=mappings)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (2, 1)
    assert quarantine(loader) == [
        (4, "the header at line 3 has no column for ticket field created_at (needs 'Opened')")
    ]


def test_a_header_through_a_preset_reads_the_rows_after_it(tmp_path: Path) -> None:
    header = ["Ticket ID", "Subject", "Status", "Priority", "Source", "Created time", "Group"]
    moved = [*header[:-2], "Group", "Created time"]
    lines = [",".join(header), "1,a,Open,Low,Email,2026-11-20 10:00:00,Billing"]
    lines += [",".join(moved), "2,b,Open,Low,Email,Sales,2026-11-20 10:05:00"]
    (tmp_path / "freshdesk-tickets.csv").write_text("\n".join(lines) + "\n")
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (2, 0)
    assert rows(loader, "SELECT id, queue FROM ticket ORDER BY id") == [
        ("1", "Billing"),
        ("2", "Sales"),
    ]


def test_a_header_that_adds_a_column_reads_it(tmp_path: Path) -> None:
    wider = "id,created_at,status,channel,queue,agent\nT3,2026-11-20T10:03:00Z,open,chat,Q3,A3\n"
    (tmp_path / "tickets.csv").write_text(HEADER + block(0, 3) + wider)
    loader = make_loader(tmp_path)
    assert loader.load_all().quarantined == 0
    assert placed(loader) == expected(4)
    assert rows(loader, "SELECT channel FROM ticket WHERE id = 'T3'") == [("chat",)]
    [(line, what)] = loader.header_changes["tickets.csv"]
    assert (line, what) == (5, "a header with other columns (adds 'channel'); the rows after "
                            "it are read by it")  # fmt: skip


def test_a_header_the_rules_cannot_read_quarantines_its_block_with_the_reason(
    tmp_path: Path,
) -> None:
    without_id = "created_at,ref,status,queue,agent\n2026-11-20T10:03:00Z,T3,open,Q3,A3\n"
    (tmp_path / "tickets.csv").write_text(HEADER + block(0, 3) + without_id + HEADER + block(4, 1))
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (4, 1)
    assert quarantine(loader) == [(6, "the header at line 5 has no 'id' column")]
    assert [t[0] for t in placed(loader)] == ["T0", "T1", "T2", "T4"]


def test_a_row_holding_a_column_name_is_still_a_row(tmp_path: Path) -> None:
    """Only a line made of column names is a header: a ticket whose id or queue happens to
    be one is data."""
    odd = "status,2026-11-20T10:03:00Z,open,agent,queue\nqueue,2026-11-20T10:04:00Z,open,id,A\n"
    (tmp_path / "tickets.csv").write_text(HEADER + block(0, 1) + odd)
    loader = make_loader(tmp_path)
    assert loader.load_all().tickets == 3
    assert placed(loader)[1:] == [("status", "agent", "queue"), ("queue", "id", "A")]
    assert "tickets.csv" not in loader.header_changes


def test_check_names_each_header_line(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(HEADER + block(0, 2) + REORDERED + block(2, 1))
    checks = check_folder(tmp_path, Config())
    text = check_text(checks, tmp_path)
    assert (
        "  line 4: a header with the same columns in another order; "
        "the rows after it are read by it"
    ) in text.splitlines()
    assert checks[0].ok


def test_headers_read_ahead_in_a_second_process_as_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader_module, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(loader_module, "PARSED_AHEAD_COMMIT_BYTES", 3 * 4096)
    text = HEADER
    for n in range(0, 3000, 100):
        reordered = n % 200 == 100
        text += (REORDERED if reordered else HEADER) + block(n, 100, reordered=reordered)
    dumps = []
    for where, parse_ahead in (("one", 1 << 60), ("two", 1)):
        monkeypatch.setattr(loader_module, "PARSE_AHEAD_BYTES", parse_ahead)
        (tmp_path / where).mkdir()
        (tmp_path / where / "tickets.csv").write_text(text)
        loader = make_loader(tmp_path / where, settle_seconds=0)
        assert loader.load_all().tickets == 3000
        assert placed(loader) == expected(3000)
        assert len(loader.header_changes["tickets.csv"]) == 30
        dumps.append(table_dump(tmp_path / where / ".cxtui" / "cxtui.db"))
    assert dumps[0] == dumps[1]
