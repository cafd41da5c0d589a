"""Sidecars written by the tests, as KOReader writes them: every field mapped, bookmarks, PDFs,
ids stable as highlights are added, records that cannot be read reported and the others kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from koreader_sidecars import annotation, book, problems, read, sidecar_text, write_sidecar

from excerpta.identity import document_id
from excerpta.model import LocationType


def test_every_field_a_sidecar_has_is_mapped(tmp_path):
    path = write_sidecar(tmp_path, book(
        [annotation("Simplify, simplify.", 4, note="  a note\nover two lines ", pageref="xii", color="red",
                    chapter="Where I Lived", datetime_updated="2024-03-02 08:00:00")],
        doc_props={"title": "Walden", "authors": "Henry David Thoreau\nA. N. Editor\n",
                   "description": "Life in the woods.", "keywords": "Nature\nEssays",
                   "identifiers": "calibre:12\nurn:isbn:978-0-14-039044-5\nmobi-asin:B000JQUZCI"},
        summary={"note": "Read it twice.", "rating": 5, "status": "complete"}))
    (document,), state = read(path)
    assert problems(state) == []
    assert (document.title, document.author) == ("Walden", "Henry David Thoreau; A. N. Editor")
    assert (document.summary, document.document_note, document.asin) == (
        "Life in the woods.", "Read it twice.", "B000JQUZCI")
    assert document.external_ids == {"koreader": "0123456789abcdef0123456789abcdef", "isbn": "9780140390445"}
    (highlight,) = document.highlights
    assert highlight.text == "Simplify, simplify."
    assert highlight.note == "a note\nover two lines"
    assert (highlight.location, highlight.location_type, highlight.page) == ("xii", LocationType.PAGE, None)
    assert (highlight.chapter, highlight.color) == ("Where I Lived", "red")
    assert highlight.highlighted_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert highlight.updated_at == datetime(2024, 3, 2, 8, tzinfo=UTC)


def test_the_books_page_label_is_the_location_where_it_has_them_a_number_when_of_digits(tmp_path):
    labelled = [annotation("a", 1, pageref="123"), annotation("b", 2, pageref="ix"), annotation("c", 3)]
    path = write_sidecar(tmp_path, book(labelled))
    (document,), _ = read(path)
    assert [h.location for h in document.highlights] == [123, "ix", 3]


def test_ids_stay_when_highlights_are_added_before_and_after_and_a_note_is_edited(tmp_path):
    first = annotation("Simplify, simplify.", 4)
    (before,), _ = read(write_sidecar(tmp_path / "a", book([first])))
    added = [annotation("Earlier.", 1), first | {"note": "edited", "datetime_updated": "2024-04-01 09:00:00"},
             annotation("Later.", 9)]
    (after,), _ = read(write_sidecar(tmp_path / "b", book(added)))
    assert after.id == before.id
    assert after.highlights[1].id == before.highlights[0].id
    assert len({h.id for h in after.highlights}) == 3


def test_the_book_keeps_its_id_when_renamed_and_without_a_checksum_takes_title_and_author(tmp_path):
    highlights = [annotation("Simplify, simplify.", 4)]
    (named,), _ = read(write_sidecar(tmp_path / "a", book(highlights)))
    renamed = book(highlights, doc_props={"title": "Walden; or, Life in the Woods"})
    (moved,), _ = read(write_sidecar(tmp_path / "b", renamed, book="elsewhere.epub"))
    assert moved.id == named.id
    assert moved.highlights[0].id == named.highlights[0].id
    bare = {"annotations": highlights, "stats": {"title": "Walden", "authors": "Thoreau"}}
    (fallback,), _ = read(write_sidecar(tmp_path / "c", bare))
    assert fallback.id == document_id("Walden", "Thoreau")
    assert fallback.external_ids == {}


def test_a_book_without_title_is_named_after_its_file(tmp_path):
    (from_path,), _ = read(write_sidecar(tmp_path / "a", {"annotations": [annotation("x", 1)],
                                                         "doc_path": "/mnt/us/books/My Book.v2.pdf"}))
    assert from_path.title == "My Book.v2"
    (from_folder,), _ = read(write_sidecar(tmp_path / "b", {"annotations": [annotation("x", 1)]},
                                           book="Untitled Notes.epub"))
    assert from_folder.title == "Untitled Notes"


def test_a_bookmark_is_dropped_unless_the_user_wrote_a_note_on_it(tmp_path):
    bookmark = {"datetime": "2024-03-01 11:00:00", "page": "/body/DocFragment[3]/body/p[6]/text().0",
                "pageno": 6, "text": "in One", "chapter": "One"}
    path = write_sidecar(tmp_path, book([annotation("Simplify.", 4), bookmark,
                                         bookmark | {"note": "Come back here", "pageno": 7,
                                                     "page": "/body/DocFragment[3]/body/p[7]/text().0"}]))
    (document,), state = read(path)
    assert problems(state) == []
    assert [(h.text, h.note, h.location) for h in document.highlights] == [
        ("Simplify.", None, 4), ("", "Come back here", 7)]


def test_a_sidecar_without_highlights_gives_no_document(tmp_path):
    assert read(write_sidecar(tmp_path, book([])))[0] == []
    assert read(write_sidecar(tmp_path / "b", {"doc_props": {"title": "Opened once"}}))[0] == []


def test_pdf_highlights_are_placed_by_page_and_point(tmp_path):
    def on_pdf(text: str, page: int, y: float) -> dict:
        return {"datetime": "2024-03-01 10:00:00", "drawer": "lighten", "page": page, "text": text,
                "pos0": {"page": page, "x": 71.5, "y": y, "zoom": 1.0, "rotation": 0},
                "pos1": {"page": page, "x": 300.25, "y": y + 10}}
    path = write_sidecar(tmp_path, book([on_pdf("Top of 3.", 3, 100), on_pdf("Bottom of 3.", 3, 600),
                                         on_pdf("Top of 3.", 4, 100)]), book="paper.pdf")
    (document,), state = read(path)
    assert problems(state) == []
    assert [(h.text, h.location, h.location_type) for h in document.highlights] == [
        ("Top of 3.", 3, LocationType.PAGE), ("Bottom of 3.", 3, LocationType.PAGE),
        ("Top of 3.", 4, LocationType.PAGE)]
    assert len({h.id for h in document.highlights}) == 3


def test_the_same_passage_highlighted_twice_at_one_place_is_two_highlights_told_by_time(tmp_path):
    twice = [annotation("Simplify.", 4), annotation("Simplify.", 4, when="2024-05-01 10:00:00")]
    (document,), state = read(write_sidecar(tmp_path, book(twice)))
    assert problems(state) == []
    assert len({h.id for h in document.highlights}) == 2
    (again,), _ = read(write_sidecar(tmp_path / "b", book(twice)))
    assert [h.id for h in again.highlights] == [h.id for h in document.highlights]
    (document,), state = read(write_sidecar(tmp_path / "c", book([twice[0], twice[0]])))
    assert len(document.highlights) == 1
    assert problems(state) == [f"{tmp_path / 'c' / 'Walden.epub.sdr' / 'metadata.epub.lua'}: annotations[2]: "
                               "the same highlight as an earlier one (same place, text and time); "
                               "the first is kept"]


def test_a_record_that_cannot_be_read_is_reported_with_its_path_in_the_table_and_the_others_kept(tmp_path):
    path = write_sidecar(tmp_path, book([
        annotation("Kept.", 1), "not a table", annotation("", 3),
        annotation("Bad date.", 4, when="yesterday"),
        annotation("Bad chapter.", 5, chapter={"x": 1}, pageno="five"), annotation("Also kept.", 6)]))
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["Kept.", "Bad date.", "Bad chapter.", "Also kept."]
    bad_date = document.highlights[1]
    assert bad_date.highlighted_at is None
    assert state.left_out == {bad_date.id: frozenset({"highlighted_at"})}
    assert document.highlights[2].chapter is None
    assert document.highlights[2].location is None
    assert problems(state) == [f"{path}: {reason}" for reason in [
        "annotations[2]: expected a table, found a string",
        "annotations[3]: a highlight without text",
        "annotations[4]: datetime: 'yesterday' is not a date (expected YYYY-MM-DD HH:MM:SS); read without it",
        "annotations[5]: chapter: expected a string, found a table; left out",
        "annotations[5]: pageno: expected a whole number, found a string; left out",
    ]]
    assert [p.kept for p in state.problems] == [False, False, True, True, True]


def test_a_day_that_does_not_exist_is_reported_and_the_highlight_kept(tmp_path):
    path = write_sidecar(tmp_path, book([annotation("x", 1, when="2023-02-30 10:00:00")]))
    (document,), state = read(path)
    assert document.highlights[0].highlighted_at is None
    assert problems(state) == [f"{path}: annotations[1]: datetime: '2023-02-30 10:00:00': day is out of "
                               "range for month; read without it"]


def test_device_times_are_read_in_the_timezone_option_with_its_daylight_saving(tmp_path):
    path = write_sidecar(tmp_path, book([annotation("Winter.", 1, when="2024-01-15 12:00:00"),
                                         annotation("Summer.", 2, when="2024-07-15 12:00:00"),
                                         annotation("Skipped hour.", 3, when="2024-03-31 02:30:00")]))
    (document,), _ = read(path, timezone="Europe/Berlin")
    offsets = [h.highlighted_at.utcoffset() for h in document.highlights]
    assert offsets == [timedelta(hours=1), timedelta(hours=2), timedelta(hours=1)]
    assert document.highlights[1].highlighted_at == datetime(2024, 7, 15, 10, tzinfo=UTC)


def test_without_the_option_times_are_in_this_machines_zone(tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        (document,), _ = read(write_sidecar(tmp_path, book([annotation("x", 1, when="2024-07-15 12:00:00")])))
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert document.highlights[0].highlighted_at == datetime(2024, 7, 15, 16, tzinfo=UTC)


def test_book_information_edited_in_koreader_is_read_over_the_books_own_and_keeps_its_id(tmp_path):
    path = write_sidecar(tmp_path, book([annotation("Simplify.", 4)]))
    (own,), _ = read(path)
    path.with_name("custom_metadata.lua").write_text(sidecar_text({
        "custom_props": {"title": "Walden; or, Life in the Woods", "authors": "H. D. Thoreau"},
        "doc_props": {"title": "Walden", "authors": "Henry David Thoreau"}}))
    (edited,), state = read(path)
    assert problems(state) == []
    assert (edited.title, edited.author) == ("Walden; or, Life in the Woods", "H. D. Thoreau")
    assert edited.id == own.id
    assert [h.id for h in edited.highlights] == [h.id for h in own.highlights]


def test_book_information_that_cannot_be_read_is_reported_and_the_books_own_read(tmp_path):
    path = write_sidecar(tmp_path, book([annotation("Simplify.", 4)]))
    custom = path.with_name("custom_metadata.lua")
    custom.write_text('return {\n    ["custom_props"] = {\n')
    (document,), state = read(path)
    assert document.title == "Walden"
    assert problems(state) == [f"{custom}: not KOReader's book information: line 3: the file ends inside "
                               "a table; the book's own title and authors are read"]
    assert state.problems[0].kept


def test_an_entry_with_a_highlight_style_but_no_position_is_a_highlight(tmp_path):
    entry = {"drawer": "underscore", "text": "Placed by page only.", "page": 12,
             "datetime": "2024-03-01 10:00:00"}
    (document,), _ = read(write_sidecar(tmp_path, book([entry])))
    assert [(h.text, h.location) for h in document.highlights] == [("Placed by page only.", 12)]
