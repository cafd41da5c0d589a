"""Reader ``inbox``: the highlights apps sent to excerpta's ingest endpoint (``excerpta ingest
serve``, or the daemon with an ``[ingest]`` table), kept in the inbox file.

The input ``inbox:`` is the inbox the endpoint writes by default (``EXCERPTA_INBOX``, else
``inbox.jsonl`` in excerpta's state folder); an inbox elsewhere (``[ingest] inbox``) is given
by its path. The file is described in :mod:`excerpta.ingest.inbox`, its highlights' identities
and fields in :mod:`excerpta.ingest.mapping`. A highlight sent again replaces what was sent
before (the fields it sent; those it did not send are kept).

With a cursor (a sync job, a ``convert`` with ``--state``) only the lines added since the
last read are read: the cursor holds where that read ended and a hash of the bytes before
it, so an inbox removed, replaced or cut is read whole again. A missing ``inbox:`` (nothing
sent yet) reads as nothing. A line that is not a highlight the endpoint wrote (the file
edited by hand) is reported and skipped; the endpoint never writes one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from excerpta.adapters import InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.ingest.inbox import HEADER_LINE, default_inbox_path, inbox_lines
from excerpta.ingest.mapping import (
    DOCUMENT_KEYS,
    SAID_DOCUMENT,
    SAID_HIGHLIGHT,
    identities,
    to_document,
    to_highlight,
)
from excerpta.model import Document, Highlight
from excerpta.ordering import reading_order
from excerpta.validation import describe

INPUT = "inbox:"
_TAIL = 256  # the bytes before a cursor's offset that its hash covers

log = logging.getLogger(__name__)


@dataclass
class _Lines:
    """Where a highlight's lines are (byte offset, line number and the document it puts the
    highlight in, of each, in order), and the document its last line puts it in."""

    document_id: str
    lines: list[tuple[int, int, str]] = field(default_factory=list)


class InboxReader(Reader):
    """Reads the ingest endpoint's inbox (``inbox:``, or an inbox file's path)."""

    name = "inbox"
    description = "Highlights apps sent to `excerpta ingest serve` (input `inbox:`), as Readwise takes them"
    self_contained = True
    unknown_when_empty = fields_but(Highlight, *SAID_HIGHLIGHT)
    document_unknown_when_empty = fields_but(Document, *SAID_DOCUMENT)

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.source.strip().lower() == INPUT:
            return 100
        is_inbox = probe.path is not None and not probe.is_dir and probe.head.startswith(HEADER_LINE)
        return 100 if is_inbox else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        named = source.strip().lower() == INPUT
        path = default_inbox_path() if named else Path(source).expanduser()
        if named and not path.exists():
            log.info("%s: %s holds nothing yet (nothing was sent to the ingest endpoint)", source, path)
            return
        offset, line = _resume(path, state.cursor)
        # Two passes, so memory holds where each highlight's lines are, not the highlights: an
        # inbox a whole library was sent to (100,000 highlights) is read in bounded memory.
        books: dict[str, dict[str, None]] = {}  # document id -> its highlights' ids, in order
        found: dict[str, _Lines] = {}
        try:
            for number, raw, after in inbox_lines(path, start=offset, line=line):
                _index(source, number, raw, after - len(raw), state, books, found)
                offset, line = after, number + 1
            with open(path, "rb") as handle:
                for document_id, members in books.items():
                    if members:
                        yield from _document(source, handle, document_id, members, found, state)
        except ValueError as err:  # its first line
            raise InputError(f"{source}: {err}") from None
        except OSError as err:
            raise InputError(f"{source}: cannot read {path} ({err.strerror})") from None
        state.next_cursor = json.dumps({"offset": offset, "line": line, "tail": _tail_hash(path, offset)})


def _index(source: str, number: int, raw: bytes, start: int, state: ReadState,
           books: dict[str, dict[str, None]], found: dict[str, _Lines]) -> None:
    """Note where the inbox line ``raw`` (line ``number``, at byte ``start``) is, under the
    highlight it is a sending of; a line that is none is reported."""
    try:
        document_id, highlight_id = identities(json.loads(raw)["highlight"])
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        state.report(source, number, str(err) if type(err) is ValueError
                     else "not a highlight the ingest endpoint wrote")
        return
    before = found.get(highlight_id)
    if before is None:
        before = found[highlight_id] = _Lines(document_id)
    else:  # sent again: placed again last (in its book, or in the one it moved to)
        books[before.document_id].pop(highlight_id, None)
        before.document_id = document_id
    before.lines.append((start, number, document_id))
    books.setdefault(document_id, {})[highlight_id] = None


def _document(source: str, handle: BinaryIO, document_id: str, members: dict[str, None],
              found: dict[str, _Lines], state: ReadState) -> Iterator[Document]:
    """The document ``document_id`` with its highlights ``members``, each made of its lines
    (what a later line sends replaces an earlier's, what it does not send is kept), the
    document of its highlights' lines in the order they came; none if no highlight is left."""
    book: list[tuple[int, dict[str, Any]]] = []
    highlights = []
    for member in members:
        posted: dict[str, Any] = {}
        arrived = None
        for start, number, put_in in found[member].lines:
            handle.seek(start)
            record = json.loads(handle.readline())
            posted.update(record["highlight"])
            arrived = arrived or _arrived(record.get("at"))
            if put_in == document_id:  # not what it said of a book it left
                book.append((number, record["highlight"]))
        try:
            highlight, unsaid = to_highlight(document_id, posted, arrived)
        except (ValidationError, ValueError) as err:  # a line edited by hand
            state.report(source, number, describe(err) if isinstance(err, ValidationError) else str(err))
            continue
        if unsaid:
            state.leave_out(highlight.id, unsaid)
        highlights.append(highlight)
    said: dict[str, Any] = {}
    for _, posted in sorted(book, key=lambda each: each[0]):
        # The book's spelling as its first line gave it; what else a line sends anew wins.
        said.update({key: posted[key] for key in DOCUMENT_KEYS
                     if key in posted and not (key in ("title", "author") and key in said)})
    try:
        document, unsaid = to_document(said)
    except ValidationError as err:
        state.report(source, book[-1][0], describe(err))
        return
    if highlights:
        state.leave_out_document(document.id, unsaid)
        yield document.model_copy(update={"highlights": list(reading_order(highlights))})


def _arrived(at: Any) -> str | None:
    """The line's ``at`` if it is an ISO 8601 time (a line edited by hand may hold anything)."""
    try:
        return at if isinstance(at, str) and datetime.fromisoformat(at).tzinfo is not None else None
    except ValueError:
        return None


def _resume(path: Path, cursor: str | None) -> tuple[int, int]:
    """Where to start reading (byte offset, its line number): where the cursor's read ended,
    if the file still holds the bytes it read there; else the start."""
    if cursor is None:
        return 0, 1
    try:
        saved = json.loads(cursor)
        offset, line, tail = int(saved["offset"]), int(saved["line"]), str(saved["tail"])
        if 0 < offset <= os.path.getsize(path) and _tail_hash(path, offset) == tail:
            return offset, line
    except (ValueError, KeyError, TypeError, OSError):
        pass
    log.info("%s: read whole (the inbox is not the one the last read ended in)", path)
    return 0, 1


def _tail_hash(path: Path, offset: int) -> str:
    """A hash of the bytes before ``offset`` (up to :data:`_TAIL` of them)."""
    if offset <= 0:
        return ""
    with open(path, "rb") as handle:
        handle.seek(max(0, offset - _TAIL))
        return hashlib.sha256(handle.read(offset - max(0, offset - _TAIL))).hexdigest()
