"""Our own JSON written by another run (without ``--state``), read into a library that holds its
books from several sources: the ids the library holds as aliases take the library's ids, by a
lookup only; the others stay as they are."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from excerpta.model import Document, Highlight
from excerpta.store import MergeRules, SQLiteStore

SEP = "=========="
FEAR = "Fear is the mind-killer. Fear is the little-death that brings total obliteration."
MUST = "I must not fear. Fear is the mind-killer that I face."
NEW = "A new highlight only in readwise for dune."
CSV_HEADER = ("Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,"
              "Highlighted at,Document tags")


def sources(folder: Path) -> tuple[Path, Path]:
    """``My Clippings.txt`` with two highlights of Dune, a Readwise CSV with those and a third."""
    clippings = folder / "My Clippings.txt"
    clippings.write_text("".join(
        f"Dune (Herbert, Frank)\n- Your Highlight on page {page} | Location {at}-{at + 2} | Added on Monday, "
        f"January 2, 2023 {hour}:00:00 AM\n\n{text}\n{SEP}\n"
        for page, at, hour, text in ((12, 100, 10, FEAR), (20, 200, 11, MUST))), encoding="utf-8")
    csv = folder / "readwise-data.csv"
    csv.write_text(CSV_HEADER + "\n" + "".join(
        f"{text},Dune,Frank Herbert,,,yellow,,location,{at},{when}+00:00,\n"
        for text, at, when in ((FEAR, 100, "2023-01-02 10:00:00"), (MUST, 200, "2023-01-02 11:00:00"),
                               (NEW, 300, "2023-01-05 11:00:00"))), encoding="utf-8")
    return clippings, csv


def test_our_json_of_a_run_without_state_is_read_under_the_librarys_ids(run_cli, tmp_path):
    clippings, csv = sources(tmp_path)
    state = tmp_path / "state.sqlite"

    def convert(*args: str | Path, out: str) -> list[dict]:
        result = run_cli(*args, "--to", "json", "--out", tmp_path / out)
        assert result.exit_code == 0, result.output
        return json.loads((tmp_path / out).read_text())["documents"]

    convert("--state", state, "convert", "--timezone", "UTC", clippings, out="kindle.json")
    library = convert("--state", state, "convert", csv, out="library.json")
    assert [len(d["highlights"]) for d in library] == [3]
    [other_run] = convert("convert", csv, out="csv-only.json")  # the CSV's own ids
    assert other_run["id"] != library[0]["id"]
    # One document, 3 highlights, nothing moved nor changed (the category, the Kindle's pages).
    assert convert("--state", state, "convert", tmp_path / "csv-only.json", out="after.json") == library
    # The library's own JSON read back: unchanged.
    assert convert("--state", state, "convert", tmp_path / "after.json", out="again.json") == library


def _at(day: int) -> datetime:
    return datetime(2023, 1, day, tzinfo=UTC)


def _joined(store: SQLiteStore) -> None:
    """A Kindle book, then Readwise's copy of it (``readwise-1``, highlight ``readwise-9``)."""
    store.merge([Document(id="kindle-book", title="Dune", author="Frank Herbert", highlights=[
        Highlight(id="k1", text=FEAR, location=100, location_type="location", page=12,
                  highlighted_at=_at(2))])], MergeRules(unify=True, reader="kindle"))
    store.merge([Document(id="readwise-1", title="Dune", author="Frank Herbert", highlights=[
        Highlight(id="readwise-9", text=FEAR, location=100, location_type="location",
                  highlighted_at=_at(2), tags=["fear"])])], MergeRules(unify=True, reader="readwise-json"))


def _library(store: SQLiteStore) -> list[tuple[str, list[tuple[str, str, list[str], int | str | None]]]]:
    return [(d.id, [(h.id, h.text, h.tags, h.page) for h in d.highlights]) for d in store.documents()]


def test_a_document_id_aliased_takes_the_librarys_and_a_highlight_id_not_aliased_stays(tmp_path):
    store = SQLiteStore(tmp_path / "state.sqlite")
    _joined(store)
    # JSON (no unify): the document by Readwise's id, a highlight the library does not know.
    store.merge([Document(id="readwise-1", title="Dune", author="Frank Herbert", highlights=[
        Highlight(id="readwise-9", text=FEAR, location=100, location_type="location", highlighted_at=_at(2)),
        Highlight(id="readwise-10", text=NEW, location=300, location_type="location")])])
    assert _library(store) == [("kindle-book", [("k1", FEAR, ["fear"], 12), ("readwise-10", NEW, [], None)])]


def test_a_highlight_id_aliased_takes_the_librarys_in_the_document_the_json_puts_it_in(tmp_path):
    store = SQLiteStore(tmp_path / "state.sqlite")
    _joined(store)
    # Readwise moved the highlight to another book, which the library does not know: as our
    # JSON with the library's id would, the highlight moves there (no second copy).
    store.merge([Document(id="readwise-2", title="Dune Messiah", author="Frank Herbert", highlights=[
        Highlight(id="readwise-9", text=FEAR, location=100, location_type="location",
                  highlighted_at=_at(2), tags=["moved"])])])
    assert _library(store) == [("kindle-book", []), ("readwise-2", [("k1", FEAR, ["moved"], 12)])]


def test_a_highlight_given_under_the_librarys_id_too_is_not_made_one_with_its_aliased_copy(tmp_path):
    store = SQLiteStore(tmp_path / "state.sqlite")
    _joined(store)
    store.merge([Document(id="kindle-book", title="Dune", author="Frank Herbert", highlights=[
        Highlight(id="k1", text=FEAR, location=100, location_type="location", page=12, tags=["fear"]),
        Highlight(id="readwise-9", text=MUST, location=200, location_type="location")])])
    assert _library(store) == [("kindle-book", [("k1", FEAR, ["fear"], 12), ("readwise-9", MUST, [], None)])]


def test_a_hand_edit_of_that_runs_json_is_kept_unless_the_library_changed_later(tmp_path):
    # A note typed by hand where the library has none, under an aliased id: as under the
    # library's own id, the copy read wins when nothing says the library's is later.
    store = SQLiteStore(tmp_path / "state.sqlite")
    _joined(store)
    store.merge([Document(id="readwise-1", title="Dune", author="Frank Herbert", highlights=[
        Highlight(id="readwise-9", text=FEAR, location=100, location_type="location", highlighted_at=_at(2),
                  updated_at=_at(3), tags=["fear"], external_ids={"readwise": "9"})])],
                MergeRules(unify=True, reader="readwise-json"))

    def read_back(**changes: object) -> Highlight:
        store.merge([Document(id="readwise-1", title="Dune", author="Frank Herbert", highlights=[
            Highlight(id="readwise-9", text=FEAR, location=100, location_type="location",
                      highlighted_at=_at(2), external_ids={"readwise": "9"}, **changes)])],
            MergeRules(unify=False))
        [document] = store.documents()
        [highlight] = document.highlights
        return highlight

    edited = read_back(note="Aaa, typed by hand", updated_at=_at(3))  # the time that run's JSON holds
    assert (edited.id, edited.note, edited.tags, edited.page) == ("k1", "Aaa, typed by hand", ["fear"], 12)
    store.merge([Document(id="readwise-1", title="Dune", author="Frank Herbert", highlights=[
        Highlight(id="readwise-9", text=FEAR, location=100, location_type="location",
                  note="edited in Readwise", highlighted_at=_at(2), updated_at=_at(9),
                  external_ids={"readwise": "9"})])],
                MergeRules(unify=True, reader="readwise-json"))
    # An older copy of that run's JSON read again never undoes the later edit.
    assert read_back(note="Aaa, typed by hand", updated_at=_at(5)).note == "edited in Readwise"
