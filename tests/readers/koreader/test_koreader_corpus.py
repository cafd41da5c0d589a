"""The two real sidecars of the corpus, read in place: the 2024 ``annotations`` schema and the
older ``highlight`` + ``bookmarks`` one."""

from __future__ import annotations

from datetime import UTC, datetime

from koreader_sidecars import CURRENT, LEGACY, annotation, book, problems, read, sidecar_text

from excerpta.identity import highlight_id
from excerpta.model import Category, LocationType
from excerpta.readers.koreader import load_sidecar


def test_the_2024_schema_maps_book_and_every_annotation_field():
    (document,), state = read(CURRENT)
    assert problems(state) == []
    assert document.id == "koreader-58360b6aedb91b5c172a08319c8563c4"
    assert document.title == "86--EIGHTY-SIX, Volume 13 nijafsvddavsfjdfashij"
    assert document.author == "Shirabii; Asato Asato"  # doc_props.authors is one a line
    assert (document.category, document.source) == (Category.BOOKS, "koreader")
    assert document.external_ids == {"koreader": "58360b6aedb91b5c172a08319c8563c4", "isbn": "9798855408300"}
    assert document.summary.startswith("The frontlines are exhausted.")
    assert document.tags == []  # the publisher's keywords are not the user's tags
    assert [h.location for h in document.highlights] == [21, 21, 24, 25]
    first, second, third, _ = document.highlights
    assert first.text.startswith("The Federacy’s unique trenches")
    assert "wasn’t there to help them.\n“There are no Vánagandrs" in first.text  # "\" + line break
    assert (first.note, first.updated_at) == (None, None)
    assert first.location_type is LocationType.PAGE
    assert (first.chapter, first.color) == ("Chapter 1: I Utter the Name", "yellow")
    assert first.highlighted_at == datetime(2026, 2, 20, 18, 8, 13, tzinfo=UTC)  # the tests' machine: UTC
    assert second.note == "yay"
    assert second.updated_at == datetime(2026, 2, 20, 18, 8, 21, tzinfo=UTC)
    # KOReader keeps annotations in reading order, not in the order they were made
    assert third.highlighted_at > document.highlights[3].highlighted_at


def test_the_legacy_schema_joins_notes_from_bookmarks_on_their_time_and_reads_in_page_order():
    (document,), state = read(LEGACY)
    assert problems(state) == []
    assert (document.id, document.title, document.author) == (
        "koreader-9ff924f34f97bbf011b6067214538ef5", "Between Parent and Child", "Dr. Haim G. Ginott")
    assert [(h.text[:22], h.note) for h in document.highlights] == [
        ("We are grateful to fri", None),
        (", who saw the benefit ", None),
        ("Nancy Goddard", None),
        ("we acknowledge our gre", "more info from laptop"),  # bookmarks[2].text: the user's note
        ("ALLACE GODDARD", "more testing - note added on laptop"),
    ]
    assert {(h.location, h.location_type, h.chapter, h.color) for h in document.highlights} == {
        (5, LocationType.PAGE, None, None)}
    assert document.highlights[4].highlighted_at == datetime(2023, 1, 24, 3, 45, 58, tzinfo=UTC)


def test_reading_twice_gives_the_same_documents():
    assert read(CURRENT)[0] == read(CURRENT)[0]
    assert read(LEGACY)[0] == read(LEGACY)[0]


def test_the_ids_stay_when_koreader_moves_a_sidecar_to_the_2024_schema(tmp_path):
    # KOReader rewrites an old sidecar in the new schema on opening the book: same text, same
    # start, same checksum, so the same ids.
    old = load_sidecar(LEGACY, str(LEGACY))
    moved = [annotation(entry["text"], 1, when=entry["datetime"]) | {
        "pos0": entry["pos0"], "pos1": entry["pos1"], "page": entry["pos0"], "pageno": page}
        for page, entries in old["highlight"].items() for entry in entries.values()]
    path = tmp_path / "metadata.epub.lua"
    path.write_text(sidecar_text(book(moved, partial_md5_checksum=old["partial_md5_checksum"])))
    (before,), _ = read(LEGACY)
    (after,), _ = read(path)
    assert after.id == before.id
    assert sorted(h.id for h in after.highlights) == sorted(h.id for h in before.highlights)


def test_a_highlight_id_derives_from_the_book_its_start_and_its_text():
    (document,), _ = read(CURRENT)
    first = document.highlights[0]
    start = "/body/DocFragment[11]/body/div/section/p[7]/text().0"
    assert first.id == highlight_id(document.id, first.text, start)
