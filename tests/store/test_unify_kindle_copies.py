"""The Kindle's clippings and notebook export, one source, in a book also read from
Readwise: each Kindle file's copy of a highlight is matched with the library's one by passage
(the two files derive other ids where they spell the author apart), so what Readwise did to
it (a deletion, an edit) stays whatever the order the three are read in."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from readwise_pages import dune_export

SEP = "=========="
LONG = "Fear is the mind-killer. Fear is the little-death that brings total obliteration."
SHORT = "Fear is the mind-killer."
LITANY = "I must not fear. I will face my fear and permit it to pass over me."
ORDERS = pytest.mark.parametrize("order", ["".join(order) for order in itertools.permutations("KNJ")])


def clippings(folder: Path, *records: tuple[str, str, str]) -> Path:
    """``records``: kind (Highlight, Note), location, text; the author as ``Frank Herbert``."""
    path = folder / "My Clippings.txt"
    path.write_text("".join(f"Dune (Frank Herbert)\n- Your {kind} on page 3 | Location {at} | Added on "
                            f"Monday, January 2, 2023 9:00:00 AM\n\n{text}\n{SEP}\n"
                            for kind, at, text in records), encoding="utf-8")
    return path


def notebook(folder: Path, *entries: tuple[str, int, str]) -> Path:
    """``entries``: kind (Highlight, Note), location, text; the author as ``Herbert, Frank``."""
    path = folder / "notebook.html"
    path.write_text(
        '<html><head><meta charset="utf-8"></head><body><div class="bodyContainer">'
        '<div class="bookTitle">Dune</div><div class="authors">Herbert, Frank</div><hr/>'
        + "".join(f'<div class="noteHeading">{kind} '
                  + ('(<span class="highlight_yellow">yellow</span>) ' if kind == "Highlight" else "")
                  + f'- Location {at}</div><div class="noteText">{text}</div>' for kind, at, text in entries)
        + "</div></body></html>", encoding="utf-8")
    return path


def readwise_page(folder: Path, text: str, location: int, *, deleted: bool = False) -> Path:
    """A saved Readwise /export/ page: the highlight edited (or deleted) there the next day."""
    return dune_export(folder / "export.json", {
        "id": 7000, "is_deleted": deleted, "text": text, "location": location,
        "highlighted_at": "2023-01-02T09:00:00Z", "updated_at": "2023-01-03T00:00:00Z"})


def read_in_order(library, order: str, kindle: Path, book: Path, readwise: Path) -> list[dict]:
    inputs = {"K": (kindle, None), "N": (book, None), "J": (readwise, "readwise-json")}
    for letter in order:
        path, source = inputs[letter]
        documents = library(path, source=source)
    return documents


@ORDERS
def test_a_highlight_deleted_in_readwise_stays_deleted_and_single_whatever_the_kindle_files_order(
        library, tmp_path, order):
    documents = read_in_order(
        library, order,
        clippings(tmp_path, ("Highlight", "200-201", LITANY), ("Note", "201", "typed on the device")),
        notebook(tmp_path, ("Highlight", 200, LITANY), ("Note", 201, "typed on the device")),
        readwise_page(tmp_path, LITANY, 200, deleted=True))
    assert len(documents) == 1
    assert [(h["text"], h["is_deleted"]) for h in documents[0]["highlights"]] == [(LITANY, True)]


@ORDERS
@pytest.mark.parametrize("notebook_text", [SHORT, LONG], ids=["notebook-edited", "notebook-older"])
def test_a_highlight_shortened_in_readwise_stays_shortened_and_single_whatever_the_kindle_files_order(
        library, tmp_path, order, notebook_text):
    documents = read_in_order(library, order, clippings(tmp_path, ("Highlight", "100-101", LONG)),
                              notebook(tmp_path, ("Highlight", 100, notebook_text)),
                              readwise_page(tmp_path, SHORT, 100))
    assert len(documents) == 1
    assert [(h["text"], h["is_deleted"]) for h in documents[0]["highlights"]] == [(SHORT, False)]
