"""The order a document's highlights are read in, which every writer shows them in."""

from __future__ import annotations

from collections.abc import Sequence

from excerpta.model import Highlight


def reading_order(highlights: Sequence[Highlight]) -> Sequence[Highlight]:
    """``highlights`` in reading order, as the Readwise plugin shows them: those with a numeric
    location sorted by it among the places they hold, each location type apart (a Kindle
    location is not a page); the others keep their places, and equal locations their order.
    A state database lists a highlight added later after the others; a file in reading order
    comes back as it is."""
    places: dict[object, list[int]] = {}
    for index, highlight in enumerate(highlights):
        if type(highlight.location) is int:
            places.setdefault(highlight.location_type, []).append(index)
    ordered: list[Highlight] | None = None
    for indexes in places.values():
        located = [highlights[index] for index in indexes]
        by_location = sorted(located, key=lambda highlight: highlight.location)  # stable
        if by_location != located:
            ordered = ordered or list(highlights)
            for index, highlight in zip(indexes, by_location, strict=True):
                ordered[index] = highlight
    return highlights if ordered is None else ordered
