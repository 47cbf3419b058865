"""A tally statement's SQL compiled once and reused gives what compiling it afresh gives.

The compiled shapes are kept across calls (tallies.sql_and_values); these build the shapes
the tallies ask (ranges, IN lists of any length, span numbers, a segment's JSON value,
filters) from random values, asked in random order so that most calls reuse a shape compiled
for other values, and compare the SQL, the values and the rows with the plain path.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import col, func, select

from cxtui import tallies
from cxtui.metrics import Filters
from cxtui.models import Survey, Ticket

HOURS = st.integers(min_value=0, max_value=40).map(lambda n: 1_700_000_000 + 3_600 * n)
WORDS = st.sampled_from(["email", "chat", "phone", "billing", "it's", "a.b", ""])


def _db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE ticket (id TEXT, created_at INTEGER, channel TEXT, queue TEXT,"
        " priority TEXT, agent TEXT)"
    )
    db.execute("CREATE TABLE survey (id TEXT, submitted_at INTEGER, segments TEXT)")
    rows = [
        (
            f"t{n}",
            1_700_000_000 + 997 * n,
            ["email", "chat"][n % 2],
            ["billing", "it's"][n % 3 == 0],
            "normal",
            None,
        )
        for n in range(200)
    ]
    db.executemany("INSERT INTO ticket VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.executemany(
        "INSERT INTO survey VALUES (?, ?, ?)",
        [
            (f"s{n}", 1_700_000_000 + 1_301 * n, '{"a.b": "chat", "tier": "gold"}')
            for n in range(50)
        ],
    )
    return db


def _shape(kind: int, hours: list[int], words: list[str]) -> Any:
    start, end = min(hours), max(hours) + 3_600
    created = col(Ticket.created_at)
    if kind == 0:
        return select(Ticket.id).where(created.between(start, end))
    if kind == 1:
        return select(Ticket.id).where(col(Ticket.channel).in_(words), created >= start)
    if kind == 2:
        bounds = [*sorted(set(hours)), max(hours) + 3_600]
        number = tallies.span_number(created, bounds)
        return (
            select(number, func.count())
            .where(created >= bounds[0], created < bounds[-1])
            .group_by(number)
        )
    if kind == 3:
        filters = Filters(channel=words[0] if words else None, queue="billing")
        return select(Ticket.id).where(*tallies.ticket_filter_conditions(filters))
    name = words[0] if words else "tier"
    return select(Survey.id).where(
        tallies.segment_value(name) == "chat", col(Survey.submitted_at) < end
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=4),
            st.lists(HOURS, min_size=1, max_size=6),
            st.lists(WORDS, max_size=4),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_reused_statements_match_fresh_ones(asks: list[tuple[int, list[int], list[str]]]) -> None:
    db = _db()
    for kind, hours, words in asks:
        statement = _shape(kind, hours, words)
        reused = tallies.sql_and_values(statement)
        fresh = tallies._fresh(statement)
        assert reused[1] == fresh[1]
        assert sorted(db.execute(*reused).fetchall()) == sorted(db.execute(*fresh).fetchall())


def test_a_shape_is_compiled_once_whatever_its_values() -> None:
    tallies._compiled.clear()
    for start in (1, 2, 3):
        _sql, values = tallies.sql_and_values(
            select(Ticket.id).where(col(Ticket.created_at).between(start, start + 10))
        )
        assert values == (start, start + 10)
    assert len(tallies._compiled) == 1


def test_in_lists_of_different_lengths_share_a_shape_but_not_their_sql() -> None:
    tallies._compiled.clear()
    two = tallies.sql_and_values(select(Ticket.id).where(col(Ticket.channel).in_(["a", "b"])))
    three = tallies.sql_and_values(
        select(Ticket.id).where(col(Ticket.channel).in_(["a", "b", "c"]))
    )
    assert len(tallies._compiled) == 1
    assert two[1] == ("a", "b") and three[1] == ("a", "b", "c")
    assert two[0].count("?") == 2 and three[0].count("?") == 3
