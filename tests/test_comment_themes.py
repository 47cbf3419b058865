"""Comment themes against values worked out by hand from a handful of comments.

The window's comments (kind, score, text):

    N1 nps 2  "Waited ages for a refund"        N5 csat 1 "Refund still missing, app crashed"
    N2 nps 10 "Quick refund, thanks"            N6 csat 5 "Helpful agent, quick answer"
    N3 nps 9  "Agent was helpful and quick"     N7 csat 4 "Quick and helpful"
    N4 nps 5  "The app keeps crashing"          N8 nps 7  "Refunded quickly"

and the window before: B1 nps 9 "Refund came fast", B2 nps 10 "Quick service",
B3 csat 5 "Refund sorted", B4 nps 3 "" (no comment).

Refunds ("refund", "money back"): N1, N2, N5 ("Refunded" is another word). NPS of N1 (a
detractor) and N2 (a promoter): (1 - 1) / 2 = 0, n 2; CSAT of N5 (1, dissatisfied): 0 %, n 1.
Before: B1, B3: NPS 100 (n 1), CSAT 100 % (n 1); so +1 comment, NPS -100, CSAT -100.
App crashes (re:crash(ed|es|ing)?): N4, N5; NPS of N4 (5): -100 (n 1); CSAT of N5: 0 % (n 1).
Words used by at least 3 comments, stop words ("was", "and", "the", "for", "still") aside:
quick (N2, N3, N6, N7: 4 of 8, not above half) and helpful (N3, N6, N7); refund (3) is the
Refunds theme's word. quick: NPS of 10 and 9 = 100 (n 2), CSAT of 5 and 4 = 100 % (n 2);
before, B2: NPS 100 (n 1), so +3 comments, NPS change 0, CSAT change none (none before).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from cxtui import queries
from cxtui.comment_themes import (
    CONFIGURED,
    FOUND,
    ThemeError,
    comment_themes,
    found_terms,
    theme_rule,
    themes_from_config,
    themes_json,
    themes_of_window,
    words_of,
)
from cxtui.config import ConfigError, load_config
from cxtui.metrics import NO_FILTERS, Window
from cxtui.queries import SurveyRow, survey_category
from tests.tui.fixtures import AS_OF, WEEK, build_database


def row(id: str, kind: str, score: int, comment: str | None) -> SurveyRow:
    return SurveyRow(
        id=id,
        submitted_at=0,
        kind=kind,
        score=score,
        ticket_id=None,
        customer_id=None,
        comment=comment,
        category=survey_category(kind, score),
    )


NOW = [
    row("N1", "nps", 2, "Waited ages for a refund"),
    row("N2", "nps", 10, "Quick refund, thanks"),
    row("N3", "nps", 9, "Agent was helpful and quick"),
    row("N4", "nps", 5, "The app keeps crashing"),
    row("N5", "csat", 1, "Refund still missing, app crashed"),
    row("N6", "csat", 5, "Helpful agent, quick answer"),
    row("N7", "csat", 4, "Quick and helpful"),
    row("N8", "nps", 7, "Refunded quickly"),
]
BEFORE = [
    row("B1", "nps", 9, "Refund came fast"),
    row("B2", "nps", 10, "Quick service"),
    row("B3", "csat", 5, "Refund sorted"),
    row("B4", "nps", 3, ""),
]
RULES = (
    theme_rule("Refunds", ["refund", "money back"]),
    theme_rule("App crashes", ["re:crash(ed|es|ing)?"]),
)


def test_configured_themes_count_their_comments_with_nps_and_csat() -> None:
    refunds = comment_themes(NOW, BEFORE, RULES)[0]
    assert (refunds.name, refunds.kind) == ("Refunds", CONFIGURED)
    assert refunds.survey_ids == ("N1", "N2", "N5")
    assert (refunds.now.comments, refunds.now.nps, refunds.now.nps_n) == (3, 0.0, 2)
    assert (refunds.now.csat, refunds.now.csat_n) == (0.0, 1)


def test_change_against_the_previous_window() -> None:
    refunds = comment_themes(NOW, BEFORE, RULES)[0]
    assert (refunds.before.comments, refunds.before.nps, refunds.before.csat) == (2, 100.0, 100.0)
    assert refunds.comments_change == 1
    assert refunds.nps_change == -100.0
    assert refunds.csat_change == -100.0


def test_a_pattern_theme() -> None:
    app = comment_themes(NOW, BEFORE, RULES)[1]
    assert app.survey_ids == ("N4", "N5")
    assert (app.now.nps, app.now.nps_n, app.now.csat, app.now.csat_n) == (-100.0, 1, 0.0, 1)
    assert (app.before.comments, app.nps_change, app.csat_change) == (0, None, None)


def test_found_themes_follow_the_configured_ones_most_mentioned_first() -> None:
    themes = comment_themes(NOW, BEFORE, RULES)
    assert [(t.name, t.kind) for t in themes] == [
        ("Refunds", CONFIGURED),
        ("App crashes", CONFIGURED),
        ("quick", FOUND),
        ("helpful", FOUND),
    ]
    quick = themes[2]
    assert quick.survey_ids == ("N2", "N3", "N6", "N7")
    assert (quick.now.nps, quick.now.nps_n, quick.now.csat, quick.now.csat_n) == (100, 2, 100, 2)
    assert (quick.before.comments, quick.before.nps, quick.before.csat) == (1, 100.0, None)
    assert (quick.comments_change, quick.nps_change, quick.csat_change) == (3, 0.0, None)


def test_without_configured_themes_the_word_refund_is_found() -> None:
    assert found_terms(NOW) == [("quick",), ("helpful",), ("refund",)]


def test_words_always_said_together_are_one_term() -> None:
    comments = [
        row("1", "nps", 10, "Problem solved first time"),
        row("2", "nps", 9, "problem solved, first time!"),
        row("3", "nps", 3, "Problem solved first time? No"),
        row("4", "nps", 3, "It was slow"),
        row("5", "nps", 3, "Slow, and the problem came back"),
        row("6", "nps", 3, "So slow"),
        row("7", "nps", 3, "Rude"),
        row("8", "nps", 3, "Rude"),
    ]
    # "problem" is in 4 of 8 comments (not above half), "solved", "first" and "time" in the
    # same 3, "slow" in 3 others.
    assert found_terms(comments) == [("problem",), ("slow",), ("solved", "first", "time")]
    (*_, phrase) = comment_themes(comments, [row("0", "nps", 10, "first time, solved")])
    assert (phrase.name, phrase.now.comments, phrase.before.comments) == ("solved first time", 3, 1)
    assert (phrase.now.nps, phrase.now.nps_n) == (100 * (2 - 1) / 3, 3)


def test_stop_words_and_words_in_most_comments_are_never_found() -> None:
    comments = [
        row("1", "nps", 9, "The agent was the best"),
        row("2", "nps", 9, "The agent was slow"),
        row("3", "nps", 9, "The agent was rude"),
        row("4", "nps", 9, "The agent was late, so slow"),
        row("5", "nps", 9, "Was the reply slow"),
        row("6", "nps", 9, "No"),
    ]
    # "the" and "was" are stop words; "agent" is in 4 of 6 comments, more than half.
    assert found_terms(comments) == [("slow",)]
    assert found_terms(comments, min_comments=4) == []


def test_words_ignore_case_short_words_and_stop_words() -> None:
    assert words_of("Don't make me WAIT, it's an app, app!") == ["make", "wait", "app"]


def test_words_match_whole_and_phrases_take_any_spacing() -> None:
    wait = theme_rule("Wait", ["took ages", "wait"])
    assert wait.mentioned_in("It TOOK   ages.")
    assert wait.mentioned_in("a long wait")
    assert not wait.mentioned_in("waiting")
    assert not wait.mentioned_in("tookages")
    assert theme_rule("C++", ["c++"]).mentioned_in("the C++ app")
    assert not theme_rule("App", ["app"]).mentioned_in("apps and app_id")


def test_blank_comments_are_not_counted() -> None:
    themes = comment_themes([row("1", "nps", 0, "   "), *NOW], [], RULES)
    assert themes[0].now.comments == 3


def test_report_json_shape() -> None:
    first = themes_json(comment_themes(NOW, BEFORE, RULES))[0]
    assert first == {
        "name": "Refunds",
        "kind": "configured",
        "comments": 3,
        "nps": 0.0,
        "nps_n": 2,
        "csat": 0.0,
        "csat_n": 1,
        "previous": {"comments": 2, "nps": 100.0, "nps_n": 1, "csat": 100.0, "csat_n": 1},
        "change": {"comments": 1, "nps": -100.0, "csat": -100.0},
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (["refund"], "must be a table"),
        ({"Refunds": "refund"}, "themes.Refunds must list"),
        ({"Refunds": []}, "themes.Refunds must list"),
        ({"Refunds": ["refund", " "]}, "non-empty"),
        ({"Refunds": ["re:("]}, "is not a pattern"),
        ({"Refunds": ["refund", "re:(?i)money"]}, "do not go together"),
    ],
)
def test_config_refuses_what_it_cannot_use(table: object, message: str) -> None:
    with pytest.raises(ThemeError, match=message):
        themes_from_config(table)


def test_themes_from_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "cxtui.toml"
    path.write_text('[themes]\nRefunds = ["refund", "re:money\\\\s+back"]\n', encoding="utf-8")
    (rule,) = load_config(None, path).themes
    assert rule.name == "Refunds"
    assert rule.mentioned_in("I want my MONEY  back")
    path.write_text('[themes]\nBroken = ["re:["]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cxtui\.toml: themes\.Broken"):
        load_config(None, path)


def test_the_documented_example_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "config.md").read_text("utf-8")
    example = doc.split("## Comment themes", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "cxtui.toml"
    path.write_text(example, encoding="utf-8")
    rules = load_config(None, path).themes
    assert [r.name for r in rules][:2] == ["Wait time", "Refunds"]
    assert rules[0].mentioned_in("It was SLOWLY done") and rules[2].mentioned_in("app crashed")


def test_themes_of_the_window_read_from_the_database(tmp_path: Path) -> None:
    """The screen fixtures' week: S-1 "Took far too long" (NPS 2), S-2 "Great help" (NPS 10),
    S-4 and S-5 (CSAT); nothing the week before (S-7 is 20 days old)."""
    engine = build_database(tmp_path / "cxtui.db")
    window = Window(AS_OF, WEEK)
    help_rule = theme_rule("Help", ["help"])
    with Session(engine) as session:
        found = themes_of_window(session, window, NO_FILTERS, [help_rule])
        assert (found.comments, found.previous_comments) == (4, 0)
        (theme,) = found.themes
        assert theme.survey_ids == ("S-2",)
        assert (theme.now.comments, theme.now.nps, theme.before.comments) == (1, 100.0, 0)
        listed = queries.survey_page(session, window, NO_FILTERS, 0, 10, ids=["S-2", "S-1"])
        assert [r.id for r in listed] == ["S-1", "S-2"]  # unhappiest first, as ever
        assert queries.count_surveys(session, window, NO_FILTERS, ids=["S-7", "S-2"]) == 1
        assert queries.count_surveys(session, window, NO_FILTERS, ids=[]) == 0
        said = queries.window_comments(session, window, NO_FILTERS)
        assert [r.id for r in said] == ["S-2", "S-1", "S-5", "S-4"]
    engine.dispose()
