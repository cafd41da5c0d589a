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
from typing import Any

from pydantic import ValidationError

from excerpta.adapters import InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.ingest.inbox import HEADER_LINE, default_inbox_path, inbox_lines
from excerpta.ingest.mapping import SAID_DOCUMENT, SAID_HIGHLIGHT, to_document, to_highlight
from excerpta.model import Document, Highlight
from excerpta.ordering import reading_order
from excerpta.validation import describe

INPUT = "inbox:"
_TAIL = 256  # the bytes before a cursor's offset that its hash covers

log = logging.getLogger(__name__)


@dataclass
class _Held:
    """A document or highlight as the lines read so far say it, and the fields none said."""

    model: Any
    unsaid: frozenset[str]
    members: dict[str, None] = field(default_factory=dict)  # a document's highlight ids, in order


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
        documents: dict[str, _Held] = {}
        highlights: dict[str, tuple[str, _Held]] = {}
        try:
            for number, raw, after in inbox_lines(path, start=offset, line=line):
                offset, line = after, number + 1
                _take(source, number, raw, state, documents, highlights)
        except ValueError as err:  # its first line
            raise InputError(f"{source}: {err}") from None
        except OSError as err:
            raise InputError(f"{source}: cannot read {path} ({err.strerror})") from None
        for document_id, held in documents.items():
            if not held.members:
                continue
            if held.unsaid:
                state.leave_out_document(document_id, held.unsaid)
            members = [highlights[member][1] for member in held.members]
            for member in members:
                if member.unsaid:
                    state.leave_out(member.model.id, member.unsaid)
            ordered = reading_order([member.model for member in members])
            yield held.model.model_copy(update={"highlights": list(ordered)})
        state.next_cursor = json.dumps({"offset": offset, "line": line, "tail": _tail_hash(path, offset)})


def _take(source: str, number: int, raw: bytes, state: ReadState, documents: dict[str, _Held],
          highlights: dict[str, tuple[str, _Held]]) -> None:
    """Fold the inbox line ``raw`` (line ``number``) into what was read before it."""
    try:
        record = json.loads(raw)
        posted = record["highlight"]
        document, document_unsaid = to_document(posted)
        highlight, unsaid = to_highlight(document.id, posted, _arrived(record.get("at")))
    except ValidationError as err:
        state.report(source, number, describe(err))
        return
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        state.report(source, number, str(err) if type(err) is ValueError and not isinstance(
            err, json.JSONDecodeError) else "not a highlight the ingest endpoint wrote")
        return
    held_document = documents.get(document.id)
    if held_document is None:
        documents[document.id] = _Held(document, document_unsaid)
    else:  # what it does not say (its spelling among them) as the first line said it
        held_document.model = _merged(held_document.model, document, document_unsaid)
        held_document.unsaid &= document_unsaid
    before = highlights.get(highlight.id)
    if before is not None:
        previous_document, held = before
        highlight = _merged(held.model, highlight, unsaid)
        unsaid &= held.unsaid
        documents[previous_document].members.pop(highlight.id, None)  # moved, or placed again last
    highlights[highlight.id] = (document.id, _Held(highlight, unsaid))
    documents[document.id].members[highlight.id] = None


def _arrived(at: Any) -> str | None:
    """The line's ``at`` if it is an ISO 8601 time (a line edited by hand may hold anything)."""
    try:
        return at if isinstance(at, str) and datetime.fromisoformat(at).tzinfo is not None else None
    except ValueError:
        return None


def _merged(earlier: Any, later: Any, unsaid: frozenset[str]) -> Any:
    """``later``, with the fields it does not say taken from ``earlier``."""
    return later.model_copy(update={name: getattr(earlier, name) for name in unsaid}) if unsaid else later


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
