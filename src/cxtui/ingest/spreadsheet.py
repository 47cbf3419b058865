"""Read the rows of a spreadsheet (.xlsx): its first visible worksheet, or the one a mapping
names with `sheet`.

A workbook is a zip of XML parts that every save rewrites whole, so it is read whole each
time it changes, like a JSON document, and its rows upsert onto what the last read loaded.
python-calamine does the reading (a Rust reader, 2.3 MB installed, with no dependencies;
docs/performance.md). Cells come as the values the rest of the loader reads in a CSV row:
text as text, whole numbers as int (Excel keeps every number as a float, and an id 1001 must
not become "1001.0"), TRUE/FALSE as Excel writes them in a CSV, and dates and times as
datetime, date and time, which parse_time and the mapping read without a format. A formula
error (#N/A) reads as its text, as it would in a CSV saved by Excel, where calamine alone
would give an empty cell: a score of #N/A must go to quarantine, not vanish.

A date stored as a bare number (a column that lost its date style) is an Excel serial: the
loader turns numbers in time columns into times with `serial_times`, since only the
mapping knows which columns hold times.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from cxtui.ingest.readers import Record

EXCEL_EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's serial dates (the 1900 leap-year bug folded in: right from March 1900)."""
LAST_SERIAL = 2_958_466
"""The serial of 10000-01-01: a number in a time column below it is a serial date, a larger
one epoch seconds as in a CSV (epoch seconds below it would be January 1970)."""
SECONDS_PER_DAY = 86_400

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ERROR_CELL = re.compile(rb'<c\s(?P<attrs>[^>]*\bt="e"[^>]*)>(?P<body>.*?)</c>', re.DOTALL)
_REFERENCE = re.compile(rb'\br="(?P<column>[A-Z]+)(?P<row>\d+)"')
_VALUE = re.compile(rb"<v>(?P<value>[^<]*)</v>")

Cell = object


class SheetError(ValueError):
    """A workbook that cannot be read; the message says why."""


class SheetMissing(SheetError):
    """A workbook that opens but lacks the sheet asked for."""


@dataclass
class Sheet:
    """The rows of one worksheet: its header's column names and a record per row below it."""

    name: str
    columns: list[str]
    records: Iterator[Record]


def read_xlsx(data: bytes, sheet: str | None = None) -> Sheet:
    """The worksheet named `sheet`, or the first visible worksheet, of an .xlsx workbook.

    The header is the first row with two or more cells filled in (rows above it are a title;
    a sheet with none is a table of one column under its first filled row); a blank header
    cell is named by its column letter. Each record's line is its row number in the sheet
    (as Excel shows it), empty rows are skipped, and its raw text is the row as a CSV line,
    for quarantine."""
    try:
        book = CalamineWorkbook.from_object(io.BytesIO(data))
        position = _position(book, sheet)
        rows = book.get_sheet_by_index(position).iter_rows()
        errors = _error_cells(data, position)
        return _records(book.sheet_names[position], rows, errors)
    except CalamineError as error:
        raise SheetError(f"cannot read the workbook: {error}") from None


def _position(book: CalamineWorkbook, sheet: str | None) -> int:
    names = book.sheet_names
    if sheet is not None:
        if sheet in names:
            return names.index(sheet)
        listed = ", ".join(repr(n) for n in names)
        raise SheetMissing(f"no sheet named {sheet!r} (the workbook has {listed})")
    for position, meta in enumerate(book.sheets_metadata):
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            return position
    raise SheetError("the workbook has no visible worksheet")


def _records(name: str, rows: Iterable[list[Cell]], errors: dict[tuple[int, int], str]) -> Sheet:
    """The header now, the records below it as they are read: a big sheet's rows are never
    all held as Python objects at once."""
    filled_rows = _filled_rows(rows, errors)
    above: list[tuple[int, list[Cell]]] = []
    for number, cells in filled_rows:
        if sum(not _blank(value) for value in cells) >= 2:
            columns = _header(cells)
            return Sheet(name, columns, (_record(n, columns, c) for n, c in filled_rows))
        above.append((number, cells))  # a title line over the table
    if not above:
        return Sheet(name, [], iter(()))
    columns = _header(above[0][1])  # a table of one column
    return Sheet(name, columns, iter([_record(n, columns, c) for n, c in above[1:]]))


def _filled_rows(
    rows: Iterable[list[Cell]], errors: dict[tuple[int, int], str]
) -> Iterator[tuple[int, list[Cell]]]:
    """Each row with anything in it, with its row number."""
    try:
        for number, row in enumerate(rows, start=1):
            cells = _cells(row, number, errors)
            if any(not _blank(value) for value in cells):
                yield number, cells
    except CalamineError as error:
        raise SheetError(f"cannot read the workbook: {error}") from None


def _cells(row: list[Cell], number: int, errors: dict[tuple[int, int], str]) -> list[Cell]:
    if not errors:
        return [_cell(value) for value in row]
    return [errors.get((number, i), _cell(value)) for i, value in enumerate(row)]


def _header(cells: Sequence[Cell]) -> list[str]:
    return [_text(value) or column_letter(i) for i, value in enumerate(cells)]


def _record(number: int, columns: list[str], cells: list[Cell]) -> Record:
    return Record(number, dict(zip(columns, cells, strict=False)), _raw(cells))


def _cell(value: Cell) -> Cell:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1 << 53:
        return int(value)
    return value


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Cell) -> str:
    return "" if value is None else str(value).strip()


def _raw(cells: Sequence[Cell]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["" if c is None else c for c in cells])
    return out.getvalue().encode()


def column_letter(index: int) -> str:
    """The letters of a column counted from 0: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _error_cells(data: bytes, position: int) -> dict[tuple[int, int], str]:
    """(row number, column index) → the error text (#N/A, #DIV/0!) of the sheet's formula
    errors, read from its XML: calamine reads them as empty cells."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            sheets = book.findall(f"{_MAIN}sheets/{_MAIN}sheet")
            link = sheets[position].get(_RELATIONSHIP)
            target = next(r.get("Target", "") for r in links if r.get("Id") == link)
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            xml = archive.read(part)
    except (KeyError, IndexError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile):
        return {}
    if b't="e"' not in xml:
        return {}
    found = {}
    for match in _ERROR_CELL.finditer(xml):
        where = _REFERENCE.search(match["attrs"])
        value = _VALUE.search(match["body"])
        if where is not None and value is not None:
            key = (int(where["row"]), _column_index(where["column"]))
            found[key] = value["value"].decode("utf-8", errors="replace")
    return found


def serial_times(fields: dict[str, object], columns: Iterable[str]) -> None:
    """Read the numbers in these time columns as Excel serial dates: days since 1899-12-30
    (a fraction below 1 is a time of day). Numbers from LAST_SERIAL up stay epoch seconds."""
    for column in columns:
        value = fields.get(column)
        if isinstance(value, int | float) and 0 <= value < LAST_SERIAL:
            fields[column] = from_serial(value)


def from_serial(days: float) -> datetime | time:
    """An Excel serial date as a naive datetime to the second (a time for one below 1)."""
    seconds = round(days * SECONDS_PER_DAY)
    moment = EXCEL_EPOCH + timedelta(seconds=seconds)
    return moment.time() if days < 1 else moment
