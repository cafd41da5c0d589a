"""Helpers of the Kindle reader tests: read a clippings file or text the way the CLI does.

(A plain module of functions: the tests call them with their own ``tmp_path``.)
"""

from __future__ import annotations

import re
from pathlib import Path

from excerpta.adapters import ReadState
from excerpta.model import Document, Highlight
from excerpta.readers.kindle.clippings import KindleClippingsOptions, KindleClippingsReader
from excerpta.readers.kindle.locales import LOCALES
from excerpta.readers.kindle.notebook_html import KindleNotebookOptions, KindleNotebookReader

from paths import CORPUS

CLIPPINGS = CORPUS / "kindle_clippings"
NOTEBOOKS = CORPUS / "kindle_notebook_html"
_KIND_PHRASES = re.compile("|".join(map(re.escape, sorted(
    {phrase for locale in LOCALES for phrase in locale.phrases}, key=len, reverse=True))), re.IGNORECASE)


def real_clippings() -> list[Path]:
    """The corpus clippings files that came from devices (not the generated ``SYNTHETIC_`` ones)."""
    return [path for path in sorted(CLIPPINGS.glob("*.txt")) if not path.name.startswith("SYNTHETIC")]


def erase_kind_phrases(line: str) -> str:
    """``line`` with every kind phrase of the locale table replaced by a made-up word, as if
    it were in a language excerpta does not know."""
    return _KIND_PHRASES.sub("Xyz", line)


class Read:
    """What one read gave: documents merged by id, their highlights by id (as the library merges
    them), the documents as yielded, and problems."""

    def __init__(self, documents: list[Document], state: ReadState) -> None:
        merged: dict[str, Document] = {}
        for document in documents:
            if document.id in merged:
                highlights = {h.id: h for h in merged[document.id].highlights}
                highlights.update((h.id, h) for h in document.highlights)  # a later copy replaces
                merged[document.id].highlights = list(highlights.values())
            else:
                merged[document.id] = document.model_copy(deep=True)
        self.documents = list(merged.values())
        self.yielded = documents
        self.problems = state.problems

    def titles(self) -> list[str]:
        return [d.title for d in self.documents]

    def document(self, title: str) -> Document:
        return next(d for d in self.documents if d.title == title)

    def highlights(self) -> list[Highlight]:
        return [h for d in self.documents for h in d.highlights]

    def highlight(self, text_start: str) -> Highlight:
        matches = [h for h in self.highlights() if h.text.startswith(text_start)]
        assert len(matches) == 1, f"{len(matches)} highlights start with {text_start!r}"
        return matches[0]


def read_path(path: Path, **options: object) -> Read:
    """Read ``path`` with the ``kindle`` reader (timezone UTC unless given)."""
    options.setdefault("timezone", "UTC")
    state = ReadState()
    reader = KindleClippingsReader(KindleClippingsOptions(**options))
    return Read(list(reader.read(str(path), state)), state)


def read_corpus(name: str, **options: object) -> Read:
    """Read the corpus file ``kindle_clippings/<name>``."""
    return read_path(CLIPPINGS / name, **options)


def read_text(tmp_path: Path, text: str | bytes, **options: object) -> Read:
    """Write ``text`` (str: as UTF-8) to ``tmp_path/My Clippings.txt`` and read it."""
    path = tmp_path / "My Clippings.txt"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return read_path(path, **options)


# A notebook export's page, written here: its head and tail, and entries between them.
NOTEBOOK_HEAD = ('<html><body><div class="bodyContainer"><div class="bookTitle">Der Prozess</div>'
                 '<div class="authors">Kafka, Franz</div><hr/>\n')
NOTEBOOK_TAIL = "</div></body></html>\n"


def notebook_entry(heading: str, text: str | None = "Text.", colour: str = "yellow") -> str:
    """One entry of a notebook page; ``text=None`` for a heading alone (a bookmark)."""
    span = f'(<span class="highlight_{colour}">{colour}</span>) ' if colour else ""
    kind, _, rest = heading.partition(" - ")
    page = f'<div class="noteHeading">{kind} {span}- {rest}</div>\n'
    return page + ("" if text is None else f'<div class="noteText">{text}</div>\n')


def read_notebook(path: Path, *, bookmarks: bool = False) -> tuple[list[Document], ReadState]:
    """What the ``kindle-html`` reader reads of ``path``, and the read's state (its problems)."""
    state = ReadState()
    reader = KindleNotebookReader(KindleNotebookOptions(kindle_bookmarks=bookmarks))
    return list(reader.read(str(path), state)), state
