"""Where a note typed long after its highlight finds it: the highlights that left the note window.

The note window (:mod:`.assembly`) attaches a note to a highlight among its neighbours. A note
typed later than that (on re-reading the book) and claimed by no neighbour looks here, among
the highlights that left the window, by the window's rule: a highlight of its book whose range
holds the note's location, preferring the one that *ends* there (where the Kindle puts a
note), then the last in the file (a log: the nearest in time, as far as we know without
keeping times).

Memory and time stay bounded however long the file: per book, each end keeps the record number
and start of the last highlight ending there, for the last :data:`FAR_REMEMBERED` highlights
(past that, the older half of each book's go). A note inside a range looks up the
:data:`FAR_REACH` ends after its location, one dict lookup each: a highlight runs over a few
locations (at most 10 in the real files), so one that holds the note ends that close.
"""

from __future__ import annotations

from excerpta.model import LocationType

FAR_REMEMBERED = 1 << 14  # at most, highlight ends a far note can find (about 250 bytes each)
FAR_REACH = 32  # positions after a far note's location where the highlight holding it may end
BookKey = tuple[str, LocationType | None]  # book, and what its positions count


class LeftHighlights:
    """The highlights that left the note window, as far as a far note needs them.

    Positions are ints: a page written in roman numerals is not remembered.
    """

    def __init__(self) -> None:
        # Per book: end -> record number of the last highlight ending there (oldest first), and
        # end -> its start. Two dicts of ints, not one of tuples: a tuple per highlight would
        # make the garbage collector run three times as often (0.3 µs a record).
        self.books: dict[BookKey, tuple[dict[int, int], dict[int, object]]] = {}
        self.count = 0

    def place(self, book: BookKey, start: object, end: object, index: int) -> None:
        """Remember that highlight number ``index`` of ``book`` spans ``start``-``end``."""
        if type(end) is not int:  # positions have at most 9 digits
            return
        known = self.books.get(book)
        if known is None:
            known = self.books[book] = ({}, {})
        ends, starts = known
        if ends.pop(end, None) is None:
            self.count += 1
        ends[end] = index  # last: the newest
        starts[end] = start
        if self.count > FAR_REMEMBERED:
            self._forget_older_half()

    def claimant(self, book: BookKey, location: object) -> int:
        """The record number of the highlight of ``book`` a note at ``location`` attaches to, or
        -1: the one ending there, else the last in the file of those whose range holds it and
        ends at most :data:`FAR_REACH` positions after it. At most that many dict lookups: a
        file of many notes nothing claims stays linear."""
        known = self.books.get(book)
        if known is None or type(location) is not int:
            return -1
        ends, starts = known
        best = ends.get(location, -1)
        if best >= 0:
            return best
        # filter() with the dict's own __contains__ runs in C: most notes that reach here
        # (nothing ends at them) meet no end at all, and the Python loop was 3% of the reader.
        for end in filter(ends.__contains__, range(location + 1, location + FAR_REACH + 1)):
            index = ends[end]
            if index > best and type(start := starts[end]) is int and start <= location:
                best = index
        return best

    def _forget_older_half(self) -> None:
        # Each book's entries are in file order: its older half goes (one entry: it goes). A far
        # note still finds each book's newer half, and the work stays linear in the file.
        kept = 0
        for book, (ends, starts) in list(self.books.items()):
            keep = len(ends) // 2
            if keep:
                newer = dict(list(ends.items())[-keep:])
                self.books[book] = (newer, {end: starts[end] for end in newer})
                kept += keep
            else:
                del self.books[book]
        self.count = kept
