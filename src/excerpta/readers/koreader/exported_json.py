"""KOReader's JSON export (the exporter plugin's "Json" target), one book or several.

One book: ``{"title", "author", "file", "number_of_pages", "entries": [...], "created_on",
"version"}``; several: ``{"created_on", "version", "documents": [<one book without those
two>, ...]}``. An entry: ``{"sort": "highlight", "page", "time", "text", "note", "chapter",
"drawer", "color"}``; ``page`` is the book's page label or the page KOReader showed (as in a
sidecar, see :mod:`.annotations`), ``time`` the moment it was made in Unix seconds (a true
instant: no zone to guess). ``author`` holds one author a line. Keys come in any order.

The export has no checksum and no position: a book's id is its title and author's
(:func:`excerpta.identity.document_id`), a highlight's its text and time of making, so an
export made again, with more highlights, gives the same ids (not those of the book's sidecar).
An entry of another shape is reported (``documents[1].entries[3]``) and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from excerpta.adapters import ReadState
from excerpta.identity import document_id, highlight_id
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.koreader.places import title_from_book_path
from excerpta.readers.koreader.sidecar import SOURCE, joined_authors, plain_text

# Keys of the export (a key, not text in a value: followed by a colon).
_ENTRIES_KEY = re.compile(r'"entries"\s*:')
_ENTRY_KEYS = re.compile(r'"(?:sort|drawer|created_on|number_of_pages)"\s*:')


def looks_exported(head: str) -> bool:
    """Whether a text starting with ``head`` is KOReader's JSON export."""
    return (head.lstrip().startswith("{") and _ENTRIES_KEY.search(head) is not None
            and _ENTRY_KEYS.search(head) is not None)


class NotAnExport(ValueError):
    """JSON of another shape than KOReader's export; the message says what was expected."""


def export_documents(data: Any, source: str, state: ReadState) -> Iterator[Document]:
    """The books of a parsed export, each with its highlights in the export's order (by page),
    books without one left out. Raises NotAnExport for JSON of another shape."""
    if not isinstance(data, dict):
        raise NotAnExport("expected a JSON object (KOReader's export)")
    if isinstance(data.get("documents"), list):
        books = [(f"documents[{index}]", book) for index, book in enumerate(data["documents"])]
    elif isinstance(data.get("entries"), list):
        books = [("", data)]
    else:
        raise NotAnExport('expected "entries" or "documents" (KOReader\'s export)')
    for where, book in books:
        if not isinstance(book, dict) or not isinstance(book.get("entries", []), list):
            state.report(source, where, "expected a book with a list of entries")
            continue
        document = _document(book, where, source, state)
        if document is not None:
            yield document


def _document(book: dict[str, Any], where: str, source: str, state: ReadState) -> Document | None:
    file = book.get("file")
    author = joined_authors(book.get("author"))
    # A title of nothing but what an id leaves out (a lone byte order mark) gives way to the
    # file's name, as a sidecar's does.
    titles = (plain_text(book.get("title")), title_from_book_path(file) if isinstance(file, str) else None)
    for title in filter(None, titles):
        try:
            doc_id = document_id(title, author)
        except ValueError:
            continue
        break
    else:
        state.report(source, where or None, "a book without a title or file name")
        return None
    highlights: list[Highlight] = []
    taken: set[str] = set()
    for index, entry in enumerate(book.get("entries", [])):
        place = f"{where}.entries[{index}]" if where else f"entries[{index}]"
        highlight = _highlight(entry, doc_id, place, source, state)
        if highlight is not None and highlight.id not in taken:
            taken.add(highlight.id)
            highlights.append(highlight)
    if not highlights:
        return None
    # The export has no place for the review note a sidecar gives: it takes none away.
    state.leave_out_document(doc_id, {"document_note"})
    return Document(id=doc_id, title=title, author=author, category=Category.BOOKS, source=SOURCE,
                    highlights=highlights)


def _highlight(entry: Any, doc_id: str, place: str, source: str, state: ReadState) -> Highlight | None:
    if not isinstance(entry, dict):
        state.report(source, place, "expected an object")
        return None
    if entry.get("sort", "highlight") == "bookmark":
        return None
    text, note = plain_text(entry.get("text")) or "", plain_text(entry.get("note"))
    if not text and not note:
        state.report(source, place, "a highlight without text")
        return None
    time = entry.get("time")
    made = None
    if type(time) is int or (type(time) is float and time == time):
        try:
            made = datetime.fromtimestamp(time, UTC)
        except (OverflowError, OSError, ValueError):
            made = None
    if made is None and time is not None:
        state.report(source, place, f"time: {str(time)[:40]!r} is not a time in Unix seconds; read "
                                    "without it", kept=True)
    page = entry.get("page")
    location = page if type(page) is int or (isinstance(page, str) and page.strip()) else None
    if isinstance(location, str):
        location = int(location) if location.isascii() and location.isdigit() else location.strip()
    return Highlight(id=highlight_id(doc_id, text, f"t{time}" if made is not None else location),
                     text=text, note=note, location=location,
                     location_type=LocationType.PAGE if location is not None else None,
                     chapter=plain_text(entry.get("chapter")), color=plain_text(entry.get("color")),
                     highlighted_at=made)


