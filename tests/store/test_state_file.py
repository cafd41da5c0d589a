"""A state file that cannot be used is told as what it is: a damaged row named, another
application's database left alone, a path through a file named as not a folder; a dry run's
copy of the state changes nothing on disk."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from excerpta.errors import StateError
from excerpta.model import Document, Highlight
from excerpta.store import MergeRules, open_store
from excerpta.store.migrations import MIGRATIONS, SCHEMA_VERSION
from excerpta.store.state_file import open_error

from paths import EXAMPLES


def _library(path: Path) -> None:
    store = open_store(path)
    store.merge([Document(id="d1", title="Walden", author="Thoreau",
                          highlights=[Highlight(id="h1", text="Simplify, simplify.", location=10)])])
    store.start_run("job")
    store.close()


@pytest.mark.parametrize(("damage", "read", "message"), [
    ("UPDATE documents SET data = '{not json'", "documents",
     r"documents row 'd1', not JSON: Expecting property name"),
    ("UPDATE documents SET data = '{\"id\": 5}'", "documents",
     r"documents row 'd1', not a document: id: Input should be a valid string \(and 1 more problem\(s\)\)"),
    ("UPDATE documents SET data = '[1, 2]'", "documents", r"documents row 'd1', not a document: "),
    ("UPDATE highlights SET data = 'nope'", "documents", r"highlights row 'h1', not JSON: "),
    ("UPDATE highlights SET data = '{\"text\": 1}'", "documents",
     r"highlights row 'h1', not a highlight: id: Field required"),
    ("UPDATE runs SET counts = '{'", "runs", r"runs row 1, not JSON: "),
])
def test_a_damaged_row_is_a_state_error_naming_the_file_table_and_row(tmp_path, damage, read, message):
    path = tmp_path / "state.sqlite"
    _library(path)
    with sqlite3.connect(path) as db:
        db.execute(damage)
    store = open_store(path)
    with pytest.raises(StateError) as caught:
        list(getattr(store, read)())
    store.close()
    text = str(caught.value)
    assert text.startswith(f"state database {path} is damaged: ")
    assert re.search(message, text), text
    assert "\n" not in text


_RESAVED = [Document(id="d1", title="Walden",
                    highlights=[Highlight(id="h9", text="Simplify, simplify, simplify.", location=10)])]
_EDITED = [Document(id="d1", title="Walden", highlights=[Highlight(id="h1", text="Simplify!", location=10)])]


_MERGES = {"deleted": ([], MergeRules(deleted=frozenset({"d1"}))),
           "keep": (_EDITED, MergeRules(keep=frozenset({"note"}))),
           "resaves same id": (_EDITED, MergeRules(resaves=True)),
           "resaves new id": (_RESAVED, MergeRules(resaves=True))}


@pytest.mark.parametrize(("merge", "data"), [
    *((merge, "{broken") for merge in _MERGES),
    # JSON that is not a highlight: read whole by these two (matching re-saves reads its fields
    # through SQLite first, and a row whose fields match nothing is not read further).
    *((merge, data) for merge in ("deleted", "keep")
      for data in ("[1]", '{"id": "h1", "text": 5, "note": 5}')),
])
def test_a_merge_reading_a_damaged_row_names_it_as_documents_does(tmp_path, merge, data):
    documents, rules = _MERGES[merge]
    path = tmp_path / "state.sqlite"
    _library(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE highlights SET data = ? WHERE id = 'h1'", (data,))
    store = open_store(path)
    with pytest.raises(StateError, match=rf"^state database {re.escape(str(path))} is damaged: "
                                         r"highlights row 'h1', not "):
        store.merge(documents, rules)
    store.close()


@pytest.mark.parametrize("reads_only", [False, True], ids=["run", "dry run"])
def test_another_applications_database_is_refused_and_left_as_it_was(tmp_path, reads_only):
    path = tmp_path / "places.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE moz_places (id INTEGER, url TEXT)")
        db.execute("CREATE INDEX by_url ON moz_places(url)")
    before = path.read_bytes()
    with pytest.raises(StateError, match=rf"^{path}: a SQLite database of another application \(tables: "
                                         r"moz_places, by_url\); give a new file for excerpta's state$"):
        open_store(path, reads_only=reads_only)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [None, b""], ids=["no file", "empty file"])
def test_a_new_or_empty_file_becomes_a_state_database(tmp_path, content):
    path = tmp_path / "state.sqlite"
    if content is not None:
        path.write_bytes(content)
    _library(path)
    assert open_store(path).counts() == {"documents": 1, "highlights": 1}


@pytest.mark.parametrize("reads_only", [False, True], ids=["run", "dry run"])
def test_a_state_path_through_a_file_says_that_file_is_not_a_folder(tmp_path, reads_only):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(NotADirectoryError) as caught:
        open_store(tmp_path / "notes.txt" / "sub" / "state.sqlite", reads_only=reads_only)
    assert caught.value.filename == str(tmp_path / "notes.txt")
    assert caught.value.strerror.startswith("a file, not a folder: the state database cannot be made")


def test_a_dry_run_reads_an_older_state_migrated_in_memory_and_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path, isolation_level=None)  # as the excerpta before the last migration left it
    for version, (name, script) in enumerate(MIGRATIONS[:-1], start=1):
        db.executescript(script)
        db.execute("INSERT INTO migrations VALUES (?, ?)", (name, "2020-01-01T00:00:00+00:00"))
        db.execute(f"PRAGMA user_version = {version}")
    db.close()
    before = path.read_bytes()
    copy = open_store(path, reads_only=True)
    try:
        assert copy.schema_version == SCHEMA_VERSION
        copy.merge([Document(id="d1", title="Walden", highlights=[])])  # in memory only
        assert copy.counts()["documents"] == 1
    finally:
        copy.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.sqlite"]  # no -wal, no -shm


def test_a_dry_run_of_a_state_not_made_yet_makes_neither_it_nor_its_folder(tmp_path):
    store = open_store(tmp_path / "new" / "state.sqlite", reads_only=True)
    try:
        assert store.counts() == {"documents": 0, "highlights": 0}
        assert store.path == str(tmp_path / "new" / "state.sqlite")  # errors name it
    finally:
        store.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_a_state_given_as_a_folder_is_one_line_naming_a_file_to_give(run_cli, tmp_path, dry_run):
    # README audit: Click's three-line usage error before; the database is a file in it (and
    # a dry run, which opens no database, must not take the folder silently).
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "json", "--out", tmp_path / "x.json",
                     "--state", tmp_path, *dry_run)
    assert result.exit_code == 2
    assert result.output == (f"excerpta: error: {tmp_path}: a folder; the state is a database file (give "
                             f"a file name, such as {tmp_path / 'excerpta.sqlite'})\n")


def test_a_file_system_sqlite_cannot_use_is_named_as_the_cause(tmp_path):
    # A FAT or exFAT stick through FUSE, a network share: WAL's shared memory fails there
    # (portability audit: "not a usable excerpta state database (disk I/O error)" blamed the file).
    error = open_error(str(tmp_path / "state.sqlite"), sqlite3.OperationalError("disk I/O error"))
    assert str(error) == (f"{tmp_path / 'state.sqlite'}: the state database cannot be used on this file "
                          "system (disk I/O error): SQLite needs a local disk (not a FAT or exFAT stick, "
                          "nor a network share); --state or EXCERPTA_STATE picks another")


def test_a_state_that_cannot_be_made_on_a_full_disk_says_so(tmp_path):
    # SQLite's page limit fails the first write as a full disk does: exit 74, not "not usable".
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA max_page_count = 1")
    with pytest.raises(sqlite3.OperationalError) as full:
        db.executescript("CREATE TABLE a (x); CREATE TABLE b (y);")
    error = open_error(str(path), full.value)
    assert (type(error).__name__, error.exit_code) == ("StateIOError", 74)
    assert str(error) == (f"state database {path} cannot be written: the disk it is on is full "
                          "(database or disk is full); make room there and run again")


def test_an_io_error_opening_a_state_on_a_full_disk_is_the_full_disk_not_the_file_system(
        tmp_path, monkeypatch):
    # Audit M2: a daemon restarted on a full disk was told SQLite needs a local disk (exit 2,
    # which the shipped unit never restarts on): SQLite cannot make its -shm file there.
    path = tmp_path / "state.sqlite"
    # (the machine's own answer, 4 KB left, stands in: filling a disk takes root)
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: SimpleNamespace(free=4096))
    error = open_error(str(path), sqlite3.OperationalError("disk I/O error"))
    assert (type(error).__name__, error.exit_code) == ("StateIOError", 74)
    assert str(error) == (f"state database {path} cannot be written: the disk it is on is full "
                          "(disk I/O error); make room there and run again")


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="Linux's /sys: no one makes a folder")
def test_a_default_state_folder_that_cannot_be_made_is_one_line_saying_how_to_pick_another(
        run_cli, tmp_path, monkeypatch):
    # Audit L3: a bare "…/state: Permission denied", exit 74, where --state in the same place
    # said what and how (exit 2). /sys refuses a new folder even to root, as a read-only home
    # refuses a user's.
    monkeypatch.setenv("XDG_STATE_HOME", "/sys/excerpta-state-test")
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert result.output.startswith("excerpta: error: /sys/excerpta-state-test/excerpta/")
    assert ": the state database cannot be created there: folder /sys/excerpta-state-test/excerpta " \
           "cannot be made (" in result.output
    assert result.output.endswith("); --state or EXCERPTA_STATE picks another\n")
    assert result.output.count("\n") == 1


def test_a_new_state_is_readable_by_its_user_alone_and_an_old_one_keeps_its_permissions(tmp_path):
    # Security audit: it holds the whole library, private notes included, and was 0644.
    new, old = tmp_path / "new.sqlite", tmp_path / "old.sqlite"
    _library(new)
    assert new.stat().st_mode & 0o777 == 0o600
    store = open_store(new)
    store.merge([Document(id="d2", title="Emma", highlights=[Highlight(id="h2", text="Badly done.")])])
    journals = [path for path in tmp_path.iterdir() if path.name.startswith("new.sqlite-")]
    assert journals  # (WAL: beside it while open)
    assert {path.stat().st_mode & 0o777 for path in journals} == {0o600}
    store.close()
    _library(old)
    old.chmod(0o640)  # the user's choice
    _library(old)
    assert old.stat().st_mode & 0o777 == 0o640
