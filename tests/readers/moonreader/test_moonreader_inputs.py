"""The inputs a Moon+ Reader backup comes as (the zip, its unzipped folder, the database), their
recognition, and the ones that cannot be read: one line naming them, never a traceback."""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moonreader_backups import PACKAGE, backup_of, book, make_backup, make_database, note

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.readers.moonreader import MoonReaderReader, backup, database
from sqlite_rows import zero_page_amid
from zip_members import opened_members


def read(path):
    state = ReadState()
    return list(MoonReaderReader().read(str(path), state)), state


def refusal(path):
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "\n" not in message
    return message


def _unzipped(archive, folder):
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)
    return folder


def test_the_backup_its_unzipped_folder_its_package_folder_and_the_database_read_alike(tmp_path):
    archive = backup_of(tmp_path, [note(), note(original="Two", lastPosition=9)], [book()])
    unzipped = _unzipped(archive, tmp_path / "unzipped")
    database = tmp_path / "mrbooks.db"
    make_database(database, [note(), note(original="Two", lastPosition=9)], [book()])
    expected, _ = read(archive)
    for path in (unzipped, unzipped / PACKAGE, database):
        assert read(path)[0] == expected, path


@pytest.mark.parametrize("package", ["com.flyersoft.moonreaderp", "com.flyersoft.moonreader"])
def test_a_backup_is_recognised_by_its_catalogue_whatever_its_name(tmp_path, package):
    database = make_database(tmp_path / "db", [note()]).read_bytes()
    archive = make_backup(tmp_path / "backup.zip", database, package=package)
    assert registry.detect_reader(InputProbe.of(str(archive))).name == "moonreader"
    assert registry.detect_reader(InputProbe.of(str(_unzipped(archive, tmp_path / "u")))).name == "moonreader"
    assert read(archive)[0][0].highlights[0].text == "I went to the woods"


def test_a_bare_database_is_recognised_by_its_notes_table_and_other_files_are_not_claimed(tmp_path):
    assert MoonReaderReader.recognize(InputProbe.of(str(make_database(tmp_path / "x.db", [note()])))) == 95
    other_db = tmp_path / "notes.sqlite"
    with sqlite3.connect(other_db) as db:
        db.execute("CREATE TABLE notes (id INTEGER, body TEXT)")  # a notes table, not Moon+'s
    db.close()
    other_zip = tmp_path / "export.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("omnivore/_names.list", "mrbooks.db\n")
    not_zip = tmp_path / "fake.mrpro"
    not_zip.write_text("PK but no zip", encoding="utf-8")
    for path in (other_db, other_zip, tmp_path):
        assert MoonReaderReader.recognize(InputProbe.of(str(path))) == 0, path
    # named as a backup: read at the lowest score, to be refused with the reason
    assert MoonReaderReader.recognize(InputProbe.of(str(not_zip))) == 10
    assert "not a readable zip archive" in refusal(not_zip)


def test_the_package_folders_files_are_the_readers_and_no_other_readers(tmp_path):
    folder = _unzipped(backup_of(tmp_path, [note()]), tmp_path / "u")
    tag = folder / PACKAGE / "3.tag"
    assert MoonReaderReader.reads_in_folder(folder, InputProbe.of_file(tag))
    assert MoonReaderReader.reads_in_folder(folder / PACKAGE, InputProbe.of_file(tag))
    assert not MoonReaderReader.reads_in_folder(folder, InputProbe.of_file(folder / "notes.txt"))


def test_a_zip_without_the_database_in_its_catalogue_is_refused(tmp_path):
    archive = make_backup(tmp_path / "b.mrpro", b"x", catalogue=["/data/data/x/shared_prefs/p.xml"])
    assert refusal(archive).endswith("its catalogue lists no mrbooks.db (a backup made without the "
                                     "books' database?)")


def test_a_catalogue_naming_a_tag_the_zip_lacks_is_refused(tmp_path):
    assert "names com.flyersoft.moonreaderp/2.tag for mrbooks.db, which the archive does not hold" in refusal(
        make_backup(tmp_path / "b.mrpro", None))


@pytest.mark.parametrize(("content", "says"), [
    (b"", "an empty database (0 bytes)"),
    (b"<?xml version='1.0'?>", "not an SQLite database"),
])
def test_a_database_tag_that_is_no_database_is_refused(tmp_path, content, says):
    assert says in refusal(make_backup(tmp_path / "b.mrpro", content))


def test_a_database_without_a_notes_table_is_refused(tmp_path):
    database = tmp_path / "db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE books (book TEXT)")
    db.close()
    archive = make_backup(tmp_path / "b.mrpro", database.read_bytes())
    assert "the database has no notes table" in refusal(archive)


def test_a_database_cut_short_is_refused(tmp_path):
    rows = [note(original=f"Passage {n:03d} " + "x" * 300, lastPosition=n) for n in range(60)]
    data = make_database(tmp_path / "db", rows).read_bytes()
    assert "the database is cut short" in refusal(make_backup(tmp_path / "b.mrpro", data[: len(data) // 2]))


def test_a_zip_cut_short_is_refused_as_an_incomplete_backup(tmp_path):
    archive = backup_of(tmp_path, [note()])
    archive.write_bytes(archive.read_bytes()[:-40])  # its central directory lost
    assert registry.detect_reader(InputProbe.of(str(archive))).name == "moonreader"
    assert "not a readable zip archive" in refusal(archive)


def test_a_folder_without_a_backup_is_refused_when_named(tmp_path):
    assert "no com.flyersoft.moonreader… folder with a _names.list here" in refusal(tmp_path)


def test_a_database_larger_than_the_bound_is_not_copied_whatever_the_zip_says(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "MAX_DATABASE_BYTES", 1 << 16)
    data = make_database(tmp_path / "db", [note(original="x" * 2000, lastPosition=n) for n in range(100)])
    assert "larger than 0 MB" in refusal(make_backup(tmp_path / "b.mrpro", data.read_bytes()))


def test_member_names_are_never_extracted_and_the_private_copy_is_deleted(tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    archive = backup_of(tmp_path, [note()])
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("../../escaped.txt", "should never be written")
    documents, _ = read(archive)
    assert documents
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()
    assert list(temporary.iterdir()) == []


def test_a_damaged_page_is_read_around_and_what_was_lost_reported(tmp_path):
    rows = [note(original=f"Passage {n:03d} " + "x" * 300, lastPosition=n) for n in range(60)]
    database = make_database(tmp_path / "mrbooks.db", rows)
    lost = zero_page_amid(database, "notes", "Passage ")
    assert lost
    documents, state = read(database)
    read_texts = {h.text[:11] for d in documents for h in d.highlights}
    assert read_texts == {f"Passage {n:03d}" for n in range(60) if n not in lost}
    assert state.cut_short
    (problem,) = state.problems
    assert str(problem).startswith(f"{database}: notes: damaged (")
    assert "highlights on them are left out" in str(problem)


settings_for_files = settings(max_examples=60, deadline=None,
                              suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings_for_files
@given(content=st.binary(max_size=3000))
def test_any_bytes_as_the_backups_database_are_read_or_refused_never_a_crash(tmp_path, content):
    read_or_refused_in_one_line(make_backup(tmp_path / "any.mrpro", content))


@settings_for_files
@given(catalogue=st.lists(st.text(max_size=60), max_size=6), cut=st.integers(min_value=0, max_value=4000))
def test_any_catalogue_and_any_cut_of_a_backup_are_read_or_refused_never_a_crash(tmp_path, catalogue, cut):
    data = make_database(tmp_path / "db", [note()]).read_bytes()
    archive = make_backup(tmp_path / "any.mrpro", data, catalogue=catalogue)
    archive.write_bytes(archive.read_bytes()[:cut] if cut else archive.read_bytes())
    read_or_refused_in_one_line(archive)


def read_or_refused_in_one_line(archive: Path) -> None:
    """Read ``archive``, or see it refused in one line naming it."""
    try:
        read(archive)
    except InputError as err:
        message = str(err)
    else:
        return
    assert message.startswith(str(archive))
    assert "\n" not in message


def test_a_damaged_database_whose_readable_rows_give_no_highlight_is_refused(tmp_path):
    rows = [note(original="", highlightLength=0, bookmark=f"Passage {n:03d} " + "x" * 300, lastPosition=n)
            for n in range(60)]
    database = make_database(tmp_path / "mrbooks.db", rows)
    assert zero_page_amid(database, "notes", "Passage ")
    assert "the database is damaged" in refusal(database)
    assert "no highlight could be read from it" in refusal(database)


def _package_folders(tmp_path):
    # The free and the Pro app's backups unzipped side by side, an older one a level deeper,
    # and one too deep to be looked for.
    folder = tmp_path / "phone"
    for name, package, where in (("pro", PACKAGE, "."), ("free", "com.flyersoft.moonreader", "."),
                                 ("old", PACKAGE, "older"), ("deep", PACKAGE, "a/b/c")):
        database = make_database(tmp_path / f"{name}.db", [note(original=f"from {name}")]).read_bytes()
        archive = make_backup(tmp_path / f"{name}.mrpro", database, package=package)
        _unzipped(archive, folder / where)
    return folder


def test_every_package_folder_of_a_folder_is_read_and_only_their_files_claimed(tmp_path):
    folder = _package_folders(tmp_path)
    documents, state = read(folder)
    assert sorted(h.text for d in documents for h in d.highlights) == ["from free", "from old", "from pro"]
    assert len({d.id for d in documents}) == 1  # one book: the same id from each backup
    assert state.problems == []
    claimed = {str(path.relative_to(folder)) for path in folder.rglob("*.tag")
               if MoonReaderReader.reads_in_folder(folder, InputProbe.of_file(path))}
    assert {name.split("/")[0] for name in claimed} == {PACKAGE, "com.flyersoft.moonreader", "older"}
    too_deep = InputProbe.of_file(folder / "a/b/c" / PACKAGE / "2.tag")
    assert not MoonReaderReader.reads_in_folder(folder, too_deep)


def test_what_is_reported_of_one_of_several_package_folders_names_it(tmp_path):
    folder = _package_folders(tmp_path)
    make_backup(folder / "older" / PACKAGE / "2.tag", None)  # not a database: refused, named
    message = refusal(folder)
    assert message.startswith(f"{folder}/older/{PACKAGE}: not an SQLite database")


def test_a_database_and_its_journal_share_one_bound_and_a_member_too_large_is_never_opened(
        tmp_path, monkeypatch):
    rows = [note(original="x" * 2000, lastPosition=n) for n in range(20)]
    data = make_database(tmp_path / "db", rows).read_bytes()
    catalogue = ["/data/data/x/shared_prefs/p.xml", "/data/data/x/databases/mrbooks.db",
                 "/data/data/x/databases/mrbooks.db-journal"]
    journal = make_backup(tmp_path / "j.mrpro", data, catalogue=catalogue, tags={3: b"\0" * 200})
    too_large = make_backup(tmp_path / "b.mrpro", data)
    monkeypatch.setattr(backup, "MAX_DATABASE_BYTES", len(data) + 100)  # each fits, not both
    assert "larger than 0 MB (with the files copied beside it)" in refusal(journal)
    opened = opened_members(monkeypatch)
    monkeypatch.setattr(backup, "MAX_DATABASE_BYTES", len(data) - 1)
    assert "more than a Moon+ database holds" in refusal(too_large)
    assert opened == [f"{PACKAGE}/_names.list"]  # the database's member refused by its declared size


def test_the_copy_is_opened_as_an_untrusted_file_is(tmp_path):
    # Reliability reference 4.9: a database from a backup is a stranger's file: nothing in its
    # schema runs, oversized cells are caught, nothing is mapped, and nothing is written.
    path = make_database(tmp_path / "mrbooks.db", [])
    with database.opened(path, str(path)) as db:
        said = [db.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("query_only", "trusted_schema", "cell_size_check", "mmap_size")]
    assert said == [1, 0, 1, 0]
