"""`cxtui report` on the bundled sample, checked number by number against a second, plain
Python reading of the same files that shares no code with the loader or the metrics."""

from __future__ import annotations

import csv
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cxtui.comment_themes import (
    COMMON_SHARE,
    MAX_FOUND,
    MIN_FOUND_COMMENTS,
    MIN_WORD_LETTERS,
    STOP_WORDS,
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
AS_OF_TEXT = "2026-11-20T12:00:00Z"
AS_OF = int(datetime.fromisoformat(AS_OF_TEXT).timestamp())
WINDOW = 7 * 86_400
START = AS_OF - WINDOW
HOUR = 3_600

STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed", "abandoned")
OPEN = ("new", "open", "pending", "on_hold")
RESOLVED = ("solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TIMES = (
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "first_response_due_at",
    "resolution_due_at",
)
COUNTS = ("reopens", "agent_replies", "handle_seconds")
RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


class BadRow(ValueError):
    pass


def moment(text: object) -> int | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        return int(datetime.fromisoformat(str(text).strip()).timestamp())
    except ValueError:
        raise BadRow(f"bad timestamp {text!r}") from None


def count(text: str) -> int | None:
    if text.strip() == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise BadRow(f"not a whole number {text!r}") from None
    if value < 0:
        raise BadRow(f"negative {text!r}")
    return value


def one_of(text: str, allowed: tuple[str, ...]) -> str | None:
    if text.strip() == "":
        return None
    if text.strip().lower() not in allowed:
        raise BadRow(f"unknown value {text!r}")
    return text.strip().lower()


def ticket(raw: dict[str, str]) -> dict[str, Any]:
    if not raw["id"].strip():
        raise BadRow("missing id")
    if not raw["created_at"].strip():
        raise BadRow("missing created_at")
    row: dict[str, Any] = {name: moment(raw[name]) for name in TIMES}
    row.update({name: count(raw[name]) for name in COUNTS})
    row["id"] = raw["id"].strip()
    row["status"] = one_of(raw["status"], STATUSES)
    row["priority"] = one_of(raw["priority"], PRIORITIES)
    for name in ("channel", "queue", "agent", "subject"):
        row[name] = raw[name].strip() or None
    row["channel"] = row["channel"] and row["channel"].lower()
    return row


def survey(raw: dict[str, Any]) -> dict[str, Any]:
    if not str(raw.get("id") or "").strip():
        raise BadRow("missing id")
    submitted = moment(raw.get("submitted_at"))
    kind = str(raw.get("kind") or "").strip().lower()
    if submitted is None or kind not in RANGES:
        raise BadRow("no time or kind")
    score = int(raw["score"])
    low, high = RANGES[kind]
    if not low <= score <= high:
        raise BadRow("score out of range")
    return {
        "id": str(raw["id"]).strip(),
        "submitted_at": submitted,
        "kind": kind,
        "score": score,
        "comment": str(raw.get("comment") or ""),
    }


def read_folder(folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Latest version of every ticket, every survey, and how many rows were unreadable.

    Files are read in name order; within a ticket the newest updated_at (else created_at)
    wins and a tie goes to the row read later.
    """
    tickets: dict[str, dict[str, Any]] = {}
    surveys: dict[str, dict[str, Any]] = {}
    bad = 0
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    assert not [p for p in files if p.suffix in (".json", ".ndjson")], "read those here too"
    for path in files:
        if path.suffix not in (".csv", ".jsonl"):
            continue
        if path.suffix == ".csv":
            with open(path, encoding="utf-8", newline="") as handle:
                raws: list[dict[str, Any]] = list(csv.DictReader(handle))
        else:
            with open(path, encoding="utf-8") as handle:
                raws = [json.loads(line) for line in handle if line.strip()]
        for raw in raws:
            try:
                if path.name.startswith("ticket"):
                    row = ticket(raw)
                    row["version"] = row["updated_at"] or row["created_at"]
                    known = tickets.get(row["id"])
                    gave_up = [row["version"]] if row["status"] == "abandoned" else []
                    if known is not None and known["gave_up_at"] is not None:
                        gave_up.append(known["gave_up_at"])
                    row["gave_up_at"] = min(gave_up, default=None)
                    # the earliest version with a status: the start of its status history
                    seen = [row["version"]] if row["status"] is not None else []
                    if known is not None and known["first_seen"] is not None:
                        seen.append(known["first_seen"])
                    row["first_seen"] = min(seen, default=None)
                    if known is None or row["version"] >= known["version"]:
                        tickets[row["id"]] = row
                    else:
                        known["gave_up_at"] = row["gave_up_at"]
                        known["first_seen"] = row["first_seen"]
                else:
                    answer = survey(raw)
                    surveys[answer["id"]] = answer
            except BadRow:
                bad += 1
    return list(tickets.values()), list(surveys.values()), bad


def median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def p90(values: list[int]) -> float | None:
    if len(values) < 2:
        return float(values[0]) if values else None
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


LIVE = ["phone", "chat"]
Z = 1.96


def wilson(part: int, whole: int) -> list[float] | None:
    """The two shares p where (part/whole - p)² = Z²·p·(1 - p)/whole: the quadratic's roots."""
    if not whole:
        return None
    seen = part / whole
    a, b, c = 1 + Z * Z / whole, -(2 * seen + Z * Z / whole), seen * seen
    root = math.sqrt(b * b - 4 * a * c)
    return [max(0.0, (-b - root) / (2 * a)), min(1.0, (-b + root) / (2 * a))]


def adjusted_wald(answers: list[int]) -> list[float] | None:
    """The NPS interval of Rocks (2016): 3 more answers, 3/4 promoter and 3/4 detractor."""
    if not answers:
        return None
    n = len(answers) + 3
    pro = (sum(s >= 9 for s in answers) + 0.75) / n
    det = (sum(s <= 6 for s in answers) + 0.75) / n
    half = Z * math.sqrt((pro + det - (pro - det) ** 2) / n)
    return [max(-100.0, 100 * (pro - det - half)), min(100.0, 100 * (pro - det + half))]


def replies(group: list[dict[str, Any]]) -> dict[str, Any]:
    # a reply dated before the ticket's creation is left out
    waits = sorted(
        t["first_response_at"] - t["created_at"]
        for t in group
        if t["first_response_at"] and t["first_response_at"] >= t["created_at"]
    )
    return {
        "count": len(waits),
        "mean_seconds": sum(waits) / len(waits) if waits else None,
        "median_seconds": median(waits),
        "p90_seconds": p90(waits),
    }


def headlines(
    tickets: list[dict[str, Any]], surveys: list[dict[str, Any]], start: int, end: int
) -> dict[str, Any]:
    """The figures of the window (start, end] that the report also gives for the window
    before: service level and abandonment over the phone and chat contacts only."""
    created = [t for t in tickets if start < t["created_at"] <= end]
    live = [t for t in created if t["channel"] in LIVE]
    answered = [t for t in live if t["first_response_at"] and t["status"] != "abandoned"]
    abandoned = [t for t in live if t["status"] == "abandoned"]
    offered = len(answered) + len(abandoned)
    # service level leaves out answers dated before the contact was created
    timed = [t for t in answered if t["first_response_at"] >= t["created_at"]]
    timed_offered = len(timed) + len(abandoned)
    within = [t for t in timed if t["first_response_at"] - t["created_at"] <= 20]
    resolved = [t for t in created if t["status"] in RESOLVED]

    def scores(kind: str) -> list[int]:
        return [
            s["score"] for s in surveys if s["kind"] == kind and start < s["submitted_at"] <= end
        ]

    nps, csat = scores("nps"), scores("csat")
    promoters = sum(s >= 9 for s in nps)
    detractors = sum(s <= 6 for s in nps)
    satisfied = sum(s >= 4 for s in csat)
    p, d = (promoters / len(nps), detractors / len(nps)) if nps else (0, 0)
    pleased = satisfied / len(csat) if csat else 0
    csat_interval = wilson(satisfied, len(csat))
    return {
        "as_of": datetime.fromtimestamp(end, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "first_response": replies(created),
        "resolution": {
            "created": len(created),
            "resolved": len(resolved),
            "rate": share(len(resolved), len(created)),
        },
        "abandonment": {
            "offered": offered,
            "abandoned": len(abandoned),
            "rate": share(len(abandoned), offered),
            "channels": LIVE,
            "interval_95": wilson(len(abandoned), offered),
        },
        "service_level": {
            "target_seconds": 20,
            "offered": timed_offered,
            "answered_within": len(within),
            "rate": share(len(within), timed_offered),
            "channels": LIVE,
            "interval_95": wilson(len(within), timed_offered),
        },
        "nps": {
            "responses": len(nps),
            "promoters": promoters,
            "passives": sum(7 <= s <= 8 for s in nps),
            "detractors": detractors,
            "score": 100 * (promoters - detractors) / len(nps) if nps else None,
            "margin_95": 100 * Z * math.sqrt((p + d - (p - d) ** 2) / len(nps)) if nps else None,
            "interval_95": adjusted_wald(nps),
        },
        "csat": {
            "responses": len(csat),
            "satisfied": satisfied,
            "score_pct": 100 * satisfied / len(csat) if csat else None,
            "mean": sum(csat) / len(csat) if csat else None,
            "margin_95": 100 * Z * math.sqrt(pleased * (1 - pleased) / len(csat)) if csat else None,
            "interval_95": None if csat_interval is None else [100 * x for x in csat_interval],
        },
    }


def change(
    now: float | None,
    before: float | None,
    now_range: list[float] | None = None,
    before_range: list[float] | None = None,
) -> dict[str, Any]:
    difference = None if now is None or before is None else now - before
    found: dict[str, Any] = {
        "previous": before,
        "difference": difference,
        "margin_95": None,
        "significant": None,
    }
    if difference is not None and now_range and before_range:
        margin = math.sqrt(
            ((now_range[1] - now_range[0]) / 2) ** 2
            + ((before_range[1] - before_range[0]) / 2) ** 2
        )
        found["margin_95"] = margin
        found["significant"] = abs(difference) > margin
    return found


def words_said(text: str) -> list[str]:
    """A comment's words as a reader would pick them: letters (and an inner apostrophe), lower
    case, three letters or more, no stop word, each once in the order first said."""
    cleaned = "".join(ch if ch.isalpha() or ch == "'" else " " for ch in text.lower())
    words = [w.strip("'") for w in cleaned.split()]
    kept = [w for w in words if len(w) >= MIN_WORD_LETTERS and w not in STOP_WORDS]
    return [w for i, w in enumerate(kept) if w not in kept[:i]]


def said_about(group: list[dict[str, Any]]) -> dict[str, Any]:
    nps = [s["score"] for s in group if s["kind"] == "nps"]
    csat = [s["score"] for s in group if s["kind"] == "csat"]
    net = sum(s >= 9 for s in nps) - sum(s <= 6 for s in nps)
    return {
        "comments": len(group),
        "nps": 100 * net / len(nps) if nps else None,
        "nps_n": len(nps),
        "csat": 100 * sum(s >= 4 for s in csat) / len(csat) if csat else None,
        "csat_n": len(csat),
    }


def expected_themes(surveys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The words (or words only ever said together) most comments of the week use; the sample
    folder has no cxtui.toml, so no configured theme. The stop words and limits are the ones
    docs/metrics.md gives, taken from cxtui.comment_themes; the counting is done again here."""
    ordered = sorted(surveys, key=lambda s: (s["submitted_at"], s["id"]))

    def said(start: int, end: int) -> list[dict[str, Any]]:
        return [s for s in ordered if start < s["submitted_at"] <= end and s["comment"].strip()]

    now, before = said(START, AS_OF), said(START - WINDOW, START)
    users: dict[str, frozenset[str]] = {}
    for word in {w for s in now for w in words_said(s["comment"])}:
        users[word] = frozenset(s["id"] for s in now if word in words_said(s["comment"]))
    kept = {
        w: ids
        for w, ids in users.items()
        if len(ids) >= MIN_FOUND_COMMENTS and len(ids) / len(now) <= COMMON_SHARE
    }
    terms = []
    for ids in set(kept.values()):
        first = next(s for s in now if s["id"] in ids)
        words = [w for w in words_said(first["comment"]) if kept.get(w) == ids]
        terms.append((-len(ids), words))
    themes = []
    for _, words in sorted(terms)[:MAX_FOUND]:

        def using(group: list[dict[str, Any]], words: list[str] = words) -> list[dict[str, Any]]:
            return [s for s in group if set(words) <= set(words_said(s["comment"]))]

        today, earlier = said_about(using(now)), said_about(using(before))
        themes.append(
            {
                "name": " ".join(words),
                "kind": "found",
                **today,
                "previous": earlier,
                "change": {
                    "comments": today["comments"] - earlier["comments"],
                    "nps": change(today["nps"], earlier["nps"])["difference"],
                    "csat": change(today["csat"], earlier["csat"])["difference"],
                },
            }
        )
    return themes


def textbook_erlang_c(agents: int, traffic: float) -> float:
    """P(wait) from the Poisson sums with factorials: fine at the sample's few Erlangs."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)


def erlang_c_figures(agents: int, traffic: float, aht: float) -> dict[str, Any]:
    p_wait = textbook_erlang_c(agents, traffic)
    return {
        "traffic_erlangs": traffic,
        "agents": agents,
        "service_level": 1 - p_wait * math.exp(-(agents - traffic) * 20 / aht),
        "p_wait": p_wait,
        "asa_seconds": p_wait * aht / (agents - traffic),
        "occupancy": traffic / agents,
    }


def expected_staffing(tickets: list[dict[str, Any]]) -> dict[str, Any]:
    """The last half hour of the live channels, with the default goal (80 % in 20 s, at most
    85 % occupancy, 30 % shrinkage)."""
    start = AS_OF - 1_800
    arrived = [t for t in tickets if t["channel"] in LIVE and start < t["created_at"] <= AS_OF]
    handled = [t["handle_seconds"] for t in arrived if t["handle_seconds"] is not None]
    abandoned = [t for t in arrived if t["status"] == "abandoned" and t["gave_up_at"] <= AS_OF]
    assert not abandoned, "the sample's last half hour has no abandonment: add Erlang A here"
    seen = {
        t["agent"]
        for t in tickets
        if t["channel"] in LIVE
        and t["agent"]
        and (
            (t["first_response_at"] and start < t["first_response_at"] <= AS_OF)
            or (t["status"] in RESOLVED and t["resolved_at"] and start < t["resolved_at"] <= AS_OF)
        )
    }
    aht = sum(handled) / len(handled)
    traffic = len(arrived) / 1_800 * aht
    agents = math.floor(traffic) + 1
    while erlang_c_figures(agents, traffic, aht)["service_level"] < 0.8 or traffic / agents > 0.85:
        agents += 1
    scheduled = math.ceil(round(agents / 0.7, 9))
    required = erlang_c_figures(agents, traffic, aht)
    return {
        "interval_seconds": 1_800,
        "channels": LIVE,
        "arrivals": len(arrived),
        "handle_time": {"count": len(handled), "mean_seconds": aht},
        "abandoned": 0,
        "patience_seconds": None,
        "agents_seen": len(seen),
        "target_seconds": 20,
        "service_level_target": 0.8,
        "max_occupancy": 0.85,
        "shrinkage": 0.3,
        "model": "erlang_c",
        "agents_required": agents,
        "scheduled_agents": scheduled,
        "difference": len(seen) - agents,
        "verdict": f"{len(seen) - agents} spare" if len(seen) > agents else "check by hand",
        "erlang_c": {**required, "scheduled_agents": scheduled},
        "erlang_a": None,
        "at_agents_seen": erlang_c_figures(len(seen), traffic, aht),
    }


def expected_report(folder: Path) -> dict[str, Any]:
    tickets, surveys, bad = read_folder(folder)

    def waiting_for_reply(t: dict[str, Any]) -> bool:
        return t["first_response_at"] is None or t["first_response_at"] > AS_OF

    queue = [t for t in tickets if t["created_at"] <= AS_OF and t["status"] in OPEN]
    breached = [
        t
        for t in queue
        if (
            waiting_for_reply(t)
            and t["first_response_due_at"] is not None
            and t["first_response_due_at"] < AS_OF
        )
        or (t["resolution_due_at"] is not None and t["resolution_due_at"] < AS_OF)
    ]

    def due_soon(due: int | None) -> bool:
        return due is not None and AS_OF <= due <= AS_OF + HOUR

    at_risk = [
        t
        for t in queue
        if t not in breached
        and (
            (waiting_for_reply(t) and due_soon(t["first_response_due_at"]))
            or due_soon(t["resolution_due_at"])
        )
    ]
    ages = [AS_OF - t["created_at"] for t in queue]
    edges = {
        "lt_1h": (0, HOUR),
        "1h_4h": (HOUR, 4 * HOUR),
        "4h_24h": (4 * HOUR, 24 * HOUR),
        "1d_7d": (24 * HOUR, 7 * 24 * HOUR),
        "gt_7d": (7 * 24 * HOUR, math.inf),
    }

    def tally(field: str) -> dict[str, int]:
        return dict(Counter(t[field] or "unknown" for t in queue))

    created = [t for t in tickets if START < t["created_at"] <= AS_OF]
    # a reply or resolution dated before the ticket's creation is left out and counted
    early_replies = [
        t for t in created if t["first_response_at"] and t["first_response_at"] < t["created_at"]
    ]
    early_fixes = [t for t in created if t["resolved_at"] and t["resolved_at"] < t["created_at"]]
    waits = sorted(
        t["first_response_at"] - t["created_at"]
        for t in created
        if t["first_response_at"] and t not in early_replies
    )
    resolved = [t for t in created if t["status"] in RESOLVED]
    # the flow: resolved in the window, whenever created
    resolved_in_window = [
        t
        for t in tickets
        if t["status"] in RESOLVED and t["resolved_at"] and START < t["resolved_at"] <= AS_OF
    ]
    fixes = sorted(
        t["resolved_at"] - t["created_at"]
        for t in resolved
        if t["resolved_at"] and t not in early_fixes
    )
    reopens_known = [t for t in resolved if t["reopens"] is not None]
    first_contact = [
        t
        for t in reopens_known
        if t["reopens"] == 0 and (t["agent_replies"] is None or t["agent_replies"] <= 1)
    ]
    handled = [t["handle_seconds"] for t in created if t["handle_seconds"] is not None]
    now = headlines(tickets, surveys, START, AS_OF)
    before = headlines(tickets, surveys, START - WINDOW, START)

    def scores(kind: str) -> list[int]:
        return [
            s["score"] for s in surveys if s["kind"] == kind and START < s["submitted_at"] <= AS_OF
        ]

    nps = scores("nps")
    promoters = sum(s >= 9 for s in nps)
    detractors = sum(s <= 6 for s in nps)
    p, d = promoters / len(nps), detractors / len(nps)
    csat = scores("csat")
    satisfied = sum(s >= 4 for s in csat)
    pleased = satisfied / len(csat)
    ces = scores("ces")

    return {
        "as_of": AS_OF_TEXT,
        "window_seconds": WINDOW,
        "queue": {
            "open": len(queue),
            "by_status": tally("status"),
            "by_priority": tally("priority"),
            "by_channel": tally("channel"),
            "by_queue": tally("queue"),
            "awaiting_first_response": sum(waiting_for_reply(t) for t in queue),
            "age_buckets": {
                name: sum(low <= age < high for age in ages) for name, (low, high) in edges.items()
            },
            "oldest_open_age_seconds": max(ages),
            "sla_breached": len(breached),
            "sla_at_risk": len(at_risk),
            # created by as_of, but no status recorded until later
            "status_not_recorded": sum(
                t["created_at"] <= AS_OF and t["first_seen"] is not None and t["first_seen"] > AS_OF
                for t in tickets
            ),
        },
        "first_response": {
            "count": len(waits),
            "mean_seconds": sum(waits) / len(waits),
            "median_seconds": median(waits),
            "p90_seconds": p90(waits),
        },
        "resolution": {
            "created": len(created),
            "resolved": len(resolved),
            "rate": share(len(resolved), len(created)),
            "median_seconds": median(fixes),
            "p90_seconds": p90(fixes),
            "fcr_rate": share(len(first_contact), len(reopens_known)),
            "reopen_rate": share(sum(t["reopens"] > 0 for t in reopens_known), len(reopens_known)),
            "resolved_in_window": len(resolved_in_window),
            "flow_rate": share(len(resolved_in_window), len(created)),
        },
        "handle_time": {"count": len(handled), "mean_seconds": sum(handled) / len(handled)},
        # Service level and abandonment count the live channels (phone, chat) only.
        "abandonment": now["abandonment"],
        "service_level": now["service_level"],
        "nps": {
            "responses": len(nps),
            "promoters": promoters,
            "passives": sum(7 <= s <= 8 for s in nps),
            "detractors": detractors,
            "score": 100 * (promoters - detractors) / len(nps),
            "margin_95": 100 * 1.96 * math.sqrt((p + d - (p - d) ** 2) / len(nps)),
            "interval_95": adjusted_wald(nps),
        },
        "csat": {
            "responses": len(csat),
            "satisfied": satisfied,
            "score_pct": 100 * satisfied / len(csat),
            "mean": sum(csat) / len(csat),
            "margin_95": 100 * 1.96 * math.sqrt(pleased * (1 - pleased) / len(csat)),
            "interval_95": now["csat"]["interval_95"],
        },
        "ces": {"responses": len(ces), "mean": sum(ces) / len(ces)},
        "quarantine": {"rows": bad},
        "clock": "calendar",
        "data_quality": {
            "first_response_before_created": len(early_replies),
            "resolved_before_created": len(early_fixes),
        },
        "first_response_by_group": {
            "live": {"channels": LIVE, **replies([t for t in created if t["channel"] in LIVE])},
            "async": replies([t for t in created if t["channel"] not in LIVE]),
        },
        "previous": before,
        "change": {
            "first_response_median_seconds": change(
                now["first_response"]["median_seconds"], before["first_response"]["median_seconds"]
            ),
            "resolution_rate": change(now["resolution"]["rate"], before["resolution"]["rate"]),
            "abandonment_rate": change(now["abandonment"]["rate"], before["abandonment"]["rate"]),
            "service_level_rate": change(
                now["service_level"]["rate"], before["service_level"]["rate"]
            ),
            "nps_score": change(
                now["nps"]["score"],
                before["nps"]["score"],
                now["nps"]["interval_95"],
                before["nps"]["interval_95"],
            ),
            "csat_score_pct": change(
                now["csat"]["score_pct"],
                before["csat"]["score_pct"],
                now["csat"]["interval_95"],
                before["csat"]["interval_95"],
            ),
        },
        "events": {"waiting_for_ticket": 0},  # the sample folder has no event logs
        "staffing": expected_staffing(tickets),
        "alerts": [],  # the sample folder has no cxtui.toml, so no [[alert]] rules
        "themes": expected_themes(surveys),
        # the report was not narrowed
        "filters": {
            "channel": None,
            "queue": None,
            "agent": None,
            "priority": None,
            "segment": None,
        },
    }


def assert_same(actual: Any, expected: Any, where: str = "report") -> None:
    """Equal key for key; floats to within rounding."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert sorted(actual) == sorted(expected), where
        for key in expected:
            assert_same(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for index, (got, wanted) in enumerate(zip(actual, expected, strict=True)):
            assert_same(got, wanted, f"{where}[{index}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-9), where
    else:
        assert actual == expected, where


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("report")
    env = {k: v for k, v in os.environ.items() if k != "CXTUI_DB"}
    env["XDG_CONFIG_HOME"] = str(tmp / "no-user-config")
    db = tmp / "x.db"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxtui",
            "report",
            str(SAMPLE),
            "--db",
            str(db),
            "--as-of",
            AS_OF_TEXT,
            "--window",
            "7d",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), db


def test_the_independent_reading_sees_a_busy_week_and_the_four_bad_rows() -> None:
    expected = expected_report(SAMPLE)
    assert expected["quarantine"]["rows"] == 4
    assert expected["queue"]["open"] > 100 and expected["queue"]["age_buckets"]["gt_7d"] == 1
    assert expected["queue"]["sla_breached"] > 0 and expected["queue"]["sla_at_risk"] > 0
    assert expected["resolution"]["created"] > 2_000
    assert min(expected[k]["responses"] for k in ("nps", "csat", "ces")) > 20
    # the mix the live-channel service level is about: many contacts by e-mail and web too
    assert expected["first_response_by_group"]["async"]["count"] > 500
    assert expected["service_level"]["offered"] > 500
    assert expected["previous"]["resolution"]["created"] > 0
    themes = expected["themes"]
    assert len(themes) == 8 and "problem solved first time" in [t["name"] for t in themes]


def test_every_number_in_the_report_matches_the_independent_reading(
    report: tuple[dict[str, Any], Path],
) -> None:
    actual, _ = report
    assert list(actual) == list(expected_report(SAMPLE))
    assert_same(actual, expected_report(SAMPLE))


def test_markup_in_a_subject_is_loaded_as_plain_data(report: tuple[dict[str, Any], Path]) -> None:
    _, db = report
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT subject FROM ticket WHERE id = ?", ("X-0002",)).fetchall()
    assert rows == [("[bold red]boom[/]",)]
