"""A note the user deleted is said once, then costs nothing: not looked for in the vault and not
reported on every run while its document is unchanged, yet found when its document changes if
the user only put it elsewhere."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from excerpta.model import Highlight, Library, LocationType

from .conftest import kindle_book, sync_once

NOTE = "Books/Walden.md"
SKIPPED = "not found in the output folder (deleted, or moved out of it); not re-created (--recreate-deleted)"


@pytest.fixture
def vault_walks(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many folder walks (a vault scan is one) the runs made since the last call."""
    walks = 0
    real_walk = os.walk

    def counting_walk(*args, **kwargs):
        nonlocal walks
        walks += 1
        return real_walk(*args, **kwargs)

    monkeypatch.setattr(os, "walk", counting_walk)

    def since_last() -> int:
        nonlocal walks
        count, walks = walks, 0
        return count

    return since_last


def _said(sink) -> list[tuple[str, str, str | None]]:
    return [(o.path.name, o.action, o.reason) for o in sink.outcomes]


def test_a_deleted_note_is_said_once_then_neither_looked_for_nor_said_while_unchanged(vault, sync, books,
                                                                                       vault_walks):
    library = [books(2), books(1, id="readwise-2", title="Civil Disobedience")]
    sync(library)
    (vault / NOTE).unlink()
    vault_walks()
    assert _said(sync(library)) == [("Walden.md", "skip", SKIPPED)]
    assert vault_walks() == 1  # once, to tell a deleted note from a moved one
    for _ in range(2):
        assert _said(sync(library)) == []
        assert vault_walks() == 0
    assert not (vault / NOTE).exists()


def test_a_deleted_note_put_back_elsewhere_is_found_when_its_document_changes(vault, sync, books):
    book = books(2)
    sync([book])
    note = (vault / NOTE).read_text() + "\nMy own line.\n"
    (vault / NOTE).unlink()
    sync([book])
    (vault / "Kept").mkdir()
    (vault / "Kept" / "Walden.md").write_text(note)  # from a backup, say
    assert _said(sync([book])) == []  # not looked for while nothing changed
    more = [*book.highlights, Highlight(id="readwise-3", text="Highlight number 3.", location=300,
                                        location_type=LocationType.LOCATION)]
    sink = sync([book.model_copy(update={"highlights": more})])
    assert _said(sink) == [("Walden.md", "update", f"found again by its excerpta-id (was {NOTE})")]
    text = (vault / "Kept" / "Walden.md").read_text()
    assert "Highlight number 3." in text
    assert text.endswith("\nMy own line.\n")
    assert not (vault / NOTE).exists()


def test_a_deleted_note_is_said_again_once_when_its_document_changes_and_recreated_if_asked(
        vault, sync, books):
    book = books(2)
    sync([book])
    (vault / NOTE).unlink()
    sync([book])
    edited = book.model_copy(update={"title": "Walden (edited)"})
    assert _said(sync([edited])) == [("Walden.md", "skip", SKIPPED)]
    assert _said(sync([edited])) == []
    sync([edited], recreate_deleted=True)
    assert "# Walden (edited)" in (vault / NOTE).read_text()


def test_a_note_moved_out_of_the_output_folder_is_said_not_found_there_not_deleted(run_cli, tmp_path):
    # Audit s22 L4: "deleted from the vault (0 bytes)" for a note moved to the vault's root,
    # where excerpta does not look (it is found again once moved back).
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    output, library = vault / "Readwise", tmp_path / "library.json"
    convert = ("convert", library, "--to", "obsidian", "--out", output, "--state", state)
    library.write_text(Library(documents=[kindle_book(2)]).model_dump_json(), encoding="utf-8")
    assert run_cli(*convert).exit_code == 0
    (output / NOTE).rename(vault / "Walden.md")
    result = run_cli(*convert)
    assert result.exit_code == 0, result.output
    assert f"skip {output / NOTE}: {SKIPPED}\n" in result.output
    assert (vault / "Walden.md").is_file()
    assert not (output / NOTE).exists()


def test_a_deleted_highlight_note_is_said_once_and_its_highlight_stays_shown_in_full(vault, sync, books,
                                                                                      vault_walks):
    book = books(2)
    sync([book], atomic=True)
    (vault / "Books" / "Walden" / "Highlight number 2.md").unlink()
    vault_walks()
    sink = sync([book], atomic=True)
    assert _said(sink) == [("Highlight number 2.md", "skip", SKIPPED), ("Walden.md", "update", None)]
    assert vault_walks() == 1
    for _ in range(2):
        assert _said(sync([book], atomic=True)) == []
        assert vault_walks() == 0
    assert "- Highlight number 2. ([Location" in (vault / NOTE).read_text()


def test_a_note_deleted_before_the_vault_folder_moved_is_said_once(tmp_path):
    state, before, after = tmp_path / "state.sqlite", tmp_path / "Readwise", tmp_path / "Reading"
    library = [kindle_book(2), kindle_book(2, id="readwise-2", title="Civil Disobedience")]
    sync_once(before, state, library)
    (before / NOTE).unlink()
    before.rename(after)
    assert _said(sync_once(after, state, library)) == [
        ("Walden.md", "skip", SKIPPED), ("Civil Disobedience.md", "unchanged", None)]
    assert _said(sync_once(after, state, library)) == []
    assert not (after / NOTE).exists()


@pytest.mark.parametrize("how", ["folder deleted", "folder emptied"])
def test_a_vault_deleted_or_emptied_to_start_over_gets_every_note_again(vault, sync, books, caplog, how):
    # Deleting the output folder and running the same command again is how a user starts over;
    # taking each note for one the user deleted wrote nothing, with exit code 0.
    import shutil

    library = [books(2), books(1, id="readwise-2", title="Civil Disobedience")]
    sync(library)
    shutil.rmtree(vault)
    if how == "folder emptied":
        vault.mkdir()
    sink = sync(library)
    assert sorted((o.path.name, o.action) for o in sink.outcomes) == [
        ("Civil Disobedience.md", "create"), ("Walden.md", "create")]
    assert "the folder is gone or empty, none of the 2 notes excerpta wrote there is left" in caplog.text
    assert (vault / NOTE).is_file()
    assert sync(library).outcomes == []  # nothing to write: both current


def test_one_note_deleted_from_a_vault_still_holding_others_stays_deleted(vault, sync, books):
    library = [books(2), books(1, id="readwise-2", title="Civil Disobedience")]
    sync(library)
    (vault / NOTE).unlink()
    assert [(o.path.name, o.action) for o in sync(library).outcomes] == [("Walden.md", "skip")]
    assert not (vault / NOTE).exists()


def test_every_note_deleted_one_by_one_stays_deleted(vault, sync, books):
    # The folder still holds what the notes were in: a vault whose notes the user deleted (or
    # moved elsewhere), not one emptied to start over.
    library = [books(2), books(1, id="readwise-2", title="Civil Disobedience")]
    sync(library)
    (vault / NOTE).unlink()
    sync(library)
    (vault / "Books" / "Civil Disobedience.md").unlink()
    assert [(o.path.name, o.action) for o in sync(library).outcomes] == [("Civil Disobedience.md", "skip")]
    assert list((vault / "Books").iterdir()) == []


def test_starting_over_is_decided_before_the_run_writes_into_the_folder(vault, sync, books):
    # A new document written first makes the folder non-empty again: the notes after it are
    # still re-created, not taken for notes the user deleted.
    import shutil

    library = [books(2), books(1, id="readwise-2", title="Civil Disobedience")]
    sync(library)
    shutil.rmtree(vault)
    fresh = books(1, id="readwise-3", title="A Week on the Concord")
    outcomes = sync([fresh, *library]).outcomes
    assert sorted((o.path.name, o.action) for o in outcomes) == [
        ("A Week on the Concord.md", "create"), ("Civil Disobedience.md", "create"), ("Walden.md", "create")]


@pytest.mark.parametrize("whole_book", [False, True])
def test_a_highlight_deleted_from_its_note_stays_deleted_when_upstream_deletes_and_restores_it(
        vault, sync, books, whole_book):
    # Readwise deletes a book (or the highlight) and later restores it: a block the user had
    # deleted from the note before is still the user's deletion, not a new highlight.
    book = books(3)
    sync([book])
    note = vault / NOTE
    text = note.read_text(encoding="utf-8")
    note.write_text("".join(line for line in text.splitlines(keepends=True) if "^hl-readwise-2" not in line),
                    encoding="utf-8")
    sync([book])
    gone = [h.model_copy(update={"is_deleted": True}) if whole_book or h.id == "readwise-2" else h
            for h in book.highlights]
    sync([book.model_copy(update={"highlights": gone})])
    restored = sync([book])
    text = note.read_text(encoding="utf-8")
    assert "^hl-readwise-2" not in text
    assert "^hl-readwise-1" in text  # the others are back
    assert "^hl-readwise-3" in text
    assert [o.action for o in restored.outcomes] == (["update"] if whole_book else ["unchanged"])
