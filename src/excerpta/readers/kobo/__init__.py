"""Reader ``kobo``: a Kobo e-reader's database, ``KoboReader.sqlite``.

The file is on the device's drive at ``.kobo/KoboReader.sqlite``; the drive itself, its
``.kobo`` folder, or a copy of the file may be given (the folder is recognised when it holds
the file, names compared without case as the device's FAT does). The file is recognised by
its content: an SQLite database with ``Bookmark`` and ``content`` tables. It is opened so that
nothing beside it changes, WAL content included (see :mod:`.database`); only ``Bookmark``
and ``content`` are read, never ``user`` (e-mail, tokens).

One Document per book (``Bookmark.VolumeID``): title, author (``Attribution``) and ISBN from
its ``content`` row (see :mod:`.books`), ``source`` ``kobo``, category ``books``. Its
highlights (see :mod:`.records` for which rows are read) in reading order: by the
``VolumeIndex`` of their chapter, then ``ChapterProgress`` within it, then ``DateCreated``;
``location`` is that order (``location_type`` ``order``, from 1), as the database has no
book-wide position. ``text`` is ``Text`` without the whitespace the device keeps around a
selection, ``note`` the ``Annotation``, ``chapter`` the title of its section, ``color`` the
``Color`` index's name where the database has that column (colour devices), dates in UTC.

Ids come from the database's own: a highlight is ``kobo-<BookmarkID>``, a book
``kobo-<VolumeID>`` for a store book's UUID, ``kobo-f<hash of VolumeID>`` for a sideloaded
file's ``file:///mnt/onboard/…`` path; both stay the same on every read and when highlights are
added.

A row that cannot be read (no BookmarkID, nothing highlighted) is reported and skipped, one
with a date that does not parse read without it (reported); a file that is not such a
database, is empty, lacks a table or a column every firmware has, or stays locked by another
program, or is shorter than its header says (an interrupted copy) is an InputError naming it.

Damaged pages (Kobo databases are known for it): where SQLite meets one, the tables are read
again around it, a rowid range at a time (:func:`~excerpta.readers.sqlite_damage.read_around_damage`),
so every highlight before and after the damage is read, and one problem says how many
``Bookmark`` rows (at most) could not be; their highlights are simply not in the read, never
deletions. Books already given by then are not given again. ``content`` damaged too: books and
chapters whose rows are lost are read without them (the book titled by its file, its title and
author left to what a library holds), reported. A database where no highlight can be read at
all stays an InputError. SQLite's I/O error (the machine failing to read the file: the device
unplugged mid-read) is no damage: the read stops with an InputIOError saying to read it again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

from excerpta.adapters import InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.identity import source_id
from excerpta.input_files import input_file
from excerpta.model import Category, Document, Highlight
from excerpta.readers.kobo.books import Book, content_columns, load_books, salvage_books
from excerpta.readers.kobo.database import (
    Columns,
    database_error,
    has_kobo_tables,
    is_sqlite,
    open_database,
)
from excerpta.readers.kobo.records import (
    BOOKMARK_OPTIONAL,
    BOOKMARK_REQUIRED,
    NAMESPACE,
    BookmarkRow,
    Parsed,
    Skipped,
    parse_row,
)
from excerpta.readers.kobo.text import as_text
from excerpta.readers.sqlite_damage import Salvage, is_damage, read_around_damage
from excerpta.spelling import entry_spelt

log = logging.getLogger(__name__)
DATABASE_FILE = "KoboReader.sqlite"
DEVICE_FOLDER = ".kobo"
_TOKEN = re.compile(r"[A-Za-z0-9._-]+")  # an id usable as it is (a store book's UUID)


class KoboReader(Reader):
    """Reads a Kobo's ``KoboReader.sqlite``; see the module docstring."""

    name = "kobo"
    description = ("Kobo e-reader database .kobo/KoboReader.sqlite (titles, authors, chapters, "
                   "notes, colours, dates)")
    # Not self-contained: what it reads may be in the -wal file beside the database, which
    # changes while the database file's bytes do not.
    self_contained = False
    # Colour only on colour devices' databases, an edit date and a chapter only where the
    # database has them: an empty one says nothing. Never pages, ranges, URLs or tags.
    unknown_when_empty = fields_but(Highlight, "text", "note", "location", "location_type",
                                    "highlighted_at", "is_deleted", "external_ids")
    document_unknown_when_empty = fields_but(Document, "title", "author", "category", "source",
                                             "external_ids")

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.is_dir and probe.path is not None:
            return 70 if database_in(probe.path) is not None else 0
        if probe.path is None or not is_sqlite(probe.head):
            return 0
        return 95 if has_kobo_tables(probe.path) else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        folder = Path(source).expanduser()
        if folder.is_dir():  # the device's drive, or its .kobo folder
            path = database_in(folder)
            if path is None:
                raise InputError(f"{source}: no {DATABASE_FILE} in this folder or in its "
                                 f"{DEVICE_FOLDER} folder")
            source = str(path)  # problems name the file they are in
        else:
            path = input_file(source)
        with open_database(path, source) as connection:
            try:
                content = content_columns(connection, source)
                columns = Columns(connection, "Bookmark", source, BOOKMARK_REQUIRED, BOOKMARK_OPTIONAL)
            except sqlite3.Error as err:
                raise database_error(source, err) from None
            done: set[str] = set()  # the books given
            try:
                books = load_books(connection, content)
                rows = connection.execute(f"SELECT {columns.select_list('b')}, b.rowid FROM Bookmark b "
                                          "ORDER BY b.VolumeID, b.rowid")
                yield from _documents(map(_as_row, rows), books, columns.has("Color"), source, state, done)
            except sqlite3.Error as err:
                if not is_damage(err):
                    raise database_error(source, err) from None
                try:
                    yield from _salvaged(connection, columns, content, source, state, done)
                except sqlite3.Error as again:  # a lock, or the machine failing, met reading around
                    raise database_error(source, again) from None


def _salvaged(connection: sqlite3.Connection, columns: Columns, content: Columns, source: str,
              state: ReadState, done: set[str]) -> Iterator[Document]:
    """The books not in ``done`` of a database whose pages SQLite found damaged, read around
    the damage (see the module docstring). Raises InputError if no highlight can be read."""
    bookmarks = read_around_damage(connection, "Bookmark", columns.select_list("Bookmark"))
    rows = sorted(map(_as_row, bookmarks.rows), key=lambda row: (as_text(row.volume_id) or "", row.rowid))
    books, titles = salvage_books(connection, content, {as_text(row.volume_id) or "" for row in rows})
    pending = [row for row in rows if (as_text(row.volume_id) or "") not in done]
    salvaged = list(_documents(pending, books, columns.has("Color"), source, state, done,
                               rows_lost=bool(titles.gaps)))
    if bookmarks.gaps and not done - {""}:
        raise InputError(f"{source}: damaged ({bookmarks.error or titles.error}); no highlight could be "
                         "read from it")
    if bookmarks.gaps:
        state.cut_short = True  # a file output keeps what it held (excerpta.hold_back)
        state.report(source, "Bookmark", f"damaged ({bookmarks.error}): {bookmarks.unread()} could not "
                     f"be read, the {len(bookmarks.rows)} others were; highlights on them are left out")
        salvaged = [unplaced(document, state) for document in salvaged]
    if titles.gaps:
        _report_lost_titles(salvaged, books, titles, source, state)
    yield from salvaged


def _report_lost_titles(documents: list[Document], books: dict[str, Book], titles: Salvage, source: str,
                        state: ReadState) -> None:
    # ``content`` read around damage: one line for it, naming the books read without their row
    # (it may be among those lost: never called "no longer on the device"), whose title and
    # author are left to what the library holds.
    untitled = [document for document in documents
                if not books.get(document.external_ids[NAMESPACE], Book("")).listed]
    for document in untitled:
        state.leave_out_document(document.id, ["title", "author"])
    named = ", ".join(repr(document.title) for document in untitled[:5]) + (", …" if untitled[5:] else "")
    without = f" ({len(untitled)} book(s) without their row, read as {named})" if untitled else ""
    state.report(source, "content", f"damaged ({titles.error}): {titles.unread()} could not be read; "
                 f"books and chapters on them are read without their titles{without}", kept=True)


def unplaced(document: Document, state: ReadState) -> Document:
    """``document`` without its highlights' locations, told to ``state`` as left out: a
    location is a rank among the book's rows read, and with rows of it lost, the ranks of the
    others are not their places; the library keeps the places it holds."""
    for highlight in document.highlights:
        state.leave_out(highlight.id, ["location", "location_type"])
    return document.model_copy(update={"highlights": [
        h.model_copy(update={"location": None, "location_type": None}) for h in document.highlights]})


def _documents(rows: Iterable[BookmarkRow], books: dict[str, Book], has_color: bool, source: str,
               state: ReadState, done: set[str], *, rows_lost: bool = False) -> Iterator[Document]:
    """The books of ``rows`` (Bookmark rows ordered by VolumeID), one Document each; each
    book's VolumeID is added to ``done`` once it is given (rows without one: once reported).
    A book's rows are all read before any is reported: damage met amid them reports none.
    A book without its ``content`` row is warned of as no longer on the device, unless
    ``rows_lost`` (``content`` was read around damage: the caller says what was lost)."""
    left_out: Counter[str] = Counter()
    for volume, group in groupby(rows, key=lambda row: as_text(row.volume_id) or ""):
        book_rows = list(group)
        parsed: list[Parsed] = []
        book = books.get(volume) or Book(volume)
        damaged = False  # a row of it lost: the others' ranks are not their places
        for row in book_rows:
            try:
                found = parse_row(row, has_color)
            except Skipped as skipped:
                damaged = damaged or skipped.damaged
                state.cut_short = state.cut_short or skipped.damaged  # outputs keep what it held
                if skipped.reported:
                    state.report(source, row.where(), f"skipped: {skipped}")
                else:
                    left_out[skipped.kind] += 1
                continue
            for problem in found.problems:
                state.report(source, row.where(), problem, kept=True)
            if found.left_out:
                state.leave_out(found.highlight.id, found.left_out)
            if (section := book.section_of(found.content_id)) is not None:
                found.chapter, found.volume_index = section.title, section.volume_index
            parsed.append(found)
        if not volume:
            for found in parsed:
                state.report(source, f"Bookmark {found.highlight.external_ids[NAMESPACE]}",
                             "skipped: no VolumeID (the book it is in)")
            done.add(volume)
        elif parsed:
            done.add(volume)
            document = _document(book, parsed, source, warn_unlisted=not rows_lost)
            yield unplaced(document, state) if damaged else document
    if left_out:
        log.info("%s: left out, as no highlights: %s", source,
                 ", ".join(f"{count} {kind}(s)" for kind, count in sorted(left_out.items())))


def _document(book: Book, parsed: list[Parsed], source: str, *, warn_unlisted: bool) -> Document:
    highlights = [found.highlight.model_copy(update={"location": order, "chapter": found.chapter})
                  for order, found in enumerate(sorted(parsed, key=Parsed.order_key), start=1)]
    title = book.shown_title()
    if not book.listed and warn_unlisted:
        log.warning("%s: book %s has no row in the content table (no longer on the device?): read as "
                    "%r, without its author", source, book.volume_id, title)
    external_ids = {NAMESPACE: book.volume_id} | ({"isbn": book.isbn} if book.isbn else {})
    return Document(id=document_key(book.volume_id), title=title, author=book.author,
                    category=Category.BOOKS, source=NAMESPACE, external_ids=external_ids,
                    highlights=highlights)


def document_key(volume_id: str) -> str:
    """The id of the book ``volume_id``: ``kobo-<uuid>`` for a store book, ``kobo-f<hash>`` for
    a sideloaded file's ``file:///…`` path (no spaces or slashes in an id)."""
    if _TOKEN.fullmatch(volume_id):
        return source_id(NAMESPACE, volume_id)
    return source_id(NAMESPACE, "f" + hashlib.blake2b(volume_id.encode(), digest_size=10).hexdigest())


def database_in(folder: Path) -> Path | None:
    """The ``KoboReader.sqlite`` of a Kobo mounted at ``folder``: in its ``.kobo`` folder, or
    in ``folder`` itself (the ``.kobo`` folder, or a backup); names compared without case."""
    found = entry_spelt(folder, DATABASE_FILE, folder=False)
    if found is None and (device := entry_spelt(folder, DEVICE_FOLDER, folder=True)) is not None:
        found = entry_spelt(device, DATABASE_FILE, folder=False)
    return found


def _as_row(values: tuple[object, ...]) -> BookmarkRow:
    return BookmarkRow(*values)  # the SELECT's columns, then rowid
