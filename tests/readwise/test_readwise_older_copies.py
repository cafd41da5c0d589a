"""Of two copies of one Readwise highlight, the later by ``updated_at`` wins, whichever is read
last: an old export read after a newer one, or a stale copy listed again under the book the
highlight left, never undoes an edit, brings a deletion back, moves it back or deletes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

JUNE, JANUARY = "2024-06-01T00:00:00Z", "2024-01-01T00:00:00Z"


def highlight(number: int, book: int, text: str, updated: str, **fields: Any) -> dict[str, Any]:
    """A highlight as Readwise's ``/export/`` lists it."""
    return {"id": number, "text": text, "book_id": book, "location": number, "location_type": "location",
            "note": "", "tags": [], "is_deleted": False, "highlighted_at": JANUARY,
            "updated_at": updated, **fields}


def book(number: int, highlights: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """A book as Readwise's ``/export/`` lists it."""
    return {"user_book_id": number, "title": f"Book {number}", "author": "Someone", "is_deleted": False,
            "source": "kindle", "category": "books", "book_tags": [], "highlights": highlights, **fields}


def saved_page(path: Path, *books: dict[str, Any]) -> Path:
    """An ``/export/`` page holding ``books``, saved at ``path`` (a ``readwise-json`` file)."""
    path.write_text(json.dumps({"count": len(books), "nextPageCursor": None, "results": list(books)}))
    return path


def where(documents: list[dict[str, Any]]) -> dict[str, tuple[str, str, bool, str]]:
    """Highlight id -> (document id, text, is_deleted, updated_at), of a JSON output's documents."""
    return {h["id"]: (d["id"], h["text"], h["is_deleted"], h["updated_at"])
            for d in documents for h in d["highlights"]}


@pytest.fixture
def convert(run_cli, tmp_path):
    """Convert into one --state library (or none); returns the JSON output's documents."""

    def run(*args: str | Path, state: bool = True) -> list[dict[str, Any]]:
        out = tmp_path / "library.json"
        stated = ["--state", tmp_path / "state.sqlite"] if state else []
        result = run_cli(*stated, "convert", *args, "--to", "json", "--out", out, "--force")
        assert result.exit_code == 0, result.output
        return json.loads(out.read_text())["documents"]

    return run


def june_and_january(tmp_path: Path) -> tuple[Path, Path]:
    """A June export (highlight 7 edited, 8 deleted) and a January backup of the same account."""
    june = saved_page(tmp_path / "june.json", book(2, [
        highlight(7, 2, "edited in June", JUNE), highlight(8, 2, "deleted in June", JUNE, is_deleted=True)]))
    january = saved_page(tmp_path / "january.json", book(2, [
        highlight(7, 2, "as in January", JANUARY), highlight(8, 2, "deleted in June", JANUARY)]))
    return june, january


def test_an_older_backup_read_after_a_newer_export_neither_reverts_an_edit_nor_restores_a_deletion(
        convert, tmp_path):
    june, january = june_and_january(tmp_path)
    newer = where(convert(june, "--from", "readwise-json"))
    assert where(convert(january, "--from", "readwise-json")) == newer == {
        "readwise-7": ("readwise-2", "edited in June", False, JUNE),
        "readwise-8": ("readwise-2", "deleted in June", True, JUNE)}


def test_a_newer_export_read_after_an_older_one_brings_its_edit_and_deletion(convert, tmp_path):
    june, january = june_and_january(tmp_path)
    convert(january, "--from", "readwise-json")
    assert where(convert(june, "--from", "readwise-json")) == {
        "readwise-7": ("readwise-2", "edited in June", False, JUNE),
        "readwise-8": ("readwise-2", "deleted in June", True, JUNE)}


@pytest.mark.parametrize("state", [True, False])
def test_a_stale_copy_listed_later_under_the_book_a_highlight_left_does_not_move_it_back(
        convert, tmp_path, state):
    # Highlight 7 moved from book 1 to book 2 in June; a later page still lists its old copy.
    page = saved_page(tmp_path / "pull.json",
                      book(2, [highlight(7, 2, "moved", JUNE), highlight(8, 2, "of book 2", JANUARY)]),
                      book(1, [highlight(7, 1, "moved", JANUARY), highlight(9, 1, "of book 1", JANUARY)]))
    assert where(convert(page, "--from", "readwise-json", state=state)) == {
        "readwise-7": ("readwise-2", "moved", False, JUNE),
        "readwise-8": ("readwise-2", "of book 2", False, JANUARY),
        "readwise-9": ("readwise-1", "of book 1", False, JANUARY)}


def test_a_stale_copy_in_a_merged_and_deleted_book_does_not_delete_the_moved_highlight(
        run_cli, fake_readwise, tmp_path):
    # Readwise "merge books": book 1 folded into book 2 and deleted, still listing its old copy.
    fake_readwise(page_size=1, books={
        1: book(1, [highlight(7, 1, "moved", JUNE), highlight(8, 1, "of book 1", JANUARY)]),
        2: book(2, [highlight(7, 2, "moved", JANUARY)], is_deleted=True)})
    out, state = tmp_path / "library.json", tmp_path / "state.sqlite"
    result = run_cli("--state", state, "convert", "readwise:", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert where(json.loads(out.read_text())["documents"]) == {
        "readwise-7": ("readwise-1", "moved", False, JUNE),
        "readwise-8": ("readwise-1", "of book 1", False, JANUARY)}


def test_incremental_pulls_still_bring_edits_and_tombstones(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=6)
    edited, deleted = sorted(server.highlight_ids())[:2]
    out, state = tmp_path / "library.json", tmp_path / "state.sqlite"

    def pull() -> dict[str, tuple[str, str, bool, str]]:
        result = run_cli("--state", state, "convert", "readwise:", "--to", "json", "--out", out)
        assert result.exit_code == 0, result.output
        return where(json.loads(out.read_text())["documents"])

    before = pull()
    server.edit_highlight(edited, text="edited since")
    server.delete_highlight(deleted)
    after = pull()
    assert after[f"readwise-{edited}"][1:3] == ("edited since", False)
    assert after[f"readwise-{deleted}"][2] is True
    changed = {f"readwise-{edited}", f"readwise-{deleted}"}
    assert {key: value for key, value in after.items() if key not in changed} == {
        key: value for key, value in before.items() if key not in changed}


def test_our_json_edited_by_hand_and_read_back_keeps_the_edit(convert, tmp_path):
    june, _ = june_and_january(tmp_path)
    convert(june, "--from", "readwise-json")
    library = tmp_path / "library.json"
    edited = library.read_text().replace("edited in June", "edited by hand")
    (tmp_path / "edited.json").write_text(edited)
    assert where(convert(tmp_path / "edited.json", "--from", "json"))["readwise-7"] == (
        "readwise-2", "edited by hand", False, JUNE)
