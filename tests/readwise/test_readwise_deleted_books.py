"""A book deleted as a whole in Readwise takes the highlights the library holds of it along,
in every output, as highlights deleted one by one do; only an explicit ``is_deleted`` does."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from excerpta.adapters import ReadState
from excerpta.readers.readwise_json import ReadwiseJsonReader
from excerpta.store import MergeRules, open_store

from .conftest import read_jsonl
from .fake_readwise import generate_library


def convert(run_cli, state, out, *extra):
    return run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", out, *extra)


def two_highlight_books():
    """A small account where every book holds two highlights at most."""
    books = generate_library(40)
    for book in books.values():
        book["highlights"] = book["highlights"][:2]
    return books


def library_deletions(state) -> dict[str, bool]:
    """Highlight id -> is_deleted, as the ``--state`` library holds them."""
    store = open_store(state)
    try:
        return {h.id: h.is_deleted for d in store.documents() for h in d.highlights}
    finally:
        store.close()


@pytest.fixture
def synced(run_cli, fake_readwise, tmp_path):
    """An account pulled once into a state and a jsonl file; the id of a book of two highlights."""
    server = fake_readwise(books=two_highlight_books())
    state, out = tmp_path / "state.sqlite", tmp_path / "highlights.jsonl"
    assert convert(run_cli, state, out).exit_code == 0
    book_id = next(b for b, book in server.books.items() if len(book["highlights"]) == 2)
    ids = [f"readwise-{h['id']}" for h in server.books[book_id]["highlights"]]
    return server, state, out, book_id, ids


def test_a_book_deleted_as_a_whole_deletes_its_highlights_in_the_library_and_the_output(run_cli, synced):
    server, state, out, book_id, ids = synced
    before, lines = read_jsonl(out)
    assert [before[i]["is_deleted"] for i in ids] == [False, False]
    server.delete_book(book_id)
    result = convert(run_cli, state, out)
    assert result.exit_code == 0, result.output
    after, again = read_jsonl(out)
    assert again == lines
    assert {key for key in after if after[key] != before[key]} == set(ids)
    assert [after[i]["is_deleted"] for i in ids] == [True, True]
    assert all(after[i] == {**before[i], "is_deleted": True} for i in ids)
    deletions = library_deletions(state)
    assert [deletions[i] for i in ids] == [True, True]
    assert sum(deletions.values()) == 2
    # The next pull sees the deleted book again (changed within the margin): nothing changes.
    written, asked = (out.read_bytes(), out.stat().st_mtime_ns), len(server.export_requests)
    assert convert(run_cli, state, out).exit_code == 0
    assert [r.params.get("ids") for r in server.export_requests[asked:]] == [None, str(book_id)]
    assert (out.read_bytes(), out.stat().st_mtime_ns) == written
    assert library_deletions(state) == deletions


def test_a_deleted_book_restored_in_readwise_brings_its_highlights_back(run_cli, synced):
    server, state, out, book_id, ids = synced
    server.delete_book(book_id)
    assert convert(run_cli, state, out).exit_code == 0
    server.restore_book(book_id)
    assert convert(run_cli, state, out).exit_code == 0
    after, _ = read_jsonl(out)
    assert [after[i]["is_deleted"] for i in ids] == [False, False]
    assert not any(library_deletions(state).values())


def test_a_book_listed_with_no_highlights_and_not_deleted_deletes_nothing(run_cli, synced):
    server, state, out, book_id, ids = synced
    server.books[book_id]["highlights"] = []  # a partial answer, not a deletion
    server.book_updated[book_id] = datetime.now(UTC)
    written, asked = out.read_bytes(), len(server.export_requests)
    assert convert(run_cli, state, out).exit_code == 0
    assert [r.params.get("ids") for r in server.export_requests[asked:]] == [None, str(book_id)]
    assert out.read_bytes() == written
    deletions = library_deletions(state)
    assert [deletions[i] for i in ids] == [False, False]
    assert not any(deletions.values())


def test_an_obsidian_note_drops_the_highlights_of_a_deleted_book_as_if_deleted_one_by_one(
        run_cli, fake_readwise, tmp_path):
    books = two_highlight_books()
    notes = []
    for case in ("book", "highlights"):
        server = fake_readwise(books=copy.deepcopy(books))
        book_id = next(b for b, book in server.books.items() if len(book["highlights"]) == 2)
        state, vault = tmp_path / f"{case}.sqlite", tmp_path / case
        arguments = ("--state", state, "convert", "readwise:", "--to", "obsidian", "--out", vault)
        assert run_cli(*arguments).exit_code == 0
        [note] = [p for p in vault.rglob("*.md") if str(book_id) in p.name]
        texts = [h["text"] for h in server.books[book_id]["highlights"]]
        assert all(text in note.read_text() for text in texts)
        if case == "book":
            server.delete_book(book_id)
        else:
            for highlight in server.books[book_id]["highlights"]:
                server.delete_highlight(highlight["id"])
        assert run_cli(*arguments).exit_code == 0
        assert not any(text in note.read_text() for text in texts)
        notes.append(note.read_text())
    assert notes[0] == notes[1]


def saved_book(path, *highlight_ids, **book):
    """An ``/export/`` page holding book 42 with these highlights, saved at ``path``."""
    highlights = [{"id": n, "text": f"text {n}", "book_id": 42} for n in highlight_ids]
    path.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [
        {"user_book_id": 42, "title": "Walden", "highlights": highlights, **book}]}))
    return path


def test_a_saved_export_of_a_deleted_book_deletes_its_highlights_but_an_empty_one_does_not(
        run_cli, tmp_path):
    state, out = tmp_path / "state.sqlite", tmp_path / "library.json"

    def convert_file(path):
        assert run_cli("--state", state, "convert", path, "--to", "json", "--out", out).exit_code == 0
        [document] = json.loads(out.read_text())["documents"]
        return {h["id"]: h["is_deleted"] for h in document["highlights"]}

    live = {"readwise-1": False, "readwise-2": False}
    assert convert_file(saved_book(tmp_path / "first.json", 1, 2)) == live
    assert convert_file(saved_book(tmp_path / "empty.json")) == live
    assert convert_file(saved_book(tmp_path / "false.json", is_deleted=False)) == live
    assert convert_file(saved_book(tmp_path / "odd.json", is_deleted="yes")) == live
    assert convert_file(saved_book(tmp_path / "deleted.json", is_deleted=True)) == {
        "readwise-1": True, "readwise-2": True}


@pytest.mark.parametrize(("copies", "expected"), [
    ([(True, ()), (False, (1, 2))], [False, False, False]),  # restored last: nothing deleted
    ([(False, (1, 2)), (True, ())], [True, True, True]),  # deleted last
])
def test_in_one_read_the_last_copy_of_a_book_says_whether_it_is_deleted(tmp_path, copies, expected):
    store = open_store(":memory:")
    store.merge(ReadwiseJsonReader().read(str(saved_book(tmp_path / "all.json", 1, 2, 3)), ReadState()))
    folder = tmp_path / "pages"
    folder.mkdir()
    for number, (deleted, highlight_ids) in enumerate(copies):
        saved_book(folder / f"{number}.json", *highlight_ids, is_deleted=deleted)
    state = ReadState()
    store.merge(ReadwiseJsonReader().read(str(folder), state), MergeRules(deleted=state.deleted))
    assert [h.is_deleted for d in store.documents() for h in d.highlights] == expected
    store.close()
