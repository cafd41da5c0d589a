"""Re-saved copies across inputs: how a merge gives a highlight re-saved on a Kindle (its
selection extended or shortened) the id of the copy the library already holds.

A Kindle appends a record each time a highlight is saved again. Within one clippings file the
reader replaces the first copy and keeps its id (:mod:`excerpta.readers.kindle.assembly`); the
first copy may be in an earlier file though (the device's file was cleared since), in another
Kindle's file, or come from the notebook export, which gives the id of the final text. For the
readers that declare ``Reader.resaves``, :class:`ResavedCopies` matches each incoming highlight
whose id the library does not hold with a live highlight the library held before this merge,
by the reader's own rule: same document and location type, overlapping ranges
(``location..end_location``, :func:`~excerpta.identity.ranges_overlap`), one text containing
the other (:func:`~excerpta.identity.same_passage`). A match takes the stored id, so an Anki
card or an Obsidian block follows the edit instead of a second one appearing.

Which copy's text (with its location, end, page and time) the highlight keeps: the later by
``highlighted_at`` when both have one, else the longer text, else the incoming one. The same
rule applies to an incoming highlight whose id the library holds with another text or an
earlier ``highlighted_at`` (the same passage saved on two Kindles keeps the later date, as in
one file), so re-reading an old file never brings back the short first copy over a newer,
longer one, and the result of two files does not depend on their order (only the ids do);
there the copy that wins is :func:`~excerpta.store.copies.settled`'s (:func:`~.copies.ahead`: a
dated copy over an undated one, a note's time counts), so a copy another source gave, which
:mod:`.unify` settled under the id, is never undone here.
The notes of the two copies are both kept, joined as the reader joins the notes of one
highlight (:func:`~excerpta.store.copies.joined_notes`, the earlier typed first) when they are
at different locations (:func:`~excerpta.store.copies.notes_apart`: the library keeps no note's
location, so a note is taken to be at the end of the copy it was typed for; the notebook
export's copy, which gives no end, is at no other end), in the order they were typed (with no
time to tell, the order of their texts, so not of the inputs); otherwise they are one note
edited, and the later one stays (with no time to tell, the one read last, as in
:mod:`.upsert`).

A lone note (typed on the device for a highlight of an earlier file) folds into the stored
highlight whose range holds it, else into a stored lone note at its place, and a highlight new to
the library claims a stored lone note in its range: the rules are :mod:`excerpta.store.notes`'s.
A lone note one input gives and a highlight's note from another holds, in that highlight's
window, one of the two the notebook export's (:mod:`.note_windows`), is that note given twice:
deleted, whichever came first.

Only highlights the library held before the merge began are candidates (those of the same input
were already matched by its reader), and not those the input has given itself, under their ids,
so far: the Documents stream in, and the ids of each are marked taken as it arrives, in input
order. So a file read into a library gives what it gives read into an empty one when each
highlight comes in a Document no later than its re-saved copies; a stored highlight whose id
only a later Document gives may first be matched by a re-saved copy in an earlier one, which
takes its id (the two become one highlight). Each is matched at most once per merge (by the
first incoming highlight to match it, in input order; of several candidates, one starting at
the same position, else the first stored). Cost (the reads are :mod:`.held_highlights`'s): one
query per incoming Document for the ids it holds; for a document with a highlight whose id the
library lacks, one over that document's rows (through the ``highlights_by_document`` index, in
C with ``json_extract``), once per merge.
"""

from __future__ import annotations

import sqlite3
from functools import partial

from excerpta.identity import normalize_text, same_passage
from excerpta.model import Document, Highlight, LocationType
from excerpta.store.copies import ahead, later
from excerpta.store.held_highlights import HeldCopy, HeldHighlights
from excerpta.store.note_windows import NoteWindows, numbered, repeated_notes, repeats_a_note
from excerpta.store.notes import (
    claimant,
    claimed_note,
    keeps_note,
    later_note,
    merged_copy,
    one_note,
    same_place,
    with_note,
)
from excerpta.store.positions import Positions
from excerpta.store.state_file import StoredRows


class ResavedCopies:
    """Matches incoming highlights with the re-saved copies the library holds, inside the
    caller's transaction on ``db``, its stored rows read through ``rows``; see the module
    docstring."""

    def __init__(self, db: sqlite3.Connection, rows: StoredRows) -> None:
        self._library = HeldHighlights(db, rows)
        # The rows (rowids) this merge was given (the input holds their ids itself) or matched
        # an incoming highlight with: no longer candidates.
        self._taken: set[int] = set()
        self._given: set[int] = set()  # those given, of the lone notes (see notes.same_place)

    def match(self, document: Document) -> Document:
        """``document`` with each highlight that is a re-saved copy of one the library holds
        given that one's id and the winning copy's text (the same object if nothing changes)."""
        if not self._library.before or not document.highlights:
            return document
        held = self._held_texts([h.id for h in document.highlights])
        changed: dict[int, Highlight] = {}
        unknown: list[int] = []
        lone: list[int] = []  # lone notes the library lacks: perhaps of a stored highlight
        for number, highlight in enumerate(document.highlights):
            stored_copy = held.get(highlight.id)
            if stored_copy is None:
                if highlight.id not in held:
                    if normalize_text(highlight.text):
                        unknown.append(number)
                    elif highlight.note and highlight.location is not None:
                        lone.append(number)
            elif not normalize_text(highlight.text) and normalize_text(stored_copy.text or ""):
                # A lone note whose id the highlight that claimed it took (see _claimed_note).
                if highlight.note:
                    changed[number] = with_note(self._library.stored("id", highlight.id), highlight)
            elif stored_copy.text != highlight.text or later(stored_copy.highlighted_at,
                                                             highlight.highlighted_at):
                stored = self._library.stored("id", highlight.id)
                merged = merged_copy(highlight, stored, stored_wins=not ahead(highlight, stored))
                if merged is not highlight:
                    changed[number] = merged
            elif keeps_note(highlight, stored_copy.note, stored_copy.updated_at):
                changed[number] = highlight.model_copy(
                    update={"note": stored_copy.note, "updated_at": stored_copy.updated_at})
        if unknown:
            candidates = self._library.of_document(document.id)
            for number in unknown:
                highlight = document.highlights[number]
                stored = self._first_match(highlight, candidates)
                if stored is not None:
                    changed[number] = merged_copy(highlight.model_copy(update={"id": stored.id}), stored)
                else:
                    note = self._claimed_note(highlight, document.id)
                    if note is not None:
                        changed[number] = with_note(highlight.model_copy(update={"id": note.id}), note)
        folded = self._fold_notes(document, lone, changed, held) if lone else set()
        repeated = self._repeated_lone_notes(document)
        if not changed and not folded and not repeated:
            return document
        highlights = [changed.get(n, h) for n, h in enumerate(document.highlights) if n not in folded]
        highlights.extend(repeated)
        return document.model_copy(update={"highlights": highlights})

    def _fold_notes(self, document: Document, lone: list[int], changed: dict[int, Highlight],
                    held: dict[str, HeldCopy | None]) -> set[int]:
        # Folds the lone notes numbered ``lone`` into the stored highlights that claim them: the
        # first note of each such highlight is replaced by it in ``changed``; returns the others
        # (to drop). Notes fold in input order, so the last one's text is the note kept. A stored
        # lone note this document gives itself, by id, is folded into there.
        candidates = self._library.of_document(document.id)
        windows: NoteWindows | None = None  # made once a note finds no place: most never need it
        folded: dict[int, tuple[int, Highlight]] = {}  # by rowid: its place, as folded so far
        for number, highlight in enumerate(document.highlights):
            copy = held.get(highlight.id)
            if copy is not None and copy.rowid in self._given:
                folded[copy.rowid] = (number, changed.get(number, highlight))
        dropped: set[int] = set()
        for number in lone:
            note = document.highlights[number]
            rowid = claimant(note, candidates, self._taken, folded)
            fold = with_note
            if rowid is None:
                rowid, fold = same_place(note, self._library.lone_notes(document.id), self._taken,
                                         folded, self._given), later_note
                if rowid is None:
                    windows = windows or self._windows(document)
                    if repeats_a_note(note, windows, candidates, partial(self._library.stored, "rowid")):
                        changed[number] = note.model_copy(update={"is_deleted": True})
                    continue
            at, stored = folded.get(rowid) or (number, self._library.stored("rowid", rowid))
            if fold is later_note and not one_note(stored, note):
                continue
            folded[rowid] = (at, fold(stored, note))
            self._taken.add(rowid)
            if at != number:
                dropped.add(number)
        for at, highlight in folded.values():
            if highlight is not document.highlights[at]:
                changed[at] = highlight
        return dropped

    def _repeated_lone_notes(self, document: Document) -> list[Highlight]:
        # The stored lone notes, not given by the input, that a note of one of its highlights
        # holds in its window (see .note_windows): deleted, given twice.
        if not any(h.note and numbered(h) for h in document.highlights):
            return []
        lone_notes = self._library.lone_notes(document.id)
        if not lone_notes.size:
            return []
        repeated = repeated_notes(document.highlights, self._windows(document), lone_notes,
                                  self._taken, partial(self._library.stored, "rowid"))
        self._taken.update(repeated)
        return [note.model_copy(update={"is_deleted": True}) for note in repeated.values()]

    def _windows(self, document: Document) -> NoteWindows:
        starts = self._library.of_document(document.id).starts(LocationType.LOCATION)
        return NoteWindows(starts, document.highlights)

    def _claimed_note(self, highlight: Highlight, document_id: str) -> Highlight | None:
        # The stored lone note ``highlight``, new to the library, claims (see notes.claimed_note),
        # taken: it is the highlight's now.
        rowid = claimed_note(highlight, self._library.lone_notes(document_id), self._taken)
        if rowid is None:
            return None
        self._taken.add(rowid)
        return self._library.stored("rowid", rowid)

    def _held_texts(self, ids: list[str]) -> dict[str, HeldCopy | None]:
        # Of ``ids``, those the library holds (see HeldHighlights.held), those held before this
        # merge now taken; the lone notes among them given (see notes.same_place).
        held = self._library.held(ids)
        for copy in held.values():
            if copy is not None:
                self._taken.add(copy.rowid)
                if not copy.text and copy.note is not None:
                    self._given.add(copy.rowid)
        return held

    def _first_match(self, highlight: Highlight, candidates: Positions) -> Highlight | None:
        start, end = highlight.location, highlight.end_location
        found = sorted((row[0] != start, row[2])
                       for row in candidates.near(highlight.location_type, start, end)
                       if row[2] not in self._taken)
        for _, rowid in found:
            stored = self._library.stored("rowid", rowid)
            if same_passage(stored.text, highlight.text):
                self._taken.add(rowid)
                return stored
        return None
