"""A vault typed in another case (``vault`` for ``Vault``: one folder on macOS, Windows or an
exFAT stick) is the same vault: what the user deleted stays deleted; a folder in it the user
renamed in case gets the new notes, with no twin (portability audit).

Linux's file systems tell case apart, so the tests make ``VAULT`` a link to ``Vault``: the
file system then says the two spellings are one folder, as a case-insensitive one does, and
the records were made under the other spelling, as by a run that typed it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from excerpta.output_records import OutputRecord, Respelling
from excerpta.writers.obsidian.naming import NameAllocator

from .conftest import kindle_book, sync_once


def _respelt(tmp_path: Path, typed: str) -> tuple[Path, Path]:
    """``tmp_path/Vault``, once written as ``typed``; ``typed`` now a link to it."""
    old, vault = tmp_path / typed, tmp_path / "Vault"
    old.rename(vault)
    old.symlink_to(vault, target_is_directory=True)
    return old, vault


def test_a_vault_typed_in_another_case_keeps_deleted_notes_and_highlights_deleted(tmp_path):
    walden, emma = kindle_book(3), kindle_book(2, id="readwise-2", title="Emma", author="Jane Austen")
    state, typed = tmp_path / "state.sqlite", tmp_path / "VAULT"
    sync_once(typed, state, [walden, emma])
    (typed / "Books" / "Emma.md").unlink()
    note = typed / "Books" / "Walden.md"
    note.write_text("".join(line for line in note.read_text(encoding="utf-8").splitlines(keepends=True)
                            if "Highlight number 2." not in line), encoding="utf-8")
    sync_once(typed, state, [walden, emma])  # "not found in the output folder (deleted, or moved out of it)"
    _, vault = _respelt(tmp_path, "VAULT")

    sink = sync_once(vault, state, [walden, emma])

    assert sorted(p.name for p in (vault / "Books").iterdir()) == ["Walden.md"]
    assert "Highlight number 2." not in (vault / "Books" / "Walden.md").read_text(encoding="utf-8")
    assert [o.action for o in sink.outcomes if o.action != "unchanged"] == []  # nothing to do


def test_respelling_needs_the_file_system_to_say_both_are_one(tmp_path):
    (tmp_path / "Vault").mkdir()
    (tmp_path / "VAULT").mkdir()  # Linux: another folder, whatever its name folds to
    record = OutputRecord(str(tmp_path / "VAULT" / "Books" / "Emma.md"), "j", "obsidian", "d", "h",
                          None, None)  # type: ignore[arg-type]
    assert Respelling(f"{tmp_path / 'Vault'}/")(record) is None
    (tmp_path / "VAULT").rmdir()
    (tmp_path / "VAULT").symlink_to(tmp_path / "Vault")
    respelt = Respelling(f"{tmp_path / 'Vault'}/")(record)
    assert respelt is not None
    assert respelt.path == str(tmp_path / "Vault" / "Books" / "Emma.md")
    assert Respelling(f"{tmp_path / 'Vaults'}/")(record) is None  # not a prefix of a name


def test_a_new_note_goes_into_the_folder_the_user_renamed_in_case_not_a_twin(tmp_path):
    # Renamed on a Mac (or synced in NFD), seen on Linux: "Books" made again beside "books"
    # would be a case conflict once synced back.
    walden, emma = kindle_book(3), kindle_book(2, id="readwise-2", title="Emma", author="Jane Austen")
    vault, state = tmp_path / "vault", tmp_path / "state.sqlite"
    sync_once(vault, state, [walden])
    (vault / "Books").rename(vault / "books")

    sync_once(vault, state, [walden, emma])

    assert sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md")) == [
        "books/Emma.md", "books/Walden.md"]


def test_a_folder_synced_in_nfd_takes_new_notes_as_it_is_spelt(tmp_path):
    nfd = unicodedata.normalize("NFD", "Café")
    (tmp_path / nfd / "Noir").mkdir(parents=True)
    names = NameAllocator(tmp_path)
    assert names.allocate("Café/noir", "Walden", "d1") == f"{nfd}/Noir/Walden.md"
    assert names.allocate("Books", "Walden", "d2") == "Books/Walden.md"  # none there: as rendered
