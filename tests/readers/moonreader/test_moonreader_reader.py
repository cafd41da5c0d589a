"""What a Moon+ Reader backup's notes rows become: fields, order, notes, bookmarks, colours,
titles, dates and ids, each value reasoned from the schema Moon+ writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from moonreader_backups import BLUE, BOOK_FILE, ORANGE, YELLOW, backup_of, book, note

from excerpta.adapters import ReadState
from excerpta.identity import highlight_id
from excerpta.readers.moonreader import MoonReaderOptions, MoonReaderReader
from excerpta.readers.moonreader.colours import colour_name


def read(path, *, bookmarks=False):
    state = ReadState()
    reader = MoonReaderReader(MoonReaderOptions(moonreader_bookmarks=bookmarks))
    return list(reader.read(str(path), state)), state


def test_every_field_of_a_highlight_row_and_its_book_is_mapped(tmp_path):
    path = backup_of(tmp_path, [note(note="Simplify.", highlightColor=BLUE, time=1709294400123)], [book()])
    (document,), state = read(path)
    assert state.problems == []
    assert document.title == "Walden"
    assert document.author == "Henry David Thoreau"
    assert document.source == "moonreader"
    assert document.category == "books"
    assert document.external_ids == {"moonreader": BOOK_FILE}
    (highlight,) = document.highlights
    assert highlight.text == "I went to the woods"
    assert highlight.note == "Simplify."
    assert highlight.color == "blue"
    assert highlight.highlighted_at == datetime(2024, 3, 1, 12, 0, 0, 123000, tzinfo=UTC)
    assert highlight.location == 1
    assert highlight.location_type == "order"
    assert highlight.chapter is None  # the database holds the chapter's index, not its title
    assert highlight.id == highlight_id(document.id, "I went to the woods", "3.0.120")


def test_highlights_are_in_reading_order_chapter_then_part_then_offset(tmp_path):
    rows = [note(original="c", lastChapter=2, lastSplitIndex=1, lastPosition=5),
            note(original="a", lastChapter=1, lastSplitIndex=0, lastPosition=900),
            note(original="b", lastChapter=2, lastSplitIndex=0, lastPosition=7000),
            note(original="d", lastChapter=10, lastSplitIndex=0, lastPosition=0)]
    (document,), _ = read(backup_of(tmp_path, rows))
    assert [h.text for h in document.highlights] == ["a", "b", "c", "d"]  # 10 after 2: numbers, not text
    assert [h.location for h in document.highlights] == [1, 2, 3, 4]


def test_a_pdf_is_ordered_by_its_position_first_as_moon_orders_it(tmp_path):
    pdf = "/sdcard/Download/paper.pdf"
    rows = [note(filename=pdf, book="Paper", original="late", lastChapter=0, lastPosition=9),
            note(filename=pdf, book="Paper", original="early", lastChapter=5, lastPosition=2)]
    (document,), _ = read(backup_of(tmp_path, rows))
    assert [h.text for h in document.highlights] == ["early", "late"]


def test_bookmarks_are_left_out_unless_asked_for_then_kept_empty_with_their_name(tmp_path):
    rows = [note(), note(book="Walden.epub", original="", highlightLength=0, bookmark="Economy",
                         lastChapter=1, lastPosition=0)]
    path = backup_of(tmp_path, rows)
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["I went to the woods"]
    assert state.problems == []  # a bookmark is what the phone holds, not a bad record
    (document,), state = read(path, bookmarks=True)
    mark, highlight = document.highlights
    assert (mark.text, mark.note, mark.color) == ("", "Economy", None)
    assert highlight.text == "I went to the woods"
    assert document.title == "Walden"  # a bookmark row's book is its file name: not the title


def test_a_row_without_text_or_note_is_reported_by_file_and_record_and_the_others_read(tmp_path):
    path = backup_of(tmp_path, [note(original="Kept."), note(original="  ", note=None)])
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["Kept."]
    assert [str(p) for p in state.problems] == [
        f"{path}: notes _id 2: skipped: no highlighted text and no note"]


def test_a_note_without_highlighted_text_is_kept_as_a_lone_note(tmp_path):
    (document,), _ = read(backup_of(tmp_path, [note(original="", note="A thought")]))
    assert [(h.text, h.note) for h in document.highlights] == [("", "A thought")]


def test_a_bad_time_or_position_is_reported_and_the_highlight_kept(tmp_path):
    rows = [note(original="dated", lastPosition=1),
            note(original="undated", time="yesterday", lastPosition=2),
            note(original="nowhere", lastPosition="x1")]
    path = backup_of(tmp_path, rows)
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["dated", "undated", "nowhere"]  # unknown last
    assert document.highlights[1].highlighted_at is None
    assert state.left_out == {document.highlights[1].id: frozenset({"highlighted_at"})}
    assert [str(p) for p in state.problems] == [
        f"{path}: notes _id 2: time 'yesterday' is not a date (milliseconds since 1970): read without it",
        f"{path}: notes _id 3: lastPosition 'x1' is not a whole number: placed after the others"]
    assert all(p.kept for p in state.problems)


def test_a_time_of_zero_is_no_date_and_no_problem(tmp_path):
    (document,), state = read(backup_of(tmp_path, [note(time=0)]))
    assert document.highlights[0].highlighted_at is None
    assert state.problems == []


@pytest.mark.parametrize(("argb", "name"), [
    (YELLOW, "yellow"),  # 0xFFFFFF00, other tools' fixtures
    (BLUE, "blue"),  # Moon+'s first default, 0x7700AAFF: alpha ignored
    (ORANGE, "orange"),  # 0xFFFF9200
    (-3368512, "pink"),  # 0xFFCC99C0
    (-6706569, "green"),  # 0xFF99AA77
    (0xFFFF0000, "red"),
    (-65536, "red"),  # the same as a signed int
    (0xFF8000FF, "purple"),
    (0xFF808080, "#808080"),  # grey: no hue to name
    (0xFF101010, "#101010"),  # nearly black
])
def test_argb_colours_are_named_by_their_hue(argb, name):
    assert colour_name(argb) == name


def test_the_title_is_the_shelfs_then_the_rows_then_the_file_name_and_a_sort_tag_is_dropped(tmp_path):
    rows = [note(filename="/a/Listed.epub", book="Old title"),
            note(filename="/a/Unlisted.epub", book="Row title"),
            note(filename="/a/Nameless Book.epub", book=""),
            note(filename="/a/Sorted.epub", book="x")]
    books = [book(filename="/a/Listed.epub", book="Edited title", author="A. Author"),
             book(filename="/a/Sorted.epub", book="001#@#Sorted Title", author="")]
    documents, _ = read(backup_of(tmp_path, rows, books))
    by_title = {d.title: d.author for d in documents}
    assert by_title == {"Edited title": "A. Author", "Row title": None, "Nameless Book": None,
                        "Sorted Title": None}


def test_twins_of_one_passage_give_one_highlight_and_the_one_with_the_note_wins(tmp_path):
    (document,), _ = read(backup_of(tmp_path, [note(), note(note="Mine."), note()]))
    assert [(h.text, h.note) for h in document.highlights] == [("I went to the woods", "Mine.")]


def test_bad_utf8_in_a_row_is_reported_and_read_with_replacement_characters(tmp_path):
    path = backup_of(tmp_path, [note(original=b"caf\xe9 au lait")])
    (document,), state = read(path)
    assert document.highlights[0].text == "caf\ufffd au lait"
    assert [str(p) for p in state.problems] == [
        f"{path}: notes _id 1: original is not valid UTF-8: read with U+FFFD for the bad bytes"]


def test_ids_stay_when_a_later_backup_adds_highlights_and_moon_renumbers_and_retimes_rows(tmp_path):
    early = [note(original="first", lastPosition=100), note(original="second", lastPosition=200)]
    (first,), _ = read(backup_of(tmp_path, early, name="early.mrpro"))
    # Later: a highlight before both, and the book's rows re-saved (new _id, new time).
    later = [note(original="zeroth", lastPosition=10, time=1720000000000),
             note(original="second", lastPosition=200, time=1720000000001, note="now with a note"),
             note(original="first", lastPosition=100, time=1720000000002)]
    (second,), _ = read(backup_of(tmp_path, later, name="later.mrpro"))
    assert second.id == first.id
    ids = {h.text: h.id for h in second.highlights}
    assert {h.text: h.id for h in first.highlights} == {"first": ids["first"], "second": ids["second"]}
    assert len(set(ids.values())) == 3


def test_a_book_moved_to_another_folder_keeps_its_id(tmp_path):
    (here,), _ = read(backup_of(tmp_path, [note(filename="/sdcard/Books/Walden.epub")], name="a.mrpro"))
    (there,), _ = read(backup_of(tmp_path, [note(filename="/storage/emulated/0/Moon/WALDEN.epub")],
                                 name="b.mrpro"))
    assert here.id == there.id
    assert here.highlights[0].id == there.highlights[0].id


def test_books_are_told_apart_by_their_file_and_rows_without_one_by_their_title(tmp_path):
    rows = [note(filename="/a/one.epub", book="Same"), note(filename="/a/two.epub", book="Same"),
            note(filename="", book="Loose"), note(filename=None, book="Loose", original="other")]
    documents, _ = read(backup_of(tmp_path, rows))
    assert sorted(len(d.highlights) for d in documents if d.title == "Same") == [1, 1]
    loose = {h.text for d in documents if d.title == "Loose" for h in d.highlights}
    assert loose == {"I went to the woods", "other"}
    assert len({d.id for d in documents if d.title == "Loose"}) == 1


def test_a_row_with_neither_file_nor_title_is_reported(tmp_path):
    path = backup_of(tmp_path, [note(), note(filename="", book="", original="orphan")])
    documents, state = read(path)
    assert [h.text for d in documents for h in d.highlights] == ["I went to the woods"]
    assert [str(p) for p in state.problems] == [
        f"{path}: notes _id 2: skipped: no book title and no file name"]


def test_a_passage_saved_twice_with_two_notes_keeps_both_once_each_in_the_order_written(tmp_path):
    rows = [note(note="second thought", time=1709294400002), note(note="first thought", time=1709294400001),
            note(note="first thought", time=1709294400003), note(time=1709294400000)]
    (document,), state = read(backup_of(tmp_path, rows))
    (highlight,) = document.highlights
    assert highlight.note == "first thought\n\nsecond thought"
    assert highlight.highlighted_at == datetime(2024, 3, 1, 12, 0, 0, 1000, tzinfo=UTC)  # the first noted
    assert state.problems == []  # a merge loses nothing


def test_two_books_whose_files_share_a_name_are_two_documents_and_a_unique_name_keeps_its_id(tmp_path):
    rows = [note(book="Book A", filename="/sdcard/Download/book.epub", original="passage of A"),
            note(book="Book B", filename="/sdcard/Books/Other/BOOK.epub", original="passage of B"),
            note()]
    documents, state = read(backup_of(tmp_path, rows, name="both.mrpro"))
    assert state.problems == []
    by_title = {d.title: d for d in documents}
    assert {t: [h.text for h in d.highlights] for t, d in by_title.items()} == {
        "Book A": ["passage of A"], "Book B": ["passage of B"], "Walden": ["I went to the woods"]}
    assert len({d.id for d in documents}) == 3
    (alone,), _ = read(backup_of(tmp_path, [note(filename="/elsewhere/Walden.epub")], name="alone.mrpro"))
    assert by_title["Walden"].id == alone.id  # its name is still unique: the id a move keeps


def test_files_the_id_cannot_tell_apart_are_one_book_and_reported_naming_both(tmp_path):
    # "ß" and "ss" fold alike (identity.normalize_text), though lower() keeps them apart.
    rows = [note(filename="/a/Straße.epub", original="one"), note(filename="/a/STRASSE.epub", original="two")]
    path = backup_of(tmp_path, rows)
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["one", "two"]
    (problem,) = state.problems
    assert "'/a/Straße.epub' and '/a/STRASSE.epub' cannot be told apart" in str(problem)
    assert problem.kept


def test_a_row_with_a_bookmark_name_and_a_passage_or_a_note_is_a_highlight(tmp_path):
    rows = [note(original="Highlighted text", note="My note", bookmark="Chapter 1", lastPosition=5),
            note(original="", highlightLength=0, note="A thought", bookmark="Chapter 2", lastPosition=7),
            note(original="page text", highlightLength=0, bookmark="(4.4%) Economy", lastPosition=9),
            note(original="null bookmark", bookmark="null", lastPosition=11)]
    (document,), state = read(backup_of(tmp_path, rows))
    assert [(h.text, h.note) for h in document.highlights] == [
        ("Highlighted text", "My note"), ("", "A thought"), ("null bookmark", None)]
    assert state.problems == []  # the third is a bookmark: a passage of no length, no note


def test_a_backup_whose_every_row_is_left_out_says_so_without_verbose(tmp_path, caplog):
    rows = [note(original="", highlightLength=0, bookmark="Economy")]
    documents, _ = read(backup_of(tmp_path, rows))
    assert documents == []
    (record,) = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "every row read was left out (1 bookmark(s)); --moonreader-bookmarks keeps" in record.getMessage()


@pytest.mark.parametrize("rows", [
    # SQLite's lower() folds ASCII only: "Ü" and "ü" sorted apart, another book between them
    [note(book="Über", filename="/sdcard/Über.epub", lastChapter=1, original="one"),
     note(book="Other", filename="/sdcard/Üother.epub", original="other book"),
     note(book="Über", filename="/sdcard/über.epub", lastChapter=2, original="two")],
    # NULL and '' file names sort apart, and titles in binary order (Foo < Goo < foo)
    [note(book="Foo", filename=None, lastChapter=1, original="one"),
     note(book="Goo", filename="", original="other book"),
     note(book="foo", filename="", lastChapter=2, original="two")],
])
def test_the_rows_of_one_book_are_one_document_however_sqlite_would_sort_them(tmp_path, rows):
    documents, _ = read(backup_of(tmp_path, rows))
    assert len(documents) == len({d.id for d in documents}) == 2
    (book_of_two,) = [d for d in documents if len(d.highlights) == 2]
    assert [(h.text, h.location) for h in book_of_two.highlights] == [("one", 1), ("two", 2)]
