"""The store interface: what the rest of excerpta may ask of the state, whatever backs it.

Today one SQLite file backs it (:class:`excerpta.store.sqlite.SQLiteStore`); a hosted
deployment would add a PostgreSQL implementation of the same protocol, not rewrite callers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from excerpta.model import Document
from excerpta.output_records import OutputRecord


@dataclass
class MergeStats:
    """What a merge changed. ``changed_document_ids`` are the documents to re-render."""

    documents_added: int = 0
    documents_updated: int = 0
    highlights_added: int = 0
    highlights_updated: int = 0
    highlights_unchanged: int = 0
    changed_document_ids: set[str] = field(default_factory=set)

    def add(self, other: MergeStats) -> None:
        """Accumulate ``other`` into this one."""
        self.documents_added += other.documents_added
        self.documents_updated += other.documents_updated
        self.highlights_added += other.highlights_added
        self.highlights_updated += other.highlights_updated
        self.highlights_unchanged += other.highlights_unchanged
        self.changed_document_ids |= other.changed_document_ids


@dataclass(frozen=True)
class RunRecord:
    """One logged run of a job."""

    id: int
    job: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: dict[str, int]
    error: str | None


@dataclass(frozen=True)
class MergeRules:
    """What a read says besides its documents, for :meth:`LibraryStore.merge` (see there).

    ``keep``/``keep_document``: the Highlight/Document fields its format never says (a
    reader's ``unknown_when_empty``/``document_unknown_when_empty``); ``left_out``/
    ``document_left_out``: by highlight/document id, the fields this read did not say (a
    ``ReadState``'s, filled while the documents are consumed); ``deleted``: the documents its
    source deleted as a whole; ``resaves``: whether its highlights may be re-saved copies of
    the library's (``Reader.resaves``); ``edited``: whether its highlights and documents edited
    at their source come with new ids (``Reader.edited_copies``), for ``unify``; ``unify``:
    whether its documents and highlights may be ones another source gave the library under
    other ids (a reader that derives its ids, not ``Reader.library_ids``, whose aliased ids
    are only looked up; see :mod:`excerpta.store.unify` and :mod:`excerpta.store.aliased`);
    ``reader``: for ``unify``, the source read (a reader's name; None: not known), so that a
    document held under the id it derives and read from another source is matched as one held
    from several.
    """

    keep: frozenset[str] = frozenset()
    keep_document: frozenset[str] = frozenset()
    left_out: Mapping[str, frozenset[str]] = field(default_factory=dict)
    document_left_out: Mapping[str, frozenset[str]] = field(default_factory=dict)
    deleted: Collection[str] = frozenset()
    resaves: bool = False
    edited: bool = False
    unify: bool = False
    reader: str | None = None


class LibraryStore(Protocol):
    """Library + cursors + output manifest + run log.

    ``merge`` upserts by id: merging the same input twice changes nothing; an edited highlight
    is updated in place; a highlight absent from a later (partial) read is kept, never
    deleted (deletions arrive as ``is_deleted`` tombstones). Document fields are replaced by
    the latest copy, and so are highlight fields, except those named in the ``rules``'
    (:class:`MergeRules`) ``keep`` (highlight fields the incoming format never carries or
    cannot take back, see ``Reader.unknown_when_empty``) and ``keep_document`` (document
    fields, see ``Reader.document_unknown_when_empty``): an empty incoming value (None, "", [],
    {}, False) there leaves the stored one; so does one of the fields ``left_out`` names for
    that highlight (highlight id -> fields the reader left out of it, see
    ``ReadState.left_out``) or ``document_left_out`` for that document (see
    ``ReadState.document_left_out``); both are consulted as each document is merged, so a
    reader may fill them while ``documents`` is being consumed. Highlights keep their
    first-seen order. ``deleted`` names documents their source deleted as a whole (see ``ReadState.deleted``):
    once ``documents`` is consumed (a reader tells them as it reads), every live highlight the
    library holds of them is marked deleted, counted in ``highlights_updated`` and its document
    in ``changed_document_ids``, as a tombstone read for it would be. Nothing else deletes.
    With ``resaves`` (see ``Reader.resaves``), a highlight re-saved with its selection extended
    or shortened takes the id of the copy the library holds (see :mod:`excerpta.store.resaves`).
    With ``unify``, a document or highlight another source gave under another id takes the
    library's id (see :mod:`excerpta.store.unify`); without it, only the ids the library holds
    as such a source's (aliases), and not as its own, do (see :mod:`excerpta.store.aliased`).

    ``transaction()`` makes everything done through the store inside it (merges, cursors,
    output records) land together or not at all; one opened inside another joins it.
    """

    def transaction(self) -> AbstractContextManager[object]: ...

    def merge(self, documents: Iterable[Document], rules: MergeRules | None = None) -> MergeStats: ...

    def documents(self, ids: Iterable[str] | None = None) -> Iterator[Document]: ...

    def highlight_sources(self, document_id: str) -> dict[str, frozenset[str]]: ...

    def counts(self) -> dict[str, int]: ...

    def fingerprint(self) -> str: ...

    def cursor(self, job: str, source: str) -> str | None: ...

    def commit_outputs(self, records: Iterable[OutputRecord],
                       cursors: Iterable[tuple[str, str, str]] = ()) -> None: ...

    def output_at(self, path: str) -> OutputRecord | None: ...

    def outputs_for(self, job: str, writer: str) -> dict[str, OutputRecord]: ...

    def output_history(self, job: str, writer: str) -> dict[str, list[OutputRecord]]: ...

    def start_run(self, job: str) -> int: ...

    def finish_run(self, run_id: int, status: str, counts: dict[str, int],
                   error: str | None = None) -> None: ...

    def log_ended_run(self, job: str, status: str, error: str | None = None) -> None: ...

    def runs(self, job: str | None = None, *, limit: int = -1) -> list[RunRecord]: ...

    def close(self) -> None: ...


class Renamed(Mapping[str, Any]):
    """A mapping keyed by incoming ids (a reader's left-out fields), keyed instead by the
    library's ids a match gave them (``renamed``: the library's id -> the incoming one)."""

    def __init__(self, base: Mapping[str, Any], renamed: dict[str, str]) -> None:
        self._base, self._renamed = base, renamed
        self._library_ids = {incoming: library for library, incoming in renamed.items()}

    def __getitem__(self, key: str) -> Any:
        return self._base[self._renamed.get(key, key)]

    def __iter__(self) -> Iterator[str]:
        return (self._library_ids.get(key, key) for key in self._base)

    def __len__(self) -> int:
        return len(self._base)
