"""Simulated contact-centre histories at 10k, 100k and 1M tickets, built once and cached.

Every scale covers the same 60 days, so a bigger centre means more tickets in every window:
the cost of a refresh grows with the data, the worst case for the panes. The simulator writes
the export files and cxtui's own loader loads them, so the database looks like a real one
(several versions a ticket, status history, offsets). The simulator asks about one ticket in
five for a survey; copies of those responses, under new ids, bring surveys to 30 % of tickets.
Generation time is not measured; the databases live in bench/out/ (git-ignored).
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Index
from sqlalchemy.schema import DropIndex
from sqlmodel import SQLModel

from cxtui.ingest.loader import Loader
from cxtui.simulate import write_history
from cxtui.store import open_engine

OUT = Path(__file__).resolve().parent / "out"
DAYS = 60
END = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
AS_OF = int(END.timestamp())
SURVEY_SHARE = 0.30
# Tickets per hour, on average over a week, that give each scale over DAYS days.
SCALES = {"10k": 7.0, "100k": 70.0, "1m": 700.0}


def folder(scale: str) -> Path:
    return OUT / f"centre-{scale}"


def db_path(scale: str) -> Path:
    return folder(scale) / ".cxtui" / "cxtui.db"


def build(scale: str) -> Path:
    """The database for `scale`, generated and loaded on first use (minutes at 1m)."""
    path = db_path(scale)
    done = path.with_name("built")
    if done.exists():
        _match_model_indexes(path)
        return path
    data = folder(scale)
    started = time.perf_counter()
    print(f"building the {scale} centre in {data} (once) ...", flush=True)
    write_history(data, days=DAYS, rate=SCALES[scale], seed=11, end=END)
    engine = open_engine(path)
    Loader(engine, data).load_all()
    engine.dispose()
    _top_up_surveys(path)
    done.write_text("")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _match_model_indexes(path: Path) -> None:
    """Bring a database built by an older cxtui to the models' indexes: create_all skips
    tables that already exist, and their new indexes with them."""
    engine = open_engine(path)
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            wanted = {index.name for index in table.indexes}
            present = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                " AND sql IS NOT NULL",
                (table.name,),
            ).scalars()
            for name in set(present) - wanted:
                connection.execute(DropIndex(Index(name)))
    for table in SQLModel.metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    engine.dispose()


def _top_up_surveys(path: Path) -> None:
    """Copy existing responses under new ids until surveys are SURVEY_SHARE of tickets."""
    db = sqlite3.connect(path)
    tickets = db.execute("SELECT count(*) FROM ticket").fetchone()[0]
    round_number = 0
    while True:
        surveys = db.execute("SELECT count(*) FROM survey").fetchone()[0]
        missing = round(SURVEY_SHARE * tickets) - surveys
        if missing <= 0:
            break
        round_number += 1
        db.execute(
            "INSERT INTO survey (id, submitted_at, kind, score, ticket_id, customer_id,"
            " comment, extra, source_file, source_line)"
            " SELECT id || ?, submitted_at - 60 * ?, kind, score, ticket_id, customer_id,"
            " comment, extra, source_file, source_line FROM survey"
            " WHERE id NOT LIKE '%~%' ORDER BY submitted_at LIMIT ?",
            (f"~{round_number}", round_number, missing),
        )
        db.commit()
    db.close()


def counts(path: Path) -> tuple[int, int]:
    """(tickets, surveys) in the database at path."""
    db = sqlite3.connect(path)
    try:
        tickets = db.execute("SELECT count(*) FROM ticket").fetchone()[0]
        surveys = db.execute("SELECT count(*) FROM survey").fetchone()[0]
    finally:
        db.close()
    return tickets, surveys
