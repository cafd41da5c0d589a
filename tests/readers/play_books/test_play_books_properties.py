"""Properties of the ``play-books`` reader: any bytes, any page or Word XML made of a notes
document's pieces, are read or refused in one line naming the input, never a crash; a
generated document reads back what it was made of."""

from __future__ import annotations

import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from play_books_docs import BANNER, Row, notes_of, web_page, web_page_zip, word_file, write_zip
from play_books_pngs import PNG_SIGNATURE, swatch_png
from play_books_reading import Read, read_file

from excerpta.adapters import InputProbe
from excerpta.errors import InputError
from excerpta.readers.play_books import PlayBooksReader
from excerpta.readers.play_books.swatches import swatch_colour

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_or_refused(path: Path) -> Read | None:
    """The read of ``path``, or None when it was refused as a whole (in one line naming it)."""
    assert 0 <= PlayBooksReader.recognize(InputProbe.of(str(path))) <= 100
    try:
        read = read_file(path)
    except InputError as err:
        message = str(err)
    else:
        for problem in read.problems:
            assert problem.source == str(path)
            assert problem.reason
            assert "\n" not in problem.reason
        return read
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return None


def fresh(folder: Path, suffix: str) -> Path:
    return folder / f"{uuid.uuid4().hex}{suffix}"


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".html", ".docx", ".zip", ""]))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path, data, suffix):
    path = fresh(tmp_path, suffix)
    path.write_bytes(data)
    read_or_refused(path)


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=3000), member=st.sampled_from(["word/document.xml", "notes.html",
                                                               "word/_rels/document.xml.rels"]))
def test_arbitrary_bytes_inside_an_archive_never_crash_the_reader(tmp_path, data, member):
    members = {member: data}
    if member != "word/document.xml" and member.startswith("word/"):
        members["word/document.xml"] = "<d/>"
    read_or_refused(write_zip(fresh(tmp_path, ".docx"), members))


HTML_PIECES = st.sampled_from([
    "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", '<td style="background-color:#93e3ed">',
    "<h1>", "</h1>", "<h2>", "</h2>", "<p>", "</p>", "<br>", "<span class=\"c1\">", "</span>",
    '<span style="background-color:#fde096">', '<a href="https://www.google.com/url?q=http://play.google.com/'
    'books/reader?id%3Dab%26pg%3DGBS.PA1&amp;sa=D">', '<a href="javascript:x">', "</a>", "<style>",
    ".c1{background-color:#c5e1a5}", "</style>", "<script>", "</script>", "<!--", "-->", "<![CDATA[",
    "<!DOCTYPE html>", "<img src=x>", "<td/>", BANNER[0], "May 5, 2021", "12", "xii", "Walden", "Unknown",
    "2021年5月5日", "&amp;", "&#0;", "&#xD800;", "\x00", "\ufeff", "é", " ", "\n",
])


@PROPERTY_SETTINGS
@given(pieces=st.lists(st.one_of(HTML_PIECES, st.text(max_size=20)), max_size=80))
def test_pages_made_of_notes_pieces_never_crash_the_reader(tmp_path, pieces):
    path = fresh(tmp_path, ".html")
    path.write_text("".join(pieces), encoding="utf-8", errors="surrogatepass")
    read_or_refused(path)


PARAGRAPHS = st.lists(st.sampled_from([
    "<p>May 5, 2021</p>", '<p><span style="background-color:#fde096">Passage.</span></p>', "<p>Note.</p>",
    '<p><a href="http://play.google.com/books/reader?id=ab&amp;pg=GBS.PA1">1</a></p>', "<h2>Chapter</h2>",
    "<h1>Section</h1>", "<p></p>", '<img src="images/image2.png">', "<p>xii</p>", BANNER[0],
]), max_size=4).map("".join)
TABLES = st.recursive(PARAGRAPHS, lambda inner: st.lists(st.lists(inner, min_size=1, max_size=4), min_size=1,
                                                         max_size=3).map(
    lambda rows: "<table>" + "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                                     for row in rows) + "</table>"), max_leaves=24)


@PROPERTY_SETTINGS
@given(body=st.lists(TABLES, max_size=6).map("".join))
def test_pages_of_any_nesting_of_notes_tables_never_crash_the_reader(tmp_path, body):
    header = web_page(notes_of()).replace("</body></html>", "")
    path = fresh(tmp_path, ".html")
    path.write_text(header + body + "</body></html>", encoding="utf-8")
    read = read_or_refused(path)
    assert read is not None  # the header and banner make it a notes document, whatever follows


WORD_PIECES = st.sampled_from([
    "<w:tbl>", "</w:tbl>", "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>", "<w:p>", "</w:p>", "<w:r>", "</w:r>",
    "<w:t>", "</w:t>", "<w:rPr>", "</w:rPr>", '<w:shd w:fill="FDE096"/>', '<w:shd w:fill="auto"/>',
    '<w:highlight w:val="yellow"/>', "<w:pPr>", "</w:pPr>", '<w:pStyle w:val="Heading1"/>',
    '<w:pStyle w:val="Heading2"/>', '<w:hyperlink r:id="rId1">', '<w:hyperlink r:id="nope">',
    "</w:hyperlink>",
    "<w:br/>", "<w:tab/>", "<w:tcPr>", "</w:tcPr>", BANNER[0], "May 5, 2021", "12", "Walden", "&amp;", "&lt;",
])
WORD_HEAD = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>')


@PROPERTY_SETTINGS
@given(pieces=st.lists(st.one_of(WORD_PIECES, st.text(alphabet="ab <>&/", max_size=10)), max_size=80),
       closed=st.booleans())
def test_word_files_made_of_notes_pieces_never_crash_the_reader(tmp_path, pieces, closed):
    document = WORD_HEAD + "".join(pieces) + ("</w:body></w:document>" if closed else "")
    read_or_refused(word_file(fresh(tmp_path, ".docx"), notes_of(), document=document))


PASSAGES = st.text(st.sampled_from("abcdeéß “”'&<>"), min_size=1, max_size=30).filter(str.strip)


@PROPERTY_SETTINGS
@given(rows=st.lists(st.tuples(PASSAGES, st.integers(1, 999), st.booleans()), min_size=1, max_size=6,
                     unique_by=lambda row: (" ".join(row[0].split()), row[1])),
       word=st.booleans())
def test_a_generated_document_reads_back_each_passage_page_and_note(tmp_path, rows, word):
    made = [Row(text, page=str(page), note="Noted." if noted else None, pg=f"GBS.PA{page}")
            for text, page, noted in rows]
    notes = notes_of(("Chapter", made))
    path = (word_file(fresh(tmp_path, ".docx"), notes) if word
            else web_page_zip(fresh(tmp_path, ".zip"), notes))
    read = read_or_refused(path)
    assert read is not None
    assert read.problems == []
    assert [(h.text, h.location, h.note) for h in read.document.highlights] == [
        (" ".join(row.text.split()), int(row.page), row.note) for row in made]


def test_the_page_of_a_generated_document_is_the_one_read(tmp_path):
    # What the property above writes is a notes document at all: recognised, as the examples are.
    path = tmp_path / "a.html"
    path.write_text(web_page(notes_of(("Chapter", [Row("x", pg="GBS.PA1")]))), encoding="utf-8")
    assert PlayBooksReader.recognize(InputProbe.of(str(path))) == 90


@PROPERTY_SETTINGS
@given(tail=st.binary(max_size=400), cut=st.integers(0, 200))
def test_any_bytes_as_a_swatch_give_a_colour_or_none_never_a_crash(tail, cut):
    data = swatch_png((244, 143, 177))
    for candidate in (tail, PNG_SIGNATURE + tail, data[:cut] + tail, data[:cut] + tail + data[cut:]):
        colour = swatch_colour(candidate)
        assert colour is None or len(colour) == 6
