"""A clippings record as the note window holds it: :class:`Clipping`, parsed and placed in its
book, with what the window's rules decided of it so far.

:mod:`.clippings` makes them; the note window (:mod:`.assembly`, with :mod:`.resaved`'s rules)
attaches notes, replaces copies and marks what it dropped, changing them in place; and
:mod:`.documents` makes highlights of those that leave the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from excerpta.model import Document, LocationType
from excerpta.readers.kindle.locales import ClippingKind
from excerpta.readers.kindle.metadata import Position

IdSource = tuple[str, Position | None]  # the text and start position a highlight's id derives from
NoteEntry = tuple[int, str, datetime | None, Position | None]  # record number, text, time, location
# Where the window indexes a record: book, kind, location type, and a bucket of its range.
PlaceKey = tuple[str, ClippingKind, LocationType | None, object]


@dataclass(slots=True)
class Clipping:
    """One parsed record, placed in its book. ``start``/``end`` count ``location_type`` units."""

    index: int
    book: Document  # its document, without highlights
    kind: ClippingKind
    location_type: LocationType | None
    start: Position | None
    end: Position | None
    when: datetime | None
    text: str
    limit_only: bool = False  # the body was only the clipping-limit marker
    # What the highlight's id derives from when it is not ``text`` and ``start``: those of the
    # first copy a re-saved (extended, shortened) copy replaced, so the highlight keeps its id.
    id_from: IdSource | None = None
    by_shape: bool = False  # an unknown wording: kind told by its shape (see metadata.py)
    page: Position | None = None  # the printed page, when a location is also given
    notes: list[NoteEntry] = field(default_factory=list)
    dropped: bool = False  # superseded highlight, or attached note
    replaced_by: Clipping | None = None  # the later copy that superseded it
    resaved_at: datetime | None = None  # the time of a later copy it outlived (an empty one)
    # Its key in the window's index (not a note's), or its keys when its range spans buckets.
    place: PlaceKey | list[PlaceKey] | None = None
