"""A Readwise CSV exported again after an edit in Readwise (``excerpta.store.edited_copies``):
a typo fixed in a highlight, or the book's author corrected, gives new derived ids; the library
keeps its ids (notes, cards and rows follow the edit) instead of a second highlight or book
(audit s22 H1)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = ["Highlight", "Book Title", "Book Author", "Amazon Book ID", "Note", "Color", "Tags",
          "Location Type", "Location", "Highlighted at", "Document tags"]
TYPO = "The job is to transfrom a deficiency into a strength."
FIXED = "The job is to transform a deficiency into a strength."
SECOND = "Second passage here, about managers and their one-on-ones."


def export(folder: Path, *rows: tuple[str, int, str], author: str = "M. Lopp", title: str = "Managing Humans",
           note: str = "") -> Path:
    """Readwise's 11-column export of ``rows``: text, location, highlighted at (minutes past 10)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for passage, location, minute in rows:
        writer.writerow([passage, title, author, "", note, "yellow", "", "location", location,
                         f"2024-01-01 10:{minute}:00+00:00", ""])
    path = folder / "readwise-data.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def highlights(documents: list[dict]) -> dict[str, dict]:
    return {h["id"]: h | {"document": d} for d in documents for h in d["highlights"]}


def test_a_typo_fixed_in_readwise_updates_the_highlight_in_place(library, tmp_path):
    before = highlights(library(export(tmp_path, (TYPO, 100, "00"), (SECOND, 200, "01"))))
    after = highlights(library(export(tmp_path, (FIXED, 100, "00"), (SECOND, 200, "01"))))
    assert after.keys() == before.keys()  # was three: the fixed text a new highlight
    assert sorted(h["text"] for h in after.values()) == sorted([FIXED, SECOND])
    again = highlights(library(export(tmp_path, (FIXED, 100, "00"), (SECOND, 200, "01"))))
    assert again == after


def test_an_author_corrected_in_readwise_keeps_the_book_and_its_highlights(library, tmp_path):
    before = highlights(library(export(tmp_path, (TYPO, 100, "00"), (SECOND, 200, "01"))))
    documents = library(export(tmp_path, (TYPO, 100, "00"), (SECOND, 200, "01"), ("Added later.", 300, "02"),
                               author="Michael Lopp"))
    assert len(documents) == 1  # was two: a second note, and every card twice
    (document,) = documents
    assert document["id"] == next(iter(before.values()))["document"]["id"]
    assert document["author"] == "Michael Lopp"
    after = highlights(documents)
    assert before.keys() < after.keys()
    assert len(after) == 3


def test_the_fix_stays_when_the_kindle_file_with_the_typo_is_read_again(library, tmp_path):
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text("".join(
        f"Managing Humans (Lopp, Michael)\n- Your Highlight on Location {where}-{where + 2} | Added on "
        f"Monday, January 1, 2024 10:0{minute}:00 AM\n\n{text}\n==========\n"
        for text, where, minute in ((TYPO, 100, 0), (SECOND, 200, 1))), encoding="utf-8")
    kindle = highlights(library(clippings))
    library(export(tmp_path, (TYPO, 100, "00"), (SECOND, 200, "01"), author="Michael Lopp"))
    fixed = highlights(library(export(tmp_path, (FIXED, 100, "00"), (SECOND, 200, "01"),
                                      author="Michael Lopp")))
    assert fixed.keys() == kindle.keys()
    assert sorted(h["text"] for h in fixed.values()) == sorted([FIXED, SECOND])
    # The clippings hold the typo forever: read again, they never undo the edit.
    again = highlights(library(clippings))
    assert sorted(h["text"] for h in again.values()) == sorted([FIXED, SECOND])


def test_a_highlight_rewritten_stays_a_new_one(library, tmp_path):
    before = highlights(library(export(tmp_path, (TYPO, 100, "00"), (SECOND, 200, "01"))))
    rewritten = "Nothing of the sort was ever said here."
    after = highlights(library(export(tmp_path, (rewritten, 100, "00"), (SECOND, 200, "01"))))
    assert len(after) == 3  # not the same text: kept apart, and the old one stays
    assert before.keys() < after.keys()


def test_of_two_alike_at_one_place_neither_is_taken(library, tmp_path):
    library(export(tmp_path, (TYPO, 100, "00"), (FIXED, 100, "05"), (SECOND, 200, "01")))
    edited = FIXED.replace("a strength", "strength")
    after = highlights(library(export(tmp_path, (edited, 100, "00"), (SECOND, 200, "01"))))
    assert len(after) == 4


def test_a_readwise_note_read_again_after_a_typo_fixed_keeps_its_highlight(library, tmp_path):
    # The plugin's default note links a Kindle highlight to its location, not to its Readwise id.
    note = tmp_path / "vault" / "Books" / "Managing Humans.md"
    note.parent.mkdir(parents=True)

    def write(text: str) -> Path:
        note.write_text(
            "# Managing Humans\n\n## Metadata\n- Author: [[Michael Lopp]]\n- Full Title: Managing Humans\n"
            "- Category: #books\n\n## Highlights\n"
            f"- {text} ([Location 100](https://readwise.io/to_kindle?action=open&asin=B0&location=100))\n"
            f"- {SECOND} ([Location 200](https://readwise.io/to_kindle?action=open&asin=B0&location=200))\n",
            encoding="utf-8")
        return tmp_path / "vault"

    before = highlights(library(write(TYPO), source="readwise-md"))
    after = highlights(library(write(FIXED), source="readwise-md"))
    assert after.keys() == before.keys()
    assert sorted(h["text"] for h in after.values()) == sorted([FIXED, SECOND])
