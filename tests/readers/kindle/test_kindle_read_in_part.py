"""``My Clippings.txt`` records whose metadata line is readable but for one value (a date that
names no month, a negative page or location: hand edits): the record is read without that value
and reported with its line as read in part, on the fast path and the line grammar alike, and a
library keeps the date it had.

Inputs are small files written here, in the shape of the corpus files.
"""

from __future__ import annotations

import json

from kindle_reading import read_text

from excerpta.adapters import ReadState
from excerpta.readers.kindle.clippings import read_clippings
from excerpta.readers.kindle.metadata import parse_metadata

TITLE = "Book A (Auth, One)"
GOOD_DATE = "Added on Sunday, January 2, 2022 10:12:12 AM"
BAD_DATE = "Added on Blursday, Smarch 45, 2022 99:99:99 XM"
EXPECTED_DATE = "(expected a day, a month, a year and a time)"


def record(metadata: str, text: str) -> str:
    return f"{TITLE}\n- Your Highlight {metadata}\n\n{text}\n==========\n"


def clippings(middle: str) -> str:
    """Three records, the second with the metadata ``middle`` (its title on line 6)."""
    return (record(f"on page 1 | Location 10-12 | {GOOD_DATE}", "first")
            + record(middle, "second") + record(f"on page 2 | Location 20-22 | {GOOD_DATE}", "third"))


def test_a_date_that_names_no_month_is_left_out_and_reported_with_its_line(tmp_path, run_cli):
    read = read_text(tmp_path, clippings(f"on page 3 | Location 30-32 | {BAD_DATE}"))
    assert [(h.text, h.location, h.page, h.highlighted_at is None) for h in read.highlights()] == [
        ("first", 10, 1, False), ("second", 30, 3, True), ("third", 20, 2, False)]
    assert [(p.where, p.reason, p.kept) for p in read.problems] == [
        (6, f"date {BAD_DATE!r} not understood {EXPECTED_DATE}; read without it", True)]
    result = run_cli("convert", tmp_path / "My Clippings.txt", "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 1
    assert f"read in part {tmp_path / 'My Clippings.txt'}:6: date 'Added on Blursday" in result.output


def test_a_negative_page_or_location_is_left_out_and_reported_never_read_as_positive(tmp_path):
    read = read_text(tmp_path, clippings(f"on page -3 | Location -30--2 | {GOOD_DATE}")
                     + record(f"Location -40 | {GOOD_DATE}", "fourth")
                     + record(f"on page 5 | Location -50 | {GOOD_DATE}", "fifth"))
    assert [(h.text, h.location, h.location_type) for h in read.highlights()][1:] == [
        ("second", None, None), ("third", 20, "location"), ("fourth", None, None), ("fifth", 5, "page")]
    assert [(p.where, p.reason, p.kept) for p in read.problems] == [
        (6, "positions '-3', '-30--2' are negative; read without them", True),
        (16, "position '-40' is negative; read without it", True),
        (21, "position '-50' is negative; read without it", True)]


def test_the_line_grammar_reports_what_the_fast_path_does(tmp_path):
    text = clippings(f"on page 3 | Location 30-32 | {BAD_DATE}")
    state = ReadState()
    documents = list(read_clippings(text.splitlines(), "c.txt", state))
    assert [h.text for d in documents for h in d.highlights] == ["first", "second", "third"]
    assert [(p.where, p.kept) for p in state.problems] == [(6, True)]
    assert state.problems[0].reason == read_text(tmp_path, text).problems[0].reason


def test_a_library_keeps_the_date_of_a_highlight_whose_copy_lost_it(tmp_path, run_cli):
    path, state, out = tmp_path / "My Clippings.txt", tmp_path / "s.sqlite", tmp_path / "o.json"
    for middle, exit_code in ((f"on page 3 | Location 30-32 | {GOOD_DATE}", 0),
                              (f"on page 3 | Location 30-32 | {BAD_DATE}", 1)):
        path.write_text(clippings(middle), encoding="utf-8")
        result = run_cli("--state", state, "convert", path, "--to", "json", "--out", out, "--timezone", "UTC")
        assert result.exit_code == exit_code
    [document] = json.loads(out.read_text())["documents"]
    dates = {h["text"]: h["highlighted_at"] for h in document["highlights"]}
    assert dates["second"] == "2022-01-02T10:12:12Z"


def test_a_line_without_a_date_field_or_in_an_unknown_wording_has_nothing_unread():
    # No date at all is no date misread; an unknown wording's month is said once per file.
    assert parse_metadata("- Your Highlight Location 5-6").unread is None
    assert parse_metadata(f"- Xyz Location 5-6 | {BAD_DATE}").unread is None
    assert parse_metadata(f"- Your Highlight on page 1 | Location 10-12 | {GOOD_DATE}").unread is None
