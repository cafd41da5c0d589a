"""The records of the files a run published that its state may not hold yet: so that a run
killed between renaming its files into place and committing their records leaves nothing that
looks edited, nor a writer's memory of a file that no longer describes it.

A run commits the records of the files it wrote (their hashes, and what each writer remembers
of its file: a note's block digests, a deck's notes) once they are on disk. A run killed
(``kill -9``, a power cut) or stopped (the state busy: exit 75) after its renames and before
that commit leaves new files beside old records: the next run would find each "changed since
excerpta wrote it" and leave it alone (a JSON, CSV or Anki file, until ``--force``), or merge a
note by a memory of its older self (a highlight block it updated taken as the user's, one it
removed as deleted by the user).

So before it renames anything, a run writes the records it is about to commit, synced to disk,
to the output's *published list* (a file beside the output's lock, in excerpta's state folder,
never in the user's folder). The next run into the output replays it (:meth:`PublishedList.replay`):
a listed record whose file still holds its bytes is the truth about that file, used in place of
the state's and committed with that run's records; one whose file holds other bytes (the user
changed it since, or the rename never happened) is dropped. The list is removed once the state
holds a run's records (:meth:`PublishedList.clear`); one that outlives a run is merged into the
next run's, so two killed runs in a row lose nothing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from excerpta.disk import file_sha256
from excerpta.disk_flush import flush_to_disk, fsync_dir
from excerpta.output_records import OutputRecord

log = logging.getLogger(__name__)


class PublishedList:
    """The published list at ``path`` (see the module docstring), read when made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._left: dict[tuple[str, str], OutputRecord] = {}  # by the file's path and hash
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as err:  # as if none: the files look edited, no more
            log.warning("%s: cannot read what an interrupted run published (%s)", path, err)
            return
        for line in lines:
            with suppress(ValueError, TypeError, KeyError):  # a line cut short: skipped
                record = _record(json.loads(line))
                self._left[record.path, record.hash] = record

    def holds(self, path: str, digest: str | None) -> bool:
        """Whether a run published bytes of hash ``digest`` at ``path`` and may not have recorded them."""
        return digest is not None and (path, digest) in self._left

    def replay(self, job: str, writer: str) -> list[OutputRecord]:
        """The listed records of ``job``'s ``writer`` whose files still hold their bytes."""
        found: dict[str, str | None] = {}
        true = []
        for (path, digest), record in self._left.items():
            if record.job == job and record.writer == writer:
                if path not in found:
                    found[path] = file_sha256(Path(path))
                if found[path] == digest:
                    true.append(record)
        return true

    def record(self, records: Iterable[OutputRecord]) -> None:
        """List ``records`` (of files about to be published), with what an earlier run left
        listed, on stable storage. A list that cannot be written is warned of (as the staging
        list is): it costs only what a kill before the commit would cost without it."""
        for record in records:
            self._left[record.path, record.hash] = record
        lines = "".join(json.dumps(_row(record)) + "\n" for record in self._left.values())
        fresh = self.path.with_suffix(".published-new")
        try:  # whole or not at all: the list of a run killed while writing it is the one before
            fresh.write_text(lines, encoding="utf-8")  # (JSON escapes: any path, any memo)
            flush_to_disk([fresh])
            os.replace(fresh, self.path)
            fsync_dir(self.path.parent)
        except OSError as err:
            log.warning("cannot keep the list of files being published %s: %s", self.path, err)

    def clear(self) -> None:
        """Remove the list: the state holds the records it named (or newer ones)."""
        self._left.clear()
        with suppress(FileNotFoundError):
            self.path.unlink()


def _row(record: OutputRecord) -> list[object]:
    return [record.path, record.job, record.writer, record.key, record.hash, record.source_hash,
            record.written_at.isoformat(), record.size, record.mtime_ns, record.memo]


def _record(row: list[object]) -> OutputRecord:
    """A record as :func:`_row` wrote it; raises ValueError or TypeError for anything else."""
    path, job, writer, key, digest, source_hash, written_at, size, mtime_ns, memo = row
    return OutputRecord(_text(path), _text(job), _text(writer), _text(key), _text(digest),
                        _maybe_text(source_hash), datetime.fromisoformat(_text(written_at)),
                        _number(size), _number(mtime_ns), _maybe_text(memo))


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise TypeError("not a record")


def _maybe_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _number(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise TypeError("not a record")
