"""From clippings records to highlights: note attachment, re-saved highlights, duplicates.

``My Clippings.txt`` is an append-only log with no ids linking a note to its highlight, and a
highlight extended or re-saved on the device is appended again. The rules (reference §1.6-1.7):

* a note attaches to a highlight of the same book whose range contains the note's location,
  preferring the highlight that *ends* there, then the nearest in time, then the nearest in the
  file; a note written before its highlight attaches too (the Kindle does that for a note
  typed with its highlight: the records are neighbours, with one time; a note written earlier
  than the window reaches stays alone); a note nothing claims is kept as a highlight of its
  own (empty ``text``, the note in ``note``; the reader makes it a highlight if its kind was
  only told by its shape);
* a highlight of the same book and kind whose range overlaps an earlier one's and whose text
  contains that one's text (or is contained in it, :func:`excerpta.identity.same_passage`: the
  rule the library applies across files, see :mod:`excerpta.store.resaves`) replaces it: the
  selection extended or shortened at either end and re-saved. The later record (by its time when
  both have one, else by its place in the file) wins, and takes its notes and the id of the
  first in the file (so an Anki card or an Obsidian block link made from the first copy follows
  the edit); exact duplicates (and bookmarks at one position) collapse the same way;
* a note edited on the device is appended again at its location, later: of the notes of one
  highlight at one location, one of a later time replaces the earlier (notes of one time are
  distinct: typed one after the other), see :mod:`.documents`; so of a book's notes kept alone
  at one location (not a page: a PDF's notes share it), see :class:`.resaved.LoneNotes`;
* bookmarks are dropped unless asked for; a highlight whose text was only the clipping-limit
  marker is dropped unless a note attaches to it, and so is a note of no text kept alone.

To keep memory flat on a 100 MB file, these rules look :data:`LOOKAROUND` records either side of
a record rather than at the whole book: a note is decided once that many later records are known,
and a record leaves the window (is emitted) twice that many records after it arrived. Notes and
re-saves are made within seconds of their highlight, so in a real file they are neighbours. A
copy re-saved later than that (the passage extended on another day) still takes the id of the
first, whose range and text the window remembers for the last :data:`REMEMBERED` highlights
that left it: the library then updates that highlight in place instead of adding a second.
A note typed later than that (on re-reading the book) and claimed by no highlight in the window
looks for one among those that left it, in bounded memory (see :mod:`.far_notes`). The note is
then in :attr:`ClippingWindow.far`, for the reader to yield that highlight again with it (see
:mod:`.documents`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from excerpta.identity import ranges_overlap, same_passage
from excerpta.model import LocationType
from excerpta.readers.kindle.far_notes import LeftHighlights
from excerpta.readers.kindle.locales import ClippingKind
from excerpta.readers.kindle.metadata import Position
from excerpta.readers.kindle.resaved import BUCKET, LoneNotes, id_source, places, replace_earlier_copy
from excerpta.readers.kindle.window_records import Clipping, NoteEntry, PlaceKey

LOOKAROUND = 64
REMEMBERED = 4096  # at most, highlights that left the window and are remembered (a few MB)
_GENERATION = REMEMBERED // 2
_PER_PLACE = 8  # highlights remembered per bucket (a book's, near one another: the latest)
_NOTE, _HIGHLIGHT = ClippingKind.NOTE, ClippingKind.HIGHLIGHT


# The highlights that left the window at one place, each (start, end, id text, id start, text):
# tuples of strings and numbers only, which the garbage collector stops tracking.
_Left = tuple[tuple[Position | None, Position | None, str, Position | None, str], ...]


class ClippingWindow:
    """Applies the attachment and replacement rules over a sliding window of records.

    ``push`` records in file order and iterate what ``push`` and ``finish`` return: the
    clippings that left the window, in file order, still carrying ``dropped`` flags.
    """

    def __init__(self, lookaround: int = LOOKAROUND, *, look_far: bool = True) -> None:
        self.lookaround = lookaround
        self.look_far = look_far
        self.left_highlights = LeftHighlights()  # what a far note looks among
        # The notes claimed by a highlight that had left the window, by its record number.
        self.far: dict[int, list[NoteEntry]] = {}
        self.buffer: deque[Clipping] = deque()
        self.undecided: deque[Clipping] = deque()  # notes not yet attached or kept alone
        self.lone = LoneNotes()
        # Indexes of the buffer, so each rule looks only at records it can apply to.
        self.by_place: dict[PlaceKey, list[Clipping]] = {}
        self.highlights_by_book: dict[str, list[Clipping]] = {}
        # Highlights that left the window, by place, in two generations of REMEMBERED / 2: a
        # full one is the older, the older is forgotten (cheaper per record than an LRU).
        self.left: dict[PlaceKey, _Left] = {}
        self.left_before: dict[PlaceKey, _Left] = {}
        self.left_count = 0

    def push(self, clipping: Clipping) -> list[Clipping]:
        """Add the next record; returns the records that are now final (most often none or one)."""
        kind = clipping.kind
        if kind is _NOTE:
            self.undecided.append(clipping)
        else:
            start, end = clipping.start, clipping.end
            by_place = self.by_place
            if type(start) is int and type(end) is int and (bucket := start // BUCKET) == end // BUCKET:
                # The usual case, inline: a range within one bucket (places() for one key). The
                # fast paths of push and _leave are written out on purpose, for speed: they run
                # per record (see benchmarks/kindle_clippings.py); keep them in step with
                # places() and _discard.
                key = clipping.place = (clipping.book.id, kind, clipping.location_type, bucket)
                near = by_place.get(key)
                if near is None:
                    by_place[key] = [clipping]
                    replaced = False
                else:
                    replaced = replace_earlier_copy(near, clipping)
                    near.append(clipping)
                if not replaced and (key in self.left or key in self.left_before) and (
                        kind is _HIGHLIGHT and clipping.text):
                    self._remember_first(clipping, (key,))
            else:
                keys = places(clipping)
                clipping.place = keys[0] if len(keys) == 1 else list(keys)
                near = sorted({id(c): c for key in keys for c in by_place.get(key, ())}.values(),
                              key=lambda c: c.index)
                replaced = bool(near) and replace_earlier_copy(near, clipping)
                for key in keys:
                    by_place.setdefault(key, []).append(clipping)
                if not replaced and kind is _HIGHLIGHT and clipping.text:
                    self._remember_first(clipping, keys)
            if kind is _HIGHLIGHT:
                book = self.highlights_by_book.get(clipping.book.id)
                if book is None:
                    self.highlights_by_book[clipping.book.id] = [clipping]
                else:
                    book.append(clipping)
        buffer = self.buffer
        buffer.append(clipping)
        undecided = self.undecided
        decide_at = clipping.index - self.lookaround
        while undecided and undecided[0].index <= decide_at:
            self._attach(undecided.popleft())
        emit_before = clipping.index - 2 * self.lookaround
        if not buffer or buffer[0].index > emit_before:
            return []
        final = []
        while buffer and buffer[0].index <= emit_before:
            final.append(self._leave())
        return final

    def finish(self) -> list[Clipping]:
        """Decide the notes still open; returns every remaining record."""
        while self.undecided:
            self._attach(self.undecided.popleft())
        final = []
        while self.buffer:
            final.append(self._leave())
        return final

    def _remember_first(self, clipping: Clipping, keys: Iterable[PlaceKey]) -> None:
        # A copy re-saved after the first left the window takes its id (the latest first).
        start, end, text = clipping.start, clipping.end, clipping.text
        for generation in (self.left, self.left_before):
            for key in keys:
                for left in reversed(generation.get(key, ())):
                    if ranges_overlap(left[0], left[1], start, end) and same_passage(left[4], text):
                        clipping.id_from = (left[2], left[3])
                        return

    def _leave(self) -> Clipping:
        clipping = self.buffer.popleft()
        kind = clipping.kind
        if kind is _NOTE and self.lone.by_place:
            self.lone.leave(clipping)
        elif kind is not _NOTE:
            book_id = clipping.book.id
            place, by_place = clipping.place, self.by_place
            if type(place) is list:
                keys = place
                for key in keys:
                    _discard(by_place, key, clipping)
            else:  # the usual case, inline (_discard's fast path, for speed)
                keys = (place,)
                entries = by_place[place]
                if len(entries) == 1:
                    del by_place[place]
                elif entries[0] is clipping:
                    del entries[0]
                else:
                    _discard(by_place, place, clipping)
            if kind is _HIGHLIGHT and not clipping.dropped and clipping.text:
                remember = self.left
                id_text, id_start = id_source(clipping)
                left = ((clipping.start, clipping.end, id_text, id_start, clipping.text),)
                for key in keys:
                    remembered = remember.get(key)
                    remember[key] = left if remembered is None else (remembered + left)[-_PER_PLACE:]
                self.left_count = count = self.left_count + 1
                if count >= _GENERATION:
                    self.left_before, self.left, self.left_count = self.left, {}, 0
            if kind is _HIGHLIGHT:
                by_book = self.highlights_by_book
                entries = by_book[book_id]
                if entries[0] is clipping and len(entries) > 1:  # the usual case, inline (as above)
                    del entries[0]
                else:
                    _discard(by_book, book_id, clipping)
                if self.look_far and not clipping.dropped:
                    self.left_highlights.place((book_id, clipping.location_type), clipping.start,
                                               clipping.end, clipping.index)
        return clipping

    def _attach_far(self, note: Clipping) -> None:
        best = self.left_highlights.claimant((note.book.id, note.location_type), note.start)
        if best >= 0:
            self.far.setdefault(best, []).append((note.index, note.text, note.when, note.start))
            note.dropped = True

    def _attach(self, note: Clipping) -> None:
        if note.start is None:
            return
        best: Clipping | None = None
        best_score: tuple[bool, float, int] | None = None
        for highlight in self.highlights_by_book.get(note.book.id, ()):
            if (highlight.location_type != note.location_type
                    or not _contains(highlight.start, highlight.end, note.start)):
                continue
            # A note typed for a copy since re-saved goes to the copy that replaced it, even
            # one shortened past the note's location.
            target = highlight
            while target.dropped and target.replaced_by is not None:
                target = target.replaced_by
            if target.dropped:
                continue
            score = (highlight.end != note.start, _seconds_apart(highlight.when, note.when),
                     abs(highlight.index - note.index))
            if best_score is None or score < best_score:
                best, best_score = target, score
        if best is not None:
            best.notes.append((note.index, note.text, note.when, note.start))
            best.notes.sort(key=lambda item: item[0])
            note.dropped = True
            return
        if self.look_far:
            self._attach_far(note)
        # Kept alone: it may be an edit (not by its shape: perhaps a highlight).
        if not (note.dropped or note.by_shape or note.location_type is LocationType.PAGE):
            self.lone.keep(note)


def _discard(index: dict[Any, list[Clipping]], key: Any, clipping: Clipping) -> None:
    # Records leave in the order they came, so ``clipping`` is most often the first of its
    # entries (or alone); else it is found by identity.
    entries = index[key]
    if len(entries) == 1:  # the usual case: ``clipping`` was alone there
        del index[key]
    elif entries[0] is clipping:
        del entries[0]
    else:  # by identity: a Clipping compares equal by value, slowly
        del entries[next(n for n, entry in enumerate(entries) if entry is clipping)]


def _contains(start: Position | None, end: Position | None, point: Position) -> bool:
    if isinstance(start, int) and isinstance(end, int) and isinstance(point, int):
        return start <= point <= end
    return point in (start, end)


def _seconds_apart(first: datetime | None, second: datetime | None) -> float:
    if first is None or second is None:
        return float("inf")
    try:
        return abs((first - second).total_seconds())
    except TypeError:  # one names its zone, the other is device-local: compare wall clocks
        return abs((first.replace(tzinfo=None) - second.replace(tzinfo=None)).total_seconds())

