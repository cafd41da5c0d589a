"""The apple-books reader's inputs: which files and folders it recognises and reads, how it finds
the library database, WAL-mode databases Books holds open, and damaged or wrong files."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from apple_books_dbs import (
    ANNOTATIONS,
    LIBRARY,
    SAMPLES,
    annotation,
    book,
    documents_folder,
    insert_rows,
    make_annotations,
    make_library,
    read,
)

from as_a_user import as_root, cli_as_a_user, unreadable_to_the_cli
from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.model import PlaceholderDocument
from excerpta.readers.apple_books import AppleBooksReader

from paths import CORPUS

ROWS = [annotation(1, text="Call me Ishmael."), annotation(2, text="It was the best of times.")]
BOOKS = [book("ASSET1", "Moby-Dick", "Herman Melville")]


def titles(source: Path, state: ReadState | None = None) -> list[tuple[str, int]]:
    return [(document.title, len(document.highlights)) for document in read(source, state)]


def test_the_annotation_sample_is_recognised_by_its_table_and_the_folder_by_its_files():
    assert AppleBooksReader.recognize(InputProbe.of(str(ANNOTATIONS))) == 95
    assert AppleBooksReader.recognize(InputProbe.of(str(SAMPLES))) == 70
    assert registry.detect_reader(InputProbe.of(str(SAMPLES))) is AppleBooksReader


def test_other_sqlite_files_and_text_are_not_recognised(tmp_path):
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert AppleBooksReader.recognize(InputProbe.of(str(other))) == 0
    assert AppleBooksReader.recognize(InputProbe.of(str(CORPUS / "PROVENANCE.md"))) == 0
    assert AppleBooksReader.recognize(InputProbe.of(str(tmp_path))) == 0


def test_a_renamed_annotation_database_is_recognised_by_content(tmp_path):
    renamed = shutil.copyfile(ANNOTATIONS, tmp_path / "books-backup.db")
    assert registry.detect_reader(InputProbe.of(str(renamed))) is AppleBooksReader


@pytest.mark.parametrize("layout", ["documents", "container", "annotation-folder", "side-by-side", "file"])
def test_every_layout_finds_the_library_database(tmp_path, layout):
    documents = documents_folder(tmp_path / "Data", ROWS, BOOKS)
    side = tmp_path / "copied"
    side.mkdir()
    shutil.copy(documents / "AEAnnotation" / ANNOTATIONS.name, side)
    shutil.copy(documents / "BKLibrary" / LIBRARY.name, side)
    source = {"documents": documents, "container": tmp_path, "annotation-folder": documents / "AEAnnotation",
              "side-by-side": side, "file": documents / "AEAnnotation" / ANNOTATIONS.name}[layout]
    assert registry.detect_reader(InputProbe.of(str(source))) is AppleBooksReader
    assert titles(source) == [("Moby-Dick", 2)]


def test_folder_names_are_found_in_any_case_as_macos_finds_them(tmp_path):
    make_annotations(tmp_path / "documents" / "aeannotation" / "aeannotation_v1_local.SQLITE", ROWS)
    make_library(tmp_path / "documents" / "bklibrary" / "bklibrary-1.sqlite", BOOKS)
    assert titles(tmp_path) == [("Moby-Dick", 2)]


def test_without_a_library_database_books_get_placeholder_titles_and_one_warning(tmp_path, caplog):
    alone = make_annotations(tmp_path / ANNOTATIONS.name, ROWS)
    with caplog.at_level(logging.WARNING):
        documents = read(alone)
    assert [(type(d), d.title, d.author) for d in documents] == [
        (PlaceholderDocument, "Apple Books asset ASSET1", None)]
    assert [r.getMessage() for r in caplog.records] == [
        f"{alone}: no Apple Books library database (BKLibrary*.sqlite) in {tmp_path} or "
        f"{tmp_path.parent / 'BKLibrary'}: books are titled by their asset id (Apple Books asset …); "
        "give Books' Documents folder to read titles"]


def test_a_library_read_before_keeps_the_title_when_the_annotations_are_read_alone(run_cli, tmp_path):
    documents = documents_folder(tmp_path, ROWS, BOOKS)
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(documents / "AEAnnotation" / ANNOTATIONS.name, alone)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", documents, "--to", "json", "--out", out, "--state", state).exit_code == 0
    insert_rows(sqlite3.connect(alone / ANNOTATIONS.name, isolation_level=None), "ZAEANNOTATION",
                [annotation(3, text="A third.")])
    result = run_cli("convert", alone, "--to", "json", "--out", out, "--state", state)
    assert result.exit_code == 0, result.output
    assert '"title": "Moby-Dick"' in out.read_text()
    assert "Apple Books asset" not in out.read_text()
    assert "A third." in out.read_text()


def test_a_book_missing_from_the_library_gets_a_placeholder_and_a_warning(tmp_path, caplog):
    documents = documents_folder(tmp_path, [*ROWS, annotation(3, asset="REMOVED")], BOOKS)
    with caplog.at_level(logging.WARNING):
        assert titles(documents) == [("Moby-Dick", 2), ("Apple Books asset REMOVED", 1)]
    assert "1 book(s) with highlights are not in the library database (removed from Books?), titled by " \
           "their asset id: REMOVED" in caplog.text


def test_a_library_that_cannot_be_read_is_reported_and_the_highlights_kept(tmp_path):
    documents = documents_folder(tmp_path, ROWS, BOOKS)
    library = documents / "BKLibrary" / LIBRARY.name
    library.write_bytes(b"not a database at all" * 100)
    state = ReadState()
    assert titles(documents, state) == [("Apple Books asset ASSET1", 2)]
    assert [(p.source, p.kept) for p in state.problems] == [(str(library), True)]
    assert "its books' titles are left out" in state.problems[0].reason


def test_a_book_without_a_title_keeps_the_library_title_it_had(tmp_path):
    state = ReadState()
    documents = read(documents_folder(tmp_path, ROWS, [book("ASSET1", None, "Anon")]), state)
    assert (documents[0].title, documents[0].author) == ("Apple Books asset ASSET1", "Anon")
    assert state.document_left_out == {"applebooks-ASSET1": {"title"}}


def test_the_library_database_alone_says_which_file_to_give(tmp_path):
    assert AppleBooksReader.recognize(InputProbe.of(str(LIBRARY))) == 30  # so the error is ours
    with pytest.raises(InputError) as caught:
        read(LIBRARY)
    assert str(caught.value) == (
        f"{LIBRARY}: Apple Books' library database (titles only), not its annotations: give the "
        "AEAnnotation*.sqlite file (in the AEAnnotation folder beside BKLibrary), or Books' Documents folder")


def test_a_folder_without_an_annotation_database_is_refused_saying_where_it_looked(tmp_path):
    make_library(tmp_path / "BKLibrary" / LIBRARY.name, BOOKS)
    with pytest.raises(InputError, match=r"no Apple Books annotation database \(AEAnnotation\*\.sqlite\) "
                                         r"in this folder, nor in AEAnnotation/, Documents/AEAnnotation/"
                                         r".*under it$"):
        read(tmp_path)


def test_books_library_folder_given_is_refused_naming_the_folder_to_give(run_cli, tmp_path):
    library = make_library(tmp_path / "BKLibrary" / LIBRARY.name, BOOKS).parent
    result = run_cli("convert", library, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"excerpta: error: {library}: no Apple Books annotation database (AEAnnotation*.sqlite) in this "
        "folder, nor in AEAnnotation/, Documents/AEAnnotation/ or Data/Documents/AEAnnotation/ under it: "
        "it holds Books' library database (titles only); give the folder above it, Books' Documents folder"]


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "an empty file, not an Apple Books annotation database"),
    (b"hello, world\n" * 100, "not a readable SQLite database (file is not a database)"),
    (b"SQLite format 3\x00" + b"\xff" * 200, "not a readable SQLite database"),
])
def test_an_empty_or_damaged_file_is_one_line_naming_it(tmp_path, content, reason):
    path = tmp_path / ANNOTATIONS.name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}: {reason}")
    assert "\n" not in str(caught.value)


def test_a_database_without_the_table_or_a_needed_column_is_refused_naming_it(tmp_path):
    other = tmp_path / "AEAnnotation_x.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(InputError, match=r"no ZAEANNOTATION table: not an Apple Books annotation database"):
        read(other)
    lacking = make_annotations(tmp_path / "lacking" / ANNOTATIONS.name, ROWS, drop=("ZANNOTATIONDELETED",))
    with pytest.raises(InputError, match=r"table ZAEANNOTATION lacks column\(s\) ZANNOTATIONDELETED"):
        read(lacking)


def test_an_older_schema_without_the_chapter_column_is_read_without_chapters(tmp_path):
    older = make_annotations(tmp_path / ANNOTATIONS.name, [annotation(1, chapter=None)],
                             drop=("ZFUTUREPROOFING5", "ZANNOTATIONSTYLE"))
    highlight = read(older)[0].highlights[0]
    assert (highlight.text, highlight.chapter, highlight.color) == ("Passage 1.", None, None)


def test_a_table_damaged_in_many_pages_is_read_around_them_and_reported_in_one_line(tmp_path):
    rows = [annotation(n, text=f"{n:03d} " + "x" * 900) for n in range(1, 200)]
    path = make_annotations(tmp_path / ANNOTATIONS.name, rows)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 5: page * 40] = b"\x0d" * (page * 35)  # leaf pages of the table overwritten
    path.write_bytes(bytes(data))
    state = ReadState()
    (document,) = read(path, state)
    numbers = sorted(int(h.text.split()[0]) for h in document.highlights)
    assert numbers == [*range(1, 13), *range(153, 200)]  # before and after the damaged pages
    assert [(p.where, p.reason) for p in state.problems] == [
        ("ZAEANNOTATION", "damaged (database disk image is malformed): at most 140 rows (rowids 13 to "
                          "152) could not be read, the 59 others were; highlights on them are left out")]


def _fingerprints(folder: Path) -> dict[str, str]:
    # The -shm index is shared memory every reader marks (Books' own as much), never data.
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if not p.name.endswith("-shm")}


def test_what_books_left_in_the_wal_file_is_read_and_no_file_changes(tmp_path):
    documents = documents_folder(tmp_path, [], BOOKS)
    path = documents / "AEAnnotation" / ANNOTATIONS.name
    path.unlink()
    make_annotations(path, [annotation(1)], wal=True)
    books = sqlite3.connect(path, isolation_level=None)  # Books, holding the database open
    books.execute("PRAGMA wal_autocheckpoint = 0")
    insert_rows(books, "ZAEANNOTATION", [annotation(2, text="Only in the WAL so far.")])
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0
    before = _fingerprints(path.parent)
    assert [h.text for h in read(documents)[0].highlights] == ["Passage 1.", "Only in the WAL so far."]
    assert _fingerprints(path.parent) == before
    books.close()


def test_a_wal_file_copied_without_its_shm_index_is_read_from_a_copy_leaving_the_folder_alone(tmp_path):
    documents = documents_folder(tmp_path, [], BOOKS)
    path = documents / "AEAnnotation" / ANNOTATIONS.name
    path.unlink()
    make_annotations(path, [annotation(1)], wal=True)
    books = sqlite3.connect(path, isolation_level=None)
    books.execute("PRAGMA wal_autocheckpoint = 0")
    insert_rows(books, "ZAEANNOTATION", [annotation(2, text="Only in the WAL so far.")])
    copied = tmp_path / "copied"
    copied.mkdir()
    shutil.copy(path, copied)
    shutil.copy(f"{path}-wal", copied)
    books.close()
    before = sorted(copied.iterdir()), _fingerprints(copied)
    assert [h.text for h in read(copied / ANNOTATIONS.name)[0].highlights] == [
        "Passage 1.", "Only in the WAL so far."]
    assert (sorted(copied.iterdir()), _fingerprints(copied)) == before  # no -shm made beside them


@pytest.mark.parametrize("left", [(), ("-shm",)], ids=["neither", "shm-alone"])
def test_a_wal_mode_database_without_its_wal_file_is_read_from_a_copy_making_no_file_beside(tmp_path, left):
    # Books closed cleanly (its -wal checkpointed and deleted), or a backup: the header still says WAL.
    path = make_annotations(tmp_path / "copied" / ANNOTATIONS.name, [annotation(1)], wal=True)
    assert sorted(p.name for p in path.parent.iterdir()) == [ANNOTATIONS.name]
    for suffix in left:
        Path(f"{path}{suffix}").write_bytes(b"\0" * 32768)
    before = sorted(path.parent.iterdir()), _fingerprints(path.parent)
    assert [h.text for h in read(path)[0].highlights] == ["Passage 1."]
    assert (sorted(path.parent.iterdir()), _fingerprints(path.parent)) == before


def test_a_wal_mode_database_in_a_read_only_folder_is_read(tmp_path):
    # As a user runs it (root writes into a read-only folder all the same: see as_a_user).
    path = make_annotations(tmp_path / "snapshot" / ANNOTATIONS.name, [annotation(1)], wal=True)
    path.parent.chmod(0o555)
    try:
        if as_root() and not unreadable_to_the_cli(_unreadable(tmp_path)):
            pytest.skip("the CLI writes into a folder made read-only here (root, and setpriv cannot "
                        "drop CAP_DAC_OVERRIDE)")
        out = tmp_path / "out.json"
        result = cli_as_a_user()("convert", path, "--from", "apple-books", "--to", "json", "--out", out)
        assert result.exit_code == 0, result.output
        assert "Passage 1." in out.read_text(encoding="utf-8")
        assert sorted(p.name for p in path.parent.iterdir()) == [ANNOTATIONS.name]
    finally:
        path.parent.chmod(0o755)


def _unreadable(folder: Path) -> Path:
    # A file at mode 000, to ask whether the CLI run as a user is refused what a mode forbids.
    probe = folder / "probe"
    probe.write_bytes(b"")
    probe.chmod(0)
    return probe


def test_a_folder_reads_the_databases_and_their_companions_and_nothing_else(tmp_path):
    documents = documents_folder(tmp_path, ROWS, BOOKS)
    for name in ("AEAnnotation/AEAnnotation_v10312011_1727_local.sqlite-wal",
                 "AEAnnotation/AEAnnotation_v10312011_1727_local.sqlite-shm",
                 "BKLibrary/BKLibrary-1-091020131601.sqlite-wal", "BKSeries/BKSeries-1.sqlite",
                 "AEAnnotation/notes.txt", "iBooks.plist"):
        (documents / name).parent.mkdir(exist_ok=True)
        (documents / name).write_bytes(b"")
    read_here = sorted(str(p.relative_to(documents)) for p in documents.rglob("*") if p.is_file()
                       and AppleBooksReader.reads_in_folder(documents, InputProbe.of_file(p)))
    assert read_here == ["AEAnnotation/AEAnnotation_v10312011_1727_local.sqlite",
                         "AEAnnotation/AEAnnotation_v10312011_1727_local.sqlite-shm",
                         "AEAnnotation/AEAnnotation_v10312011_1727_local.sqlite-wal",
                         "BKLibrary/BKLibrary-1-091020131601.sqlite",
                         "BKLibrary/BKLibrary-1-091020131601.sqlite-wal"]


def test_a_documents_folder_converts_through_the_cli_with_books_other_files_beside(run_cli, tmp_path):
    documents = documents_folder(tmp_path, ROWS, BOOKS)
    make_library(documents / "BKSeries" / "BKSeries-1-012820141020.sqlite", [])
    (documents / "iBooks.plist").write_bytes(b"bplist00\x00\x01")
    out = tmp_path / "out.json"
    result = run_cli("convert", documents, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert '"title": "Moby-Dick"' in out.read_text()
    assert "warning" not in result.output


def test_several_annotation_databases_in_a_folder_are_each_read_and_a_broken_one_reported(tmp_path):
    make_annotations(tmp_path / "AEAnnotation_a_local.sqlite", ROWS)
    (tmp_path / "AEAnnotation_b_local.sqlite").write_bytes(b"")
    make_library(tmp_path / LIBRARY.name, BOOKS)
    state = ReadState()
    assert titles(tmp_path, state) == [("Moby-Dick", 2)]
    assert [str(p) for p in state.problems] == [
        f"{tmp_path / 'AEAnnotation_b_local.sqlite'}: an empty file, not an Apple Books annotation database"]


def test_a_file_macos_refuses_is_one_line_naming_full_disk_access(tmp_path, monkeypatch):
    path = make_annotations(tmp_path / ANNOTATIONS.name, ROWS)

    def refuse(self, *args, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}: cannot be read (Operation not permitted); macOS lets a program read Books' files only "
        "with Full Disk Access (System Settings > Privacy & Security > Full Disk Access: add your terminal)")


def test_a_folder_macos_refuses_to_list_is_not_called_empty(tmp_path, monkeypatch):
    documents = documents_folder(tmp_path, ROWS, BOOKS)

    def refuse(path):
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr("excerpta.readers.apple_books.places.os.scandir", refuse)
    with pytest.raises(InputError, match=r": cannot be read \(Operation not permitted\); macOS lets"):
        read(documents)


def test_a_hot_journal_is_rolled_back_in_a_copy_and_the_folder_left_alone(tmp_path):
    # A database in rollback mode cut off mid-write (Books killed): the copy must be opened
    # writable for SQLite to roll the journal back (read-only, it refused the whole file).
    work = tmp_path / "writer"
    path = make_annotations(work / ANNOTATIONS.name, [annotation(1)])
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA cache_size=1")  # spill the transaction's pages into the file
    writer.execute("BEGIN")
    insert_rows(writer, "ZAEANNOTATION", [annotation(n, text="x" * 500) for n in range(2, 200)])
    device = tmp_path / "device"
    device.mkdir()
    for name in (ANNOTATIONS.name, f"{ANNOTATIONS.name}-journal"):
        shutil.copyfile(work / name, device / name)
    writer.execute("ROLLBACK")
    writer.close()
    before = _fingerprints(device)
    assert [h.text for d in read(device / ANNOTATIONS.name) for h in d.highlights] == ["Passage 1."]
    assert _fingerprints(device) == before
