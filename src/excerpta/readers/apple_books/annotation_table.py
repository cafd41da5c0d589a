"""Books' annotation table read whole: whether a database holds one (:func:`annotation_columns`)
and its highlight rows, book by book (:func:`annotations_by_book`), read again around a damaged page.

``annotation_columns`` returns the columns of ``ZAEANNOTATION``, or raises InputError naming the
file when it has no such table (Books' library database given instead is told so) or lacks a
needed column. ``annotations_by_book`` yields each book once, as (asset id, its rows as
:class:`~.annotations.Annotation`, whether the table was read in part); a row that cannot be
read is reported with its ``Z_PK`` and skipped, damage beside highlights that were read is
reported (``ReadState.cut_short`` set), and a damaged table that gives no highlight is an
InputError; SQLite's I/O error, no damage, an InputIOError. How a row becomes an
``Annotation`` is :mod:`.annotations`'.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.readers.apple_books.annotations import (
    ANNOTATION_TABLE,
    NEEDED,
    Annotation,
    RecordError,
    parse_row,
    salvaged_rows,
    select_statement,
)
from excerpta.readers.apple_books.database import columns, lenient_text_of, tables
from excerpta.readers.apple_books.library import LIBRARY_TABLE
from excerpta.readers.apple_books.places import ANNOTATION_PREFIX
from excerpta.readers.sqlite_damage import is_damage, read_failure


def annotation_columns(db: sqlite3.Connection, source: str) -> set[str]:
    """The columns of the annotation table; InputError if this is no annotation database."""
    names = tables(db, source)
    if ANNOTATION_TABLE not in names:
        if LIBRARY_TABLE in names:
            raise InputError(f"{source}: Apple Books' library database (titles only), not its "
                             f"annotations: give the {ANNOTATION_PREFIX}*.sqlite file (in the "
                             "AEAnnotation folder beside BKLibrary), or Books' Documents folder")
        raise InputError(f"{source}: no {ANNOTATION_TABLE} table: not an Apple Books annotation "
                         f"database ({ANNOTATION_PREFIX}*.sqlite)")
    present = columns(db, ANNOTATION_TABLE, source)
    if missing := [name for name in NEEDED if name not in present]:
        raise InputError(f"{source}: table {ANNOTATION_TABLE} lacks column(s) {', '.join(missing)}: "
                         "not an Apple Books annotation database excerpta can read")
    return present


def annotations_by_book(db: sqlite3.Connection, present: set[str], damaged: str | None, source: str,
                        state: ReadState) -> Iterator[tuple[str, list[Annotation], bool]]:
    """The highlight rows, book by book (the query orders them so), and whether the table was
    read in part. A row that cannot be read is reported. Where SQLite meets a damaged page,
    the table is read again around it (the books given so far left out) and what could not
    be read reported. ``damaged``: what SQLite's check found wrong, where a lost page reads
    as rows of NULLs (left out as no highlight) rather than an error. A damaged database
    that gives no highlight is an InputError: it must never read as one that holds none.
    """
    given: set[str] = set()
    reported: set[int] = set()  # the Z_PK of rows reported: not again when read again
    try:
        yield from _books_of(db.execute(select_statement(present)), given, reported, source, state)
    except sqlite3.DatabaseError as err:
        if not is_damage(err):
            raise read_failure(source, err) or InputError(
                f"{source}: table {ANNOTATION_TABLE} cannot be read ({err})") from None
    else:
        if damaged is not None and not given:
            raise InputError(f"{source}: damaged ({damaged}); no highlight could be read from it")
        if damaged is not None:
            state.cut_short = True  # a file output keeps what it held (excerpta.hold_back)
            state.report(source, ANNOTATION_TABLE, f"damaged ({damaged}): highlights in its damaged "
                         "pages may be missing", kept=True)
        return
    try:
        rows, salvage = salvaged_rows(db, present)
    except sqlite3.DatabaseError as err:  # a lock, or the machine failing, met reading around
        raise read_failure(source, err) or InputError(
            f"{source}: table {ANNOTATION_TABLE} cannot be read ({err})") from None
    rows.sort(key=lambda values: (_asset_order(values[1]), values[0]))
    books = list(_books_of(rows, given, reported, source, state, partial=True))
    if not given:
        raise InputError(f"{source}: damaged ({salvage.error}); no highlight could be read from it")
    if salvage.gaps:
        state.cut_short = True
        state.report(source, ANNOTATION_TABLE, f"damaged ({salvage.error}): {salvage.unread()} could not "
                     f"be read, the {len(salvage.rows)} others were; highlights on them are left out")
    yield from books


def _books_of(rows: Iterable[tuple[Any, ...]], given: set[str], reported: set[int], source: str,
              state: ReadState, *, partial: bool = False) -> Iterator[tuple[str, list[Annotation], bool]]:
    # The rows (ordered by book) of the books not in ``given`` as (asset, annotations,
    # ``partial``), each added to ``given`` once yielded; rows that cannot be read reported
    # (their Z_PK added to ``reported``) unless they already were.
    asset: str | None = None
    annotations: list[Annotation] = []
    for values in rows:
        try:
            annotation = parse_row(values)
        except RecordError as err:
            # A deleted row that cannot be read deletes nothing: left out.
            if values[-1] != 1 and values[0] not in reported:
                reported.add(values[0])
                state.report(source, f"{ANNOTATION_TABLE} Z_PK {values[0]}", f"{err}; skipped")
            continue
        if annotation is None or annotation.asset in given:
            continue  # neither text nor note (nothing to keep), or its book given already
        if annotation.asset != asset and annotations:
            given.add(asset or "")
            yield asset or "", annotations, partial
            annotations = []
        asset = annotation.asset
        annotations.append(annotation)
    if annotations:
        given.add(asset or "")
        yield asset or "", annotations, partial


def _asset_order(value: object) -> str:
    # A row's book as the salvaged rows are grouped by (any value SQLite gave, as text).
    return lenient_text_of(value) or ""
