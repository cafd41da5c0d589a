"""One output as an :class:`~excerpta.output.OutputSink` sees it before writing: where its files
go (:mod:`excerpta.output_paths`), what this job's writer wrote there before (the state's
records, :func:`~excerpta.output_records.records_of_output`) and whether a file there is still as
excerpta wrote it. Read only: :class:`~excerpta.output.OutputSink` adds the writing."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from excerpta.disk import file_sha256
from excerpta.output_paths import OutputPaths
from excerpta.output_records import Manifest, OutputRecord, Respelling, Witness, records_of_output

LINKED_OUTSIDE = "a link to a file outside the output folder; left as it is"


@dataclass
class OutputFolder:
    """One writer's output under ``root`` for one job, and what that writer wrote there before.

    For a writer whose ``target`` is ``"file"``, ``root`` is the folder of ``--out`` and
    ``file_name`` its name.
    """

    root: Path
    job: str
    writer: str
    file_name: str = ""
    manifest: Manifest | None = None
    # Other states (the default one, when --state names another): a file holding bytes one of
    # them records writing there is ours too; excerpta wrote exactly what is there.
    witnesses: tuple[Witness, ...] = ()
    _records: dict[str, OutputRecord] | None = field(default=None, init=False, repr=False)
    _respelt: Respelling | None = field(default=None, init=False, repr=False)
    _paths: OutputPaths = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._paths = OutputPaths(self.root)

    def resolve(self, relative: str) -> Path:
        """The absolute path of ``relative``; raises WriteConflictError if it leaves the root
        (:meth:`~excerpta.output_paths.OutputPaths.resolve`)."""
        return self._paths.resolve(relative)

    @property
    def prefix(self) -> str:
        """What the paths of this output's files start with: the resolved root with its
        trailing separator, or a one-file output's resolved path."""
        if self.file_name:
            return str(self._paths.resolved_root / self.file_name)
        return str(self._paths.resolved_root / "x")[:-1]  # (the root "/" has its separator already)

    def records(self) -> dict[str, OutputRecord]:
        """What this job's writer wrote for this output before this run, by key (e.g. a
        document id): under this sink's root, or where the output was before the user moved it
        (a writer may follow it there); never another output's, though one state may serve
        several (:func:`~excerpta.output_records.records_of_output` decides).

        A snapshot taken at first use: records of this run stay pending until committed, so a
        sink (which serves one run) never needs to ask the manifest twice.
        """
        if self._records is None:
            if self.manifest is None:
                self._records = {}
            else:
                self._respelt = Respelling(self.prefix)
                self._records = records_of_output(self.manifest.output_history(self.job, self.writer),
                                                  self.prefix, self._respelt)
        return self._records

    def recorded_at(self, target: Path, key: str = "") -> OutputRecord | None:
        """This output's record of the file at ``target`` that the manifest, asked for that
        path, does not give: made under another spelling of the output's path
        (:class:`~excerpta.output_records.Respelling`), or, for a one-file output, ``key``'s
        where the output was before its folder was moved (a synced folder at another path on
        another machine; :func:`~excerpta.output_records.records_of_output`); else None."""
        self.records()
        found = None if self._respelt is None else self._respelt.found.get(str(target))
        if found is None and self.file_name and (moved := self.previous(key)) is not None \
                and moved.path != str(target):  # (one at this path is a witness's: not moved)
            found = moved
        return found

    def last_written(self, target: Path, key: str, on_disk: str | None) -> tuple[OutputRecord | None, bool]:
        """The record of what excerpta last wrote at ``target`` (for ``key``), and whether the
        file there holds bytes excerpta wrote (``on_disk``: their hash; None, no file: anyone's
        to make), as this state records, another state does (:attr:`witnesses`), or a run
        published without committing their record (:meth:`published`)."""
        # A new file needs no record: one query less per note of a first run. Of the records
        # under this spelling of its path and another (typed by turns), either may be the last.
        records = [] if self.manifest is None or on_disk is None else [
            found for found in (self.manifest.output_at(str(target)), self.recorded_at(target, key))
            if found is not None]
        record = next((found for found in records if found.hash == on_disk), records[0] if records else None)
        ours = on_disk is None or (record is not None and record.hash == on_disk) or any(
            (seen := other.output_at(str(target))) is not None and seen.hash == on_disk
            for other in self.witnesses) or self.published(str(target), on_disk)
        return record, ours

    def published(self, path: str, digest: str) -> bool:
        """Whether a run published bytes of hash ``digest`` at ``path`` without committing their
        record; never, but for a sink that keeps such a list (``OutputSink``)."""
        return False

    def previous(self, key: str) -> OutputRecord | None:
        """The record of what we last wrote for ``key`` (e.g. a document id), if any."""
        return self.records().get(key)

    def is_current(self, key: str, source_hash: str) -> bool:
        """True if ``key`` was last written from ``source_hash`` and that file is intact.

        Intact: the same size and modification time as when we wrote it (as git's index tells
        an unmodified file), else the same SHA-256. Per-document writers call this to skip
        documents that did not change. A skipped file is left exactly as it is, so even a file
        wrongly taken as intact (rewritten to the same size within the same clock tick as our
        write) can only miss a re-render, never lose the user's text. A file now in a folder
        linking outside the output is not (:meth:`links_outside`).
        """
        record = self.previous(key)
        if record is None or record.source_hash != source_hash or not self._paths.folder_inside(
                Path(record.path).parent):
            return False
        if record.size is not None and record.mtime_ns is not None:
            try:
                stat = os.stat(record.path)
            except OSError:
                return False
            if (stat.st_size, stat.st_mtime_ns) == (record.size, record.mtime_ns):
                return True
        return file_sha256(Path(record.path)) == record.hash

    def links_outside(self, relative: str) -> bool:
        """Whether the file at ``relative`` is, or is in a folder that is, a link the user made
        to outside the output folder (:meth:`~excerpta.output_paths.OutputPaths.outside`): never
        written through, nor read by a writer that merges into what is there; a sink's
        :meth:`~excerpta.output.OutputSink.write` skips it as :data:`LINKED_OUTSIDE`."""
        return self._paths.outside(self.resolve(relative))

    def holds_what_excerpta_wrote(self, relative: str) -> bool:
        """Whether the file at ``relative`` holds exactly the bytes excerpta last wrote there, as
        this sink's state or a witness records them (size, then SHA-256): a file a writer may
        read back as its own. Not a file excerpta has no record of (not even read), nor one
        :meth:`links_outside`, even with ``force`` (which may overwrite it, never read it)."""
        target = self.resolve(relative)
        records = [seen for state in (self.manifest, *self.witnesses)
                   if state is not None and (seen := state.output_at(str(target))) is not None]
        if (recorded := self.recorded_at(target)) is not None:  # (its path spelt otherwise)
            records.append(recorded)
        # What a sink takes from a run killed before its commit (excerpta.output_published).
        records += [seen for seen in self.records().values() if seen.path == str(target)]
        if not records or self._paths.outside(target):
            return False
        try:
            found = os.stat(target)
        except OSError:
            return False
        hashes = {record.hash for record in records if record.size in (None, found.st_size)}
        return bool(hashes) and S_ISREG(found.st_mode) and file_sha256(target) in hashes
