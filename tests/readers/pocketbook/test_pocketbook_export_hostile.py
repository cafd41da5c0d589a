"""A PocketBook export mangled or hostile: tags closed in the wrong order or not at all, scripts,
nesting 200,000 deep, attributes of a megabyte, a file cut short or far too large. Each note is
read as itself or reported, never merged with another, never a crash."""

from __future__ import annotations

import logging
import time

import pytest
from pocketbook_exports import HEAD, TAIL, entry, export_html, read_export, write_export

from excerpta.errors import InputError

AUSTEN = "It is a truth universally acknowledged."
BENNET = "My dear Mr. Bennet, have you heard?"
BOOK = ('<div class="bookmark"><h1>2024-05-02 18:31:07 - Pride and Prejudice</h1></div>\n'
        '<div class="bookmark"><span>Jane Austen</span></div>\n')


def _read(tmp_path, body: str, **kwargs: object):
    text = HEAD.format(date="2024-05-02 18:31:07", title="Pride and Prejudice") + BOOK + body + TAIL
    return read_export(write_export(tmp_path / "x.html", text), **kwargs)


def test_a_block_whose_end_tag_is_missing_ends_where_the_next_block_starts(tmp_path):
    body = ('<div id="A" class="bookmark bm-color-red"><p class="bm-page">1</p>'
            f'<div class="bm-text"><p>{AUSTEN}</p></div>\n'  # no </div> for the block
            f'<div id="B" class="bookmark bm-color-blue"><p class="bm-page">2</p>'
            f'<div class="bm-text"><p>{BENNET}</p></div></div>\n')
    (document,), state = _read(tmp_path, body)
    assert [(h.text, h.location, h.color) for h in document.highlights] == [
        (AUSTEN, 1, "red"), (BENNET, 2, "blue")]
    assert state.problems == []


def test_tags_closed_in_the_wrong_order_keep_each_part_apart(tmp_path):
    body = ('<div id="A" class="bookmark"><p class="bm-page">7</div>'  # </div> for </p>
            f'<div class="bm-text"><p>{AUSTEN}</div></p>'
            '<div class="bm-note"><p>Irony.</p></div></div>\n')
    (document,), _ = _read(tmp_path, body)
    assert [(h.text, h.location, h.note) for h in document.highlights] == [(AUSTEN, 7, "Irony.")]


def test_script_and_style_text_is_never_read(tmp_path):
    text = f"{AUSTEN}<script>alert('pwned')</script><style>p {{}}</style> Indeed."
    (document,), _ = _read(tmp_path, entry(text, 1, "A <script>document.cookie</script>note."))
    assert (document.highlights[0].text, document.highlights[0].note) == (f"{AUSTEN} Indeed.", "A note.")


def test_markup_inside_a_passage_is_read_as_its_text(tmp_path):
    (document,), _ = _read(tmp_path, entry("A <b>bold</b> &amp; <i>brave</i><br/>line", 1))
    assert document.highlights[0].text == "A bold & brave\nline"


def test_nesting_200000_deep_reads_in_linear_time_and_warns(tmp_path, caplog):
    deep = "<span>" * 200_000 + "deep" + "</span>" * 200_000
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        (document,), _ = _read(tmp_path, entry(deep, 1) + entry(BENNET, 2))
    assert time.monotonic() - started < 20
    assert [h.text for h in document.highlights] == ["deep", BENNET]
    assert "nested more than 256 deep" in caplog.text


def test_an_attribute_of_a_megabyte_is_dropped_not_kept(tmp_path):
    huge = "F" * 2**20
    body = (f'<div id="{huge}" class="bookmark bm-color-green"><p class="bm-page">3</p>'
            f'<div class="bm-text" title="{huge}"><p>{AUSTEN}</p></div></div>\n')
    (document,), _ = _read(tmp_path, body)
    (highlight,) = document.highlights
    assert (highlight.text, highlight.external_ids, highlight.color) == (AUSTEN, {}, "green")


def test_a_file_cut_short_reports_its_last_entry_and_reads_the_others(tmp_path, caplog):
    text = export_html([entry(AUSTEN, 1), entry(BENNET, 2)])
    path = write_export(tmp_path / "x.html", text[: text.index(BENNET) + 10])
    with caplog.at_level(logging.WARNING):
        (document,), state = read_export(path)
    assert [h.text for h in document.highlights] == [AUSTEN]
    assert [(p.where, p.reason) for p in state.problems] == [
        (22, "an entry cut short by the end of the file (its text is incomplete)")]
    assert "looks cut short" in caplog.text


def test_a_file_far_larger_than_an_export_is_refused_before_it_is_read(tmp_path):
    path = write_export(tmp_path / "x.html", export_html([entry(AUSTEN, 1)]))
    with path.open("r+b") as handle:
        handle.truncate(101 * 2**20)  # sparse: nothing is written
    with pytest.raises(InputError, match=r"101 MB is far more than a PocketBook notes export holds"):
        read_export(path)


@pytest.mark.parametrize("garbage", ["<!DOCTYPE", "<![CDATA[", "<!--", "</", "<div class=", "&#xFFFFFFFF;",
                                     "<?xml", "\x00\x00\x00"])
def test_a_broken_construct_after_the_notes_is_read_past_or_refused_in_one_line(tmp_path, garbage):
    text = export_html([entry(AUSTEN, 1)]).replace(TAIL, garbage)
    path = write_export(tmp_path / "x.html", text)
    message, documents = "", []
    try:
        documents, _ = read_export(path)
    except InputError as err:
        message = str(err)
    assert not message or (message.startswith(str(path)) and "\n" not in message)
    assert [h.text for d in documents for h in d.highlights] in ([AUSTEN], [])


def test_a_title_left_open_ends_where_the_notes_begin(tmp_path):
    text = export_html([entry(AUSTEN, 1)]).replace("</title>", "", 1)
    (document,), _ = read_export(write_export(tmp_path / "x.html", text))
    assert (document.title, document.author) == ("Pride and Prejudice", "Jane Austen")
    assert [h.text for h in document.highlights] == [AUSTEN]
