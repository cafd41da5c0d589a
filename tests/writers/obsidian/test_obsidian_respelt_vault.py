"""A vault typed in another case (``vault`` for ``Vault``: one folder on macOS, Windows or an
exFAT stick) is the same vault: what the user deleted stays deleted (portability audit).

Linux's file systems tell case apart, so the tests make ``VAULT`` a link to ``Vault``: the
file system then says the two spellings are one folder, as a case-insensitive one does, and
the records were made under the other spelling, as by a run that typed it.
"""

from __future__ import annotations

from pathlib import Path

from excerpta.output_records import OutputRecord, Respelling

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
    sync_once(typed, state, [walden, emma])  # "deleted from the vault; not re-created"
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
