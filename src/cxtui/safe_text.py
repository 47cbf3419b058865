"""Turning data strings into text a terminal shows literally.

Ticket subjects, comments and agent names come from files anyone can write. Printed raw, an
ESC byte starts an ANSI sequence (colours, OSC 8 links, OSC 52 clipboard writes), a bidi
override reverses what the supervisor reads and a zero-width space hides a difference between
two names. `visible` swaps each such character for a visible stand-in so the supervisor sees
that it is there, and what it is, without the terminal acting on it.

It does not escape Rich markup: build `rich.text.Text(visible(s))`, which is never parsed as
markup, or wrap the result in `rich.markup.escape` when a markup string cannot be avoided.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"

# Line breaks and tabs would break a table row apart; a run of them reads as one space.
_BREAKS = re.compile(r"[\t\n\r\v\f\u2028\u2029]+")

# Categories that never reach the terminal as themselves: controls, format characters
# (bidi, zero-width, tags), lone surrogates and code points this Python does not know.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn"})


def _stand_in(char: str) -> str:
    """What the supervisor sees instead of a character the terminal would act on or hide."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture": ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"⟨U+{code:04X}⟩"


def _needs_stand_in(char: str) -> bool:
    return not char.isprintable() and unicodedata.category(char) in _HIDDEN_CATEGORIES


def visible(text: object, max_len: int | None = None) -> str:
    """`text` as plain, one-line text with every control/bidi/zero-width character made visible.

    None becomes "". When `max_len` is given the result is at most that many characters, the
    last one "…" if anything was cut.
    """
    if text is None:
        return ""
    plain = text if isinstance(text, str) else str(text)
    if not plain.isprintable():
        plain = _BREAKS.sub(" ", plain)
        if not plain.isprintable():
            plain = "".join(_stand_in(c) if _needs_stand_in(c) else c for c in plain)
    if max_len is not None and len(plain) > max_len:
        if max_len <= 0:
            return ""
        return plain[: max_len - 1] + ELLIPSIS
    return plain


_EMAIL = re.compile(r"(?P<first>[\w.%+-])[\w.%+-]*@[\w-]+(?:\.[\w-]+)*\.(?P<tld>[^\W\d_]{2,})\b")

# A phone number: an optional "+", then 7 to 15 digits in groups split by spaces, dots,
# dashes or brackets. Fewer digits are ticket and order numbers, not phones.
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){6,14}(?!\w)")
_COUNTRY_CODE = re.compile(r"\+\d{1,3}(?=[\s.(-])")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def _mask_email(match: re.Match[str]) -> str:
    return f"{match['first']}***@***.{match['tld']}"


def _mask_phone(match: re.Match[str]) -> str:
    number = match.group()
    if _DATE.fullmatch(number):
        return number
    prefix = ""
    country = _COUNTRY_CODE.match(number)
    if country:
        prefix, number = country.group(), number[country.end() :]
    digits_left = sum(c.isdigit() for c in number)
    masked = []
    for char in number:
        if char.isdigit():
            masked.append(char if digits_left <= 2 else "*")
            digits_left -= 1
        else:
            masked.append(char)
    return prefix + "".join(masked)


def mask_pii(text: str) -> str:
    """`text` with e-mail addresses and phone numbers hidden, for screens shown to others.

    "jane.doe@example.com" becomes "j***@***.com" and "+44 12345 6789" becomes
    "+44 ***** **89": the first letter, the top-level domain, a country code and the last two
    digits stay so two contacts can still be told apart.
    """
    return _PHONE.sub(_mask_phone, _EMAIL.sub(_mask_email, text))


# Raw, these can only be the layout between JSON tokens; an encoder escapes them in strings.
_JSON_WHITESPACE = "\t\n\r"


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_visible(json_text: str) -> str:
    """JSON text with every character `visible` would stand in for written as a \\u escape.

    A JSON encoder escapes C0 controls but leaves C1 controls (U+009B is CSI to many
    terminals), DEL and bidi overrides raw, so `cxtui report --format json` piped to a
    terminal could still act on them. Such characters only ever occur inside JSON strings,
    where the escape decodes back to the same character: a script reads the same data.
    """
    if json_text.isprintable():
        return json_text
    return "".join(
        _json_escape(c) if _needs_stand_in(c) and c not in _JSON_WHITESPACE else c
        for c in json_text
    )
