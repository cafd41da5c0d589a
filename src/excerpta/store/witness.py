"""Another state database, read only to vouch for the output files it records writing.

When ``--state`` names a database other than the default one, files an earlier run wrote
under the default state are still excerpta's: its record of a file's bytes lets this run take
the file over (:attr:`OutputSink.witnesses <excerpta.output.OutputSink.witnesses>`). That
database is not the user's choice for this run, so it is never written: it is opened with
SQLite's ``mode=ro`` (no migration, no switch to WAL, a ``--dry-run`` changes nothing), and a
database it cannot read as this excerpta writes it (another schema, another application's,
damaged, locked) vouches for nothing instead of failing the run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from excerpta.output_records import OutputRecord
from excerpta.store.migrations import SCHEMA_VERSION
from excerpta.store.state_file import OUTPUT_COLUMNS, output_record

_TIMEOUT_S = 5.0  # a witness waits little for a writer: it is only asked, never needed


class StateWitness:
    """The output records of the state database ``path``, read-only; see the module docstring."""

    def __init__(self, path: str, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db

    @classmethod
    def open(cls, path: Path) -> StateWitness | None:
        """The witness of the database ``path``, or None when it is missing or cannot vouch:
        not at this excerpta's schema version, without an ``outputs`` table, or unreadable."""
        if not path.is_file():
            return None
        # A database in WAL mode read with mode=ro alone gets a -wal and an -shm file beside it,
        # left there. Without a -wal file the database file holds everything committed: read it
        # as immutable. (A run writing it meanwhile may make a read fail or miss its newest
        # records: the witness then vouches for less, never for bytes no state recorded.)
        has_log = path.with_name(path.name + "-wal").exists()
        uri = path.expanduser().absolute().as_uri() + ("?mode=ro" if has_log else "?mode=ro&immutable=1")
        try:
            db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=_TIMEOUT_S)
        except sqlite3.Error:
            return None
        try:
            usable = db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION and db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outputs'").fetchone()
        except sqlite3.Error:
            usable = False
        if not usable:
            db.close()
            return None
        return cls(str(path), db)

    def output_at(self, path: str) -> OutputRecord | None:
        """What the state records writing at the absolute ``path``; None if nothing, or if it
        cannot be read now."""
        try:
            row = self._db.execute(f"SELECT {OUTPUT_COLUMNS} FROM outputs WHERE path = ?", (path,)).fetchone()
            return None if row is None else output_record(row)
        except (sqlite3.Error, ValueError):  # ValueError: a damaged written_at
            return None

    def close(self) -> None:
        """Close the database; the witness cannot be used afterwards."""
        self._db.close()
