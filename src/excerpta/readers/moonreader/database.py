"""Opening Moon+ Reader's ``mrbooks.db`` (a private copy: see :mod:`.backup`), the columns of its
``notes`` table, and its ``books`` table's titles and authors.

The schema, as Moon+ creates it (``com.flyersoft.books.BookDb``, database version 7)::

    notes (_id integer primary key autoincrement, book text, filename text, lowerFilename text,
           lastChapter NUMERIC, lastSplitIndex NUMERIC, lastPosition NUMERIC,
           highlightLength NUMERIC, highlightColor NUMERIC, time NUMERIC, bookmark text,
           note text, original text, underline NUMERIC, strikethrough NUMERIC, bak text)
    books (_id …, book text, filename text, lowerFilename text, author text, description text,
           category text, …)

Only those two tables are read. Text comes back as bytes, decoded per value
(:mod:`excerpta.readers.kobo.text`), so bad UTF-8 in one row is that row's problem.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from excerpta.errors import InputError, InputIOError
from excerpta.readers.kobo.text import as_text
from excerpta.readers.sqlite_damage import is_damage, read_around_damage, read_failure
from excerpta.readers.sqlite_snapshot import (
    HARDENING_PRAGMAS,
    SQLITE_MAGIC,
    connected,
    pages_missing,
    read_head,
)

EXPECTED = "expected Moon+ Reader's mrbooks.db, or a .mrpro/.mrstd backup holding it"
# The notes columns read, in NoteRow's order (then rowid): those every Moon+ database since
# version 2 of its schema has, and ``_id`` (named in problems; the rowid where it is missing).
NOTES_REQUIRED = ("book", "filename", "lastChapter", "lastSplitIndex", "lastPosition",
                  "highlightLength", "highlightColor", "time", "bookmark", "note", "original")
NOTES_OPTIONAL = ("_id",)
SORT_TAG = "#@#"  # Moon+ prefixes a title with ``<key>#@#`` to sort a shelf by hand


@contextmanager
def opened(path: Path, source: str) -> Iterator[sqlite3.Connection]:
    """The private copy ``path`` opened (writable: it is ours, and SQLite may have to roll a hot
    journal back), text as bytes. Raises InputError naming ``source`` for an empty file, one
    that is no SQLite database, or one shorter than its header says."""
    try:
        head, size = read_head(path)
    except OSError as err:
        raise InputError(f"{source}: cannot be read ({err.strerror or err})") from None
    if not head:
        raise InputError(f"{source}: an empty database (0 bytes); {EXPECTED}")
    if not head.startswith(SQLITE_MAGIC):
        raise InputError(f"{source}: not an SQLite database; {EXPECTED}")
    if (missing := pages_missing(path, head, size)) is not None:
        raise InputError(f"{source}: the database is cut short: {missing}, as an interrupted copy "
                         "leaves it; make or copy the backup again")
    with connected(path, source, error=database_error, timeout=0, guards=HARDENING_PRAGMAS) as connection:
        yield connection


def database_error(source: str, err: sqlite3.Error) -> InputError | InputIOError:
    """The one-line InputError of an SQLite error that stops a whole read (InputIOError for
    SQLite's I/O error: :func:`~excerpta.readers.sqlite_damage.read_failure`)."""
    if (failed := read_failure(source, err)) is not None:
        return failed
    reason = str(err) or type(err).__name__
    if is_damage(err) or "malformed" in reason or "not a database" in reason:
        return InputError(f"{source}: the database is damaged ({reason}); {EXPECTED}")
    return InputError(f"{source}: cannot be read as a database ({reason}); {EXPECTED}")


class NoteColumns:
    """The ``notes`` columns there are, and a SELECT list naming a missing optional one NULL."""

    def __init__(self, connection: sqlite3.Connection, source: str) -> None:
        rows = connection.execute("PRAGMA table_info(notes)").fetchall()
        self.names = {(as_text(row[1]) or "").casefold() for row in rows}
        if not self.names:
            raise InputError(f"{source}: the database has no notes table; {EXPECTED}")
        missing = [name for name in NOTES_REQUIRED if name.casefold() not in self.names]
        if missing:
            raise InputError(f"{source}: its notes table has no column {', '.join(missing)}; {EXPECTED}")

    def select_list(self) -> str:
        """``book, filename, …, _id``: every column NoteRow holds, in its order."""
        optional = [name if name.casefold() in self.names else f"NULL AS {name}" for name in NOTES_OPTIONAL]
        return ", ".join((*NOTES_REQUIRED, *optional))


@dataclass(frozen=True)
class ShelfBook:
    """A book as the ``books`` table lists it: its title (without a shelf's sort tag) and
    author, either ``None`` where empty."""

    title: str | None
    author: str | None


@dataclass
class Shelf:
    """The ``books`` table by lower-cased file name, and what could not be read of it (an
    empty ``lost`` where all was; the table may be missing: then nothing is listed)."""

    books: dict[str, ShelfBook]
    lost: str = ""


def read_shelf(connection: sqlite3.Connection) -> Shelf:
    """Every ``books`` row's title and author, read around damage; an empty Shelf where there
    is no such table or it lacks the columns. Raises sqlite3.Error for what is not damage."""
    names = {(as_text(row[1]) or "").casefold() for row in connection.execute("PRAGMA table_info(books)")}
    if not {"book", "filename", "author"} <= names:
        return Shelf({})
    shelf = Shelf({})
    try:
        rows = connection.execute("SELECT book, filename, author FROM books ORDER BY rowid").fetchall()
    except sqlite3.DatabaseError as err:
        if not is_damage(err):
            raise
        salvage = read_around_damage(connection, "books", "book, filename, author")
        rows = [row[:-1] for row in salvage.rows]
        shelf.lost = f"damaged ({salvage.error}): {salvage.unread()} could not be read"
    for title, filename, author in rows:
        key = (as_text(filename) or "").strip().lower()
        if key and key not in shelf.books:
            author_text = (as_text(author) or "").strip() or None
            shelf.books[key] = ShelfBook(without_sort_tag(as_text(title)), author_text)
    return shelf


def without_sort_tag(title: str | None) -> str | None:
    """A title without the ``<key>#@#`` Moon+ puts before it to sort a shelf by hand; None if empty."""
    text = (title or "").strip()
    if text.find(SORT_TAG) > 0:
        text = text[text.rfind(SORT_TAG) + len(SORT_TAG):].strip()
    return text or None


def has_notes_table(path: Path) -> bool:
    """Whether the SQLite file ``path`` has Moon+'s ``notes`` table (its ``highlightColor``,
    ``lastSplitIndex`` and ``original`` columns). Opened ``immutable``: nothing is made beside
    it. False if it cannot be read."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except (sqlite3.Error, OSError, ValueError):
        return False
    try:
        names = {str(row[1]).casefold() for row in connection.execute("PRAGMA table_info(notes)")}
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return {"highlightcolor", "lastsplitindex", "original"} <= names
