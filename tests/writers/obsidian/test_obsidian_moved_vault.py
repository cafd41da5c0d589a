"""A vault folder the user renamed or moved (or synced to another machine at another path)
is re-synced as the same notes: what they deleted stays deleted, upstream edits arrive."""

from __future__ import annotations

import shutil

from excerpta.model import Highlight

from .conftest import edited, kindle_book, sync_once

NOTE = "Books/Walden.md"


def _without_highlight(text: str, block_id: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if f"^{block_id}" not in line)


def _upstream_changes(book):
    first, *rest = book.highlights
    return edited(book, highlights=[first.model_copy(update={"text": "Edited upstream."}), *rest,
                                    Highlight(id="hl-new", text="Added upstream.", location=900)])


def test_a_renamed_vault_folder_keeps_deletions_and_takes_upstream_edits(tmp_path):
    book = kindle_book(3)
    state, before, after = tmp_path / "state.sqlite", tmp_path / "Readwise", tmp_path / "Reading"
    sync_once(before, state, [book])
    deleted = book.highlights[1]
    note = before / NOTE
    block_id = next(line.rsplit("^", 1)[1] for line in note.read_text(encoding="utf-8").splitlines()
                    if deleted.text in line)
    note.write_text(_without_highlight(note.read_text(encoding="utf-8"), block_id), encoding="utf-8")
    before.rename(after)

    sync_once(after, state, [_upstream_changes(book)])

    text = (after / NOTE).read_text(encoding="utf-8")
    assert deleted.text not in text
    assert "Edited upstream." in text
    assert "Added upstream." in text
    assert not before.exists()


def test_a_second_vault_still_in_place_is_another_note_and_gets_what_it_lacks(tmp_path):
    book = kindle_book(3)
    state, first, second = tmp_path / "state.sqlite", tmp_path / "first", tmp_path / "second"
    sync_once(first, state, [book])
    shutil.copytree(first, second)
    changed = _upstream_changes(book)
    sync_once(first, state, [changed])  # the record now holds the first vault's memo
    mine = second / NOTE  # edited inside its highlights, so it is merged block by block
    mine.write_text(mine.read_text(encoding="utf-8").replace("number 3.", "number 3 (mine)."),
                    encoding="utf-8")

    sync_once(second, state, [changed])

    text = (second / NOTE).read_text(encoding="utf-8")
    assert "Added upstream." in text  # the first vault got it; this one had not yet
    assert "Highlight number 2." in text
    assert "Highlight number 3 (mine)." in text


def _library() -> list:
    return [kindle_book(2), kindle_book(2, id="readwise-2", title="Civil Disobedience")]


def test_a_note_deleted_before_the_vault_folder_moved_is_not_recreated_unless_asked(tmp_path):
    state, before, after = tmp_path / "state.sqlite", tmp_path / "Readwise", tmp_path / "Notes" / "Reading"
    sync_once(before, state, _library())
    (before / NOTE).unlink()
    after.parent.mkdir()
    before.rename(after)
    new = kindle_book(1, id="readwise-3", title="Cape Cod")

    sink = sync_once(after, state, [*_library(), new])

    assert [(o.path, o.action, o.reason) for o in sink.outcomes] == [
        (after / NOTE, "skip", "not found in the output folder (deleted, or moved out of it); not "
                               "re-created (--recreate-deleted)"),
        (after / "Books/Civil Disobedience.md", "unchanged", None),
        (after / "Books/Cape Cod.md", "create", None)]  # a new document is still written
    assert not (after / NOTE).exists()
    sync_once(after, state, _library(), recreate_deleted=True)
    assert "Highlight number 2." in (after / NOTE).read_text(encoding="utf-8")


def test_a_new_folder_after_the_old_one_was_deleted_gets_every_note(tmp_path):
    state, before, after = tmp_path / "state.sqlite", tmp_path / "Readwise", tmp_path / "Reading"
    sync_once(before, state, _library())
    shutil.rmtree(before)  # on purpose: the user starts again elsewhere

    sink = sync_once(after, state, _library())

    assert [o.action for o in sink.outcomes] == ["create", "create"]
    assert (after / NOTE).is_file()


def test_a_renamed_vault_keeps_its_deletions_when_a_second_vault_in_place_synced_last(tmp_path):
    # One state, two vaults. The second one, in place and synced last, holds the newest record
    # of every note; its notes are another vault's, not this one's past.
    state, first, second, renamed = (tmp_path / "state.sqlite", tmp_path / "first", tmp_path / "second",
                                     tmp_path / "renamed")
    book, other = _library()
    for vault in (first, second):
        sync_once(vault, state, _library())
    deleted = book.highlights[1]
    note = first / NOTE
    note.write_text("".join(line for line in note.read_text(encoding="utf-8").splitlines(keepends=True)
                            if deleted.text not in line), encoding="utf-8")
    (first / "Books/Civil Disobedience.md").unlink()
    sync_once(first, state, _library())  # the deletions seen once, where they were made
    changed = [_upstream_changes(book), other]
    sync_once(second, state, changed)
    first.rename(renamed)

    sink = sync_once(renamed, state, changed)

    text = (renamed / NOTE).read_text(encoding="utf-8")
    assert deleted.text not in text
    assert "Added upstream." in text
    assert not (renamed / "Books/Civil Disobedience.md").exists()
    assert [o.action for o in sink.outcomes] == ["update", "skip"]
    assert deleted.text in (second / NOTE).read_text(encoding="utf-8")  # the other vault's own
