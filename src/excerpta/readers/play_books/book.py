"""A Play Books notes document's layout (:mod:`.layout`) made the canonical Document, its rows
the Highlights (:func:`book_of`).

Highlights listed twice
    Later documents list every highlight twice: under its colour in a first section, and
    under its chapter in the next. The listings of one passage on one page are one highlight
    (they have one id, see below); a section holding a highlight listed again in a later one
    is such a listing by colour, so its headings name no chapter. A highlight's chapter is the
    headings above its last listing outside one (``Part One > Chapter 2`` where headings
    nest); its place among the book's highlights is that listing's, which is reading order.
    A row listed again exactly is read once (a problem with it reported once).

Identity
    The book's Play Books id (the ``id`` of its links into Play Books, kept as
    ``external_ids["playbooks"]``) gives the document id ``playbooks-<id>``; a document without
    such a link, ``document_id(title, author)``. A highlight's id comes from the document id,
    its page and its text (:func:`excerpta.identity.highlight_id`), never from its row: a book
    whose document gained highlights keeps the ids of the earlier ones, and so does a
    highlight whose note was edited. So the same passage highlighted twice on one page is one
    highlight, with each note (joined by a blank line, in the order listed), the earliest day,
    and the first colour and link said.

Problems
    A row that gives no highlight is reported (``row 7 (page 12): …``) and skipped, the others
    read. A day that does not read (:mod:`.dates`) leaves its highlight undated, and the file's
    first such row is reported once, as read in part, with their count. A field a row does not
    say (a colour, a page, a day) is left to the library (``ReadState.leave_out``).

Colours
    A highlight's colour is its passage's background colour; where that has none, its swatch
    image's (:mod:`.swatches`), where the input holds the image.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import tzinfo

from excerpta.adapters import ReadState
from excerpta.identity import document_id, highlight_id, source_id
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.moonreader.colours import colour_name
from excerpta.readers.play_books.dates import WORDINGS, day_start, parse_day
from excerpta.readers.play_books.layout import Layout, PlacedRow
from excerpta.readers.play_books.rows import Annotation, RowError, read_row, volume_id
from excerpta.readers.play_books.swatches import swatch_colour

SOURCE = "playbooks"
NAMESPACE = "playbooks"  # of document ids and external_ids: playbooks-<Play Books id>
_PAGE_RANGE = re.compile(r"(\d+)\s*[-–—]\s*(\d+)")


@dataclass
class _Listing:
    """One listing of a highlight: its row, its annotation, and the highlight it gives with the
    fields that row does not say."""

    row: PlacedRow
    annotation: Annotation
    highlight: Highlight
    left_out: set[str]


def book_of(layout: Layout, source: str, state: ReadState, *, zone: tzinfo | None, where: str = "",
            image: Callable[[str], bytes | None] | None = None) -> Document | None:
    """The Document of ``layout`` (a document read from ``source``); problems reported to
    ``state``, each row named after ``where`` (``"Walden.html, "`` for a member of a zip, else
    nothing); ``image`` gives the bytes of a swatch image by its name, where the input holds
    them. None when it had rows and none gave a highlight: nothing of it was read. The layout
    must have a title."""
    assert layout.title is not None
    read = _annotations(layout.rows, source, state, where)
    if layout.rows and not read:
        return None
    book = next((found for _, annotation in read if annotation.link
                 and (found := volume_id(annotation.link))), None)
    doc_id = source_id(NAMESPACE, book) if book else document_id(layout.title, layout.author)
    swatches = _Swatches(image)
    listed: dict[str, list[_Listing]] = {}
    for row, annotation in read:
        if annotation.fill is None and annotation.swatch is not None:
            annotation = replace(annotation, fill=swatches.colour(annotation.swatch))
        highlight, left_out = _highlight(doc_id, annotation, zone)
        listed.setdefault(highlight.id, []).append(_Listing(row, annotation, highlight, left_out))
    by_colour = {listing.row.section for listings in listed.values() for at, listing in enumerate(listings)
                 if any(later.row.section != listing.row.section for later in listings[at + 1:])}
    days = _UnreadDays()
    highlights = []
    for listings in sorted(listed.values(), key=lambda listings: listings[-1].row.number):
        highlight, left_out, last = _one(listings, by_colour)
        if "highlighted_at" in left_out:
            days.add(f"{where}{_named(last.row, last.annotation.page)}", last.annotation.day)
        if left_out:
            state.leave_out(highlight.id, left_out)
        highlights.append(highlight)
    days.report(source, state)
    if layout.author is None:  # "Unknown", or no line for it: a library's author stays
        state.leave_out_document(doc_id, {"author"})
    return Document(id=doc_id, title=layout.title, author=layout.author, category=Category.BOOKS,
                    source=SOURCE, external_ids={NAMESPACE: book} if book else {}, highlights=highlights)


def _annotations(rows: list[PlacedRow], source: str, state: ReadState,
                 where: str) -> list[tuple[PlacedRow, Annotation]]:
    # Each listing's annotation; a row that gives none reported once, however often listed.
    read: dict[tuple[object, ...], Annotation | None] = {}
    annotations = []
    for row in rows:
        key = tuple(cell.signature for cell in row.cells)
        if key not in read:
            try:
                read[key] = read_row(row.cells)
            except RowError as err:
                read[key] = None
                state.report(source, f"{where}{_named(row, None)}", f"{err}; skipped")
        if (annotation := read[key]) is not None:
            annotations.append((row, annotation))
    return annotations


def _one(listings: list[_Listing], by_colour: set[int]) -> tuple[Highlight, set[str], _Listing]:
    # The highlight of one id's listings (the same passage on one page), that listing whose
    # chapter and place it takes (the last outside a listing by colour), and the fields none of
    # them says. It keeps each listing's note (once, joined by a blank line, in the order
    # listed), the earliest day, and the first colour and link said.
    outside = [listing for listing in listings if listing.row.section not in by_colour]
    last = (outside or listings)[-1]
    highlights = [listing.highlight for listing in listings]
    days = [highlight.highlighted_at for highlight in highlights if highlight.highlighted_at is not None]
    highlight = last.highlight.model_copy(update={
        "chapter": " > ".join(last.row.headings) or None if outside else None,
        "note": "\n\n".join(dict.fromkeys(h.note for h in highlights if h.note)) or None,
        "highlighted_at": min(days) if days else None,
        "color": next((h.color for h in [last.highlight, *highlights] if h.color), None),
        "url": next((h.url for h in [last.highlight, *highlights] if h.url), None),
    })
    left_out = set.intersection(*(listing.left_out for listing in listings))
    return highlight, left_out, last


def _highlight(doc_id: str, annotation: Annotation, zone: tzinfo | None) -> tuple[Highlight, set[str]]:
    # The highlight of one annotation, and the fields it does not say.
    left_out: set[str] = set()
    location: int | str | None = None
    end: int | None = None
    if annotation.page is None:
        left_out |= {"location", "location_type"}
    elif annotation.page.isdigit():
        location = int(annotation.page)
    elif match := _PAGE_RANGE.fullmatch(annotation.page):
        location, end = int(match.group(1)), int(match.group(2))
    else:
        location = annotation.page
    when = None
    if annotation.day is not None and (day := parse_day(annotation.day)) is not None:
        when = day_start(day, zone)
    if when is None:
        left_out.add("highlighted_at")
    colour = colour_name(0xFF000000 | int(annotation.fill, 16)) if annotation.fill else None
    if colour is None:
        left_out.add("color")
    highlight = Highlight(
        id=highlight_id(doc_id, annotation.text, location), text=annotation.text, note=annotation.note,
        location=location, location_type=LocationType.PAGE if location is not None else None,
        end_location=end, color=colour, highlighted_at=when, url=annotation.link)
    return highlight, left_out


class _Swatches:
    """The colours of a document's swatch images by name, each image decoded once."""

    def __init__(self, image: Callable[[str], bytes | None] | None) -> None:
        self.image = image
        self.colours: dict[str, str | None] = {}

    def colour(self, name: str) -> str | None:
        if name not in self.colours:
            data = self.image(name) if self.image is not None else None
            self.colours[name] = swatch_colour(data) if data is not None else None
        return self.colours[name]


def _named(row: PlacedRow, page: str | None) -> str:
    return f"row {row.number}" + (f" (page {page})" if page else "")


class _UnreadDays:
    """The highlights of one document read without a day, reported once."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple[str, str | None] | None = None

    def add(self, where: str, day: str | None) -> None:
        self.count += 1
        self.first = self.first or (where, day)

    def report(self, source: str, state: ReadState) -> None:
        if self.first is None:
            return
        where, day = self.first
        said = "no date" if day is None else f"date {day!r}, which is no date excerpta reads ({WORDINGS})"
        read = "1 highlight" if self.count == 1 else f"{self.count} highlights"
        state.report(source, where, f"{said}; {read} of this document read without a date", kept=True)
