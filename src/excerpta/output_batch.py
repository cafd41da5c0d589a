"""The files an :class:`~excerpta.output.OutputSink` wrote and has not yet shown: temporary
files beside their targets, made durable and visible together.

:meth:`StagedBatch.stage` streams a file's bytes into a temporary file beside its target (in a
folder it first writes into, removing the temporary files a killed run left there, see
:func:`~excerpta.disk.sweep_temporary_files`) and keeps it if the sink decides to write it.
:meth:`StagedBatch.publish` flushes the whole batch to disk (:func:`~excerpta.disk.flush_to_disk`:
one ``syncfs`` per file system for a large batch), renames each file over its target and then
fsyncs each folder once, so a crash leaves the old file or the new one, never half of one, and
a run costs one journal commit rather than one per file. Right before a rename it compares the
target with what it held when the write was decided: a file the user saved meanwhile is left
alone and handed back to the sink to report.

A run killed while staging leaves temporary files in folders a later run may have no reason
to write into (their notes were already current). So each folder is listed in the output's
*staging list* (a file in excerpta's state folder, see :func:`~excerpta.locks.staging_list`)
before the first file is staged there, and :meth:`StagedBatch.sweep_listed` sweeps every
folder listed when a run has published, dropping from the list those left clean.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from excerpta.disk import (
    file_sha256,
    flush_to_disk,
    fsync_dir,
    naming,
    sweep_temporary_files,
    write_temp,
)
from excerpta.output_records import WriteOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StagedFile:
    """A written temporary file waiting for :meth:`StagedBatch.publish`."""

    temp: Path
    target: Path
    on_disk: str | None  # the target's hash when the write was decided (None: no file)
    outcome_index: int  # where its outcome is in OutputSink.outcomes


@dataclass
class StagedBatch:
    """Temporary files waiting to replace their targets together."""

    listed_in: Path | None = None  # the staging list (None: keep none, as in a dry run)
    _sweep_due: bool = True  # a folder was listed since the last sweep (or none was made yet)
    _files: list[StagedFile] = field(default_factory=list)
    _folders: set[Path] = field(default_factory=set)  # folders known to exist

    def stage(self, target: Path, into: Path, chunks: Iterable[bytes], on_disk: str | None,
              outcome_index: int, decide: Callable[[str, int], WriteOutcome],
              ) -> tuple[WriteOutcome, str, os.stat_result | None]:
        """Stream ``chunks`` into a temporary file beside ``into`` (``target``, or the file its
        link points to), ask ``decide(sha256, size)`` what to do, and stage the file to replace
        ``into`` at :meth:`publish` if that is ``create`` or ``update``; otherwise remove it.

        Returns the outcome, the bytes' SHA-256 and the stat of the file that holds them once
        published (a renamed file keeps its size and mtime; for an unchanged file, the
        target's). ``on_disk`` is the target's hash now; ``outcome_index`` where the sink keeps
        the outcome, for :meth:`publish` to report a change made meanwhile.
        """
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
            if self.listed_in is not None:
                self._sweep_due = True
                try:
                    with self.listed_in.open("a", encoding="utf-8") as listing:
                        listing.write(f"{target.parent}\n")
                except OSError as err:  # costs only the clean-up after a killed run
                    log.warning("cannot keep the staging list %s: %s", self.listed_in, err)
                    self.listed_in = None
            if swept := sweep_temporary_files(target.parent).removed:
                log.info("%s: removed %d temporary file(s) an interrupted run left", target.parent, swept)
        temp = write_temp(into, chunks)
        staged = False
        try:
            outcome = decide(temp.sha256, temp.size)
            stat: os.stat_result | None = temp.stat
            if outcome.action in ("create", "update"):
                mode = into.stat().st_mode & 0o777 if on_disk is not None else None
                if mode is not None and mode != temp.stat.st_mode & 0o777:
                    try:  # keep the user's permissions; changes the ctime only
                        os.chmod(temp.path, mode)
                    except OSError as err:
                        raise naming(err, into, "writing it") from err
                self._files.append(StagedFile(temp.path, into, on_disk, outcome_index))
                staged = True
            elif outcome.action == "unchanged":
                stat = _stat_or_none(target)
            return outcome, temp.sha256, stat
        finally:
            if not staged:
                temp.path.unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove every staged temporary file: nothing staged since the last publish appears."""
        files, self._files = self._files, []
        for staged in files:
            staged.temp.unlink(missing_ok=True)

    def publish(self, changed_meanwhile: Callable[[StagedFile], None]) -> None:
        """Make every staged file durable and visible, as one batch (see the module docstring).

        A target whose bytes changed since its write was decided is not replaced: its
        temporary file is removed and ``changed_meanwhile`` told. On failure no temporary file
        is left, and the error propagates.
        """
        files, self._files = self._files, []
        if not files:
            return
        try:
            _flush_naming_targets(files)
            for staged in files:
                # The user may have saved the file since we decided (a long run, an open
                # editor): compare again right before replacing, as vdirsyncer does with etags.
                try:
                    if file_sha256(staged.target) != staged.on_disk:
                        staged.temp.unlink(missing_ok=True)
                        changed_meanwhile(staged)
                    else:
                        os.replace(staged.temp, staged.target)
                except OSError as err:  # it named our temporary file (or nothing)
                    raise naming(err, staged.target, "replacing it") from err
        except BaseException:
            self._files = files
            self.discard()
            raise
        for folder in {staged.target.parent for staged in files}:
            fsync_dir(folder)


    def sweep_listed(self) -> None:
        """Sweep every folder of the staging list (:func:`~excerpta.disk.sweep_temporary_files`)
        and keep listed only those still holding a temporary file too recent to remove. Call
        it once the batch is published: this run's own temporary files are gone by then."""
        if self.listed_in is None or not self._sweep_due:
            return  # (a sink finishes twice a run: on leaving its block, then for its records)
        self._sweep_due = False
        try:
            listed = dict.fromkeys(self.listed_in.read_text(encoding="utf-8").splitlines())
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as err:
            log.warning("cannot read the staging list %s: %s", self.listed_in, err)
            return
        left = []
        for name in filter(None, listed):
            folder = Path(name)
            swept = sweep_temporary_files(folder)
            if swept.removed:
                log.info("%s: removed %d temporary file(s) an interrupted run left", folder, swept.removed)
            if swept.left:
                left.append(name)
        try:
            if left:  # whole or not at all: a list cut short would leave litter unswept
                kept = self.listed_in.with_suffix(".staging-new")
                kept.write_text("".join(f"{name}\n" for name in left), encoding="utf-8")
                os.replace(kept, self.listed_in)
            else:
                self.listed_in.unlink(missing_ok=True)
        except OSError as err:
            log.warning("cannot keep the staging list %s: %s", self.listed_in, err)


def _flush_naming_targets(files: list[StagedFile]) -> None:
    """:func:`~excerpta.disk.flush_to_disk` the temporary files of ``files``; an OSError names
    the target of the temporary file that failed (or the folder syncfs failed in)."""
    try:
        flush_to_disk([staged.temp for staged in files])
    except OSError as err:
        targets = {str(staged.temp): staged.target for staged in files}
        named = err.filename and str(err.filename)
        where = targets.get(named) or (Path(named) if named else files[0].target.parent)
        raise naming(err, where, "flushing it to disk") from err


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None
