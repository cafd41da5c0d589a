"""Another state database, read only to vouch for the output files it records writing.

When ``--state`` names a database other than the default one, files an earlier run wrote
under the default state are still excerpta's: its record of a file's bytes lets this run take
the file over (:attr:`OutputSink.witnesses <excerpta.output.OutputSink.witnesses>`), and
:class:`TakeOver` hands the writer the witness's record of each file, with what the writer
remembered about it (the highlights an Obsidian note showed, the note the user deleted), so
that the run knows what those runs knew: a highlight the user deleted from a note is not put
back, a note the user deleted is not re-created. That
database is not the user's choice for this run, so it is never written: it is opened with
SQLite's ``mode=ro`` (no migration, no switch to WAL, a ``--dry-run`` changes nothing), and a
database it cannot read as this excerpta writes it (another schema, another application's,
damaged, locked) vouches for nothing instead of failing the run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from excerpta.file_names import stored_name
from excerpta.output_records import Manifest, OutputRecord
from excerpta.store.migrations import SCHEMA_VERSION
from excerpta.store.state_file import OUTPUT_COLUMNS, open_read_only, output_history, output_record

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
        # Read changing nothing (see open_read_only). A run writing it meanwhile may make a read
        # fail or miss its newest records: the witness then vouches for less, never for bytes
        # no state recorded.
        try:
            db = open_read_only(str(path), _TIMEOUT_S)
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
            row = self._db.execute(f"SELECT {OUTPUT_COLUMNS} FROM outputs WHERE path = ?",
                                   (stored_name(path),)).fetchone()
            return None if row is None else output_record(row)
        except (sqlite3.Error, ValueError):  # ValueError: a damaged written_at
            return None

    def output_history(self, job: str, writer: str) -> dict[str, list[OutputRecord]]:
        """Every file ``writer`` wrote for ``job``, by key, oldest first (as
        :meth:`SQLiteStore.output_history <excerpta.store.sqlite.SQLiteStore.output_history>`);
        empty if it cannot be read now, or if the database holds a library (it was some run's
        ``--state``): a writer's memo may then say what that library wrote, which this run's
        library would take as written from itself (an Obsidian note's blocks from the library)."""
        try:
            if self._db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None:
                return {}
            return output_history(self._db, job, writer)
        except (sqlite3.Error, ValueError):  # ValueError: a damaged written_at
            return {}

    def close(self) -> None:
        """Close the database; the witness cannot be used afterwards."""
        self._db.close()


class TakeOver:
    """The manifest of this run's ``state`` as a sink reads it, with the witnesses' records
    (see the module docstring): of a key's records in all of them, the newest written is the
    last (whichever state last wrote the file knows best what it holds). A witness's record the
    state holds already (carried over by an earlier run) is the state's.

    :meth:`carried_over` names the witnesses' records a run is to commit into its state although
    it did not write their files (unchanged since), so that the state keeps knowing them (even
    once the witness is gone). The witnesses are never written.
    """

    def __init__(self, state: Manifest, witnesses: Sequence[Manifest]) -> None:
        self.state = state
        self.path = state.path
        self._witnesses = witnesses
        self._theirs: set[OutputRecord] = set()

    def output_at(self, path: str) -> OutputRecord | None:
        """The state's record at ``path`` (a witness's is asked by the sink itself)."""
        return self.state.output_at(path)

    def output_history(self, job: str, writer: str) -> dict[str, list[OutputRecord]]:
        """The state's history of ``writer`` for ``job`` with the witnesses' records added; of
        each key's records, the one written last is last."""
        history = self.state.output_history(job, writer)
        for witness in self._witnesses:
            for key, records in witness.output_history(job, writer).items():
                ours = history.get(key, [])
                theirs = [record for record in records if record not in ours]
                if theirs:
                    self._theirs.update(theirs)
                    # timestamp(): a damaged row's naive date still sorts (as local time)
                    history[key] = sorted([*ours, *theirs], key=lambda record: record.written_at.timestamp())
        return history

    def carried_over(self, chosen: Mapping[str, OutputRecord], written: Iterable[OutputRecord],
                     prefix: str) -> list[OutputRecord]:
        """Of ``chosen`` (a sink's :meth:`~excerpta.output_folder.OutputFolder.records`), the
        witnesses' records of files under ``prefix`` (the sink's output) whose key has no new
        record among ``written``: the records to commit into the state with the run's."""
        keys = {record.key for record in written}
        return [record for key, record in chosen.items()
                if record in self._theirs and key not in keys and record.path.startswith(prefix)]
