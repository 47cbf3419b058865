"""Reading a workbook: one sheet of N tickets (ten columns, dates as date cells) written as
.xlsx, loaded by the loader, against the same rows as CSV.

    PYTHONPATH=. uv run python bench/bench_xlsx.py --tickets 100000

Each load runs in a fresh process so its peak memory (VmHWM, Linux) is its own.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from tests.xlsx_helpers import write_xlsx

COLUMNS = [
    "id", "created_at", "status", "priority", "channel", "queue", "agent",
    "first_response_at", "resolved_at", "subject",
]  # fmt: skip
LOAD = """
import sys, time
from pathlib import Path
from cxtui.ingest.loader import Loader
from cxtui.store import open_engine
folder = Path(sys.argv[1])
start = time.perf_counter()
result = Loader(open_engine(folder / ".cxtui" / "cxtui.db"), folder, settle_seconds=0).load_all()
status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
peak = int(status.split()[0]) // 1024  # of this process since its exec, unlike ru_maxrss
print(f"{result.tickets} tickets in {time.perf_counter() - start:.2f} s, peak {peak} MiB")
"""


def rows(count: int) -> list[list[object]]:
    start = datetime(2026, 11, 1)
    made = []
    for i in range(count):
        at = start + timedelta(seconds=37 * i)
        made.append([
            f"T{i}", at, "solved", "normal", "email", "Billing", "Ana",
            at + timedelta(minutes=5), at + timedelta(hours=2), f"Subject {i}",
        ])  # fmt: skip
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    count = parser.parse_args().tickets
    made = rows(count)
    with tempfile.TemporaryDirectory() as tmp:
        sheet, table = Path(tmp) / "xlsx", Path(tmp) / "csv"
        sheet.mkdir()
        table.mkdir()
        book = write_xlsx(sheet / "tickets.xlsx", {"Tickets": [COLUMNS, *made]})
        with open(table / "tickets.csv", "w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(COLUMNS)
            out.writerows([v.isoformat() if isinstance(v, datetime) else v for v in row]
                          for row in made)  # fmt: skip
        print(f"{count:,} rows; .xlsx {book.stat().st_size / 2**20:.1f} MiB")
        for name, folder in (("xlsx", sheet), ("csv", table)):
            done = subprocess.run(
                [sys.executable, "-c", LOAD, str(folder)], capture_output=True, text=True,
                check=True,
            )  # fmt: skip
            print(f"{name}: {done.stdout.strip()}")


if __name__ == "__main__":
    main()
