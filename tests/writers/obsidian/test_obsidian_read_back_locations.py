"""Notes our obsidian writer wrote, read back with readwise-md: every location label it writes
(``Location 47``, ``Page xii 3``, ``Time 0:01:41``, with a link or without) gives the same
location and kind; the user's own sub-items under a highlight leave its id, text and note as
they were; a cover URL with parentheses is read whole."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.output import OutputSink
from excerpta.readers.readwise_md import read_note
from excerpta.writers.obsidian import ObsidianWriter

PAGE = "https://example.com/page"
# The writer labels a location of any other kind (order, offset) "View Highlight" or not at all.
LABELLED = [LocationType.LOCATION, LocationType.PAGE]


def _book(places: list[tuple[int | str, LocationType, str | None]], **fields: object) -> Document:
    highlights = [Highlight(id=f"h{n}", text=f"Passage {n}.", location=where, location_type=kind, url=url,
                            note=f"Note {n}." if n % 2 else None)
                  for n, (where, kind, url) in enumerate(places)]
    return Document(**{"id": "d1", "title": "Book", "category": Category.BOOKS, "highlights": highlights}
                    | fields)


def _written(folder: Path, document: Document) -> Path:
    """The note the writer (default templates) writes of ``document`` into ``folder``."""
    with OutputSink(folder, "test", "obsidian") as sink:
        ObsidianWriter.from_options({}).write([document], sink)
    [note] = folder.rglob("*.md")
    return note


def _places(document: Document) -> list[tuple[str, int | str | None, LocationType | None]]:
    """Each highlight's location, by id (the writer puts them in reading order)."""
    return sorted((h.id, h.location, h.location_type) for h in document.highlights)


def test_every_location_label_the_writer_writes_reads_back_to_the_same_location(tmp_path):
    places: list[tuple[int | str, LocationType, str | None]] = [
        (47, LocationType.LOCATION, None), ("1200-1204", LocationType.LOCATION, None),
        (12, LocationType.PAGE, None), ("xii", LocationType.PAGE, None), ("xii 3", LocationType.PAGE, None),
        ("12 a", LocationType.PAGE, None), ("A-3 (b)", LocationType.PAGE, None),
        ("[x] \\y\\", LocationType.PAGE, None), ("a%%b <c> `d` &amp; ^hl-e", LocationType.PAGE, None),
        (" 12 ", LocationType.PAGE, None), ("012", LocationType.PAGE, None), ("²", LocationType.PAGE, None),
        (-3, LocationType.PAGE, None), (101, LocationType.TIME_OFFSET, None),
        (0, LocationType.TIME_OFFSET, None), (360_000, LocationType.TIME_OFFSET, None),
    ]
    places += [(where, kind, PAGE) for where, kind, _ in places]  # "([Page xii 3](…))"
    book = _book(places)
    note = _written(tmp_path / "plain", book)
    assert "- Passage 4. (Page\u00a0xii 3) ^hl-h4\n" in note.read_text()
    assert _places(read_note(note)) == _places(book)
    kindle = _book(places, asin="B0TEST")  # a Kindle location links to the book: "to_kindle?…"
    note = _written(tmp_path / "kindle", kindle)
    assert "- Passage 1. ([Location\u00a01200-1204](https://readwise.io/to_kindle?" in note.read_text()
    back = read_note(note)
    assert _places(back) == _places(kindle)
    assert sorted((h.id, h.text, h.note) for h in back.highlights) == sorted(
        (h.id, h.text, h.note) for h in kindle.highlights)


# What a location may be that the writer writes as it is: text on one line (a line break is a
# space in a label) without control characters but tab, not an integer spelled as text (read
# back as the integer).
_TEXT_PLACE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), whitelist_characters="\t"),
                      min_size=1, max_size=12).filter(
    lambda value: re.fullmatch(r"-?[0-9]{1,18}", value) is None or str(int(value)) != value)


@settings(max_examples=20, deadline=None)
@given(places=st.lists(st.tuples(_TEXT_PLACE | st.integers(-10**6, 10**9), st.sampled_from(LABELLED),
                                 st.sampled_from([None, PAGE])), min_size=1, max_size=4))
def test_any_page_or_location_label_reads_back(places):
    book = _book(places)
    with tempfile.TemporaryDirectory() as folder:
        back = read_note(_written(Path(folder), book))
    assert _places(back) == _places(book)
    assert sorted((h.id, h.text) for h in back.highlights) == sorted((h.id, h.text) for h in book.highlights)


def test_the_users_sub_items_under_our_highlights_leave_their_ids_texts_and_notes(tmp_path):
    book = _book([(47, LocationType.LOCATION, None), ("xii 3", LocationType.PAGE, PAGE),
                  (9, LocationType.PAGE, None)])
    note = _written(tmp_path, book)
    text = note.read_text()
    text = text.replace(" ^hl-h0\n", " ^hl-h0\n  - my thought\n  - See also [[X]]\n")
    text = text.replace("    - Note: Note 1.\n", "    - Note: Note 1.\n  - my thought\n    on two lines\n")
    text = text.replace(" ^hl-h2\n", " ^hl-h2\n\n  my own paragraph\n  1. and a list\n")
    note.write_text(text)
    assert text.count("my thought") == 2
    back = read_note(note)
    assert sorted((h.id, h.text, h.note, str(h.location)) for h in back.highlights) == sorted(
        (h.id, h.text, h.note, str(h.location)) for h in book.highlights)


def test_a_cover_url_with_parentheses_reads_back_whole(tmp_path):
    # A URL's parentheses that pair are written as they are, others percent-encoded (the same URL).
    for cover, written in [("https://example.com/a_(1).jpg", "https://example.com/a_(1).jpg"),
                           ("https://example.com/a_(1.jpg", "https://example.com/a_%281.jpg")]:
        book = _book([(1, LocationType.PAGE, None)], cover_image_url=cover)
        note = _written(tmp_path / written[-10:], book)
        assert f"![rw-book-cover]({written})\n" in note.read_text()
        assert read_note(note).cover_image_url == written
