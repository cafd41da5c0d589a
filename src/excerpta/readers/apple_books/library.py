"""Books' library database (``BKLibrary*.sqlite``): the title and author of each book.

Table ``ZBKLIBRARYASSET``: ``ZASSETID`` (the id annotations name their book by: 32 hex
digits for a book added from a file, Apple's numeric id for a store book), ``ZTITLE``,
``ZAUTHOR`` (NULL for many PDFs), ``ZBOOKDESCRIPTION`` (the store's blurb, read as the
document's summary where the column exists). Only ``ZASSETID`` and ``ZTITLE`` are needed; the
others are read where a version of Books has them.

The library only names books: a library that cannot be read loses no highlight, so its
problems (a file cut short or damaged included) are reported as read in part (the books then
get placeholder titles, see :mod:`excerpta.readers.apple_books`), never raised; but for the
machine failing to read it (SQLite's I/O error), which stops the read as it would the
annotation database's. Where SQLite meets a damaged page amid the table, it is read again
around it (:func:`~excerpta.readers.sqlite_damage.read_around_damage`): the books before and
after the damage keep their titles, and one problem says how many rows at most could not be
read (their books' highlights are still read, under placeholder titles).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.readers.apple_books.database import columns, damage, lenient_text_of, opened, tables, text_of
from excerpta.readers.sqlite_damage import is_damage, read_around_damage, read_failure

log = logging.getLogger(__name__)

LIBRARY_TABLE = "ZBKLIBRARYASSET"
_NEEDED = ("ZASSETID", "ZTITLE")
_OPTIONAL = ("ZAUTHOR", "ZBOOKDESCRIPTION")


@dataclass(frozen=True)
class Book:
    """What the library says of one book."""

    title: str | None
    author: str | None
    description: str | None


@dataclass
class Library:
    """The books of the library databases by asset id; ``rows_lost``: a database's table was
    read around damage, and a book it does not name may be on the rows lost."""

    books: dict[str, Book] = field(default_factory=dict)
    rows_lost: bool = False


def read_books(paths: list[Path], state: ReadState) -> Library:
    """The books of the library databases ``paths`` (the first database naming an asset wins).
    A database that cannot be read, or a row without an asset id, is reported (read in part:
    highlights keep their placeholder titles) and the rest read; a table damaged amid its
    pages is read around the damage, what could not be read reported. SQLite's I/O error (the
    machine failing to read it) is raised, an InputIOError."""
    library = Library()
    for path in paths:
        try:
            with opened(path, str(path)) as db:
                for asset, book in _books_of(db, str(path), state, library):
                    library.books.setdefault(asset, book)
        except InputError as err:  # (an InputIOError, the machine failing, stops the read)
            state.report(str(path), None, f"{str(err).removeprefix(f'{path}: ')}; its books' titles are "
                         "left out (placeholders naming the asset id)", kept=True)
    return library


def _books_of(db: sqlite3.Connection, source: str, state: ReadState,
              library: Library) -> list[tuple[str, Book]]:
    if LIBRARY_TABLE not in tables(db, source):
        raise InputError(f"{source}: no {LIBRARY_TABLE} table (not Apple Books' library database)")
    present = columns(db, LIBRARY_TABLE, source)
    damaged = damage(db, source)  # lost pages may read as rows of NULLs, not errors
    if missing := [name for name in _NEEDED if name not in present]:
        raise InputError(f"{source}: table {LIBRARY_TABLE} lacks column(s) {', '.join(missing)}")
    wanted = ", ".join(["Z_PK" if "Z_PK" in present else "NULL", *_NEEDED,
                        *(name if name in present else "NULL" for name in _OPTIONAL)])
    try:
        rows: Iterable[tuple[Any, ...]] = db.execute(
            f"SELECT {wanted} FROM {LIBRARY_TABLE}{' ORDER BY Z_PK' if 'Z_PK' in present else ''}").fetchall()
    except sqlite3.DatabaseError as err:
        if not is_damage(err):
            raise read_failure(source, err) or InputError(
                f"{source}: table {LIBRARY_TABLE} cannot be read ({err})") from None
        rows = _salvaged(db, wanted, source, state, library)
    else:
        if damaged is not None:
            state.report(source, LIBRARY_TABLE, f"damaged ({damaged}): titles in its damaged pages may be "
                         "missing (placeholders naming the asset id)", kept=True)
    found = []
    for key, asset, title, author, description in rows:
        try:
            asset_id = (text_of(asset) or "").strip()
        except ValueError as err:
            asset_id, reason = "", f"asset id: {err}"
        else:
            reason = "no asset id"
        if not asset_id:
            state.report(source, f"{LIBRARY_TABLE} Z_PK {key}", f"{reason}; row skipped")
            continue
        found.append((asset_id, Book(_clean(title), _clean(author), _clean(description))))
    log.debug("%s: %d book(s)", source, len(found))
    return found


def _salvaged(db: sqlite3.Connection, wanted: str, source: str, state: ReadState,
              library: Library) -> list[tuple[Any, ...]]:
    # The rows SQLite can still read of a table it found damaged, what it could not reported.
    try:
        salvage = read_around_damage(db, LIBRARY_TABLE, wanted)
    except sqlite3.DatabaseError as err:  # a lock, or the machine failing, met reading around
        raise read_failure(source, err) or InputError(
            f"{source}: table {LIBRARY_TABLE} cannot be read ({err})") from None
    if salvage.gaps:
        library.rows_lost = True
        state.report(source, LIBRARY_TABLE, f"damaged ({salvage.error}): {salvage.unread()} could not be "
                     f"read, the {len(salvage.rows)} others were; the titles of books on them are left "
                     "out (placeholders naming the asset id)", kept=True)
    return [row[:-1] for row in salvage.rows]


def _clean(value: object) -> str | None:
    return (lenient_text_of(value) or "").strip() or None
