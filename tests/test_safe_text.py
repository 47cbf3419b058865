"""Hostile data strings must come out as inert, visible, one-line plain text."""

from __future__ import annotations

import json
import unicodedata

import orjson
import pytest
from rich.console import Console
from rich.text import Text

from cxtui.safe_text import json_visible, mask_pii, visible

HOSTILE = {
    "rich markup": "[bold red]boom[/]",
    "ansi csi": "\x1b[31mred\x1b[0m alert",
    "osc 8 link": "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "osc 52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07copied",
    "c0 controls": "a\x00b\x07c\x08d\x1fe",
    "c1 controls": "csi\x9b2J osc\x9d0;title\x9c",
    "delete": "x\x7fy",
    "bidi override": "invoice\u202egpj.exe",
    "bidi isolates": "\u2066left\u2069 \u2067right\u2069 \u2068first\u2069",
    "zero width": "adm\u200bin \u200c\u200d\u2060\ufeffend",
    "newlines and tabs": "line one\r\nline two\tcolumn\vx\fy\u2028z",
    "tag characters": "flag\U000e0067\U000e0062",
    "lone surrogate": "broken\ud800half",
}


def _is_safe(text: str) -> bool:
    return all(unicodedata.category(char) not in {"Cc", "Cf", "Cs"} for char in text)


@pytest.mark.parametrize("raw", HOSTILE.values(), ids=HOSTILE.keys())
def test_output_has_no_control_bidi_or_zero_width_character(raw: str) -> None:
    shown = visible(raw)
    assert _is_safe(shown), [hex(ord(c)) for c in shown if not _is_safe(c)]
    assert "\n" not in shown and "\r" not in shown and "\t" not in shown


def test_rich_markup_is_left_as_text_for_rich_text_to_show_literally() -> None:
    shown = visible("[bold red]boom[/]")
    assert shown == "[bold red]boom[/]"
    console = Console(width=80, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(Text(shown))
    assert capture.get().strip() == "[bold red]boom[/]"


def test_escape_sequences_become_visible_pictures_with_the_printable_part_kept() -> None:
    assert visible("\x1b[31mred\x1b[0m alert") == "␛[31mred␛[0m alert"
    assert visible("\x1b]52;c;cm0=\x07copied") == "␛]52;c;cm0=␇copied"
    link = visible("\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\")
    assert link == "␛]8;;https://evil.example/␛\\click me␛]8;;␛\\"


def test_each_control_kind_has_its_own_stand_in() -> None:
    assert visible("a\x00b\x07c") == "a\u2400b\u2407c"  # C0 control pictures ␀ and ␇
    assert visible("x\x7fy") == "x\u2421y"  # ␡
    assert visible("\x9b2J") == "⟨U+009B⟩2J"  # C1 CSI
    assert visible("invoice\u202egpj.exe") == "invoice⟨U+202E⟩gpj.exe"
    assert visible("adm\u200bin") == "adm⟨U+200B⟩in"
    assert visible("\ufeffbom") == "⟨U+FEFF⟩bom"


def test_line_breaks_and_tabs_become_one_space_per_run() -> None:
    assert visible("line one\r\nline two\tcolumn") == "line one line two column"
    assert visible("a\n\n\n\tb") == "a b"


def test_ordinary_international_text_is_unchanged() -> None:
    text = "Zoë's café — 東京 ✓ 🙂 naïve\u00a0space"
    assert visible(text) == text


def test_non_strings_and_none() -> None:
    assert visible(None) == ""
    assert visible(42) == "42"
    assert visible(3.5) == "3.5"


def test_truncation_counts_characters_and_ends_with_an_ellipsis() -> None:
    assert visible("abcdef", max_len=4) == "abc…"
    assert visible("abcd", max_len=4) == "abcd"
    assert visible("abc", max_len=1) == "…"
    assert visible("abc", max_len=0) == ""
    # Truncation applies after stand-ins are inserted, so the limit holds on what is shown.
    assert len(visible("\x1b" * 10, max_len=5)) == 5


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("jane.doe@example.com", "j***@***.com"),
        ("Mail JSmith@mail.example.co.uk please", "Mail J***@***.uk please"),
        ("two: a@b.io, zed@x.org", "two: a***@***.io, z***@***.org"),
        ("+44 12345 6789", "+44 ***** **89"),
        ("call 020 7946 0958 today", "call *** **** **58 today"),
        ("(555) 123-4567", "(***) ***-**67"),
        ("+447700900123", "+**********23"),
        ("ticket T-100234 is fine", "ticket T-100234 is fine"),
        ("opened 2024-05-01 and 01/05/2024", "opened 2024-05-01 and 01/05/2024"),
        ("no contact details", "no contact details"),
    ],
)
def test_mask_pii(raw: str, masked: str) -> None:
    assert mask_pii(raw) == masked


@pytest.mark.parametrize(
    "raw", [v for k, v in HOSTILE.items() if k != "lone surrogate"], ids=lambda v: repr(v)[:20]
)
def test_json_output_has_no_raw_control_and_decodes_to_the_same_data(raw: str) -> None:
    encoded = json_visible(orjson.dumps({raw: [raw, 1]}).decode())
    assert _is_safe(encoded), [hex(ord(c)) for c in encoded if not _is_safe(c)]
    assert json.loads(encoded) == {raw: [raw, 1]}


def test_json_escapes_name_the_code_point_even_beyond_the_basic_plane() -> None:
    assert json_visible('"a\x9b\u202eb"') == r'"a\u009b\u202eb"'
    assert json_visible('"flag\U000e0067"') == r'"flag\udb40\udc67"'


def test_json_layout_and_ordinary_text_are_left_alone() -> None:
    text = '{"a": 1,\n\t"b": "Zoë 東京 🙂"}'
    assert json_visible(text) == text
