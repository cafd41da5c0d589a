"""One book's notes, read from either PocketBook format, made into a Document with stable ids.

Both readers turn what they read into :class:`Mark` objects (the database reader from an
item's tags, the export reader from an entry of the file) and hand a book's marks to
:func:`book_document`, so the same note gets the same Highlight, and the same id, from both.

Ids
    The book is :func:`~excerpta.identity.document_id` of its title and author (as the Kindle,
    Tolino and CSV readers make theirs, so one book read from several sources is matched). A
    highlight is :func:`~excerpta.identity.highlight_id` of the book, its first page and its
    passage, as the Tolino reader's: the database and the export show the same title, author,
    passage and page of a note, and neither the file's name, nor its place in a folder, nor
    the note's place in the file counts. A book exported several times (``Walden.html``, then
    ``Walden (1).html`` with the notes made since) gives each note the same id in every export.
    A note typed on a highlight keeps its id (the note is no part of it).

Bookmarks and lone notes
    A bookmark (``Bookmark`` as its passage) is left out unless ``keep_bookmarks`` (then an
    empty highlight at its page, id of ``bookmark:<page>``). A bookmark with a note, or a note
    without a passage, is the user's words: kept whatever the option, as a lone note (empty
    text; id of its note and ``note:<page>``, so such a note edited on the device reads as
    another note beside it).

One passage marked twice on one page (one id): one highlight, the first in reading order,
with the notes of both (each once, joined by a blank line), its earliest date and latest edit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from excerpta.adapters import ReadState
from excerpta.identity import document_id, highlight_id
from excerpta.model import Category, Document, Highlight, LocationType

log = logging.getLogger(__name__)
SOURCE = "pocketbook"  # the documents' source, and the namespace of the device's UUIDs
NOTE_SEPARATOR = "\n\n"  # between the notes of one passage marked twice


@dataclass
class Mark:
    """A highlight, note or bookmark as either format gives it: its passage (``Bookmark`` for
    a bookmark is no passage: ``kind`` says so), note, pages, colour, dates, the device's UUID
    for it, ``order`` (what places it on its page: the offset, then the date) and the fields a
    value of which did not read (already reported; the library keeps its own)."""

    kind: Literal["highlight", "bookmark"]
    text: str
    note: str | None
    page: int | None
    end_page: int | None = None
    colour: str | None = None
    created: datetime | None = None
    updated: datetime | None = None
    uuid: str | None = None
    order: tuple[object, ...] = ()
    left_out: frozenset[str] = field(default_factory=frozenset)


def book_document(title: str, author: str | None, marks: Iterable[Mark], state: ReadState, *,
                  keep_bookmarks: bool, tally: Counter[str]) -> Document | None:
    """The Document of the book ``title`` by ``author`` holding ``marks``, its highlights in
    reading order (page, then ``order``, then as given); None if none is kept. Counts in
    ``tally`` the bookmarks left out (``bookmark``) and the passages marked twice (``twice``);
    tells ``state`` the fields each highlight was read without."""
    doc_id = document_id(title, author)
    ranked = sorted(enumerate(marks), key=lambda each: (
        each[1].page is None, each[1].page or 0, _sortable(each[1].order), each[0]))
    kept: dict[str, Highlight] = {}
    for _, mark in ranked:
        highlight = _highlight(doc_id, mark, keep_bookmarks)
        if highlight is None:
            tally["bookmark"] += 1
            continue
        if mark.left_out:
            state.leave_out(highlight.id, mark.left_out)
        if (first := kept.get(highlight.id)) is not None:
            tally["twice"] += 1
            kept[highlight.id] = _joined(first, highlight)
        else:
            kept[highlight.id] = highlight
    if not kept:
        return None
    return Document(id=doc_id, title=title, author=author, category=Category.BOOKS, source=SOURCE,
                    highlights=list(kept.values()))


def _highlight(doc_id: str, mark: Mark, keep_bookmarks: bool) -> Highlight | None:
    text, note, page = mark.text, mark.note, mark.page
    where = "" if page is None else page
    if mark.kind == "bookmark" or not text:  # a lone note, or a bookmark
        if note:
            text, ident = "", highlight_id(doc_id, note, f"note:{where}")
        elif mark.kind == "bookmark" and keep_bookmarks:
            text, ident = "", highlight_id(doc_id, "", f"bookmark:{where}")
        else:
            return None
    else:
        ident = highlight_id(doc_id, text, page)
    return Highlight(
        id=ident, text=text, note=note, location=page,
        location_type=LocationType.PAGE if page is not None else None,
        end_location=mark.end_page, color=mark.colour if text else None,
        highlighted_at=mark.created, updated_at=mark.updated,
        external_ids={SOURCE: mark.uuid} if mark.uuid else {},
    )


def _joined(first: Highlight, second: Highlight) -> Highlight:
    # One passage marked twice: see the module docstring.
    notes = list(dict.fromkeys(note for note in (first.note, second.note) if note))
    dates = [when for when in (first.highlighted_at, second.highlighted_at) if when is not None]
    edits = [when for when in (first.updated_at, second.updated_at) if when is not None]
    return first.model_copy(update={
        "note": NOTE_SEPARATOR.join(notes) or None,
        "color": first.color or second.color,
        "end_location": first.end_location if first.end_location is not None else second.end_location,
        "highlighted_at": min(dates) if dates else None,
        "updated_at": max(edits) if edits else None,
    })


def _sortable(order: tuple[object, ...]) -> tuple[object, ...]:
    # Each part of an order, unknown (None) after every known one of its kind.
    return tuple(part for value in order for part in (value is None, value if value is not None else 0))


def tell(source: str, tally: Counter[str], kinds: tuple[str, ...], *, given: bool,
         keep_bookmarks: bool) -> None:
    """Say what ``tally`` counts of ``source``: the passages marked twice, and the ``kinds``
    left out by design (bookmarks, drawings…), once: with -v, or without it where the input
    gives nothing (it must say why)."""
    if tally["twice"]:
        log.info("%s: %d passage(s) marked twice read as one highlight each, their notes joined",
                 source, tally["twice"])
    left = ", ".join(f"{tally[kind]} {kind}(s)" for kind in kinds if tally[kind])
    if left:
        keeps = not given and not keep_bookmarks and tally["bookmark"]
        log.log(logging.INFO if given else logging.WARNING, "%s: left out %s%s", source, left,
                "; --pocketbook-bookmarks keeps bookmarks" if keeps else "")
