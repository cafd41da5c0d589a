"""The files a run published that its state may not record yet: so that a run killed between
renaming its files into place and committing their records does not leave them looking edited.

An :class:`~excerpta.output.OutputSink` takes a file as its own to replace when it holds what
the state records writing there. A run killed (``kill -9``, a power cut) or stopped (the state
busy: exit 75) after its renames and before its commit leaves new files beside old records:
the next run would find every one of them "changed since excerpta wrote it" and leave it alone
for good (until ``--force``). So before it renames anything, a run lists each file it is about
to publish with the hash of its new bytes, synced to disk, in the output's *published list*
(a file beside the output's lock, in excerpta's state folder, never in the user's folder);
the next run into the output takes a file holding bytes listed there as its own, as it does
one holding what the state records. The list is removed once the state has recorded the run's
files (:meth:`PublishedList.clear`); one that outlives a run is merged into the next run's, so
two killed runs in a row lose nothing. Only excerpta's own bytes are ever listed: a file the
user changed since matches no hash, and is left alone as before.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from excerpta.disk_flush import flush_to_disk, fsync_dir

log = logging.getLogger(__name__)


class PublishedList:
    """The published list at ``path`` (see the module docstring), read when made."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._left: dict[str, set[str]] = {}  # by the file's path: hashes a run published there
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as err:  # unreadable: as if none (the files look edited)
            log.warning("%s: cannot read what an interrupted run published (%s)", path, err)
            return
        for line in lines:
            with suppress(ValueError, TypeError, KeyError, AttributeError):  # a line cut short: skipped
                entry = json.loads(line)
                self._left.setdefault(str(entry["path"]), set()).add(str(entry["hash"]))

    def holds(self, path: str, digest: str | None) -> bool:
        """Whether a run published bytes of hash ``digest`` at ``path`` and may not have recorded them."""
        return digest is not None and digest in self._left.get(path, ())

    def record(self, files: Iterable[tuple[str, str]]) -> None:
        """List ``files`` (``(path, hash)`` pairs), with what an earlier run left listed, on
        stable storage, before they are published. A list that cannot be written is warned of
        (as the staging list is): it costs only the recognition of these files after a kill."""
        entries = {(path, digest) for path, hashes in self._left.items() for digest in hashes}
        entries.update(files)
        for path, digest in entries:
            self._left.setdefault(path, set()).add(digest)
        lines = "".join(json.dumps({"path": path, "hash": digest}) + "\n"  # a path undecodable too
                        for path, digest in sorted(entries))
        fresh = self.path.with_suffix(".published-new")
        try:  # whole or not at all: the list of a run killed while writing it is the one before
            fresh.write_text(lines, encoding="utf-8")
            flush_to_disk([fresh])
            os.replace(fresh, self.path)
            fsync_dir(self.path.parent)
        except OSError as err:
            log.warning("cannot keep the list of files being published %s: %s", self.path, err)

    def clear(self) -> None:
        """Remove the list: the state records every file it named (or a newer run's file)."""
        self._left.clear()
        with suppress(FileNotFoundError):
            self.path.unlink()
