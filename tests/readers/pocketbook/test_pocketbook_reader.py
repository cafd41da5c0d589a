"""The ``pocketbook`` reader's mapping of a ``books.db``: books, notes in reading order, pages,
colours, dates and ids (the same as the export's); what it leaves out, and items it cannot read
reported and skipped, the others kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pocketbook_databases import (
    CREATED,
    TAG_NAMES,
    WALDEN_IDS,
    book,
    example_database,
    make_database,
    note,
    read_database,
)
from pocketbook_exports import read_export

from excerpta.identity import document_id, highlight_id
from excerpta.model import LocationType

from paths import EXAMPLES

WALDEN = "Walden; or, Life in the Woods"
MASS = "The mass of men lead lives of quiet desperation."
SIMPLIFY = "Our life is frittered away by detail. Simplify, simplify."


def test_the_example_database_gives_each_book_with_its_title_and_author():
    documents, state = read_database(EXAMPLES / "pocketbook_books.db")
    assert [(d.title, d.author, d.source, d.category) for d in documents] == [
        (WALDEN, "Henry David Thoreau", "pocketbook", "books"),
        ("Pride and Prejudice", "Jane Austen", "pocketbook", "books")]
    assert state.problems == []


def test_the_example_database_gives_each_note_with_its_page_colour_note_dates_and_uuid():
    (walden, _), _ = read_database(EXAMPLES / "pocketbook_books.db")
    assert [(h.text[:26], h.location, h.location_type, h.color, h.note) for h in walden.highlights] == [
        (MASS[:26], 14, LocationType.PAGE, "yellow", None),
        ("I went to the woods becaus", 96, LocationType.PAGE, "cyan", "The reason for the whole experiment."),
        (SIMPLIFY[:26], 98, LocationType.PAGE, "green", "Compare Seneca, Letters 2."),
    ]  # the bookmark (page 97) and the note deleted on the device (page 141) left out
    assert walden.highlights[1].text.split("\n") == [  # U+2029 ends a paragraph
        "I went to the woods because I wished to live deliberately, to front only the essential facts of "
        "life,",
        "and see if I could not learn what it had to teach, and not, when I came to die, discover that I had "
        "not lived."]
    assert [h.highlighted_at for h in walden.highlights] == [
        datetime(2024, 5, 1, 20, 14, 5, tzinfo=UTC), datetime(2024, 5, 1, 21, 46, 40, tzinfo=UTC),
        datetime(2024, 5, 1, 22, 20, tzinfo=UTC)]
    typed = datetime(2024, 5, 3, 1, 33, 20, tzinfo=UTC)  # the note's TimeEdt
    assert [h.updated_at for h in walden.highlights] == [None, typed, None]
    assert [h.external_ids["pocketbook"] for h in walden.highlights] == [
        WALDEN_IDS["mass"], WALDEN_IDS["woods"], WALDEN_IDS["simplify"]]


def test_the_example_database_is_the_one_its_recipe_makes(tmp_path):
    made = example_database(tmp_path / "books.db")
    assert read_database(made) == read_database(EXAMPLES / "pocketbook_books.db")


def test_a_note_read_from_the_database_and_from_the_export_is_one_highlight():
    (walden, _), _ = read_database(EXAMPLES / "pocketbook_books.db")
    (exported,), _ = read_export(EXAMPLES / "pocketbook_notes.html")
    assert exported.id == walden.id == document_id(WALDEN, "Henry David Thoreau")
    assert [h.id for h in exported.highlights] == [h.id for h in walden.highlights]
    assert [(h.text, h.note, h.location, h.color, h.external_ids) for h in exported.highlights] == [
        (h.text, h.note, h.location, h.color, h.external_ids) for h in walden.highlights]
    assert walden.highlights[0].id == highlight_id(walden.id, MASS, 14)


def test_notes_are_in_reading_order_page_then_offset_whatever_the_order_they_were_made(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, "Third", page=9, offset=5), note(3, "Second", page=8, offset=900),
        note(4, "First", page=8, offset=12), note(5, "Fourth", page=9, offset=600)])
    (document,), _ = read_database(path)
    assert [h.text for h in document.highlights] == ["First", "Second", "Third", "Fourth"]


def test_bookmarks_are_left_out_unless_asked_for(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, MASS), note(3, "Bookmark", kind="bookmark", page=30, colour=None)])
    (document,), _ = read_database(path)
    assert [h.text for h in document.highlights] == [MASS]
    (document,), _ = read_database(path, bookmarks=True)
    assert [(h.text, h.note, h.location) for h in document.highlights] == [(MASS, None, 14), ("", None, 30)]


def test_a_bookmark_with_a_note_is_kept_as_a_lone_note(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, "Bookmark", kind="bookmark", page=30, note_text="Come back here.")])
    (document,), _ = read_database(path)
    assert [(h.text, h.note, h.location) for h in document.highlights] == [("", "Come back here.", 30)]


def test_notes_the_device_deleted_drawings_and_snapshots_are_left_out(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, MASS), note(3, "Deleted.", state=2), note(4, "", kind="draws", tags={"bm.draws": "<svg/>"}),
        note(5, "Snapshot", tags={"bm.image": b"\x89PNG"})])
    (document,), state = read_database(path)
    assert [h.text for h in document.highlights] == [MASS]
    assert state.problems == []
    assert not any(h.is_deleted for h in document.highlights)


def test_a_database_of_only_left_out_notes_gives_nothing_and_says_why(tmp_path, caplog):
    path = make_database(tmp_path / "books.db", notes=[note(2, "Bookmark", kind="bookmark", colour=None)])
    documents, _ = read_database(path)
    assert documents == []
    assert "left out 1 bookmark(s); --pocketbook-bookmarks keeps bookmarks" in caplog.text


def test_a_passage_whose_json_cannot_be_read_is_reported_and_skipped_and_the_others_kept(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, MASS), note(3, tags={"bm.quotation": '{"text": "cut sh'}), note(4, SIMPLIFY, page=20)])
    (document,), state = read_database(path)
    assert [h.text for h in document.highlights] == [MASS, SIMPLIFY]
    assert [(p.where, p.kept) for p in state.problems] == [("Items OID 3", False)]
    assert state.problems[0].reason.startswith("skipped: bm.quotation is not the JSON PocketBook writes")
    assert str(state.problems[0]).startswith(f"{path}: Items OID 3: skipped: ")


def test_a_note_whose_json_cannot_be_read_is_reported_and_its_highlight_read_without_it(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS, tags={"bm.note": "[1, 2]"})])
    (document,), state = read_database(path)
    (highlight,) = document.highlights
    assert (highlight.text, highlight.note) == (MASS, None)
    assert [(p.reason, p.kept) for p in state.problems] == [
        ("bm.note is not the JSON object PocketBook writes: read without its note", True)]
    assert state.left_out[highlight.id] == {"note"}


def test_an_item_without_passage_or_note_is_reported_and_skipped(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, "  "), note(3, MASS)])
    (document,), state = read_database(path)
    assert [h.text for h in document.highlights] == [MASS]
    assert [str(p) for p in state.problems] == [
        f"{path}: Items OID 2: skipped: a highlight without passage or note"]


def test_a_note_edited_in_the_notes_app_without_its_positions_takes_its_page_from_the_anchor(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, tags={"bm.quotation": '{"text": "The mass of men."}'}, page=33)])
    (document,), state = read_database(path)
    assert document.highlights[0].location == 33
    assert state.problems == []


def test_a_note_with_no_page_anywhere_is_read_without_one_and_reported(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, tags={"bm.quotation": '{"text": "No place."}', "bm.book_mark": None})])
    (document,), state = read_database(path)
    assert [(h.text, h.location, h.location_type) for h in document.highlights] == [
        ("No place.", None, None)]
    assert [(p.reason, p.kept) for p in state.problems] == [
        ("no page in its position: read without one", True)]


def test_a_passage_over_two_pages_gives_its_last_page(tmp_path):
    quotation = ('{"begin": "pbr:/word?page=10&offs=900", "end": "pbr:/word?page=11&over=40", '
                 '"text": "Across the page."}')
    path = make_database(tmp_path / "books.db", notes=[note(2, tags={"bm.quotation": quotation})])
    (document,), _ = read_database(path)
    assert (document.highlights[0].location, document.highlights[0].end_location) == (10, 11)


def test_a_pdf_position_gives_its_page(tmp_path):
    quotation = ('{"begin": "pbr:/word?page=20&offs=1171##pdfloc(b128,20)", '
                 '"end": "pbr:/word?page=20&over=1269##pdfloc(b128,20)", '
                 '"text": "the solution will be posted"}')
    path = make_database(tmp_path / "books.db", notes=[note(2, tags={"bm.quotation": quotation})])
    (document,), _ = read_database(path)
    assert document.highlights[0].location == 20


@pytest.mark.parametrize(("created", "expected"), [
    (1714594445, datetime(2024, 5, 1, 20, 14, 5, tzinfo=UTC)),
    ("2019-10-07T16:16:01Z", datetime(2019, 10, 7, 16, 16, 1, tzinfo=UTC)),
    (1714594445.5, datetime(2024, 5, 1, 20, 14, 5, 500000, tzinfo=UTC)),
])
def test_a_creation_time_is_read_in_utc(tmp_path, created, expected):
    anchor = '{"anchor": "pbr:/word?page=14&offs=120", "created": ' + (
        f'"{created}"' if isinstance(created, str) else str(created)) + "}"
    path = make_database(tmp_path / "books.db", notes=[note(2, tags={"bm.book_mark": anchor})])
    (document,), _ = read_database(path)
    assert document.highlights[0].highlighted_at == expected


def test_a_date_out_of_range_is_reported_and_the_highlight_read_without_it(tmp_path):
    anchor = '{"anchor": "pbr:/word?page=14&offs=120", "created": 99999999999999}'
    path = make_database(tmp_path / "books.db", notes=[note(2, tags={"bm.book_mark": anchor}, created=0)])
    (document,), state = read_database(path)
    assert document.highlights[0].highlighted_at is None
    assert [(p.reason, p.kept) for p in state.problems] == [
        ("bm.book_mark created 99999999999999.0 is no date: read without it", True)]


def test_a_title_and_authors_only_in_the_book_s_tags_are_read(tmp_path):
    path = make_database(tmp_path / "books.db", [book(1, tags={
        "doc.book-title": "Meditations", "doc.authors": '{"name": "Marcus Aurelius"}'}, row=False)],
        [note(2, "Waste no more time arguing about what a good man should be. Be one.")])
    (document,), _ = read_database(path)
    assert (document.title, document.author) == ("Meditations", "Marcus Aurelius")


def test_a_book_without_a_title_anywhere_has_its_notes_reported(tmp_path):
    books = [book(1, None, None), book(5, "Persuasion", "Jane Austen")]
    notes = [note(2, MASS), note(3, SIMPLIFY), note(6, "She had been forced into prudence.", parent=5)]
    path = make_database(tmp_path / "books.db", books, notes)
    (document,), state = read_database(path)
    assert document.title == "Persuasion"
    assert [str(p) for p in state.problems] == [
        f"{path}: Books OID 1: skipped: a book without a title (its 2 note(s) are left out)"]


def test_an_item_whose_book_is_not_in_the_database_is_reported(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS), note(3, SIMPLIFY, parent=99)])
    (document,), state = read_database(path)
    assert [h.text for h in document.highlights] == [MASS]
    assert [(p.where, p.reason) for p in state.problems] == [
        ("Items OID 3", "skipped: the book it is in is not in the database (ParentID)")]


def test_an_item_under_another_note_s_item_belongs_to_that_note_s_book(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS), note(3, SIMPLIFY, parent=2, page=20)])
    (document,), _ = read_database(path)
    assert [h.text for h in document.highlights] == [MASS, SIMPLIFY]


def test_tags_are_found_by_their_names_whatever_their_numbers(tmp_path):
    renumbered = {number + 1000: name for number, name in TAG_NAMES.items()}
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS, note_text="Yes.")], tag_names=renumbered)
    (document,), _ = read_database(path)
    assert [(h.text, h.note, h.color) for h in document.highlights] == [(MASS, "Yes.", "yellow")]


def test_without_their_names_the_tags_are_read_by_the_numbers_the_firmware_gives_them(tmp_path):
    only_books = {number: name for number, name in TAG_NAMES.items() if not name.startswith("bm.")}
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS, note_text="Yes.")], tag_names=only_books)
    (document,), _ = read_database(path)
    assert [(h.text, h.note, h.location) for h in document.highlights] == [(MASS, "Yes.", 14)]


def test_an_unknown_note_type_with_a_passage_is_read_as_a_highlight_and_reported(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS, kind="quote")])
    (document,), state = read_database(path)
    assert [h.text for h in document.highlights] == [MASS]
    assert [(p.reason, p.kept) for p in state.problems] == [
        ("bm.type 'quote' is not one excerpta knows (highlight, note, bookmark): read as a highlight", True)]


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters_and_reported(tmp_path):
    quotation = b'{"begin": "pbr:/word?page=3&offs=1", "text": "Caf\xe9 society"}'
    path = make_database(tmp_path / "books.db", notes=[note(2, tags={"bm.quotation": quotation})])
    (document,), state = read_database(path)
    assert document.highlights[0].text == "Caf\ufffd society"
    assert [(p.reason, p.kept) for p in state.problems] == [
        ("bm.quotation is not valid UTF-8: read with U+FFFD for the bad bytes", True)]


def test_nul_bytes_in_a_passage_are_a_lost_page_reported_and_the_read_cut_short(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, "Half\x00\x00\x00"), note(3, MASS)])
    (document,), state = read_database(path)
    assert [h.text for h in document.highlights] == [MASS]
    assert state.cut_short
    assert "NUL bytes" in state.problems[0].reason


def test_one_passage_marked_twice_is_one_highlight_with_both_notes_and_the_first_date(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[
        note(2, MASS, note_text="First thought.", created=CREATED + 60),
        note(3, MASS, note_text="Second thought.", created=CREATED, uuid="B")])
    (document,), _ = read_database(path)
    (highlight,) = document.highlights
    assert highlight.note == "Second thought.\n\nFirst thought."  # the earlier made first (same offset)
    assert highlight.highlighted_at == datetime.fromtimestamp(CREATED, UTC)


def test_a_bookmark_without_a_page_is_left_out_without_a_word(tmp_path):
    bare = note(3, "Bookmark", kind="bookmark", colour=None,
                tags={"bm.quotation": '{"text": "Bookmark"}', "bm.book_mark": None})
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS), bare])
    (document,), state = read_database(path)
    assert [h.text for h in document.highlights] == [MASS]
    assert state.problems == []
