"""Which character encoding a data file is in, and its text as UTF-8 for the readers.

The readers and the fast CSV path work on UTF-8 bytes. A file in another encoding (a CSV
that European Excel saved in cp1252, a UTF-16 export with its byte order mark) is decoded
block by block and handed to them re-encoded as UTF-8. The loader's offsets stay offsets in
the file's own bytes: a reader says how many UTF-8 bytes its records used, and
`Transcoder.source_length` turns that back into the file's bytes. That is exact because a
record always ends at a newline, where no character is cut, and because every character of
the file becomes exactly one character of the UTF-8 text (a byte the encoding does not
define becomes one lone surrogate, which a reader then rejects, quarantining its row).

Only encodings where that holds and where a newline, quote or delimiter byte always means
that character are accepted: UTF-8, UTF-16 and UTF-32, and the single-byte encodings whose
first 128 bytes are ASCII (cp1252, latin-1, iso-8859-15, cp850, mac-roman, …).
"""

from __future__ import annotations

import codecs

UTF8 = "utf-8"
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, UTF8),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte order marks, UTF-32 first: its little-endian mark starts like UTF-16's."""
_WIDE = {
    "utf-16": "utf-16-le",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-32": "utf-32-le",
    "utf-32-le": "utf-32-le",
    "utf-32-be": "utf-32-be",
}
_NAMES = {"utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "utf-32-le": "UTF-32 LE"}
_NAMES |= {"utf-32-be": "UTF-32 BE", UTF8: "UTF-8"}
SUGGESTED = "cp1252"
"""What a file that is not UTF-8 most likely is: Excel's "CSV" in Western Europe."""


class EncodingError(ValueError):
    """An encoding name cxtui cannot read files in; the message says which it can."""


def check_encoding(name: object) -> str:
    """The canonical name of an encoding from the config, or EncodingError saying why not."""
    if not isinstance(name, str) or not name.strip():
        raise EncodingError("encoding must be a name such as 'cp1252' or 'utf-16'")
    try:
        canonical = codecs.lookup(name.strip()).name
    except LookupError:
        raise EncodingError(f"encoding {name!r} is not one Python knows") from None
    if canonical in (UTF8, "utf-8-sig"):
        return UTF8
    if canonical in _WIDE:
        return _WIDE[canonical]
    if not _single_byte_ascii(canonical):
        raise EncodingError(
            f"encoding {name!r} cannot be read safely: use UTF-8, UTF-16, UTF-32 or a "
            "single-byte encoding such as cp1252 or latin-1"
        )
    return canonical


def _single_byte_ascii(codec: str) -> bool:
    """Every byte one character, and the first 128 bytes ASCII: then newlines, quotes and
    delimiters are found in the bytes as they are, and a record never ends mid-character."""
    try:
        low = bytes(range(128)).decode(codec)
        high = bytes(range(128, 256)).decode(codec, errors="surrogateescape")
    except (UnicodeDecodeError, LookupError, TypeError, ValueError):
        return False
    return low == "".join(map(chr, range(128))) and len(high) == 128


def from_bom(head: bytes) -> str | None:
    """The encoding a byte order mark at the start of a file names, or None."""
    return next((encoding for bom, encoding in BOMS if head.startswith(bom)), None)


def label(encoding: str) -> str:
    """The encoding's name as people write it."""
    return _NAMES.get(encoding, encoding)


def not_utf8(raw: bytes, position: int, what: str = "not UTF-8") -> str:
    """Why bytes that are not UTF-8 were set aside, naming the setting that reads them."""
    byte = raw[position] if position < len(raw) else 0
    return f'{what} at byte {position} (0x{byte:02x}); set encoding = "{SUGGESTED}"?'


def not_valid(encoding: str) -> str:
    """Why a record of a file read in another encoding was set aside."""
    return f"not valid {label(encoding)} text (a byte or sequence that encoding does not define)"


class Transcoder:
    """A file's bytes in `encoding`, from a record boundary on, as UTF-8 bytes."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.wide = encoding in _WIDE
        errors = "surrogatepass" if self.wide else "surrogateescape"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=errors)

    def feed(self, block: bytes, *, final: bool = False) -> bytes:
        """The UTF-8 of the next block; a character cut at its end waits for the next one."""
        return self._decoder.decode(block, final).encode(UTF8, "surrogatepass")

    def source_length(self, text: bytes) -> int:
        """How many bytes of the file UTF-8 text from `feed` came from (whole characters)."""
        decoded = text.decode(UTF8, "surrogatepass")
        if self.wide:
            return len(decoded.encode(self.encoding, "surrogatepass"))
        return len(decoded)


def transcode(data: bytes, encoding: str) -> bytes:
    """Bytes from the start of a file as UTF-8 (its byte order mark kept, as U+FEFF); a
    character cut at the end (a file still being written) is left out."""
    return Transcoder(encoding).feed(data)
