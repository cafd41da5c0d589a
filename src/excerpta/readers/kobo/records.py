"""One ``Bookmark`` row of a Kobo database as a highlight, or the reason it is none.

A row's ``Type`` says what it is: ``highlight``, ``note`` (a highlight with an
``Annotation``), ``dogear`` (a page bookmark: no text) or ``markup`` (a stylus drawing, kept
as an image the model cannot hold). Firmware before ``Type`` existed wrote a dogear as a row
without ``Text``. Highlights and notes are read; dogears and markups are left out (counted,
not reported: they are what the device holds, not damage). A row of a type excerpta does not
know that has text is read as a highlight and reported (read in part); a highlight or note
with neither text nor annotation is reported and skipped.

``Hidden = 'true'`` marks a highlight deleted on the device (the firmware keeps the row to
sync the deletion): it is read as a deleted highlight (``is_deleted``), so a library that
holds it marks it deleted too (its Anki card tagged, its Obsidian line struck through).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from excerpta.identity import source_id
from excerpta.model import Highlight, LocationType
from excerpta.readers.kobo.text import (
    ValueProblem,
    as_int,
    as_progress,
    as_text,
    as_timestamp,
    is_true,
    is_utf8,
)
from excerpta.readers.sqlite_damage import Skipped

NAMESPACE = "kobo"
READ_TYPES = frozenset({"highlight", "note"})
LEFT_OUT_TYPES = frozenset({"dogear", "markup"})
# Bookmark.Color on colour devices (Kobo Libra Colour, Clara Colour): the firmware's four
# highlighter colours in the order its menu shows them. The reference lists the mapping as not
# verified against a real device; an index outside it is kept as its number.
COLORS = {0: "yellow", 1: "pink", 2: "blue", 3: "green"}
_EARLIEST = datetime.min.replace(tzinfo=UTC)
# The Bookmark columns read, in BookmarkRow's order (then rowid): those every firmware has, and
# those only some have (probed, NULL where missing: see database.Columns).
BOOKMARK_REQUIRED = ("BookmarkID", "VolumeID", "ContentID", "Text", "Annotation", "DateCreated")
BOOKMARK_OPTIONAL = ("ChapterProgress", "Hidden", "Type", "Color", "DateModified")


class BookmarkRow(NamedTuple):
    """A Bookmark row as SQLite gives it (text as bytes), and its rowid."""

    bookmark_id: object
    volume_id: object
    content_id: object
    text: object
    annotation: object
    date_created: object
    chapter_progress: object
    hidden: object
    type: object
    color: object
    date_modified: object
    rowid: int

    def where(self) -> str:
        """How a problem names the row: ``Bookmark <BookmarkID>``, else its rowid."""
        ident = (as_text(self.bookmark_id) or "").strip()
        return f"Bookmark {ident}" if ident else f"Bookmark rowid {self.rowid}"


@dataclass
class Parsed:
    """A row read as a highlight (its ``location`` and ``chapter`` set once its book is in
    order), with what orders it in its book and the problems of fields it was read without."""

    highlight: Highlight
    content_id: str
    progress: float | None
    created: datetime | None
    rowid: int
    problems: list[str]
    left_out: set[str]
    chapter: str | None = None
    volume_index: int | None = None  # its chapter's place in the book

    def order_key(self) -> tuple[object, ...]:
        """Reading order: chapter (``VolumeIndex``), ``ChapterProgress``, ``DateCreated``;
        what is unknown after what is known, then the row's order in the table."""
        return (self.volume_index is None, self.volume_index or 0,
                self.progress is None, self.progress or 0.0,
                self.created is None, self.created or _EARLIEST, self.rowid)


def parse_row(row: BookmarkRow, has_color: bool) -> Parsed:
    """The highlight of ``row``; raises Skipped for a row that is none (see the module
    docstring). A date or progress that does not parse leaves the highlight without it,
    named in ``problems`` (and ``left_out`` for the library)."""
    ident = (as_text(row.bookmark_id) or "").strip()
    if not ident:
        raise Skipped("no BookmarkID", reported=True)
    # NUL bytes in a value are a page of it lost (a zeroed overflow page SQLite reads without
    # an error), never what the device wrote: the row is damaged, and the library keeps its copy.
    if any("\x00" in (as_text(value) or "") for value in (row.text, row.annotation, row.type)):
        raise Skipped("damaged (NUL bytes where its text was: a page of the database lost)",
                      reported=True, damaged=True)
    kind = (as_text(row.type) or "").strip().casefold()
    text = (as_text(row.text) or "").strip()
    note = (as_text(row.annotation) or "").strip() or None
    problems: list[str] = []
    if kind in LEFT_OUT_TYPES or (not kind and not text):
        raise Skipped(kind or "dogear", reported=False)
    if not text and not note:
        if is_true(row.hidden):  # deleted, and nothing to delete in a library
            raise Skipped("empty deleted row", reported=False)
        raise Skipped(f"a {kind or 'highlight'} without text or annotation", reported=True)
    if kind and kind not in READ_TYPES:
        problems.append(f"Type {kind!r} is not one excerpta knows (highlight, note): read as a highlight")
    for column, value in (("Text", row.text), ("Annotation", row.annotation)):
        if not is_utf8(value):
            problems.append(f"{column} is not valid UTF-8: read with U+FFFD for the bad bytes")
    left_out: set[str] = set()
    created = _date(row.date_created, "DateCreated", "highlighted_at", problems, left_out)
    updated = _date(row.date_modified, "DateModified", "updated_at", problems, left_out)
    try:
        progress = as_progress(row.chapter_progress)
    except ValueProblem as err:
        progress = None
        problems.append(f"{err}: placed after the other highlights of its chapter")
    highlight = Highlight(
        id=source_id(NAMESPACE, ident),
        text=text,
        note=note,
        location_type=LocationType.ORDER,
        color=_color(row.color) if has_color else None,
        highlighted_at=created,
        updated_at=updated,
        is_deleted=is_true(row.hidden),
        external_ids={NAMESPACE: ident},
    )
    return Parsed(highlight, as_text(row.content_id) or "", progress, created, row.rowid, problems, left_out)


def _date(value: object, column: str, field_name: str, problems: list[str],
          left_out: set[str]) -> datetime | None:
    try:
        return as_timestamp(value, column)
    except ValueProblem as err:
        problems.append(f"{err}: read without it")
        left_out.add(field_name)
        return None


def _color(value: object) -> str | None:
    index = as_int(value)
    if index is None:
        return None
    return COLORS.get(index, str(index))
