"""Reader ``hypothesis``: Hypothesis annotations saved as JSON.

Reads a file, or a folder of ``*.json`` files (in name order), holding any of:

* an ``/api/search`` answer ``{"total", "rows": [annotation, ...]}``, or a list of them
  (one per page of a ``search_after`` pagination);
* the Hypothesis client's export ``{"export_date", "export_userid", "annotations": [...]}``;
* a bare list of annotations, or one annotation.

One document per annotated page (its ``uri``; titled by ``document.title``, else the URI),
one highlight per annotation, keyed by the annotation's own id, so a highlight edited in
Hypothesis and saved again updates, never duplicates. The highlighted text is the
``TextQuoteSelector``'s ``exact``; the note the annotation's ``text`` (Markdown); tags,
created and updated times, the in-context link, the character offsets of the
``TextPositionSelector`` (``location_type`` ``offset``), a PDF's ``PageSelector`` label (the
page) and an EPUB's ``EPUBContentSelector`` title (the chapter) are kept. A page note (no
selector) is a note with no highlighted text. Replies (an annotation with ``references``)
are a conversation, not the reader's highlights: they are not read (counted with ``-v``).

A record that is not an annotation, or lacks its id or ``uri``, is reported and skipped; a
date that does not parse is reported and left out (the highlight kept). A single file that
is not JSON, or holds no annotation, is an InputError; in a folder such a file is reported
and the other files are read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from excerpta import json_load
from excerpta.adapters import ReadState, fields_but
from excerpta.errors import InputError
from excerpta.identity import document_id, source_id
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.json_files import JsonFilesReader, has_key
from excerpta.validation import describe

NAMESPACE = "hypothesis"
SAID_HIGHLIGHT = ("text", "note", "location", "location_type", "end_location", "page", "chapter",
                  "highlighted_at", "updated_at", "url", "tags", "external_ids")
_USER = re.compile(r'"user"\s*:\s*"acct:')
_ANNOTATION_KEYS = ('"target"', '"uri"')
_CONTAINER_KEYS = ('"rows"', '"annotations"')

log = logging.getLogger(__name__)


class HypothesisReader(JsonFilesReader):
    """Reads Hypothesis annotations saved as JSON (API search answers, the client's export)."""

    name = "hypothesis"
    self_contained = True
    description = "Hypothesis annotations saved as JSON (/api/search answers or the client's export)"
    unknown_when_empty = fields_but(Highlight, *SAID_HIGHLIGHT)
    document_unknown_when_empty = fields_but(Document, "title", "url", "category", "source", "external_ids")

    @classmethod
    def probe_score(cls, head: str) -> int:
        if not head.lstrip().startswith(("{", "[")) or not _USER.search(head):
            return 0
        if all(has_key(head, key) for key in _ANNOTATION_KEYS):
            return 95  # above jsonl's claim on a one-line file whose first line holds "document"
        # The first annotation may start past the head (a long export header): its container.
        return 70 if any(has_key(head, key) for key in _CONTAINER_KEYS) else 0

    def read_file(self, source: str, state: ReadState) -> Iterator[Document]:
        data = json_load.load_file(source, source)
        records = list(_records(data))
        # An empty page (a search that found nothing, the last page of a pagination) holds
        # nothing to read, and is no error; JSON holding no page and no annotation is.
        if not records and not (_is_page(data) or (isinstance(data, list) and data
                                and all(_is_page(item) for item in data))):
            raise InputError(f"{source}: expected Hypothesis annotations (an /api/search answer "
                             'with "rows", or an export with "annotations")')
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
                document, highlight = _annotation(source, where, record, state)
            except _RecordError as err:
                state.report(source, where, str(err))
                continue
            documents.setdefault(document.id, document).highlights.append(highlight)
        if replies:
            log.info("%s: %d repl%s not read (a reply is a conversation, not a highlight)",
                     source, replies, "y" if replies == 1 else "ies")
        for document in documents.values():
            document.highlights.sort(key=_reading_order)
            yield document


class _RecordError(ValueError):
    """An annotation that cannot be read (the reason is the message)."""


def _is_page(value: Any) -> bool:
    return isinstance(value, Mapping) and (isinstance(value.get("rows"), list)
                                           or isinstance(value.get("annotations"), list))


def _page_items(page: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    key = "rows" if isinstance(page.get("rows"), list) else "annotations"
    for index, record in enumerate(page[key]):
        yield f"{prefix}{key}[{index}]", record


def _records(data: Any) -> Iterator[tuple[str, Any]]:
    """Every annotation record of ``data`` with where it sits (``[1].rows[4]``)."""
    if _is_page(data):
        yield from _page_items(data, "")
    elif isinstance(data, list):
        for outer, item in enumerate(data):
            if _is_page(item):
                yield from _page_items(item, f"[{outer}].")
            else:
                yield f"[{outer}]", item
    elif isinstance(data, Mapping) and "target" in data:
        yield "annotation", data


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
        raise _RecordError('no "uri": the page it annotates')
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


def _annotation(source: str, where: str, record: Mapping[str, Any],
                state: ReadState) -> tuple[Document, Highlight]:
    own_id = _text(record.get("id"))
    if own_id is None:
        raise _RecordError('no "id"')
    document = _document(record)
    highlight = source_id(NAMESPACE, own_id)
    selectors = _selectors(record)
    quote = selectors.get("TextQuoteSelector", {}).get("exact")
    if quote is not None and not isinstance(quote, str):
        raise _RecordError("TextQuoteSelector.exact: expected a string (the highlighted text)")
    unsaid = _Unsaid()
    note = unsaid.text(record.get("text"), "text", "note")
    if quote is None or not quote.strip():
        quote = ""
        if note is None:
            raise _RecordError("neither highlighted text nor a note")
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
        raise _RecordError(describe(err)) from None
    unsaid.report(source, where, state, highlight)
    return document, made


def _reading_order(highlight: Highlight) -> tuple[int, int, str]:
    # A page note (no offset) first, then the page's highlights in text order; equal places
    # by creation time.
    start = highlight.location if isinstance(highlight.location, int) else -1
    return (start, int(highlight.highlighted_at.timestamp()) if highlight.highlighted_at else 0, highlight.id)
