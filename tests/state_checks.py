"""What another run sharing a state database would meet right now."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from excerpta.store.sqlite import SQLiteStore


def try_writing(path: Path) -> str:
    """Take the state's write lock at once, as another run's first write would, and let it go:
    ``"written"``, or SQLite's refusal ("database is locked")."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return "written"
    except sqlite3.OperationalError as err:
        return str(err)
    finally:
        other.close()


def library_in(state: Path) -> list[str]:
    """The documents of the ``--state`` library ``state``, as JSON, in a stable order."""
    store = SQLiteStore(state)
    try:
        return sorted(document.model_dump_json() for document in store.documents())
    finally:
        store.close()
