"""The ``pocketbook-html`` reader: a PocketBook notes export's book, notes, pages, colours and ids;
entries it cannot read reported and skipped, the others kept; a file that is no export refused."""

from __future__ import annotations

import pytest
from pocketbook_exports import entry, export_html, read_export, write_export

from excerpta.errors import InputError
from excerpta.identity import document_id, highlight_id
from excerpta.model import LocationType

from paths import EXAMPLES

EXAMPLE = EXAMPLES / "pocketbook_notes.html"
AUSTEN = "It is a truth universally acknowledged, that a single man in possession of a good fortune, " \
         "must be in want of a wife."
BENNET = "My dear Mr. Bennet, have you heard that Netherfield Park is let at last?"


def test_the_example_export_gives_its_book_title_and_author():
    (document,), state = read_export(EXAMPLE)
    assert document.title == "Walden; or, Life in the Woods"  # the heading without the export's date
    assert document.author == "Henry David Thoreau"
    assert (document.source, document.category) == ("pocketbook", "books")
    assert document.id == document_id("Walden; or, Life in the Woods", "Henry David Thoreau")
    assert state.problems == []


def test_the_example_export_gives_each_note_with_its_page_colour_note_and_uuid():
    (document,), _ = read_export(EXAMPLE)
    assert [(h.text, h.location, h.location_type, h.color, h.note) for h in document.highlights] == [
        ("The mass of men lead lives of quiet desperation.", 14, LocationType.PAGE, "yellow", None),
        ("I went to the woods because I wished to live deliberately, to front only the essential facts of "
         "life,\nand see if I could not learn what it had to teach, and not, when I came to die, discover "
         "that I had not lived.", 96, LocationType.PAGE, "cyan", "The reason for the whole experiment."),
        ("Our life is frittered away by detail. Simplify, simplify.", 98, LocationType.PAGE, "green",
         "Compare Seneca, Letters 2."),
    ]  # the bookmark on page 97 left out
    assert [h.external_ids for h in document.highlights] == [
        {"pocketbook": "6F9A1C2E-3B4D-5E6F-8A9B-0C1D2E3F4A5B"},
        {"pocketbook": "0B1C2D3E-4F50-5162-8394-A5B6C7D8E9F0"},
        {"pocketbook": "2C3D4E5F-6071-5283-94A5-B6C7D8E9F0A1"}]
    assert all(h.highlighted_at is None and h.chapter is None for h in document.highlights)


def test_ids_come_from_the_book_the_page_and_the_passage():
    (document,), _ = read_export(EXAMPLE)
    book = document_id("Walden; or, Life in the Woods", "Henry David Thoreau")
    passage = "The mass of men lead lives of quiet desperation."
    assert document.highlights[0].id == highlight_id(book, passage, 14)


def test_bookmarks_are_kept_with_the_option_as_empty_highlights_at_their_page():
    (document,), _ = read_export(EXAMPLE, bookmarks=True)
    (bookmark,) = [h for h in document.highlights if h.location == 97]
    assert (bookmark.text, bookmark.note, bookmark.color) == ("", None, None)
    assert [h.location for h in document.highlights] == [14, 96, 97, 98]


def test_a_bookmark_with_a_note_is_kept_as_a_lone_note_without_the_option(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry("Bookmark", 40, "Reread this chapter.",
                                                                colour="note")]))
    (document,), _ = read_export(path)
    (lone,) = document.highlights
    assert (lone.text, lone.note, lone.location) == ("", "Reread this chapter.", 40)


@pytest.mark.parametrize(("word", "colour"), [("yellow", "yellow"), ("cian", "cyan"), ("magenta", "magenta"),
                                              ("none", None), ("note", None), ("RED", "red")])
def test_colours_are_named_as_other_readers_name_them(tmp_path, word, colour):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, 1, colour=word)]))
    (document,), _ = read_export(path)
    assert document.highlights[0].color == colour


def test_a_date_before_the_title_is_dropped_but_a_dash_in_the_title_is_kept(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, 1)], title="Persuasion - A Novel",
                                                         date="02.05.2024 18:31"))
    (document,), _ = read_export(path)
    assert document.title == "Persuasion - A Novel"


def test_without_a_heading_the_title_element_names_the_book(tmp_path):
    text = export_html([entry(AUSTEN, 1)]).replace("<h1>2024-05-02 18:31:07 - Pride and Prejudice</h1>", "")
    (document,), _ = read_export(write_export(tmp_path / "x.html", text))
    assert (document.title, document.author) == ("Pride and Prejudice", "Jane Austen")


def test_a_book_without_an_author_line_has_no_author(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, 1)], author=None))
    (document,), _ = read_export(path)
    assert document.author is None


def test_a_page_range_gives_the_first_page_and_the_last(tmp_path):
    entries = [entry(AUSTEN, "120-121"), entry(BENNET, "page # 3.")]
    path = write_export(tmp_path / "x.html", export_html(entries))
    (document,), _ = read_export(path)
    assert [(h.location, h.end_location) for h in document.highlights] == [(3, None), (120, 121)]


def test_an_entry_without_a_page_is_read_without_one_and_reported(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, None), entry(BENNET, "xii")]))
    (document,), state = read_export(path)
    assert [(h.text, h.location, h.location_type) for h in document.highlights] == [
        (AUSTEN, None, None), (BENNET, None, None)]
    assert [(p.where, p.reason, p.kept) for p in state.problems] == [
        (16, "no page: read without one", True),  # the book's blocks end on line 15
        (21, "page 'xii' is no page number: read without one", True)]  # after 5 lines of the first
    assert state.left_out[document.highlights[0].id] == {"location", "location_type", "end_location"}


def test_an_entry_without_passage_or_note_is_reported_with_its_line_and_the_others_kept(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, 1), entry("", 2), entry(BENNET, 3)]))
    (document,), state = read_export(path)
    assert [h.text for h in document.highlights] == [AUSTEN, BENNET]
    assert [(str(p), p.kept) for p in state.problems] == [
        (f"{path}:22: an entry without passage or note (was its text deleted?)", False)]


def test_a_snapshot_of_a_page_region_is_left_out(tmp_path):
    snapshot = ('<div id="X" class="bookmark bm-color-none"><p class="bm-page">5</p>'
                '<div class="bm-image"><img src="data:image/png;base64,AAAA"/></div></div>\n')
    path = write_export(tmp_path / "x.html", export_html([snapshot, entry(AUSTEN, 6)]))
    (document,), state = read_export(path)
    assert [h.text for h in document.highlights] == [AUSTEN]
    assert state.problems == []


def test_one_passage_marked_twice_on_a_page_is_one_highlight_with_both_notes(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, 1, "Irony."),
                                                          entry(AUSTEN, 1, "The famous opening.", uuid="B")]))
    (document,), _ = read_export(path)
    (highlight,) = document.highlights
    assert highlight.note == "Irony.\n\nThe famous opening."


def test_exports_of_one_book_made_at_two_times_give_its_notes_the_same_ids(tmp_path):
    first = write_export(tmp_path / "Pride and Prejudice.html", export_html([entry(AUSTEN, 1)]))
    second = write_export(tmp_path / "Pride and Prejudice (1).html", export_html(
        [entry(AUSTEN, 1), entry(BENNET, 1, uuid="C")], date="2024-06-11 09:02:44"))
    (one,), _ = read_export(first)
    (two,), _ = read_export(second)
    assert one.id == two.id
    assert [h.text for h in two.highlights] == [AUSTEN, BENNET]  # one page: in the file's order
    assert two.highlights[0].id == one.highlights[0].id


def test_a_folder_reads_every_export_in_it(tmp_path):
    write_export(tmp_path / "Walden.html", EXAMPLE.read_text(encoding="utf-8"))
    write_export(tmp_path / "Pride and Prejudice.html", export_html([entry(AUSTEN, 1)]))
    (tmp_path / "readme.html").write_text("<html><body><p>Not an export</p></body></html>", encoding="utf-8")
    documents, state = read_export(tmp_path)
    assert [d.title for d in documents] == ["Pride and Prejudice", "Walden; or, Life in the Woods"]
    assert state.problems == []


def test_one_export_of_a_folder_that_cannot_be_read_is_reported_and_the_others_read(tmp_path):
    write_export(tmp_path / "a.html", export_html([entry(AUSTEN, 1)]).replace(
        "<h1>2024-05-02 18:31:07 - Pride and Prejudice</h1>", "").replace(
        "<title>2024-05-02 18:31:07 - Pride and Prejudice</title>", ""))
    write_export(tmp_path / "b.html", EXAMPLE.read_text(encoding="utf-8"))
    documents, state = read_export(tmp_path)
    assert [d.title for d in documents] == ["Walden; or, Life in the Woods"]
    assert [str(p) for p in state.problems] == [
        f"{tmp_path / 'a.html'}: a PocketBook notes export without the book's title "
        "(no heading and no <title>)"]


def test_a_folder_without_an_export_is_refused(tmp_path):
    (tmp_path / "page.html").write_text("<html><body>hello</body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"no PocketBook notes export \(\.html\) in this folder"):
        read_export(tmp_path)


def test_an_html_file_that_is_no_export_is_refused_in_one_line_naming_it(tmp_path):
    page = "<html><head><title>Hello</title></head><body>Hi</body></html>"
    path = write_export(tmp_path / "page.html", page)
    with pytest.raises(InputError) as caught:
        read_export(path)
    assert str(caught.value) == (f"{path}: not a PocketBook notes export (no 'PocketBook Bookmarks Export' "
                                 "generator and no note in it)")


def test_an_export_re_saved_as_utf16_reads_the_same(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    saved, _ = read_export(write_export(tmp_path / "w.html", text, encoding="utf-16"))
    assert saved == read_export(EXAMPLE)[0]


def test_bytes_that_are_not_utf8_are_read_as_windows_1252_and_reported(tmp_path):
    path = tmp_path / "x.html"
    path.write_bytes(export_html([entry("Caf\udce9 society", 1)]).encode("utf-8", "surrogateescape"))
    (document,), state = read_export(path)
    assert document.highlights[0].text == "Café society"
    assert [(p.where, p.kept) for p in state.problems] == [(19, True)]  # the passage's line
    assert "not UTF-8" in state.problems[0].reason


def test_a_bookmark_without_a_page_is_left_out_without_a_word(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry("Bookmark", None, colour="note"),
                                                          entry(AUSTEN, 1)]))
    (document,), state = read_export(path)
    assert [h.text for h in document.highlights] == [AUSTEN]
    assert state.problems == []
