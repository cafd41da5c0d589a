"""The ``kindle-html`` reader on an export that is not UTF-8: bytes that are not are read as
Windows-1252 and reported (read in part), as in ``My Clippings.txt``; UTF-16 without a byte order mark
is read. Inputs are the corpus's krystofl export, re-encoded by code."""

from __future__ import annotations

import json

from kindle_reading import NOTEBOOKS

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.model import Document
from excerpta.readers.kindle.notebook_html import KindleNotebookReader

KRYSTOFL = NOTEBOOKS / "krystofl_example_notebook_en.html"


def _read(path: object) -> tuple[list[Document], ReadState]:
    state = ReadState()
    return list(KindleNotebookReader().read(str(path), state)), state


def test_bytes_that_are_not_utf8_are_read_as_windows_1252_and_reported_with_their_line(
        tmp_path, run_cli):
    original = KRYSTOFL.read_bytes()
    start = original.index(b'<div class="noteText">', original.index(b'<div class="noteText">') + 1)
    word = original.index(b"the", start)
    damaged = original[:word] + b"th\xe9 caf\xe9" + original[word + 3:]  # Windows-1252 bytes, one line
    path = tmp_path / "notebook.html"
    path.write_bytes(damaged)
    (document,), state = _read(path)
    (expected,), _ = _read(KRYSTOFL)
    line = damaged[:word].count(b"\n") + 1
    assert [(p.where, p.reason, p.kept) for p in state.problems] == [
        (line, "1 line(s) hold bytes that are not UTF-8, read as Windows-1252 (the first is this line): "
               "re-save the file as UTF-8", True)]
    assert len(document.highlights) == len(expected.highlights)  # every entry still read
    assert [h.text for h in document.highlights if "caf" in h.text] == [
        expected.highlights[1].text.replace("the", "th\xe9 caf\xe9", 1)]
    result = run_cli("convert", path, "--to", "jsonl", "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert f"{path}:{line}: 1 line(s) hold bytes that are not UTF-8" in result.output
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == len(expected.highlights)
    json.loads((tmp_path / "out.jsonl").read_text().splitlines()[0])


def test_a_utf16_export_without_a_byte_order_mark_is_recognised_and_read(tmp_path):
    path = tmp_path / "notebook.html"
    path.write_bytes(KRYSTOFL.read_text(encoding="utf-8").encode("utf-16-le"))
    assert registry.detect_reader(InputProbe.of(str(path))) is KindleNotebookReader
    documents, state = _read(path)
    assert state.problems == []
    assert documents == _read(KRYSTOFL)[0]
