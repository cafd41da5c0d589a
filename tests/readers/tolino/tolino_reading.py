"""Helpers of the Tolino reader tests: write a ``notes.txt`` of records and read it as the CLI
does, the highlights of one id merged as the library merges them.

(A plain module of functions: the tests call them with their own ``tmp_path``.)
"""

from __future__ import annotations

from pathlib import Path

from excerpta.adapters import ReadState, RecordProblem
from excerpta.model import Document, Highlight
from excerpta.readers.tolino.reader import TolinoNotesReader, TolinoOptions

SEPARATOR = "-" * 35


def record(title: str, place: str, *more: str, date: str) -> list[str]:
    """The lines of one record as the device writes it: title, place line (with the start of
    its text), more lines of text, date line, then a blank line, the separator and a blank line."""
    return [title, place, *more, date, "", SEPARATOR, ""]


def notes_text(*records: list[str], eol: str = "\n", bom: bool = False) -> str:
    return ("\ufeff" if bom else "") + eol.join(line for lines in records for line in lines) + eol


class Read:
    """What one read gave: documents as yielded, merged by id (as the library merges them), and
    the problems reported."""

    def __init__(self, documents: list[Document], state: ReadState) -> None:
        self.yielded = documents
        merged: dict[str, Document] = {}
        for document in documents:
            if document.id in merged:
                highlights = {h.id: h for h in merged[document.id].highlights}
                highlights.update((h.id, h) for h in document.highlights)
                merged[document.id].highlights = list(highlights.values())
            else:
                merged[document.id] = document.model_copy(deep=True)
        self.documents = list(merged.values())
        self.problems: list[RecordProblem] = state.problems

    def document(self, title: str) -> Document:
        return next(d for d in self.documents if d.title == title)

    def highlights(self) -> list[Highlight]:
        return [h for d in self.documents for h in d.highlights]


def read_file(path: Path, **options: object) -> Read:
    state = ReadState()
    reader = TolinoNotesReader(TolinoOptions(**options))
    return Read(list(reader.read(str(path), state)), state)


def read_text(tmp_path: Path, text: str | bytes, **options: object) -> Read:
    path = tmp_path / "notes.txt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return read_file(path, **options)
