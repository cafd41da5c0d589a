"""A note added on the Kindle to an old highlight reaches Anki even when the deck imported
before is not at ``--out`` any more: the new deck dates the note by the note's time."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

SEP = "=========="
BOOK = "Walden (Thoreau, Henry David)"
HIGHLIGHT = (f"{BOOK}\n- Your Highlight on Location 100-102 | Added on Monday, January 1, 2024 "
             f"10:00:00 AM\n\nAlpha beta gamma\n{SEP}\n")
LATER_NOTE = (f"{BOOK}\n- Your Note on Location 102 | Added on Tuesday, January 2, 2024 10:00:00 AM"
              f"\n\na later note\n{SEP}\n")


def notes_of(deck: Path, tmp_path: Path) -> list[tuple[str, int, str]]:
    """(guid, mod, fields) of each note of the ``.apkg`` at ``deck``."""
    with zipfile.ZipFile(deck) as package:
        name = next(n for n in ("collection.anki21", "collection.anki2") if n in package.namelist())
        package.extract(name, tmp_path / "unpacked")
    db = sqlite3.connect(tmp_path / "unpacked" / name)
    try:
        return list(db.execute("SELECT guid, mod, flds FROM notes ORDER BY id"))
    finally:
        db.close()


def test_a_later_note_makes_the_card_newer_than_the_imported_one_with_the_deck_removed(run_cli, tmp_path):
    clip, deck, state = tmp_path / "My Clippings.txt", tmp_path / "deck.apkg", tmp_path / "st.db"

    def export() -> list[tuple[str, int, str]]:
        result = run_cli("--state", state, "convert", clip, "--to", "anki", "--out", deck,
                         "--timezone", "UTC")
        assert result.exit_code == 0, result.output
        return notes_of(deck, tmp_path)

    clip.write_text(HIGHLIGHT, encoding="utf-8")
    [(guid, imported_mod, _)] = export()
    deck.unlink()  # imported into Anki, then removed (AnkiDroid moves it)
    clip.write_text(HIGHLIGHT + LATER_NOTE, encoding="utf-8")
    [(same_guid, mod, fields)] = export()
    assert same_guid == guid
    assert "a later note" in fields
    assert mod > imported_mod
    assert export() == [(guid, mod, fields)]  # read again, the file dates the note the same
