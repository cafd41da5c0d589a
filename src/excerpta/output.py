"""Where writers put their bytes: atomic writes that never clobber a file that is not ours.

Every writer hands rendered files to an :class:`OutputSink`. For each file the sink decides,
like vdirsyncer does with etags:

* the file does not exist: ``create`` it;
* it holds exactly the new bytes: ``unchanged``, it is not touched (its mtime stays);
* it holds what we last wrote there (the manifest's hash): ``update`` it;
* the caller read it and merged the user's text (``replaces=`` the hash it read, and the file
  still has that hash): ``update`` it;
* otherwise (the user edited it, or we never wrote it): ``conflict``, the file is left alone
  and the clash reported, unless the sink was made with ``force=True``;
* the caller could not bring it up to date and hands back what it holds (``pending``, see
  :meth:`OutputSink.write`): ``conflict`` too, left alone with the caller's reason.

Writes go to a temporary file in the same folder; :meth:`OutputSink.finish` then flushes the
batch to disk, renames each over its target and fsyncs the folders, so a crash leaves the old
file or the new one, never half of one (see :mod:`excerpta.output_batch`). Until ``finish`` (which
``pending_records`` calls) the new files are not visible. Paths are relative to the sink's
root and may never leave it, by name or through a link, even one a folder was swapped for
during the run (:mod:`excerpta.output_paths`). In each folder it first writes into, the
temporary files a killed run left there are removed (:func:`~excerpta.disk.sweep_temporary_files`).
The records of what was written are only *pending* until the caller commits them (together
with a cursor) through :meth:`OutputSink.pending_records`.
If a run dies between publishing its files and committing their records, the next run finds
them, records and all, in the published list (:mod:`excerpta.output_published`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from excerpta.disk import chunks_sha256, file_sha256, make_folder
from excerpta.output_batch import LEFT_CHANGED, LEFT_LINKED, LeftAlone, StagedBatch, StagedFile
from excerpta.output_folder import LINKED_OUTSIDE, OutputFolder
from excerpta.output_published import Listed, PublishedList
from excerpta.output_records import Manifest, OutputRecord, WriteOutcome, decision
from excerpta.scratch import scratch_folder

__all__ = ["LINKED_OUTSIDE", "Manifest", "OutputRecord", "OutputSink", "WriteOutcome", "file_sha256"]


def _as_chunks(content: bytes | Iterable[bytes]) -> Iterable[bytes]:
    return (content,) if isinstance(content, bytes) else content


@dataclass
class OutputSink(OutputFolder):
    """Writes one writer's files under ``root`` for one job; see the module docstring.

    Files become visible at :meth:`finish`: use the sink as a context manager (finished on
    success, discarded on error), or let :meth:`pending_records` finish it.

    Where it writes, what it wrote there before and the reading back are an
    :class:`~excerpta.output_folder.OutputFolder`'s. ``staging_list``: where to list the
    folders a run stages files in, so that a later run removes what a killed one left there
    (see :mod:`.output_batch`).

    ``persistent_library``: the library the writer renders from holds everything ever read
    (``--state``), so a highlight its document no longer lists is gone from it (moved to another
    document, as when Readwise merges two books). False: it holds this run's inputs only (no
    ``--state``), so a highlight missing from them says nothing; a writer that merges into what
    it wrote before (obsidian) keeps it, while a file export holds exactly the inputs. Its
    default (True) serves sinks made directly (tests); :func:`~excerpta.output_targets.make_sink`,
    through which runs make theirs, requires it.
    """

    force: bool = False
    dry_run: bool = False
    staging_list: Path | None = None
    persistent_library: bool = True
    # What a file written without a source_hash of its own was rendered from: a one-file
    # writer's whole output (see excerpta.unchanged_outputs).
    rendered_from: str | None = None
    outcomes: list[WriteOutcome] = field(default_factory=list)
    _pending: list[OutputRecord] = field(default_factory=list)
    _staged: StagedBatch = field(init=False, repr=False)
    _published: PublishedList | None = field(init=False, repr=False)
    _publishing: list[Listed] = field(default_factory=list)  # the files staged
    _replayed: list[OutputRecord] = field(default_factory=list)  # see excerpta.output_published
    _left: set[str] = field(default_factory=set)  # files publishing left alone

    def __post_init__(self) -> None:
        super().__post_init__()
        self._staged = StagedBatch(self._paths, None if self.dry_run else self.staging_list)
        if self.staging_list is None:
            self._published = None
            return
        self._published = PublishedList(self.staging_list.with_suffix(".published"))
        self._replayed = self._published.replay(self.job, self.writer, self._state)

    def records(self) -> dict[str, OutputRecord]:
        """:meth:`OutputFolder.records <excerpta.output_folder.OutputFolder.records>`, with the
        records a run killed before its commit left in place of the state's (:mod:`.output_published`)."""
        if self._records is None:
            self._records = {**super().records(), **{record.key: record for record in self._replayed}}
        return self._records

    def write(
        self,
        relative: str,
        content: bytes | Iterable[bytes],
        *,
        key: str = "",
        source_hash: str | None = None,
        replaces: str | None = None,
        reason: str | None = None,
        memo: str | None = None,
        pending: bool = False,
    ) -> WriteOutcome:
        """Write ``content`` (bytes or chunks) at ``relative`` under the rules of this module.

        ``reason`` explains a create/update/unchanged outcome to the user (e.g. "adopted a note
        written by the Readwise plugin"); a conflict keeps its own reason. ``memo`` is kept in
        the file's record for the writer's next run (:attr:`OutputRecord.memo`). ``pending``:
        the content leaves out some of what the file should show (see :meth:`skip`); if it is
        what the file holds already (the writer could take none of the changes, as in a note
        whose markers were removed), the file is reported left alone (``conflict``), not
        ``unchanged``, with ``reason``.
        """
        target = self.resolve(relative)
        if self._paths.outside(target):
            return self.skip(relative, LINKED_OUTSIDE, pending=True)
        into = target  # a link the user made to a file in the output is written through
        if target.is_symlink():  # (renaming over it would leave two diverging copies)
            into = Path(os.path.realpath(target))
        on_disk = file_sha256(target)
        record, ours = self.last_written(target, key, on_disk)
        allowed = ours or self.force or (replaces is not None and replaces == on_disk)
        if self.dry_run:
            if not into.parent.is_dir():  # what writing would find in the way
                make_folder(into.parent, into, make=False)
            digest, size = chunks_sha256(_as_chunks(content))
            outcome = self._decide(target, digest, size, on_disk, allowed, record)
        else:
            staged = self._staged.stage(
                target, into, _as_chunks(content), on_disk, len(self.outcomes),
                lambda digest, size: self._decide(target, digest, size, on_disk, allowed, record))
            if staged is None:  # its folder was swapped for a link since the check above
                return self.skip(relative, LINKED_OUTSIDE, pending=True)
            outcome, digest, stat = staged
            if outcome.action != "conflict":
                self._pending.append(written := OutputRecord(
                    str(target), self.job, self.writer, key, digest,
                    self.rendered_from if source_hash is None else source_hash, datetime.now(UTC),
                    stat.st_size if stat else None, stat.st_mtime_ns if stat else None, memo,
                ))
                if outcome.action != "unchanged":
                    self._publishing.append(Listed(written, self._state, on_disk))
        if outcome.action != "conflict" and (reason is not None or pending):
            outcome = replace(outcome, reason=reason or outcome.reason, pending=pending)
        if pending and outcome.action == "unchanged":  # its record is kept all the same
            outcome = replace(outcome, action="conflict")
        self.outcomes.append(outcome)
        return outcome

    def skip(self, relative: str, reason: str, *, pending: bool = False) -> WriteOutcome:
        """Report that the file at ``relative`` was not written, and why.

        ``pending``: it was left alone although it had changes to take (it cannot be read or
        updated safely), which makes the run partial; otherwise not writing it was the point
        (a note the user deleted, say).
        """
        outcome = WriteOutcome(self.resolve(relative), "skip", 0, reason, pending)
        self.outcomes.append(outcome)
        return outcome

    def scratch_folder(self, for_file: Path) -> AbstractContextManager[Path]:
        """A private folder for the writer's work toward ``for_file`` (a deck's collection),
        removed after, the machine refusing it told as ``for_file``: beside the output's lock
        (:func:`~excerpta.scratch.scratch_folder`; a dry run gets a temporary folder)."""
        return scratch_folder(None if self.dry_run else self.staging_list, for_file)

    def leave(self, relative: str, reason: str) -> WriteOutcome:
        """Report that the file at ``relative``, which had changes to take, was left alone
        because it could not take them (it cannot be read, or is not text the writer can
        update): a ``conflict``, as a file the user edited, which makes the run partial."""
        outcome = WriteOutcome(self.resolve(relative), "conflict", 0, reason, pending=True)
        self.outcomes.append(outcome)
        return outcome

    def remember(self, key: str, relative: str, memo: str | None) -> None:
        """Keep the record of ``key``'s file, at ``relative`` now, with ``memo`` for the
        writer's next run, although the file was not written (say the user deleted it and the
        writer is not to re-create it: the memo tells its next run so). The record still
        describes the bytes we last wrote and what they were rendered from; it is committed
        with the others (:meth:`pending_records`). Nothing to keep without a record, nor in a
        dry run."""
        record = self.previous(key)
        if record is not None and not self.dry_run:
            self._pending.append(replace(record, path=str(self.resolve(relative)), memo=memo))

    def hold_back(self, reason: str) -> bool:
        """Write none of the files written so far when one of them would replace an existing
        file (an ``update``): the staged files are dropped, and each that would have been
        created or updated is reported as a pending skip for ``reason``. Returns whether they
        were held back; when nothing existing would change (a first run, unchanged files),
        nothing is held back. To call before :meth:`finish`."""
        if not any(outcome.action == "update" for outcome in self.outcomes):
            return False
        self.discard()
        held = {str(o.path) for o in self.outcomes if o.action in ("create", "update")}
        self._pending = [record for record in self._pending if record.path not in held]
        self.outcomes = [replace(o, action="skip", reason=reason, pending=True) if str(o.path) in held
                         else o for o in self.outcomes]
        return True

    def _decide(self, target: Path, digest: str, size: int, on_disk: str | None, allowed: bool,
                record: OutputRecord | None) -> WriteOutcome:
        return decision(target, digest, size, on_disk, allowed=allowed, recorded=record is not None,
                        state=None if self.manifest is None else self.manifest.path, force=self.force)

    def __enter__(self) -> OutputSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: object) -> None:
        if error is None:
            self.finish()
        else:
            self.discard()

    def discard(self) -> None:
        """Drop every staged file: nothing written since the last :meth:`finish` appears."""
        self._staged.discard()

    def finish(self) -> None:
        """Make every file written so far durable and visible, as one batch: flush the staged
        temporary files to disk, rename each over its target, then fsync each folder once
        (:meth:`~excerpta.output_batch.StagedBatch.publish`). A file the user saved since its
        write was decided is left alone and reported as a conflict; one whose folder was made a
        link to outside the output meanwhile is skipped as :data:`LINKED_OUTSIDE`. On failure no
        temporary file is left. Then the folders a killed run left temporary files in are swept.
        Before the renames the files are listed as published (:mod:`excerpta.output_published`)
        until :meth:`committed`.
        """
        if self._published is not None and self._publishing:
            self._published.record(self._publishing)
        self._publishing = []
        self._staged.publish(self._left_alone)
        if self._published is not None and self._left:
            self._published.forget(self._left)  # never renamed: not ours to take as written
        self._left = set()
        self._staged.sweep_listed()

    def published(self, path: str, digest: str) -> bool:  # see excerpta.output_published
        return self._published is not None and self._published.holds(path, digest)

    def committed(self) -> None:
        """Say that the state now holds :meth:`pending_records` (what they list goes)."""
        if self._published is not None and not self.dry_run:
            self._published.clear(self.job, self.writer, self._state)

    @property
    def _state(self) -> str:
        return "" if self.manifest is None else str(self.manifest.path)

    def _left_alone(self, item: StagedFile, why: LeftAlone) -> None:
        outcome = self.outcomes[item.outcome_index]
        if why == LEFT_LINKED:
            outcome = replace(outcome, action="skip", reason=LINKED_OUTSIDE, pending=True)
        elif why == LEFT_CHANGED:
            outcome = replace(outcome, action="conflict",
                              reason="changed while excerpta was writing; left alone")
        else:  # the file system's refusal, said as it is
            outcome = replace(outcome, action="conflict", reason=f"{why}; left alone")
        self.outcomes[item.outcome_index] = outcome
        self._pending = [record for record in self._pending if record.path != str(item.target)]
        self._left.add(str(item.target))

    def left_after_failure(self) -> tuple[list[WriteOutcome], list[OutputRecord]]:
        """What stays of a run whose writer failed: nothing, as its files were never published
        (see :meth:`discard`). (A sink whose writes land at once says otherwise.)"""
        return [], []

    def pending_records(self) -> list[OutputRecord]:
        """Records of the files written so far, for the caller to commit to the manifest.

        Calls :meth:`finish` first: a record is only handed out once its file is on disk.
        """
        self.finish()
        # A killed run's records first: this run's own, later, supersede them (see output_published).
        return [*([] if self.dry_run else self._replayed), *self._pending]

    @property
    def conflicts(self) -> list[WriteOutcome]:
        """Outcomes of files left alone: not ours to overwrite, or unable to take the changes."""
        return [o for o in self.outcomes if o.action == "conflict"]

