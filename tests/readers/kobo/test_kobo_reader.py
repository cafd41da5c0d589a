"""The kobo reader on the corpus databases (read in place) and on databases made from the real
DDL: what each Bookmark and content field becomes, reading order, ids, rows left out."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

import pytest
from kobo_databases import (
    BOOK,
    COLOR_DB,
    NOCOLOR_DB,
    STORE_BOOK,
    book_rows,
    bookmark,
    insert,
    make_database,
    read,
)

from excerpta.model import LocationType
from excerpta.readers.kobo import document_key


def test_the_colour_corpus_database_gives_each_book_its_title_author_and_highlights_in_order():
    documents, state = read(COLOR_DB)
    assert state.problems == []
    assert [(d.title, d.author, [h.text for h in d.highlights]) for d in documents] == [
        ("Alice's Adventures in Wonderland", "Lewis Carroll", ["Why is a raven like a writing-desk?"]),
        ("Pride and Prejudice", "Jane Austen", [
            "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
            "must be in want of a wife.",
            "Mr. Bennet was among the earliest of those who waited on Mr. Bingley.",
            "Deleted on device but still in the table"]),
        ("Moby Dick; Or, The Whale", "Herman Melville", ["Call me Ishmael."]),
    ]
    assert {(d.category, d.source) for d in documents} == {("books", "kobo")}


def test_every_field_of_a_note_row_is_mapped():
    documents, _ = read(COLOR_DB)
    austen = next(d for d in documents if d.title == "Pride and Prejudice")
    assert austen.id == document_key(BOOK)
    assert austen.external_ids == {"kobo": BOOK}
    note = austen.highlights[1]
    assert note.model_dump(exclude_defaults=True) == {
        "id": "kobo-11111111-0000-0000-0000-000000000002",
        "text": "Mr. Bennet was among the earliest of those who waited on Mr. Bingley.",
        "note": 'Annotation with\nnewline & "quotes"',
        "location": 2, "location_type": LocationType.ORDER,
        "chapter": "Chapter 2",
        "color": "pink",
        "highlighted_at": datetime(2024, 11, 18, 17, 44, 17, 241000, tzinfo=UTC),
        "external_ids": {"kobo": "11111111-0000-0000-0000-000000000002"},
    }


def test_a_store_book_and_a_kepub_take_their_chapter_titles_from_content():
    documents, _ = read(COLOR_DB)
    chapters = {d.title: [h.chapter for h in d.highlights] for d in documents}
    assert chapters["Alice's Adventures in Wonderland"] == ["VII. A Mad Tea-Party"]
    assert chapters["Moby Dick; Or, The Whale"] == ["CHAPTER 1. Loomings."]
    alice = documents[0]
    assert alice.id == f"kobo-{STORE_BOOK}"
    assert alice.highlights[0].note == "Never answered."
    assert alice.highlights[0].updated_at == datetime(2022, 5, 6, 7, 9, tzinfo=UTC)


def test_colours_come_from_the_color_column_and_an_older_database_without_it_has_none():
    coloured, _ = read(COLOR_DB)
    plain, state = read(NOCOLOR_DB)
    assert [h.color for d in coloured for h in d.highlights] == ["green", "yellow", "pink", "yellow", "blue"]
    assert [h.color for d in plain for h in d.highlights] == [None] * 5
    assert state.problems == []
    # the same rows otherwise: same ids, texts and order
    assert ([(h.id, h.text) for d in plain for h in d.highlights]
            == [(h.id, h.text) for d in coloured for h in d.highlights])


def test_a_row_hidden_on_the_device_is_read_as_a_deleted_highlight():
    documents, _ = read(COLOR_DB)
    austen = next(d for d in documents if d.title == "Pride and Prejudice")
    assert [h.is_deleted for h in austen.highlights] == [False, False, True]


def test_dogears_and_markups_are_left_out_without_a_report(tmp_path, caplog):
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("a", "Kept."),
        bookmark("b", None, Type="dogear"),
        bookmark("c", "Drawn over.", Type="markup"),
        bookmark("d", None, Type=None),  # firmware before Type: a dogear is a row without text
        bookmark("e", None, Hidden="true"),  # deleted, and nothing a library could hold of it
    ])
    with caplog.at_level(logging.INFO, logger="excerpta.readers.kobo"):
        documents, state = read(path)
    assert [h.text for d in documents for h in d.highlights] == ["Kept."]
    assert state.problems == []
    assert "2 dogear(s), 1 empty deleted row(s), 1 markup(s)" in caplog.text


def test_text_loses_the_whitespace_around_a_selection_and_keeps_the_line_breaks_inside(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("a", "\n  First line.\nSecond line. \n", Annotation="  \n "),
    ])
    (highlight,) = read(path)[0][0].highlights
    assert highlight.text == "First line.\nSecond line."
    assert highlight.note is None  # blank: no note


def test_highlights_are_ordered_by_chapter_then_progress_then_date(tmp_path):
    chapter = f"{BOOK}#(1)OEBPS/chapter02.xhtml"
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("late-in-2", "C", content=chapter, ChapterProgress=0.9),
        bookmark("second-at-same-place", "B2", content=chapter, ChapterProgress=0.1,
                 DateCreated="2024-11-19T10:00:00Z"),
        bookmark("first-at-same-place", "B1", content=chapter, ChapterProgress=0.1,
                 DateCreated="2024-11-19T09:00:00.000"),
        bookmark("in-1", "A", ChapterProgress=0.99),
    ])
    (document,) = read(path)[0]
    assert [(h.text, h.location, h.chapter) for h in document.highlights] == [
        ("A", 1, "Chapter 1"), ("B1", 2, "Chapter 2"), ("B2", 3, "Chapter 2"), ("C", 4, "Chapter 2")]


def test_ids_stay_the_same_on_every_read_and_when_a_highlight_is_added_before_them(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("aaaa", "Second.", ChapterProgress=0.5), bookmark("bbbb", "Third.", ChapterProgress=0.7)])
    first, _ = read(path)
    assert read(path)[0] == first
    connection = sqlite3.connect(path)
    insert(connection, "Bookmark", [bookmark("cccc", "First.", ChapterProgress=0.1)])
    connection.commit()
    connection.close()
    (later,) = read(path)[0]
    assert later.id == first[0].id
    assert [(h.id, h.location) for h in later.highlights] == [
        ("kobo-cccc", 1), ("kobo-aaaa", 2), ("kobo-bbbb", 3)]


def test_dates_with_or_without_z_and_milliseconds_are_utc(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("a", "1", DateCreated="2024-11-18T17:43:44.000", ChapterProgress=0.1),
        bookmark("b", "2", DateCreated="2024-11-18T17:44:17.241", ChapterProgress=0.2),
        bookmark("c", "3", DateCreated="2023-01-02T08:09:10Z", ChapterProgress=0.3,
                 DateModified="2023-01-03T08:09:10.5Z"),
        bookmark("d", "4", DateCreated=None, ChapterProgress=0.4, DateModified="0000-00-00T00:00:00.000"),
    ])
    highlights = read(path)[0][0].highlights
    assert [(h.highlighted_at, h.updated_at) for h in highlights] == [
        (datetime(2024, 11, 18, 17, 43, 44, tzinfo=UTC), None),
        (datetime(2024, 11, 18, 17, 44, 17, 241000, tzinfo=UTC), None),
        (datetime(2023, 1, 2, 8, 9, 10, tzinfo=UTC), datetime(2023, 1, 3, 8, 9, 10, 500000, tzinfo=UTC)),
        (None, None)]


def test_a_date_that_does_not_parse_is_reported_and_its_highlight_kept_without_it(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", [bookmark("a", "Kept.", DateCreated="yesterday")])
    (document,), state = read(path)
    (highlight,) = document.highlights
    assert highlight.text == "Kept."
    assert highlight.highlighted_at is None
    assert state.left_out == {"kobo-a": frozenset({"highlighted_at"})}
    assert [(p.where, p.kept) for p in state.problems] == [("Bookmark a", True)]
    assert "DateCreated 'yesterday' is not a date" in state.problems[0].reason


@pytest.mark.parametrize(("index", "name"), [(0, "yellow"), (1, "pink"), (2, "blue"), (3, "green"),
                                             (7, "7"), (None, None)])
def test_a_colour_index_is_named_and_one_unknown_kept_as_its_number(tmp_path, index, name):
    path = make_database(tmp_path / "KoboReader.sqlite", [bookmark("a", "Text.", Color=index)])
    assert read(path)[0][0].highlights[0].color == name


def test_a_chapter_is_found_by_the_longest_section_id_its_id_starts_with_or_a_kepub_toc_entry(tmp_path):
    kepub = "file:///mnt/onboard/Moby.kepub.epub"
    content = [
        *book_rows(),
        *book_rows(kepub, "Moby Dick", "Herman Melville", chapters=[
            ("!OEBPS!ch002.xhtml-1", "CHAPTER 2. The Carpet-Bag.", 3),
            ("!OEBPS!ch002.xhtml-2", "CHAPTER 3. The Spouter-Inn.", 4)]),
    ]
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("a", "Heading.", content=f"{BOOK}#(1)OEBPS/chapter02.xhtml#heading_id_18"),
        bookmark("b", "Bag.", volume=kepub, content=f"{kepub}!OEBPS!ch002.xhtml"),
        bookmark("c", "Nowhere.", volume=kepub, content=f"{kepub}!OEBPS!ch099.xhtml", ChapterProgress=0.5),
    ], content)
    documents, state = read(path)
    assert [[h.chapter for h in d.highlights] for d in documents] == [
        ["Chapter 2"], ["CHAPTER 2. The Carpet-Bag.", None]]
    assert state.problems == []


def test_a_book_no_longer_in_content_is_titled_by_its_file_name_and_warned_about(tmp_path, caplog):
    gone = "file:///mnt/onboard/Thoreau/Walden%20-%20Thoreau.kepub.epub"
    path = make_database(tmp_path / "KoboReader.sqlite", [bookmark("a", "Simplify.", volume=gone)])
    (document,), state = read(path)
    assert (document.title, document.author) == ("Walden - Thoreau", None)
    assert document.highlights[0].chapter is None
    assert state.problems == []
    assert "has no row in the content table" in caplog.text


def test_an_isbn_is_kept_beside_the_books_kobo_id(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", [bookmark("a")],
                         book_rows(ISBN="9780141439518"))
    assert read(path)[0][0].external_ids == {"kobo": BOOK, "isbn": "9780141439518"}


def test_bad_rows_are_reported_and_the_others_kept(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("good", "Good.", ChapterProgress=0.1),
        bookmark("empty", None, Annotation=None, Type="highlight"),
        bookmark("", "No id."),
        bookmark("odd-type", "Odd.", Type="sticker", ChapterProgress=0.2),
        bookmark("progress", "Placed by date.", ChapterProgress="half"),
        bookmark("bytes", b"caf\xe9", ChapterProgress=0.3),
        bookmark("lone-note", "", Annotation="Only a note.", Type="note", ChapterProgress=0.4),
    ])
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["Good.", "Odd.", "caf\ufffd", "", "Placed by date."]
    assert document.highlights[3].note == "Only a note."
    reports = [(p.where, p.kept, p.reason) for p in state.problems]
    assert reports == [
        ("Bookmark empty", False, "skipped: a highlight without text or annotation"),
        ("Bookmark rowid 3", False, "skipped: no BookmarkID"),
        ("Bookmark odd-type", True, "Type 'sticker' is not one excerpta knows (highlight, note): "
                                    "read as a highlight"),
        ("Bookmark progress", True, "ChapterProgress 'half' is not a number: placed after the other "
                                    "highlights of its chapter"),
        ("Bookmark bytes", True, "Text is not valid UTF-8: read with U+FFFD for the bad bytes"),
    ]


@pytest.mark.parametrize("progress", ["nan", "inf", "-inf"])
def test_a_progress_that_is_no_finite_number_is_reported_and_placed_after_the_others(tmp_path, progress):
    # nan compared with nothing: its highlight sat between others of its chapter (review 5).
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("late", "At 0.9.", ChapterProgress=0.9),
        bookmark("odd", "Nowhere.", ChapterProgress=progress),
        bookmark("early", "At 0.1.", ChapterProgress=0.1)])
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["At 0.1.", "At 0.9.", "Nowhere."]
    assert [(p.where, p.kept) for p in state.problems] == [("Bookmark odd", True)]


def test_a_bookmark_without_a_content_id_is_in_no_chapter(tmp_path):
    # Every section's id starts with "": it was put in the book's first chapter (review 4).
    path = make_database(tmp_path / "KoboReader.sqlite", [
        bookmark("in-1", "In chapter one.", ChapterProgress=0.5), bookmark("none", "Nowhere.", ContentID="")])
    (document,), _ = read(path)
    assert [(h.text, h.chapter) for h in document.highlights] == [
        ("In chapter one.", "Chapter 1"), ("Nowhere.", None)]


def test_a_row_without_a_volume_id_is_reported(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite",
                         [bookmark("a", "Kept."), bookmark("b", "Lost.", volume="")])
    documents, state = read(path)
    assert [h.text for d in documents for h in d.highlights] == ["Kept."]
    assert [(p.where, p.reason) for p in state.problems] == [
        ("Bookmark b", "skipped: no VolumeID (the book it is in)")]


def test_the_user_table_is_never_read(tmp_path, monkeypatch):
    path = make_database(tmp_path / "KoboReader.sqlite", [bookmark("a")], extra=[
        "CREATE TABLE user (UserID TEXT, UserKey TEXT, UserEmail TEXT, AccessToken TEXT)",
        "INSERT INTO user VALUES ('u1', 'k1', 'reader@example.org', 'SECRET-TOKEN')"])
    tables: set[str] = set()
    real_connect = sqlite3.connect

    def watched(*args, **kwargs):
        connection = real_connect(*args, **kwargs)

        def authorize(action, table, *_):
            if action == sqlite3.SQLITE_READ and table:
                tables.add(table.casefold())
            return sqlite3.SQLITE_OK

        connection.set_authorizer(authorize)
        return connection

    monkeypatch.setattr("excerpta.readers.kobo.database.sqlite3.connect", watched)
    documents, _ = read(path)
    assert documents
    assert tables
    assert "user" not in tables
    assert "SECRET-TOKEN" not in repr(documents)
