"""Reader ``hypothesis``: Hypothesis annotations saved as JSON.

Reads a file, or a folder of ``*.json`` files (in name order), holding any of:

* an ``/api/search`` answer ``{"total", "rows": [annotation, ...]}``, or a list of them
  (one per page of a ``search_after`` pagination);
* the Hypothesis client's export ``{"export_date", "export_userid", "annotations": [...]}``;
* a bare list of annotations, or one annotation.

How an annotation becomes a highlight is :mod:`excerpta.hypothesis.mapping`, shared with
the ``hypothesis-api`` reader (the live API, input ``hypothesis:``): the same annotation
read from a saved file or from the API has the same id. Replies are not read (counted with
``-v``).

A record that is not an annotation, or lacks its id or ``uri``, is reported and skipped; a
date that does not parse is reported and left out (the highlight kept). A single file that
is not JSON, or holds no annotation, is an InputError; in a folder such a file is reported
and the other files are read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from excerpta import json_load
from excerpta.adapters import ReadState, fields_but
from excerpta.errors import InputError
from excerpta.hypothesis.mapping import SAID_DOCUMENT, SAID_HIGHLIGHT, annotations_to_documents, replies_said
from excerpta.model import Document, Highlight
from excerpta.readers.json_files import JsonFilesReader, has_key

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
    document_unknown_when_empty = fields_but(Document, *SAID_DOCUMENT)

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
        documents, replies = annotations_to_documents(source, records, state)
        if replies:
            log.info("%s: %s", source, replies_said(replies))
        yield from documents


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
