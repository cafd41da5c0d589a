"""Bytes that are not UTF-8 in our own json and jsonl: named where they are, and in jsonl only
their line lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.readers.canonical_json import JsonLinesReader, JsonReader


def _line(number: int, text: str) -> str:
    return json.dumps({"id": f"h{number}", "text": text, "document": {"id": "d1", "title": "T"}},
                      ensure_ascii=False)


def _write_lines(path: Path, texts: list[str], encoding: str = "utf-8") -> None:
    path.write_bytes("".join(_line(n, t) + "\n" for n, t in enumerate(texts, start=1)).encode(encoding))


def test_a_jsonl_line_with_a_byte_that_is_not_utf8_is_reported_with_its_number_and_the_others_read(
        tmp_path, run_cli):
    path = tmp_path / "bad5.jsonl"
    _write_lines(path, ["café 1", "text 2", "text 3", "text 4", "text 5"])
    data = path.read_bytes().replace(b"text 3", b"text \xe9 3")  # a Latin-1 byte on line 3 only
    path.write_bytes(data)
    state = ReadState()
    documents = list(JsonLinesReader().read(str(path), state))
    assert [h.text for d in documents for h in d.highlights] == ["café 1", "text 2", "text 4", "text 5"]
    column = data.splitlines()[2].index(b"\xe9") + 1
    assert [str(p) for p in state.problems] == [
        f"{path}:3: not UTF-8 text (byte 0xE9 at column {column}; jsonl is UTF-8)"]
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 1  # partial: the other lines were read and written
    assert len(json.loads((tmp_path / "out.json").read_text())["documents"][0]["highlights"]) == 4


@pytest.mark.parametrize(("encoding", "found"), [
    ("utf-16-le", "UTF-16 text without a byte order mark"),
    ("utf-16-be", "UTF-16 text without a byte order mark"),
    ("utf-16", "UTF-16 text"),
])
def test_a_utf16_jsonl_is_one_error_naming_its_encoding(tmp_path, encoding, found):
    path = tmp_path / "lib.jsonl"
    _write_lines(path, ["one", "two", "three"], encoding)
    with pytest.raises(InputError) as caught:
        list(JsonLinesReader().read(str(path), ReadState()))
    assert str(caught.value) == f"{path}: {found}; jsonl is UTF-8: re-save the file as UTF-8"


def test_a_byte_that_is_not_utf8_in_a_json_file_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "lib.json"
    library = {"schema_version": 1, "documents": [{"id": "d", "title": "T", "highlights": [
        {"id": "h1", "text": "fine"}, {"id": "h2", "text": "caf\u00e9"}]}]}
    text = json.dumps(library, indent=2, ensure_ascii=False)
    path.write_bytes(text.encode("latin-1"))
    line = text[: text.index("\u00e9")].count("\n") + 1
    with pytest.raises(InputError) as caught:
        list(JsonReader().read(str(path), ReadState()))
    assert str(caught.value) == f"{path}:{line}: not UTF-8 text (byte 0xE9); re-save the file as UTF-8"


def test_a_bad_byte_far_into_a_jsonl_file_costs_its_line_only_and_no_line_is_read_twice(tmp_path):
    path = tmp_path / "long.jsonl"
    _write_lines(path, [f"text {n}" for n in range(1, 2001)])
    path.write_bytes(path.read_bytes().replace(b'"text 1500"', b'"text \xff1500"'))
    state = ReadState()
    texts = [h.text for d in JsonLinesReader().read(str(path), state) for h in d.highlights]
    assert texts == [f"text {n}" for n in range(1, 2001) if n != 1500]
    assert [(p.where, p.reason[:25]) for p in state.problems] == [(1500, "not UTF-8 text (byte 0xFF")]
