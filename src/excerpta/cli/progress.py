"""A progress display for reads that take more than a moment; silent when not a TTY."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from excerpta.model import Document

SHOW_AFTER_SECONDS = 0.5  # a quick conversion never flashes a bar


class ReadProgress:
    """Counts documents and highlights as they are read; shows them on stderr once the read
    has taken longer than :data:`SHOW_AFTER_SECONDS`. ``advance`` is the reader callback."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.documents = 0
        self.highlights = 0
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

    def advance(self, document: Document) -> None:
        """Count ``document``; start or refresh the display when it is due."""
        self.documents += 1
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
