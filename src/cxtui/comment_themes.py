"""What customers say: the themes of the window's survey comments, each with how many comments
mention it, the NPS and CSAT of those responses, and the change against the previous window.

Two kinds of theme. *Configured* ones come from `[themes]` in cxtui.toml, a name and the words,
phrases or `re:` patterns that mean it ("Wait time" = ["wait", "took ages", "re:slow(ly)?"]);
a supervisor names what the centre cares about. *Found* ones are the words the window's comments
repeat: in at least MIN_FOUND_COMMENTS of them, not a stop word, not too common to tell one
comment from another, and not already a configured theme's word (words always said together
are one term); they show what nobody thought to configure. Definitions in words are in
docs/metrics.md ("Comment themes").

Everything here but `themes_of_window` is pure: comments in, themes out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from cxtui.metrics import Filters, Window, csat_of, nps_of
from cxtui.queries import SurveyRow, window_comments
from cxtui.report import number, plural
from cxtui.safe_text import visible
from cxtui.tallies import SurveyTally

CONFIGURED = "configured"
FOUND = "found"
REGEX_PREFIX = "re:"

MIN_FOUND_COMMENTS = 3
"""A word becomes a found theme once this many of the window's comments use it."""
MAX_FOUND = 8
"""Found themes listed, the most mentioned first."""
COMMON_SHARE = 0.5
"""A word in more than this share of the window's comments tells none of them apart."""
MIN_WORD_LETTERS = 3

_STOP_WORDS = """
    about after again all also always and any are around because been before being but can
    could did didn does doesn done don even ever every for from get got had has have having her
    here him his how into its just let more most much not now off once one only other our out
    over own quite said same she should some still such than that the their them then there
    these they thing things this those through too very was wasn way well were what when where
    which while who why will with would yes yet you your i'm it's i've don't didn't wasn't
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
"""Words too common in any comment to be a theme; found themes never include these."""

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class ThemeError(ValueError):
    """The `[themes]` table cannot be used; the message names the theme."""


@dataclass(frozen=True)
class ThemeRule:
    """A configured theme: its name, what the config lists, and those as one pattern."""

    name: str
    patterns: tuple[str, ...]
    matcher: re.Pattern[str]

    def mentioned_in(self, comment: str) -> bool:
        return self.matcher.search(comment) is not None


@dataclass(frozen=True)
class Mentions:
    """The responses of one window that mention a theme, with their NPS and CSAT."""

    comments: int
    nps: float | None
    nps_n: int
    csat: float | None
    csat_n: int


@dataclass(frozen=True)
class Theme:
    """One theme in the window and in the window of the same length before it.

    `survey_ids` are this window's responses that mention it, so a list can show exactly
    those. Each change is now minus before, None where either side has no figure."""

    name: str
    kind: str
    now: Mentions
    before: Mentions
    survey_ids: tuple[str, ...]

    @property
    def comments_change(self) -> int:
        return self.now.comments - self.before.comments

    @property
    def nps_change(self) -> float | None:
        return _difference(self.now.nps, self.before.nps)

    @property
    def csat_change(self) -> float | None:
        return _difference(self.now.csat, self.before.csat)


@dataclass(frozen=True)
class WindowThemes:
    """The themes of a window and how many comments they were read from."""

    comments: int
    previous_comments: int
    themes: list[Theme]


# --- the config ---------------------------------------------------------------------------


def theme_rule(name: str, patterns: Sequence[str]) -> ThemeRule:
    """A theme from its config entry: each word or phrase matched whole (no letter, digit or
    underscore just before or after it, so "C++" works too), each `re:` pattern as written;
    all ignore case."""
    parts = []
    for pattern in patterns:
        if pattern.startswith(REGEX_PREFIX):
            expression = pattern.removeprefix(REGEX_PREFIX)
            try:
                re.compile(expression)
            except re.error as error:
                raise ThemeError(f"themes.{name}: {pattern!r} is not a pattern: {error}") from None
            parts.append(f"(?:{expression})")
        else:
            words = r"\s+".join(re.escape(word) for word in pattern.split())
            parts.append(rf"(?<!\w){words}(?!\w)")
    try:
        matcher = re.compile("|".join(parts), re.IGNORECASE)
    except re.error as error:  # e.g. a flag such as (?i) that only works at the very start
        raise ThemeError(f"themes.{name}: the patterns do not go together: {error}") from None
    return ThemeRule(name, tuple(patterns), matcher)


def themes_from_config(table: object) -> tuple[ThemeRule, ...]:
    """The `[themes]` table: each key a theme's name, each value a list of words, phrases
    or `re:` patterns. Raises ThemeError for anything else."""
    if not isinstance(table, dict):
        raise ThemeError('themes must be a table: [themes] then Refunds = ["refund", "money back"]')
    rules = []
    for name, patterns in table.items():
        if not isinstance(patterns, list) or not patterns:
            raise ThemeError(f'themes.{name} must list words or patterns, such as ["refund"]')
        if not all(isinstance(p, str) and p.strip().removeprefix(REGEX_PREFIX) for p in patterns):
            raise ThemeError(f"themes.{name}: every entry must be a non-empty word or pattern")
        rules.append(theme_rule(str(name), [p.strip() for p in patterns]))
    return tuple(rules)


# --- counting -------------------------------------------------------------------------------


def words_of(comment: str) -> list[str]:
    """The distinct words of a comment that could be a found theme, lower case, in the
    order the comment says them."""
    return list(
        dict.fromkeys(
            word
            for word in _WORD.findall(comment.lower())
            if len(word) >= MIN_WORD_LETTERS and word not in STOP_WORDS
        )
    )


def mentions(responses: Iterable[SurveyRow]) -> Mentions:
    """How many responses, and the NPS and CSAT (% satisfied) of those among them, by the
    same bands and formulas as the Experience pane (cxtui.metrics)."""
    listed = list(responses)
    nps = nps_of(_tally(r for r in listed if r.kind == "nps"))
    csat = csat_of(_tally(r for r in listed if r.kind == "csat"))
    return Mentions(
        comments=len(listed),
        nps=nps.score,
        nps_n=nps.responses,
        csat=csat.score_pct,
        csat_n=csat.responses,
    )


def found_terms(
    comments: Sequence[SurveyRow],
    rules: Sequence[ThemeRule] = (),
    *,
    min_comments: int = MIN_FOUND_COMMENTS,
    limit: int = MAX_FOUND,
) -> list[tuple[str, ...]]:
    """The words the comments repeat most, by how many comments use each, then A to Z.

    Left out: stop words, words shorter than MIN_WORD_LETTERS, words in fewer than
    `min_comments` comments or in more than COMMON_SHARE of them, and any word a configured
    theme already matches (it is counted there). Words that only ever come in the same
    comments are one term, in the order those comments say them ("problem solved first
    time"), so a stock phrase is listed once rather than filling the list word by word."""
    said = [word_set(row.comment or "") for row in comments]
    return _terms(comments, said, rules, min_comments, limit)


def word_set(comment: str) -> set[str]:
    """The words of words_of, unordered: the same words, read several times faster."""
    found = set(_WORD.findall(comment.lower())) - STOP_WORDS
    return {word for word in found if len(word) >= MIN_WORD_LETTERS}


def _terms(
    comments: Sequence[SurveyRow],
    said: Sequence[set[str]],
    rules: Sequence[ThemeRule],
    min_comments: int,
    limit: int,
) -> list[tuple[str, ...]]:
    """found_terms over each comment's word_set, read once by the caller."""
    used_by: dict[str, list[int]] = {}
    for index, words in enumerate(said):
        for word in words:
            used_by.setdefault(word, []).append(index)
    most = COMMON_SHARE * len(said)
    terms: dict[tuple[int, ...], set[str]] = {}
    for word, users in used_by.items():
        if min_comments <= len(users) <= most and not any(r.mentioned_in(word) for r in rules):
            terms.setdefault(tuple(users), set()).add(word)
    named = [
        (len(users), tuple(w for w in words_of(comments[users[0]].comment or "") if w in words))
        for users, words in terms.items()
    ]
    named.sort(key=lambda term: (-term[0], term[1]))
    return [words for _, words in named[:limit]]


def comment_themes(
    now: Sequence[SurveyRow],
    before: Sequence[SurveyRow],
    rules: Sequence[ThemeRule] = (),
    *,
    min_comments: int = MIN_FOUND_COMMENTS,
    limit: int = MAX_FOUND,
) -> list[Theme]:
    """The configured themes in config order, then the found ones, most mentioned first.

    `now` and `before` are the comments of the window and of the window of the same length
    before it; a found theme is found in `now` and counted the same way in `before`."""
    now = [r for r in now if r.comment and r.comment.strip()]
    before = [r for r in before if r.comment and r.comment.strip()]
    themes = []
    for rule in rules:
        mentioned = [r for r in now if rule.mentioned_in(r.comment or "")]
        themes.append(
            Theme(
                name=rule.name,
                kind=CONFIGURED,
                now=mentions(mentioned),
                before=mentions(r for r in before if rule.mentioned_in(r.comment or "")),
                survey_ids=tuple(r.id for r in mentioned),
            )
        )
    # Each comment's words read once; a comment uses a found term when it says all its words.
    now_words = [word_set(r.comment or "") for r in now]
    now_said = list(zip(now, now_words, strict=True))
    before_said = [(r, word_set(r.comment or "")) for r in before]
    for term in _terms(now, now_words, rules, min_comments, limit):
        mentioned = [r for r, said in now_said if said.issuperset(term)]
        themes.append(
            Theme(
                name=" ".join(term),
                kind=FOUND,
                now=mentions(mentioned),
                before=mentions(r for r, said in before_said if said.issuperset(term)),
                survey_ids=tuple(r.id for r in mentioned),
            )
        )
    return themes


def themes_of_window(
    session: Session, window: Window, filters: Filters, rules: Sequence[ThemeRule]
) -> WindowThemes:
    """The themes of the window's comments against the window of the same length before."""
    now = window_comments(session, window, filters)
    before = window_comments(session, Window(window.start, window.seconds), filters)
    return WindowThemes(len(now), len(before), comment_themes(now, before, rules))


# --- the report ---------------------------------------------------------------------------


def themes_json(themes: Sequence[Theme]) -> list[dict[str, Any]]:
    """The report's "themes": each theme now, before, and the change (docs/formats.md)."""
    return [
        {
            "name": theme.name,
            "kind": theme.kind,
            **_mentions_json(theme.now),
            "previous": _mentions_json(theme.before),
            "change": {
                "comments": theme.comments_change,
                "nps": theme.nps_change,
                "csat": theme.csat_change,
            },
        }
        for theme in themes
    ]


def themes_report_lines(themes: Sequence[Theme]) -> list[str]:
    """The comment themes section of `cxtui report`'s table: one theme a line."""
    if not themes:
        return ["", "Comment themes", "  none: no theme configured and no word repeated enough"]
    rows = [(f"{visible(t.name)} ({t.kind})", _theme_line(t)) for t in themes]
    width = max(len(label) for label, _ in rows)
    title = "Comment themes (change against the previous window)"
    return ["", title, *(f"  {label:<{width}}  {value}" for label, value in rows)]


def _theme_line(theme: Theme) -> str:
    now = theme.now
    return (
        f"{plural(now.comments, 'comment')} ({theme.comments_change:+d}),"
        f" NPS {number(now.nps)} (n={now.nps_n}, {_signed(theme.nps_change)}),"
        f" CSAT {number(now.csat)} % (n={now.csat_n}, {_signed(theme.csat_change)})"
    )


def _signed(change: float | None) -> str:
    return "—" if change is None else f"{change:+.1f}"


def _mentions_json(found: Mentions) -> dict[str, Any]:
    return {
        "comments": found.comments,
        "nps": found.nps,
        "nps_n": found.nps_n,
        "csat": found.csat,
        "csat_n": found.csat_n,
    }


def _tally(responses: Iterable[SurveyRow]) -> SurveyTally:
    """Responses of one kind as the tally the metrics read, banded by queries.SURVEY_BANDS."""
    tally = SurveyTally()
    for row in responses:
        tally.responses += 1
        tally.score_total += row.score
        tally.promoters += row.category == "promoter"
        tally.passives += row.category == "passive"
        tally.detractors += row.category == "detractor"
        tally.satisfied += row.category == "satisfied"
    return tally


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before
