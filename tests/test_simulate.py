"""The simulator: same seed, same bytes; rows a loader accepts and a supervisor believes;
a live feed that only ever appends whole lines and stops when told."""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cxtui.ingest.normalise import TICKET_COLUMNS, normalise_survey, normalise_ticket
from cxtui.models import OPEN_STATUSES, PRIORITIES, SCORE_RANGES, TICKET_STATUSES
from cxtui.simulate import (
    SURVEYS_FILE,
    TICKETS_FILE,
    _next_arrival,
    follow,
    go_live,
    simulate,
    write_history,
    write_sample_data,
)

END = datetime(2026, 11, 20, 12, tzinfo=UTC)
END_EPOCH = int(END.timestamp())
REPO_SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
CHANNELS = {"email", "chat", "phone", "social", "whatsapp", "web"}
QUEUES = {"billing", "technical", "accounts", "orders", "general"}


def epoch(text: str) -> int | None:
    return int(datetime.fromisoformat(text).timestamp()) if text else None


def ticket_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / TICKETS_FILE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def survey_rows(folder: Path) -> list[dict[str, object]]:
    with open(folder / SURVEYS_FILE, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def latest_versions(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows}


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven days at 30 tickets an hour: about 5,000 tickets."""
    folder = tmp_path_factory.mktemp("week")
    write_history(folder, days=7, rate=30, seed=3, end=END)
    return folder


def test_same_seed_and_end_give_identical_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_history(tmp_path / name, days=2, rate=20, seed=11, end=END)
    write_history(tmp_path / "other", days=2, rate=20, seed=12, end=END)
    for file in (TICKETS_FILE, SURVEYS_FILE):
        first = (tmp_path / "a" / file).read_bytes()
        assert first == (tmp_path / "b" / file).read_bytes()
        assert first != (tmp_path / "other" / file).read_bytes()


def test_committed_sample_data_is_what_the_documented_command_writes(tmp_path: Path) -> None:
    write_sample_data(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["surveys.jsonl", "surveys_legacy.csv", "tickets.csv", "tickets_bad.csv"]
    for name in names:
        assert (REPO_SAMPLE / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_sample_has_the_promised_size() -> None:
    tickets = latest_versions(ticket_rows(REPO_SAMPLE))
    assert 2_000 <= len(tickets) <= 4_000


def test_header_and_every_row_load_without_quarantine(week: Path) -> None:
    with open(week / TICKETS_FILE, encoding="utf-8") as handle:
        assert handle.readline() == ",".join(TICKET_COLUMNS) + "\n"
    for row in ticket_rows(week):
        normalise_ticket(row, UTC)
    for answer in survey_rows(week):
        normalise_survey(answer, UTC)


def test_field_values_are_valid(week: Path) -> None:
    rows = ticket_rows(week)
    assert {r["status"] for r in rows} <= set(TICKET_STATUSES)
    assert {r["priority"] for r in rows} <= set(PRIORITIES)
    assert {r["channel"] for r in rows} == CHANNELS
    assert {r["queue"] for r in rows} == QUEUES
    assert len({r["agent"] for r in rows if r["agent"]}) == 30
    assert all(r["id"] and r["subject"] and r["customer_id"] for r in rows)


def test_versions_are_in_time_order_and_tell_a_consistent_story(week: Path) -> None:
    rows = ticket_rows(week)
    start = END_EPOCH - 7 * 86_400
    file_order = [epoch(r["updated_at"]) for r in rows]
    assert file_order == sorted(file_order)
    versions: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        versions[row["id"]].append(row)
    for ticket_id, history in versions.items():
        created = epoch(history[0]["created_at"])
        assert created is not None and start < created <= END_EPOCH
        assert history[0]["status"] == "new", ticket_id
        updated = [epoch(v["updated_at"]) for v in history]
        assert updated == sorted(updated) and updated[-1] <= END_EPOCH, ticket_id
        for version in history:
            assert version["created_at"] == history[0]["created_at"]
            first_response = epoch(version["first_response_at"])
            resolved = epoch(version["resolved_at"])
            if first_response is not None:
                assert first_response >= created, ticket_id
            if resolved is not None:
                assert first_response is not None and resolved >= first_response, ticket_id
            if version["status"] in ("solved", "closed"):
                assert resolved is not None and version["handle_seconds"], ticket_id
            if version["status"] == "abandoned":
                assert first_response is None and version["channel"] in ("phone", "chat")
        reopens = [int(v["reopens"]) for v in history]
        assert reopens == sorted(reopens), ticket_id


def test_mix_looks_like_a_contact_centre(week: Path) -> None:
    tickets = latest_versions(ticket_rows(week))
    total = len(tickets)
    # 7 days x 24 h x 30 per hour = 5,040 expected arrivals.
    assert 4_500 <= total <= 5_600
    channels = Counter(t["channel"] for t in tickets.values())
    assert 0.35 <= channels["email"] / total <= 0.45
    assert 0.20 <= channels["phone"] / total <= 0.30
    assert 0.20 <= channels["chat"] / total <= 0.30
    priorities = Counter(t["priority"] for t in tickets.values())
    assert priorities.most_common(1)[0][0] == "normal"

    live = [t for t in tickets.values() if t["channel"] in ("phone", "chat")]
    abandoned = sum(t["status"] == "abandoned" for t in live)
    assert 0.03 <= abandoned / len(live) <= 0.10

    resolved = [t for t in tickets.values() if t["status"] in ("solved", "closed")]
    reopened = sum(t["reopens"] != "0" for t in resolved)
    assert 0.03 <= reopened / len(resolved) <= 0.12
    assert any(t["status"] == "closed" for t in resolved)

    customers = Counter(t["customer_id"] for t in tickets.values())
    assert sum(n > 1 for n in customers.values()) >= 0.2 * len(customers)


def test_calls_are_answered_in_seconds_and_emails_in_hours(week: Path) -> None:
    waits: dict[str, list[int]] = defaultdict(list)
    for t in latest_versions(ticket_rows(week)).values():
        if t["first_response_at"]:
            waits[t["channel"]].append(epoch(t["first_response_at"]) - epoch(t["created_at"]))
    assert statistics.median(waits["phone"]) < 60
    assert statistics.median(waits["chat"]) < 5 * 60
    assert statistics.median(waits["email"]) > 3_600


def test_quiet_nights_and_weekends(week: Path) -> None:
    by_hour = Counter(
        datetime.fromisoformat(t["created_at"]).hour
        for t in latest_versions(ticket_rows(week)).values()
    )
    night = sum(by_hour[h] for h in (1, 2, 3, 4))
    morning = sum(by_hour[h] for h in (9, 10, 11, 12))
    assert morning > 5 * night
    by_weekday = Counter(
        datetime.fromisoformat(t["created_at"]).weekday()
        for t in latest_versions(ticket_rows(week)).values()
    )
    # The week ends on a Friday noon, so Saturday and Sunday each appear once, whole.
    assert by_weekday[5] < 0.7 * by_weekday[2] and by_weekday[6] < 0.7 * by_weekday[2]


def test_work_in_progress_is_left_open_at_the_end(week: Path) -> None:
    tickets = latest_versions(ticket_rows(week))
    still_open = [t for t in tickets.values() if t["status"] in OPEN_STATUSES]
    assert {t["status"] for t in still_open} == set(OPEN_STATUSES)
    ages = [END_EPOCH - epoch(t["created_at"]) for t in still_open]
    assert min(ages) < 3_600 and max(ages) > 86_400
    breached = [
        t
        for t in still_open
        if epoch(t["resolution_due_at"]) < END_EPOCH
        or (not t["first_response_at"] and epoch(t["first_response_due_at"]) < END_EPOCH)
    ]
    assert 0 < len(breached) < len(still_open)


def test_surveys_follow_resolutions_and_fall_with_waits_and_reopens(week: Path) -> None:
    tickets = latest_versions(ticket_rows(week))
    answers = survey_rows(week)
    submitted = [epoch(str(a["submitted_at"])) for a in answers]
    assert submitted == sorted(submitted) and submitted[-1] <= END_EPOCH
    assert len({a["id"] for a in answers}) == len(answers)
    resolved = sum(t["status"] in ("solved", "closed") for t in tickets.values())
    assert 0.12 <= len(answers) / resolved <= 0.28
    assert {a["kind"] for a in answers} == {"nps", "csat", "ces"}

    relative: dict[str, list[float]] = {"quick": [], "slow": [], "reopened": []}
    comments: list[str] = []
    mentions = 0
    for answer in answers:
        kind, score = str(answer["kind"]), int(answer["score"])  # type: ignore[call-overload]
        low, high = SCORE_RANGES[kind]
        assert low <= score <= high
        ticket = tickets[str(answer["ticket_id"])]
        assert answer["customer_id"] == ticket["customer_id"]
        assert ticket["resolved_at"] and epoch(ticket["resolved_at"]) < epoch(
            str(answer["submitted_at"])
        )
        waited = epoch(ticket["first_response_at"]) - epoch(ticket["created_at"])
        quick = {"phone": 20, "chat": 60}.get(ticket["channel"], 4 * 3_600)
        group = "reopened" if ticket["reopens"] != "0" else "quick" if waited <= quick else "slow"
        relative[group].append((score - low) / (high - low))
        comment = str(answer["comment"])
        comments.append(comment)
        about_wait = any(w in comment.lower() for w in ("wait", "repl", "hear back", "away"))
        mentions += about_wait or ticket["agent"].split()[0] in comment
    assert statistics.mean(relative["slow"]) < statistics.mean(relative["quick"])
    assert statistics.mean(relative["reopened"]) < statistics.mean(relative["slow"])

    assert 0.2 <= comments.count("") / len(comments) <= 0.5
    # About a third of the remarks are about the wait or name the agent.
    assert 0.2 <= mentions / (len(comments) - comments.count("")) <= 0.45


def follow_for(
    folder: Path, state: object, *, hours: int, speed: float = 3_600.0
) -> threading.Thread:
    """Run follow on a fake clock that moves one second per call (one simulated hour at the
    default speed) and sets stop after `hours` calls."""
    stop = threading.Event()
    calls = 0

    def clock() -> float:
        nonlocal calls
        calls += 1
        if calls > hours:
            stop.set()
        return float(calls)

    writer = threading.Thread(
        target=follow,
        args=(folder, state),
        kwargs={"stop": stop, "speed": speed, "clock": clock},
        daemon=True,
    )
    writer.start()
    writer.join(timeout=30)
    return writer


def test_follow_appends_whole_lines_and_continues_the_history(tmp_path: Path) -> None:
    live = tmp_path / "live"
    state = write_history(live, days=1, rate=40, seed=5, end=END - timedelta(days=1))
    before = {name: (live / name).read_bytes() for name in (TICKETS_FILE, SURVEYS_FILE)}

    writer = follow_for(live, state, hours=30)
    assert not writer.is_alive()
    assert state.now >= END_EPOCH

    after = {name: (live / name).read_bytes() for name in (TICKETS_FILE, SURVEYS_FILE)}
    for name in after:
        assert after[name].startswith(before[name]), name
        assert len(after[name]) > len(before[name]), name
        assert after[name].endswith(b"\n"), name
    assert after[TICKETS_FILE].count(b"id,created_at,") == 1
    for line in after[SURVEYS_FILE].splitlines():
        json.loads(line)

    # One straight run over both days writes exactly what history plus follow wrote.
    straight = tmp_path / "straight"
    write_history(straight, days=2, rate=40, seed=5, end=END)
    followed = ticket_rows(live)
    expected = ticket_rows(straight)
    assert followed[: len(expected)] == expected
    assert all(epoch(r["updated_at"]) > END_EPOCH for r in followed[len(expected) :])
    answers = survey_rows(live)
    assert answers[: len(survey_rows(straight))] == survey_rows(straight)


def test_follow_writes_a_header_into_an_empty_folder_once(tmp_path: Path) -> None:
    state = write_history(tmp_path / "seed", days=0, rate=60, seed=1, end=END)
    empty = tmp_path / "empty"
    assert not follow_for(empty, state, hours=3).is_alive()
    assert not follow_for(empty, state, hours=3).is_alive()
    text = (empty / TICKETS_FILE).read_text()
    assert text.count("id,created_at,") == 1 and text.startswith("id,created_at,")
    assert len(ticket_rows(empty)) > 0


NIGHT = datetime(2026, 12, 3, 0, 31, tzinfo=UTC)  # a Thursday, 00:31 UTC
NIGHT_EPOCH = int(NIGHT.timestamp())


def test_a_demo_started_at_night_writes_its_first_live_row_within_two_seconds(
    tmp_path: Path,
) -> None:
    state = write_history(tmp_path, days=1, rate=40, seed=11, end=NIGHT)
    go_live(state, 720, min_rate=600)
    assert state.next_arrival - NIGHT_EPOCH <= 2
    rows_before = len(ticket_rows(tmp_path))
    stop = threading.Event()
    readings = iter([0.0, 2.0])

    def clock() -> float:
        """Start, then two seconds later; every further call is after the stop."""
        moment = next(readings, None)
        if moment is None:
            stop.set()
            return 2.0
        return moment

    follow(tmp_path, state, stop=stop, clock=clock)
    new = ticket_rows(tmp_path)[rows_before:]
    assert new, "no row written in the first two seconds"
    assert NIGHT_EPOCH <= min(epoch(r["created_at"]) or 0 for r in new) <= NIGHT_EPOCH + 2


def test_a_live_floor_keeps_a_quiet_night_moving(tmp_path: Path) -> None:
    """At 00:31 the curve gives 720/h * 0.15 / 0.82, about 130 arrivals an hour; a floor of
    600 an hour means about 600 (Poisson, sd about 25), never fewer than 500."""
    state = write_history(tmp_path, days=0, rate=40, seed=12, end=NIGHT)
    go_live(state, 720, min_rate=600)
    arrivals = []
    moment = state.next_arrival
    while moment < NIGHT_EPOCH + 3_600:
        arrivals.append(moment)
        moment = _next_arrival(state, moment)
    assert 500 <= len(arrivals) <= 700
    quiet = write_history(tmp_path / "quiet", days=0, rate=40, seed=12, end=NIGHT)
    go_live(quiet, 720)
    moment, unfloored = quiet.next_arrival, 0
    while moment < NIGHT_EPOCH + 3_600:
        unfloored += 1
        moment = _next_arrival(quiet, moment)
    assert 60 <= unfloored <= 220


def test_simulate_stops_after_the_history_when_stop_is_already_set(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    simulate(tmp_path, days=1, rate=10, seed=2, follow_mode=True, end=END, stop=stop)
    rows = ticket_rows(tmp_path)
    assert rows and max(epoch(r["updated_at"]) for r in rows) <= END_EPOCH


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rate"):
        write_history(tmp_path, days=1, rate=0, seed=1, end=END)
    with pytest.raises(ValueError, match="days"):
        write_history(tmp_path, days=-1, rate=1, seed=1, end=END)


def test_simulator_does_not_pull_in_the_screens() -> None:
    code = "import sys, cxtui.simulate; print(sorted(m for m in sys.modules if 'textual' in m))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
