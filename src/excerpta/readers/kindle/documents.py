"""From clippings to canonical documents: the window's rules, per-book batches, ids and models.

:func:`documents_of` pushes clippings through the note window (:mod:`.assembly`), keeps
highlights in per-book batches (so a Document carries many: one validation call each, fewer
documents for the library to merge) and yields them as validated Documents with their ids
(:mod:`excerpta.identity`). Memory is bounded: at most :data:`HELD_LIMIT` highlights wait.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

from excerpta.identity import highlight_id
from excerpta.model import Document, LocationType
from excerpta.readers.kindle.assembly import ClippingWindow
from excerpta.readers.kindle.locales import ClippingKind
from excerpta.readers.kindle.metadata import Position
from excerpta.readers.kindle.resaved import earlier, id_source
from excerpta.readers.kindle.window_records import Clipping, NoteEntry

BATCH_LIMIT = 256  # highlights per yielded Document: a one-book file must not be held whole
HELD_LIMIT = 1024  # highlights held back across books before they are yielded
_BOOKMARK, _NOTE = ClippingKind.BOOKMARK, ClippingKind.NOTE
_KIND_PREFIX = {ClippingKind.HIGHLIGHT: "", ClippingKind.NOTE: "note:", ClippingKind.BOOKMARK: "bookmark:"}


def documents_of(clippings: Iterable[list[Clipping]], keep_bookmarks: bool,
                 reread: Callable[[], Iterable[list[Clipping]]] | None = None) -> Iterator[Document]:
    """The Documents of ``clippings`` (batches of records in file order); bookmarks dropped
    unless ``keep_bookmarks``, and so are notes of no text that no highlight claims. A book may
    come in several Documents: the library merges them.

    A note claimed by a highlight that had already left the note window (see :mod:`.assembly`)
    comes at the end, in that highlight yielded again (same id, same fields) with it: the
    clippings of ``reread()`` (the same records again, from the start) are read up to the last
    such highlight. Without ``reread`` such a note stays a highlight of its own."""
    window = ClippingWindow(look_far=reread is not None)
    yield from _batched(_final(window, clippings), keep_bookmarks)
    if window.far and reread is not None:
        yield from _batched(_claimed(window.far, reread()), keep_bookmarks)


def _final(window: ClippingWindow, clippings: Iterable[list[Clipping]]) -> Iterator[Clipping]:
    # Iterated in C (map and chain): no generator step per record.
    pushed = map(window.push, chain.from_iterable(clippings))
    return chain.from_iterable(chain(pushed, _finished(window)))


def _finished(window: ClippingWindow) -> Iterator[list[Clipping]]:
    yield window.finish()  # once the input is exhausted


def _claimed(far: dict[int, list[NoteEntry]], clippings: Iterable[list[Clipping]]) -> Iterator[Clipping]:
    # The same records again: the highlights ``far`` names get their far notes. A copy re-saved
    # later (extended on another day) took its id, and the library keeps the last version of an
    # id: that copy gets them, so the note never brings the older text back.
    claimed: dict[tuple[Any, ...], tuple[Clipping, list[NoteEntry]]] = {}
    for final in _final(ClippingWindow(look_far=False), clippings):
        if final.dropped:
            continue
        notes = far.pop(final.index, None)
        if notes is None and not claimed:
            continue
        key = (final.book.id, final.kind, final.location_type, *id_source(final))
        if notes is not None:
            claimed[key] = (final, claimed[key][1] + notes if key in claimed else notes)
        elif key in claimed:
            claimed[key] = (final, claimed[key][1])
    for final, notes in claimed.values():
        final.notes = sorted(final.notes + notes, key=lambda item: item[0])
        yield final


def _batched(finals: Iterable[Clipping], keep_bookmarks: bool) -> Iterator[Document]:
    # Highlights wait in per-book batches, so a Document carries many (one validation call each,
    # and fewer documents for the library to merge) even where books alternate. All batches
    # leave together, in the order the books first appeared, whenever one is full or HELD_LIMIT
    # highlights wait: the merged library is the same as with one Document per highlight.
    batches: dict[str, list[Clipping]] = {}
    held = 0
    for final in finals:
        # Dropped: what says nothing (a highlight of only the clipping-limit marker and no note,
        # a note of no text that no highlight claimed).
        kind = final.kind
        if final.dropped or (kind is _BOOKMARK and not keep_bookmarks) or (
                final.limit_only and not final.notes) or (kind is _NOTE and not final.text):
            continue
        batch = batches.get(final.book.id)
        if batch is None:
            if held >= HELD_LIMIT:
                yield from _flush(batches)
                held = 0
            batches[final.book.id] = [final]
        elif len(batch) < BATCH_LIMIT and held < HELD_LIMIT:
            batch.append(final)
        else:
            yield from _flush(batches)
            held = 0
            batches[final.book.id] = [final]
        held += 1
    yield from _flush(batches)


def _flush(batches: dict[str, list[Clipping]]) -> Iterator[Document]:
    for batch in batches.values():
        yield _document(batch)
    batches.clear()


def _document(batch: list[Clipping]) -> Document:
    # A new Document each time (not a copy of the cached book): nothing mutable is shared. One
    # validation call for the document and its highlights: the same checks, half the cost.
    book = batch[0].book
    return Document.model_validate({"id": book.id, "title": book.title, "author": book.author,
                                    "category": book.category, "source": book.source,
                                    "highlights": [_highlight(c) for c in batch]})


def _highlight(clipping: Clipping) -> dict[str, Any]:
    start = clipping.start
    location_type = clipping.location_type
    kind = clipping.kind
    if clipping.by_shape and kind is ClippingKind.NOTE:
        # No highlight claimed it (see assembly.py): in an unknown wording a lone single
        # location is more likely a highlight of old or page-only firmware than a free note.
        kind = ClippingKind.HIGHLIGHT
    notes = clipping.notes
    if kind is ClippingKind.NOTE:
        text, note = "", clipping.text or None
    else:
        text = clipping.text
        if notes:
            if len(notes) > 1:
                notes = _edited(notes)
            note = "\n\n".join(n for _, n, _, _ in notes if n) or None
        else:
            note = None
    id_text, id_start = id_source(clipping)
    key: Position | None
    if id_start is None:
        key = None
    elif location_type is LocationType.PAGE:
        key = f"{_KIND_PREFIX[kind]}p{id_start}"
    elif kind is ClippingKind.HIGHLIGHT:
        key = id_start  # as its digits: an int is hashed without normalising it again
    else:
        key = f"{_KIND_PREFIX[kind]}{id_start}"
    when = clipping.when
    fields = {"id": highlight_id(clipping.book.id, id_text, key), "text": text, "location": start,
              "location_type": location_type, "highlighted_at": when}
    # Unknown fields are left to their defaults: each given one costs a validator call.
    if note is not None:
        fields["note"] = note
    if notes or clipping.resaved_at is not None:
        # Its last change: a note added (or edited) later, a later copy that did not replace it.
        latest = clipping.resaved_at if when is None or earlier(when, clipping.resaved_at) else when
        for entry in notes:
            moment = entry[2]
            if moment is not None and moment != latest and (latest is None or earlier(latest, moment)):
                latest = moment
        if latest is not when:
            fields["updated_at"] = latest
    if clipping.end != start:
        fields["end_location"] = clipping.end
    if clipping.page is not None:
        fields["page"] = clipping.page
    return fields


def _edited(notes: list[NoteEntry]) -> list[NoteEntry]:
    # The firmware appends a note edited on the device as a new record at the same location,
    # later: of a highlight's notes at one location, one of a later time replaces the earlier.
    # Notes of one time are distinct (typed one after the other, as the Kindle saves them).
    kept: list[NoteEntry] = []
    for entry in notes:  # in file order
        for number, other in enumerate(kept):
            if other[3] == entry[3] and earlier(other[2], entry[2]):
                kept[number] = entry
                break
        else:
            kept.append(entry)
    return kept
