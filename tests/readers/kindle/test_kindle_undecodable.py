"""A clippings file that is not in the encoding it is read in: read on, and said where. A byte
that is not UTF-8 is read as Windows-1252 (what an old editor re-saved the file as), the UTF-8
around it as UTF-8 (what the Kindle appended since)."""

from __future__ import annotations

import io

from kindle_reading import read_text

from excerpta.readers.undecodable import MARK_ERRORS, MarkedText

SEP = "=========="
HIGHLIGHT = ("Walden (Thoreau, Henry David)\r\n- Your Highlight on page 5 | Location 70-72 | Added on "
             "Monday, July 4, 1845 9:15:00 AM\r\n\r\nI went to the woods.\r\n" + SEP + "\r\n")


def test_a_windows_1252_file_is_read_and_its_undecodable_lines_reported_once(tmp_path):
    accented = HIGHLIGHT.replace("Location 70-72", "Location 90-92").replace("woods", "bois à café")
    read = read_text(tmp_path, (HIGHLIGHT + accented + accented.replace("70", "80")).encode("cp1252"))
    [problem] = read.problems
    assert (problem.where, problem.reason) == (
        9, "2 line(s) hold bytes that are not UTF-8, read as Windows-1252 (the first is this line): "
           "re-save the file as UTF-8")
    assert [h.text for h in read.highlights()] == ["I went to the woods.", "I went to the bois à café."]


def test_a_re_saved_file_the_kindle_appended_to_reads_each_part_in_its_encoding(tmp_path):
    # Notepad's "ANSI" re-save, then the Kindle's next highlights in UTF-8: one book, its
    # accented title and date the same in both parts, so its highlights are one document.
    german = ("Die Verwandlung (Kafka, Franz)\r\n- Ihre Markierung bei Position 1138-1140 | "
              "Hinzugefügt am Samstag, 3. März 2021 17:52:09\r\n\r\nAls Gregor Samsa erwachte, Käfer.\r\n"
              + SEP + "\r\n")
    later = german.replace("1138-1140", "1200-1202").replace("Als", "Später")
    read = read_text(tmp_path, german.encode("cp1252") + later.encode("utf-8"))
    assert [(p.where, p.reason[:45]) for p in read.problems] == [
        (2, "2 line(s) hold bytes that are not UTF-8, read")]
    [document] = read.documents
    assert document.title == "Die Verwandlung"
    assert [(h.text, h.highlighted_at.isoformat()[:19]) for h in document.highlights] == [
        ("Als Gregor Samsa erwachte, Käfer.", "2021-03-03T17:52:09"),
        ("Später Gregor Samsa erwachte, Käfer.", "2021-03-03T17:52:09")]


def test_a_cut_utf8_sequence_or_a_byte_windows_1252_has_no_letter_for_is_a_replacement_character(tmp_path):
    # E2 80 is the start of "—" (E2 80 94) cut short: damage, not the Windows-1252 "â€".
    data = HIGHLIGHT.encode("cp1252").replace(b"the woods", b"the \xe2\x80 woods \x81 caf\xe9")
    read = read_text(tmp_path, data)
    assert [h.text for h in read.highlights()] == ["I went to the \ufffd woods \ufffd café."]
    assert read.problems[0].reason == (
        "1 line(s) hold bytes that are not UTF-8, read as Windows-1252, '\ufffd' where a UTF-8 sequence "
        "is cut short (the first is this line): re-save the file as UTF-8")
    only_cut = read_text(tmp_path, HIGHLIGHT.encode().replace(b"the woods", b"the \xe2\x80 woods"))
    assert only_cut.problems[0].reason.startswith(
        "1 line(s) hold bytes that are not UTF-8, read as '\ufffd' where a UTF-8 sequence is cut short (")


def test_a_valid_replacement_character_is_no_problem(tmp_path):
    read = read_text(tmp_path, HIGHLIGHT.replace("woods", "woods \ufffd"))
    assert read.problems == []
    assert read.highlights()[0].text == "I went to the woods \ufffd."


def test_a_broken_utf16_file_is_reported_not_a_crash(tmp_path):
    data = b"\xff\xfe" + HIGHLIGHT.encode("utf-16-le") + b"\x00\xd8\x41"  # a lone surrogate, an odd byte
    read = read_text(tmp_path, data)
    assert [(p.where, p.reason[:40]) for p in read.problems] == [
        (6, "a title line with no metadata line"), (6, "1 line(s) hold bytes that are not UTF-16")]
    assert read.highlights()[0].text == "I went to the woods."


def test_a_line_cut_between_two_reads_counts_once_and_not_again_after_a_seek_to_the_start():
    data = b"ok\ncaf\xe9 cr\xe8me\nok\n\xff"
    raw = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=MARK_ERRORS)
    handle = MarkedText(raw)
    assert "".join(iter(lambda: handle.read(5), "")) == "ok\ncafé crème\nok\nÿ"
    assert (handle.lines, handle.first_line) == (2, 2)
    handle.seek(0)
    assert list(handle) == ["ok\n", "café crème\n", "ok\n", "ÿ"]
    assert (handle.lines, handle.first_line) == (2, 2)
