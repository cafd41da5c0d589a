"""Reader ``moonreader``: Moon+ Reader (Android) backups: the ``.mrpro``/``.mrstd`` file, the
folder it unzips to, or the ``mrbooks.db`` database in it. Importing the package also registers
``moonreader-export`` (:mod:`.export`), the per-book ``.mrexpt`` export, read into the same
highlights with the same ids.

What is read
    One Document per book (see :mod:`.books`: title, author, ``source`` ``moonreader``, the
    book's file on the phone as ``external_ids["moonreader"]``), its highlights and notes in
    reading order (``location`` their rank, ``location_type`` ``order``), each with its note,
    colour name (:mod:`.colours`) and date (UTC). Bookmarks are left out unless
    ``--moonreader-bookmarks``. Rows that give no highlight are reported and skipped
    (:mod:`.records`); the run is then partial (exit 1).

What is not (the database has no place for it, or the model none)
    Chapter titles (the database holds a chapter's index only), underline, strikethrough and
    squiggly styles, reading statistics, the books' descriptions and covers. Highlights deleted
    on the phone are not in the backup at all: a ``--state`` library keeps them.

Verified from public code (read for facts, none copied):

* the ``notes`` and ``books`` schema, that bookmarks are rows with a non-empty ``bookmark``,
  highlights rows with ``highlightLength > 0``, notes rows with a non-empty ``note``, the
  reading order (``lastChapter, lastSplitIndex, lastPosition``; ``lastPosition`` first for PDFs),
  the ``#@#`` sort tag of titles, that re-saving a book's notes deletes and re-inserts its rows
  (new ``_id``, ``time`` set anew), and the default colours: Moon+'s decompiled
  ``com.flyersoft.books.BookDb`` and ``A`` (public decompilations on GitHub);
* ``_names.list`` line *N* naming ``N.tag``, and a line naming the database: the calibre
  Annotations plugin's Moon+ reader (``MoonReaderApp``, GPL) looks for the substring
  ``com.flyersoft.moonreaderp/databases/mrbooks.db`` (the Pro app's only);
  ``ecntu/moonwise`` (``import.py``, ``README.md``) for a line ending in ``mrbooks.db``;
  ``MrLokans/book-highlights-manager`` (``internal/moonreader/backup.go``, its package
  constant ``com.flyersoft.moonreader``) for one containing ``mrbooks.db`` (which would take
  a ``mrbooks.db-journal`` listed first). They differ: this reader takes the line whose file
  is named ``mrbooks.db`` exactly, one in a ``databases`` folder first, in either package;
* ``time`` in milliseconds since 1970 and ``highlightColor`` an ARGB int: the calibre plugin
  ("integer values of ARGB style colors"), ``moonwise`` (``& 0xFFFFFF``), and the calibre
  plugin's join of ``notes`` to ``books`` on the file for the author. ``-256`` as yellow is
  only in ``book-highlights-manager``'s made-up test rows; the 16 values, headers and notes
  of a real export (``AB1908/obsidian-moon-reader``, :mod:`.export`) hold ``-11184811``
  (``0xFF555555``, a grey: kept as ``#555555``).

The decompiled Moon+ sources named above are public but were not in the code searched when
this was reviewed: what is said from them (bookmark and highlight rows, the reading order,
re-saving, the default colours) is as read then, not checked again.

Not verified (no real backup at hand): whether the free app's folder is
``com.flyersoft.moonreader`` (assumed, as ``moonwise`` writes; both are accepted); whether a
catalogue may hold blank lines (one Dart importer drops them before counting; we count every
line, as the three above do); whether Android's WAL mode ever leaves a ``mrbooks.db-wal`` in a
backup (copied beside the database when the catalogue lists one); what ``lastPosition`` counts
in a PDF. Live sync (Moon+'s "Readwise" sharing to a custom URL) is not this reader's: it is
being built separately as an ingest endpoint.

Failures: an input that is no backup, a zip without ``mrbooks.db``, a file that is no SQLite
database, a damaged archive, a database cut short or without a ``notes`` table is an InputError
naming it (exit 2). A database with damaged pages is read around them (the rows lost reported,
exit 1); see :mod:`.backup` for how a zip is read safely.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.input_files import input_file
from excerpta.model import Document
from excerpta.readers.moonreader.backup import BACKUP_SUFFIXES, ZIP_MAGIC, database_copy, is_backup_archive
from excerpta.readers.moonreader.books import read_books
from excerpta.readers.moonreader.database import (
    database_error,
    has_notes_table,
    opened,
    read_shelf,
)
from excerpta.readers.moonreader.options import (
    DOCUMENT_UNKNOWN_WHEN_EMPTY,
    UNKNOWN_WHEN_EMPTY,
    MoonReaderOptions,
)
from excerpta.readers.moonreader.packages import in_package_folder, package_folder_in, package_folders_in
from excerpta.readers.sqlite_snapshot import SQLITE_MAGIC

__all__ = ["MoonReaderExportReader", "MoonReaderOptions", "MoonReaderReader"]


class MoonReaderReader(Reader):
    """Reads a Moon+ Reader backup; see the module docstring."""

    name = "moonreader"
    description = ("Moon+ Reader (Android) backup .mrpro/.mrstd, its unzipped folder, or mrbooks.db "
                   "(titles, authors, notes, colours, dates)")
    options_model = MoonReaderOptions
    options: MoonReaderOptions
    # A bare mrbooks.db is read with the -wal/-journal files beside it, which may change while
    # its bytes do not.
    self_contained = False
    unknown_when_empty = UNKNOWN_WHEN_EMPTY
    document_unknown_when_empty = DOCUMENT_UNKNOWN_WHEN_EMPTY
    # Moon+'s dated backups, and a database, kept in a folder: probed there though binary.
    binary_suffixes = (*BACKUP_SUFFIXES, ".db")

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None:
            return 0
        if probe.is_dir:
            return 80 if package_folder_in(probe.path) is not None else 0
        if probe.head.startswith(ZIP_MAGIC) and is_backup_archive(probe.path):
            return 95
        if probe.head.startswith(SQLITE_MAGIC):
            return 95 if has_notes_table(probe.path) else 0
        # Named as Moon+ names a backup, but no readable one (cut short, damaged): read, to be
        # refused with the reason rather than left unrecognised (as moonreader-export does).
        return 10 if probe.suffix in BACKUP_SUFFIXES else 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # Every file of the package folders read (their .tag files are e-books, covers and
        # settings as much as the database): none is another reader's input. Only those: a
        # file beside them (a .mrpro backup) is read as an input of its own.
        if probe.path is None:
            return False
        try:
            return in_package_folder(folder, probe.path)
        except ValueError:
            return False

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = Path(source).expanduser()
        if not path.is_dir():
            yield from self._read_backup(input_file(source), source, state)
            return
        packages = package_folders_in(path)
        if len(packages) <= 1:  # none: database_copy refuses it, naming what it looked for
            yield from self._read_backup(packages[0] if packages else path, source, state)
            return
        # Several backups (the free and the Pro app's, an older one): each read, each named in
        # what is reported of it; a book in several gives the same ids in each.
        for package in packages:
            yield from self._read_backup(package, str(Path(source) / package.relative_to(path)), state)

    def _read_backup(self, path: Path, source: str, state: ReadState) -> Iterator[Document]:
        with database_copy(path, source) as copy, opened(copy, source) as connection:
            try:
                shelf = read_shelf(connection)
            except sqlite3.Error as err:
                raise database_error(source, err) from None
            if shelf.lost:
                state.report(source, "books", f"{shelf.lost}; those books are read without their "
                             "author, titled by their notes", kept=True)
            yield from read_books(connection, shelf, source, state,
                                  keep_bookmarks=self.options.moonreader_bookmarks)


# Registers the second reader, of the per-book export (it reuses this reader's row mapping).
from excerpta.readers.moonreader.export import MoonReaderExportReader  # noqa: E402
