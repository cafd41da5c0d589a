"""Highlights a note shows that its document does not list: kept when the library holds only
this run's inputs.

Without ``--state`` the library is built from the run's inputs alone (the sink's
``persistent_library`` is False, see :class:`~excerpta.output.OutputSink`). A highlight the
note shows that its document does not list at all, neither live nor deleted (a tombstone), was
just not in this run's input: a cleared ``My Clippings.txt`` says nothing of the highlights it
held. Its block stays where it is, byte for byte, and its digest stays in the note's memo, so
an input that lists it again updates it in place. Only a tombstone removes (or strikes
through) a highlight then. With ``--state`` the library holds everything ever read: a
highlight its document no longer lists moved to another document (Readwise merged two
books), and leaves this note, or it would be shown twice; but only one whose block this
state's memo of the note says excerpta wrote from this library (``NoteMemo.from_library``).
A block the note showed before this state wrote it (runs without ``--state`` kept it from a
cleared file; another state, or none, wrote the note) is kept as without ``--state``.

New highlights still go in reading order among the kept blocks: the memo remembers where each
highlight it wrote sits (:func:`places_of`), and :func:`reading_order_with` puts the kept
ones among the live ones by it.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any

from excerpta.model import Document, Highlight, LocationType
from excerpta.ordering import EPUB_POSITION, sort_group
from excerpta.writers.obsidian.naming import block_id

Place = tuple[LocationType | None, int]  # kind of location, location


def places_of(highlights: Iterable[Highlight], blocks: Collection[str]) -> dict[str, list[Any]]:
    """Where each of ``highlights`` with a numeric location and a block id in ``blocks`` sits,
    as the memo keeps it: ``[kind of location, location]`` by block id."""
    places: dict[str, list[Any]] = {}
    for highlight in highlights:
        if type(highlight.location) is int and (ident := block_id(highlight.id)) in blocks:
            places[ident] = [highlight.location_type, highlight.location]
    return places


def unlisted(document: Document, shown: Iterable[str]) -> set[str]:
    """The block ids in ``shown`` of highlights ``document`` does not list, live or deleted."""
    listed = {block_id(highlight.id) for highlight in document.highlights}
    return {ident for ident in shown if ident not in listed}


def as_place(remembered: object) -> Place | None:
    """A place as the memo keeps it (see :func:`places_of`); None when unreadable."""
    if not isinstance(remembered, list) or len(remembered) != 2 or type(remembered[1]) is not int:
        return None
    kind, location = remembered
    if kind is None:
        return None, location
    try:
        return LocationType(kind), location
    except ValueError:  # a kind of location this excerpta does not know
        return None


def placement(document: Document, live: Sequence[tuple[str, str]], kept: Iterable[str],
              remembered: Mapping[str, object]) -> tuple[list[str], dict[str, Hashable]]:
    """What new highlights are placed by in a note that keeps the blocks of ``kept`` (unlisted
    highlights): the block ids of ``live`` (the live highlights' blocks, in reading order) with
    each of ``kept`` whose place the memo ``remembered`` among them (:func:`reading_order_with`),
    and the kind of location of every highlight with a numeric one, by block id (as
    :func:`.render.location_kinds` gives, plus the kept ones)."""
    places: dict[str, Place] = {block_id(highlight.id): (highlight.location_type, highlight.location)
                                for highlight in document.highlights if type(highlight.location) is int}
    known = {ident: place for ident in kept if (place := as_place(remembered.get(ident))) is not None}
    located: dict[str, Hashable] = {ident: kind for ident, (kind, _) in (places | known).items()}
    # Highlights at an EPUB CFI are placed among their kind too (kept ones are not remembered).
    located |= {block_id(highlight.id): EPUB_POSITION for highlight in document.highlights
                if sort_group(highlight) == EPUB_POSITION}
    return reading_order_with([ident for ident, _ in live], places, known), located


def reading_order_with(live: Sequence[str], places: Mapping[str, Place],
                       kept: Mapping[str, Place]) -> list[str]:
    """The block ids of ``live`` (in reading order) with those of ``kept`` among them: each
    after the last one with the same kind of location at or before its own, else before the
    first one of that kind, else at the end. ``places``: where each of ``live`` with a numeric
    location sits."""
    order = list(live)
    every = {**places, **kept}
    for ident, (kind, location) in sorted(kept.items(), key=lambda item: item[1][1]):
        at = None
        for index, other in enumerate(order):
            place = every.get(other)
            if place is None or place[0] != kind:
                continue
            if place[1] > location:
                at = index if at is None else at
                break
            at = index + 1
        order.insert(len(order) if at is None else at, ident)
    return order
