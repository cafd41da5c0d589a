"""What an :class:`~excerpta.output.OutputSink` records and reports: the record of a file we
wrote (kept in the state's manifest), the manifest's interface, which records are one output's
past (:func:`records_of_output`), and what happened to a file."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

# "conflict": left alone (not ours to overwrite, or it could not take the changes), reported.
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
    memo: str | None = None  # what the writer asked to remember of the file (a note's format, a deck's notes)


class Witness(Protocol):
    """Another state, asked whether it records writing a file's bytes (see
    :attr:`OutputSink.witnesses <excerpta.output.OutputSink.witnesses>`)."""

    def output_at(self, path: str) -> OutputRecord | None: ...


class Manifest(Witness, Protocol):
    """The part of the state store a sink needs (see :mod:`excerpta.store`); ``path`` names it
    in messages."""

    path: str

    def output_history(self, job: str, writer: str) -> dict[str, list[OutputRecord]]: ...


def records_of_output(history: Mapping[str, Sequence[OutputRecord]], prefix: str) -> dict[str, OutputRecord]:
    """Of each key's records (``history``, oldest first: one state may serve several outputs,
    two vaults, two decks), the one that is the past of the output at ``prefix`` (its folder
    with a trailing separator, or a one-file output's path); a key with none is left out.

    The newest record under ``prefix``. Else the output was moved (a folder renamed or moved, a
    vault synced to this machine at another path): the newest record whose file's folder is
    gone. A record whose file's folder is still there belongs to another output (in place, its
    files and their memos are that output's, even a file the user deleted from it), never to
    this one. (A subfolder deleted from another output in place looks moved too: its records
    may then serve this one, for the memo of a note found by its id; a writer following a
    moved folder checks the output's own folder.) The one
    rule for every writer; a writer following a moved folder still checks that the folder the
    output was in is gone (:mod:`excerpta.writers.obsidian.moved`).
    """
    gone: dict[str, bool] = {}  # by folder: the records of a moved output share a few

    def folder_gone(path: str) -> bool:
        folder = os.path.dirname(path)
        if folder not in gone:
            gone[folder] = not os.path.lexists(folder)
        return gone[folder]

    chosen: dict[str, OutputRecord] = {}
    for key, records in history.items():
        here = [record for record in records if record.path.startswith(prefix)]
        if here:
            chosen[key] = here[-1]
        elif moved := [record for record in records if folder_gone(record.path)]:
            chosen[key] = moved[-1]
    return chosen


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
