"""What an :class:`~excerpta.output.OutputSink` records and reports: the record of a file we
wrote (kept in the state's manifest), the manifest's interface, which records are one output's
past (:func:`records_of_output`), and what happened to a file."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from excerpta.disk import is_read_only
from excerpta.spelling import folded

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


def records_of_output(history: Mapping[str, Sequence[OutputRecord]], prefix: str,
                      respelt: Respelling | None = None) -> dict[str, OutputRecord]:
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
    output was in is gone (:mod:`excerpta.writers.obsidian.moved`). Records made under
    another spelling of ``prefix`` count as under it (``respelt``, see :class:`Respelling`).
    """
    gone: dict[str, bool] = {}  # by folder: the records of a moved output share a few

    def folder_gone(path: str) -> bool:
        folder = os.path.dirname(path)
        if folder not in gone:
            gone[folder] = not os.path.lexists(folder)
        return gone[folder]

    respelt = respelt or Respelling(prefix)
    chosen: dict[str, OutputRecord] = {}
    for key, records in history.items():
        # (records are oldest first; one under each spelling: the later of the two)
        here = [record if record.path.startswith(prefix) else respelt(record) for record in records]
        if mine := [record for record in here if record is not None]:
            chosen[key] = max(mine, key=lambda record: record.written_at.timestamp())
        elif moved := [record for record in records if folder_gone(record.path)]:
            chosen[key] = moved[-1]
    return chosen


class Respelling:
    """Records of the output at ``prefix`` (see :func:`records_of_output`) made under another
    spelling of its path: on a file system that takes ``Vault`` and ``vault``, or a name in
    NFC and NFD, for one (macOS, Windows, an exFAT stick), ``--out`` typed otherwise than
    when they were made. Such a record is the output's, at its path spelt as now, when its
    path is the output's but for case and Unicode form and the file system says its root
    (the output's folder, or a one-file output's file) is the output's own, as it is."""

    def __init__(self, prefix: str) -> None:
        self.root = prefix[:-1] if prefix.endswith(os.sep) and len(prefix) > 1 else prefix
        self.one_file = not prefix.endswith(os.sep)
        self._depth = len(Path(self.root).parts)
        self._folded = folded(self.root)
        self._roots: dict[str, str | None] = {}  # a record's folder -> the root it spells, if ours
        self.found: dict[str, OutputRecord] = {}  # the records respelt, by their path as now

    def __call__(self, record: OutputRecord) -> OutputRecord | None:
        """``record`` at its path spelt as now, when it is this output's under another
        spelling; else None. Decided once per folder of the records (a vault has few)."""
        # A one-file output's own path; a folder output's files, in it or in its subfolders.
        where = record.path if self.one_file else os.path.dirname(record.path)
        if where not in self._roots:
            self._roots[where] = self._root_spelt_in(where)
        root = self._roots[where]
        if root is None:
            return None
        respelt = replace(record, path=self.root + record.path[len(root):])
        self.found[respelt.path] = respelt
        return respelt

    def _root_spelt_in(self, where: str) -> str | None:
        """The output's root as ``where`` (a path in it, or the one-file output's) spells it,
        when that is another spelling of it the file system takes for it; else None."""
        if not folded(where).startswith(self._folded):  # most: another output's
            return None
        parts = Path(where).parts
        if len(parts) < self._depth or (self.one_file and len(parts) != self._depth):
            return None
        root = str(Path(*parts[:self._depth]))
        if root == self.root or folded(root) != self._folded:
            return None
        try:
            return root if os.path.samefile(root, self.root) else None
        except OSError:  # either is gone: nothing says they are one
            return None


@dataclass(frozen=True)
class WriteOutcome:
    """What happened (or, in a dry run, would happen) to one output file, or to one document
    sent to a service (``service`` names it, as ``Readwise``; ``path`` names the document,
    ``size`` is the bytes of what is sent, none for one with nothing to send, and
    ``highlights`` how many of its highlights were sent, or refused)."""

    path: Path
    action: Action
    size: int
    reason: str | None = None
    pending: bool = False  # left alone with changes for it unwritten: the run is partial
    service: str = ""
    highlights: int = 0

    @property
    def sent(self) -> bool:
        """Whether this is a document sent to a service, not a file."""
        return bool(self.service)

    def __str__(self) -> str:
        """``update path (123 bytes): reason``; no size for a skip (nothing is written) nor for a
        document with nothing sent."""
        size = "" if self.action == "skip" or (self.sent and not self.size) else f" ({self.size} bytes)"
        text = f"{self.action} {self.path}{size}"
        return f"{text}: {self.reason}" if self.reason else text


def decision(target: Path, digest: str, size: int, on_disk: str | None, *, allowed: bool,
             recorded: bool, state: str | None, force: bool) -> WriteOutcome:
    """What a sink does with new bytes (``digest``, ``size``) for ``target``, which holds
    ``on_disk`` (None: no file): ``unchanged``; ``conflict`` when not ``allowed`` to replace it
    (saying why: ``recorded`` in ``state`` or not) or it is read-only without ``force``; else
    ``create`` or ``update`` (see :mod:`excerpta.output`)."""
    if on_disk == digest:
        return WriteOutcome(target, "unchanged", size)
    if not allowed:
        # The state is named: a file written under another --state is "changed" in this one.
        if recorded:
            why = "changed since excerpta wrote it" + (f", as the state {state} records" if state else "")
        elif state is not None:
            why = f"exists and the state {state} has no record of excerpta writing it"
        else:
            why = "exists and no state records excerpta writing it"
        return WriteOutcome(target, "conflict", size, f"{why}; left alone (--force overwrites)")
    if on_disk is not None and not force and is_read_only(target):
        # The user's "do not touch" (Windows would refuse to replace it anyway).
        return WriteOutcome(target, "conflict", size, "read-only; left alone (--force overwrites)")
    return WriteOutcome(target, "create" if on_disk is None else "update", size)
