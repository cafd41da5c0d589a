"""How a Hypothesis annotation becomes a canonical highlight: shared by the ``hypothesis``
reader (annotations saved as JSON) and the ``hypothesis-api`` reader (the live API), so an
annotation read either way has the same id and the same fields, and a library fed by both
holds it once.

One document per annotated page (its ``uri``; titled by ``document.title``, else the URI),
one highlight per annotation, keyed by the annotation's own id (``hypothesis-<id>``). The
highlighted text is the ``TextQuoteSelector``'s ``exact``; the note the annotation's
``text`` (Markdown); tags, created and updated times, the in-context link, the character
offsets of the ``TextPositionSelector`` (``location_type`` ``offset``), a PDF's
``PageSelector`` label (the page) and an EPUB's ``EPUBContentSelector`` title (the chapter)
are kept. A page note (no selector) is a note with no highlighted text. Replies (an
annotation with ``references``) are a conversation, not the reader's highlights: they are
not read, only counted.

A record that is not an annotation, or lacks its id or ``uri``, is reported and skipped; a
date that does not parse is reported and left out (the highlight kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from excerpta.adapters import ReadState
from excerpta.identity import document_id, source_id
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.validation import describe

NAMESPACE = "hypothesis"
SAID_HIGHLIGHT = ("text", "note", "location", "location_type", "end_location", "page", "chapter",
                  "highlighted_at", "updated_at", "url", "tags", "external_ids")
SAID_DOCUMENT = ("title", "url", "category", "source", "external_ids")


class RecordError(ValueError):
    """An annotation that cannot be read (the reason is the message)."""


def annotations_to_documents(source: str, records: Iterable[tuple[str, Any]],
                             state: ReadState) -> tuple[list[Document], int]:
    """The documents of ``records`` (``(where, annotation)`` pairs), each page's highlights in
    reading order, and how many replies were left unread. A record that cannot be read is
    reported on ``state`` (named by ``source`` and its ``where``) and skipped."""
    documents: dict[str, Document] = {}
    replies = 0
    for where, record in records:
        if not isinstance(record, Mapping) or not isinstance(record.get("target"), list):
            state.report(source, where, "not a Hypothesis annotation (no target list)")
            continue
        if record.get("references"):
            replies += 1
            continue
        try:
            document, highlight = annotation_to_highlight(source, where, record, state)
        except RecordError as err:
            state.report(source, where, str(err))
            continue
        documents.setdefault(document.id, document).highlights.append(highlight)
    for document in documents.values():
        document.highlights.sort(key=reading_order)
    return list(documents.values()), replies


def replies_said(replies: int) -> str:
    """``3 replies not read (…)``: the -v line of a read that left replies out."""
    return (f"{replies} repl{'y' if replies == 1 else 'ies'} not read "
            "(a reply is a conversation, not a highlight)")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _selectors(record: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The first selector of each type of the annotation's first target."""
    found: dict[str, Mapping[str, Any]] = {}
    target = record["target"][0] if record["target"] else {}
    selectors = target.get("selector") if isinstance(target, Mapping) else None
    for selector in selectors if isinstance(selectors, list) else ():
        if isinstance(selector, Mapping) and isinstance(selector.get("type"), str):
            found.setdefault(selector["type"], selector)
    return found


def _when(source: str, where: str, record: Mapping[str, Any], key: str, state: ReadState,
          highlight: str) -> datetime | None:
    value = record.get(key)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        state.report(source, where, f"{key} {value!r} is not an ISO 8601 time with an offset; "
                                    "read without it", kept=True)
        state.leave_out(highlight, ["highlighted_at" if key == "created" else "updated_at"])
        return None
    return moment


def _document(record: Mapping[str, Any]) -> Document:
    uri = _text(record.get("uri"))
    if uri is None:
        raise RecordError('no "uri": the page it annotates')
    titles = record.get("document", {}).get("title") if isinstance(record.get("document"), Mapping) else None
    title = next((t.strip() for t in titles if _text(t)), None) if isinstance(titles, list) else None
    web = uri.startswith(("http://", "https://"))
    return Document(id=document_id(None, url=uri), title=title or uri, url=uri if web else None,
                    category=Category.ARTICLES if web else None, source=NAMESPACE,
                    external_ids={f"{NAMESPACE}_uri": uri})


class _Unsaid:
    """The values of one annotation that are there but of the wrong type: each is reported
    (read in part) and its highlight field left out, so a library keeps the value it holds."""

    def __init__(self) -> None:
        self.wrong: list[tuple[str, str, tuple[str, ...]]] = []  # (where in the record, expected, fields)

    def text(self, value: Any, where: str, field: str) -> str | None:
        if value is not None and not isinstance(value, str):
            self.wrong.append((where, "a string", (field,)))
            return None
        return _text(value)

    def report(self, source: str, where: str, state: ReadState, highlight: str) -> None:
        for inner, expected, fields in self.wrong:
            state.report(source, where, f"{inner}: expected {expected}; read without it", kept=True)
            state.leave_out(highlight, fields)


def annotation_to_highlight(source: str, where: str, record: Mapping[str, Any],
                            state: ReadState) -> tuple[Document, Highlight]:
    """The document (page) and highlight of one annotation ``record`` (not a reply).

    A value of the wrong type is reported on ``state`` (read in part) and left out; raises
    RecordError when the annotation cannot be read at all (no id, no uri, no text).
    """
    own_id = _text(record.get("id"))
    if own_id is None:
        raise RecordError('no "id"')
    document = _document(record)
    highlight = source_id(NAMESPACE, own_id)
    selectors = _selectors(record)
    quote = selectors.get("TextQuoteSelector", {}).get("exact")
    if quote is not None and not isinstance(quote, str):
        raise RecordError("TextQuoteSelector.exact: expected a string (the highlighted text)")
    unsaid = _Unsaid()
    note = unsaid.text(record.get("text"), "text", "note")
    if quote is None or not quote.strip():
        quote = ""
        if note is None:
            raise RecordError("neither highlighted text nor a note")
    position = selectors.get("TextPositionSelector", {})
    start, end = position.get("start"), position.get("end")
    offsets = type(start) is int and type(end) is int and 0 <= start <= end
    if position and not offsets:
        unsaid.wrong.append(("TextPositionSelector", "whole-number offsets, start <= end",
                             ("location", "end_location", "location_type")))
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        unsaid.wrong.append(("tags", "a list of strings", ("tags",)))
        tags = []
    links = record.get("links") if isinstance(record.get("links"), Mapping) else {}
    try:
        made = Highlight(
            id=highlight, text=quote, note=note,
            location=start if offsets else None, end_location=end if offsets else None,
            location_type=LocationType.OFFSET if offsets else None,
            page=unsaid.text(selectors.get("PageSelector", {}).get("label"), "PageSelector.label", "page"),
            chapter=unsaid.text(selectors.get("EPUBContentSelector", {}).get("title"),
                                "EPUBContentSelector.title", "chapter"),
            highlighted_at=_when(source, where, record, "created", state, highlight),
            updated_at=_when(source, where, record, "updated", state, highlight),
            url=_text(links.get("incontext")) or _text(links.get("html")),
            tags=[tag.strip() for tag in tags if tag.strip()], external_ids={NAMESPACE: own_id})
    except ValidationError as err:
        raise RecordError(describe(err)) from None
    unsaid.report(source, where, state, highlight)
    return document, made


def reading_order(highlight: Highlight) -> tuple[int, int, str]:
    """The sort key of a page's highlights."""
    # A page note (no offset) first, then the page's highlights in text order; equal places
    # by creation time.
    start = highlight.location if isinstance(highlight.location, int) else -1
    return (start, int(highlight.highlighted_at.timestamp()) if highlight.highlighted_at else 0, highlight.id)
