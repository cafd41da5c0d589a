"""Readwise API v2 objects → canonical documents and highlights: the one mapping.

Both the ``readwise`` reader (live API) and the ``readwise-json`` reader (saved pages) go
through :func:`book_to_document`, so a file and the API give the same ids and fields.

Accepted shapes of a *book*: an ``/api/v2/export/`` ``results[]`` item (``user_book_id``,
``book_tags``, nested ``highlights``) or a ``/api/v2/books/`` item (``id``, ``tags``, no
highlights). Accepted shapes of a *highlight*: an export highlight (``updated_at``) or a
``/api/v2/highlights/`` item (``updated``).

Field by field (Readwise → canonical):

* document ``id`` = ``readwise-<user_book_id>``; ``external_ids`` = ``{"readwise": user_book_id}``
  plus the Reader document ULID (``external_id``) under the book's ``source`` (``"reader"``);
* ``title`` = the full ``title`` (``readable_title`` only when ``title`` is empty: it is a
  shortened, title-cased copy; ``Readwise book <id>`` when both are empty);
  ``readable_title`` = ``readable_title`` when it is not empty and differs from that title (the
  name Readwise's Obsidian plugin shows and names notes by); ``author``,
  ``category`` (unknown values → ``other``), ``source``, ``url`` = ``source_url`` (else
  ``unique_url``), ``cover_image_url``, ``asin``, ``tags`` = names of ``book_tags``,
  ``document_note``, ``summary``;
* highlight ``id`` = ``readwise-<id>``; ``external_ids`` = ``{"readwise": id}`` plus
  ``external_id`` under the book's ``source`` (the Reader highlight ULID for ``reader``), and,
  in a book excerpta's writer made (``source`` ``excerpta``), the library's id its ``url``
  names under ``excerpta`` (:func:`~excerpta.readwise.own_links.sent_ids`);
  ``text``, ``note``, ``location``, ``location_type`` (unknown → ``None``), ``end_location``,
  ``color``, ``highlighted_at``, ``updated_at``, ``url`` (never excerpta's mark), ``tags`` = tag names,
  ``is_favorite``, ``is_deleted``;
* a highlight of a deleted book (``is_deleted`` on the book) is a tombstone too, and the book
  (only when ``is_deleted`` is ``true`` itself) is told to ``delete_document``: Readwise may
  list a deleted book with few or no highlights, and the merge deletes the others it holds;
* ``is_discard`` (discarded in review): a tombstone unless ``keep_discarded``, so a highlight
  discarded after an earlier sync disappears from outputs like a deleted one;
* not kept: ``readwise_url`` (``/bookreview/<id>``, ``/open/<id>``: derived from the ids),
  ``book_id`` (it is the document), ``unique_url`` of a Reader document (derived from its
  ULID) and ``created_at`` (the model has ``highlighted_at`` and ``updated_at``).

* ``location``/``end_location`` sent as a string of digits (``"12"``) become numbers, so they
  sort with the others; another string (``"xii"``) stays a string.

A highlight field that does not fit the model (a date without a time zone, a colour that is a
number) is left out and the highlight kept: reported through ``report_kept(where, reason)``
("read in part") and told to ``leave_out(highlight id, fields)``, so that merging keeps the
library's value of those fields instead of taking the default as "removed". A highlight
without an id, or a live one whose text does not fit, is reported through
``report(where, reason)`` and skipped; a deletion (``is_deleted``) is always kept, whatever
its other fields say. A book that does not fit is a :class:`RecordError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pydantic import ValidationError

from excerpta.identity import source_id
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readwise.own_links import own_link, sent_ids
from excerpta.readwise.records import NAMESPACE, RecordError, book_id_of, readwise_id
from excerpta.readwise.values import choice, external_ids, position, tag_names
from excerpta.validation import describe

PLACEHOLDER_TITLE = "Readwise book {}"  # a book Readwise gave no title (or we only know its id)
_CATEGORIES = {c.value for c in Category}
# What validation may leave out of a highlight and still keep it: every field with a default.
_DROPPABLE = frozenset(name for name, spec in Highlight.model_fields.items() if not spec.is_required())
_LOCATION_TYPES = {t.value for t in LocationType}
# Highlight fields no Readwise API object has: a book read from a Kindle keeps its chapters.
UNKNOWN_WHEN_EMPTY = frozenset({"page", "chapter"})

ProblemReporter = Callable[[str, str], None]
LeftOutReporter = Callable[[str, frozenset[str]], None]  # (highlight or document id, fields left out)
DeletionReporter = Callable[[str, bool], None]  # (document id, deleted as a whole)


class LeftOut(NamedTuple):
    """What :func:`validate_highlight` left out of a highlight, and why."""

    fields: frozenset[str]
    reason: str  # the first problem, and every field left out


def highlight_fields(raw: Mapping[str, Any], *, source: str | None, book_deleted: bool = False,
                     keep_discarded: bool = False) -> dict[str, Any]:
    """The canonical fields of one Readwise highlight (not yet validated).

    Raises RecordError when the highlight has no id (an integer or a non-empty string), or,
    live, no text.
    """
    own_id = readwise_id(raw.get("id"))
    if own_id is None:
        raise RecordError("highlight without id")
    deleted = bool(raw.get("is_deleted")) or book_deleted
    if raw.get("is_discard") and not keep_discarded:
        deleted = True
    text = raw.get("text")
    if text is None and not deleted:  # a page cut short, not an empty highlight: never merged
        raise RecordError('highlight without text (expected "text": a string)')
    return {
        "id": source_id(NAMESPACE, own_id),
        "text": "" if text is None else text,
        "note": raw.get("note"),
        "location": position(raw.get("location")),
        "location_type": choice(raw.get("location_type"), _LOCATION_TYPES, None),
        "end_location": position(raw.get("end_location")),
        "color": raw.get("color"),
        "highlighted_at": raw.get("highlighted_at"),
        "updated_at": raw.get("updated_at", raw.get("updated")),
        "url": own_link(raw.get("url")),  # a highlight_url excerpta sent is no link
        "tags": tag_names(raw.get("tags")),
        "is_favorite": bool(raw.get("is_favorite")),
        "is_deleted": deleted,
        "external_ids": {**external_ids(own_id, raw.get("external_id"), source),
                         **sent_ids(raw.get("url"), source)},
    }


# The keys each Highlight field is read from: a highlight holding none of them does not say
# that field (a page a proxy cut short), so the library keeps its note, tags, favourite...
_HIGHLIGHT_KEYS = {
    "note": ("note",), "tags": ("tags",), "is_favorite": ("is_favorite",), "color": ("color",),
    "location": ("location",), "location_type": ("location_type",), "end_location": ("end_location",),
    "url": ("url",), "highlighted_at": ("highlighted_at",), "updated_at": ("updated_at", "updated"),
    "is_deleted": ("is_deleted",),  # never a deletion undone by a page without the flag
}


def unsaid_highlight_fields(raw: Mapping[str, Any]) -> frozenset[str]:
    """The Highlight fields ``raw`` holds no key for, so does not say (see ``_HIGHLIGHT_KEYS``)."""
    return frozenset(name for name, keys in _HIGHLIGHT_KEYS.items() if not any(key in raw for key in keys))


# The keys each Document field is read from: a record holding none of them (a ``/books/``
# item has no ``summary``) does not say that field.
_DOCUMENT_KEYS = {
    "readable_title": ("readable_title",), "author": ("author",), "category": ("category",),
    "source": ("source",),
    "url": ("source_url", "unique_url"), "cover_image_url": ("cover_image_url",), "asin": ("asin",),
    "tags": ("book_tags", "tags"), "document_note": ("document_note",), "summary": ("summary",),
}


def unsaid_document_fields(book: Mapping[str, Any]) -> frozenset[str]:
    """The Document fields ``book`` holds no key for, so does not say (see ``_DOCUMENT_KEYS``),
    and its title when it gives none (no key, or null or empty: the placeholder
    :func:`document_fields` puts instead is no title, and only a new book keeps it)."""
    unsaid = {name for name, keys in _DOCUMENT_KEYS.items() if not any(key in book for key in keys)}
    if not (book.get("title") or book.get("readable_title")):
        unsaid.add("title")
    return frozenset(unsaid)


def document_fields(book: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical fields of one Readwise book, without highlights (not yet validated).

    Raises RecordError when the book has no id.
    """
    own_id = book_id_of(book)
    source = book.get("source") or None
    readable = book.get("readable_title")
    title = book.get("title") or readable or PLACEHOLDER_TITLE.format(own_id)
    # Only a name to show: one that is no text is left out rather than losing the book.
    if not isinstance(readable, str) or not readable.strip() or readable == title:
        readable = None
    return {
        "id": source_id(NAMESPACE, own_id),
        "title": title,
        "readable_title": readable,
        "author": book.get("author"),
        "category": choice(book.get("category"), _CATEGORIES, Category.OTHER),
        "source": source,
        "url": book.get("source_url") or book.get("unique_url"),
        "cover_image_url": book.get("cover_image_url"),
        "asin": book.get("asin"),
        "tags": tag_names(book.get("book_tags", book.get("tags"))),
        "document_note": book.get("document_note"),
        "summary": book.get("summary"),
        "external_ids": external_ids(own_id, book.get("external_id"), source),
    }


def validate_highlight(fields: Mapping[str, Any]) -> tuple[Highlight, LeftOut | None]:
    """The Highlight of :func:`highlight_fields`, and what was left out of it (None: nothing).

    Fields that do not validate and have a default are left out (a deletion keeps an empty
    text too); the reason names the first problem and every field left out. Raises
    RecordError when the highlight cannot be kept.
    """
    try:
        return Highlight.model_validate(fields), None
    except ValidationError as err:
        bad = {str(error["loc"][0]) for error in err.errors() if error["loc"]}
        reason = describe(err)
        allowed = _DROPPABLE | ({"text"} if fields.get("is_deleted") is True else set())
        if not bad or not bad <= allowed:
            raise RecordError(reason) from None
    kept = {name: value for name, value in fields.items() if name not in bad}
    if "text" in bad:
        kept["text"] = ""
    try:
        return Highlight.model_validate(kept), LeftOut(
            frozenset(bad), f"{reason}; read without {', '.join(sorted(bad))}")
    except ValidationError as err:
        raise RecordError(describe(err)) from None


def book_to_document(book: Mapping[str, Any], report: ProblemReporter, *,
                     keep_discarded: bool = False, report_kept: ProblemReporter | None = None,
                     leave_out: LeftOutReporter | None = None,
                     delete_document: DeletionReporter | None = None,
                     leave_out_document: LeftOutReporter | None = None) -> Document:
    """Map one Readwise book (with its nested highlights, if any) to a canonical Document.

    A highlight that cannot be kept is reported as ``report("highlights[i]", reason)`` and
    left out; one kept without some fields (see :func:`validate_highlight`) is reported as
    ``report_kept("highlights[i]", reason)`` (default: ``report``) and, given ``leave_out``
    (a reader passes ``ReadState.leave_out``), told as ``leave_out(highlight id, fields)``,
    with the fields it holds no key for (:func:`unsaid_highlight_fields`).
    Given ``delete_document`` (``ReadState.delete_document``), every mapped book is told as
    ``delete_document(document id, deleted)``: deleted when its ``is_deleted`` is ``true``
    (JSON's true alone: the same rule marks the highlights it lists deleted).
    Given ``leave_out_document`` (``ReadState.leave_out_document``), the Document fields the
    book has no key for are told as ``leave_out_document(document id, fields)``, for the merge
    to keep the library's value of each.
    Raises RecordError (with the reason) when the book itself is unusable.
    """
    if not isinstance(book, Mapping):
        raise RecordError("expected a book object")
    try:
        fields = document_fields(book)
        document = Document.model_validate(fields)
    except ValidationError as err:
        raise RecordError(describe(err)) from None
    raw_highlights = book.get("highlights") or []
    if not isinstance(raw_highlights, list):
        raise RecordError("highlights: expected a list")
    source = fields["source"]
    # Only the explicit flag, for the listed highlights and the whole book alike: an empty or
    # odd value must never delete a book, in part or as a whole.
    book_deleted = book.get("is_deleted") is True
    highlights = []
    for index, raw in enumerate(raw_highlights):
        where = f"highlights[{index}]"
        try:
            if not isinstance(raw, Mapping):
                raise RecordError("expected a highlight object")
            highlight, left_out = validate_highlight(highlight_fields(
                raw, source=source, book_deleted=book_deleted, keep_discarded=keep_discarded))
        except RecordError as err:
            report(where, str(err))
            continue
        if left_out is not None:
            (report_kept or report)(where, left_out.reason)
        unsaid = unsaid_highlight_fields(raw) | (left_out.fields if left_out is not None else frozenset())
        if leave_out is not None and unsaid:
            leave_out(highlight.id, unsaid)
        highlights.append(highlight)
    document.highlights = highlights
    if leave_out_document is not None and (unsaid := unsaid_document_fields(book)):
        leave_out_document(document.id, unsaid)
    if delete_document is not None:
        delete_document(document.id, book_deleted)
    return document
