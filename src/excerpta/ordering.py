"""The order a document's highlights are read in, which every writer shows them in."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from typing import Any

from excerpta.model import Highlight

_CFI = re.compile(r"epubcfi\((?P<path>[^)]*)\)\s*$", re.IGNORECASE)
_CFI_ASSERTION = re.compile(r"\[(?:\^.|[^\]])*\]")  # ``[chap01]`` (``^]`` escaped): an id, not a place
_CFI_STEP = re.compile(r"[/:](\d+)")


def cfi_key(location: object) -> tuple[int, ...] | None:
    """The position an EPUB CFI (``epubcfi(/6/14[ch1]!/4/2/10/3:10)``, or a range
    ``epubcfi(/6/4!/4/2,/1:0,/1:20)``: its start) names, as numbers that sort in reading
    order; None for a location that is no CFI."""
    if not isinstance(location, str) or (match := _CFI.match(location.strip())) is None:
        return None
    path = _CFI_ASSERTION.sub("", match["path"])
    start = ",".join(path.split(",")[:2])  # a range's common parent and its start
    return tuple(int(step) for step in _CFI_STEP.findall(start))


EPUB_POSITION = "epubcfi"  # the group of highlights sorted by their EPUB CFI


def sort_group(highlight: Highlight) -> Hashable | None:
    """Which highlights ``highlight`` is sorted among (see :func:`reading_order`): those with a
    whole-number location of its location type (a Kindle location is not a page), or those
    at an EPUB CFI (:data:`EPUB_POSITION`); None for one that keeps its place."""
    if type(highlight.location) is int:
        return highlight.location_type
    return EPUB_POSITION if cfi_key(highlight.location) is not None else None


def _key(highlight: Highlight) -> tuple[Hashable, Any] | None:
    # Its group and where it sorts in it.
    if type(highlight.location) is int:
        return highlight.location_type, highlight.location
    cfi = cfi_key(highlight.location)
    return None if cfi is None else (EPUB_POSITION, cfi)


def reading_order(highlights: Sequence[Highlight]) -> Sequence[Highlight]:
    """``highlights`` in reading order, as the Readwise plugin shows them: those with a numeric
    location sorted by it among the places they hold, each location type apart, and those at
    an EPUB CFI by it; the others keep their places, and equal locations their order. A state
    database lists a highlight added later after the others; a file in reading order comes
    back as it is."""
    places: dict[Hashable, list[tuple[int, Any]]] = {}  # group -> (index, sort key) of each
    for index, highlight in enumerate(highlights):
        if (key := _key(highlight)) is not None:
            places.setdefault(key[0], []).append((index, key[1]))
    ordered: list[Highlight] | None = None
    for keyed in places.values():
        by_location = sorted(keyed, key=lambda item: item[1])  # stable
        if by_location != keyed:
            ordered = ordered or list(highlights)
            for (index, _), (source, _) in zip(keyed, by_location, strict=True):
                ordered[index] = highlights[source]
    return highlights if ordered is None else ordered
