"""Helpers of the Play Books reader tests: read a file as a run does, documents and problems."""

from __future__ import annotations

from pathlib import Path

from excerpta.adapters import ReadState, RecordProblem
from excerpta.model import Document
from excerpta.readers.play_books import PlayBooksOptions, PlayBooksReader


class Read:
    """What one read gave: the documents yielded and the problems reported."""

    def __init__(self, documents: list[Document], state: ReadState) -> None:
        self.documents = documents
        self.state = state
        self.problems: list[RecordProblem] = state.problems

    @property
    def document(self) -> Document:
        (document,) = self.documents
        return document

    def texts(self) -> list[str]:
        return [highlight.text for document in self.documents for highlight in document.highlights]


def read_file(path: Path, **options: object) -> Read:
    """``path`` read by the ``play-books`` reader with ``options`` (zone UTC unless given)."""
    state = ReadState()
    reader = PlayBooksReader(PlayBooksOptions(**{"timezone": "UTC", **options}))
    return Read(list(reader.read(str(path), state)), state)
