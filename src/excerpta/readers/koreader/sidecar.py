"""One parsed KOReader sidecar as a Document: the book, and its annotations as highlights.

The book: ``doc_props`` with what the user edited in KOReader (``custom_props``) over it
(``title``; ``authors``, one a line, joined with ``"; "``; ``description`` as the summary;
``identifiers``, one a line, for an ISBN and an ASIN), else the statistics plugin's ``stats``
copy of them, else the book's file name; ``summary.note`` (the review written on KOReader's
book status page) as the document note. Its id is ``koreader-<partial_md5_checksum>``
(KOReader's own id of the file, also ``stats.md5``), which stays when the book is renamed or
moved; a sidecar without one falls back to title and author
(:func:`excerpta.identity.document_id`).

A highlight's id derives from its document, its start (an xpointer, or a PDF page and point,
see :mod:`.annotations`) and its text: the same file read again, or after more highlights were
made, gives the same ids, and so does the same book's sidecar after KOReader moved it to the
2024 schema (the move keeps text and position). Its location (``location_type`` page) is the
page KOReader's exporter gives: the book's own page label where it has them (``pageref``, a
number or ``"xii"``), else the page KOReader showed it on (``pageno``, which changes with the
layout).
Not kept: the highlight style (``drawer``: lighten, underscore, …), ``pos1`` (the end is an
xpointer, not a page), the book's ``keywords`` (the publisher's subjects, not the user's tags).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from excerpta.adapters import ReadState
from excerpta.identity import document_id, highlight_id, source_id
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.koreader.annotations import Annotation, annotations_of
from excerpta.readers.koreader.dates import DateError, parse_datetime
from excerpta.readers.koreader.lua_table import LuaTable
from excerpta.readers.koreader.places import title_from_book_path

SOURCE = "koreader"
_ISBN = re.compile(r"(?:urn:)?isbn:\s*([0-9Xx-]{10,17})", re.IGNORECASE)
_ASIN = re.compile(r"(?:mobi-asin|amazon|asin):\s*([A-Z0-9]{10})", re.IGNORECASE)


def document_of(sidecar: LuaTable, source: str, state: ReadState, zone: tzinfo | None,
                file_title: str, custom_props: LuaTable | None = None) -> Document | None:
    """The Document of a parsed sidecar read from ``source``, with its highlights in reading
    order; None if it has none (a book opened, never highlighted). ``zone``: see
    :func:`~excerpta.readers.koreader.dates.parse_datetime`; ``file_title``: the title of a book
    whose sidecar names none (its file's name); ``custom_props``: the book information the user
    edited in KOReader, read over ``doc_props``. Problems are reported to ``state``."""
    props = {**_table(sidecar.get("doc_props")), **(custom_props or {})}
    stats = _table(sidecar.get("stats"))
    title = (plain_text(props.get("title")) or plain_text(stats.get("title"))
             or _book_title(sidecar.get("doc_path")) or file_title)
    author = joined_authors(props.get("authors")) or joined_authors(stats.get("authors"))
    checksum = plain_text(sidecar.get("partial_md5_checksum")) or plain_text(stats.get("md5"))
    try:
        doc_id = source_id(SOURCE, checksum.lower()) if checksum else document_id(title, author)
    except ValueError:  # a title of nothing but marks that normalise away (a lone BOM)
        title = file_title
        doc_id = document_id(title, author)

    def report(where: str, reason: str, kept: bool) -> None:
        state.report(source, where, reason, kept=kept)

    highlights: list[Highlight] = []
    taken: set[str] = set()
    repeats: set[tuple[Any, ...]] = set()  # (place, text, time) of each highlight read
    for annotation in annotations_of(sidecar, report):
        highlight = _highlight(annotation, doc_id, taken, repeats, source, state, zone)
        if highlight is not None:
            highlights.append(highlight)
    if not highlights:
        return None
    identifiers = plain_text(props.get("identifiers")) or ""
    isbns = {match.replace("-", "").upper() for match in _ISBN.findall(identifiers)}
    asin = _ASIN.search(identifiers)
    external_ids = {SOURCE: checksum.lower()} if checksum else {}
    if len(isbns) == 1:
        external_ids["isbn"] = isbns.pop()
    return Document(
        id=doc_id, title=title, author=author, category=Category.BOOKS, source=SOURCE,
        asin=asin.group(1).upper() if asin else None, summary=plain_text(props.get("description")),
        document_note=plain_text(_table(sidecar.get("summary")).get("note")),
        external_ids=external_ids, highlights=highlights)


def _highlight(annotation: Annotation, doc_id: str, taken: set[str], repeats: set[tuple[Any, ...]],
               source: str, state: ReadState, zone: tzinfo | None) -> Highlight | None:
    # Two highlights of one passage at one place (made twice) are told apart by their time; the
    # same one twice (place, text and time) is one.
    key = annotation.position
    highlight_key = highlight_id(doc_id, annotation.text, key)
    if highlight_key in taken:
        highlight_key = highlight_id(doc_id, annotation.text, f"{key} @ {annotation.created}")
        if highlight_key in taken or (key, annotation.text, str(annotation.created)) in repeats:
            state.report(source, annotation.where, "the same highlight as an earlier one (same place, "
                                                   "text and time); the first is kept")
            return None
    repeats.add((key, annotation.text, str(annotation.created)))
    taken.add(highlight_key)
    highlighted_at = _date(annotation, annotation.created, "datetime", highlight_key, "highlighted_at",
                           source, state, zone)
    updated_at = _date(annotation, annotation.updated, "datetime_updated", highlight_key, "updated_at",
                       source, state, zone)
    page = annotation.page
    return Highlight(
        id=highlight_key, text=annotation.text, note=annotation.note,
        location=page, location_type=LocationType.PAGE if page is not None else None,
        chapter=annotation.chapter, color=annotation.color,
        highlighted_at=highlighted_at, updated_at=updated_at)


def _date(annotation: Annotation, value: Any, name: str, highlight_key: str, field: str, source: str,
          state: ReadState, zone: tzinfo | None) -> datetime | None:
    try:
        return parse_datetime(value, zone)
    except DateError as err:
        state.report(source, annotation.where, f"{name}: {err}; read without it", kept=True)
        state.leave_out(highlight_key, {field})
        return None


def joined_authors(value: Any) -> str | None:
    """KOReader's authors, one a line, joined with ``"; "``; None for none."""
    text = plain_text(value)
    if text is None:
        return None
    return "; ".join(line.strip() for line in text.splitlines() if line.strip()) or None


def _book_title(value: Any) -> str | None:
    return title_from_book_path(value) if isinstance(value, str) else None


def plain_text(value: Any) -> str | None:
    """A string value stripped (None if blank), a number as text, anything else None."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _table(value: Any) -> LuaTable:
    return value if isinstance(value, dict) else {}
