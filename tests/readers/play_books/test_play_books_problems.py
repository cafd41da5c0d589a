"""What the ``play-books`` reader refuses (a whole input, one line naming it) and reports (one
row, the others read)."""

from __future__ import annotations

import pytest
from play_books_docs import (
    BANNER,
    GREEN,
    Row,
    notes_of,
    web_page,
    web_page_zip,
    word_file,
    write_zip,
)
from play_books_reading import read_file

from excerpta.errors import InputError
from excerpta.readers.play_books import files
from zip_members import opened_members

from paths import CORPUS

GOOD = Row("Simplicity of life.", page="12", pg="GBS.PA12")
LATER = Row("Heaven is under our feet as well as over our heads.", page="283", colour=GREEN, pg="GBS.PA283")


def refusal(path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


def test_a_kindle_notebook_export_is_no_notes_document():
    export = sorted((CORPUS / "kindle_notebook_html").glob("*.html"))[0]
    assert "not a Google Play Books notes document: no book title" in refusal(export)


def test_a_page_with_a_title_table_but_no_mark_of_play_books_is_refused(tmp_path):
    page = tmp_path / "letter.html"
    page.write_text(web_page(notes_of(("Economy", [Row("Dear reader.")]), banner=())), encoding="utf-8")
    assert "neither Play Books' banner nor a link into Play Books in it" in refusal(page)


def test_a_word_file_of_another_document_is_refused(tmp_path):
    letter = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
              '2006/main"><w:body><w:p><w:r><w:t>Dear reader,</w:t></w:r></w:p></w:body></w:document>')
    path = word_file(tmp_path / "letter.docx", notes_of(), document=letter)
    assert "not a Google Play Books notes document: no book title" in refusal(path)


def test_a_zip_without_a_page_or_a_word_document_is_refused(tmp_path):
    path = write_zip(tmp_path / "photos.zip", {"images/image1.png": b"\x89PNG"})
    assert "a zip archive without a Play Books notes document" in refusal(path)


def test_a_download_cut_short_is_refused_as_a_damaged_zip(tmp_path):
    whole = web_page_zip(tmp_path / "whole.zip", notes_of(("Economy", [GOOD]))).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "not a readable zip archive" in refusal(cut)


def test_a_docx_that_is_no_zip_is_refused(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_text("Simplicity of life.", encoding="utf-8")
    assert "not a readable zip archive" in refusal(path)


def test_word_xml_that_is_not_well_formed_is_refused_with_its_line(tmp_path):
    path = word_file(tmp_path / "a.docx", notes_of(), document="<document>\n<body></document>")
    assert "word/document.xml is not well-formed XML (line 2" in refusal(path)


def test_word_xml_declaring_entities_is_refused_before_they_expand(tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              '<d>&b;&b;&b;</d>')
    path = word_file(tmp_path / "a.docx", notes_of(), document=laughs)
    assert "word/document.xml declares a document type, which Word never writes" in refusal(path)


def test_a_member_declaring_more_than_the_bound_is_refused_unopened(tmp_path, monkeypatch):
    path = web_page_zip(tmp_path / "a.zip", notes_of(("Economy", [GOOD] * 50)))
    monkeypatch.setattr(files, "MAX_NOTES_BYTES", 4096)
    opened = opened_members(monkeypatch)
    message = refusal(path)
    assert "NotesfromWalden.html is larger than 0 MB (with the parts read before it), more than" in message
    assert opened == []


def test_a_page_larger_than_the_bound_is_refused(tmp_path, monkeypatch):
    page = tmp_path / "a.html"
    page.write_text(web_page(notes_of(("Economy", [GOOD]))), encoding="utf-8")
    monkeypatch.setattr(files, "MAX_NOTES_BYTES", 1024)
    assert "far more than a Play Books notes document holds" in refusal(page)


def test_a_row_without_a_passage_is_reported_and_the_others_are_read(tmp_path):
    empty = Row("", page="13", pg="GBS.PA13")
    path = word_file(tmp_path / "a.docx", notes_of(("Economy", [GOOD, empty, LATER])))
    read = read_file(path)
    assert read.texts() == [GOOD.text, LATER.text]
    (problem,) = read.problems
    assert str(problem) == (f"{path}: row 2: one paragraph, 'May 5, 2021', and no coloured passage "
                            "(expected the highlighted passage above its date); skipped")
    assert not problem.kept


def test_a_row_whose_last_cell_is_no_page_is_reported(tmp_path):
    path = web_page_zip(tmp_path / "a.zip", notes_of(("Economy", [GOOD, Row("Lost.", page="x" * 30), LATER])))
    read = read_file(path)
    assert read.texts() == [GOOD.text, LATER.text]
    (problem,) = read.problems
    assert problem.where == "row 2"
    assert problem.reason.startswith(f"its last cell holds '{'x' * 30}', not a page number")


def test_a_document_whose_every_row_is_bad_gives_no_document(tmp_path):
    path = word_file(tmp_path / "a.docx", notes_of(("Economy", [Row("", page="1"), Row("", page="2")])))
    read = read_file(path)
    assert read.documents == []
    assert [problem.where for problem in read.problems] == ["row 1", "row 2"]


def test_days_that_do_not_read_leave_their_highlights_undated_reported_once(tmp_path):
    rows = [Row("Eins.", day="5. Mai 2021", page="1", pg="GBS.PA1"), GOOD, Row("Zwei.", day="6. Mai 2021")]
    read = read_file(word_file(tmp_path / "a.docx", notes_of(("Economy", rows))))
    one, good, two = read.document.highlights
    assert (one.highlighted_at, two.highlighted_at) == (None, None)
    assert good.highlighted_at is not None
    (problem,) = read.problems
    assert problem.kept
    assert problem.where == "row 1 (page 1)"
    assert problem.reason == ("date '5. Mai 2021', which is no date excerpta reads ('May 5, 2021', "
                              "'2021年5月5日' or '2021-05-05'); 2 highlights of this document read "
                              "without a date")
    assert read.state.left_out[one.id] == {"highlighted_at"}
    assert good.id not in read.state.left_out


def test_a_row_without_its_day_is_kept_undated(tmp_path):
    read = read_file(web_page_zip(tmp_path / "a.zip", notes_of(("Economy", [Row("Undated.", day="")]))))
    assert read.document.highlights[0].highlighted_at is None
    assert [problem.reason for problem in read.problems] == [
        "no date; 1 highlight of this document read without a date"]


def test_a_row_without_a_colour_leaves_the_librarys_colour(tmp_path):
    rows = [Row("Plain.", colour=None, pg="GBS.PA1"), Row("Coloured.", page="2")]
    read = read_file(word_file(tmp_path / "a.docx", notes_of(("Economy", rows))))
    plain = read.document.highlights[0]
    assert (plain.text, plain.color) == ("Plain.", None)
    assert read.state.left_out[plain.id] == {"color"}


def test_tables_nested_past_the_bound_are_read_as_text_not_rows(tmp_path):
    deep = "<table><tr><td>" * 40 + "Deep." + "</td></tr></table>" * 40
    page = tmp_path / "a.html"
    html = web_page(notes_of(("Economy", [GOOD])))
    page.write_text(html.replace("</body>", deep + "</body>"), encoding="utf-8")
    assert read_file(page).texts() == [GOOD.text]


def test_the_banner_alone_marks_a_document_without_highlights(tmp_path):
    read = read_file(word_file(tmp_path / "a.docx", notes_of(banner=BANNER)))
    assert (read.document.title, read.document.highlights, read.problems) == ("Walden", [], [])


def test_a_zip_whose_pages_are_all_something_else_is_refused(tmp_path):
    path = write_zip(tmp_path / "site.zip", {"a.html": "<p>A</p>", "b.html": "<p>B</p>"})
    assert "no Google Play Books notes document among its pages (a.html, b.html)" in refusal(path)


def test_an_author_play_books_calls_unknown_leaves_the_librarys(tmp_path):
    notes = notes_of(("Preface", [GOOD]), author="Unknown")
    read = read_file(word_file(tmp_path / "a.docx", notes))
    assert read.document.author is None
    assert read.state.document_left_out[read.document.id] == {"author"}


def test_a_table_inside_a_rows_cell_is_read_as_that_cells_text(tmp_path):
    html = web_page(notes_of(("Economy", [GOOD])))
    nested = '<td class="c1" colspan="1" rowspan="1"><table><tr><td>note</td></tr></table>'
    page = tmp_path / "a.html"
    page.write_text(html.replace('<td class="c1" colspan="1" rowspan="1"><p class="c3"><span class="c21">',
                                 nested + '<p class="c3"><span class="c21">', 1), encoding="utf-8")
    assert read_file(page).texts() == [GOOD.text]
