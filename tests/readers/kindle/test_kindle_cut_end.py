"""A ``My Clippings.txt`` that ends inside its last record (the Kindle unplugged while writing it):
the record is read as it is and reported as maybe cut off (read in part), while a file that
merely lacks its last line break, or whose separators a tool stripped, reads without a word.
Inputs are a corpus file cut by code."""

from __future__ import annotations

import pytest
from kindle_reading import CLIPPINGS, read_path, read_text

SIMPLE = CLIPPINGS / "hadynz_simple.txt"
SEPARATOR = "=========="
REASON = (f"the last record has no closing {SEPARATOR} line: it may be cut off (the Kindle unplugged "
          "while writing?); read as it is")


def _second_record() -> tuple[bytes, int]:
    # The corpus file up to the end of its second record's text, and that record's title line.
    data = SIMPLE.read_bytes()
    first_separator = data.index(b"\n" + SEPARATOR.encode() + b"\n")
    second_separator = data.index(b"\n" + SEPARATOR.encode() + b"\n", first_separator + 1)
    return data[:second_separator], data[:first_separator].count(b"\n") + 3


@pytest.mark.parametrize("tail", [
    pytest.param(lambda text: text[: len(text) - 40], id="cut mid-text"),
    pytest.param(lambda text: text + b"\n", id="cut after the text"),
    pytest.param(lambda text: text + b"\n=====", id="cut inside the separator"),
])
def test_a_file_ending_inside_its_last_record_reads_it_and_reports_it_maybe_cut(tmp_path, run_cli, tail):
    text, title_line = _second_record()
    read = read_text(tmp_path, tail(text))
    assert [(p.where, p.reason, p.kept) for p in read.problems] == [(title_line, REASON, True)]
    highlights = read.highlights()
    assert len(highlights) == 2
    assert highlights[1].text.startswith("EEG readouts measured")
    result = run_cli("convert", tmp_path / "My Clippings.txt", "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 1


@pytest.mark.parametrize("cut", range(1, len(SEPARATOR)))
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_file_cut_inside_its_last_separator_keeps_no_part_of_it_in_the_text(tmp_path, cut, newline):
    text, title_line = _second_record()
    whole = read_text(tmp_path, text + b"\n" + SEPARATOR.encode() + b"\n").highlights()
    cut_text = (text + b"\n" + SEPARATOR[:cut].encode()).replace(b"\n", newline.encode())
    read = read_text(tmp_path, cut_text)
    assert [(p.where, p.kept) for p in read.problems] == [(title_line, True)]
    assert [h.text for h in read.highlights()] == [h.text for h in whole]
    assert not read.highlights()[1].text.endswith("=")


@pytest.mark.parametrize("tail", [b"", b"\n", b"\r\n\r\n  \n"])
def test_a_file_ending_with_a_separator_with_or_without_a_line_break_is_complete(tmp_path, tail):
    text, _ = _second_record()
    read = read_text(tmp_path, text + b"\n" + SEPARATOR.encode() + tail)
    assert read.problems == []
    assert len(read.highlights()) == 2


def test_a_file_whose_separators_were_all_stripped_is_not_taken_for_a_cut_one(tmp_path):
    data = SIMPLE.read_bytes().replace(SEPARATOR.encode() + b"\n", b"\n").removesuffix(SEPARATOR.encode())
    assert SEPARATOR.encode() not in data
    read = read_text(tmp_path, data)
    assert read.problems == []
    assert len(read.highlights()) == len(read_path(SIMPLE).highlights())


def test_a_file_cut_after_a_title_line_is_reported_once_for_that(tmp_path):
    text, title_line = _second_record()
    read = read_text(tmp_path, text + b"\n" + SEPARATOR.encode() + b"\nNext Book (Author)\n")
    assert [(p.where, p.reason) for p in read.problems] == [
        (title_line + 5, "a title line with no metadata line")]
