"""A clippings file that is not in the encoding it is read in: read on, and said where."""

from __future__ import annotations

import io

from kindle_reading import read_text

from excerpta.readers.kindle.undecodable import MARK_ERRORS, MarkedText

SEP = "=========="
HIGHLIGHT = ("Walden (Thoreau, Henry David)\r\n- Your Highlight on page 5 | Location 70-72 | Added on "
             "Monday, July 4, 1845 9:15:00 AM\r\n\r\nI went to the woods.\r\n" + SEP + "\r\n")


def test_a_windows_1252_file_is_read_and_its_undecodable_lines_reported_once(tmp_path):
    accented = HIGHLIGHT.replace("Location 70-72", "Location 90-92").replace("woods", "bois à café")
    read = read_text(tmp_path, (HIGHLIGHT + accented + accented.replace("70", "80")).encode("cp1252"))
    [problem] = read.problems
    assert (problem.where, problem.reason) == (
        9, "2 line(s) hold bytes that are not UTF-8, read as '\ufffd' (the first is this line): "
           "re-save the file as UTF-8")
    assert [h.text for h in read.highlights()] == [
        "I went to the woods.", "I went to the bois \ufffd caf\ufffd."]


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
    assert "".join(iter(lambda: handle.read(5), "")) == "ok\ncaf\ufffd cr\ufffdme\nok\n\ufffd"
    assert (handle.lines, handle.first_line) == (2, 2)
    handle.seek(0)
    assert list(handle) == ["ok\n", "caf\ufffd cr\ufffdme\n", "ok\n", "\ufffd"]
    assert (handle.lines, handle.first_line) == (2, 2)
