"""A highlight re-saved on a Kindle (its selection extended or shortened) in another input than
its first copy updates the library's highlight, under its id, instead of adding a second."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.kindle.clippings import KindleClippingsOptions, KindleClippingsReader
from excerpta.readers.kindle.notebook_html import KindleNotebookReader
from excerpta.store import MergeRules, SQLiteStore

from paths import CORPUS

SEP = "=========="
WALDEN = "Walden (Thoreau, Henry David)"
DAY1, DAY2 = "Monday, January 1, 2024 10:00:00 AM", "Tuesday, January 2, 2024 9:00:00 AM"


def highlight(start: int, end: int, when: str, text: str, book: str = WALDEN) -> str:
    return f"{book}\n- Your Highlight on Location {start}-{end} | Added on {when}\n\n{text}\n{SEP}\n"


SHORT = highlight(100, 102, DAY1, "Alpha beta gamma")
LONG = highlight(100, 104, DAY2, "Alpha beta gamma and more words")


def clippings(tmp_path: Path, text: str) -> list[Document]:
    path = tmp_path / "My Clippings.txt"
    path.write_text(text, encoding="utf-8")
    reader = KindleClippingsReader(KindleClippingsOptions(timezone="UTC"))
    return list(reader.read(str(path), ReadState()))


def merged(store: SQLiteStore, documents: list[Document], *, resaves: bool = True) -> list[tuple]:
    """Merge ``documents`` as the kindle reader's are; returns the library's highlights."""
    store.merge(documents, MergeRules(keep=KindleClippingsReader.unknown_when_empty, resaves=resaves))
    return [(h.id, h.text, h.location, h.end_location) for d in store.documents() for h in d.highlights]


@pytest.fixture
def store():
    library = SQLiteStore(":memory:")
    yield library
    library.close()


def test_a_copy_extended_in_a_later_file_takes_the_stored_id_and_its_text(store, tmp_path):
    [(first_id, *_)] = merged(store, clippings(tmp_path, SHORT))
    assert merged(store, clippings(tmp_path, LONG)) == [
        (first_id, "Alpha beta gamma and more words", 100, 104)]
    # Read again, either file changes nothing.
    for text in (LONG, SHORT):
        stats = store.merge(clippings(tmp_path, text),
                            MergeRules(keep=KindleClippingsReader.unknown_when_empty, resaves=True))
        assert (stats.highlights_added, stats.highlights_updated) == (0, 0)


def test_an_old_file_read_after_the_newer_never_brings_back_its_short_copy(store, tmp_path):
    [(long_id, *_)] = merged(store, clippings(tmp_path, LONG))
    assert merged(store, clippings(tmp_path, SHORT)) == [
        (long_id, "Alpha beta gamma and more words", 100, 104)]


def test_a_copy_extended_at_its_start_in_a_later_file_is_the_same_highlight(store, tmp_path):
    [(first_id, *_)] = merged(store, clippings(tmp_path, highlight(100, 102, DAY1, "beta gamma delta")))
    later = highlight(99, 102, DAY2, "Alpha beta gamma delta")
    assert merged(store, clippings(tmp_path, later)) == [(first_id, "Alpha beta gamma delta", 99, 102)]


def test_one_stored_highlight_is_taken_by_one_copy_and_the_others_stay_highlights(store, tmp_path):
    [(first_id, *_)] = merged(store, clippings(tmp_path, highlight(100, 101, DAY1, "beta gamma")))
    both = (highlight(99, 101, DAY2, "alpha beta gamma")
            + highlight(100, 102, "Tuesday, January 2, 2024 9:05:00 AM", "beta gamma delta"))
    library = merged(store, clippings(tmp_path, both))
    assert [text for _, text, _, _ in library] == ["alpha beta gamma", "beta gamma delta"]
    assert library[0][0] == first_id
    assert library[1][0] != first_id


def test_overlapping_highlights_of_other_texts_or_other_books_stay_apart(store, tmp_path):
    merged(store, clippings(tmp_path, SHORT))
    others = (highlight(101, 103, DAY2, "gamma delta epsilon")
              + highlight(100, 104, DAY2, "Alpha beta gamma and more words", book="Other (Someone)"))
    assert len(merged(store, clippings(tmp_path, others))) == 3


def test_without_resaves_a_copy_in_another_input_is_another_highlight(store, tmp_path):
    merged(store, clippings(tmp_path, SHORT), resaves=False)
    assert len(merged(store, clippings(tmp_path, LONG), resaves=False)) == 2


NOTEBOOK = CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html"
KING = "On Writing: A Memoir of the Craft (Stephen King)"
STORY = "“When you write a story, you’re telling yourself the story,” he said."
RESAVED = (highlight(590, 590, DAY1, STORY, book=KING) + highlight(
    590, 591, "Monday, January 1, 2024 10:00:30 AM",
    f"{STORY} “When you rewrite, your main job is taking out all the things that are not the story.”",
    book=KING))


@pytest.mark.parametrize("html_first", [False, True])
def test_clippings_and_the_notebook_export_of_a_resaved_highlight_give_one(store, tmp_path, html_first):
    html = list(KindleNotebookReader().read(str(NOTEBOOK), ReadState()))
    inputs = [(html, KindleNotebookReader), (clippings(tmp_path, RESAVED), KindleClippingsReader)]
    for documents, reader in inputs[::1 if html_first else -1] * 2:  # each twice: stable
        store.merge(documents, MergeRules(keep=reader.unknown_when_empty, resaves=True))
    [king] = [d for d in store.documents() if d.title.startswith("On Writing")]
    story = [h for h in king.highlights if "telling yourself the story" in h.text]
    assert len(story) == 1
    assert (story[0].end_location, story[0].highlighted_at is not None) == (591, True)


def test_two_kindles_files_in_one_run_give_one_highlight(run_cli, tmp_path):
    (tmp_path / "kindleA.txt").write_text(SHORT, encoding="utf-8")
    (tmp_path / "kindleB.txt").write_text(LONG, encoding="utf-8")
    result = run_cli("convert", tmp_path / "kindleA.txt", tmp_path / "kindleB.txt", "--to", "csv",
                     "--out", tmp_path / "two.csv", "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    with (tmp_path / "two.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["highlight_text"] for row in rows] == ["Alpha beta gamma and more words"]


def test_a_cleared_device_file_then_an_extended_copy_updates_the_obsidian_block(run_cli, tmp_path):
    clip, vault, state = tmp_path / "clip.txt", tmp_path / "vault", tmp_path / "st.db"
    for text in (SHORT, LONG):
        clip.write_text(text, encoding="utf-8")
        result = run_cli("--state", state, "convert", clip, "--to", "obsidian", "--out", vault,
                         "--timezone", "UTC")
        assert result.exit_code == 0, result.output
    note = (vault / "Books" / "Walden.md").read_text(encoding="utf-8")
    blocks = [line for line in note.splitlines() if "^hl-" in line]
    assert len(blocks) == 1
    assert "Alpha beta gamma and more words" in blocks[0]


def note(at: int, when: str, text: str, book: str = WALDEN) -> str:
    return f"{book}\n- Your Note on Location {at} | Added on {when}\n\n{text}\n{SEP}\n"


DAY3 = "Wednesday, January 3, 2024 8:00:00 AM"


def notes_of(store: SQLiteStore) -> list[tuple]:
    return [(h.text, h.note, h.location, h.updated_at and h.updated_at.isoformat())
            for d in store.documents() for h in d.highlights]


def test_a_note_edited_after_the_device_file_was_cleared_replaces_the_stored_note(store, tmp_path):
    # The reproduction of the audit (REPORT.md I5): the edit came as a lone note record alone.
    first = ("N (A B)\n- Your Highlight on page 2 | location 50-52 | Added on Monday, 30 September "
             f"2019 10:00:00\n\nSome sentence.\n{SEP}\nN (A B)\n- Your Note on page 2 | location 52 | "
             f"Added on Saturday, 5 October 2019 10:00:00\n\nFirst note.\n{SEP}\n")
    edit = (f"N (A B)\n- Your Note on page 2 | location 52 | Added on Sunday, 6 October 2019 10:00:00"
            f"\n\nEdited note.\n{SEP}\n")
    [(first_id, *_)] = merged(store, clippings(tmp_path, first))
    assert [h[0] for h in merged(store, clippings(tmp_path, edit))] == [first_id]
    assert notes_of(store) == [("Some sentence.", "Edited note.", 50, "2019-10-06T10:00:00+00:00")]
    # The old file read again (a backup, or both files in one command) keeps the edit.
    merged(store, clippings(tmp_path, first))
    assert [(n, at) for _, n, _, at in notes_of(store)] == [("Edited note.", "2019-10-06T10:00:00+00:00")]
    # A note edited again later still replaces it.
    third = edit.replace("Sunday, 6", "Monday, 7").replace("Edited", "Third")
    merged(store, clippings(tmp_path, third))
    assert [n for _, n, _, _ in notes_of(store)] == ["Third note."]
    # So does an extended copy saved in between with the first note: typed after both copies
    # were saved, it is the same note, edited since.
    extended = first.replace("location 50-52", "location 50-53").replace("sentence.", "sentence. More")
    merged(store, clippings(tmp_path, extended))
    assert [(n, at) for _, n, _, at in notes_of(store)] == [("Third note.", "2019-10-07T10:00:00+00:00")]


def test_a_note_added_in_a_later_file_joins_its_stored_highlight(store, tmp_path):
    [(first_id, *_)] = merged(store, clippings(tmp_path, SHORT))
    assert [h[0] for h in merged(store, clippings(tmp_path, note(102, DAY3, "Thoughts.")))] == [first_id]
    assert notes_of(store) == [("Alpha beta gamma", "Thoughts.", 100, "2024-01-03T08:00:00+00:00")]
    # Read again, the note's file changes nothing.
    stats = store.merge(clippings(tmp_path, note(102, DAY3, "Thoughts.")),
                        MergeRules(keep=KindleClippingsReader.unknown_when_empty, resaves=True))
    assert (stats.highlights_added, stats.highlights_updated) == (0, 0)
    assert notes_of(store) == [("Alpha beta gamma", "Thoughts.", 100, "2024-01-03T08:00:00+00:00")]


def test_a_later_note_goes_to_the_stored_highlight_ending_at_it(store, tmp_path):
    merged(store, clippings(tmp_path, highlight(90, 110, DAY1, "Wide passage") + SHORT))
    merged(store, clippings(tmp_path, note(102, DAY3, "Thoughts.")))
    assert [(text, n) for text, n, *_ in notes_of(store)] == [
        ("Wide passage", None), ("Alpha beta gamma", "Thoughts.")]


def test_a_later_note_outside_every_stored_range_stays_a_lone_note(store, tmp_path):
    merged(store, clippings(tmp_path, SHORT))
    merged(store, clippings(tmp_path, note(200, DAY3, "Elsewhere.") + note(101, DAY3, "Other book.",
                                                                            book="Emma (Austen, Jane)")))
    assert sorted((text, n, at) for text, n, at, _ in notes_of(store)) == [
        ("", "Elsewhere.", 200), ("", "Other book.", 101), ("Alpha beta gamma", None, 100)]


def test_without_a_library_a_note_alone_stays_a_lone_note(store, tmp_path):
    assert [h[1] for h in merged(store, clippings(tmp_path, note(102, DAY3, "Thoughts.")))] == [""]


NOTE_A = highlight(100, 105, DAY1, "It was the best of times") + note(105, DAY1.replace(":00:00", ":00:30"),
                                                                       "note A")
NOTE_B = highlight(100, 110, DAY2, "It was the best of times, it was the worst") + note(
    110, DAY2.replace(":00:00", ":00:30"), "note B")


@pytest.mark.parametrize("order", [(NOTE_A, NOTE_B), (NOTE_B, NOTE_A)])
def test_notes_at_the_ends_of_two_copies_in_two_files_are_both_kept(store, tmp_path, order):
    # As in one file: notes at different locations of one highlight are all kept, in the
    # order they were typed; read again, either file changes nothing.
    for text in order * 2:
        merged(store, clippings(tmp_path, text))
    assert [(t, n) for t, n, *_ in notes_of(store)] == [
        ("It was the best of times, it was the worst", "note A\n\nnote B")]


def test_a_later_note_inside_a_stored_range_but_not_at_its_end_joins_its_note(store, tmp_path):
    merged(store, clippings(tmp_path, NOTE_B))
    merged(store, clippings(tmp_path, note(105, DAY3, "note C")))
    assert [n for _, n, *_ in notes_of(store)] == ["note B\n\nnote C"]


LONE_V1, LONE_V2 = note(500, DAY1, "free note first version"), note(500, DAY2, "free note edited")


@pytest.mark.parametrize(("order", "edited_at"), [((LONE_V1, LONE_V2), "2024-01-02T09:00:00+00:00"),
                                                  ((LONE_V2, LONE_V1), None)])
def test_a_lone_note_edited_in_a_later_file_replaces_the_stored_one_under_its_id(store, tmp_path, order,
                                                                                  edited_at):
    [(first_id, *_)] = merged(store, clippings(tmp_path, order[0]))
    assert [h[0] for h in merged(store, clippings(tmp_path, order[1]))] == [first_id]
    assert notes_of(store) == [("", "free note edited", 500, edited_at)]


def test_lone_notes_of_one_time_at_one_place_are_distinct_notes(store, tmp_path):
    merged(store, clippings(tmp_path, note(500, DAY1, "one")))
    merged(store, clippings(tmp_path, note(500, DAY1, "two")))
    assert [n for _, n, *_ in notes_of(store)] == ["one", "two"]


HIGHLIGHT_V1 = highlight(100, 110, DAY1, "Alpha beta") + note(110, DAY1.replace(":00:00", ":00:30"), "v1")
EDIT_V2 = note(110, DAY3, "v2") + highlight(300, 305, DAY2, "Same on two Kindles")
SAME_DAY1 = highlight(300, 305, DAY1.replace("10:00", "11:00"), "Same on two Kindles")


@pytest.mark.parametrize("order", [(HIGHLIGHT_V1 + SAME_DAY1, EDIT_V2), (EDIT_V2, HIGHLIGHT_V1 + SAME_DAY1)])
def test_two_files_give_one_result_in_either_order(store, tmp_path, order):
    # A note edited in the file read first folds into the highlight the second brings, and
    # the same highlight saved on two days keeps the later date (as within one file).
    for text in order:
        merged(store, clippings(tmp_path, text))
    assert sorted(notes_of(store)) == [("Alpha beta", "v2", 100, "2024-01-03T08:00:00+00:00"),
                                       ("Same on two Kindles", None, 300, None)]
    dates = {h.text: h.highlighted_at.isoformat() for d in store.documents() for h in d.highlights}
    assert dates["Same on two Kindles"] == "2024-01-02T09:00:00+00:00"
    for text in order:  # read again, in turn: nothing changes
        stats = store.merge(clippings(tmp_path, text),
                            MergeRules(keep=KindleClippingsReader.unknown_when_empty, resaves=True))
        assert (stats.highlights_added, stats.highlights_updated) == (0, 0)
