"""The ``kindle`` reader on copies re-saved at either end, edited notes, and the time of a
highlight's last change (``updated_at``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kindle_reading import read_text

from excerpta.readers.kindle.assembly import LOOKAROUND

SEP = "=========="
BOOK = "Walden (Thoreau, Henry David)"


def highlight(start: int, end: int, when: str, text: str, book: str = BOOK) -> str:
    return (f"{book}\n- Your Highlight on Location {start}-{end} | Added on {when}\n\n{text}\n{SEP}\n")


def note(at: int, when: str, text: str) -> str:
    return f"{BOOK}\n- Your Note on Location {at} | Added on {when}\n\n{text}\n{SEP}\n"


DAY1 = "Monday, January 1, 2024 10:00:00 AM"


def test_a_highlight_extended_at_its_start_replaces_its_first_copy_and_keeps_its_id(tmp_path):
    first = highlight(100, 102, DAY1, "beta gamma delta")
    extended = highlight(99, 102, "Monday, January 1, 2024 10:00:40 AM", "Alpha beta gamma delta")
    [alone] = read_text(tmp_path, first).highlights()
    [read] = read_text(tmp_path, first + extended).highlights()
    assert (read.id, read.text, read.location, read.end_location) == (
        alone.id, "Alpha beta gamma delta", 99, 102)


def test_a_highlight_extended_at_both_ends_far_down_the_file_keeps_the_id_of_its_first_copy(tmp_path):
    first = highlight(100, 102, DAY1, "beta gamma delta")
    filler = "".join(highlight(500 + 10 * n, 501 + 10 * n, DAY1, f"Filler {n}.", book="Other (Someone)")
                     for n in range(3 * LOOKAROUND))
    extended = highlight(99, 104, "Tuesday, January 2, 2024 9:00:00 AM", "Alpha beta gamma delta epsilon")
    [alone] = read_text(tmp_path, first).document("Walden").highlights
    # The first copy has left the window: both reach the library, which keeps the last of an id.
    copies = read_text(tmp_path, first + filler + extended).document("Walden").highlights
    assert [(h.id, h.text) for h in copies] == [(alone.id, "beta gamma delta"),
                                                (alone.id, "Alpha beta gamma delta epsilon")]


def test_overlapping_highlights_whose_texts_differ_stay_two(tmp_path):
    read = read_text(tmp_path, highlight(100, 102, DAY1, "beta gamma delta")
                     + highlight(101, 104, DAY1, "delta epsilon zeta"))
    assert [h.text for h in read.highlights()] == ["beta gamma delta", "delta epsilon zeta"]


@pytest.mark.parametrize(("first", "second", "kept"), [
    # The firmware appends an edit as a new note record at the same location, later.
    ((102, "My first thot"), (102, "My first thought, corrected"), "My first thought, corrected"),
    # Notes at different locations of one highlight are all kept.
    ((101, "On beta"), (104, "On epsilon"), "On beta\n\nOn epsilon"),
], ids=["an edit replaces the first version", "notes elsewhere in the range are all kept"])
def test_a_later_note_at_the_same_location_replaces_the_first_and_others_are_kept(
        tmp_path, first, second, kept):
    read = read_text(tmp_path, highlight(100, 104, DAY1, "Alpha beta gamma delta epsilon")
                     + note(first[0], "Monday, January 1, 2024 10:00:20 AM", first[1])
                     + note(second[0], "Wednesday, January 3, 2024 10:00:00 AM", second[1]))
    [read_highlight] = read.highlights()
    assert read_highlight.note == kept


def test_a_note_added_later_dates_the_highlight_change_and_a_reread_changes_nothing(tmp_path):
    alone = highlight(100, 102, DAY1, "Alpha beta gamma")
    [before] = read_text(tmp_path, alone).highlights()
    assert before.updated_at is None
    later = alone + note(102, "Tuesday, January 2, 2024 10:00:00 AM", "a later note")
    [after] = read_text(tmp_path, later).highlights()
    assert after.id == before.id
    assert after.highlighted_at == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert after.updated_at == datetime(2024, 1, 2, 10, tzinfo=UTC)
    assert read_text(tmp_path, later).highlights() == [after]


def page_note(page: int, when: str, text: str) -> str:
    return f"{BOOK}\n- Your Note on page {page} | Added on {when}\n\n{text}\n{SEP}\n"


def test_an_edited_note_no_highlight_claims_replaces_its_first_version_and_keeps_its_id(tmp_path):
    first = note(500, DAY1, "free note first version")
    [alone] = read_text(tmp_path, first).highlights()
    elsewhere = highlight(600, 605, "Monday, January 1, 2024 10:10:00 AM", "A highlight elsewhere")
    edit = note(500, "Tuesday, January 2, 2024 9:00:00 AM", "free note edited version")
    for text in (first + elsewhere + edit, edit + elsewhere + first):  # the later by time wins
        assert [(h.text, h.note) for h in read_text(tmp_path, text).highlights()] == [
            ("", "free note edited version"), ("A highlight elsewhere", None)]
    # The file grew by the edit: the note keeps the id and time of its first version.
    [edited, _] = read_text(tmp_path, first + elsewhere + edit).highlights()
    assert (edited.id, edited.highlighted_at, edited.updated_at) == (
        alone.id, datetime(2024, 1, 1, 10, tzinfo=UTC), datetime(2024, 1, 2, 9, tzinfo=UTC))


def test_notes_no_highlight_claims_stay_apart_at_one_time_on_one_page_or_in_two_books(tmp_path):
    other_book = note(500, DAY1, "same place, other book").replace(BOOK, "Other (Someone)")
    read = read_text(tmp_path, note(500, DAY1, "typed first") + note(500, DAY1, "typed next")
                     + page_note(12, DAY1, "top of the page")
                     + page_note(12, "Tuesday, January 2, 2024 9:00:00 AM", "foot of the page")
                     + other_book + note(500, "Tuesday, January 2, 2024 9:00:00 AM", ""))
    # The empty note at 500 a day later is no edit: it removes neither, and is dropped.
    assert sorted(h.note or "" for h in read.highlights()) == [
        "foot of the page", "same place, other book", "top of the page", "typed first", "typed next"]
