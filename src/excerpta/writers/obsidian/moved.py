"""The output folder renamed or moved (``Readwise/`` → ``Reading/Readwise/``, or a vault synced
to this machine at another path): the notes excerpta recorded under the old path are this
folder's notes.

A note found again by its ``excerpta-id`` needs none of this. A note the user deleted does: it
is in neither place, and without knowing that its folder moved it would look like a note
never written, and be re-created. A folder counts as moved here from an old path when that
path is gone and a note recorded under it is in this folder at the same relative path. So a
new, empty folder (or one that holds none of those notes, say after the user deleted the old
folder on purpose) gets every note written afresh, and a second vault still in place is
another vault. The sink's records are this folder's past already
(:func:`~excerpta.output_records.records_of_output`: under it, or in a folder since gone); the
folder that held one is only taken as this folder's old place when it is gone too, not merely
the note's subfolder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from excerpta.output import OutputRecord
from excerpta.writers.obsidian.vault import VaultIndex


class FolderMoves:
    """The folders this output folder was moved from, found on first use (it needs the vault
    index; an unchanged re-run never asks)."""

    def __init__(self, prefix: str, records: Callable[[], Mapping[str, OutputRecord]],
                 index: Callable[[], VaultIndex]) -> None:
        self._prefix = prefix  # this folder, with its trailing separator
        self._records = records
        self._index = index
        self._old: list[str] | None = None  # old folders, each with its trailing separator

    def relative(self, path: str) -> str | None:
        """Where ``path`` (a note we recorded outside this folder) is in this folder, relative
        and POSIX, if it was in a folder this one was moved from; else None."""
        if self._old is None:
            self._old = self._find_old()
        for old in self._old:
            if path.startswith(old):
                relative = path[len(old):]
                return relative.replace(os.sep, "/") if os.sep != "/" else relative
        return None

    def _find_old(self) -> list[str]:
        index = self._index()
        candidates: set[str] = set()  # where a note now here was recorded, less its relative path
        for key, record in self._records().items():
            if record.path.startswith(self._prefix):
                continue
            for relative in index.by_id.get(key, ()):
                suffix = os.sep + relative.replace("/", os.sep)
                if record.path.endswith(suffix):
                    candidates.add(record.path[:-len(suffix) + 1])
        # Gone: a folder still there is another vault (its subfolder holding a note may be
        # gone while it is not: the user deleted that subfolder).
        old = [folder for folder in candidates if not os.path.lexists(folder)]
        return sorted(old, key=len, reverse=True)  # the deepest first
