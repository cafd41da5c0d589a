"""The ``kindle-html`` reader on every file of ``shared/corpus/kindle_notebook_html``.

Expected values were written by reading each export.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path

import pytest
from kindle_reading import NOTEBOOKS

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.model import Document, LocationType
from excerpta.readers.kindle.notebook_html import (
    MAX_EXPORT_BYTES,
    KindleNotebookOptions,
    KindleNotebookReader,
)


def read_notebook(name: str, *, bookmarks: bool = False,
                  folder: Path = NOTEBOOKS) -> tuple[Document, ReadState]:
    state = ReadState()
    reader = KindleNotebookReader(KindleNotebookOptions(kindle_bookmarks=bookmarks))
    [document] = list(reader.read(str(folder / name), state))
    return document, state


def test_every_export_is_read_without_a_skipped_entry_and_recognised():
    for path in sorted(NOTEBOOKS.glob("*.html")):
        assert read_notebook(path.name)[1].problems == [], path.name
        assert registry.detect_reader(InputProbe.of(str(path))).name == "kindle-html"


def test_location_only_headings_and_notes_sharing_their_highlights_location():
    document, _ = read_notebook("krystofl_example_notebook_en.html")
    assert (document.title, document.author, document.source) == (
        "On Writing: A Memoir of the Craft", "Stephen King", "kindle")
    assert [h.location for h in document.highlights] == [
        590, 592, 1445, 1649, 1855, 1870, 1873, 2240, 2463, 3238, 3251]
    assert {h.color for h in document.highlights} == {"yellow"}
    assert all(h.location_type is LocationType.LOCATION for h in document.highlights)
    notes = {h.location: h.note for h in document.highlights if h.note}
    assert notes[1445] == "Yes! Write what you want, and don't try to impress anyone."
    assert notes[1855].startswith("So many Hollywood movies follow similar plotlines...")
    assert len(notes) == 2
    assert document.highlights[0].text.startswith(
        "“When you write a story, you’re telling yourself the story,”")
    assert document.highlights[0].highlighted_at is None  # the export has no timestamps
    # Each sectionHeading names the chapter of the highlights below it.
    assert [(h.location, h.chapter) for h in document.highlights] == [
        (590, "Chapter 1"), (592, "Chapter 1"), (1445, "Chapter 3 Toolbox"),
        *((location, "Chapter 4 On Writing") for location in (1649, 1855, 1870, 1873, 2240, 2463)),
        (3238, "Chapter 5 On Living: A Postscript"), (3251, "Chapter 5 On Living: A Postscript")]


def test_four_colours_bookmarks_and_a_note_at_its_highlights_end():
    document, _ = read_notebook("nweii_call_me_by_your_name_notebook_en.html")
    assert (document.title, document.author) == ("Call Me by Your Name: A Novel", "Aciman, André")
    assert len(document.highlights) == 33
    assert Counter(h.color for h in document.highlights) == {
        "yellow": 19, "pink": 6, "orange": 4, "blue": 4}
    [noted] = [h for h in document.highlights if h.note]
    assert (noted.location, noted.color, noted.note) == (1387, "pink", "Invisible trip wire!")
    with_bookmarks, _ = read_notebook("nweii_call_me_by_your_name_notebook_en.html", bookmarks=True)
    bookmarks = [h for h in with_bookmarks.highlights if not h.text]
    assert len(bookmarks) == 19
    assert bookmarks[0].location == 85
    assert all(b.color is None for b in bookmarks)


def test_chapter_inside_the_heading_and_notes_after_their_highlights():
    document, _ = read_notebook("nweii_artists_way_section_in_heading_en.html")
    assert (document.title, document.author) == (
        "The Artist's Way - 25th Anniversary Edition", "Julia Cameron")
    # 19 entries: 16 highlights and 3 notes, each right after the highlight it ends.
    assert len(document.highlights) == 16
    assert [h.location for h in document.highlights][:3] == [824, 833, 904]
    notes = {h.location: h.note for h in document.highlights if h.note}
    assert notes == {
        833: "Unfortunately this really rings true for me",
        991: notes[991],
        996: notes[996],
    }
    assert notes[991].startswith("There's some passavges here whwre I have no jdea")
    assert notes[996].startswith("'Audacity,' is a better way to think about self-promotion.")
    # The sectionHeading is the chapter, the path in the heading its subsection.
    week1 = "Week 1: Recovering a Sense of Safety"
    assert [h.chapter for h in document.highlights[:6]] == [
        *[f"{week1} > Shadow Artists"] * 5, f"{week1} > Your Enemy Within: Core Negative Beliefs"]
    assert document.highlights[-1].chapter == "Week 2: Recovering a Sense of Identity > Skepticism"


def test_page_and_location_headings_with_a_middle_dot():
    document, _ = read_notebook("nweii_annihilation_notebook_en.html", bookmarks=True)
    assert (document.title, document.author) == (
        "Annihilation: A Novel (The Southern Reach Trilogy Book 1)", "VanderMeer, Jeff")
    assert [(h.location, h.color, bool(h.text)) for h in document.highlights] == [
        (540, "yellow", True), (546, None, False), (1322, None, False), (1341, None, False),
        (1527, "yellow", True), (2076, "orange", True), (2173, None, False)]
    assert document.highlights[4].text == "made manifest."
    # "Page 45 · Location 540": the location places it, the printed page is kept beside it.
    assert (document.highlights[0].location, document.highlights[0].page) == (540, 45)


def test_desktop_export_with_mis_nested_tags():
    document, _ = read_notebook("nweii_fixture_desktop_xhtml_h3_malformed.html", bookmarks=True)
    assert (document.title, document.author) == ("Example Book: A Sample Subtitle", "Doe, Jane")
    highlight, bookmark = document.highlights
    assert (highlight.text, highlight.note, highlight.location, highlight.color) == (
        "First example highlight text.", "First example note text.", 100, "yellow")
    assert (bookmark.text, bookmark.location) == ("", 200)
    assert (highlight.chapter, bookmark.chapter) == (
        "Part One: First Section > Chapter One", "Part One: First Section > Chapter Two")


def test_annotation_class_colours_and_roman_pages():
    document, _ = read_notebook("nweii_fixture_modern_annotation_class_roman_page.html")
    assert (document.title, document.author) == (
        "Trick Mirror - Reflections on Self-Delusion", "Jia Tolentino")
    assert [(h.location, h.color) for h in document.highlights] == [(47, "yellow"), (1023, "aqua")]


def test_page_only_heading_keeps_a_roman_page(tmp_path):
    (tmp_path / "n.html").write_text(
        '<div class="bookTitle">Essays</div><div class="authors">Montaigne</div>'
        '<div class="noteHeading">Highlight(<span class="highlight_blue">blue</span>) - Page xii</div>'
        '<div class="noteText">Que sais-je?</div>', encoding="utf-8")
    document, _ = read_notebook("n.html", folder=tmp_path)
    [highlight] = document.highlights
    assert (highlight.location_type, highlight.location, highlight.color) == (
        LocationType.PAGE, "xii", "blue")
    assert highlight.chapter is None  # no sectionHeading, no path in the heading


def test_unknown_heading_is_reported_and_the_rest_read(tmp_path):
    (tmp_path / "n.html").write_text(
        '<div class="bookTitle">Essays</div>'
        '<div class="noteHeading">Scribble - somewhere</div><div class="noteText">?</div>'
        '<div class="noteHeading">Highlight(yellow) - Location 5</div>'
        '<div class="noteText">Que sais-je?</div>',
        encoding="utf-8")
    document, state = read_notebook("n.html", folder=tmp_path)
    assert [h.text for h in document.highlights] == ["Que sais-je?"]
    assert [(p.where, p.reason) for p in state.problems] == [
        (1, "entry 1, heading 'Scribble - somewhere': no page or location number (expected "
            "'<kind> (<colour>) - [<chapter> >] [Page <n> · ]Location <n>')")]


def test_html_without_a_book_title_is_an_input_error(tmp_path):
    (tmp_path / "page.html").write_text("<html><body><p>hello</p></body></html>")
    with pytest.raises(InputError, match="not a Kindle notebook export"):
        read_notebook("page.html", folder=tmp_path)


def test_same_passage_from_clippings_and_notebook_gets_the_same_id(tmp_path):
    (tmp_path / "n.html").write_text(
        '<div class="bookTitle">Walden</div><div class="authors">Thoreau, Henry David</div>'
        '<div class="noteHeading">Highlight(yellow) - Page 5 · Location 70</div>'
        '<div class="noteText">I went to the woods because I wished to live deliberately.</div>',
        encoding="utf-8")
    (tmp_path / "My Clippings.txt").write_text(
        "Walden (Thoreau, Henry David)\n"
        "- Your Highlight on page 5 | Location 70-72 | Added on Monday, July 4, 1845 9:15:00 AM\n\n"
        "I went to the woods because I wished to live deliberately.\n==========\n", encoding="utf-8")
    document, _ = read_notebook("n.html", folder=tmp_path)
    clippings = registry.reader("kindle").from_options({"timezone": "UTC"})
    [from_clippings] = list(clippings.read(str(tmp_path / "My Clippings.txt"), ReadState()))
    assert document.id == from_clippings.id
    assert document.highlights[0].id == from_clippings.highlights[0].id


def test_a_notebook_re_saved_as_utf16_is_recognised_and_read_the_same(tmp_path):
    name = "nweii_annihilation_notebook_en.html"
    resaved = tmp_path / name
    resaved.write_bytes((NOTEBOOKS / name).read_text(encoding="utf-8").encode("utf-16"))
    assert registry.detect_reader(InputProbe.of(str(resaved))).name == "kindle-html"
    assert read_notebook(name, folder=tmp_path) == read_notebook(name)


GERMAN_NOTEBOOK = """<html><body><div class="bodyContainer">
<div class="notebookFor">Notizbuch für</div><div class="bookTitle">Der Prozess</div>
<div class="authors">Kafka, Franz</div><hr/>
<div class="sectionHeading">Erstes Kapitel</div>
<div class="noteHeading">Markierung (<span class="highlight_yellow">Gelb</span>) -
 Seite 4 · Position 274</div>
<div class="noteText">Jemand mußte Josef K. verleumdet haben.</div>
<div class="noteHeading">Notiz - Seite 4 · Position 276</div>
<div class="noteText">Der berühmte erste Satz.</div>
<div class="noteHeading">Lesezeichen - Seite 9 · Position 400</div>
<div class="sectionHeading">Zweites Kapitel</div>
<div class="noteHeading">Markierung (<span class="highlight_blue">Blau</span>) -
 Unterkapitel &gt; Position 900</div>
<div class="noteText">Zweiter Text.</div>
<div class="noteHeading">Notiz - Seite xii</div><div class="noteText">Ohne Farbe.</div>
<div class="noteHeading">Notiz - ohne Zahl</div><div class="noteText">?</div>
</div></body></html>"""


def test_a_notebook_in_an_unknown_language_is_read_by_the_shape_of_its_headings(tmp_path, caplog):
    # A German-looking export (wording made up: the corpus has English exports only).
    (tmp_path / "n.html").write_text(GERMAN_NOTEBOOK, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        document, state = read_notebook("n.html", folder=tmp_path, bookmarks=True)
    assert [(h.text, h.note, h.location, h.location_type, h.chapter, h.color)
            for h in document.highlights] == [
        ("Jemand mußte Josef K. verleumdet haben.", "Der berühmte erste Satz.", 274,
         LocationType.LOCATION, "Erstes Kapitel", "yellow"),
        ("", None, 400, LocationType.LOCATION, "Erstes Kapitel", None),  # the bookmark
        ("Zweiter Text.", None, 900, LocationType.LOCATION, "Zweites Kapitel > Unterkapitel", "blue"),
        # Text without a colour that no highlight claims: a highlight, on roman page xii.
        ("Ohne Farbe.", None, "xii", LocationType.PAGE, "Zweites Kapitel", None),
    ]
    assert [(p.where, p.reason.split(":")[0]) for p in state.problems] == [
        (16, "entry 6, heading 'Notiz - ohne Zahl'")]
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "n.html: 5 entr(y/ies) in a Kindle wording excerpta does not know" in warning


def test_every_real_export_with_its_heading_words_erased_reads_the_same(tmp_path):
    words = re.compile(r"\b(?:Highlight|Note|Bookmark|Page|Location)\b")
    for path in sorted(NOTEBOOKS.glob("*.html")):
        erased = path.read_text(encoding="utf-8")
        # Only inside headings: a passage may say "Note" too.
        erased = re.sub(r"(noteHeading['\"]>)(.*?)(</div>|</h3>)", lambda m: m.group(1) + words.sub(
            lambda w: {"Highlight": "Xyz", "Note": "Qrs", "Bookmark": "Uvw"}.get(w.group(0), "Zz"),
            m.group(2)) + m.group(3), erased, flags=re.DOTALL)
        assert erased != path.read_text(encoding="utf-8"), path.name
        (tmp_path / path.name).write_text(erased, encoding="utf-8")
        known, _ = read_notebook(path.name, bookmarks=True)
        shaped, state = read_notebook(path.name, folder=tmp_path, bookmarks=True)
        assert state.problems == [], path.name
        assert shaped == known, path.name


def test_clippings_and_notebook_of_one_book_combine_into_one_highlight_with_both_sides(run_cli, tmp_path):
    # The notebook knows colours and chapters, My Clippings.txt dates and range ends: read
    # together (in either order, or in two runs on one state), the highlight has all of them.
    notebook = tmp_path / "n.html"
    notebook.write_text(
        '<div class="bookTitle">Walden</div><div class="authors">Thoreau, Henry David</div>'
        '<div class="sectionHeading">Economy</div>'
        '<div class="noteHeading">Highlight(<span class="highlight_blue">blue</span>) - Page 5 · Location 70'
        '</div><div class="noteText">I went to the woods because I wished to live deliberately.</div>',
        encoding="utf-8")
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(
        "Walden (Thoreau, Henry David)\n"
        "- Your Highlight on page 5 | Location 70-72 | Added on Monday, July 4, 1845 9:15:00 AM\n\n"
        "I went to the woods because I wished to live deliberately.\n==========\n", encoding="utf-8")
    combined = ("blue", "Economy", 70, 72, 5, "1845-07-04T09:15:00Z")
    for order in ((clippings, notebook), (notebook, clippings)):
        out = tmp_path / "out.json"
        result = run_cli("convert", *order, "--to", "json", "--out", out, "--timezone", "UTC")
        assert result.exit_code == 0, result.output
        [document] = json.loads(out.read_text())["documents"]
        [highlight] = document["highlights"]
        assert (highlight["color"], highlight["chapter"], highlight["location"], highlight["end_location"],
                highlight["page"], highlight["highlighted_at"]) == combined
    state = tmp_path / "state.sqlite"
    for source in (notebook, clippings, clippings, notebook):
        zone = ("--timezone", "UTC") if source is clippings else ()
        result = run_cli("--state", state, "convert", source, "--to", "json", "--out", tmp_path / "s.json",
                         *zone)
        assert result.exit_code == 0, result.output
    [highlight] = json.loads((tmp_path / "s.json").read_text())["documents"][0]["highlights"]
    fields = ("color", "chapter", "end_location", "highlighted_at")
    assert tuple(highlight[f] for f in fields) == ("blue", "Economy", 72, "1845-07-04T09:15:00Z")


def test_a_folder_of_exports_reads_every_book_and_reports_a_broken_one_alone(run_cli, tmp_path):
    # The corpus folder itself: every export in it, recognised as a folder of notebooks.
    assert registry.detect_reader(InputProbe.of(str(NOTEBOOKS))).name == "kindle-html"
    state = ReadState()
    documents = list(KindleNotebookReader().read(str(NOTEBOOKS), state))
    one_by_one = [read_notebook(path.name)[0] for path in sorted(NOTEBOOKS.glob("*.html"))]
    assert documents == one_by_one
    assert state.problems == []
    # A copy with a broken export among them (it looks like one, but has no title) and a page
    # that is no export at all: the broken one is reported, the page ignored, the rest read.
    folder = tmp_path / "exports"
    folder.mkdir()
    for path in sorted(NOTEBOOKS.glob("*.html"))[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "0-broken.html").write_text('<div class="noteHeading">Highlight - Location 1</div>'
                                          "<!-- bookTitle -->")
    (folder / "saved page.html").write_text("<html><body>Nothing to see</body></html>")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "books.json")
    assert result.exit_code == 1
    assert len(json.loads((tmp_path / "books.json").read_text())["documents"]) == 2
    assert f"{folder / '0-broken.html'}" in result.output
    assert "not a Kindle notebook export (no bookTitle element)" in result.output


def test_a_folder_without_an_export_is_a_user_error(run_cli, tmp_path):
    (tmp_path / "page.html").write_text("<html></html>")
    result = run_cli("convert", tmp_path, "--from", "kindle-html", "--to", "json",
                     "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert "no Kindle notebook export (.html) in this folder" in result.output


def test_an_export_larger_than_one_read_is_read_whole_across_the_pieces(tmp_path):
    # 20,000 entries (about 3 MB): the parser is fed in pieces of a million characters, which
    # cut headings, texts and entities anywhere.
    page = (NOTEBOOKS / "krystofl_example_notebook_en.html").read_text(encoding="utf-8")
    head = page[:page.index('<div class="noteHeading">')]
    entries = "".join(
        f'<div class="noteHeading">Highlight (<span class="highlight_yellow">yellow</span>) - '
        f'Location {n * 10}</div>\n'
        f'<div class="noteText">Passage number {n} &amp; its caf&eacute; line.</div>\n'
        for n in range(1, 20_001))
    (tmp_path / "big.html").write_text(head + entries + "</div></body></html>\n", encoding="utf-8")
    document, state = read_notebook("big.html", folder=tmp_path)
    assert state.problems == []
    assert len(document.highlights) == 20_000
    assert [(h.location, h.text) for h in document.highlights[::4999]] == [
        (n * 10, f"Passage number {n} & its café line.") for n in (1, 5000, 9999, 14998, 19997)]


def test_a_file_far_larger_than_any_export_is_refused_in_one_line(run_cli, tmp_path):
    big = tmp_path / "not-a-notebook.html"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_EXPORT_BYTES + 1)
    result = run_cli("convert", big, "--from", "kindle-html", "--to", "json", "--out", tmp_path / "a.json")
    assert result.exit_code == 2
    assert f"{big}: 100 MB is far more than a Kindle notebook export holds" in result.output
    assert "Traceback" not in result.output
