"""Reader ``pocketbook``: a PocketBook e-reader's notes database, ``system/config/books.db`` on its
drive (or the drive, or a copy of the file). Importing the package also registers
``pocketbook-html`` (:mod:`.export`), the notes export the device writes to its ``Notes``
folder, read into the same highlights with the same ids.

What is read
    One Document per book with a note (:mod:`.books`: title, author, ``source``
    ``pocketbook``), its highlights and notes in reading order (page, then the offset on it),
    each with its passage, note, page (``location``, ``location_type`` ``page``; the last page
    of a passage over several as ``end_location``), colour, date and later edit (UTC), and the
    device's UUID for it (``external_ids["pocketbook"]``). Ids (:mod:`.documents`) come from
    the book's title and author and each note's page and passage, as the export's do.
    Bookmarks are left out unless ``--pocketbook-bookmarks``; drawings and snapshots are left
    out; notes the device deleted (``State`` not 0) are left out, never read as deletions.

Inputs
    A file is recognised by its tables (``Items``, ``Tags``, ``TagNames``, ``Books``), whatever
    its name; a folder by the databases it leads to (:mod:`.places`: the drive's
    ``system/config/books.db`` and each profile's, each read). The drive's ``Notes`` folder is
    read through the database: its exports hold what the database holds, so reading the drive
    reads each note once (give the ``Notes`` folder itself to read the exports).

Reading the device's file changes nothing (:mod:`.database`: a snapshot where SQLite would
write beside it); a damaged database is read around its damage (:mod:`.tables`), what was lost
reported. A file that is not such a database, is empty or cut short, lacks a table or column,
or stays locked is an InputError naming it; SQLite's I/O error (the device unplugged) is an
InputIOError: read it again.

Verified from public code (read for facts, none copied): the path ``system/config/books.db``
and ``system/profiles/default/config/books.db``, ``State = 0`` for notes in use, the tag
numbers, ``bm.type`` values and JSON of ``bm.quotation``/``bm.note``, ``TimeAlt``, and
``page=``/``offs=`` in positions (the calibre Annotations plugin's ``PocketBook.py``, GPL); the
DDL of the four tables (``Detrous/pocketbook-notes`` ``backend/exporter/models.py``); the tag
names and numbers 101 to 110 and ``State`` 2 as a hidden note (a PB632 tool, the
``pocketbook-notes`` README); a whole table of tags as rows (``sallyruthstruik/PocketbookAnnotations``
``tests/fixtures/get_tags.csv``); ``bm.book_mark``'s ``created``, ``draws``, and that the
highlights are in ``books.db`` while ``explorer-3.db`` holds the library (a survey of a PB629,
firmware U629.6.10); ``Snapshot`` with ``bm.image`` (a PocketBook 740 exporter);
``begin``/``end`` with ``over=`` and a PDF's ``pdfloc`` (a PB database reader's comments).
Not verified: whether firmware before 5.x had these tables; other ``State`` values than 0 and
2; whether ``TimeAlt`` and ``created`` are UTC on every firmware (taken as seconds since 1970,
UTC); whether every firmware keeps the database in WAL mode.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path, PurePath

from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.errors import InputError
from excerpta.input_files import input_file
from excerpta.model import Document
from excerpta.readers.pocketbook.books import documents_of
from excerpta.readers.pocketbook.database import database_error, has_pocketbook_tables, opened
from excerpta.readers.pocketbook.export import PocketBookExportReader, export_score
from excerpta.readers.pocketbook.options import (
    DOCUMENT_UNKNOWN_WHEN_EMPTY,
    UNKNOWN_WHEN_EMPTY,
    PocketBookOptions,
)
from excerpta.readers.pocketbook.places import DATABASE_FILE, NOTES_FOLDER, databases_in
from excerpta.readers.pocketbook.tables import read_contents
from excerpta.readers.sqlite_snapshot import SQLITE_MAGIC
from excerpta.spelling import folded

__all__ = ["PocketBookExportReader", "PocketBookOptions", "PocketBookReader"]

# Where, below a folder given, the databases it reads are (names folded; "*": any profile).
_DATABASE_PLACES = ((), ("config",), ("system", "config"), ("system", "profiles", "*", "config"),
                    ("profiles", "*", "config"))
_SIDECARS = ("", "-wal", "-shm", "-journal")


class PocketBookReader(Reader):
    """Reads a PocketBook's ``books.db``; see the module docstring."""

    name = "pocketbook"
    description = ("PocketBook e-reader notes database system/config/books.db, or the drive "
                   "(titles, authors, pages, notes, colours, dates)")
    options_model = PocketBookOptions
    options: PocketBookOptions
    # What it reads may be in the -wal file beside the database, which changes while the
    # database file's bytes do not.
    self_contained = False
    unknown_when_empty = UNKNOWN_WHEN_EMPTY
    document_unknown_when_empty = DOCUMENT_UNKNOWN_WHEN_EMPTY
    binary_suffixes = (".db",)  # a copy of books.db among other files: probed there

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None:
            return 0
        if probe.is_dir:
            # Above Kobo's and KOReader's: KOReader may be installed on a PocketBook.
            return 75 if any(has_pocketbook_tables(path) for path in databases_in(probe.path)) else 0
        return 95 if probe.head.startswith(SQLITE_MAGIC) and has_pocketbook_tables(probe.path) else 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # Its databases (with SQLite's files beside them), and the exports in the Notes folder
        # of the drive: told from the path, the exports by their first bytes.
        if probe.path is None:
            return False
        try:
            parts = tuple(folded(part) for part in probe.path.relative_to(folder).parts)
        except ValueError:
            return False
        if any(parts[-1] == folded(DATABASE_FILE + suffix) for suffix in _SIDECARS) and any(
                _matches(parts[:-1], place) for place in _DATABASE_PLACES):
            return True
        return (len(parts) == 2 and parts[0] == folded(NOTES_FOLDER)
                and PurePath(parts[1]).suffix in (".html", ".htm") and export_score(probe.text_head) > 0)

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        folder = Path(source).expanduser()
        if not folder.is_dir():
            yield from self._read_database(input_file(source), source, state)
            return
        databases = databases_in(folder)
        if not databases:
            raise InputError(f"{source}: no system/config/books.db in this folder (give a PocketBook's "
                             "drive, or a folder holding its books.db)")
        for database in databases:  # problems name the file they are in
            if len(databases) == 1:
                yield from self._read_database(database, str(database), state)
                continue
            try:  # a profile's database that cannot be read never loses the others'
                yield from self._read_database(database, str(database), state)
            except InputError as err:
                state.report(str(database), None, str(err).removeprefix(f"{database}: "))

    def _read_database(self, path: Path, source: str, state: ReadState) -> Iterator[Document]:
        with opened(path, source) as db:
            try:
                contents = read_contents(db, source)
            except sqlite3.Error as err:
                raise database_error(source, err) from None
        yield from documents_of(contents, source, state, keep_bookmarks=self.options.pocketbook_bookmarks)


def _matches(parts: tuple[str, ...], place: tuple[str, ...]) -> bool:
    return len(parts) == len(place) and all(
        want in ("*", part) for part, want in zip(parts, place, strict=True))
