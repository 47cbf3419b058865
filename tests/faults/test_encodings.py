"""Files that are not UTF-8: European Excel's cp1252 CSV and UTF-16 exports with a byte order
mark. With the encoding set (or named by the mark) every row loads with its text right;
without it, the reason names the setting, in quarantine and in `cxtui check`, and setting it
reads the file again."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from cxtui.check import check_folder, check_text
from cxtui.config import Config, ConfigError, load_config
from cxtui.ingest import loader as loader_module
from cxtui.ingest.presets import mappings_from_config
from tests.ingest_helpers import make_loader, rows

HINT = 'set encoding = "cp1252"?'
TICKETS = (
    "id,created_at,status,subject,Straße\n"
    "T1,2026-11-20T10:00:00Z,open,Rückruf,Hauptstraße 1\n"
    "T2,2026-11-20T10:05:00Z,open,€ 20 erstattet,\n"
    "T3,2026-11-20T10:07:00Z,open,plain,Weg 2\n"
)


def stored(loader: loader_module.Loader) -> list[tuple[object, ...]]:
    return rows(loader, "SELECT id, subject, extra FROM ticket ORDER BY id")


def expected_tickets() -> list[tuple[object, ...]]:
    return [
        ("T1", "Rückruf", json.dumps({"Straße": "Hauptstraße 1"}, ensure_ascii=False)),
        ("T2", "€ 20 erstattet", None),
        ("T3", "plain", json.dumps({"Straße": "Weg 2"}, ensure_ascii=False)),
    ]


def normalised(found: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Extra columns as the same JSON text, whatever spacing the loader wrote."""
    return [
        (i, s, None if e is None else json.dumps(json.loads(str(e)), ensure_ascii=False))
        for i, s, e in found
    ]


def quarantine(loader: loader_module.Loader) -> list[tuple[object, ...]]:
    return rows(loader, "SELECT line, reason FROM quarantine ORDER BY line")


def test_cp1252_with_the_encoding_set_loads_names_and_values_right(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_bytes(TICKETS.encode("cp1252"))
    loader = make_loader(tmp_path, encoding="cp1252")
    result = loader.load_all()
    assert (result.tickets, result.quarantined, result.skipped) == (3, 0, [])
    assert normalised(stored(loader)) == expected_tickets()


def test_cp1252_header_without_the_setting_names_it_and_loses_nothing(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_bytes(TICKETS.encode("cp1252"))
    loader = make_loader(tmp_path)
    result = loader.load_all()
    reason = f"the header (line 1) is not UTF-8 at byte 33 (0xdf); {HINT}"
    assert result.skipped == [f"skipped tickets.csv: {reason}"]
    assert quarantine(loader) == [(1, reason)]  # the app and the report count it
    assert make_loader(tmp_path).load_all().quarantined == 0  # said once, not again each load
    assert quarantine(loader) == [(1, reason)]
    [check] = check_folder(tmp_path, Config())
    assert check.problem == reason
    # once the setting is there, the file is read again from the start
    again = make_loader(tmp_path, encoding="cp1252")
    assert again.load_all().tickets == 3
    assert normalised(stored(again)) == expected_tickets()
    assert quarantine(again) == []


def test_cp1252_field_without_the_setting_names_it_and_the_rest_loads(tmp_path: Path) -> None:
    plain_header = TICKETS.replace("Straße", "street")
    (tmp_path / "tickets.csv").write_bytes(plain_header.encode("cp1252"))
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (1, 2)
    assert quarantine(loader) == [
        (2, f"not UTF-8 at byte 30 (0xfc); {HINT}"),
        (3, f"not UTF-8 at byte 29 (0x80); {HINT}"),
    ]
    text = check_text(check_folder(tmp_path, Config()), tmp_path)
    assert f"    line 2: not UTF-8 at byte 30 (0xfc); {HINT}" in text.splitlines()
    # set it, and the same database reads the file again: every row, nothing left aside
    again = make_loader(tmp_path, encoding="cp1252")
    assert again.load_all().tickets == 3
    assert rows(again, "SELECT subject FROM ticket ORDER BY id") == [
        ("Rückruf",),
        ("€ 20 erstattet",),
        ("plain",),
    ]
    assert quarantine(again) == []


def test_json_lines_that_are_not_utf8_say_json_must_be(tmp_path: Path) -> None:
    """The encoding setting is for CSV: JSON is UTF-8 by its standard, so the reason does not
    suggest it."""
    (tmp_path / "surveys.jsonl").write_bytes(
        '{"id": "S1", "submitted_at": 1795168800, "kind": "nps", "score": 9}\n'
        '{"id": "S2", "submitted_at": 1795168800, "kind": "nps", "score": 9, "comment": "Grüße"}\n'
        .encode("cp1252")
    )  # fmt: skip
    loader = make_loader(tmp_path, encoding="cp1252")
    assert loader.load_all().surveys == 1
    assert quarantine(loader) == [(2, "not UTF-8 at byte 82 (0xfc); JSON must be UTF-8")]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_with_a_byte_order_mark_load(tmp_path: Path, codec: str) -> None:
    (tmp_path / "tickets.csv").write_bytes(("\ufeff" + TICKETS).encode(codec))
    (tmp_path / "surveys.jsonl").write_bytes(
        '\ufeff{"id": "S1", "submitted_at": 1795168800, "kind": "nps", "score": 9, '
        '"comment": "Très bien 😀"}\n'.encode(codec)
    )
    (tmp_path / "more-surveys.json").write_bytes(
        '\ufeff[{"id": "S2", "submitted_at": 1795168800, "kind": "csat", "score": 4}]'.encode(codec)
    )
    loader = make_loader(tmp_path)
    result = loader.load_all()
    assert (result.tickets, result.surveys, result.quarantined, result.skipped) == (3, 2, 0, [])
    assert normalised(stored(loader)) == expected_tickets()
    assert rows(loader, "SELECT comment FROM survey WHERE id = 'S1'") == [("Très bien 😀",)]
    text = check_text(check_folder(tmp_path, Config()), tmp_path).splitlines()
    named = {"utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "utf-32-le": "UTF-32 LE"}
    assert text[text.index("tickets.csv: native tickets") + 1] == f"  read as {named[codec]}"


def test_utf16_appended_in_pieces_cut_mid_character_loads_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offsets stay in the file's own bytes: pieces cut inside a character or a surrogate
    pair, each loaded on its own, and blocks cut likewise, give every row once."""
    monkeypatch.setattr(loader_module, "BLOCK_BYTES", 101)  # odd: blocks end mid-character
    lines = ["id,created_at,status,subject"]
    lines += [f"T{n},2026-11-20T10:{n:02d}:00Z,open,Grüße 😀 {n}" for n in range(40)]
    data = ("\ufeff" + "\n".join(lines) + "\n").encode("utf-16-le")
    path = tmp_path / "tickets.csv"
    for cut in range(0, len(data), 301):
        with open(path, "ab") as out:
            out.write(data[cut : cut + 301])
        make_loader(tmp_path, settle_seconds=3600).load_all()
    loader = make_loader(tmp_path)
    loader.load_all()
    assert rows(loader, "SELECT count(*), count(DISTINCT subject) FROM ticket") == [(40, 40)]
    assert rows(loader, "SELECT subject FROM ticket WHERE id = 'T7'") == [("Grüße 😀 7",)]
    assert quarantine(loader) == []
    assert rows(loader, "SELECT offset, line FROM source_file") == [(len(data), 41)]


def test_a_utf8_bom_still_reads_as_utf8_whatever_the_setting(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_bytes(codecs.BOM_UTF8 + TICKETS.encode())
    loader = make_loader(tmp_path, encoding="cp1252")
    assert loader.load_all().tickets == 3
    assert normalised(stored(loader)) == expected_tickets()


def test_a_mapping_names_the_encoding_of_its_own_files(tmp_path: Path) -> None:
    mappings = mappings_from_config(
        [
            {
                "files": "legacy-*.csv",
                "encoding": "windows-1252",
                "ticket": {"id": "Nummer", "created_at": "Erstellt", "subject": "Betreff"},
            }
        ],
        "test",
    )
    legacy = "Nummer,Erstellt,Betreff\nL1,2026-11-20T10:00:00Z,Größe\n"
    (tmp_path / "legacy-1.csv").write_bytes(legacy.encode("cp1252"))
    (tmp_path / "tickets.csv").write_bytes(TICKETS.encode())  # UTF-8, read as UTF-8
    loader = make_loader(tmp_path, mappings=mappings)
    result = loader.load_all()
    assert (result.tickets, result.quarantined) == (4, 0)
    assert rows(loader, "SELECT subject FROM ticket WHERE id = 'L1'") == [("Größe",)]
    assert normalised(stored(loader))[1:] == expected_tickets()


def test_a_byte_the_encoding_does_not_define_quarantines_its_row(tmp_path: Path) -> None:
    data = TICKETS.encode("cp1252").replace("Rückruf".encode("cp1252"), b"R\x81ckruf")
    (tmp_path / "tickets.csv").write_bytes(data)
    loader = make_loader(tmp_path, encoding="cp1252")
    assert loader.load_all().tickets == 2
    assert quarantine(loader) == [
        (2, "not valid cp1252 text (a byte or sequence that encoding does not define)")
    ]


def test_the_config_reads_encoding_top_level_and_per_mapping(tmp_path: Path) -> None:
    (tmp_path / "cxtui.toml").write_text(
        'encoding = "Windows-1252"\n'
        '[[mapping]]\nfiles = "x-*.csv"\nencoding = "UTF-16"\n'
        '[mapping.ticket]\nid = "a"\ncreated_at = "b"\n'
    )
    config = load_config(tmp_path)
    assert config.encoding == "cp1252"
    assert config.mappings[0].encoding == "utf-16-le"
    assert Config().encoding == "utf-8"
    for bad in ('"klingon"', '"shift_jis"', "7"):
        (tmp_path / "cxtui.toml").write_text(f"encoding = {bad}\n")
        with pytest.raises(ConfigError, match="encoding"):
            load_config(tmp_path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_an_append_to_a_utf16_file_is_read_on_not_read_again(tmp_path: Path, codec: str) -> None:
    """The in-place-rewrite check looks at the byte before the offset: in UTF-16 LE a line
    ends in b"\\n\\x00", which must still count as a whole line, not a line that went on."""
    path = tmp_path / "tickets.csv"
    path.write_bytes(("\ufeff" + TICKETS).encode(codec))
    assert make_loader(tmp_path).load_all().tickets == 3
    more = "T4,2026-11-20T10:09:00Z,open,later\nT5,2026-11-20T10:10:00Z,open,later\n"
    with open(path, "ab") as out:
        out.write(more.encode(codec))
    loader = make_loader(tmp_path)
    assert loader.load_all().tickets == 2  # only the new rows, not the whole file again
    assert rows(loader, "SELECT count(*) FROM ticket") == [(5,)]
