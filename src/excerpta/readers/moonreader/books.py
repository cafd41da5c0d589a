"""The ``notes`` rows of one database made into Documents, a book at a time, and read again
around damage.

Moon+ keys a book's rows by its file (``lowerFilename``: the path on the phone, lower-cased),
so a book is the rows of one file; rows without a file name are grouped by their title. Its id
is ``moonreader-f<hash>`` of the file's name without its folder (the same when the book is
moved, or read from a backup of a new phone with other folders), ``moonreader-t<hash>`` of the
title for rows without one. Its title is the one the ``books`` table lists for the file (as
the user may have edited it), else the ``book`` column of its rows, else the file's name
without its extension; its author the ``books`` table's, where it lists one.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby
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


def read_books(connection: sqlite3.Connection, shelf: Shelf, source: str, state: ReadState, *,
               keep_bookmarks: bool) -> Iterator[Document]:
    """Every book of the database ``connection`` with a highlight (see the module docstring);
    rows that are none reported or left out (:mod:`.records`). Where SQLite meets damage, the
    table is read again around it and the books not yet given are given then, what could not
    be read reported. Raises InputError where no highlight can be read at all."""
    try:
        columns = NoteColumns(connection, source)
    except sqlite3.Error as err:
        raise database_error(source, err) from None
    done: set[str] = set()
    try:
        rows = connection.execute(f"SELECT {columns.select_list()}, rowid FROM notes "
                                  "ORDER BY lower(filename), book, rowid")
        yield from _documents((NoteRow(*row) for row in rows), shelf, source, state, keep_bookmarks, done)
    except sqlite3.Error as err:
        if not is_damage(err):
            raise database_error(source, err) from None
        salvage = read_around_damage(connection, "notes", columns.select_list())
        rows_read = sorted((NoteRow(*row) for row in salvage.rows),
                           key=lambda row: (book_key(row), row.rowid))
        pending = [row for row in rows_read if book_key(row) not in done]
        salvaged = list(_documents(pending, shelf, source, state, keep_bookmarks, done))
        if salvage.gaps and not done:
            raise InputError(f"{source}: the database is damaged ({salvage.error}); no highlight "
                             "could be read from it") from None
        if salvage.gaps:
            state.cut_short = True  # a file output keeps what it held (excerpta.hold_back)
            state.report(source, "notes", f"damaged ({salvage.error}): {salvage.unread()} could not be "
                         f"read, the {len(salvage.rows)} others were; highlights on them are left out")
            salvaged = [unplaced(document, state) for document in salvaged]
        yield from salvaged


def documents_of_rows(rows: Iterable[NoteRow], source: str, state: ReadState, *,
                      keep_bookmarks: bool, shelf: Shelf | None = None) -> Iterator[Document]:
    """The books of ``rows`` read as :func:`read_books` reads a database's (the same Documents
    and ids for the same rows), the rows of one book next to each other; ``shelf`` the titles
    and authors known (none: titled by the rows). For rows read from elsewhere than a
    database: a ``.mrexpt`` export (:mod:`.export`)."""
    yield from _documents(rows, shelf or Shelf({}), source, state, keep_bookmarks, set())


def book_key(row: NoteRow) -> str:
    """The book a row is in: its file, lower-cased, else ``\\x00`` and its title folded."""
    return row.file_key() or "\x00" + normalize_text(as_text(row.book))


def _documents(rows: Iterable[NoteRow], shelf: Shelf, source: str, state: ReadState,
               keep_bookmarks: bool, done: set[str]) -> Iterator[Document]:
    left_out: Counter[str] = Counter()
    for key, group in groupby(rows, key=book_key):
        book_rows = list(group)
        if key == "\x00":
            for row in book_rows:
                state.report(source, row.where(), "skipped: no book title and no file name")
            done.add(key)
            continue
        filename = (as_text(book_rows[0].filename) or "").strip()
        document_id = _document_id(filename, book_rows)
        pdf = filename.lower().endswith(".pdf")
        parsed: dict[str, Parsed] = {}
        for row in book_rows:
            try:
                found = parse_row(row, document_id, keep_bookmarks=keep_bookmarks, pdf=pdf)
            except Skipped as skipped:
                state.cut_short = state.cut_short or skipped.damaged
                if skipped.reported:
                    state.report(source, row.where(), f"skipped: {skipped}")
                else:
                    left_out[str(skipped)] += 1
                continue
            for problem in found.problems:
                state.report(source, row.where(), problem, kept=True)
            if found.left_out:
                state.leave_out(found.highlight.id, found.left_out)
            earlier = parsed.get(found.highlight.id)
            # One passage saved twice (Moon+ finds such twins itself): the copy with a note wins.
            if earlier is None or (found.highlight.note and not earlier.highlight.note):
                parsed[found.highlight.id] = found
        done.add(key)
        if parsed:
            yield _document(document_id, filename, book_rows, shelf, list(parsed.values()))
    if left_out:
        log.info("%s: left out: %s", source,
                 ", ".join(f"{count} {kind}(s)" for kind, count in sorted(left_out.items())))


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


def _document_id(filename: str, rows: list[NoteRow]) -> str:
    if filename:
        name = PurePosixPath(filename.replace("\\", "/")).name
        return source_id(NAMESPACE, "f" + _digest(name))
    return source_id(NAMESPACE, "t" + _digest(as_text(rows[0].book) or ""))


def _digest(value: str) -> str:
    return hashlib.blake2b(normalize_text(value).encode(), digest_size=10).hexdigest()
