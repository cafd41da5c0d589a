"""The files an :class:`~excerpta.output.OutputSink` wrote and has not yet shown: temporary
files beside their targets, made durable and visible together.

:meth:`StagedBatch.stage` streams a file's bytes into a temporary file beside its target (in a
folder it first writes into, removing the temporary files a killed run left there, see
:func:`~excerpta.disk.sweep_temporary_files`) and keeps it if the sink decides to write it.
:meth:`StagedBatch.publish` flushes the whole batch to disk (:func:`~excerpta.disk_flush.flush_to_disk`:
one ``syncfs`` per file system for a large batch), renames each file over its target and then
fsyncs each folder once, so a crash leaves the old file or the new one, never half of one, and
a run costs one journal commit rather than one per file. Right before a rename it compares the
target with what it held when the write was decided: a file the user saved meanwhile is left
alone and handed back to the sink to report.

Each file is made, compared and renamed in its folder opened and checked to be in the output
(:meth:`~excerpta.output_paths.OutputPaths.open_folder`), however its path was checked before:
a folder swapped for a link to elsewhere during a run is never written through; its file is
handed back to the sink as left alone.

A run killed while staging leaves temporary files in folders a later run may have no reason
to write into (their notes were already current). So each folder is listed in the output's
*staging list* (a file in excerpta's state folder, see :func:`~excerpta.locks.staging_list`)
before the first file is staged there, and :meth:`StagedBatch.sweep_listed` sweeps every
folder listed when a run has published, dropping from the list those left clean. The
temporary files carry the output's mark (:attr:`StagedBatch.owner`, from its lock): a run,
holding the lock, removes the output's own at once, and another's (a file of another output
in the same folder, which may be being written) once it is an hour old.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from excerpta.disk import (
    Sweep,
    file_sha256,
    make_folder,
    naming,
    remove_file,
    sweep_temporary_files,
    write_temp,
)
from excerpta.disk_flush import flush_to_disk, fsync_dir
from excerpta.output_paths import OpenFolder, OutputPaths
from excerpta.output_records import WriteOutcome

log = logging.getLogger(__name__)


# Why publishing left a file alone: its folder now leads outside the output (LEFT_LINKED),
# the user saved it meanwhile (LEFT_CHANGED), or the file system refused to replace it (what
# it said, as "cannot be replaced (Operation not permitted)": a file made immutable, or on
# Windows one held open).
LeftAlone = str
LEFT_LINKED, LEFT_CHANGED = "linked outside", "changed"
_REFUSALS = frozenset({errno.EPERM, errno.EACCES, errno.EBUSY, errno.ETXTBSY})


@dataclass(frozen=True)
class StagedFile:
    """A written temporary file waiting for :meth:`StagedBatch.publish`."""

    temp: Path
    target: Path
    on_disk: str | None  # the target's hash when the write was decided (None: no file)
    outcome_index: int  # where its outcome is in OutputSink.outcomes
    identity: tuple[int, int]  # the temporary file's st_dev and st_ino: tells it is still there


@dataclass
class StagedBatch:
    """Temporary files waiting to replace their targets together, in the output ``paths`` lead to."""

    paths: OutputPaths
    listed_in: Path | None = None  # the staging list (None: keep none, as in a dry run)
    _sweep_due: bool = True  # a folder was listed since the last sweep (or none was made yet)
    _files: list[StagedFile] = field(default_factory=list)
    _folders: set[Path] = field(default_factory=set)  # folders known to exist

    def stage(self, target: Path, into: Path, chunks: Iterable[bytes], on_disk: str | None,
              outcome_index: int, decide: Callable[[str, int], WriteOutcome],
              ) -> tuple[WriteOutcome, str, os.stat_result | None] | None:
        """Stream ``chunks`` into a temporary file beside ``into`` (``target``, or the file its
        link points to), ask ``decide(sha256, size)`` what to do, and stage the file to replace
        ``into`` at :meth:`publish` if that is ``create`` or ``update``; otherwise remove it.

        Returns the outcome, the bytes' SHA-256 and the stat of the file that holds them once
        published (a renamed file keeps its size and mtime; for an unchanged file, the
        target's); None, having written nothing, if the folder of ``into`` now leads outside
        the output. ``on_disk`` is the target's hash now; ``outcome_index`` where the sink
        keeps the outcome, for :meth:`publish` to report a change made meanwhile.
        """
        first = into.parent not in self._folders
        if first:
            make_folder(into.parent, into)
            self._folders.add(into.parent)
            self._list(into.parent)
        with self.paths.open_folder(into.parent) as folder:
            if not folder.inside:
                return None
            if first and (swept := sweep_temporary_files(into.parent, dir_fd=folder.fd,
                                                         owner=self.owner).removed):
                log.info("%s: removed %d temporary file(s) an interrupted run left", into.parent, swept)
            temp, staged = None, False
            try:  # from the call on: a Ctrl-C or SIGTERM as it returns still removes its file
                found = _stat_or_none(into, folder) if on_disk is not None else None
                mode = found.st_mode & 0o777 if found is not None else None  # the user's, kept
                temp = write_temp(into, chunks, folder.fd, self.owner, 0o666 if mode is None else mode)
                outcome = decide(temp.sha256, temp.size)
                stat: os.stat_result | None = temp.stat
                if outcome.action in ("create", "update"):
                    if mode is not None and mode != temp.stat.st_mode & 0o777:  # (the umask took some)
                        try:  # keep the user's permissions; changes the ctime only
                            os.chmod(folder.name(temp.path), mode, dir_fd=folder.fd)
                        except OSError as err:
                            raise naming(err, into, "writing it") from err
                    self._files.append(StagedFile(temp.path, into, on_disk, outcome_index,
                                                  (temp.stat.st_dev, temp.stat.st_ino)))
                    staged = True
                elif outcome.action == "unchanged":
                    stat = _stat_or_none(target)
                return outcome, temp.sha256, stat
            finally:
                if not staged and temp is not None:
                    remove_file(temp.path, folder.fd)

    @property
    def owner(self) -> str | None:
        """The mark of this output's temporary files (:func:`~excerpta.disk.write_temp`): its
        lock's, which a run writing them holds; None in a dry run, which holds no lock."""
        return None if self.listed_in is None else hashlib.sha256(bytes(self.listed_in)).hexdigest()[:8]

    def _list(self, folder: Path) -> None:
        """Add ``folder`` to the staging list, before a file is staged there."""
        if self.listed_in is None:
            return
        self._sweep_due = True
        try:
            # surrogateescape: a folder whose name is not UTF-8 is listed as its bytes, read back as it.
            with self.listed_in.open("a", encoding="utf-8", errors="surrogateescape") as listing:
                listing.write(f"{folder}\n")
        except OSError as err:  # costs only the clean-up after a killed run
            log.warning("cannot keep the staging list %s: %s", self.listed_in, err)
            self.listed_in = None

    def discard(self) -> None:
        """Remove every staged temporary file: nothing staged since the last publish appears."""
        files, self._files = self._files, []
        for staged in files:
            try:
                with self.paths.open_folder(staged.temp.parent) as folder:
                    _remove_if_ours(staged, folder)
            except OSError:  # its folder is gone: nothing to remove
                pass

    def publish(self, left_alone: Callable[[StagedFile, LeftAlone], None]) -> None:
        """Make every staged file durable and visible, as one batch (see the module docstring).

        A target whose bytes changed since its write was decided, whose folder was swapped
        meanwhile, or that the file system refuses to replace (permission, a file in use) is
        not replaced: its temporary file is removed (if still there) and ``left_alone`` told
        why (:data:`LEFT_LINKED`, :data:`LEFT_CHANGED`, or the refusal); the others are. On any other
        failure no temporary file is left, and the error propagates.
        """
        files, self._files = self._files, []
        if not files:
            return
        folders: dict[Path, list[StagedFile]] = {}
        for staged in files:
            folders.setdefault(staged.target.parent, []).append(staged)
        renamed_in = []
        try:
            _flush_naming_targets(files)
            for path, group in folders.items():
                with self.paths.open_folder(path) as folder:
                    if [_replace(staged, folder, left_alone) for staged in group].count(True):
                        renamed_in.append(path)
        except BaseException:
            self._files = files
            self.discard()
            raise
        for path in renamed_in:
            fsync_dir(path)

    def sweep_listed(self) -> None:
        """Sweep every folder of the staging list (:func:`~excerpta.disk.sweep_temporary_files`)
        and keep listed only those still holding a temporary file too recent to remove. Call
        it once the batch is published: this run's own temporary files are gone by then."""
        if self.listed_in is None or not self._sweep_due:
            return  # (a sink finishes twice a run: on leaving its block, then for its records)
        self._sweep_due = False
        try:
            listed = dict.fromkeys(self.listed_in.read_text(encoding="utf-8",
                                                            errors="surrogateescape").splitlines())
        except FileNotFoundError:
            return
        except OSError as err:
            log.warning("cannot read the staging list %s: %s", self.listed_in, err)
            return
        left = []
        for name in filter(None, listed):
            folder = Path(name)
            swept = self._sweep(folder)
            if swept.removed:
                log.info("%s: removed %d temporary file(s) an interrupted run left", folder, swept.removed)
            if swept.left:
                left.append(name)
        try:
            if left:  # whole or not at all: a list cut short would leave litter unswept
                kept = self.listed_in.with_suffix(".staging-new")
                kept.write_text("".join(f"{name}\n" for name in left), encoding="utf-8",
                                errors="surrogateescape")
                os.replace(kept, self.listed_in)
            else:
                self.listed_in.unlink(missing_ok=True)
        except OSError as err:
            log.warning("cannot keep the staging list %s: %s", self.listed_in, err)


    def _sweep(self, folder: Path) -> Sweep:
        """:func:`~excerpta.disk.sweep_temporary_files` in ``folder`` if it is still in the output
        (not since made a link to elsewhere: what is there is not ours to remove)."""
        try:
            with self.paths.open_folder(folder) as opened:
                if opened.inside:
                    return sweep_temporary_files(folder, dir_fd=opened.fd, owner=self.owner)
        except OSError:  # gone, or no longer a folder
            return Sweep(0, 0)
        log.info("%s: now leads outside the output folder; not swept", folder)
        return Sweep(0, 0)


def _replace(staged: StagedFile, folder: OpenFolder, left_alone: Callable[[StagedFile, LeftAlone], None],
             ) -> bool:
    """Rename ``staged``'s temporary file over its target in ``folder`` (open, so neither can be
    redirected), unless the target changed, the folder is not the one the file was made in or
    the file system refuses; returns whether it did. Raises OSError naming the target."""
    try:
        # The user may have saved the file since we decided (a long run, an open editor):
        # compare again right before replacing, as vdirsyncer does with etags.
        if not folder.inside or not _holds(folder, staged):
            _remove_if_ours(staged, folder)
            left_alone(staged, LEFT_CHANGED if folder.inside else LEFT_LINKED)
        elif file_sha256(staged.target, folder.fd) != staged.on_disk:
            remove_file(staged.temp, folder.fd)
            left_alone(staged, LEFT_CHANGED)
        else:
            try:
                os.replace(folder.name(staged.temp), folder.name(staged.target),
                           src_dir_fd=folder.fd, dst_dir_fd=folder.fd)
            except OSError as err:
                if err.errno not in _REFUSALS or staged.on_disk is None:  # a new file: the folder's
                    raise
                remove_file(staged.temp, folder.fd)  # one note the user locked stops no other
                left_alone(staged, f"cannot be replaced ({err.strerror or err})")
                return False
            return True
    except OSError as err:  # it named our temporary file (or nothing)
        raise naming(err, staged.target, "replacing it") from err
    return False


def _holds(folder: OpenFolder, staged: StagedFile) -> bool:
    """Whether ``folder`` holds the temporary file of ``staged`` (not a file named so)."""
    found = _stat_or_none(staged.temp, folder)
    return found is not None and (found.st_dev, found.st_ino) == staged.identity


def _remove_if_ours(staged: StagedFile, folder: OpenFolder) -> None:
    """Remove the temporary file of ``staged`` from ``folder`` if it is there, wherever the
    folder now is (it may have been moved with it): no other file."""
    if _holds(folder, staged):
        remove_file(staged.temp, folder.fd)


def _flush_naming_targets(files: list[StagedFile]) -> None:
    """:func:`~excerpta.disk_flush.flush_to_disk` the temporary files of ``files``; an OSError names
    the target of the temporary file that failed (or the folder syncfs failed in)."""
    try:
        flush_to_disk([staged.temp for staged in files])
    except OSError as err:
        targets = {str(staged.temp): staged.target for staged in files}
        named = err.filename and str(err.filename)
        where = targets.get(named) or (Path(named) if named else files[0].target.parent)
        raise naming(err, where, "flushing it to disk") from err


def _stat_or_none(path: Path, folder: OpenFolder | None = None) -> os.stat_result | None:
    """The stat of ``path`` (in ``folder``, not following a link there), or None."""
    try:
        if folder is None:
            return path.stat()
        return os.stat(folder.name(path), dir_fd=folder.fd, follow_symlinks=False)
    except OSError:
        return None
