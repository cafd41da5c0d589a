"""What a run read, merged and wrote: :class:`ConvertReport`, which ``convert`` and each sync
job return, the CLI prints and the run log keeps the figures of."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from excerpta.adapters import RecordProblem, Writer
from excerpta.model import Document
from excerpta.output import WriteOutcome
from excerpta.selection import Selection
from excerpta.store import MergeStats


@dataclass
class ConvertReport:
    """What a conversion read, merged and wrote. ``exit_code``: 0 ok, 1 partial."""

    inputs: list[tuple[str, str]] = field(default_factory=list)  # (input, reader name)
    unread: bool = False  # the inputs were not read: unchanged (see excerpta.unchanged_inputs)
    merged: MergeStats = field(default_factory=MergeStats)
    problems: list[RecordProblem] = field(default_factory=list)
    outcomes: list[WriteOutcome] = field(default_factory=list)
    library_counts: dict[str, int] = field(default_factory=dict)
    left_out: int = 0  # documents the selection did not give the writer
    selected: int = 0  # documents it gave the writer
    # The first output that failed (the others were written; the cursors were not committed).
    failure: Exception | None = None
    held_back: str | None = None  # why outputs were left as they were (see excerpta.hold_back)
    writers: list[Writer[Any]] = field(default_factory=list)  # each output's, files' and services'

    @property
    def services(self) -> list[str]:
        """The services the run's remote writers send to (``Readwise``), in order, once each."""
        return list(dict.fromkeys(writer.service_name() for writer in self.writers
                                  if writer.target == "remote"))

    @property
    def writes_files(self) -> bool:
        """Whether a writer of the run writes files (or, none being known, whether any might)."""
        return not self.writers or any(writer.target != "remote" for writer in self.writers)

    @property
    def conflicts(self) -> list[WriteOutcome]:
        """Outputs left alone because they were not ours to overwrite, and documents whose
        changes a service refused."""
        return [o for o in self.outcomes if o.action == "conflict"]

    @property
    def exit_code(self) -> int:
        """1 when records were skipped or outputs left alone with changes unwritten, else 0."""
        return 1 if self.problems or self.conflicts or any(o.pending for o in self.outcomes) else 0

    def counts(self) -> dict[str, int]:
        """Figures for the run log: files written and left alone; with a remote writer, the
        documents and highlights sent, and the highlights a service refused."""
        files = [o for o in self.outcomes if not o.sent]
        counts = {**self.library_counts, "left_out": self.left_out, "skipped_records": len(self.problems),
                  "files_written": sum(1 for o in files if o.action in ("create", "update")),
                  "conflicts": sum(1 for o in files if o.action == "conflict")}
        if self.services:
            sent = [o for o in self.outcomes if o.sent and o.action in ("create", "update")]
            counts.update(documents_sent=len(sent), highlights_sent=sum(o.highlights for o in sent),
                          highlights_refused=sum(o.highlights for o in self.outcomes
                                                 if o.sent and o.action == "conflict"))
        return counts

    def selecting(self, documents: Iterable[Document], selection: Selection) -> Iterator[Document]:
        """The ``documents`` that ``selection`` selects, counting them (``selected``) and the
        others (``left_out``)."""
        for document in documents:
            if selection.selects(document):
                self.selected += 1
                yield document
            else:
                self.left_out += 1


def said_of_counts(counts: Mapping[str, int], writers: Sequence[type[Writer[Any]]]) -> list[str]:
    """What a logged run's ``counts`` (:meth:`ConvertReport.counts`) say of its outputs, for
    a job of ``writers``, in their terms: files written and left alone (for file writers),
    documents and highlights sent and highlights refused (for remote ones; a run logged before
    sends were counted apart: its figures as files), records skipped. Empty without counts."""
    if not counts:
        return []
    services = list(dict.fromkeys(cls.service_name() for cls in writers if cls.target == "remote"))
    sends = bool(services) and "documents_sent" in counts
    parts = []
    if not sends or any(cls.target != "remote" for cls in writers):
        parts += [f"{counts.get('files_written', 0)} file(s) written",
                  f"{counts.get('conflicts', 0)} left alone"]
    if sends:
        parts.append(f"{counted(counts['documents_sent'], 'document')} sent to {' and '.join(services)} "
                     f"({counted(counts.get('highlights_sent', 0), 'highlight')})")
        if counts.get("highlights_refused"):
            parts.append(f"{counted(counts['highlights_refused'], 'highlight')} refused")
    return [*parts, f"{counts.get('skipped_records', 0)} record(s) skipped"]


def counted(number: int, noun: str) -> str:
    """``number`` of ``noun``: "1 document", "12 documents"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
