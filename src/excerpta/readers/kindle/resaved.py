"""Re-saved copies within one clippings file: where the note window looks for the earlier copy of
a highlight, which copy wins, and which version of a note no highlight claims is kept (the rules
are in :mod:`.assembly`'s docstring; the library applies the same across files, see
:mod:`excerpta.store.resaves`).
"""

from __future__ import annotations

from datetime import datetime

from excerpta.identity import ranges_overlap, same_passage
from excerpta.model import LocationType
from excerpta.readers.kindle.metadata import Position
from excerpta.readers.kindle.window_records import Clipping, IdSource, PlaceKey

# Copies are found by range through buckets of this many locations: a record is listed under
# each bucket its range touches (most often one), at most _MAX_BUCKETS of them.
BUCKET = 64
_MAX_BUCKETS = 32


def id_source(clipping: Clipping) -> IdSource:
    """The text and start position ``clipping``'s id derives from."""
    return (clipping.text, clipping.start) if clipping.id_from is None else clipping.id_from


def places(clipping: Clipping) -> tuple[PlaceKey, ...]:
    """The window's index keys of ``clipping``'s range: one per bucket it touches."""
    start, end = clipping.start, clipping.end
    if type(start) is not int:
        return ((clipping.book.id, clipping.kind, clipping.location_type, start),)
    first = start // BUCKET
    if type(end) is not int or end // BUCKET == first:
        return ((clipping.book.id, clipping.kind, clipping.location_type, first),)
    last = min(end // BUCKET, first + _MAX_BUCKETS - 1)
    head = (clipping.book.id, clipping.kind, clipping.location_type)
    return tuple((*head, bucket) for bucket in range(first, last + 1))


def replace_earlier_copy(near: list[Clipping], new: Clipping) -> bool:
    """Apply the re-save rule to ``new`` and ``near``, the records of its book and kind near its
    range still in the window, in file order: True if ``new`` replaced one of them (or was
    itself dropped, as an empty or older copy)."""
    replaced = False
    for old in near:
        if (not old.dropped and ranges_overlap(old.start, old.end, new.start, new.end)
                and same_passage(old.text, new.text)):
            if (new.text or not old.text) and not earlier(new.when, old.when):
                old.dropped, old.replaced_by = True, new
                new.notes[:0] = old.notes
                if not replaced:  # one copy joining two highlights keeps the first one's id
                    new.id_from = id_source(old)
                replaced = True
            else:  # a later empty copy (image, clipping limit), or one older by its time, never replaces
                new.dropped, new.replaced_by = True, old
                old.notes.extend(new.notes)
                if new.when is not None and (old.resaved_at is None or earlier(old.resaved_at, new.when)):
                    old.resaved_at = new.when
                return True
    return replaced


class LoneNotes:
    """The notes no highlight claims still in the window, by book and location, where an edit
    of one finds it (the rule of :meth:`keep`)."""

    def __init__(self) -> None:
        self.by_place: dict[tuple[str, LocationType | None, Position | None], Clipping] = {}

    def keep(self, note: Clipping) -> None:
        """Keep ``note`` alone, or drop it as one version of the earlier note at its place.

        Of two versions, the one of the later time is the text, kept in the first (its place,
        its id and its time; the edit's time is ``resaved_at``). Notes of one time (or of no
        time) are distinct, typed one after the other; an empty one edits nothing."""
        place = (note.book.id, note.location_type, note.start)
        first = self.by_place.setdefault(place, note)
        if first is note:
            return
        content_time = first.when if first.resaved_at is None else first.resaved_at
        if not note.text or not first.text or not (
                earlier(content_time, note.when) or earlier(note.when, content_time)):
            self.by_place[place] = note  # another note: the next version edits this one
            return
        if earlier(content_time, note.when):
            if first.id_from is None:
                first.id_from = id_source(first)  # the text changes, the id stays
            first.text, first.resaved_at = note.text, note.when
        note.dropped, note.replaced_by = True, first

    def leave(self, note: Clipping) -> None:
        """Forget ``note``: it left the window."""
        place = (note.book.id, note.location_type, note.start)
        if self.by_place.get(place) is note:
            del self.by_place[place]


def earlier(first: datetime | None, second: datetime | None) -> bool:
    """Whether ``first`` is known to come before ``second`` (False if either is unknown)."""
    if first is None or second is None:
        return False
    try:
        return first < second
    except TypeError:  # one names its zone, the other is device-local: compare wall clocks
        return first.replace(tzinfo=None) < second.replace(tzinfo=None)
