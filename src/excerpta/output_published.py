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

So before it renames anything, a run writes the records it is about to commit, for its state,
with the hash each file held before (None: none), synced to disk, to the output's *published
list* (a file beside the output's lock, in excerpta's state folder, readable by its user alone,
never in the user's folder). The next run into the output with that state replays it
(:meth:`PublishedList.replay`): a listed record is the truth about what excerpta last wrote for
its key, used in place of the state's and committed with that run's records, unless its rename
never happened (the file still holds what it held before; a new file is not there). A file the
run left alone (the user saved it meanwhile) is taken off the list once the renames are done.
Once the state holds a run's records, that job's entries for that state are removed
(:meth:`PublishedList.clear`); others stay, and what one run leaves is merged into the next
run's list, so two killed runs in a row lose nothing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from excerpta.disk import file_sha256
from excerpta.disk_flush import flush_to_disk, fsync_dir
from excerpta.output_records import OutputRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listed:
    """One published file: the ``record`` to commit to ``state`` (its path; "" for none), and
    the hash the file held before (``replaced``; None: there was none)."""

    record: OutputRecord
    state: str
    replaced: str | None


class PublishedList:
    """The published list at ``path`` (see the module docstring), read when made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._left: dict[tuple[str, str], Listed] = {}  # by the file's path and new hash
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as err:  # as if none: the files look edited, no more
            log.warning("%s: cannot read what an interrupted run published (%s)", path, err)
            return
        for line in lines:
            with suppress(ValueError, TypeError, KeyError):  # a line cut short: skipped
                listed = _listed(json.loads(line))
                self._left[listed.record.path, listed.record.hash] = listed

    def holds(self, path: str, digest: str | None) -> bool:
        """Whether a run published bytes of hash ``digest`` at ``path`` and may not have recorded them."""
        return digest is not None and (path, digest) in self._left

    def replay(self, job: str, writer: str, state: str) -> list[OutputRecord]:
        """The listed records of ``job``'s ``writer`` for ``state`` whose renames happened, oldest first."""
        found: dict[str, str | None] = {}
        true = []
        for (path, digest), listed in self._left.items():
            if (listed.record.job, listed.record.writer, listed.state) != (job, writer, state):
                continue
            if path not in found:
                found[path] = file_sha256(Path(path))
            # There; or changed or moved away since (a new file not there: never renamed).
            if found[path] == digest or found[path] != listed.replaced:
                true.append(listed.record)
        return sorted(true, key=lambda record: record.written_at)

    def record(self, files: Iterable[Listed]) -> None:
        """List ``files`` (about to be published), with what an earlier run left listed, on
        stable storage. A list that cannot be written is warned of (as the staging list is): it
        costs only what a kill before the commit would cost without it."""
        for listed in files:
            self._left[listed.record.path, listed.record.hash] = listed
        self._save()

    def forget(self, paths: Collection[str]) -> None:
        """Take the files at ``paths`` off the list: the run left them alone, renaming nothing."""
        if any(path in paths for path, _ in self._left):
            self._left = {key: listed for key, listed in self._left.items() if key[0] not in paths}
            self._save()

    def clear(self, job: str, writer: str, state: str) -> None:
        """Take off what ``state`` now holds: the entries of ``job``'s ``writer`` for it."""
        kept = {key: listed for key, listed in self._left.items()
                if (listed.record.job, listed.record.writer, listed.state) != (job, writer, state)}
        if len(kept) == len(self._left):
            return
        self._left = kept
        if kept:
            self._save()
        else:
            with suppress(FileNotFoundError):
                self.path.unlink()

    def _save(self) -> None:
        lines = "".join(json.dumps(_row(listed)) + "\n" for listed in self._left.values())
        fresh = self.path.with_suffix(".published-new")
        try:  # whole or not at all: the list of a run killed while writing it is the one before
            with suppress(FileNotFoundError):
                fresh.unlink()  # a killed run's
            # Only its user may read it (the notes' paths, their headers' memory, a deck's notes).
            with os.fdopen(os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w",
                           encoding="utf-8") as file:
                # \u escapes: any memo; a name that is not UTF-8 too, which json.loads reads back
                # as it (this list only: the rest of a run keeps one by excerpta.file_names).
                file.write(lines)
            flush_to_disk([fresh])
            os.replace(fresh, self.path)
            fsync_dir(self.path.parent)
        except OSError as err:
            log.warning("cannot keep the list of files being published %s: %s", self.path, err)


def _row(listed: Listed) -> list[object]:
    record = listed.record
    return [record.path, record.job, record.writer, record.key, record.hash, record.source_hash,
            record.written_at.isoformat(), record.size, record.mtime_ns, record.memo,
            listed.state, listed.replaced]


def _listed(row: list[object]) -> Listed:
    """A file as :func:`_row` wrote it; raises ValueError or TypeError for anything else."""
    path, job, writer, key, digest, source_hash, written_at, size, mtime_ns, memo, state, replaced = row
    record = OutputRecord(_text(path), _text(job), _text(writer), _text(key), _text(digest),
                          _maybe_text(source_hash), datetime.fromisoformat(_text(written_at)),
                          _number(size), _number(mtime_ns), _maybe_text(memo))
    return Listed(record, _text(state), _maybe_text(replaced))


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
