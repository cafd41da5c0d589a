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
* a highlight of the same book, kind and start position whose text contains an earlier one's
  text (or is contained in it) replaces it: the later record (by its time when both have one,
  else by its place in the file) wins, and takes its notes and the id of the first in the file
  (so an Anki card or an Obsidian block link made from the first copy follows the edit);
  exact duplicates (and bookmarks at one position) collapse the same way;
* bookmarks are dropped unless asked for; a highlight whose text was only the clipping-limit
  marker is dropped unless a note attaches to it.

To keep memory flat on a 100 MB file, these rules look :data:`LOOKAROUND` records either side of
a record rather than at the whole book: a note is decided once that many later records are known,
and a record leaves the window (is emitted) twice that many records after it arrived. Notes and
re-saves are made within seconds of their highlight, so in a real file they are neighbours. A
copy re-saved later than that (the passage extended on another day) still takes the id of the
first, whose start and text the window remembers for the last :data:`REMEMBERED` highlights
that left it: the library then updates that highlight in place instead of adding a second.
A note typed later than that (on re-reading the book) and claimed by no highlight in the window
looks for one among those that left it, in bounded memory (see :mod:`.far_notes`). The note is
then in :attr:`ClippingWindow.far`, for the reader to yield that highlight again with it (see
:mod:`.documents`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from excerpta.model import Document, LocationType
from excerpta.readers.kindle.far_notes import LeftHighlights
from excerpta.readers.kindle.locales import ClippingKind
from excerpta.readers.kindle.metadata import Position

LOOKAROUND = 64
REMEMBERED = 4096  # at most, highlights that left the window and are remembered (a few MB)
_NOTE, _HIGHLIGHT = ClippingKind.NOTE, ClippingKind.HIGHLIGHT
_StartKey = tuple[str, ClippingKind, LocationType | None, Position | None]  # book, kind, position
NoteEntry = tuple[int, str, datetime | None]  # a note's record number, text and time


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
    # The text the highlight's id derives from when it is not ``text``: that of the first copy
    # a re-saved (extended, shortened) copy replaced, so the highlight keeps its id.
    id_text: str | None = None
    by_shape: bool = False  # an unknown wording: kind told by its shape (see metadata.py)
    page: Position | None = None  # the printed page, when a location is also given
    notes: list[tuple[int, str, datetime | None]] = field(default_factory=list)
    dropped: bool = False  # superseded highlight, or attached note
    replaced_by: Clipping | None = None  # the later copy that superseded it


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
        # Indexes of the buffer, so each rule looks only at records it can apply to.
        self.by_start: dict[_StartKey, list[Clipping]] = {}
        self.highlights_by_book: dict[str, list[Clipping]] = {}
        # Highlights that left the window, by start, in two generations of REMEMBERED / 2: a
        # full one is the older, the older is forgotten (cheaper per record than an LRU).
        # Each: the text its id derives from, and its text.
        self.left: dict[_StartKey, tuple[str, str]] = {}
        self.left_before: dict[_StartKey, tuple[str, str]] = {}

    def push(self, clipping: Clipping) -> list[Clipping]:
        """Add the next record; returns the records that are now final (most often none or one)."""
        kind = clipping.kind
        if kind is _NOTE:
            self.undecided.append(clipping)
        else:
            key = (clipping.book.id, kind, clipping.location_type, clipping.start)
            same_start = self.by_start.get(key)
            if same_start is None:
                self.by_start[key] = [clipping]
                replaced = False
            else:
                replaced = _replace_earlier_copy(same_start, clipping)
                same_start.append(clipping)
            if not replaced and kind is _HIGHLIGHT and clipping.text:
                earlier = self.left.get(key) or self.left_before.get(key)
                if earlier is not None and _same_passage(earlier[1], clipping.text):
                    clipping.id_text = earlier[0]
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

    def _leave(self) -> Clipping:
        clipping = self.buffer.popleft()
        kind = clipping.kind
        if kind is not _NOTE:
            book_id = clipping.book.id
            key = (book_id, kind, clipping.location_type, clipping.start)
            _discard(self.by_start, key, clipping)
            if kind is _HIGHLIGHT and not clipping.dropped and clipping.text:
                self.left[key] = (clipping.text if clipping.id_text is None else clipping.id_text,
                                  clipping.text)
                if len(self.left) >= REMEMBERED // 2:
                    self.left_before, self.left = self.left, {}
            if kind is _HIGHLIGHT:
                _discard(self.highlights_by_book, book_id, clipping)
                if self.look_far and not clipping.dropped:
                    self.left_highlights.place((book_id, clipping.location_type), clipping.start,
                                               clipping.end, clipping.index)
        return clipping

    def _attach_far(self, note: Clipping) -> None:
        best = self.left_highlights.claimant((note.book.id, note.location_type), note.start)
        if best >= 0:
            self.far.setdefault(best, []).append((note.index, note.text, note.when))
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
            best.notes.append((note.index, note.text, note.when))
            best.notes.sort(key=lambda item: item[0])
            note.dropped = True
        elif self.look_far:
            self._attach_far(note)


def _replace_earlier_copy(same_start: list[Clipping], new: Clipping) -> bool:
    # ``same_start``: the records of ``new``'s book, kind and start position still in the window.
    # True if ``new`` replaced one of them (or was itself dropped as an empty later copy).
    replaced = False
    for old in same_start:
        if not old.dropped and _same_passage(old.text, new.text):
            if (new.text or not old.text) and not _earlier(new.when, old.when):
                old.dropped, old.replaced_by = True, new
                new.notes[:0] = old.notes
                new.id_text = old.text if old.id_text is None else old.id_text
                replaced = True
            else:  # a later empty copy (image, clipping limit), or one older by its time, never replaces
                new.dropped, new.replaced_by = True, old
                old.notes.extend(new.notes)
                return True
    return replaced


def _earlier(first: datetime | None, second: datetime | None) -> bool:
    # Whether ``first`` is known to come before ``second`` (a file whose records were reordered).
    if first is None or second is None:
        return False
    try:
        return first < second
    except TypeError:  # one names its zone, the other is device-local: compare wall clocks
        return first.replace(tzinfo=None) < second.replace(tzinfo=None)


def _discard(index: dict[Any, list[Clipping]], key: Any, clipping: Clipping) -> None:
    entries = index[key]
    if len(entries) == 1:  # the usual case: ``clipping`` was alone there
        del index[key]
    else:
        entries.remove(clipping)


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


def _same_passage(old: str, new: str) -> bool:
    # An extended selection may lose the closing punctuation of the first one.
    old_core, new_core = old.rstrip(_TRAILING), new.rstrip(_TRAILING)
    return old_core in new or new_core in old


_TRAILING = " \t\n.,;:!?…\"'”’»)"
