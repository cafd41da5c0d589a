"""Opening a Kobo database: nothing beside it changes (WAL and hot journal included), and a file
that is not one, or is damaged, locked or lacks what every firmware has, is one clear line."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from kobo_databases import BOOK, COLOR_DB, bookmark, fingerprint, insert, make_database, read, real_schema

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.readers.kobo import _as_row, _documents, database


def test_reading_the_corpus_database_leaves_its_bytes_and_its_folder_as_they_were(tmp_path):
    before = fingerprint(COLOR_DB.parent)
    read(COLOR_DB)
    assert fingerprint(COLOR_DB.parent) == before
    copy = tmp_path / "KoboReader.sqlite"
    shutil.copyfile(COLOR_DB, copy)
    before = fingerprint(tmp_path)
    read(copy)
    assert fingerprint(tmp_path) == before  # no -journal, -wal or -shm left beside it


def _wal_database(folder: Path) -> Path:
    """A WAL-mode database whose last highlight is only in its -wal file (the device never
    checkpointed it): copied while the writer still holds it open, as a mounted device's is."""
    work = folder / "writer"
    work.mkdir()
    path = make_database(work / "KoboReader.sqlite", [bookmark("in-main-file", "Checkpointed.")])
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    insert(writer, "Bookmark", [bookmark("only-in-wal", "Made since.", ChapterProgress=0.5)])
    writer.commit()
    device = folder / "device"
    device.mkdir()
    for name in ("KoboReader.sqlite", "KoboReader.sqlite-wal"):
        shutil.copyfile(work / name, device / name)
    writer.close()
    return device / "KoboReader.sqlite"


def test_highlights_only_in_the_wal_file_are_read_and_no_file_is_created_or_changed(tmp_path):
    path = _wal_database(tmp_path)
    assert (path.parent / "KoboReader.sqlite-wal").stat().st_size > 0
    before = fingerprint(path.parent)
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["Checkpointed.", "Made since."]
    assert state.problems == []
    assert fingerprint(path.parent) == before  # no -shm made, the -wal not checkpointed


def test_immutable_alone_would_miss_the_wal_content(tmp_path):
    # Why the reader copies a WAL database rather than open it with immutable=1 (which creates
    # nothing beside it either): SQLite then ignores the -wal file. Should a newer SQLite read
    # it, this fails, and the copy may be dropped.
    path = _wal_database(tmp_path)
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        ids = {ident for (ident,) in connection.execute("SELECT BookmarkID FROM Bookmark")}
    finally:
        connection.close()
    assert ids == {"in-main-file"}


def test_recognising_a_wal_database_creates_nothing_beside_it(tmp_path):
    path = _wal_database(tmp_path)
    before = fingerprint(path.parent)
    assert database.has_kobo_tables(path)
    assert fingerprint(path.parent) == before


def test_a_hot_journal_is_rolled_back_in_a_copy_never_in_the_devices_file(tmp_path):
    work = tmp_path / "writer"
    work.mkdir()
    path = make_database(work / "KoboReader.sqlite", [bookmark("committed", "Committed.")])
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA cache_size=1")  # spill the transaction's pages into the file
    writer.execute("BEGIN")
    insert(writer, "Bookmark", [bookmark(f"pending-{n}", "x" * 500) for n in range(200)])
    device = tmp_path / "device"
    device.mkdir()
    for name in ("KoboReader.sqlite", "KoboReader.sqlite-journal"):
        shutil.copyfile(work / name, device / name)  # the device unplugged mid-write
    writer.execute("ROLLBACK")
    writer.close()
    before = fingerprint(device)
    (document,), _state = read(device / "KoboReader.sqlite")
    assert [h.text for h in document.highlights] == ["Committed."]
    assert fingerprint(device) == before


def test_a_database_another_program_keeps_locked_is_refused_after_waiting(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.1)
    path = make_database(tmp_path / "KoboReader.sqlite", [bookmark("a")])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(InputError, match="locked by another program writing to it"):
            read(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_zero_byte_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "KoboReader.sqlite"
    path.write_bytes(b"")
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == (f"{path}: an empty file (0 bytes), not a database "
                                 "(expected a Kobo KoboReader.sqlite)")


def test_a_file_that_is_no_sqlite_database_is_refused_naming_it(tmp_path):
    path = tmp_path / "KoboReader.sqlite"
    path.write_text("Bookmark,content\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"KoboReader\.sqlite: not an SQLite database"):
        read(path)


def test_a_damaged_database_is_refused_in_one_line(tmp_path):
    path = tmp_path / "KoboReader.sqlite"
    path.write_bytes(COLOR_DB.read_bytes()[:100] + b"\xff" * 8000)
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "damaged" in message or "cannot be read as a database" in message
    assert "\n" not in message


@pytest.mark.parametrize("kept", [5000, -1, -4096])
def test_a_database_cut_short_is_refused_as_such(tmp_path, kept):
    # Cut by a page or two, it read every highlight on the pages left, and lost the others
    # without a word (new-readers audit, after apple-books' same finding).
    data = COLOR_DB.read_bytes()
    path = tmp_path / "KoboReader.sqlite"
    path.write_bytes(data[:kept])
    with pytest.raises(InputError) as caught:
        read(path)
    size = len(data[:kept])
    assert str(caught.value).startswith(f"{path}: cut short: {size} bytes where its header says {len(data)} ")


def test_another_sqlite_database_is_refused_naming_the_missing_table(tmp_path):
    path = make_database(tmp_path / "other.sqlite", schema=["CREATE TABLE notes (text TEXT)"], content=[])
    with pytest.raises(InputError, match=r"other\.sqlite: no content table \(expected a Kobo KoboReader"):
        read(path)


def test_a_bookmark_table_without_a_column_every_firmware_has_is_refused_naming_it(tmp_path):
    schema = [sql for sql in real_schema() if not sql.startswith("CREATE TABLE Bookmark")]
    schema.append("CREATE TABLE Bookmark (BookmarkID TEXT, VolumeID TEXT, ContentID TEXT, DateCreated TEXT)")
    path = make_database(tmp_path / "KoboReader.sqlite", schema=schema)
    with pytest.raises(InputError, match="table Bookmark has no column Text, Annotation"):
        read(path)


def test_an_old_bookmark_table_without_type_hidden_color_or_progress_is_read(tmp_path):
    schema = [sql for sql in real_schema() if not sql.startswith("CREATE TABLE Bookmark")]
    schema.append("CREATE TABLE Bookmark (BookmarkID TEXT, VolumeID TEXT, ContentID TEXT, Text TEXT, "
                  "Annotation TEXT, DateCreated TEXT)")
    row = {key: value for key, value in bookmark("a", "Old.").items()
           if key in ("BookmarkID", "VolumeID", "ContentID", "Text", "Annotation", "DateCreated")}
    dogear = {**row, "BookmarkID": "b", "Text": None}
    path = make_database(tmp_path / "KoboReader.sqlite", [row, dogear], schema=schema)
    (document,), state = read(path)
    assert [(h.text, h.chapter, h.color, h.is_deleted) for h in document.highlights] == [
        ("Old.", "Chapter 1", None, False)]
    assert state.problems == []


def test_a_database_without_bookmarks_gives_no_document_and_no_problem(tmp_path):
    path = make_database(tmp_path / "KoboReader.sqlite")
    documents, state = read(path)
    assert documents == []
    assert state.problems == []


def _rows_then_damage(books: int):
    for number in range(books):
        yield (f"b{number}".encode(), f"{BOOK}{number}".encode(), b"c", b"Text.", None,
               b"2024-11-18T17:43:44Z", 0.0, b"false", b"highlight", 0, None, number + 1)
    raise sqlite3.DatabaseError("database disk image is malformed")


def test_damage_met_after_a_book_was_given_leaves_it_done_and_reports_nothing_of_the_cut_book():
    # The reader then reads the database again around the damage, skipping the books done
    # (tests/readers/kobo/test_kobo_damaged_pages.py).
    state, done = ReadState(), set()
    given = _documents(map(_as_row, _rows_then_damage(2)), {}, True, "KoboReader.sqlite", state, done)
    documents = [next(given)]
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        next(given)
    assert [d.highlights[0].id for d in documents] == ["kobo-b0"]  # the second book's group was cut
    assert done == {f"{BOOK}0"}
    assert state.problems == []


def test_the_database_is_opened_as_an_untrusted_file_is(tmp_path):
    # Reliability reference 4.9: a device's database is a stranger's file: nothing in its
    # schema runs, oversized cells are caught, nothing is mapped, and nothing is written.
    path = make_database(tmp_path / "KoboReader.sqlite")
    with database.open_database(path, str(path)) as db:
        said = [db.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("query_only", "trusted_schema", "cell_size_check", "mmap_size")]
    assert said == [1, 0, 1, 0]
