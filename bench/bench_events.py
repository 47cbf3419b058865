"""Event logs: N tickets (a connector's Zendesk ticket table) with their field history and
comments, loaded by the loader, against the tickets alone.

    PYTHONPATH=. uv run python bench/bench_events.py --tickets 20000 --events 100000

Three loads, each into a fresh database in a fresh process: the tickets alone; tickets and
event logs together (the logs sort first, so every event waits for its ticket and all are
worked out when the tickets arrive); and the event logs arriving after the tickets were
loaded (only the second load is timed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

LOAD = """
import sys, time
from pathlib import Path
from cxtui.ingest.loader import Loader
from cxtui.store import open_engine
folder = Path(sys.argv[1])
loader = Loader(open_engine(folder / ".cxtui" / "cxtui.db"), folder, settle_seconds=0)
for name in sys.argv[2:]:
    (folder / name).rename(folder / name.removeprefix("later-"))
start = time.perf_counter()
result = loader.load_all()
status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
peak = int(status.split()[0]) // 1024
print(f"{result.tickets} tickets, {result.events} events in "
      f"{time.perf_counter() - start:.2f} s, peak {peak} MiB")
"""
STATUSES = ("new", "open", "solved", "open", "solved", "closed")


def write(folder: Path, tickets: int, events: int, *, events_later: bool = False) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    per_ticket = max(1, events // tickets)
    statuses = (per_ticket + 1) // 2
    comments = per_ticket - statuses
    prefix = "later-" if events_later else ""
    with (
        (folder / "tickets.csv").open("w") as ticket_file,
        (folder / f"{prefix}field_history.csv").open("w") as history,
        (folder / f"{prefix}comments.csv").open("w") as comment_file,
    ):
        ticket_file.write(
            "id,created_at,updated_at,status,priority,via_channel,group_id,assignee_id,"
            "requester_id,subject\n"
        )
        history.write("ticket_id,field_name,updated,value,user_id\n")
        comment_file.write("id,ticket_id,created,public,user_id,body\n")
        for i in range(tickets):
            at = start + timedelta(seconds=97 * i)
            times = [at + timedelta(minutes=20 * k) for k in range(max(statuses, comments))]
            last = STATUSES[min(statuses, len(STATUSES)) - 1]
            ticket_file.write(
                f"{i},{at.isoformat()},{times[-1].isoformat()},{last},normal,email,g{i % 7},"
                f"a{i % 40},c{i},Subject {i}\n"
            )
            for k in range(statuses):
                status = STATUSES[k % len(STATUSES)]
                history.write(f"{i},status,{times[k]:%Y-%m-%d %H:%M:%S} UTC,{status},a1\n")
            for k in range(comments):
                author = f"c{i}" if k % 2 == 0 else f"a{i % 40}"
                comment_file.write(
                    f"{i * 10 + k},{i},{times[k].isoformat()},{k % 3 != 2},{author},text\n"
                )


def run(folder: Path, *renames: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(folder), *renames],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        alone, together, later = (Path(tmp) / name for name in ("alone", "together", "later"))
        for folder in (alone, together, later):
            folder.mkdir()
        write(alone, args.tickets, args.events)
        for name in ("field_history.csv", "comments.csv"):
            (alone / name).unlink()
        write(together, args.tickets, args.events)
        write(later, args.tickets, args.events, events_later=True)
        print("tickets alone:        ", run(alone))
        print("tickets and events:   ", run(together))
        run(later)
        print("events after tickets: ", run(later, "later-field_history.csv", "later-comments.csv"))


if __name__ == "__main__":
    main()
