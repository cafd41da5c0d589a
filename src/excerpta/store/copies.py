"""Two copies of one highlight: which one a merge keeps (:func:`settled`, for a document held
from several sources, see :mod:`.unify`) and which of two moments is later (:func:`later`, also
the rule of :mod:`.resaves`, and of :mod:`.upsert` for two copies under one id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from excerpta.model import Highlight

# What an older copy gives a later one that lacks it: where the passage is.
_PLACES = ("end_location", "page", "chapter", "color", "url", "highlighted_at")
# What an undated copy gives a dated one that lacks it (the flags and ids are the winner's).
_FIELDS = tuple(name for name in Highlight.model_fields
                if name not in ("id", "is_deleted", "is_favorite", "external_ids"))


def settled(incoming: Highlight, stored: Highlight) -> Highlight:
    """The highlight a unified document keeps, under the ``stored`` copy's id, of it and
    ``incoming`` (the same highlight, from another source perhaps), with the external ids of
    both. The later one wins (by ``updated_at``, else ``highlighted_at``), so a source read
    again with an old copy (a clippings file, read whole on every run) never undoes an edit
    or deletion another source brought; it takes from the other the places it lacks (a
    range's end, a page, a chapter: what one source knows and the other never says), never a
    note or tags it has no more. An undated copy (a Readwise note's) loses to a dated stored
    one, which takes what it lacks from it, every field, unless it records a change of its own
    (``updated_at``: what it lacks was removed). With no date to tell, the incoming copy wins.
    A winning incoming copy then merges as any does (the fields its reader never says keep
    the stored values)."""
    fill = _PLACES
    if _moment(stored) is not None and _moment(incoming) is None:
        winner, loser = stored, incoming
        fill = _PLACES if stored.updated_at is not None else _FIELDS
    elif later(_moment(stored), _moment(incoming)):
        winner, loser = stored, incoming
    else:
        winner, loser = incoming, stored
    update: dict[str, Any] = {name: getattr(loser, name) for name in fill
                              if is_empty(getattr(winner, name)) and not is_empty(getattr(loser, name))}
    external_ids = {**incoming.external_ids, **stored.external_ids, **winner.external_ids}
    if external_ids != winner.external_ids:
        update["external_ids"] = external_ids
    if winner.id != stored.id:
        update["id"] = stored.id
    return winner.model_copy(update=update) if update else winner


def _moment(highlight: Highlight) -> datetime | None:
    return highlight.updated_at or highlight.highlighted_at


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
    return value is None or value is False or value == "" or value == [] or value == {}
