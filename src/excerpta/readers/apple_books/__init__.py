"""Reader ``apple-books``: Apple Books on macOS, its annotation database joined with its
library database for titles and authors.

Input: the annotation database (``AEAnnotation*.sqlite``), or a folder holding it: Books'
``Documents`` folder (``AEAnnotation/`` and ``BKLibrary/`` in it), the container above it, or a
folder with both files side by side (see :mod:`.places`). The library database is found beside
the annotation database or in ``../BKLibrary``; without it (the annotation file copied alone)
the highlights are still read, each book titled ``Apple Books asset <id>`` (a placeholder: a
library that knows the book keeps its title), with one warning saying where it looked. A book
the library does not list (removed from Books, its highlights kept; or its row on a damaged page
of the library, read around the damage as the annotation table is) gets the same placeholder.
Given Books' library database alone, the error says to give the annotation file or the folder.

The databases are opened read-only, their data never changed (but for SQLite's shared-memory
index ``-shm``, which every reader of a WAL database marks, Books too), what Books has not yet
checkpointed from its ``-wal`` file included (see :mod:`.database`). What is read and left out, and how a row
maps to a highlight, is in :mod:`.annotations`, the table read book by book in
:mod:`.annotation_table`; one document per book, its highlights in
reading order. A row that cannot be read (no book, an id that is not UTF-8) is reported with its
``Z_PK`` and skipped; a date that is not a Core Data timestamp is reported and the highlight
kept without it, and text that is not UTF-8 is reported and read with U+FFFD. A file that is
no SQLite database, lacks the table or a needed column, is shorter than its header says (an
interrupted copy), or is damaged so that no highlight can be read, is an InputError naming it;
damage beside highlights that were read is reported (read in part). Where SQLite meets a
damaged page amid the table, it is read again around it, a rowid range at a time (see
:func:`~excerpta.readers.sqlite_damage.read_around_damage`): the highlights before and after
the damage are read, one problem says how many rows (at most) could not be, and their
highlights are simply not in the read, never deletions (a deleted row without a uuid, whose
live copy may be among those lost, is left out too). SQLite's I/O error in either database
(the machine failing to read it: a disk failing, a network volume gone) is no damage: the
read stops with an InputIOError saying to read it again.

Ids come from Books' own: a document is ``applebooks-<asset id>``, a highlight
``applebooks-<ZANNOTATIONUUID>`` (a row without a uuid: a hash of its book, location and text),
so they survive edits, re-reads and new highlights.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from excerpta.adapters import InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.identity import highlight_id, source_id
from excerpta.input_files import input_file
from excerpta.model import Category, Document, Highlight, PlaceholderDocument
from excerpta.readers.apple_books.annotation_table import annotation_columns, annotations_by_book
from excerpta.readers.apple_books.annotations import ANNOTATION_TABLE, Annotation
from excerpta.readers.apple_books.database import damage, opened
from excerpta.readers.apple_books.library import LIBRARY_TABLE, Book, read_books
from excerpta.readers.apple_books.places import (
    ANNOTATION_PREFIX,
    LIBRARY_FOLDER,
    LIBRARY_PREFIX,
    SQLITE_HEADER,
    annotation_databases,
    annotation_folders,
    child_spelt,
    databases_in,
    is_companion_name,
    is_database_name,
    library_databases,
    library_places,
    refusal,
)

log = logging.getLogger(__name__)

NAMESPACE = "applebooks"  # of ids and external_ids: applebooks-<asset id>, applebooks-<uuid>
SOURCE = "ibooks"  # the reading platform, as Readwise names Apple Books
PLACEHOLDER_TITLE = "Apple Books asset {}"
BOOKS_URL = "ibooks://assetid/{}"  # opens the book in Books; "#<epubcfi>" opens it there
# What macOS answers a program reading Books' container without Full Disk Access: EPERM.
PRIVACY_HINT = ("; macOS lets a program read Books' files only with Full Disk Access (System "
                "Settings > Privacy & Security > Full Disk Access: add your terminal)")


class AppleBooksReader(Reader):
    """Reads Apple Books' annotation and library databases; see the module docstring."""

    name = "apple-books"
    description = ("Apple Books (macOS): AEAnnotation*.sqlite with BKLibrary*.sqlite, or Books' "
                   "Documents folder (titles, authors, chapters, colours, notes, dates)")
    # No tags, favourites, pages or ranges in Books; a chapter only where Books recorded one.
    unknown_when_empty = fields_but(Highlight, "text", "note", "location", "location_type", "color",
                                    "highlighted_at", "updated_at", "url", "is_deleted")
    document_unknown_when_empty = fields_but(Document, "title", "author", "category", "source", "url")

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None:
            return 0
        if probe.is_dir:
            if annotation_databases(probe.path):
                return 70
            # Books' BKLibrary folder given: reading it says which folder to give instead.
            return 30 if databases_in(probe.path, LIBRARY_PREFIX) else 0
        head = probe.head
        if not head.startswith(SQLITE_HEADER):
            return 0
        if f"CREATE TABLE {ANNOTATION_TABLE}".encode() in head:
            return 95
        # Its schema past the bytes probed: the name Books gives it.
        if is_database_name(probe.path.name, ANNOTATION_PREFIX):
            return 80
        # Books' library database given alone: reading it says which file to give instead.
        return 30 if f"CREATE TABLE {LIBRARY_TABLE}".encode() in head else 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # Books' databases and their -wal/-shm files in the folders it looks in; Books' other
        # files (other databases, plists) are not its.
        if probe.path is None or not is_companion_name(probe.path.name):
            return False
        places = set()
        for place in annotation_folders(folder):
            places.add(place)
            if (library := child_spelt(place.parent, LIBRARY_FOLDER)) is not None:
                places.add(library)
        return probe.path.parent in places

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        folder = Path(source).expanduser()
        if not folder.is_dir():
            yield from self._read_database(input_file(source), source, state)
            return
        found = annotation_databases(folder)
        if not found:
            if (refused := refusal(folder)) is not None:
                raise InputError(f"{source}: cannot be read ({refused.strerror or refused})"
                                 + (PRIVACY_HINT if isinstance(refused, PermissionError) else ""))
            hint = (": it holds Books' library database (titles only); give the folder above it, "
                    "Books' Documents folder" if databases_in(folder, LIBRARY_PREFIX) else "")
            raise InputError(f"{source}: no Apple Books annotation database ({ANNOTATION_PREFIX}*.sqlite) "
                             "in this folder, nor in AEAnnotation/, Documents/AEAnnotation/ or "
                             f"Data/Documents/AEAnnotation/ under it{hint}")
        if len(found) == 1:
            yield from self._read_database(found[0], str(found[0]), state)
            return
        for path in found:  # one that cannot be read never loses the others
            try:
                yield from self._read_database(path, str(path), state)
            except InputError as err:  # (an InputIOError, the machine failing, stops the read)
                state.report(str(path), None, str(err).removeprefix(f"{path}: "))

    def _read_database(self, path: Path, source: str, state: ReadState) -> Iterator[Document]:
        try:
            with path.open("rb") as handle:
                empty = not handle.read(1)
        except OSError as err:
            raise InputError(f"{source}: cannot be read ({err.strerror or err})"
                             + (PRIVACY_HINT if isinstance(err, PermissionError) else "")) from None
        if empty:
            raise InputError(f"{source}: an empty file, not an Apple Books annotation database")
        with opened(path, source) as db:
            present = annotation_columns(db, source)
            libraries = library_databases(path)
            if not libraries:
                log.warning("%s: no Apple Books library database (BKLibrary*.sqlite) in %s: books are "
                            "titled by their asset id (%s); give Books' Documents folder to read titles",
                            source, library_places(path), PLACEHOLDER_TITLE.format("…"))
            library = read_books(libraries, state)
            unlisted: set[str] = set()
            seen: set[str] = set()  # highlight ids given: a uuid twice is a damaged row
            by_book = annotations_by_book(db, present, damage(db, source), source, state)
            for asset, annotations, partial in by_book:
                if libraries and asset not in library.books:
                    unlisted.add(asset)
                yield _document(asset, annotations, library.books.get(asset), seen, source, state, partial)
        if unlisted:
            # Where the library lost rows to damage, a book it does not name may be on them.
            why = ("not among the library rows read (on its damaged pages?)" if library.rows_lost
                   else "not in the library database (removed from Books?)")
            named = ", ".join(sorted(unlisted)[:5]) + (", …" if len(unlisted) > 5 else "")
            log.warning("%s: %d book(s) with highlights are %s, titled by their asset id: %s", source,
                        len(unlisted), why, named)


def _document(asset: str, annotations: list[Annotation], book: Book | None, seen: set[str],
              source: str, state: ReadState, partial: bool) -> Document:
    # One book's document, its highlights in reading order; ``seen``: the ids given so far;
    # ``partial``: its table was read in part.
    doc_id = source_id(NAMESPACE, asset)
    url = BOOKS_URL.format(quote(asset, safe=""))
    highlights = []
    idents = {annotation.row: _highlight_key(doc_id, annotation) for annotation in annotations}
    live = {idents[annotation.row] for annotation in annotations if not annotation.deleted}
    for annotation in sorted(annotations, key=lambda annotation: annotation.order):
        where = f"{ANNOTATION_TABLE} Z_PK {annotation.row}"
        ident = idents[annotation.row]
        if annotation.deleted and (ident in live or ident in seen or (partial and not annotation.uuid)):
            # The same passage highlighted again (no uuid): the live row says it is there; in a
            # table read in part, that row may be among those lost.
            continue
        if ident in seen:
            state.report(source, where, f"the same ZANNOTATIONUUID as an earlier row "
                         f"({annotation.uuid}); skipped")
            continue
        seen.add(ident)
        if annotation.garbled:
            state.report(source, where, f"{', '.join(annotation.garbled)}: bytes that are not UTF-8, "
                         "read as U+FFFD", kept=True)
        if annotation.bad_dates:
            state.report(source, where, "; ".join(reason for _, reason in annotation.bad_dates)
                         + ": read without it", kept=True)
            state.leave_out(ident, [name for name, _ in annotation.bad_dates])
        highlights.append(Highlight(
            id=ident, text=annotation.text, note=annotation.note, location=annotation.location,
            chapter=annotation.chapter, color=annotation.colour, highlighted_at=annotation.created,
            updated_at=annotation.modified,
            url=f"{url}#{annotation.location}" if annotation.location else url,
            is_deleted=annotation.deleted,
            external_ids={NAMESPACE: annotation.uuid} if annotation.uuid else {}))
    fields = {"id": doc_id, "category": Category.BOOKS, "source": SOURCE, "url": url,
              "external_ids": {NAMESPACE: asset}, "highlights": highlights}
    if book is None:
        # Known by its id only: a library that holds the book keeps its title and author.
        return PlaceholderDocument(title=PLACEHOLDER_TITLE.format(asset), **fields)
    if book.title is None:
        state.leave_out_document(doc_id, ["title"])
    return Document(title=book.title or PLACEHOLDER_TITLE.format(asset), author=book.author,
                    summary=book.description, **fields)


def _highlight_key(doc_id: str, annotation: Annotation) -> str:
    # Books' uuid; a row without one: a hash of its book, text and location.
    if annotation.uuid:
        return source_id(NAMESPACE, annotation.uuid)
    return highlight_id(doc_id, annotation.text, annotation.location)
