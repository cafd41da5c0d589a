"""Two copies of one highlight: which one a merge keeps (:func:`settled`, for a document held
from several sources, see :mod:`.unify`), which of two moments is later (:func:`later`, also
the rule of :mod:`.resaves`, and of :mod:`.upsert` for two copies under one id), and whether
the notes of two Kindle copies are one note edited or notes to join (:func:`notes_apart`,
:func:`joined_notes`, the rules of :mod:`.resaves`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from excerpta.model import Highlight, LocationType

NOTE_SEPARATOR = "\n\n"  # as the Kindle reader joins the notes of one highlight
# What an older copy gives a later one that lacks it: where the passage is.
_PLACES = ("end_location", "page", "chapter", "color", "url", "highlighted_at")
# What a copy gives one whose empty fields say nothing (the deletion and the ids are the
# winner's): a favourite too, which a Kindle never marks.
_FIELDS = tuple(name for name in Highlight.model_fields if name not in ("id", "is_deleted", "external_ids"))
# What two as recent copies are told apart by (see ahead).
_CONTENT = tuple(name for name in Highlight.model_fields if name != "id")
# The external ids of a copy Readwise gave (see excerpta.readwise.mapping).
_READWISE_IDS = frozenset({"readwise", "reader"})


def settled(incoming: Highlight, stored: Highlight, *, edited: bool = False) -> Highlight:
    """The highlight a unified document keeps, under the ``stored`` copy's id, of it and
    ``incoming`` (the same highlight, from another source perhaps), with the external ids of
    both; every other field is the same whichever of the two is stored and which incoming.

    The later one wins (:func:`ahead`: by the later of its ``updated_at`` and
    ``highlighted_at``; a dated copy over an undated one), so a source read again with an old
    copy (a clippings file, read whole on every run) never undoes an edit or deletion another
    source brought. The winner takes from the other what it lacks:

    * a copy that records a change of every field it holds, a Readwise copy's ``updated_at``
      (:func:`records_removals`: what it lacks was removed), takes only the places it lacks (a
      range's end, a page, a chapter: what one source knows and the other never says), never a
      note or tags it has no more;
    * any other copy takes every field it lacks: a Kindle's ``updated_at`` is the time of its
      latest note or re-save, and its empty note, tags, colour, favourite say "none typed",
      never "removed"; a Readwise CSV or note records no change at all. So the tags and colour
      of a Readwise CSV or note arrive whether it is read before or after
      ``My Clippings.txt``, and a Kindle note stays on a later-dated CSV copy without one.

    A winner placed by an ``order`` (a position that only sorts) takes the other's position
    of another kind (a Kindle location, a page), whatever it holds itself.

    Of two different notes the winner's stays: a Kindle note (typed at a known time) over an
    undated Readwise CSV's or note's, in either order, since nothing says the Readwise one is
    later. A winning incoming copy then merges as any does (the fields its reader never says
    keep the stored values): already filled here.

    ``edited``: ``incoming`` is ``stored`` as its source now lists it, edited there
    (:mod:`.edited_copies`): it wins unless ``stored`` changed later (by those times), as
    of two as recent the copy with the edit is the later."""
    incoming_wins = not _changed_later(stored, incoming) if edited else ahead(incoming, stored)
    if incoming_wins:
        winner, loser = incoming, stored
    else:
        winner, loser = stored, incoming
    fill = _PLACES if records_removals(winner) else _FIELDS
    update: dict[str, Any] = {name: getattr(loser, name) for name in fill
                              if is_empty(getattr(winner, name)) and not is_empty(getattr(loser, name))}
    if (winner.location_type is LocationType.ORDER and loser.location is not None
            and loser.location_type not in (None, LocationType.ORDER)):
        # An order only sorts: it is what Readwise gives back for a position sent without a
        # kind, as excerpta's readwise writer sends a Kindle location. The other place says more.
        update |= {"location": loser.location, "location_type": loser.location_type}
    external_ids = {**loser.external_ids, **winner.external_ids}
    if external_ids != winner.external_ids:
        update["external_ids"] = external_ids
    if winner.id != stored.id:
        update["id"] = stored.id
    return winner.model_copy(update=update) if update else winner


def ahead(one: Highlight, other: Highlight) -> bool:
    """Whether ``one`` wins over ``other`` in :func:`settled`: it changed later (the later of its
    ``updated_at`` and ``highlighted_at``), or it is dated and ``other`` is not. Of two as recent (equal
    times, or both undated) the one that records removals (:func:`records_removals`), else the
    longer text (an extended selection), else the one first by content: never by which is read
    first, so two sources give one result in either order. False for two equal copies."""
    moments = _moment(one), _moment(other)
    if later(*moments) or (moments[0] is not None and moments[1] is None):
        return True
    if later(moments[1], moments[0]) or (moments[1] is not None and moments[0] is None):
        return False
    ranks = (records_removals(one), len(one.text)), (records_removals(other), len(other.text))
    if ranks[0] != ranks[1]:
        return ranks[0] > ranks[1]
    for name in _CONTENT:  # the first field they differ in: no whole copy written out (costly)
        mine, theirs = getattr(one, name), getattr(other, name)
        if mine != theirs:
            return repr(mine) > repr(theirs)
    return False


def records_removals(highlight: Highlight) -> bool:
    """Whether what ``highlight`` lacks was removed at its source, as of its ``updated_at``: a
    copy Readwise gave (its ``external_ids`` name a Readwise or Reader id), whose ``updated_at``
    is its last edit, of any field. A device's ``updated_at`` (a Kindle's: the time of its
    latest note or re-save) says nothing of what the device never carries. A copy that won a
    merge keeps the loser's external ids too: a Kindle copy merged with a Readwise one (whose
    tags it kept) then counts as Readwise's, which only narrows what it takes later."""
    return highlight.updated_at is not None and not _READWISE_IDS.isdisjoint(highlight.external_ids)


def _changed_later(one: Highlight, other: Highlight) -> bool:
    """Whether ``one`` changed after ``other`` (:func:`ahead`'s times alone)."""
    first, second = _moment(one), _moment(other)
    return later(first, second) or (first is not None and second is None)


def _moment(highlight: Highlight) -> datetime | None:
    # The later of the two: a copy that won over an earlier note keeps that note's time as its
    # updated_at, yet was itself highlighted later.
    first, second = highlight.updated_at, highlight.highlighted_at
    return first if second is None or later(first, second) else second


def later(first: datetime | None, second: datetime | None) -> bool:
    """Whether ``first`` is after ``second`` (False if either is unknown); a device-local time
    and one naming its zone compare by their wall clocks."""
    if first is None or second is None:
        return False
    try:
        return first > second
    except TypeError:  # one names its zone, the other is device-local: compare wall clocks
        return first.replace(tzinfo=None) > second.replace(tzinfo=None)


def is_empty(value: Any) -> bool:
    """Whether a field's value says nothing (None, False, "", [], {}): a merge keeps another's."""
    if value:
        return False  # most values: one test, on every field of every merged copy
    return value is None or value is False or isinstance(value, str | list | dict)


def note_moment(highlight: Highlight) -> datetime | None:
    """When ``highlight`` last changed: its note typed (``updated_at``), else it was saved."""
    return highlight.updated_at or highlight.highlighted_at


def end_of(highlight: Highlight) -> int | str | None:
    """Where ``highlight`` ends: the Kindle writes a note typed on a highlight there."""
    return highlight.location if highlight.end_location is None else highlight.end_location


def end_unknown(highlight: Highlight) -> bool:
    """Whether where ``highlight`` ends is unknown: it gives neither an end nor a time, as the
    Kindle notebook export, which shows a highlight's start only (a dated clippings copy
    without ``end_location`` ends where it starts; an undated one cannot be told from the
    export's)."""
    return highlight.end_location is None and highlight.highlighted_at is None


def holds(note: str, other: str) -> bool:
    """Whether ``note`` holds ``other`` whole: equal, or one of the notes joined in it."""
    return f"{NOTE_SEPARATOR}{other}{NOTE_SEPARATOR}" in f"{NOTE_SEPARATOR}{note}{NOTE_SEPARATOR}"


def joined_notes(first: str, second: str) -> str:
    """The notes ``first`` and ``second`` (typed in that order) as one, as the Kindle reader
    joins the notes at different locations of one highlight; the one that holds the other
    (:func:`holds`) alone, so a note read again is never doubled."""
    if holds(first, second):
        return first
    if holds(second, first):
        return second
    return f"{first}{NOTE_SEPARATOR}{second}"


def notes_apart(one: Highlight, other: Highlight) -> bool:
    """Whether the notes of ``one`` and ``other`` (two copies of one highlight, a re-save of
    the other, both with a note) are notes at different locations, all kept (joined), rather
    than one note edited (the later replaces the earlier). The library keeps no note's
    location: a note is taken to be where the Kindle writes one typed on a highlight, at the
    end of the copy it was typed for. So they are apart when the copies end at different
    locations and the earlier note was typed before the later copy was saved (it was typed on
    the earlier selection); with a time unknown, whenever the ends differ (joined, not lost).
    A copy whose end is unknown (:func:`end_unknown`: the notebook export's) beside one whose
    end is known is at no other end: its note is the other's, edited (two whose ends are
    both unknown are told apart by their starts, as the undated ones)."""
    if end_unknown(one) != end_unknown(other) or end_of(one) == end_of(other):
        return False
    notes, saved = (note_moment(one), note_moment(other)), (one.highlighted_at, other.highlighted_at)
    if None in notes or None in saved:
        return True
    first_note = notes[1] if later(notes[0], notes[1]) else notes[0]
    last_saved = saved[0] if later(saved[0], saved[1]) else saved[1]
    return later(last_saved, first_note)
