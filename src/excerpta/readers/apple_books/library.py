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
annotation database's.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from excerpta.adapters import ReadState
from excerpta.errors import InputError, InputIOError
from excerpta.readers.apple_books.database import columns, damage, lenient_text_of, opened, tables, text_of
from excerpta.readers.sqlite_damage import read_failure

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


def read_books(paths: list[Path], state: ReadState) -> dict[str, Book]:
    """The books of the library databases ``paths`` by asset id (the first database naming an
    asset wins). A database that cannot be read, or a row without an asset id, is reported
    (read in part: highlights keep their placeholder titles) and the rest read; SQLite's I/O
    error (the machine failing to read it) is raised, an InputIOError."""
    books: dict[str, Book] = {}
    for path in paths:
        try:
            with opened(path, str(path)) as db:
                for asset, book in _books_of(db, str(path), state):
                    books.setdefault(asset, book)
        except InputIOError:
            raise  # the machine failing to read it: no damage, and the read stops
        except InputError as err:
            state.report(str(path), None, f"{str(err).removeprefix(f'{path}: ')}; its books' titles are "
                         "left out (placeholders naming the asset id)", kept=True)
    return books


def _books_of(db: sqlite3.Connection, source: str, state: ReadState) -> list[tuple[str, Book]]:
    if LIBRARY_TABLE not in tables(db, source):
        raise InputError(f"{source}: no {LIBRARY_TABLE} table (not Apple Books' library database)")
    present = columns(db, LIBRARY_TABLE, source)
    if (damaged := damage(db, source)) is not None:  # lost pages read as rows of NULLs, not errors
        state.report(source, LIBRARY_TABLE, f"damaged ({damaged}): titles in its damaged pages may be "
                     "missing (placeholders naming the asset id)", kept=True)
    if missing := [name for name in _NEEDED if name not in present]:
        raise InputError(f"{source}: table {LIBRARY_TABLE} lacks column(s) {', '.join(missing)}")
    wanted = [*_NEEDED, *(name if name in present else "NULL" for name in _OPTIONAL)]
    try:
        rows = db.execute(f"SELECT Z_PK, {', '.join(wanted)} FROM {LIBRARY_TABLE} ORDER BY Z_PK"
                          if "Z_PK" in present else
                          f"SELECT NULL, {', '.join(wanted)} FROM {LIBRARY_TABLE}").fetchall()
    except sqlite3.DatabaseError as err:
        raise read_failure(source, err) or InputError(
            f"{source}: table {LIBRARY_TABLE} cannot be read ({err})") from None
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


def _clean(value: object) -> str | None:
    return (lenient_text_of(value) or "").strip() or None
