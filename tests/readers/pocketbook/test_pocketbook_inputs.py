"""What the ``pocketbook`` reader is given: a ``books.db`` (by its tables, whatever its name), the
device's drive (its profiles' databases too), nothing beside the device's file changed (WAL
included); a file that is not such a database is one line naming it."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from pocketbook_databases import make_database, note, read_database

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.errors import InputError
from excerpta.readers.pocketbook import PocketBookReader
from sqlite_rows import insert_rows

from paths import EXAMPLES

MASS = "The mass of men lead lives of quiet desperation."
EXPECTED = "expected a PocketBook's notes database, system/config/books.db"


def _fingerprint(folder: Path) -> dict[str, str]:
    return {entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()
            for entry in sorted(folder.iterdir()) if entry.is_file()}


def _drive(root: Path, *places: str) -> Path:
    """A PocketBook drive at ``root`` with a database at each of ``places`` (one note each)."""
    for number, place in enumerate(places or ("system/config",)):
        (root / place).mkdir(parents=True)
        make_database(root / place / "books.db", notes=[note(2, f"{MASS} {number}")])
    return root


def test_a_database_is_recognised_by_its_tables_whatever_its_name(tmp_path):
    copy = tmp_path / "backup-2024.sqlite"
    shutil.copyfile(EXAMPLES / "pocketbook_books.db", copy)
    assert registry.detect_reader(InputProbe.of(str(copy))).name == "pocketbook"


def test_another_application_s_sqlite_file_is_not_recognised(tmp_path):
    other = tmp_path / "books.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT)")
    db.close()
    assert PocketBookReader.recognize(InputProbe.of(str(other))) == 0


def test_the_drive_is_recognised_and_read_through_its_system_folder(tmp_path):
    drive = _drive(tmp_path / "PB629")
    assert registry.detect_reader(InputProbe.of(str(drive))).name == "pocketbook"
    (document,), state = read_database(drive)
    assert [h.text for h in document.highlights] == [f"{MASS} 0"]
    assert state.problems == []


def test_names_on_the_drive_are_compared_without_case(tmp_path):
    drive = _drive(tmp_path / "PB", "SYSTEM/Config")
    (document,), _ = read_database(drive)
    assert document.highlights


def test_each_profile_s_database_is_read(tmp_path):
    drive = _drive(tmp_path / "PB", "system/config", "system/profiles/default/config",
                   "system/profiles/Anna/config")
    documents, _ = read_database(drive)
    assert sorted(h.text for d in documents for h in d.highlights) == [f"{MASS} 0", f"{MASS} 1", f"{MASS} 2"]


def test_a_profile_s_database_that_cannot_be_read_is_reported_and_the_others_read(tmp_path):
    drive = _drive(tmp_path / "PB", "system/config")
    broken = drive / "system" / "profiles" / "Anna" / "config"
    broken.mkdir(parents=True)
    (broken / "books.db").write_bytes(b"not a database")
    documents, state = read_database(drive)
    assert [h.text for d in documents for h in d.highlights] == [f"{MASS} 0"]
    assert [str(p) for p in state.problems] == [f"{broken / 'books.db'}: not an SQLite database ({EXPECTED})"]


def test_a_folder_without_a_database_is_refused_saying_what_it_looked_for(tmp_path):
    (tmp_path / "system").mkdir()
    with pytest.raises(InputError, match=r"no system/config/books\.db in this folder"):
        read_database(tmp_path)


def test_the_drive_s_notes_exports_are_left_to_its_database(tmp_path):
    drive = _drive(tmp_path / "PB")
    (drive / "Notes").mkdir()
    shutil.copyfile(EXAMPLES / "pocketbook_notes.html", drive / "Notes" / "Walden.html")
    (drive / "Notes" / "readme.html").write_text("<p>mine</p>", encoding="utf-8")
    claims = {path.name: PocketBookReader.reads_in_folder(drive, InputProbe.of_file(path))
              for path in (drive / "Notes" / "Walden.html", drive / "Notes" / "readme.html",
                           drive / "system" / "config" / "books.db")}
    assert claims == {"Walden.html": True, "readme.html": False, "books.db": True}


@pytest.mark.parametrize(("content", "reason"), [
    (b"", f"an empty file (0 bytes), not a database ({EXPECTED})"),
    (b"PK\x03\x04 a zip", f"not an SQLite database ({EXPECTED})"),
])
def test_a_file_that_is_no_database_is_one_line_naming_it(tmp_path, content, reason):
    path = tmp_path / "books.db"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_database(path)
    assert str(caught.value) == f"{path}: {reason}"


def test_another_sqlite_file_given_with_from_is_one_line_naming_its_missing_table(tmp_path):
    path = tmp_path / "books.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE Items (OID INTEGER PRIMARY KEY, ParentID INTEGER)")
    db.close()
    with pytest.raises(InputError) as caught:
        read_database(path)
    assert str(caught.value) == f"{path}: no Tags table ({EXPECTED}; is it another SQLite file?)"


def test_a_database_cut_short_by_an_interrupted_copy_is_refused(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(n, f"{MASS} {n}") for n in range(2, 400)])
    path.write_bytes(path.read_bytes()[:8192])
    with pytest.raises(InputError, match=r"cut short: 8192 bytes where its header says"):
        read_database(path)


def test_reading_a_database_leaves_every_file_beside_it_as_it_was(tmp_path):
    path = make_database(tmp_path / "books.db", notes=[note(2, MASS)])
    before = _fingerprint(tmp_path)
    read_database(path)
    assert _fingerprint(tmp_path) == before


def test_notes_only_in_the_wal_file_are_read_and_nothing_beside_the_database_changes(tmp_path):
    work, device = tmp_path / "writer", tmp_path / "device"
    work.mkdir()
    device.mkdir()
    path = make_database(work / "books.db", notes=[note(2, MASS)])
    writer = sqlite3.connect(path)  # the firmware, still holding it open: nothing checkpointed
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    made = note(3, "Made since.", page=20)
    insert_rows(writer, "Items", [made["item"]])
    insert_rows(writer, "Tags", [{"ItemID": 3, "TagID": 104, "Val": made["tags"]["bm.quotation"][0]}])
    writer.commit()
    for name in ("books.db", "books.db-wal"):
        shutil.copyfile(work / name, device / name)
    writer.close()
    before = _fingerprint(device)
    (document,), state = read_database(device / "books.db")
    assert [h.text for h in document.highlights] == [MASS, "Made since."]
    assert state.problems == []
    assert _fingerprint(device) == before
