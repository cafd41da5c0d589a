"""The ``play-books`` reader on whole notes documents: every field of every highlight, in each
download's spelling, and ids that stay put."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from play_books_docs import (
    BLUE,
    GREEN,
    RED,
    Notes,
    Row,
    api_page,
    notes_of,
    web_page,
    web_page_zip,
    word_file,
    write_zip,
)
from play_books_reading import read_file

from excerpta.model import Category, LocationType

from paths import EXAMPLES

WALDEN_LINK = ("http://play.google.com/books/reader?printsec=frontcover&output=reader&id=hzYKAAAAYAAJ"
               "&source=books-notes-export&pg=")


def test_the_word_example_gives_the_book_and_its_header():
    document = read_file(EXAMPLES / "play_books_walden.docx").document
    assert document.id == "playbooks-hzYKAAAAYAAJ"
    assert (document.title, document.author, document.category, document.source) == (
        "Walden", "Henry David Thoreau", Category.BOOKS, "playbooks")
    assert document.external_ids == {"playbooks": "hzYKAAAAYAAJ"}


def test_the_word_example_lists_each_highlight_once_in_reading_order_with_its_chapter():
    # The example lists its four highlights by colour first, then by chapter.
    highlights = read_file(EXAMPLES / "play_books_walden.docx").document.highlights
    assert [(h.text[:30], h.chapter) for h in highlights] == [
        ("The mass of men lead lives of ", "Economy"),
        ("I went to the woods because I ", "Where I Lived, and What I Lived For"),
        ("Our life is frittered away by ", "Where I Lived, and What I Lived For"),
        ("I had three chairs in my house", "Visitors"),
    ]


def test_the_word_example_reads_every_field_of_a_highlight():
    first, woods, detail, chairs = read_file(EXAMPLES / "play_books_walden.docx").document.highlights
    assert first.text == "The mass of men lead lives of quiet desperation."
    assert first.note is None
    assert (first.location, first.location_type, first.end_location) == (8, LocationType.PAGE, None)
    assert first.color == "yellow"
    assert first.highlighted_at == datetime(2022, 3, 2, tzinfo=UTC)
    assert first.url == WALDEN_LINK + "GBS.PA8.w.0.0.0.3"
    assert woods.note == "Why I keep reading this book."
    assert (woods.color, woods.location) == ("green", 90)
    assert woods.highlighted_at == datetime(2022, 3, 3, tzinfo=UTC)
    assert (detail.color, detail.location, detail.url) == ("yellow", 91, WALDEN_LINK + "GBS.PA91")
    assert (chairs.color, chairs.location) == ("blue", 141)
    assert chairs.highlighted_at == datetime(2022, 4, 11, tzinfo=UTC)


def test_the_web_page_example_gives_its_book_roman_pages_and_colours():
    read = read_file(EXAMPLES / "play_books_meditations.zip")
    assert read.problems == []
    document = read.document
    assert (document.id, document.title, document.author) == ("playbooks-mEd1tAt10nS", "Meditations",
                                                              "Marcus Aurelius")
    intro, morning, avenging = document.highlights
    assert (intro.text, intro.location, intro.location_type, intro.color, intro.chapter) == (
        "The universe is transformation: life is opinion.", "xii", LocationType.PAGE, "red", "Introduction")
    assert morning.text.startswith("Begin the morning by saying to thyself, I shall meet with the busy-body")
    assert (morning.note, morning.location, morning.color, morning.chapter) == (
        "Every morning.", 14, "yellow", "The Second Book")
    assert morning.highlighted_at == datetime(2020, 11, 20, tzinfo=UTC)
    assert (avenging.color, avenging.location, avenging.chapter) == ("blue", 61, "The Sixth Book")
    # Google's redirect around the link is taken off: its other parameters change every download.
    assert avenging.url == ("http://play.google.com/books/reader?printsec=frontcover&output=reader&id=mEd1tAt10nS"
                            "&source=books-notes-export&pg=GBS.PA61")


SOLITUDE = "I never found the companion that was so companionable as solitude."
NOTES = notes_of(
    ("Economy", [Row("Simplicity of life.", page="12", note="Mine.", colour=GREEN, pg="GBS.PA12")]),
    ("Solitude", [Row(SOLITUDE, day="June 30, 2021", page="135", colour=RED, pg="GBS.PA135")]),
)


@pytest.mark.parametrize("spelling", ["web page", "unzipped web page", "api page", "word"])
def test_every_download_of_one_document_reads_the_same(tmp_path, spelling):
    if spelling == "web page":
        path = web_page_zip(tmp_path / "notes.zip", NOTES)
    elif spelling == "unzipped web page":
        path = tmp_path / "NotesfromWalden.html"
        path.write_text(web_page(NOTES), encoding="utf-8")
    elif spelling == "api page":
        path = tmp_path / "notes.html"
        path.write_text(api_page(NOTES), encoding="utf-8")
    else:
        path = word_file(tmp_path / "notes.docx", NOTES)
    read = read_file(path)
    assert read.problems == []
    simplicity, solitude = read.document.highlights
    assert (simplicity.text, simplicity.note, simplicity.color, simplicity.chapter, simplicity.location) == (
        "Simplicity of life.", "Mine.", "green", "Economy", 12)
    assert (solitude.text, solitude.note, solitude.color, solitude.location) == (
        "I never found the companion that was so companionable as solitude.", None, "red", 135)
    assert solitude.highlighted_at == datetime(2021, 6, 30, tzinfo=UTC)
    assert read.document.id == "playbooks-hzYKAAAAYAAJ"


def test_a_document_gaining_highlights_keeps_the_ids_of_the_earlier_ones(tmp_path):
    before = read_file(word_file(tmp_path / "a.docx", NOTES)).document
    (_, ((_, economy), solitude)), = NOTES.sections
    grown = notes_of(("Economy", [Row("A new first one.", page="3", colour=BLUE, pg="GBS.PA3"), *economy]),
                     solitude, section="3 notes/highlights")
    after = read_file(word_file(tmp_path / "b.docx", grown)).document
    assert after.id == before.id
    assert [h.id for h in after.highlights][1:] == [h.id for h in before.highlights]
    assert len(set(h.id for h in after.highlights)) == 3


def test_an_edited_note_keeps_the_highlights_id(tmp_path):
    rewritten = Row("Simplicity of life.", page="12", note="Mine, rewritten.", colour=GREEN, pg="GBS.PA12")
    edited = notes_of(("Economy", [rewritten]))
    before = read_file(word_file(tmp_path / "a.docx", NOTES)).document.highlights[0]
    after = read_file(word_file(tmp_path / "b.docx", edited)).document.highlights[0]
    assert (after.id, after.note) == (before.id, "Mine, rewritten.")


def test_a_document_without_links_takes_its_id_from_title_and_author(tmp_path):
    unlinked = notes_of(("Economy", [Row("Simplicity of life.")]))
    linked = notes_of(("Economy", [Row("Simplicity of life.", pg="GBS.PA12")]))
    bare = read_file(word_file(tmp_path / "a.docx", unlinked)).document
    assert bare.id.startswith("d")
    assert bare.external_ids == {}
    assert bare.highlights[0].url is None
    assert read_file(word_file(tmp_path / "b.docx", linked)).document.id == "playbooks-hzYKAAAAYAAJ"


def test_the_day_is_midnight_starting_it_in_the_zone_given(tmp_path):
    path = word_file(tmp_path / "a.docx", NOTES)
    highlight = read_file(path, timezone="America/New_York").document.highlights[1]
    assert highlight.highlighted_at == datetime(2021, 6, 30, tzinfo=timezone(timedelta(hours=-4)))


def test_an_unknown_author_and_a_missing_publisher_are_none(tmp_path):
    notes = notes_of(("Preface", [Row("venerable", pg="GBS.PA9")]), author="Unknown", publisher=None)
    document = read_file(word_file(tmp_path / "a.docx", notes)).document
    assert (document.title, document.author) == ("Walden", None)


def test_a_passage_over_several_paragraphs_keeps_its_line_breaks(tmp_path):
    notes = notes_of(("Sounds", [Row("First line.\nSecond line.", pg="GBS.PA1")]))
    for path in (web_page_zip(tmp_path / "a.zip", notes), word_file(tmp_path / "a.docx", notes)):
        assert read_file(path).texts() == ["First line.\nSecond line."]


def test_headings_before_any_chapter_leave_the_chapter_empty(tmp_path):
    notes = notes_of(("", [Row("Before any chapter.", pg="GBS.PA1")]))
    assert read_file(word_file(tmp_path / "a.docx", notes)).document.highlights[0].chapter is None


def test_one_passage_highlighted_twice_on_a_page_is_one_highlight_with_both_notes(tmp_path):
    twice = [Row("Simplify.", page="91", day="May 6, 2021", note="First thought.", pg="GBS.PA91"),
             Row("Simplify.", page="91", day="May 5, 2021", note="Second thought.", pg="GBS.PA91")]
    (highlight,) = read_file(word_file(tmp_path / "a.docx", notes_of(("Economy", twice)))).document.highlights
    assert highlight.note == "First thought.\n\nSecond thought."
    assert highlight.highlighted_at == datetime(2021, 5, 5, tzinfo=UTC)


def test_a_zip_of_several_pages_reads_the_notes_and_leaves_the_others_out(tmp_path, caplog):
    path = write_zip(tmp_path / "several.zip", {"Walden.html": web_page(NOTES),
                                                "index.html": "<html><body><p>My books</p></body></html>"})
    read = read_file(path)
    assert read.document.title == "Walden"
    assert "1 page(s) that are no Play Books notes document left out: index.html" in caplog.text


def test_a_highlight_listed_by_colour_differently_than_by_chapter_is_still_one_with_its_chapter(tmp_path):
    # Should the listing by colour ever drop the link, the rows differ but the passage and
    # page are one highlight's: the chapter is still the chapter listing's.
    by_colour = Row("Simplify.", page="91", colour=GREEN)
    by_chapter = Row("Simplify.", page="91", colour=GREEN, pg="GBS.PA91")
    alone = Row("Only by colour.", page="95", pg="GBS.PA95")
    notes = Notes(sections=[("Annotations by color", [("Green", [by_colour]), ("Yellow", [alone])]),
                            ("All your annotations", [("Where I Lived", [by_chapter])])])
    highlights = read_file(word_file(tmp_path / "a.docx", notes)).document.highlights
    assert [(h.text, h.chapter, h.color) for h in highlights] == [
        ("Only by colour.", None, "yellow"), ("Simplify.", "Where I Lived", "green")]
    assert highlights[1].url.endswith("pg=GBS.PA91")


def test_three_listings_of_one_passage_keep_their_notes_in_the_order_listed(tmp_path):
    rows = [Row("Simplify.", page="91", note=note, pg="GBS.PA91") for note in ("One.", "Two.", "Three.")]
    (highlight,) = read_file(word_file(tmp_path / "a.docx", notes_of(("Economy", rows)))).document.highlights
    assert highlight.note == "One.\n\nTwo.\n\nThree."
