"""One book under two of its names: a title with its subtitle and its main title alone are one
document where the two share a passage; and the name of a document held from several sources
is the one its user edits (the Readwise API's) over one derived from a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from excerpta.store.titles import main_titles

from paths import CORPUS

SNIPPETS = CORPUS / "readwise" / "api-v2-real-snippets"
SEP = "=========="
FULL = "Sapiens: A Brief History of Humankind"
HUNTERS = "The Cognitive Revolution kick-started history about 70,000 years ago."
WHEAT = "We did not domesticate wheat. It domesticated us."
GOSSIP = "Our language evolved as a way of gossiping."


def clippings(folder: Path, *books: tuple[str, int, str], author: str = "Harari, Yuval Noah") -> Path:
    """``My Clippings.txt`` in ``folder`` (made if needed) of (title, location, text) records."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "My Clippings.txt"
    path.write_text("".join(
        f"{title} ({author})\n- Your Highlight on Location {at}-{at + 1} | Added on Wednesday, "
        f"March 3, 2021 8:12:00 PM\n\n{text}\n{SEP}\n" for title, at, text in books), encoding="utf-8")
    return path


def readwise_note(folder: Path, heading: str, *highlights: tuple[int, str]) -> Path:
    """A Readwise-written note whose template keeps the heading but no Full Title line."""
    path = folder / "Readwise" / "Books" / f"{heading}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {heading}\n\n## Metadata\n- Author: [[Yuval Noah Harari]]\n- Category: #books\n\n"
                    "## Highlights\n" + "".join(
                        f"- {text} ([Location {at}](https://readwise.io/to_kindle?action=open&asin=B00ICN066A"
                        f"&location={at}))\n" for at, text in highlights), encoding="utf-8")
    return path


def readwise_page(folder: Path, title: str, author: str, *highlights: tuple[int, int, str]) -> Path:
    """A Readwise API export page of one book of (id, location, text) highlights."""
    path = folder / "export.json"
    path.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [
        {"user_book_id": 4242, "title": title, "author": author, "category": "books", "source": "kindle",
         "highlights": [{"id": ident, "text": text, "location": at, "location_type": "location",
                         "highlighted_at": "2021-03-03T20:12:00Z", "updated_at": "2021-03-04T00:00:00Z"}
                        for ident, at, text in highlights]}]}), encoding="utf-8")
    return path


def shape(documents: list[dict]) -> list[tuple[str, str, list[str]]]:
    return [(d["title"], d["author"], sorted(h["text"] for h in d["highlights"])) for d in documents]


@pytest.mark.parametrize("clippings_first", [True, False], ids=["clippings-first", "note-first"])
def test_a_readwise_note_of_the_main_title_alone_is_the_book_of_the_clippings(
        library, tmp_path, clippings_first):
    kindle = clippings(tmp_path, (FULL, 100, HUNTERS), (FULL, 900, GOSSIP))
    note = readwise_note(tmp_path, "Sapiens", (100, HUNTERS), (500, WHEAT))
    first, second = (kindle, note) if clippings_first else (note, kindle)
    [stored] = library(first)
    documents = library(second)
    assert [d["id"] for d in documents] == [stored["id"]]
    # Either order, the title keeps its subtitle: the main title alone says less.
    assert shape(documents)[0][0] == FULL
    assert shape(documents)[0][2] == sorted([HUNTERS, WHEAT, GOSSIP])
    assert library(kindle) == documents
    assert library(note) == documents


@pytest.mark.parametrize(("title", "main"), [
    ("Dune (Dune Chronicles Book 1)", "Dune"),
    ("Elantris - Tenth Anniversary Edition", "Elantris"),
    ("An Elegant Puzzle — Systems of Engineering Management", "An Elegant Puzzle"),
    ("Sapiens: A Brief History (Vintage)", "Sapiens: A Brief History"),
])
def test_each_subtitle_separator_gives_a_main_title(library, tmp_path, title, main):
    library(clippings(tmp_path / "paperwhite", (title, 100, HUNTERS)))  # a second device
    documents = library(clippings(tmp_path / "oasis", (main, 100, HUNTERS), (main, 200, WHEAT)))
    assert shape(documents) == [(title, "Harari, Yuval Noah", sorted([HUNTERS, WHEAT]))]


def test_a_volume_and_its_series_title_sharing_no_passage_stay_two_books(library, tmp_path):
    series, volume = "The Lord of the Rings", "The Lord of the Rings: The Two Towers"
    # A passage of fewer than three words in both ("Fly, you fools!" is not one) is no evidence.
    library(clippings(tmp_path / "a", (volume, 300, "Not all those who wander are lost."),
                      (volume, 310, "Speak, friend."), author="Tolkien, J.R.R."))
    documents = library(clippings(tmp_path / "b", (series, 40, "Even the very wise cannot see all ends."),
                                  (series, 50, "Speak, friend."), author="Tolkien, J.R.R."))
    assert [d["title"] for d in documents] == [volume, series]


def test_several_books_of_that_main_title_or_another_author_join_none(library, tmp_path):
    library(clippings(tmp_path / "a", (FULL, 100, HUNTERS), ("Sapiens (Vintage)", 100, HUNTERS)))
    library(clippings(tmp_path / "b", ("Sapiens: Graphic", 100, HUNTERS), author="Vandermeulen, David"))
    documents = library(readwise_note(tmp_path, "Sapiens", (100, HUNTERS)))
    assert [d["title"] for d in documents] == [FULL, "Sapiens (Vintage)", "Sapiens: Graphic", "Sapiens"]


def test_the_title_and_author_edited_in_readwise_name_the_book_first_read_from_clippings(library, tmp_path):
    kindle = clippings(tmp_path, (FULL, 100, HUNTERS))
    [stored] = library(kindle)
    edited = readwise_page(tmp_path, "Sapiens", "Yuval Noah Harari", (1, 100, HUNTERS), (2, 500, WHEAT))
    pulled = library(edited, source="readwise-json")
    assert [d["id"] for d in pulled] == [stored["id"]]  # cards and note blocks hang on it
    assert shape(pulled) == [("Sapiens", "Yuval Noah Harari", sorted([HUNTERS, WHEAT]))]
    # The clippings read again: the device's name of the book never comes back.
    assert library(kindle) == pulled


def test_a_retitled_book_keeps_its_obsidian_note_where_it_is(run_cli, tmp_path):
    state, vault = tmp_path / "state.sqlite", tmp_path / "vault"

    def convert(path: Path, *source: str) -> None:
        result = run_cli("--state", state, "convert", path, *source, "--to", "obsidian", "--out", vault)
        assert result.exit_code == 0, result.output

    convert(clippings(tmp_path, ("Sapiens", 100, HUNTERS)))
    [note] = vault.rglob("*.md")
    convert(readwise_page(tmp_path, FULL, "Yuval Noah Harari", (1, 100, HUNTERS), (2, 500, WHEAT)),
            "--from", "readwise-json")
    assert list(vault.rglob("*.md")) == [note]
    text = note.read_text(encoding="utf-8")
    assert f"title: '{FULL}'" in text
    assert (text.count(HUNTERS), text.count(WHEAT)) == (1, 1)


def test_readwises_short_title_of_a_kindle_book_names_it_and_a_later_bare_highlight_keeps_that(
        library, tmp_path):
    detail = json.loads((SNIPPETS / "aramzs-v2-book-detail.kindle.json").read_text(encoding="utf-8"))
    bare = SNIPPETS / "aramzs-v2-highlights-list-item.kindle.json"  # a /highlights/ item: no title
    item = json.loads(bare.read_text(encoding="utf-8"))
    on_device = f"{detail['title']}: The Making and Maintenance of Open Source Software"
    kindle = clippings(tmp_path, (on_device, item["location"], item["text"]), author="Eghbal, Nadia")
    [stored] = library(kindle)
    book = {name: detail[name] for name in ("title", "author", "category", "asin")}
    page = tmp_path / "export.json"
    page.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [
        {"user_book_id": detail["id"], **book, "highlights": [item]}]}), encoding="utf-8")
    pulled = library(page, source="readwise-json")
    assert [(d["id"], d["title"], d["author"], len(d["highlights"])) for d in pulled] == [
        (stored["id"], "Working in Public", "Nadia Eghbal", 1)]
    assert library(bare, source="readwise-json") == pulled


def test_a_kindle_notebooks_full_title_and_a_readwise_notes_short_one_are_one_book(library, tmp_path):
    notebook = CORPUS / "kindle_notebook_html" / "nweii_annihilation_notebook_en.html"
    [book] = library(notebook, source="kindle-html")
    assert book["title"] == "Annihilation: A Novel (The Southern Reach Trilogy Book 1)"
    first = book["highlights"][0]
    note = tmp_path / "Readwise" / "Books" / "Annihilation.md"
    note.parent.mkdir(parents=True)
    at = first["location"]
    note.write_text(f"# Annihilation\n\n## Metadata\n- Author: [[Jeff VanderMeer]]\n- Category: #books\n\n"
                    f"## Highlights\n- {first['text']} ([Location {at}](https://readwise.io/to_kindle?"
                    f"action=open&asin=B00DPM7TIG&location={at}))\n", encoding="utf-8")
    documents = library(note)
    assert [(d["id"], d["title"], len(d["highlights"])) for d in documents] == [
        (book["id"], book["title"], len(book["highlights"]))]


@pytest.mark.parametrize(("title", "forms"), [
    ("Sapiens: A Brief History (Vintage)", ["sapiens: a brief history", "sapiens"]),
    ("Dune（Dune Chronicles）", ["dune"]),  # full-width parentheses, as a Chinese Kindle writes them
    ("Walden", []),
    ("(Untitled)", []),
    ("Re: Notes", ["re"]),
    ("Catch-22 - A Novel", ["catch-22"]),
    ("Catch-22", []),
])
def test_main_titles_are_before_a_subtitle_or_without_a_trailing_parenthesised_part(title, forms):
    assert main_titles(title) == forms



@pytest.mark.parametrize("names", [("C Primer Plus", "C++ Primer Plus"), ("C in Depth", "C# in Depth"),
                                   ("F Sharp Basics", "F# Sharp Basics")])
def test_titles_apart_by_a_plus_or_a_sharp_are_two_books_in_one_file_or_two(library, tmp_path, names):
    plain, marked = names
    one = library(clippings(tmp_path / "one", (plain, 100, HUNTERS), (marked, 200, WHEAT),
                            author="Prata, Stephen"))
    assert sorted((d["title"], [h["text"] for h in d["highlights"]]) for d in one) == [
        (plain, [HUNTERS]), (marked, [WHEAT])]
    # Another source's spelling of the author still joins each to its own book.
    two = library(clippings(tmp_path / "two", (marked, 300, GOSSIP), author="Stephen Prata"))
    assert sorted((d["title"], len(d["highlights"])) for d in two) == [(plain, 1), (marked, 2)]


def test_a_readwise_csv_of_c_cpp_and_csharp_books_by_one_author_gives_three_documents(library, tmp_path):
    path = tmp_path / "readwise-data.csv"
    books = [("C", 1, HUNTERS), ("C++", 2, WHEAT), ("C#", 3, GOSSIP)]
    path.write_text("Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,"
                    "Highlighted at,Document tags\n"
                    + "".join(f'"{text}",{title},Ann Author,,,,,location,{at},2021-03-03 20:12:00+00:00,\n'
                              for title, at, text in books), encoding="utf-8")
    documents = library(path)
    assert sorted(d["title"] for d in documents) == ["C", "C#", "C++"]


@pytest.mark.parametrize("changed", ["Pride & Prejudice", "Pride und Prejudice"])
def test_a_title_line_that_spells_and_as_an_ampersand_is_the_same_book(library, tmp_path, changed):
    # Amazon's metadata changed the Kindle's title line: before, a second document, and every
    # highlight a second Anki card (Anki audit).
    first = library(clippings(tmp_path / "a", ("Pride and Prejudice", 100, HUNTERS), author="Austen, Jane"))
    again = library(clippings(tmp_path / "b", (changed, 100, HUNTERS), (changed, 200, WHEAT),
                              author="Austen, Jane"))
    assert [(d["id"], d["title"]) for d in again] == [(first[0]["id"], "Pride and Prejudice")]
    assert sorted(h["text"] for h in again[0]["highlights"]) == sorted([HUNTERS, WHEAT])
