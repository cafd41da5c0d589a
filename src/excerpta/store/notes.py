"""Lone notes folded into the library's highlights: the rules :class:`~.resaves.ResavedCopies`
applies to the notes of Kindle copies, as pure functions of highlights and stored positions
(they read no database and change nothing: the caller reads the rows and marks them taken).

A note typed (or edited) on the device for a highlight of an earlier file comes as a lone note
(empty ``text``, the note in ``note``: the reader found no highlight for it). One whose id the
library does not hold, at a location within the range of a live stored highlight of the same
document and location type (the one ending there, else the nearest end: :func:`claimant`), is
folded into that highlight: the lone note leaves the Document, and the stored highlight comes in
its place with the note folded into its note and its ``updated_at`` the note's time when later;
its other fields stay (:func:`with_note`). A note at the highlight's end is an edit of the note
there: the later replaces the earlier; one elsewhere in its range is joined to it (the stored
note's place is unknown, and a duplicate is better than a note lost). Read again, the same note
changes nothing, and an older copy of the highlight (the old file read again) keeps the
library's note when that holds the copy's or was typed later than any note the copy carries
(``updated_at``, else ``highlighted_at``: :func:`keeps_note`). A lone note no highlight claims
folds into a stored lone note of the document at the same place (:func:`same_place`) when one is
strictly later (a note edited on the device, :func:`one_note`): the later text stays, with
the stored id and ``highlighted_at`` and the edit's time as ``updated_at``, as one file holding
both gives (:func:`later_note`), so the old file read again keeps the edit (:func:`keeps_note`);
a stored lone note the input gives itself by id (a file that grew, its two versions too far
apart for the reader to fold) takes the edit in the same way, instead of a second note. A
highlight new to the library that no stored copy matches claims a stored lone note in its range
(one read first, from an earlier file: the one at its end, else the nearest,
:func:`claimed_note`), takes its id and folds it in, so the order of the files changes only ids.

The rules on two notes as such (whether one holds the other, how two are joined, whether the
notes of two copies are apart or one note edited) are those of :mod:`.copies`
(:func:`~.copies.holds`, :func:`~.copies.joined_notes`, :func:`~.copies.notes_apart`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from excerpta.identity import normalize_text
from excerpta.model import Highlight
from excerpta.store.copies import end_of, holds, joined_notes, later, note_moment, notes_apart
from excerpta.store.positions import Positions

_COPY_FIELDS = ("text", "location", "end_location", "page", "highlighted_at")  # see merged_copy


def claimant(note: Highlight, candidates: Positions, taken: set[int], folded: dict[int, Any]) -> int | None:
    """The rowid of the stored highlight of ``candidates`` whose range holds the lone ``note``'s
    location (as the reader attaches a note: the one ending there, else the nearest end), of
    those not ``taken`` in this merge or ``folded`` into already; None if there is none."""
    point = note.location
    best: tuple[bool, int, int] | None = None
    for start, end, rowid in candidates.near(note.location_type, point, point):
        if rowid in taken and rowid not in folded:
            continue
        last = start if end is None else end
        apart = abs(last - point) if type(last) is int and type(point) is int else 0
        score = (last != point, apart, rowid)
        if best is None or score < best:
            best = score
    return None if best is None else best[2]


def same_place(note: Highlight, lone_notes: Positions, taken: set[int], folded: dict[int, Any],
               given: set[int]) -> int | None:
    """The rowid of a stored lone note of ``lone_notes`` at the lone ``note``'s very place, if
    one is still free (not ``taken``, else ``folded`` into in this merge, or ``given``: its id
    came in this merge's input, a first version the reader read too far from its edit to fold
    them); None if there is none."""
    for start, _, rowid in lone_notes.near(note.location_type, note.location, note.location):
        if start == note.location and (rowid not in taken or rowid in folded or rowid in given):
            return rowid
    return None


def claimed_note(highlight: Highlight, lone_notes: Positions, taken: set[int]) -> int | None:
    """The rowid of the stored lone note of ``lone_notes`` (read before the highlight, in an
    earlier input) that ``highlight``, new to the library, claims: one not ``taken``, in its
    range, the one at its end, else the nearest; None if there is none."""
    point = end_of(highlight)
    best: tuple[bool, int, int] | None = None
    for start, _, rowid in lone_notes.near(highlight.location_type, highlight.location,
                                           highlight.end_location):
        if rowid in taken:
            continue
        apart = abs(start - point) if type(start) is int and type(point) is int else 0
        score = (start != point, apart, rowid)
        if best is None or score < best:
            best = score
    return None if best is None else best[2]


def keeps_note(incoming: Highlight, note: str | None, changed: datetime | None) -> bool:
    """Whether the library's note (``note``, its highlight last changed at ``changed``) stays
    over the incoming copy's other note at the same place: it holds it (notes joined since),
    or was typed later (an edit on the device that a later file brought) than any note the
    incoming copy carries and is not one of them, so an old file read again never brings the
    first version back."""
    return (incoming.note is not None and note is not None and note != incoming.note
            and not holds(incoming.note, note)
            and (holds(note, incoming.note) or later(changed, note_moment(incoming))))


def with_note(stored: Highlight, note: Highlight) -> Highlight:
    """``stored`` with the lone ``note`` folded into its note (see the module docstring) and the
    note's time as its last change when later; ``stored`` itself when that changes nothing
    (the same file read again)."""
    text, held = note.note or "", stored.note
    last = note_moment(stored)
    stored_later = later(last, note.highlighted_at)
    at_end = held is not None and note.location == end_of(stored) and not holds(held, text)
    if held is None or (at_end and not stored_later):
        kept: str | None = text  # no note yet, or an edit of the one at its end
    elif at_end:
        kept = held  # an older version of the note it holds (an old file read again)
    elif stored_later:
        kept = joined_notes(text, held)
    else:
        kept = joined_notes(held, text)
    update: dict[str, Any] = {"note": kept}
    moment = note.highlighted_at
    if moment is not None and (last is None or later(moment, last)):
        update["updated_at"] = moment
    if all(getattr(stored, name) == value for name, value in update.items()):
        return stored
    return stored.model_copy(update=update)


def one_note(stored: Highlight, note: Highlight) -> bool:
    """Whether the lone notes ``stored`` and ``note``, at one place, are one note edited: the
    same text, or one is strictly later than the other's note (``stored``'s last edit,
    :func:`~.copies.note_moment`); notes of one time, or of an unknown one, are distinct
    notes, kept."""
    moment = note_moment(stored)
    return stored.note == note.note or later(note.highlighted_at, moment) or later(
        moment, note.highlighted_at)


def later_note(stored: Highlight, note: Highlight) -> Highlight:
    """Of two lone notes at one place (an edit on the device), the later by time, as the reader
    keeps an edit in one file: ``stored`` (its id and ``highlighted_at``, when the note was
    first typed) with the later note's text, and its time as ``updated_at``; ``stored`` itself
    when it is the later (an old file read again never brings the first version back)."""
    if later(note.highlighted_at, note_moment(stored)):
        return stored.model_copy(update={"note": note.note, "updated_at": note.highlighted_at})
    return stored


def merged_copy(incoming: Highlight, stored: Highlight, stored_wins: bool | None = None) -> Highlight:
    """``incoming`` with the copy fields of the winning copy (the other's where the winner's are
    empty) and the later of their ``updated_at``, the notes of the two folded: the rule of
    :class:`~.resaves.ResavedCopies` (see :mod:`.resaves`). ``stored_wins``: which copy wins,
    if decided (under a held id, as :func:`~.copies.settled` does)."""
    if stored_wins is None:
        stored_wins = later(stored.highlighted_at, incoming.highlighted_at) or (
            not later(incoming.highlighted_at, stored.highlighted_at)
            and len(normalize_text(stored.text)) > len(normalize_text(incoming.text)))
    if stored_wins:
        winner, loser = stored, incoming
    else:
        winner, loser = incoming, stored
    update = {name: getattr(winner, name) if getattr(winner, name) is not None else getattr(loser, name)
              for name in _COPY_FIELDS}
    changes = max((m for m in (incoming.updated_at, stored.updated_at) if m is not None), default=None)
    moment = update["highlighted_at"]
    update["updated_at"] = changes if changes is not None and (moment is None or changes > moment) else None
    if incoming.note is not None and stored.note is not None and notes_apart(incoming, stored):
        if later(note_moment(stored), note_moment(incoming)):
            first, second = incoming, stored
        elif later(note_moment(incoming), note_moment(stored)):
            first, second = stored, incoming
        else:  # no time tells which was typed first: an order of the notes', not the inputs'
            first, second = sorted((incoming, stored), key=lambda copy: copy.note or "")
        update["note"] = joined_notes(first.note or "", second.note or "")
    elif keeps_note(incoming, stored.note, stored.updated_at):
        update["note"] = stored.note
    if all(getattr(incoming, name) == value for name, value in update.items()):
        return incoming
    return incoming.model_copy(update=update)
