"""Where a highlight's note may sit when only where the highlight starts is sure: from its start
up to the next highlight's start (at that start too: two highlights may start in one location,
and a note follows the one it is on), as the notebook export's reader attaches a note
(:mod:`excerpta.readers.kindle.notebook_html`).

The Kindle's two sources place some notes apart: ``My Clippings.txt`` knows where a highlight
ends and keeps a note past that end alone, while the notebook export, which shows only starts,
reckons the end by the text's script and attaches a note within that reach (or, over dense
markup, keeps alone a note the clippings attach at the end). :class:`~.resaves.ResavedCopies`
takes a lone note of one input whose text a highlight's note from another holds, in that
highlight's window (:meth:`NoteWindows.owners`), for that note given twice, not a second one.

Only where one of the two is the notebook's (:func:`_timeless`): the export gives no times, a
clipping gives each note its own. Two notes of one text that the clippings alone give (typed
twice: "important" on a highlight and again past its end) are both kept, in one file or in
two files read on different days.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from excerpta.identity import normalize_text
from excerpta.model import Highlight, LocationType
from excerpta.store.copies import holds
from excerpta.store.positions import Positions


class NoteWindows:
    """The note windows of the location-numbered highlights of one book: those the library
    holds (their starts ``stored``, sorted) and the ``incoming`` ones, with text, not deleted."""

    def __init__(self, stored: list[int], incoming: Iterable[Highlight]) -> None:
        self._starts = (stored, sorted({h.location for h in incoming  # type: ignore[type-var]
                                        if numbered(h) and not h.is_deleted and normalize_text(h.text)}))

    def end(self, start: int) -> int | None:
        """The last location a note of the highlight starting at ``start`` may sit at: the next
        highlight's start; None when none follows."""
        ends = [starts[at] for starts in self._starts if (at := bisect_right(starts, start)) < len(starts)]
        return min(ends, default=None)

    def owners(self, point: int) -> list[int]:
        """The starts of the highlights whose window holds location ``point``: the last start
        at or before it, and the one before that when ``point`` is itself a start."""
        last = self._last(point, bisect_right)
        if last is None or last != point:
            return [] if last is None else [last]
        before = self._last(point, bisect_left)
        return [last] if before is None else [last, before]

    def _last(self, point: int, bound: Callable[[list[int], int], int]) -> int | None:
        found = [starts[at - 1] for starts in self._starts if (at := bound(starts, point))]
        return max(found, default=None)


def numbered(highlight: Highlight) -> bool:
    """Whether ``highlight`` is placed by a Kindle location number, the only places windows
    are reckoned in (a page holds every note typed on it: those are all kept)."""
    return highlight.location_type is LocationType.LOCATION and type(highlight.location) is int


def repeats_a_note(note: Highlight, windows: NoteWindows, highlights: Positions,
                   stored: Callable[[int], Highlight]) -> bool:
    """Whether the lone ``note`` of an input is the note of one of the library's
    ``highlights`` (read by rowid through ``stored``) in whose window it sits: one whose note
    holds its text (:func:`~.copies.holds`), starting where :meth:`NoteWindows.owners` says."""
    if not numbered(note) or not note.note:
        return False
    return any(start == at and holds((owner := stored(rowid)).note or "", note.note)
               and (_timeless(note) or _timeless(owner))
               for at in windows.owners(note.location)  # type: ignore[arg-type]
               for start, _, rowid in highlights.near(LocationType.LOCATION, at, at))


def repeated_notes(highlights: Iterable[Highlight], windows: NoteWindows, lone_notes: Positions,
                   taken: set[int], stored: Callable[[int], Highlight]) -> dict[int, Highlight]:
    """The library's ``lone_notes`` (read by rowid through ``stored``), of those not ``taken``,
    whose text the note of one of an input's ``highlights`` holds, in that highlight's window;
    by rowid."""
    repeated: dict[int, Highlight] = {}
    for highlight in highlights:
        if not (highlight.note and numbered(highlight) and normalize_text(highlight.text)):
            continue
        start: int = highlight.location  # type: ignore[assignment]
        end = windows.end(start)
        for _, _, rowid in lone_notes.near(LocationType.LOCATION, start, sys.maxsize if end is None else end):
            if rowid not in taken and rowid not in repeated:
                note = stored(rowid)
                if (note.note and holds(highlight.note, note.note)
                        and (_timeless(note) or _timeless(highlight))):
                    repeated[rowid] = note
    return repeated


def _timeless(copy: Highlight) -> bool:
    """Whether the note of ``copy`` (a lone note, or a highlight's) has no time of its own, as
    the notebook export gives it: a clipping dates a lone note, and a highlight whose note was
    typed after it takes that time as ``updated_at``."""
    return (copy.highlighted_at if not normalize_text(copy.text) else copy.updated_at) is None
