"""What a read starts from and what it leaves behind: :class:`ReadState` (the saved cursor in,
the next cursor out, the problems reported, the fields a reader left out, the documents the
source deleted whole, whether the source was cut short) and :class:`RecordProblem`, one
problem reported.

Plain data, filled by a reader as it goes and read by the run once the read is consumed; no
method raises. Readers import both from :mod:`excerpta.adapters`, which re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecordProblem:
    """A record that was skipped, and why. ``where`` is a line number or a record path.
    ``kept``: the record was read all the same, less what ``reason`` names (a date left out)."""

    source: str
    where: str | int | None
    reason: str
    kept: bool = False

    def __str__(self) -> str:
        # ``file:12: …``, ``file: page 1 results[0]: …``; ``readwise: page 1 …`` (a source
        # spelt with its own colon)
        location = f":{self.where}" if isinstance(self.where, int) else (
            f"{'' if self.source.endswith(':') else ':'} {self.where}" if self.where else ""
        )
        return f"{self.source}{location}: {self.reason}"


@dataclass
class ReadState:
    """What a read starts from and what it leaves behind.

    ``cursor`` is the saved cursor (``None``: read everything). The reader sets
    ``next_cursor``; the caller saves it only once the outputs it covers are on disk.
    ``on_problem`` lets a caller stream problems as they happen (a progress display).
    ``source_names`` renames a source in problems: a pipe is read from a copy, and reported
    as the user named it (see :mod:`excerpta.pipes`).
    ``left_out``: highlight id -> the fields a reader left out of that highlight (a value that
    did not parse, see :meth:`leave_out`). The merge keeps the library's value of exactly those
    fields for exactly that highlight: there, an empty incoming value means "not read", not
    "removed". A reader fills it before yielding the document holding the highlight.
    ``deleted``: the ids of documents the source deleted as a whole (see
    :meth:`delete_document`): the merge deletes every highlight the library holds of them,
    listed in this read or not. Only an explicit deletion goes here, never an empty document.
    ``document_left_out``: document id -> the document fields this read does not say of it (a
    column its CSV header lacks, a key its record lacks, see :meth:`leave_out_document`): the
    merge keeps the library's value of each, as ``left_out`` does for a highlight.
    ``cut_short``: the source ended before all it said it holds (a Readwise export whose pages
    listed fewer books than they counted), or could be read only in part (a damaged database
    read around its damage): without ``--state`` the run's outputs are left as they were
    (:mod:`excerpta.hold_back`).
    """

    cursor: str | None = None
    next_cursor: str | None = None
    problems: list[RecordProblem] = field(default_factory=list)
    on_problem: Callable[[RecordProblem], None] | None = None
    source_names: dict[str, str] = field(default_factory=dict)
    left_out: dict[str, frozenset[str]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    document_left_out: dict[str, frozenset[str]] = field(default_factory=dict)
    cut_short: bool = False

    def report(self, source: str, where: str | int | None, reason: str, *, kept: bool = False) -> None:
        """Record that one record of ``source`` at ``where`` was skipped for ``reason`` (``kept``:
        read all the same, less what ``reason`` names). Either makes the run partial."""
        problem = RecordProblem(self.source_names.get(source, source), where, reason, kept)
        self.problems.append(problem)
        if self.on_problem is not None:
            self.on_problem(problem)

    def leave_out(self, highlight_id: str, fields: Iterable[str]) -> None:
        """Record that ``fields`` of highlight ``highlight_id`` were not read (their value did
        not parse, and the highlight was kept without it): the merge keeps the library's value
        of each. Several copies of one highlight in a read add up."""
        self.left_out[highlight_id] = self.left_out.get(highlight_id, frozenset()).union(fields)

    def leave_out_document(self, document_id: str, fields: Iterable[str]) -> None:
        """Record that this read does not say ``fields`` of document ``document_id`` (its input
        has no place for them: a CSV without that column): the merge keeps the library's value
        of each. Told before yielding the document; several copies of it add up."""
        known = self.document_left_out.get(document_id, frozenset())
        self.document_left_out[document_id] = known.union(fields)

    def delete_document(self, document_id: str, deleted: bool = True) -> None:
        """Record that document ``document_id`` was deleted as a whole at its source (a Readwise
        book ``is_deleted``), or (``deleted=False``) that a later copy in this read lists it as
        not deleted (restored): the last copy read says. A reader tells it before yielding the
        copy; the merge applies it once the read is consumed, so spooling changes nothing."""
        if deleted:
            self.deleted.add(document_id)
        else:
            self.deleted.discard(document_id)
