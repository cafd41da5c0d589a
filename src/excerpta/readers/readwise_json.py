"""Reader ``readwise-json``: Readwise API v2 responses saved to disk.

Reads a file, or a folder of ``*.json`` files (in name order), holding any of:

* an ``/api/v2/export/`` page ``{"count", "nextPageCursor", "results": [book, ...]}``;
* a list of such pages, or a bare list of export ``results[]`` items, or one item;
* ``/api/v2/books/`` items (documents without highlights) and ``/api/v2/highlights/`` items,
  alone, in a list, or in a ``{"count", "next", "results"}`` page.

Every book goes through :func:`excerpta.readwise.mapping.book_to_document`, the mapping the
``readwise`` API reader uses, so ids and fields are the same whichever way they came, and a
book saved as deleted (``is_deleted``) deletes every highlight the library holds of it.
A ``/highlights/`` item carries no book title: its document is titled ``Readwise book <id>``
unless a book with that id is in the same input. A record that cannot be mapped is reported
and skipped. A single file that is not JSON, or holds nothing Readwise-shaped, is an
InputError; in a folder such a file is reported and the other files are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from excerpta import json_load
from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.model import Document, Highlight, PlaceholderDocument
from excerpta.readers.json_files import JsonFilesReader, has_key
from excerpta.readwise.mapping import (
    PLACEHOLDER_TITLE,
    UNKNOWN_WHEN_EMPTY,
    book_to_document,
    highlight_fields,
)
from excerpta.readwise.options import ReadwiseOptions
from excerpta.readwise.records import NAMESPACE, RecordError, highlight_book_id, is_book, is_highlight
from excerpta.validation import describe

PROBE_MARKERS = ('"nextPageCursor"', '"user_book_id"')  # export pages and their items
WEAK_PROBE_MARKERS = ('"highlights_url"', '"location_type"')  # /books/ and /highlights/ items


class ReadwiseJsonReader(JsonFilesReader):
    """Reads saved Readwise API v2 responses (export pages above all)."""

    name = "readwise-json"
    self_contained = True
    description = "Readwise API v2 /export/ pages saved as JSON (a file, a list of pages, or a folder)"
    options_model = ReadwiseOptions
    options: ReadwiseOptions
    unknown_when_empty = UNKNOWN_WHEN_EMPTY  # see Reader

    @classmethod
    def probe_score(cls, head: str) -> int:
        if not head.lstrip().startswith(("{", "[")):
            return 0
        if has_key(head, *PROBE_MARKERS):
            return 90
        if has_key(head, '"book_id"') and has_key(head, *WEAK_PROBE_MARKERS):
            return 70
        return 70 if has_key(head, '"highlights_url"') and has_key(head, '"num_highlights"') else 0

    def read_file(self, source: str, state: ReadState) -> Iterator[Document]:
        data = json_load.load_file(source, source)
        records = list(_records(data))
        if not records:
            raise InputError(f"{source}: expected Readwise API JSON (an /export/ page or its results)")
        keep_discarded = self.options.keep_discarded
        books: dict[str, Document] = {}
        loose: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        for where, record in records:
            if is_book(record):
                document = _map_book(source, where, record, state, keep_discarded)
                if document is not None:
                    books[document.id] = document
                    yield document
            elif is_highlight(record):
                try:
                    loose.setdefault(highlight_book_id(record), []).append((where, record))
                except RecordError as err:
                    state.report(source, where or None, str(err))
            else:
                state.report(source, where, "not a Readwise book or highlight")
        for doc_id, items in loose.items():
            yield _loose_document(source, doc_id, items, books.get(doc_id), state, keep_discarded)


def _is_page(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("results"), list)


def _records(data: Any) -> Iterator[tuple[str, Any]]:
    """Every book or highlight record of ``data`` with where it sits (``[1].results[4]``)."""
    if _is_page(data):
        for index, record in enumerate(data["results"]):
            yield f"results[{index}]", record
    elif isinstance(data, list):
        for outer, item in enumerate(data):
            if _is_page(item):
                for index, record in enumerate(item["results"]):
                    yield f"[{outer}].results[{index}]", record
            else:
                yield f"[{outer}]", item
    elif isinstance(data, Mapping) and (is_book(data) or is_highlight(data)):
        yield "", data


def _map_book(source: str, where: str, record: Mapping[str, Any], state: ReadState,
              keep_discarded: bool) -> Document | None:
    def report(inner: str, reason: str, kept: bool = False) -> None:
        state.report(source, f"{where}.{inner}" if where else inner, reason, kept=kept)

    def report_kept(inner: str, reason: str) -> None:
        report(inner, reason, kept=True)

    try:
        return book_to_document(record, report, keep_discarded=keep_discarded, report_kept=report_kept,
                                leave_out=state.leave_out, delete_document=state.delete_document,
                                leave_out_document=state.leave_out_document)
    except RecordError as err:
        state.report(source, where or None, str(err))
        return None


def _loose_document(source: str, doc_id: str, items: list[tuple[str, Mapping[str, Any]]],
                    book: Document | None, state: ReadState, keep_discarded: bool) -> Document:
    """The document of ``/highlights/`` items: their book if the input had it, else a stub."""
    book_id = doc_id.removeprefix(f"{NAMESPACE}-")
    if book is not None:
        document = book.model_copy(deep=True)
    else:
        # Only the book id is known: a library that has the book from another file keeps its
        # title and author (a /books/ response saved beside this /highlights/ one).
        document = PlaceholderDocument(id=doc_id, title=PLACEHOLDER_TITLE.format(book_id),
                                       external_ids={NAMESPACE: book_id})
    source_name = document.source
    highlights = list(document.highlights)
    for where, raw in items:
        try:
            highlights.append(Highlight.model_validate(
                highlight_fields(raw, source=source_name, keep_discarded=keep_discarded)))
        except ValidationError as err:
            state.report(source, where or None, describe(err))
        except RecordError as err:
            state.report(source, where or None, str(err))
    document.highlights = highlights
    return document
