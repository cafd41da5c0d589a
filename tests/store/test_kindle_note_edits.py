"""A Kindle note edited on the device, its versions in different inputs (files, runs, the
notebook export): the library keeps the edit, once, as one file holding both gives it, however
often and in whatever order the inputs are read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.kindle.clippings import KindleClippingsOptions, KindleClippingsReader
from excerpta.readers.kindle.notebook_html import KindleNotebookReader
from excerpta.store import MergeRules, SQLiteStore

SEP = "=========="
BOOK = "Dune (Herbert, Frank)"
JAN2, JAN3 = "Monday, January 2, 2023 10:00:00 AM", "Tuesday, January 3, 2023 10:00:00 AM"


def record(kind: str, where: str, when: str, text: str) -> str:
    return f"{BOOK}\n- Your {kind} on page 5 | Location {where} | Added on {when}\n\n{text}\n{SEP}\n"


FIRST = record("Note", "300", JAN2, "first version")
EDIT = record("Note", "300", JAN3, "second version")


def clippings(path: Path, text: str) -> list[Document]:
    path.write_text(text, encoding="utf-8")
    return list(KindleClippingsReader(KindleClippingsOptions(timezone="UTC")).read(str(path), ReadState()))


def notebook(path: Path, text: str, note: str) -> list[Document]:
    path.write_text(
        '<html><body><div class="bodyContainer"><div class="bookTitle">Dune</div>'
        '<div class="authors">Herbert, Frank</div><hr/>\n'
        '<div class="noteHeading">Highlight (<span class="highlight_yellow">yellow</span>) - '
        f'Location 100</div>\n<div class="noteText">{text}</div>\n'
        f'<div class="noteHeading">Note - Location 101</div>\n<div class="noteText">{note}</div>\n'
        "</div></body></html>\n", encoding="utf-8")
    return list(KindleNotebookReader().read(str(path), ReadState()))


def merge(store: SQLiteStore, documents: list[Document], reader: type = KindleClippingsReader) -> None:
    store.merge(documents, MergeRules(keep=reader.unknown_when_empty, resaves=True))


def notes(store: SQLiteStore) -> list[tuple]:
    return [(h.id, h.text, h.note, h.highlighted_at and h.highlighted_at.isoformat(),
             h.updated_at and h.updated_at.isoformat())
            for d in store.documents() for h in d.highlights]


@pytest.fixture
def store():
    library = SQLiteStore(":memory:")
    yield library
    library.close()


@pytest.mark.parametrize("runs", ["AB AB AB", "A B A B", "AB BA", "A B AB"])
def test_a_lone_note_edited_in_another_file_stays_the_edit_once_over_any_runs(store, tmp_path, runs):
    one_file = SQLiteStore(":memory:")
    merge(one_file, clippings(tmp_path / "one.txt", FIRST + EDIT))
    [(_, _, _, first_at, edited_at)] = expected = notes(one_file)
    one_file.close()
    assert (first_at, edited_at) == ("2023-01-02T10:00:00+00:00", "2023-01-03T10:00:00+00:00")
    files = {"A": FIRST, "B": EDIT}
    for run in runs.split():
        for name in run:  # a run reads its files in turn, as `convert a.txt b.txt` does
            merge(store, clippings(tmp_path / f"{name}.txt", files[name]))
        if run != "A":
            assert notes(store) == expected, run


def test_a_file_holding_both_versions_too_far_apart_to_fold_adds_no_second_note(store, tmp_path):
    # The device's file grew: the first version, hundreds of highlights, the edit (beyond the
    # reader's window): the library that held the edit keeps it, once.
    filler = "".join(record("Highlight", f"{1000 + 5 * n}-{1002 + 5 * n}", JAN2, f"filler {n}")
                     for n in range(300))
    for text in (FIRST, EDIT, FIRST + filler + EDIT, FIRST + filler + EDIT):
        merge(store, clippings(tmp_path / "My Clippings.txt", text))
    assert [(text, note, edited_at) for _, text, note, _, edited_at in notes(store) if not text] == [
        ("", "second version", "2023-01-03T10:00:00+00:00")]


SHORT = "Fear is the mind-killer."
LONG = "Fear is the mind-killer. Fear is the little-death."
RESAVED = (record("Highlight", "100-100", JAN2, SHORT)
           + record("Highlight", "100-101", JAN2.replace("10:00:00", "10:05:00"), LONG)
           + record("Note", "101", JAN2.replace("10:00:00", "10:06:00"), "v1"))


@pytest.mark.parametrize("notebook_last", [True, False])
def test_a_note_edited_since_the_clippings_replaces_it_from_the_notebook_export(store, tmp_path,
                                                                                notebook_last):
    # The export shows no end and no time: its note is the clippings' note edited, not a
    # second note; with no time to tell which is later, the one read last stays.
    inputs = [(clippings(tmp_path / "My Clippings.txt", RESAVED), KindleClippingsReader),
              (notebook(tmp_path / "nb.html", LONG, "v2 edited"), KindleNotebookReader)]
    for documents, reader in inputs if notebook_last else inputs[::-1]:
        merge(store, documents, reader)
    assert [(text, note) for _, text, note, _, _ in notes(store)] == [
        (LONG, "v2 edited" if notebook_last else "v1")]


def undated(kind: str, where: str, text: str) -> str:
    return f"{BOOK}\n- Your {kind} on Location {where}\n\n{text}\n{SEP}\n"


UNDATED_SHORT = undated("Highlight", "100-101", SHORT) + undated("Note", "101", "n2")
UNDATED_LONG = undated("Highlight", "100-103", LONG) + undated("Note", "103", "n1")


@pytest.mark.parametrize("order", [(UNDATED_SHORT, UNDATED_LONG), (UNDATED_LONG, UNDATED_SHORT)])
def test_notes_at_two_ends_with_no_time_are_joined_in_one_order_whatever_the_input_order(
        store, tmp_path, order):
    # No time says which was typed first: the notes' own order (by text) is the join's.
    for text in order * 2:
        merge(store, clippings(tmp_path / "My Clippings.txt", text))
    assert [(text, note) for _, text, note, _, _ in notes(store)] == [(LONG, "n1\n\nn2")]
