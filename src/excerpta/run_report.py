"""What a run read, merged and wrote: :class:`ConvertReport`, which ``convert`` and each sync
job return, the CLI prints and the run log keeps the figures of."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from excerpta.adapters import RecordProblem
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

    @property
    def conflicts(self) -> list[WriteOutcome]:
        """Outputs left alone because they were not ours to overwrite."""
        return [o for o in self.outcomes if o.action == "conflict"]

    @property
    def exit_code(self) -> int:
        """1 when records were skipped or outputs left alone with changes unwritten, else 0."""
        return 1 if self.problems or self.conflicts or any(o.pending for o in self.outcomes) else 0

    def counts(self) -> dict[str, int]:
        """Figures for the run log."""
        written = sum(1 for o in self.outcomes if o.action in ("create", "update"))
        return {**self.library_counts, "left_out": self.left_out, "skipped_records": len(self.problems),
                "files_written": written, "conflicts": len(self.conflicts)}

    def selecting(self, documents: Iterable[Document], selection: Selection) -> Iterator[Document]:
        """The ``documents`` that ``selection`` selects, counting them (``selected``) and the
        others (``left_out``)."""
        for document in documents:
            if selection.selects(document):
                self.selected += 1
                yield document
            else:
                self.left_out += 1
