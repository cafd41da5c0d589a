"""Books' annotation database (``AEAnnotation*.sqlite``): its rows as highlights.

Table ``ZAEANNOTATION``, one row per annotation. Read: ``ZANNOTATIONTYPE`` 2 (a highlight,
with or without a note). ``ZANNOTATIONDELETED`` 1 marks a highlight deleted in Books (which
keeps the row, flagged, to sync the deletion): it is read as a deleted highlight
(``is_deleted``), so a library that holds it marks it deleted too. Left out: type 3 (the
last-read position, one per book, no text) and every other type (bookmarks), a highlight with
neither text nor note, and a deleted row that cannot be read (nothing a library could match).

Mapping: ``ZANNOTATIONSELECTEDTEXT`` the text, ``ZANNOTATIONNOTE`` the note,
``ZANNOTATIONLOCATION`` (an ``epubcfi(…)``) the location, as it is (no location type: it is
none of the model's counts), and the ``ibooks://assetid/<asset>#<cfi>`` link that opens Books
there the url; ``ZFUTUREPROOFING5`` the chapter where the column exists and holds one;
``ZANNOTATIONSTYLE`` the colour (:data:`COLOURS`; 0 is Books' underline, and a colour
underlined, ``ZANNOTATIONISUNDERLINE`` 1, keeps its colour, so that flag is not read);
``ZANNOTATIONCREATIONDATE`` / ``ZANNOTATIONMODIFICATIONDATE`` (Core Data: seconds since
2001-01-01 UTC) ``highlighted_at`` / ``updated_at``; ``ZANNOTATIONUUID`` the id;
``ZANNOTATIONDELETED`` 1 ``is_deleted``.
``ZANNOTATIONREPRESENTATIVETEXT`` (the sentence around the selection) is not read: the model
has no place for context.
Order within a book: ``ZPLLOCATIONRANGESTART``, then the CFI's numbers, then the row.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from excerpta.ordering import cfi_key
from excerpta.readers.apple_books.database import lenient_text_of, text_of
from excerpta.readers.sqlite_damage import Salvage, read_around_damage

ANNOTATION_TABLE = "ZAEANNOTATION"
HIGHLIGHT_TYPE = 2  # 1: bookmark, 3: last-read position
COLOURS = {0: "underline", 1: "green", 2: "blue", 3: "yellow", 4: "pink", 5: "purple"}
CORE_DATA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
NEEDED = ("Z_PK", "ZANNOTATIONASSETID", "ZANNOTATIONSELECTEDTEXT", "ZANNOTATIONTYPE",
          "ZANNOTATIONDELETED")
# Read where the database has them (NULL where not): Books added columns over the years.
OPTIONAL = ("ZANNOTATIONNOTE", "ZANNOTATIONLOCATION", "ZANNOTATIONSTYLE", "ZPLLOCATIONRANGESTART",
            "ZANNOTATIONCREATIONDATE", "ZANNOTATIONMODIFICATIONDATE", "ZANNOTATIONUUID", "ZFUTUREPROOFING5")
CHAPTER_COLUMN = "ZFUTUREPROOFING5"


class RecordError(ValueError):
    """A row that cannot be read as a highlight; its message says which value and why."""


@dataclass(frozen=True)
class Annotation:
    """One highlight row, its values read (not yet a Highlight: its book decides its id)."""

    row: int
    asset: str
    text: str
    note: str | None
    location: str | None
    chapter: str | None
    colour: str | None
    created: datetime | None
    modified: datetime | None
    uuid: str | None
    range_start: int | None
    deleted: bool = False  # ZANNOTATIONDELETED 1: deleted in Books
    # The date fields that did not parse (left out), each with its column and why.
    bad_dates: tuple[tuple[str, str], ...] = ()
    garbled: tuple[str, ...] = ()  # the text columns read with U+FFFD for bytes not UTF-8

    @property
    def order(self) -> tuple[int, int, tuple[int, ...], int]:
        """Its place in its book: range start (rows without one last), CFI, row."""
        start = self.range_start
        return (0 if start is not None else 1, start or 0, cfi_key(self.location) or (), self.row)


def select_statement(present: set[str]) -> str:
    """The query of every highlight row, deleted ones included, by book and range start, reading
    the :data:`OPTIONAL` columns ``present`` holds (NULL for the others), then whether the row
    is deleted."""
    return (f"SELECT {_selected(present)} FROM {ANNOTATION_TABLE} WHERE ZANNOTATIONTYPE = {HIGHLIGHT_TYPE} "
            "ORDER BY ZANNOTATIONASSETID, "
            + ("ZPLLOCATIONRANGESTART, " if "ZPLLOCATIONRANGESTART" in present else "") + "Z_PK")


def salvaged_rows(db: sqlite3.Connection, present: set[str]) -> tuple[list[tuple[Any, ...]], Salvage]:
    """The highlight rows (as :func:`select_statement` gives them, in ``Z_PK`` order) SQLite can
    still read from a table it found damaged (see
    :func:`~excerpta.readers.sqlite_damage.read_around_damage`), and what could not be read."""
    salvage = read_around_damage(db, ANNOTATION_TABLE, f"{_selected(present)}, ZANNOTATIONTYPE")
    return [row[:-2] for row in salvage.rows if row[-2] == HIGHLIGHT_TYPE], salvage


def _selected(present: set[str]) -> str:
    return ", ".join([*NEEDED[:3], *(name if name in present else "NULL" for name in OPTIONAL),
                      "coalesce(ZANNOTATIONDELETED, 0) = 1"])


def parse_row(values: tuple[Any, ...]) -> Annotation | None:
    """The row ``values`` (in :func:`select_statement`'s order) as an Annotation; None for one
    with neither text nor note (nothing to keep). Raises RecordError for a row without a book
    or whose book or id cannot be read. A date that does not parse is left out (``Annotation.bad_dates``),
    and text that is not UTF-8 read with U+FFFD (``Annotation.garbled``), not errors."""
    (row, asset, selected, note, location, style, range_start, created, modified, uuid, chapter,
     deleted) = values
    asset_id = (_text(asset, "ZANNOTATIONASSETID") or "").strip()
    if not asset_id:
        raise RecordError("no ZANNOTATIONASSETID: the book it belongs to is unknown")
    garbled: list[str] = []
    text = _lenient(selected, "ZANNOTATIONSELECTEDTEXT", garbled) or ""
    note_text = _lenient(note, "ZANNOTATIONNOTE", garbled)
    if not text.strip() and not (note_text or "").strip():
        return None
    bad = []
    dates = []
    for name, column, value in (("highlighted_at", "ZANNOTATIONCREATIONDATE", created),
                                ("updated_at", "ZANNOTATIONMODIFICATIONDATE", modified)):
        try:
            dates.append(core_data_time(value))
        except ValueError as err:
            dates.append(None)
            bad.append((name, f"{column} {err}"))
    return Annotation(
        row=row, asset=asset_id, text=text.strip(), note=(note_text or "").strip() or None,
        location=_stripped(_lenient(location, "ZANNOTATIONLOCATION", garbled)),
        chapter=_stripped(_lenient(chapter, CHAPTER_COLUMN, garbled)),
        colour=COLOURS.get(style) if type(style) is int else None,
        created=dates[0], modified=dates[1],
        uuid=_stripped(_text(uuid, "ZANNOTATIONUUID")),
        range_start=range_start if type(range_start) is int else None, deleted=deleted == 1,
        bad_dates=tuple(bad), garbled=tuple(garbled))


def core_data_time(value: object) -> datetime | None:
    """A Core Data timestamp (seconds since 2001-01-01 UTC, a REAL) as an aware datetime;
    None for NULL. Raises ValueError for a value that is no finite number in range."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        try:  # a number SQLite kept as text: '728625901.5'
            value = float(value)
        except ValueError:
            raise ValueError(f"not a number: {value[:40]!r}") from None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    try:
        return CORE_DATA_EPOCH + timedelta(seconds=value)
    except OverflowError:
        raise ValueError(f"out of range: {value!r}") from None


def _text(value: object, column: str) -> str | None:
    try:
        return text_of(value)
    except ValueError as err:
        raise RecordError(f"{column}: {err}") from None


def _lenient(value: object, column: str, garbled: list[str]) -> str | None:
    # Text that is not UTF-8 read with U+FFFD, its column noted: a passage shown damaged
    # beats one lost.
    try:
        return text_of(value)
    except ValueError:
        garbled.append(column)
        return lenient_text_of(value)


def _stripped(text: str | None) -> str | None:
    return (text or "").strip() or None
