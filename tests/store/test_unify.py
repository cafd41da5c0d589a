"""One book from several sources in one library: the copy another source gives takes the
library's ids instead of becoming a second document (and every highlight a second card)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from excerpta.model import Document, Highlight
from excerpta.store import MergeRules, SQLiteStore

SEP = "=========="
KING = "On Writing: A Memoir of the Craft"
FEAR = "Good writing is often about letting go of fear and affectation."
TOOLBOX = "You need the toolbox, and you need to build up enough muscle."


def clippings(folder: Path, *records: tuple[int, str], author: str = "King, Stephen") -> Path:
    path = folder / "My Clippings.txt"
    path.write_text("".join(
        f"{KING} ({author})\n- Your Highlight on Location {at}-{at + 1} | Added on Wednesday, "
        f"March 3, 2021 8:12:00 PM\n\n{text}\n{SEP}\n" for at, text in records), encoding="utf-8")
    return path


def readwise_page(folder: Path, *highlights: dict, book_id: int = 90000001, deleted: bool = False) -> Path:
    path = folder / f"export-{book_id}.json"
    book = {"user_book_id": book_id, "title": KING, "readable_title": "On Writing", "author": "Stephen King",
            "source": "kindle", "category": "books", "asin": "B000FC0SIM", "book_tags": [],
            "is_deleted": deleted, "highlights": [
                {"id": h["id"], "text": h["text"], "location": h["location"], "location_type": "location",
                 "note": h.get("note", ""), "highlighted_at": "2021-03-03T20:12:00Z",
                 "updated_at": h.get("updated_at", "2021-03-04T00:00:00Z"), "book_id": book_id, "tags": [],
                 "is_deleted": h.get("is_deleted", False)} for h in highlights]}
    path.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [book]}), encoding="utf-8")
    return path


FEAR_RW = {"id": 700000001, "text": FEAR, "location": 1445}
TOOLBOX_RW = {"id": 700000002, "text": TOOLBOX, "location": 1500}


def texts(documents: list[dict]) -> list[tuple[str, list[tuple[str, str | None, bool]]]]:
    return [(d["title"], [(h["text"], h["note"], h["is_deleted"]) for h in d["highlights"]])
            for d in documents]


@pytest.mark.parametrize("clippings_first", [True, False], ids=["clippings-first", "readwise-first"])
def test_a_book_from_kindle_clippings_and_from_readwise_is_one_document(library, tmp_path, clippings_first):
    kindle = clippings(tmp_path, (1445, FEAR))
    readwise = readwise_page(tmp_path, {**FEAR_RW, "note": "fear"}, TOOLBOX_RW)
    first, second = (kindle, readwise) if clippings_first else (readwise, kindle)
    [stored] = library(first, source="readwise-json" if first is readwise else None)
    documents = library(second, source="readwise-json" if second is readwise else None)
    assert [d["id"] for d in documents] == [stored["id"]]
    assert texts(documents) == [(KING, [(FEAR, "fear", False), (TOOLBOX, None, False)])]
    # Both read again: nothing changes, no second copy.
    assert library(kindle) == documents
    assert library(readwise, source="readwise-json") == documents


def test_readwise_edits_and_deletions_reach_the_highlight_first_read_from_clippings(library, tmp_path):
    [kindle_book] = library(clippings(tmp_path, (1445, FEAR), (1600, "Only on the device.")))
    library(readwise_page(tmp_path, FEAR_RW), source="readwise-json")
    # The text edited in Readwise: found by the id remembered, not by its text.
    edited = library(readwise_page(tmp_path, {**FEAR_RW, "text": "Good writing is about letting go.",
                                              "updated_at": "2022-01-01T00:00:00Z"}), source="readwise-json")
    assert [h["text"] for h in edited[0]["highlights"]] == ["Good writing is about letting go.",
                                                           "Only on the device."]
    assert [h["id"] for h in edited[0]["highlights"]] == [h["id"] for h in kindle_book["highlights"]]
    # The book deleted in Readwise: what Readwise gave goes, the device's own highlight stays.
    gone = library(readwise_page(tmp_path, deleted=True), source="readwise-json")
    assert texts(gone) == [(KING, [("Good writing is about letting go.", None, True),
                                   ("Only on the device.", None, False)])]


def test_the_authors_name_in_either_order_is_one_book(library, tmp_path):
    library(clippings(tmp_path, (1445, FEAR), author="King, Stephen"))
    (tmp_path / "two").mkdir()
    documents = library(clippings(tmp_path / "two", (1445, FEAR), (1500, TOOLBOX), author="Stephen King"))
    assert texts(documents) == [(KING, [(FEAR, None, False), (TOOLBOX, None, False)])]


@pytest.mark.parametrize("joined", ["Stephen King and Peter Straub", "Peter Straub & Stephen King",
                                    "Stephen King, Peter Straub"])
def test_several_authors_joined_by_and_are_the_kindles_list_of_them(library, tmp_path, joined):
    # Kindle lists "Last, First; Last, First"; Readwise joins the same names with " and "
    library(clippings(tmp_path, (1445, FEAR), author="King, Stephen; Straub, Peter"))
    (tmp_path / "two").mkdir()
    documents = library(clippings(tmp_path / "two", (1445, FEAR), (1500, TOOLBOX), author=joined))
    assert texts(documents) == [(KING, [(FEAR, None, False), (TOOLBOX, None, False)])]


@pytest.mark.parametrize("csv_first", [True, False], ids=["csv-first", "markdown-first"])
def test_an_article_from_the_readwise_csv_and_from_its_readwise_note_is_one(library, tmp_path, csv_first):
    csv = tmp_path / "readwise-data.csv"
    csv.write_text("Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,"
                   "Highlighted at,Document tags\nThe one sentence.,Stop Being a Junior,Lucas,,,,,offset,120,"
                   "2023-10-01 10:00:00+00:00,\n", encoding="utf-8")
    note = tmp_path / "Readwise" / "Articles" / "Stop Being a Junior.md"
    note.parent.mkdir(parents=True)
    note.write_text("# Stop Being a Junior\n\n## Metadata\n- Author: [[Lucas]]\n- Full Title: Stop Being a "
                    "Junior\n- Category: #articles\n- URL: https://example.com/junior\n\n## Highlights\n"
                    "- The one sentence. ([View Highlight](https://read.readwise.io/read/01hbz))\n",
                    encoding="utf-8")
    for source in (csv, note) if csv_first else (note, csv):
        documents = library(source)
    assert texts(documents) == [("Stop Being a Junior", [("The one sentence.", None, False)])]
    assert documents[0]["url"] == "https://example.com/junior"


def test_two_readwise_books_of_one_title_stay_two(library, tmp_path):
    library(clippings(tmp_path, (1445, FEAR)))
    library(readwise_page(tmp_path, FEAR_RW), source="readwise-json")
    documents = library(readwise_page(tmp_path, {**TOOLBOX_RW, "id": 700000009}, book_id=90000002),
                        source="readwise-json")
    assert [len(d["highlights"]) for d in documents] == [1, 1]


def test_documents_of_other_urls_or_from_our_json_are_never_joined(library, tmp_path):
    def article(url: str, ident: str) -> dict:
        return {"id": ident, "title": "Notes", "author": "Ann", "url": url, "highlights": [
            {"id": f"{ident}-h", "text": "Same words."}]}

    canonical = tmp_path / "library.json"
    canonical.write_text(json.dumps({"schema_version": 1, "documents": [
        article("https://a.example/notes", "d1"), article(None, "d2")]}), encoding="utf-8")
    assert [d["id"] for d in library(canonical)] == ["d1", "d2"]
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [
        {"user_book_id": 5, "title": "Notes", "author": "Ann", "category": "articles",
         "source_url": "https://b.example/notes", "highlights": [{"id": 6, "text": "Same words."}]}]}),
        encoding="utf-8")
    documents = library(other, source="readwise-json")
    # Another URL than d1's: another article; d2 has no URL, so it is the same one.
    assert [(d["id"], len(d["highlights"])) for d in documents] == [("d1", 1), ("d2", 1)]
    assert documents[1]["url"] == "https://b.example/notes"


def test_a_note_removed_in_readwise_stays_removed_when_the_clippings_are_read_again(library, tmp_path):
    kindle = clippings(tmp_path, (1445, FEAR))
    kindle.write_text(kindle.read_text() + f"{KING} (King, Stephen)\n- Your Note on Location 1446 | Added on "
                      f"Wednesday, March 3, 2021 8:13:00 PM\n\nMy note.\n{SEP}\n", encoding="utf-8")
    library(kindle)
    assert [h["note"] for h in library(readwise_page(tmp_path, {**FEAR_RW, "note": "My note."}),
                                       source="readwise-json")[0]["highlights"]] == ["My note."]
    removed = readwise_page(tmp_path, {**FEAR_RW, "updated_at": "2022-05-01T00:00:00Z"})
    assert [h["note"] for h in library(removed, source="readwise-json")[0]["highlights"]] == [None]
    again = library(kindle)
    assert [(h["note"], h["end_location"]) for h in again[0]["highlights"]] == [(None, 1446)]
    assert library(removed, source="readwise-json") == again


def test_a_book_deleted_in_readwise_read_first_keeps_what_only_the_device_has(library, tmp_path):
    library(readwise_page(tmp_path, FEAR_RW), source="readwise-json")
    library(clippings(tmp_path, (1445, FEAR), (1600, "Only on the device.")))
    gone = library(readwise_page(tmp_path, deleted=True), source="readwise-json")
    assert texts(gone) == [(KING, [(FEAR, None, True), ("Only on the device.", None, False)])]


def test_a_passage_listed_twice_never_takes_the_id_matched_before(library, tmp_path):
    [kindle_book] = library(clippings(tmp_path, (1445, FEAR)))
    library(readwise_page(tmp_path, FEAR_RW), source="readwise-json")
    # The same passage highlighted again in Readwise, listed before the one matched last time.
    again = library(readwise_page(tmp_path, {**FEAR_RW, "id": 700000005}, FEAR_RW), source="readwise-json")
    ids = {h["external_ids"].get("readwise"): h["id"] for h in again[0]["highlights"]}
    assert ids["700000001"] == kindle_book["highlights"][0]["id"]
    assert ids["700000005"] == "readwise-700000005"


def test_a_url_joins_the_document_of_that_url_and_nobodys_notes_join_nothing(library, tmp_path):
    def page(name: str, book_id: int, title: str, author: str | None, url: str | None) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [
            {"user_book_id": book_id, "title": title, "author": author, "category": "articles",
             "source_url": url, "highlights": [{"id": book_id * 10, "text": f"Text {book_id}."}]}]}),
            encoding="utf-8")
        return path

    canonical = tmp_path / "library.json"
    canonical.write_text(json.dumps({"schema_version": 1, "documents": [
        {"id": "plain", "title": "Essay", "author": "Ann", "highlights": []},
        {"id": "linked", "title": "Essay", "author": "Ann", "url": "https://a.example/essay",
         "highlights": []},
        {"id": "notes", "title": "Notes", "highlights": []}]}), encoding="utf-8")
    library(canonical)
    library(page("a.json", 1, "Essay", "Ann", "https://a.example/essay"), source="readwise-json")
    documents = library(page("b.json", 2, "Notes", None, None), source="readwise-json")
    assert [(d["id"], len(d["highlights"])) for d in documents] == [
        ("plain", 0), ("linked", 1), ("notes", 0), ("readwise-2", 1)]


def test_punctuation_alone_is_no_passage_of_another_highlight(library, tmp_path):
    library(clippings(tmp_path, (1445, FEAR)))
    documents = library(readwise_page(tmp_path, {**FEAR_RW, "text": "."}), source="readwise-json")
    assert sorted(h["text"] for h in documents[0]["highlights"]) == [".", FEAR]


def test_an_undated_readwise_note_fills_what_a_device_highlight_lacks_but_never_undoes_a_removal(
        library, tmp_path):
    note = tmp_path / "Readwise" / "Books" / f"{KING}.md"
    note.parent.mkdir(parents=True)
    note.write_text(f"# {KING}\n\n## Metadata\n- Author: [[Stephen King]]\n- Full Title: {KING}\n"
                    f"- Category: #books\n\n## Highlights\n- {FEAR} ([Location 1445](https://readwise.io/"
                    "to_kindle?action=open&asin=B000FC0SIM&location=1445))\n    - Note: from Readwise\n",
                    encoding="utf-8")
    library(clippings(tmp_path, (1445, FEAR)))
    assert texts(library(note)) == [(KING, [(FEAR, "from Readwise", False)])]
    # The note removed in Readwise later: the old Markdown note read again does not bring it back.
    removed = readwise_page(tmp_path, {**FEAR_RW, "updated_at": "2022-05-01T00:00:00Z"})
    library(removed, source="readwise-json")
    assert texts(library(note)) == [(KING, [(FEAR, None, False)])]


@pytest.mark.parametrize("readwise_first", [True, False], ids=["readwise-first", "clippings-first"])
def test_a_highlight_of_punctuation_alone_never_swallows_a_passage(library, tmp_path, readwise_first):
    kindle = clippings(tmp_path, (1445, FEAR))
    readwise = readwise_page(tmp_path, {**FEAR_RW, "text": "…"})
    for source in (readwise, kindle) if readwise_first else (kindle, readwise):
        documents = library(source, source="readwise-json" if source is readwise else None)
    assert sorted(h["text"] for h in documents[0]["highlights"]) == sorted(["…", FEAR])


def test_a_second_readwise_highlight_of_one_passage_never_takes_the_first_ones_copy(library, tmp_path):
    library(clippings(tmp_path, (1445, FEAR)))
    library(readwise_page(tmp_path, FEAR_RW), source="readwise-json")
    # An incremental pull bringing only a new Readwise highlight of the same passage.
    documents = library(readwise_page(tmp_path, {**FEAR_RW, "id": 700000007, "note": "again"}),
                        source="readwise-json")
    assert sorted((h["id"].startswith("readwise-"), h["note"]) for h in documents[0]["highlights"]) == [
        (False, None), (True, "again")]


def test_a_document_by_nobody_joins_only_the_one_of_its_url(library, tmp_path):
    canonical = tmp_path / "library.json"
    canonical.write_text(json.dumps({"schema_version": 1, "documents": [
        {"id": "notes", "title": "Notes", "highlights": []}]}), encoding="utf-8")
    library(canonical)
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [
        {"user_book_id": 3, "title": "Notes", "category": "articles", "source_url": "https://a.example/n",
         "highlights": [{"id": 30, "text": "Some words."}]}]}), encoding="utf-8")
    assert [d["id"] for d in library(page, source="readwise-json")] == ["notes", "readwise-3"]


def _book(ident: str, texts: list[str]) -> Document:
    return Document(id=ident, title=KING, author="Stephen King", highlights=[
        Highlight(id=f"{ident}-{at}", text=text, location=at * 10, location_type="location")
        for at, text in enumerate(texts)])


def _steps_to_match_a_book(aliased_elsewhere: int) -> int:
    """SQLite's steps to merge a Readwise book into a library holding its Kindle copy and
    ``aliased_elsewhere`` highlights of other books matched across sources."""
    texts = [f"Passage number {at} of the book." for at in range(20)]
    store = SQLiteStore(":memory:")
    store.merge([_book("dkindle", texts)], MergeRules(unify=True))
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    with store.transaction() as db:
        db.executemany("INSERT INTO aliases VALUES ('highlight', ?, ?)",
                       ((f"readwise-{at}", f"h{at}") for at in range(aliased_elsewhere)))
        db.set_progress_handler(count, 100)
    store.merge([_book("readwise-1", texts)], MergeRules(unify=True))
    assert store.counts() == {"documents": 1, "highlights": 20}
    store.close()
    return steps[0]


def test_matching_a_book_costs_no_more_in_a_library_with_many_highlights_matched_elsewhere():
    assert _steps_to_match_a_book(20_000) < 1.2 * _steps_to_match_a_book(0)
