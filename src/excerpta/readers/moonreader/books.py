"""The ``notes`` rows of one database made into Documents, a book at a time, and read again
around damage.

Moon+ keys a book's rows by its file (``lowerFilename``: the path on the phone, lower-cased),
so a book is the rows of one file; rows without a file name are grouped by their title
(folded, as :func:`~excerpta.identity.normalize_text` folds it). The rows are grouped in
Python, in a dict keyed by :func:`book_key`, never by SQLite's ``ORDER BY`` (its ``lower()``
folds ASCII only, and it sorts NULL apart from ``''``): a book is one Document.

Its id is ``moonreader-f<hash>`` of the file's name without its folder (the same when the book
is moved, or read from a backup of a new phone with other folders) while no other file of the
same database (or export) has that name; where two do (``Download/book.epub`` and
``Books/Other/book.epub``), each is ``moonreader-p<hash>`` of its whole path, lower-cased, so
two books never become one. Rows without a file name get ``moonreader-t<hash>`` of the title.
Two files the id cannot tell apart (paths that differ only in how Unicode folds them) are read
as one book, and reported. Its title is the one the ``books`` table lists for the file (as the
user may have edited it), else the ``book`` column of its rows, else the file's name without
its extension; its author the ``books`` table's, where it lists one.

One passage saved twice (the same position and text, so the same highlight id: Moon+'s notes
sync merging two devices' edits, or the passage marked again) is one highlight: the earliest
copy with a note (else the earliest), its notes those of every copy, each once, in the order
the copies were written, joined by a blank line.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.identity import normalize_text, source_id
from excerpta.model import Category, Document
from excerpta.readers.kobo import unplaced
from excerpta.readers.kobo.text import as_text
from excerpta.readers.moonreader.database import NoteColumns, Shelf, database_error, without_sort_tag
from excerpta.readers.moonreader.records import NoteRow, Parsed, Skipped, parse_row
from excerpta.readers.sqlite_damage import is_damage, read_around_damage

log = logging.getLogger(__name__)
NAMESPACE = "moonreader"
UNTITLED = "\x00"  # the key of rows with neither a file name nor a title
NOTE_SEPARATOR = "\n\n"  # between the notes of one passage's copies


def read_books(connection: sqlite3.Connection, shelf: Shelf, source: str, state: ReadState, *,
               keep_bookmarks: bool) -> Iterator[Document]:
    """Every book of the database ``connection`` with a highlight (see the module docstring);
    rows that are none reported or left out (:mod:`.records`). The table is read whole before
    a book is given (a book's rows may lie anywhere in it); where SQLite meets damage, it is
    read again around it, what could not be read reported. Raises InputError where no
    highlight can be read at all."""
    try:
        columns = NoteColumns(connection, source)
    except sqlite3.Error as err:
        raise database_error(source, err) from None
    try:
        rows = [NoteRow(*row) for row in connection.execute(
            f"SELECT {columns.select_list()}, rowid FROM notes ORDER BY rowid")]
    except sqlite3.Error as err:
        if not is_damage(err):
            raise database_error(source, err) from None
        salvage = read_around_damage(connection, "notes", columns.select_list())
        salvaged = list(_documents(sorted((NoteRow(*row) for row in salvage.rows), key=lambda row: row.rowid),
                                   shelf, source, state, keep_bookmarks))
        if salvage.gaps and not salvaged:
            raise InputError(f"{source}: the database is damaged ({salvage.error}); no highlight "
                             "could be read from it") from None
        if salvage.gaps:
            state.cut_short = True  # a file output keeps what it held (excerpta.hold_back)
            state.report(source, "notes", f"damaged ({salvage.error}): {salvage.unread()} could not be "
                         f"read, the {len(salvage.rows)} others were; highlights on them are left out")
            salvaged = [unplaced(document, state) for document in salvaged]
        yield from salvaged
        return
    yield from _documents(rows, shelf, source, state, keep_bookmarks)


def documents_of_rows(rows: Iterable[NoteRow], source: str, state: ReadState, *,
                      keep_bookmarks: bool, shelf: Shelf | None = None) -> Iterator[Document]:
    """The books of ``rows`` (in rowid order) read as :func:`read_books` reads a database's:
    the same Documents and ids for the same rows; ``shelf`` the titles and authors known
    (none: titled by the rows). For rows read from elsewhere than a database: a ``.mrexpt``
    export (:mod:`.export`)."""
    yield from _documents(rows, shelf or Shelf({}), source, state, keep_bookmarks)


def book_key(row: NoteRow) -> str:
    """The book a row is in: its file, lower-cased, else ``\\x00`` and its title folded."""
    return row.file_key() or UNTITLED + normalize_text(as_text(row.book))


def _documents(rows: Iterable[NoteRow], shelf: Shelf, source: str, state: ReadState,
               keep_bookmarks: bool) -> Iterator[Document]:
    books: dict[str, list[NoteRow]] = {}
    for row in rows:
        books.setdefault(book_key(row), []).append(row)
    for row in books.pop(UNTITLED, []):
        state.report(source, row.where(), "skipped: no book title and no file name")
    left_out: Counter[str] = Counter()
    twins = given = 0
    for document_id, keys in _book_ids(books, source, state).items():
        book_rows = sorted((row for key in keys for row in books[key]), key=lambda row: row.rowid)
        filename = (as_text(books[keys[0]][0].filename) or "").strip()
        copies: dict[str, list[Parsed]] = {}
        for row in book_rows:
            try:
                found = parse_row(row, document_id, keep_bookmarks=keep_bookmarks,
                                  pdf=filename.lower().endswith(".pdf"))
            except Skipped as skipped:
                state.cut_short = state.cut_short or skipped.damaged
                if skipped.reported:
                    state.report(source, row.where(), f"skipped: {skipped}")
                else:
                    left_out[str(skipped)] += 1
                continue
            for problem in found.problems:
                state.report(source, row.where(), problem, kept=True)
            copies.setdefault(found.highlight.id, []).append(found)
        parsed = [_one_of(each) for each in copies.values()]
        twins += sum(len(each) - 1 for each in copies.values())
        for found in parsed:
            if found.left_out:
                state.leave_out(found.highlight.id, found.left_out)
        if parsed:
            given += 1
            yield _document(document_id, filename, book_rows, shelf, parsed)
    if twins:
        log.info("%s: %d passage(s) saved twice read as one highlight each, their notes joined",
                 source, twins)
    if left_out:
        said = ", ".join(f"{count} {kind}(s)" for kind, count in sorted(left_out.items()))
        if given:
            log.info("%s: left out: %s", source, said)
        else:  # a file that gives nothing must say why, without -v
            log.warning("%s: no highlight in it: every row read was left out (%s)%s", source, said,
                        "; --moonreader-bookmarks keeps bookmarks" if not keep_bookmarks else "")


def _book_ids(books: dict[str, list[NoteRow]], source: str, state: ReadState) -> dict[str, list[str]]:
    # Each Document id and the book keys it reads: one key, but for files the id cannot tell
    # apart (reported, and read as one book rather than as two Documents with one id).
    names = {key: _file_name(rows[0]) for key, rows in books.items() if not key.startswith(UNTITLED)}
    paths: dict[str, set[str]] = {}
    for name in names.values():
        paths.setdefault(normalize_text(PurePosixPath(name).name), set()).add(normalize_text(name))
    ids: dict[str, list[str]] = {}
    for key, rows in books.items():
        if key not in names:
            ids.setdefault(source_id(NAMESPACE, "t" + _digest(as_text(rows[0].book) or "")), []).append(key)
            continue
        base = PurePosixPath(names[key]).name
        shared = len(paths[normalize_text(base)]) > 1
        ids.setdefault(source_id(NAMESPACE, ("p" + _digest(names[key])) if shared else ("f" + _digest(base))),
                       []).append(key)
    for keys in ids.values():
        if len(keys) > 1 and not keys[0].startswith(UNTITLED):
            files = " and ".join(repr(names[key]) for key in keys)
            state.report(source, "notes", f"the files {files} cannot be told apart by their names: "
                         "their highlights are read as one book", kept=True)
    return ids


def _file_name(row: NoteRow) -> str:
    return (as_text(row.filename) or "").strip().replace("\\", "/")


def _one_of(copies: list[Parsed]) -> Parsed:
    # One passage saved twice: see the module docstring.
    if len(copies) == 1:
        return copies[0]
    by_time = sorted(copies, key=lambda found: found.written)
    kept = next((found for found in by_time if found.highlight.note), by_time[0])
    notes = list(dict.fromkeys(found.highlight.note for found in by_time if found.highlight.note))
    if len(notes) > 1:
        kept.highlight = kept.highlight.model_copy(update={"note": NOTE_SEPARATOR.join(notes)})
    return kept


def _document(document_id: str, filename: str, rows: list[NoteRow], shelf: Shelf,
              parsed: list[Parsed]) -> Document:
    listed = shelf.books.get(filename.lower())
    named = next((title for row in rows if not row.is_bookmark()
                  and (title := without_sort_tag(as_text(row.book))) is not None), None)
    stem = PurePosixPath(filename.replace("\\", "/")).stem.strip() if filename else ""
    title = (listed.title if listed else None) or named or stem or "Untitled"
    highlights = [found.highlight.model_copy(update={"location": rank})
                  for rank, found in enumerate(sorted(parsed, key=lambda found: found.order), start=1)]
    return Document(id=document_id, title=title, author=listed.author if listed else None,
                    category=Category.BOOKS, source=NAMESPACE,
                    external_ids={NAMESPACE: filename} if filename else {}, highlights=highlights)


def _digest(value: str) -> str:
    return hashlib.blake2b(normalize_text(value).encode(), digest_size=10).hexdigest()
