"""The previous deck's history: a path where no deck can be is no deck, said nothing about
(writing the deck then names what is wrong with the path), not "a deck excerpta cannot read".
Only a deck excerpta wrote at ``--out`` is read, and even that one as untrusted."""

from __future__ import annotations

import errno
import logging
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from excerpta.model import Document, Highlight, Library
from excerpta.writers.anki.history import UNPACKED_FLOOR, UNPACKED_RATIO, notes_in_memo, read_previous_notes
from excerpta.writers.anki.note_types import FIELD_INDEX

from paths import EXAMPLES


@pytest.mark.parametrize("where", ["through a file", "name too long", "a folder"])
def test_a_path_where_no_deck_can_be_gives_no_history_and_no_warning(tmp_path, caplog, where):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "folder.apkg").mkdir()
    package = {"through a file": tmp_path / "notes.txt" / "deck.apkg",
               "name too long": tmp_path / ("d" * 300 + ".apkg"),
               "a folder": tmp_path / "folder.apkg"}[where]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with caplog.at_level(logging.WARNING):
        assert read_previous_notes(package, scratch) == {}
    assert caplog.text == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_no_room_to_unpack_the_previous_deck_is_the_machines_refusal_not_an_unreadable_deck(tmp_path):
    # The work folder's disk full, not the deck: the run stops, told as the deck's (excerpta.scratch),
    # rather than a warning that the deck cannot be read and a deck whose note times start afresh.
    deck, scratch = tmp_path / "deck.apkg", tmp_path / "scratch"
    scratch.mkdir()
    with zipfile.ZipFile(deck, "w") as archive:
        archive.writestr("collection.anki2", b"x" * 100_000)
    (scratch / "previous.anki2").symlink_to("/dev/full")  # the kernel's own "no space left"
    with pytest.raises(OSError, match="No space left on device") as caught:
        read_previous_notes(deck, scratch)
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, str(scratch / "previous.anki2"))


def test_a_collection_that_would_unpack_far_past_its_zip_size_is_not_unpacked(tmp_path, caplog):
    package, scratch = tmp_path / "bomb.apkg", tmp_path / "scratch"
    scratch.mkdir()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("collection.anki2", "w") as member:
        for _ in range(17):
            member.write(bytes(1 << 20))
    assert package.stat().st_size * UNPACKED_RATIO < UNPACKED_FLOOR < 17 << 20
    assert read_previous_notes(package, scratch) == {}
    assert f"would unpack to {17 << 20} bytes, over {UNPACKED_FLOOR}" in caplog.text
    assert list(scratch.iterdir()) == []


def test_a_collection_whose_notes_are_a_view_is_not_queried(tmp_path, caplog):
    # A view may be a recursive query that never ends (and grows without bound meanwhile).
    collection, package = tmp_path / "c.anki2", tmp_path / "deck.apkg"
    with sqlite3.connect(collection) as db:
        db.execute("CREATE TABLE rows (guid, mod, flds, tags)")
        db.execute("INSERT INTO rows VALUES ('g1', 1, 'a\x1fb', '')")
        db.execute("CREATE VIEW notes AS SELECT * FROM rows")
    db.close()
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(collection, "collection.anki2")
    assert read_previous_notes(package, tmp_path / "") == {}
    assert "its notes are not a table" in caplog.text


def _notes(deck: Path, scratch: Path) -> dict[str, int]:
    """The modification time of each note of the ``.apkg`` at ``deck``, by GUID."""
    with zipfile.ZipFile(deck) as package:
        package.extract("collection.anki2", scratch)
    with sqlite3.connect(scratch / "collection.anki2") as db:
        notes = dict(db.execute("SELECT guid, mod FROM notes"))
    db.close()
    return notes


def _convert(run_cli, library: Path, deck: Path, *options: str | Path, force: bool = False,
             ) -> tuple[int, str]:
    force_it = ["--force"] if force else []
    result = run_cli(*options, "convert", library, "--to", "anki", "--out", deck, *force_it)
    return result.exit_code, result.output


def test_a_deck_excerpta_did_not_write_at_out_is_never_read_even_when_forced(run_cli, tmp_path):
    state, written, deck = tmp_path / "st.sqlite", tmp_path / "written.apkg", tmp_path / "deck.apkg"
    library = EXAMPLES / "library.json"
    assert _convert(run_cli, library, written, "--state", state)[0] == 0
    # Another program's deck at --out: the same notes dated otherwise. Read, it would date the
    # new deck's notes so (a zip bomb would have been unpacked).
    with zipfile.ZipFile(written) as source:
        source.extract("collection.anki2", tmp_path / "foreign")
    with sqlite3.connect(tmp_path / "foreign" / "collection.anki2") as db:
        db.execute("UPDATE notes SET mod = 4242")
    db.close()
    with zipfile.ZipFile(deck, "w") as archive:
        archive.write(tmp_path / "foreign" / "collection.anki2", "collection.anki2")
    before = deck.read_bytes()

    code, output = _convert(run_cli, library, deck, "--state", state)
    assert (code, deck.read_bytes()) == (1, before)
    assert "has no record of excerpta writing it; left alone" in output
    forced = _convert(run_cli, library, deck, "--state", state, force=True)
    assert forced[0] == 0
    # Said without -v (Anki audit): a cloze card's history may move to another word.
    assert f"anki: {deck} is not the deck excerpta last wrote there, and the state does not record " \
           "what it held: cloze numbers and note times start afresh" in forced[1]
    assert _notes(deck, tmp_path / "new") == _notes(written, tmp_path / "first")


def _cloze_texts(deck: Path, scratch: Path) -> list[str]:
    """The Text field of each cloze note of the ``.apkg`` at ``deck``."""
    with zipfile.ZipFile(deck) as package:
        package.extract("collection.anki2", scratch)
    with sqlite3.connect(scratch / "collection.anki2") as db:
        texts = [fields.split("\x1f")[FIELD_INDEX["Text"]] for (fields,) in db.execute(
            "SELECT flds FROM notes") if "{{c" in fields]
    db.close()
    return texts


@pytest.mark.parametrize("state", ["--state", "the default state"])
def test_a_deck_deleted_after_its_import_is_known_from_the_state(run_cli, tmp_path, state):
    # Deleting the .apkg once Anki has it is natural: cloze numbers and note times still
    # follow what Anki holds, from the deck's record in the state.
    deck, library = tmp_path / "deck.apkg", tmp_path / "library.json"
    options = ["--state", tmp_path / "st.sqlite"] if state == "--state" else []
    life = Highlight(id="h1", text="The cost of a thing is **life**.",
                     highlighted_at=datetime(2024, 6, 1, tzinfo=UTC))
    walden = Document(id="d1", title="Walden", highlights=[life])
    library.write_text(Library(documents=[walden]).model_dump_json(), encoding="utf-8")
    assert _convert(run_cli, library, deck, *options)[0] == 0
    first = _notes(deck, tmp_path / "first")
    deck.unlink()
    # An earlier word bolded, the book renamed: "life" keeps c1, and every note is dated
    # newer than Anki's copy, so the import takes the new title.
    walden = walden.model_copy(update={"title": "Walden; or, Life in the Woods", "highlights": [
        life.model_copy(update={"text": "The **cost** of a thing is **life**."})]})
    library.write_text(Library(documents=[walden]).model_dump_json(), encoding="utf-8")
    code, output = _convert(run_cli, library, deck, *options)
    assert code == 0, output
    assert "start afresh" not in output
    assert _cloze_texts(deck, tmp_path / "second") == ["The {{c2::cost}} of a thing is {{c1::life}}."]
    second = _notes(deck, tmp_path / "second")
    assert second.keys() == first.keys()
    assert all(second[guid] > first[guid] for guid in first)


def test_a_deck_gone_from_out_without_its_memo_in_the_state_is_said(run_cli, tmp_path):
    # A state from before the memo was kept: the numbers start afresh, said without -v.
    state, deck = tmp_path / "st.sqlite", tmp_path / "deck.apkg"
    assert _convert(run_cli, EXAMPLES / "library.json", deck, "--state", state)[0] == 0
    with sqlite3.connect(state) as db:
        assert db.execute("UPDATE outputs SET memo = NULL WHERE writer = 'anki'").rowcount == 1
    db.close()
    deck.rename(tmp_path / "imported.apkg")
    code, output = _convert(run_cli, EXAMPLES / "library.json", deck, "--state", state)
    assert code == 0
    assert (f"anki: {deck} is gone, and the state does not record what it held: cloze numbers and "
            "note times start afresh") in output
    assert "start afresh" not in _convert(run_cli, EXAMPLES / "library.json", deck, "--state", state)[1]


def test_the_memo_holds_what_reading_the_deck_back_gives(run_cli, tmp_path):
    state, deck, library = tmp_path / "st.sqlite", tmp_path / "deck.apkg", tmp_path / "library.json"
    documents = [Document(id=f"d{n}", title=f"Book {n}", highlights=[
        Highlight(id=f"h{n}", text=f"A **bold** word and ==a mark== in book {n}."),
        Highlight(id=f"p{n}", text=f"Plain {n}.", tags=["t"])]) for n in range(3)]
    library.write_text(Library(documents=documents).model_dump_json(), encoding="utf-8")
    for _ in range(2):  # the second deck settled against the first
        assert _convert(run_cli, library, deck, "--state", state)[0] == 0
    with sqlite3.connect(state) as db:
        [(memo,)] = db.execute("SELECT memo FROM outputs WHERE writer = 'anki'")
    db.close()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    remembered = notes_in_memo(memo)
    assert remembered == read_previous_notes(deck, scratch)
    assert len(remembered) == 9  # a book note per highlight, a cloze note of each marked one
    assert sorted(note.hidden for note in remembered.values() if note.hidden) == [
        (("bold", 1), ("a mark", 2))] * 3


@pytest.mark.parametrize("memo", ["anki-notes-1:@@@", "anki-notes-1:" + "0" * 10, "anki-notes-9:x", ""])
def test_a_memo_that_cannot_be_read_is_no_memo(memo):
    assert notes_in_memo(memo) is None
