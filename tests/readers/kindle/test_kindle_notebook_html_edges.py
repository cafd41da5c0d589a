"""The ``kindle-html`` reader on damaged or unusual exports: numbers written the local way,
words that look like roman numerals, text outside the entries, files cut short, and a folder
with a file that cannot be read among good ones.

Inputs are real corpus exports changed by code, or small pages written here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from kindle_reading import NOTEBOOK_HEAD as HEAD
from kindle_reading import NOTEBOOK_TAIL as TAIL
from kindle_reading import NOTEBOOKS
from kindle_reading import notebook_entry as entry
from kindle_reading import read_notebook as read

from excerpta.adapters import ReadState
from excerpta.model import Document, LocationType

KRYSTOFL = NOTEBOOKS / "krystofl_example_notebook_en.html"


def read_page(tmp_path: Path, page: str, **options: bool) -> tuple[Document, ReadState]:
    path = tmp_path / "n.html"
    path.write_text(page, encoding="utf-8")
    [document], state = read(path, **options)
    return document, state


def test_locations_with_the_thousands_separators_of_any_language(tmp_path, caplog):
    page = HEAD + "".join(entry(h) for h in (
        "Markierung - Seite 12 · Position 1.234",
        "Surlignement - Page 12 · Emplacement 1 235",
        "Surlignement - Page 12 · Emplacement 1\u202f236",
        "Highlight - Location 1,237",
        "Highlight - Page 1,024 · Location 5,000",
    )) + TAIL
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        document, state = read_page(tmp_path, page)
    assert state.problems == []
    assert [(h.location, h.page) for h in document.highlights] == [
        (1234, 12), (1235, 12), (1236, 12), (1237, None), (5000, 1024)]
    # Only the three made-up wordings are read by their shape; "Page 1,024" is English.
    assert "3 entr(y/ies) in a Kindle wording excerpta does not know" in caplog.text


def test_a_word_of_roman_numeral_letters_is_no_location_and_roman_numerals_are_pages_only(tmp_path):
    page = HEAD + "".join(entry(h) for h in (
        "Evidenziazione - Pagina 5 · Pos. di lettura 300",  # "di" is DI = 501
        "Markierung - Seite xii · Position 310",
        "Markierung - Seite 3 · Position xii",
        "Markierung - Seite 4 · Position 320",
    )) + TAIL
    document, state = read_page(tmp_path, page)
    assert [(h.location, h.page) for h in document.highlights] == [(300, 5), (310, "xii"), (320, 4)]
    assert [(p.where, p.reason) for p in state.problems] == [
        (6, "entry 3, heading 'Markierung (yellow) - Seite 3 · Position xii': "
            "location 'xii' is not a Kindle location number")]


def test_a_heading_whose_number_cannot_be_read_is_reported_with_its_line_and_the_rest_read(
        run_cli, tmp_path):
    page = HEAD + "".join(entry(h, f"Text {n}.") for n, h in enumerate((
        "Highlight - Location 10",
        "Markierung - Position 1.23",  # not groups of three: 1.23 is no number of a location
        "Highlight - Location 12345678901234",
        "Highlight - Location 20",
    ))) + TAIL
    document, state = read_page(tmp_path, page)
    assert [h.text for h in document.highlights] == ["Text 0.", "Text 3."]
    assert [(p.where, p.reason) for p in state.problems] == [
        (4, "entry 2, heading 'Markierung (yellow) - Position 1.23': "
            "location '1.23' is not a Kindle location number"),
        (6, "entry 3, heading 'Highlight (yellow) - Location 12345678901234': "
            "location '12345678901234' is not a Kindle location number")]
    result = run_cli("convert", tmp_path / "n.html", "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 1
    assert f"{tmp_path / 'n.html'}:4: entry 2" in result.output
    assert "Traceback" not in result.output


def test_text_whose_heading_was_deleted_is_reported_with_its_line_never_read_into_another_entry(
        run_cli, tmp_path):
    # Trimming an export by hand can delete an entry's heading and leave its noteText.
    original = KRYSTOFL.read_text(encoding="utf-8")
    [whole], _ = read(KRYSTOFL)
    note_1855 = '<div class="noteHeading">\nNote -  Location 1855\n</div>\n'
    highlight_1445 = ('<div class="noteHeading">\nHighlight (<span class="highlight_yellow">yellow'
                      '</span>) -  Location 1445\n</div>\n')
    for deleted, line, starts in ((note_1855, 188, "So many Hollywood"),
                                  (highlight_1445, 161, "Good writing")):
        trimmed = tmp_path / "trimmed.html"
        trimmed.write_text(original.replace(deleted, ""), encoding="utf-8")
        [document], state = read(trimmed)
        [problem] = state.problems
        assert problem.where == line
        assert problem.reason.startswith(
            f"text without a heading of its own (was its heading deleted?): '{starts}")
        assert problem.reason.endswith("…'")
        by_location = {h.location: h for h in document.highlights}
        assert by_location.keys() == {h.location for h in whole.highlights}
        for highlight in whole.highlights:  # the others as before; no text moved between entries
            if highlight.location not in (1445, 1855):
                assert by_location[highlight.location] == highlight
        result = run_cli("convert", trimmed, "--to", "json", "--out", tmp_path / "o.json")
        assert result.exit_code == 1
        assert f"{trimmed}:{line}: text without a heading" in result.output
    # 1855 keeps its passage and loses the note; 1445's note, its highlight gone, is its own.
    assert (by_location[1445].text, by_location[1445].note) == (
        "", "Yes! Write what you want, and don't try to impress anyone.")
    assert by_location[592].text == whole.highlights[1].text


def test_text_after_a_section_heading_or_before_any_heading_is_reported_not_taken_in(tmp_path):
    # An empty one after an entry's text holds nothing to lose: not reported.
    page = (HEAD + '<div class="noteText">Before any heading.</div>\n' + entry("Highlight - Location 5")
            + '<div class="sectionHeading">Part Two</div>\n<div class="noteText">Orphan.</div>\n'
            + entry("Highlight - Location 9", "After.") + '<div class="noteText"> </div>' + TAIL)
    document, state = read_page(tmp_path, page)
    assert [(h.location, h.text, h.chapter) for h in document.highlights] == [
        (5, "Text.", None), (9, "After.", "Part Two")]
    assert [(p.where, p.reason) for p in state.problems] == [
        (2, "text without a heading of its own (was its heading deleted?): 'Before any heading.'"),
        (6, "text without a heading of its own (was its heading deleted?): 'Orphan.'")]


def test_a_folder_keeps_reading_past_an_export_that_is_not_readable_html(run_cli, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    good = sorted(NOTEBOOKS.glob("*.html"))[:2]
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    # html.parser refuses this marked section; the file otherwise looks like an export.
    (folder / "0-bad.html").write_text(HEAD + "<![foo[ x ]]>" + entry("Highlight - Location 1") + TAIL)
    documents, state = read(folder)
    assert documents == [read(path)[0][0] for path in good]
    [problem] = state.problems
    assert (problem.source, problem.where) == (str(folder / "0-bad.html"), None)
    assert problem.reason.startswith("not readable as HTML (line 2: unknown status keyword 'foo'")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "books.json")
    assert result.exit_code == 1
    assert len(json.loads((tmp_path / "books.json").read_text())["documents"]) == 2


def test_a_script_or_footer_after_the_last_entry_never_becomes_text(tmp_path, caplog):
    original = KRYSTOFL.read_text(encoding="utf-8")
    with_script = tmp_path / KRYSTOFL.name
    with_script.write_text(original.replace("</body>", '<script>console.log("x")</script></body>'),
                           encoding="utf-8")
    assert read(with_script) == read(KRYSTOFL)
    assert read(KRYSTOFL)[0][0].highlights[-1].text.endswith("Drink and be filled up.")
    footer = "<p>Exported from Kindle for iPhone</p>\n<style>p { color: red }</style>\n"
    document, _ = read_page(tmp_path, HEAD + entry("Highlight - Location 5", "ok") + footer + TAIL)
    assert [h.text for h in document.highlights] == ["ok"]
    # A bookmark last: its heading does not take the footer in (nor read as a made-up wording).
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        document, state = read_page(tmp_path, HEAD + entry("Bookmark - Page 9 · Location 40", None, "")
                                    + footer + TAIL, bookmarks=True)
    assert [(h.text, h.location, h.page) for h in document.highlights] == [("", 40, 9)]
    assert (state.problems, caplog.text) == ([], "")


def test_paragraphs_inside_an_entry_are_its_lines(tmp_path):
    document, _ = read_page(tmp_path, HEAD + entry("Highlight - Location 5",
                                                   "<p>Para one.</p><p>Para <b>two</b>.</p>") + TAIL)
    assert document.highlights[0].text == "Para one.\nPara two."


def test_an_export_cut_short_warns_and_skips_the_entry_it_cuts(run_cli, tmp_path, caplog):
    original = KRYSTOFL.read_text(encoding="utf-8")
    [whole], _ = read(KRYSTOFL)
    cut = tmp_path / "cut.html"
    cut.write_text(original[:original.index("Drink and be filled up.") + 5], encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        [document], state = read(cut)
    assert f"{cut}: ends before </body></html>: the file looks cut short" in caplog.text
    assert document.highlights == whole.highlights[:-1]
    [problem] = state.problems
    assert problem.reason.startswith("entry 13, heading 'Highlight (yellow) - Location 3251': "
                                     "cut short by the end of the file")
    # Cut right after a heading: its text may be lost, so the entry is not taken for a bookmark.
    cut.write_text(original[:original.rindex('<div class="noteText">')], encoding="utf-8")
    [document], state = read(cut, bookmarks=True)
    assert document.highlights == whole.highlights[:-1]
    assert len(state.problems) == 1
    result = run_cli("convert", cut, "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 1


def test_locations_read_the_same_from_a_thousands_separated_copy_of_a_real_export(tmp_path):
    # Every real location above 999 rewritten "1.445" (German style) reads the same.
    original = KRYSTOFL.read_text(encoding="utf-8")
    [whole], _ = read(KRYSTOFL)
    dotted = original
    for highlight in whole.highlights:
        number = int(str(highlight.location))
        if number > 999:
            dotted = dotted.replace(f"Location {number}", f"Location {number // 1000}.{number % 1000:03}")
    assert dotted != original
    (tmp_path / KRYSTOFL.name).write_text(dotted.replace("Highlight (", "Markierung ("), encoding="utf-8")
    [document], state = read(tmp_path / KRYSTOFL.name)
    assert state.problems == []
    assert [h.location for h in document.highlights] == [h.location for h in whole.highlights]
    assert all(h.location_type is LocationType.LOCATION for h in document.highlights)


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux's /proc")
def test_a_folder_reports_an_html_file_it_cannot_read_and_names_the_html_that_is_no_export(
        tmp_path, caplog):
    folder = tmp_path / "exports"
    folder.mkdir()
    good = sorted(NOTEBOOKS.glob("*.html"))[:2]
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "bin.html").write_bytes(bytes(range(256)) * 40)
    (folder / "other.html").write_text("<html><body><p>My reading list</p></body></html>\n")
    # A file the machine refuses to read even to root: /proc/self/mem at offset 0 is EIO.
    (folder / "mem.html").symlink_to("/proc/self/mem")
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        documents, state = read(folder)
    assert documents == [read(path)[0][0] for path in good]
    [problem] = state.problems
    assert (problem.source, problem.where) == (str(folder / "mem.html"), None)
    assert problem.reason == "cannot be read: Input/output error"
    [warning] = [r.getMessage() for r in caplog.records if "not Kindle notebook exports" in r.getMessage()]
    assert warning.endswith(": 2 HTML file(s) that are not Kindle notebook exports were left out: "
                            "bin.html, other.html")


def test_elements_nested_past_the_cap_are_read_as_text_and_said_once(tmp_path, caplog):
    # Hostile nesting: tracking every open element made each end tag cost the depth (200,000
    # levels took 40 s); past MAX_OPEN_ELEMENTS only a count is kept, and the entries after it
    # are read as always.
    deep = "<b>" * 3000 + "Deep <i>text</i>." + "<span/>" + "</b>" * 3000
    unclosed = "<b>" * 3000 + "Never closed."
    page = HEAD + entry("Highlight - Location 5", deep) + entry("Highlight - Location 9", unclosed) \
        + entry("Highlight - Location 12", "After.") + TAIL
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        [document], state = read(tmp_path / "deep.html")
    assert state.problems == []
    assert [(h.location, h.text) for h in document.highlights] == [
        (5, "Deep text."), (9, "Never closed."), (12, "After.")]
    assert caplog.text.count("elements nested more than 256 deep") == 1
    assert f"{tmp_path / 'deep.html'}:3: elements nested" in caplog.text
