"""readwise-csv: a header that names a field twice, a spreadsheet's re-save with another
delimiter, and the encodings a re-save gives (Excel's Windows-1252 too). The exports read are
the corpus's, re-saved by code."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.cli import cli
from excerpta.errors import InputError
from excerpta.input_files import SCAN_BYTES
from excerpta.model import Document
from excerpta.readers.readwise_csv import ReadwiseCsvReader

from paths import CORPUS

EXPORT_2026 = CORPUS / "readwise" / "csv-export" / "steshinss-readwise-data.2026.csv"
EXPORT_FRANCO = CORPUS / "readwise" / "csv-export" / "franco3x-bookshq-readwise-data.excerpt.csv"


def _rows() -> list[list[str]]:
    with EXPORT_2026.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _save(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def _read(path: Path) -> tuple[list[Document], ReadState]:
    state = ReadState()
    return list(ReadwiseCsvReader().read(str(path), state)), state


def _highlights(documents: list[Document]) -> list[tuple[str, str, str | None]]:
    return [(d.title, h.text, h.note) for d in documents for h in d.highlights]


@pytest.mark.parametrize(("column", "name", "message"), [
    (4, "Highlight", "two 'Highlight' columns (columns 1 and 5): expected each column once "
                     "(rename or remove one)"),
    (4, "book title", "two 'Book Title' columns (columns 2 and 5): expected each column once "
                      "(rename or remove one)"),
    (4, "Title", "both 'Book Title' and 'Title' (columns 2 and 5), one field: expected one of them "
                 "(rename or remove one)"),
])
def test_a_header_naming_a_field_twice_is_an_error_naming_the_file_line_and_column(
        tmp_path, run_cli, column, name, message):
    rows = _rows()
    rows[0][column] = name  # the Note column's header, so its cells would be lost
    path = _save(tmp_path / "dup.csv", rows)
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value) == f"{path}:1: the header names {message}"
    result = run_cli("convert", path, "--to", "jsonl", "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_spreadsheets_resave_with_semicolons_or_tabs_is_recognised_and_reads_as_the_export(
        tmp_path, delimiter):
    path = _save(tmp_path / "resaved.csv", _rows(), delimiter=delimiter)
    assert registry.detect_reader(InputProbe.of(str(path))) is ReadwiseCsvReader
    documents, state = _read(path)
    original, _ = _read(EXPORT_2026)
    assert state.problems == []
    assert _highlights(documents) == _highlights(original)
    assert any(note for _, _, note in _highlights(documents))  # the notes came through


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_csv_without_a_byte_order_mark_is_recognised_and_read(tmp_path, encoding):
    path = _save(tmp_path / "unicode.csv", _rows(), encoding=encoding)
    assert registry.detect_reader(InputProbe.of(str(path))) is ReadwiseCsvReader
    documents, state = _read(path)
    assert state.problems == []
    assert _highlights(documents) == _highlights(_read(EXPORT_2026)[0])


def _excel_resave(path: Path, source: Path, encoding: str) -> Path:
    """``source`` re-saved as Excel does in ``encoding``: what it cannot hold becomes ``?``."""
    text = source.read_text(encoding="utf-8-sig").encode("cp1252", "replace").decode("cp1252")
    path.write_bytes(text.encode(encoding))
    return path


def test_an_excel_resave_in_windows_1252_is_read_with_one_warning_and_the_same_ids(tmp_path, caplog):
    resaved = _excel_resave(tmp_path / "resaved.csv", EXPORT_FRANCO, "cp1252")
    utf8 = _excel_resave(tmp_path / "utf8.csv", EXPORT_FRANCO, "utf-8")
    documents, state = _read(resaved)
    assert state.problems == []
    assert [record.getMessage() for record in caplog.records] == [
        f"{resaved}: not UTF-8; read as Windows-1252"]
    assert documents == _read(utf8)[0]
    assert any("\u2019" in text for _, text, _ in _highlights(documents))  # ’, not mojibake


def test_a_windows_1252_csv_converts_with_its_warning_and_exit_0(run_cli, tmp_path):
    resaved = _excel_resave(tmp_path / "resaved.csv", EXPORT_FRANCO, "cp1252")
    result = run_cli("convert", resaved, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"excerpta: warning: {resaved}: not UTF-8; read as Windows-1252"
    assert "read 1 input(s): 4 documents, 15 highlights; 0 record(s) skipped" in result.output
    piped = CliRunner().invoke(cli, ["convert", "-", "--to", "json", "--out", str(tmp_path / "p.json")],
                               input=resaved.read_bytes(), catch_exceptions=False)
    assert piped.exit_code == 0, piped.output
    assert piped.output.splitlines()[0] == "excerpta: warning: -: not UTF-8; read as Windows-1252"


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_a_csv_with_a_byte_undefined_in_windows_1252_is_refused_naming_its_line(tmp_path, byte):
    path = tmp_path / "other.csv"
    path.write_bytes(b"Highlight,Title\ncaf\xe9,Book\n\"two\nlines\",B" + bytes([byte]) + b"\n")
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value) == (f"{path}:4: not UTF-8 text, nor UTF-16, nor Windows-1252 "
                                 f"(byte 0x{byte:02X} is none of them; expected a Readwise CSV): "
                                 "re-save it as UTF-8")


@pytest.mark.parametrize("across", [False, True])
def test_utf8_with_one_stray_byte_reads_that_byte_alone_as_windows_1252(tmp_path, across):
    """Read all as cp1252, its UTF-8 text would turn to mojibake and every id would change (a
    second copy of each book in the library); refused, one pasted row lost all the others. So
    the stray byte alone is read as cp1252 and its line reported. ``across``: its only UTF-8
    ``é`` is cut by the end of the encoding check's first block."""
    path = tmp_path / "mostly.csv"
    head = "Highlight,Title\n"
    pad = "x" * (SCAN_BYTES - len(head) - 1) if across else "caf"
    path.write_bytes((head + pad + "\u00e9,Les Miserables\n").encode() + b"na\xefve,B\n")
    assert not across or path.read_bytes()[SCAN_BYTES - 1:SCAN_BYTES + 1] == "\u00e9".encode()
    documents, state = _read(path)
    assert [h.text for d in documents for h in d.highlights] == [pad + "\u00e9", "na\u00efve"]
    assert [(str(p), p.kept) for p in state.problems] == [
        (f"{path}:3: 1 line(s) hold bytes that are not UTF-8, read as Windows-1252 (the first is this "
         "line): re-save the file as UTF-8", True)]


def test_a_csv_that_starts_as_utf8_with_its_mark_and_is_not_is_refused(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfHighlight,Title\ncaf\xe9,Book\n")
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value) == (f"{path}: not valid UTF-8 text, though it starts as such "
                                 "(expected a Readwise CSV): re-save it as UTF-8")


def test_a_utf8_csv_with_a_character_cut_by_the_checks_reading_block_is_utf8(tmp_path, caplog):
    path = tmp_path / "long.csv"
    rows = "Highlight,Title\n" + "x" * (SCAN_BYTES - len("Highlight,Title\n") - 1) + "\u00e9,Book\n"
    path.write_text(rows, encoding="utf-8")
    assert path.read_bytes()[SCAN_BYTES - 1:SCAN_BYTES + 1] == "\u00e9".encode()
    documents, state = _read(path)
    assert (state.problems, caplog.records) == ([], [])
    assert _highlights(documents)[0][1].endswith("\u00e9")
