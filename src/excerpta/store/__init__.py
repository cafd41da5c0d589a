"""State: the library of documents and highlights, sync cursors, output manifest, run log.

``open_store(path)`` opens (creating and migrating if needed) the embedded SQLite store.
Where the state lives: ``--state PATH``, else ``$EXCERPTA_STATE``, else the platform's user
state folder (``default_state_path()``).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_state_path

from excerpta.store.base import LibraryStore, MergeRules, MergeStats, RunRecord
from excerpta.store.sqlite import SQLiteStore

STATE_ENV = "EXCERPTA_STATE"
STATE_FILE_NAME = "state.sqlite"

__all__ = [
    "STATE_ENV",
    "LibraryStore",
    "MergeRules",
    "MergeStats",
    "RunRecord",
    "SQLiteStore",
    "default_state_path",
    "open_store",
]


def default_state_path() -> Path:
    """``$EXCERPTA_STATE`` if set, else ``<user state dir>/excerpta/state.sqlite``."""
    override = os.environ.get(STATE_ENV)
    if override:
        return Path(override).expanduser()
    return user_state_path("excerpta", appauthor=False) / STATE_FILE_NAME


def open_store(path: Path | str, *, reads_only: bool = False) -> SQLiteStore:
    """Open the state store at ``path`` (``":memory:"`` for a throwaway library); with
    ``reads_only`` (a dry run), a copy of it in memory, the file neither created nor changed
    (:meth:`SQLiteStore.copy_in_memory`)."""
    return SQLiteStore.copy_in_memory(path) if reads_only else SQLiteStore(path)
