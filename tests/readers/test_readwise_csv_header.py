"""readwise-csv: a header that names a field twice, a spreadsheet's re-save with another
delimiter, and the encodings a re-save gives. The export read is the corpus's 2026 one, re-saved
by code."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.model import Document
from excerpta.readers.readwise_csv import ReadwiseCsvReader

from paths import CORPUS

EXPORT_2026 = CORPUS / "readwise" / "csv-export" / "steshinss-readwise-data.2026.csv"


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


def test_a_csv_in_latin1_says_it_is_neither_utf8_nor_utf16(tmp_path):
    path = _save(tmp_path / "latin1.csv", [["Highlight", "Title"], ["café", "Book"]], encoding="latin-1")
    with pytest.raises(InputError) as caught:
        _read(path)
    assert str(caught.value) == (f"{path}: not UTF-8 text, nor UTF-16 (expected a Readwise CSV): "
                                 "re-save it as UTF-8")
