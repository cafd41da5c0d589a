"""What a run shows as it reads: a progress display for reads that take more than a moment
(silent when not a TTY), and each record problem as it is reported."""

from __future__ import annotations

import time
from collections import Counter
from types import TracebackType

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from excerpta.adapters import RecordProblem
from excerpta.model import Document

SHOW_AFTER_SECONDS = 0.5  # a quick conversion never flashes a bar
# A damaged file can report every one of its records: the first few say what is wrong, and
# thousands of lines would bury the summary (and a daemon's log). -v lists every one.
LIST_PROBLEMS_PER_INPUT_UP_TO = 20


class ProblemEcho:
    """The ``on_problem`` callback of a run: prints each record problem as it is reported, up
    to :data:`LIST_PROBLEMS_PER_INPUT_UP_TO` of each input (every one with ``verbose``, none
    with ``quiet``); :meth:`finish` then says how many more each input had."""

    def __init__(self, *, quiet: bool, verbose: int) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.per_input: Counter[str] = Counter()

    def __call__(self, problem: RecordProblem) -> None:
        self.per_input[problem.source] += 1
        listed = self.verbose or self.per_input[problem.source] <= LIST_PROBLEMS_PER_INPUT_UP_TO
        if listed and not self.quiet:
            click.secho(f"{'read in part' if problem.kept else 'skipped'} {problem}", fg="yellow", err=True)

    def finish(self) -> None:
        """Say, for each input whose problems were not all listed, how many were not."""
        if self.quiet or self.verbose:
            return
        for source, count in self.per_input.items():
            if count > LIST_PROBLEMS_PER_INPUT_UP_TO:
                click.secho(f"… and {count - LIST_PROBLEMS_PER_INPUT_UP_TO} more record problem(s) in "
                            f"{source} (-v lists every one)", fg="yellow", err=True)


class ReadProgress:
    """Counts documents and highlights as they are read; shows them on stderr once the read
    has taken longer than :data:`SHOW_AFTER_SECONDS`. ``advance`` is the reader callback.
    A document a reader yields in parts (the Kindle reader: one per highlight) counts once."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.highlights = 0
        self._document_ids: set[str] = set()
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task: int | None = None

    def __enter__(self) -> ReadProgress:
        self._started = time.monotonic()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    @property
    def documents(self) -> int:
        """How many documents were read (each once, however many parts it came in)."""
        return len(self._document_ids)

    def advance(self, document: Document) -> None:
        """Count ``document``; start or refresh the display when it is due."""
        self._document_ids.add(document.id)
        self.highlights += len(document.highlights)
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self._started < SHOW_AFTER_SECONDS:
                return
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TimeElapsedColumn(), console=Console(stderr=True),
                                      transient=True)
            self._progress.start()
            self._task = self._progress.add_task("reading")
        if self._task is not None:
            self._progress.update(self._task, description=(
                f"reading: {self.documents} documents, {self.highlights} highlights"))
