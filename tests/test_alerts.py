"""Alert state, walked through hand-worked sequences on a frozen clock (times in seconds).

Each test feeds the book (time, reading) pairs and checks what fired, cleared and was
announced, worked out by hand from the rule: above/below the threshold starts pending, held
for `for` fires, and only the clear level ends a firing alert.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from cxtui.alert_rules import Rule
from cxtui.alerts import FIRING, PENDING, QUIET, AlertBook, Outcome, Reading, evaluate_once

MIN = 60
# 2026-03-02 12:00 UTC, a Monday, as the frozen clock's zero.
T0 = int(datetime(2026, 3, 2, 12, 0, tzinfo=UTC).timestamp())


def breaches(**changes: object) -> Rule:
    """SLA breached above 5, clearing at 3 or fewer, after holding 5 minutes."""
    settings: dict[str, object] = {
        "name": "Breaches",
        "metric": "sla_breached",
        "comparison": "above",
        "threshold": 5.0,
        "clear": 3.0,
        "for_seconds": 5 * MIN,
    }
    settings.update(changes)
    return Rule(**settings)  # type: ignore[arg-type]


def look(
    book: AlertBook,
    minute: float,
    value: float | None,
    n: int | None = None,
    minimum: int = 0,
    *,
    provisional: bool = False,
) -> Outcome:
    """One look `minute` minutes after T0 at the rule named Breaches."""
    reading = {"Breaches": Reading(value, n, minimum)}
    return book.evaluate(T0 + minute * MIN, reading, provisional=provisional)


def status(book: AlertBook) -> str:
    return book.states()[0].status


def test_a_breach_fires_only_once_it_has_held_for_the_rule_duration() -> None:
    book = AlertBook([breaches()])
    assert not look(book, 0, 6)  # past the line: pending from minute 0
    assert status(book) == PENDING
    assert not look(book, 4, 7)  # 4 minutes held: not yet
    outcome = look(book, 5, 8)  # 5 minutes held: fires, with the value now
    assert [a.value for a in outcome.fired] == [8.0]
    assert outcome.fired[0].fired_at == T0 + 5 * MIN
    assert status(book) == FIRING
    assert [n.event for n in outcome.notices] == ["fired"]


def test_a_dip_back_inside_the_line_restarts_the_wait() -> None:
    book = AlertBook([breaches()])
    look(book, 0, 6)
    look(book, 3, 5)  # at the line is not past it (above means strictly above): cancelled
    assert status(book) == QUIET
    look(book, 4, 6)  # pending again from minute 4
    assert not look(book, 8, 6)  # 4 minutes since minute 4
    assert len(look(book, 9, 6).fired) == 1


def test_flapping_at_the_line_neither_clears_nor_fires_again() -> None:
    book = AlertBook([breaches(for_seconds=0)])
    assert len(look(book, 0, 6).fired) == 1
    # Hovering around the threshold (5) but never down to the clear level (3).
    for minute, value in enumerate([4, 6, 5, 7, 4, 6], start=1):
        outcome = look(book, minute, value)
        assert not outcome.fired and not outcome.cleared
    assert status(book) == FIRING
    assert len(book.alerts()) == 1
    assert book.alerts()[0].latest == 6.0


def test_it_clears_at_the_clear_level_and_a_new_breach_is_a_new_alert() -> None:
    book = AlertBook([breaches(for_seconds=0)])
    look(book, 0, 9)
    assert not look(book, 1, 4).cleared  # 4 > 3: still firing
    outcome = look(book, 2, 3)  # 3 <= 3: cleared
    assert [(a.cleared_at, a.cleared_value) for a in outcome.cleared] == [(T0 + 2 * MIN, 3.0)]
    assert [n.event for n in outcome.notices] == ["cleared"]
    assert status(book) == QUIET
    assert len(look(book, 3, 6).fired) == 1
    first, second = sorted(book.alerts(), key=lambda a: a.id)
    assert (first.active, second.active) == (False, True)
    assert (first.value, first.rule.threshold) == (9.0, 5.0)


def test_a_below_rule_mirrors_the_lines() -> None:
    rule = Rule(
        name="Breaches",
        metric="service_level",
        comparison="below",
        threshold=0.8,
        clear=0.85,
    )
    book = AlertBook([rule])
    assert not look(book, 0, 0.8)  # at 80 % is not below it
    assert len(look(book, 1, 0.79).fired) == 1
    assert not look(book, 2, 0.84).cleared  # back above 80 % but short of 85 %
    assert len(look(book, 3, 0.85).cleared) == 1


def test_provisional_numbers_change_nothing() -> None:
    book = AlertBook([breaches(for_seconds=0)])
    assert not look(book, 0, 50, provisional=True)
    assert status(book) == QUIET and book.alerts() == []
    look(book, 1, 6)
    assert not look(book, 2, 0, provisional=True).cleared  # a loading dip does not clear
    assert status(book) == FIRING


def test_a_sample_below_its_minimum_is_not_judged() -> None:
    rule = Rule(name="Breaches", metric="nps", comparison="below", threshold=0.0, clear=10.0)
    book = AlertBook([rule])
    assert not look(book, 0, -40, n=29, minimum=30)  # 29 answers, 30 needed
    assert status(book) == QUIET
    assert len(look(book, 1, -40, n=30, minimum=30).fired) == 1
    # Too few answers to say it recovered: still firing.
    assert not look(book, 2, 50, n=5, minimum=30).cleared
    assert not look(book, 3, None, n=0, minimum=30).cleared
    assert len(look(book, 4, 50, n=31, minimum=30).cleared) == 1


def test_a_low_sample_cancels_a_pending_rule() -> None:
    book = AlertBook([breaches(metric="first_response_median", threshold=60, clear=60)])
    look(book, 0, 120, n=20, minimum=20)
    look(book, 3, 120, n=19, minimum=20)
    assert status(book) == QUIET
    look(book, 4, 120, n=20, minimum=20)
    assert not look(book, 8, 120, n=20, minimum=20)  # 4 minutes since it came back
    assert len(look(book, 9, 120, n=20, minimum=20).fired) == 1


def test_quiet_hours_fire_without_announcing_then_announce_when_they_end() -> None:
    # Quiet 22:00-07:00 in London; 2026-03-02 is winter time, London = UTC.
    london = ZoneInfo("Europe/London")
    rule = breaches(for_seconds=0, quiet_hours=(22 * 60, 7 * 60), bell=True)
    book = AlertBook([rule], london)
    at_night = int(datetime(2026, 3, 2, 23, 30, tzinfo=london).timestamp())
    outcome = book.evaluate(at_night, {"Breaches": Reading(9)})
    assert len(outcome.fired) == 1 and outcome.fired[0].quiet
    assert outcome.notices == ()
    assert not book.tick(at_night + 6 * 3600)  # 05:30: still quiet
    morning = book.tick(int(datetime(2026, 3, 3, 7, 0, tzinfo=london).timestamp()))
    assert [(n.event, n.rings) for n in morning.notices] == [("fired", True)]
    assert not book.tick(int(datetime(2026, 3, 3, 7, 1, tzinfo=london).timestamp()))


def test_an_alert_acknowledged_in_quiet_hours_is_never_announced() -> None:
    rule = breaches(for_seconds=0, quiet_hours=(22 * 60, 7 * 60))
    book = AlertBook([rule])
    night = int(datetime(2026, 3, 2, 23, 0, tzinfo=UTC).timestamp())
    (alert,) = book.evaluate(night, {"Breaches": Reading(9)}).fired
    assert book.acknowledge(alert.id, night + 60)
    assert not book.acknowledge(alert.id, night + 120)  # once
    assert not book.tick(night + 9 * 3600)
    cleared = book.evaluate(night + 10 * 3600, {"Breaches": Reading(0)})
    assert len(cleared.cleared) == 1 and cleared.notices == ()  # never announced: no clear
    assert book.alerts()[0].acknowledged_at == night + 60


def test_quiet_hours_within_one_day() -> None:
    rule = breaches(quiet_hours=(12 * 60, 13 * 60))
    book = AlertBook([rule])
    assert book.in_quiet_hours(rule, T0)  # 12:00
    assert book.in_quiet_hours(rule, T0 + 59 * MIN)
    assert not book.in_quiet_hours(rule, T0 + 60 * MIN)  # 13:00 ends it
    assert not book.in_quiet_hours(rule, T0 - 1)


def test_a_pending_rule_fires_on_a_tick_without_new_numbers() -> None:
    book = AlertBook([breaches()])
    look(book, 0, 6)
    assert book.waiting
    assert not book.tick(T0 + 4 * MIN)
    assert len(book.tick(T0 + 5 * MIN).fired) == 1


def test_the_bell_rings_only_for_rules_that_ask_for_it() -> None:
    book = AlertBook([breaches(for_seconds=0)])
    (notice,) = look(book, 0, 6).notices
    assert not notice.rings


def test_active_alerts_come_first_critical_leading() -> None:
    rules = [
        breaches(name="A", for_seconds=0),
        breaches(name="B", for_seconds=0, severity="critical"),
    ]
    book = AlertBook(rules)
    book.evaluate(T0, {"A": Reading(9)})
    book.evaluate(T0 + 60, {"A": Reading(0), "B": Reading(9)})
    book.evaluate(T0 + 120, {"A": Reading(9), "B": Reading(9)})
    assert [(a.rule.name, a.active) for a in book.alerts()] == [
        ("B", True),
        ("A", True),
        ("A", False),
    ]


def test_the_alert_as_json_carries_value_threshold_and_times() -> None:
    book = AlertBook([breaches(for_seconds=0, queue="billing")])
    (alert,) = look(book, 0, 7).fired
    shown = alert.as_json("fired")
    assert shown["event"] == "fired"
    assert (shown["rule"], shown["metric"], shown["scope"]) == (
        "Breaches",
        "sla_breached",
        {"queue": "billing"},
    )
    assert (shown["value"], shown["threshold"], shown["clear"]) == (7.0, 5.0, 3.0)
    assert shown["fired_at"] == "2026-03-02T12:00:00Z"
    assert shown["cleared_at"] is None


def test_evaluated_once_for_the_report() -> None:
    rules = [
        breaches(name="held", for_seconds=0),
        breaches(name="waits"),
        breaches(name="fine", for_seconds=0),
        breaches(name="few", metric="nps", comparison="below", threshold=0, clear=0),
    ]
    readings = {
        "held": Reading(6),
        "waits": Reading(6),
        "fine": Reading(5),
        "few": Reading(-50, 3, 30),
    }
    states = {r.rule.name: r.state for r in evaluate_once(rules, readings, T0)}
    assert states == {"held": "firing", "waits": "pending", "fine": "ok", "few": "not_judged"}
