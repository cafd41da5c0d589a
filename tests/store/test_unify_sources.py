"""One book from several sources whose names say the same: the same highlights matched by
passage whatever the spelling, a deletion kept against an older copy, a document without an
author joined by a shared passage."""

from __future__ import annotations

from pathlib import Path

import pytest

from readwise_pages import dune_export

SEP = "=========="
SHORT = "Fear is the mind-killer."
LONG = "Fear is the mind-killer. Fear is the little-death."
CSV_HEADER = ("Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,"
              "Highlighted at,Document tags")
SPELLINGS = pytest.mark.parametrize("author", ["Frank Herbert", "Herbert, Frank"], ids=["same", "other"])


def clippings(folder: Path, author: str, *records: tuple[str, str, str, str]) -> Path:
    """``records``: kind (Highlight, Note), location, "Added on" date, text."""
    path = folder / "My Clippings.txt"
    path.write_text("".join(f"Dune ({author})\n- Your {kind} on page 12 | Location {at} | Added on {when}\n\n"
                            f"{text}\n{SEP}\n" for kind, at, when, text in records), encoding="utf-8")
    return path


def extended(folder: Path, author: str) -> Path:
    """A highlight, then the same one extended and re-saved on the Kindle."""
    return clippings(folder, author, ("Highlight", "100-100", "Monday, January 2, 2023 10:00:00 AM", SHORT),
                     ("Highlight", "100-101", "Monday, January 2, 2023 12:00:00 PM", LONG))


def readwise_csv(folder: Path, text: str, when: str) -> Path:
    path = folder / "readwise-data.csv"
    path.write_text(f"{CSV_HEADER}\n{text},Dune,Frank Herbert,,,,,location,100,{when},\n", encoding="utf-8")
    return path


def readwise_note(folder: Path, *texts: str) -> Path:
    """A Readwise-written Obsidian note of the highlights ``texts``, all at location 100,
    without a Note line."""
    books = folder / "Readwise" / "Books"
    books.mkdir(parents=True, exist_ok=True)
    (books / "Dune.md").write_text(
        "# Dune\n\n## Metadata\n- Author: [[Frank Herbert]]\n- Full Title: Dune\n- Category: #books\n\n"
        "## Highlights\n" + "".join(f"- {text} ([Location 100](https://readwise.io/to_kindle?action=open"
                                    "&asin=B00B7NPRY8&location=100))\n" for text in texts), encoding="utf-8")
    return folder / "Readwise"


def deleted_in_readwise(folder: Path, text: str) -> Path:
    """A saved Readwise /export/ page: the highlight deleted there on 2023-03-01."""
    return dune_export(folder / "export.json", {"id": 1001, "is_deleted": True, "text": text,
                                                 "updated_at": "2023-03-01T00:00:00Z"})


def highlights(documents: list[dict]) -> list[tuple[str, str | None, bool]]:
    return [(h["text"], h["note"], h["is_deleted"]) for d in documents for h in d["highlights"]]


@SPELLINGS
def test_a_highlight_extended_on_the_kindle_is_one_with_its_readwise_copy_whatever_the_spelling(
        library, tmp_path, author):
    library(extended(tmp_path, author))
    documents = library(readwise_csv(tmp_path, LONG, "2023-01-02 12:00:00+00:00"))
    assert highlights(documents) == [(LONG, None, False)]


@SPELLINGS
def test_an_older_readwise_copy_never_undoes_the_kindles_extension_whatever_the_spelling(
        library, tmp_path, author):
    library(extended(tmp_path, author))
    documents = library(readwise_csv(tmp_path, SHORT, "2023-01-02 10:00:00+00:00"))
    assert highlights(documents) == [(LONG, None, False)]


@SPELLINGS
def test_an_undated_readwise_note_never_erases_the_kindle_note_whatever_the_spelling(
        library, tmp_path, author):
    library(clippings(tmp_path, author, ("Highlight", "100-101", "Monday, January 2, 2023 10:00:00 AM", LONG),
                      ("Note", "101", "Monday, January 2, 2023 10:01:00 AM", "classic line")))
    documents = library(readwise_note(tmp_path, LONG))
    assert highlights(documents) == [(LONG, "classic line", False)]


def test_a_second_highlight_of_a_passage_from_the_same_source_stays_a_second_one(library, tmp_path):
    # Only a copy from another source is matched by passage: one source's two are two.
    path = readwise_csv(tmp_path, LONG, "2023-01-02 12:00:00+00:00")
    library(path)
    library(readwise_csv(tmp_path, SHORT, "2023-01-03 10:00:00+00:00"))  # an export of the new ones
    assert highlights(library(path)) == [(LONG, None, False), (SHORT, None, False)]


@SPELLINGS
@pytest.mark.parametrize("first", ["kindle", "csv"])
def test_a_second_highlight_of_an_overlapping_passage_from_one_source_stays_a_second_one_beside_the_kindle(
        library, tmp_path, author, first):
    # The Kindle and the CSV derive one id for LONG: the CSV gave it too, so the CSV's next
    # highlight of an overlapping passage (an export of the new ones) is another highlight.
    for folder in ("kindle", "csv", "new"):
        (tmp_path / folder).mkdir()
    kindle = clippings(tmp_path / "kindle", author,
                       ("Highlight", "100-101", "Monday, January 2, 2023 10:00:00 AM", LONG))
    csv = readwise_csv(tmp_path / "csv", LONG, "2023-01-02 10:00:00+00:00")
    for path in [kindle, csv] if first == "kindle" else [csv, kindle]:
        library(path)
    documents = library(readwise_csv(tmp_path / "new", SHORT, "2023-01-03 10:00:00+00:00"))
    assert highlights(documents) == [(LONG, None, False), (SHORT, None, False)]
    assert highlights(library(kindle)) == highlights(library(csv)) == highlights(documents)



def readwise_page(folder: Path, *texts: tuple[int, str]) -> Path:
    """A saved Readwise /export/ page listing ``texts`` (id, text), all at location 100."""
    return dune_export(folder / "export.json", *(
        {"id": number, "text": text, "highlighted_at": "2023-01-02T09:00:00Z",
         "updated_at": "2023-01-02T09:00:00Z"} for number, text in texts))


@pytest.mark.parametrize("listed", [[(7001, LONG), (7000, SHORT)], [(7000, SHORT), (7001, LONG)]],
                         ids=["long-first", "short-first"])
def test_a_readwise_pull_of_a_long_and_a_short_highlight_of_one_passage_keeps_both_beside_the_csvs(
        library, tmp_path, listed):
    # The CSV's SHORT is the pull's SHORT (the same text), whichever the pull lists first.
    library(readwise_csv(tmp_path, SHORT, "2023-01-02 10:00:00+00:00"))
    documents = library(readwise_page(tmp_path, *listed), source="readwise-json")
    assert sorted(highlights(documents)) == [(SHORT, None, False), (LONG, None, False)]


@SPELLINGS
def test_a_highlight_deleted_in_readwise_stays_deleted_when_the_clippings_are_read(library, tmp_path, author):
    library(deleted_in_readwise(tmp_path, LONG), source="readwise-json")
    documents = library(clippings(tmp_path, author, ("Highlight", "100-101",
                                                     "Monday, January 2, 2023 10:00:00 AM", LONG)))
    assert highlights(documents) == [(LONG, None, True)]


def test_a_highlight_deleted_in_readwise_stays_deleted_when_an_older_readwise_note_is_read(library, tmp_path):
    library(clippings(tmp_path, "Herbert, Frank",
                      ("Highlight", "100-101", "Monday, January 2, 2023 10:00:00 AM", LONG)))
    library(deleted_in_readwise(tmp_path, LONG), source="readwise-json")
    assert highlights(library(readwise_note(tmp_path, LONG))) == [(LONG, None, True)]
    older_csv = readwise_csv(tmp_path, LONG, "2023-01-02 10:00:00+00:00")
    assert highlights(library(older_csv)) == [(LONG, None, True)]


def test_a_passage_highlighted_again_on_the_kindle_after_its_deletion_is_a_new_highlight(library, tmp_path):
    library(deleted_in_readwise(tmp_path, LONG), source="readwise-json")
    documents = library(clippings(tmp_path, "Herbert, Frank",
                                  ("Highlight", "100-101", "Saturday, April 1, 2023 10:00:00 AM", LONG)))
    assert highlights(documents) == [(LONG, None, True), (LONG, None, False)]


@pytest.mark.parametrize("cleared", [False, True], ids=["grown", "cleared"])
def test_a_passage_read_from_the_kindle_deleted_in_readwise_then_highlighted_again_is_a_new_highlight(
        library, tmp_path, cleared):
    # Long-lived-use audit: with the Kindle read first, the highlight's id is the Kindle's, the
    # one its later copy gets too (same book, place and text; the reader keeps the later date),
    # so the passage highlighted again never came back.
    first = ("Highlight", "100-101", "Monday, January 2, 2023 10:00:00 AM", LONG)
    again = ("Highlight", "100-101", "Saturday, April 1, 2023 10:00:00 AM", LONG)
    library(clippings(tmp_path, "Frank Herbert", first))
    assert highlights(library(deleted_in_readwise(tmp_path, LONG), source="readwise-json")) == [
        (LONG, None, True)]
    assert highlights(library(clippings(tmp_path, "Frank Herbert", first))) == [(LONG, None, True)]
    grown = clippings(tmp_path, "Frank Herbert", *([again] if cleared else [first, again]))
    documents = library(grown)
    assert highlights(documents) == [(LONG, None, True), (LONG, None, False)]
    assert highlights(library(grown)) == highlights(documents)  # read again: the same two
    ids = [h["id"] for h in documents[0]["highlights"]]
    assert [h["id"] for h in library(grown)[0]["highlights"]] == ids
    # the old copy read again stays the deleted one
    assert highlights(library(clippings(tmp_path, "Frank Herbert", first))) == highlights(documents)


@pytest.mark.parametrize("order", ["KDM", "KMD", "DKM", "DMK", "MKD", "MDK"])
def test_a_readwise_deletion_of_a_shorter_highlight_never_deletes_the_longer_one_whatever_the_order(
        library, tmp_path, order):
    # The clippings' LONG and Readwise's deleted SHORT share a passage but are two highlights;
    # the Readwise note lists both.
    files = {"K": (clippings(tmp_path, "Frank Herbert",
                             ("Highlight", "100-101", "Monday, January 2, 2023 11:00:00 AM", LONG)), None),
             "D": (deleted_in_readwise(tmp_path, SHORT), "readwise-json"),
             "M": (readwise_note(tmp_path, LONG, SHORT), None)}
    for name in order:
        documents = library(files[name][0], source=files[name][1])
    assert sorted(highlights(documents)) == [(SHORT, None, True), (LONG, None, False)]


@pytest.mark.parametrize("order", ["KD", "DK", "KDK"])
def test_a_readwise_deletion_that_adds_a_period_to_the_kindles_text_deletes_it(library, tmp_path, order):
    # One selection, Readwise's copy ending in a period the clippings' lacks: one highlight, deleted.
    kindle = ("Highlight", "100-101", "Monday, January 2, 2023 10:00:00 AM", SHORT[:-1])
    files = {"K": (clippings(tmp_path, "Frank Herbert", kindle), None),
             "D": (deleted_in_readwise(tmp_path, SHORT), "readwise-json")}
    for name in order:
        documents = library(files[name][0], source=files[name][1])
    assert [deleted for _, _, deleted in highlights(documents)] == [True]


@pytest.mark.parametrize("order", ["KM", "MK", "KMK", "MKM"])
def test_the_dated_clippings_text_wins_over_an_undated_readwise_notes_whatever_the_order(
        library, tmp_path, order):
    # The Readwise note's LONG starts where the clippings' SHORT does: one highlight, whose
    # dated copy wins (the Kindle's re-save rule never undoes that for the longer text).
    files = {"K": clippings(tmp_path, "Frank Herbert",
                            ("Highlight", "100-100", "Monday, January 2, 2023 10:00:00 AM", SHORT)),
             "M": readwise_note(tmp_path, LONG)}
    for name in order:
        documents = library(files[name])
    assert highlights(documents) == [(SHORT, None, False)]


@pytest.mark.parametrize("order", ["KC", "CK", "KCK", "CKC"])
def test_a_kindle_note_typed_after_a_readwise_csvs_copy_keeps_the_kindle_text_whatever_the_order(
        library, tmp_path, order):
    # The same time, but the Kindle's note was typed later: its copy is the later one.
    files = {"K": clippings(tmp_path, "Frank Herbert",
                            ("Highlight", "100-100", "Monday, January 2, 2023 9:00:00 AM", SHORT),
                            ("Note", "100", "Monday, January 2, 2023 9:05:00 AM", "knote")),
             "C": readwise_csv(tmp_path, LONG, "2023-01-02 09:00:00+00:00")}
    for name in order:
        documents = library(files[name])
    assert highlights(documents) == [(SHORT, "knote", False)]


PERSONAL = "A passage from my personal document that I liked."


def notebook(folder: Path, title: str = "My Personal Doc", text: str = PERSONAL) -> Path:
    """A Kindle notebook export whose authors element is empty (a personal document)."""
    path = folder / "notebook.html"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?><html><head><meta charset="UTF-8"/></head><body>'
        '<div class="bodyContainer"><div class="notebookFor">Notebook Export</div>'
        f'<div class="bookTitle">{title}</div><div class="authors"></div><div class="citation"></div><hr/>'
        '<div class="noteHeading">Highlight (<span class="highlight_yellow">yellow</span>) - Page 3</div>'
        f'<div class="noteText">{text}</div></div></body></html>', encoding="utf-8")
    return path


def personal_clippings(folder: Path, *authors: str) -> Path:
    path = folder / "My Clippings.txt"
    path.write_text("".join(f"My Personal Doc ({author})\n- Your Highlight on page 3 | Added on Monday, "
                            f"11 May 2020 15:08:37\n\n{PERSONAL}\n{SEP}\n" for author in authors),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("clippings_first", [True, False], ids=["clippings-first", "notebook-first"])
def test_a_notebook_without_author_joins_the_clippings_of_its_title_by_a_shared_passage(
        library, tmp_path, clippings_first):
    inputs = [personal_clippings(tmp_path, "Jane Writer"), notebook(tmp_path)]
    library(*(inputs if clippings_first else inputs[::-1]))
    documents = library(*inputs)
    assert [(d["title"], d["author"]) for d in documents] == [("My Personal Doc", "Jane Writer")]
    [highlight] = documents[0]["highlights"]
    assert (highlight["color"], highlight["highlighted_at"] is not None) == ("yellow", True)


def test_a_notebook_without_author_joins_no_document_of_its_title_sharing_no_passage(library, tmp_path):
    documents = library(personal_clippings(tmp_path, "Jane Writer"),
                        notebook(tmp_path, text="Nothing the clippings have, in other words."))
    assert [d["author"] for d in documents] == ["Jane Writer", None]


def test_a_notebook_without_author_joins_none_of_several_documents_of_its_title(library, tmp_path):
    documents = library(personal_clippings(tmp_path, "Jane Writer", "John Doe"), notebook(tmp_path))
    assert [d["author"] for d in documents] == ["Jane Writer", "John Doe", None]
