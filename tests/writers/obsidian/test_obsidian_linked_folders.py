"""Folders of the vault that are links: a folder linking outside the vault is never written
into (its notes are left alone and reported, the run partial); one linking to another folder of
the vault is followed."""

from __future__ import annotations

import shutil

from excerpta.model import Highlight

SKIPPED = ("skip", "a link to a file outside the output folder; left as it is", True)


def _files(folder) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_no_note_is_created_or_updated_through_a_category_folder_linking_outside(
        tmp_path, vault, sync, books):
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault / "Books").symlink_to(outside)
    sink = sync([books(2)])
    assert [(o.path.relative_to(vault).as_posix(), o.action, o.reason, o.pending) for o in sink.outcomes] == [
        ("Books/Walden.md", *SKIPPED)]
    assert _files(outside) == {}

    (vault / "Books").unlink()  # written in the vault, then the folder moved out and linked back
    sync([books(2)])
    shutil.move(vault / "Books", outside / "Books")
    (vault / "Books").symlink_to(outside / "Books")
    before = _files(outside)
    sink = sync([books(3)])
    assert [(o.action, o.reason, o.pending) for o in sink.outcomes] == [SKIPPED]
    assert _files(outside) == before


def test_highlight_notes_of_an_atomic_vault_are_not_written_into_a_folder_linking_outside(
        tmp_path, vault, sync, books):
    book = books(2)
    sync([book], atomic=True)
    outside = tmp_path / "outside"
    shutil.move(vault / "Books" / "Walden", outside)  # the highlights' notes
    (vault / "Books" / "Walden").symlink_to(outside)
    before = _files(outside)
    changed = [book.highlights[0].model_copy(update={"text": "Changed."}),
               book.highlights[1],
               Highlight(id="readwise-3", text="New one.", location=300)]
    sink = sync([book.model_copy(update={"highlights": changed})], atomic=True)

    # Every note there is reported, the unchanged one too: it is no longer known to be intact.
    assert [(o.path.name, o.action, o.reason, o.pending) for o in sink.outcomes] == [
        ("Highlight number 1.md", *SKIPPED), ("Highlight number 2.md", *SKIPPED), ("New one.md", *SKIPPED),
        ("Walden.md", "update", None, False)]
    assert _files(outside) == before


def test_a_note_linked_from_outside_is_not_taken_for_a_documents_note(
        tmp_path, vault, sync_forgetting, books):
    # Found by a vault scan, it used to be read and then reported as left alone: not the
    # output's, so not looked at, and the document gets its own note in the vault.
    book = books(2)
    sync_forgetting([book])
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(vault / "Books" / "Walden.md", outside / "Walden.md")
    (vault / "Linked.md").symlink_to(outside / "Walden.md")
    before = _files(outside)
    sink = sync_forgetting([book])
    assert [(o.path.relative_to(vault).as_posix(), o.action) for o in sink.outcomes] == [
        ("Books/Walden.md", "create")]
    assert _files(outside) == before
