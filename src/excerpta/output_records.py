"""What an :class:`~excerpta.output.OutputSink` records and reports: the record of a file we
wrote (kept in the state's manifest), the manifest's interface, and what happened to a file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

Action = Literal["create", "update", "unchanged", "conflict", "skip"]


@dataclass(frozen=True)
class OutputRecord:
    """What we last wrote at ``path`` (absolute): its bytes' SHA-256, and for which content."""

    path: str
    job: str
    writer: str
    key: str
    hash: str
    source_hash: str | None
    written_at: datetime
    size: int | None = None  # the file's size and mtime as written (None: not recorded)
    mtime_ns: int | None = None
    memo: str | None = None  # what the writer asked to remember about the file (its format)


class Manifest(Protocol):
    """The part of the state store a sink needs (see :mod:`excerpta.store`)."""

    def output_at(self, path: str) -> OutputRecord | None: ...

    def outputs_for(self, job: str, writer: str, prefer: str = "") -> dict[str, OutputRecord]: ...


@dataclass(frozen=True)
class WriteOutcome:
    """What happened (or, in a dry run, would happen) to one output file."""

    path: Path
    action: Action
    size: int
    reason: str | None = None
    pending: bool = False  # left alone with changes for it unwritten: the run is partial

    def __str__(self) -> str:
        text = f"{self.action} {self.path} ({self.size} bytes)"
        return f"{text}: {self.reason}" if self.reason else text
