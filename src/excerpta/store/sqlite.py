"""The embedded state store: one SQLite file in WAL mode (see :mod:`excerpta.store`); its
transactions and reads, their errors naming the database, are :mod:`.connection`'s."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from excerpta.errors import StateError
from excerpta.file_names import stored_name
from excerpta.model import Document
from excerpta.output_records import OutputRecord
from excerpta.store import run_log, state_file
from excerpta.store.aliased import AliasedIds
from excerpta.store.aliases_table import sources_by_highlight
from excerpta.store.base import MergeRules, MergeStats, Renamed, RunRecord
from excerpta.store.connection import StateConnection, is_busy
from excerpta.store.migrations import MIGRATIONS, SCHEMA_VERSION
from excerpta.store.resaves import ResavedCopies
from excerpta.store.state_file import OUTPUT_COLUMNS, output_record
from excerpta.store.unify import SameAcrossSources
from excerpta.store.upsert import delete_highlights_of, upsert_document

LOCK_TIMEOUT_S = 30.0  # how long to wait for another process holding the database


def _now() -> str:
    return datetime.now(UTC).isoformat()


class SQLiteStore(StateConnection):
    """Library, cursors, output manifest and run log in one SQLite database.

    ``path`` may be ``":memory:"`` for a library that lives only as long as the process
    (``convert`` without ``--state``). Opening a database written by a newer excerpta raises
    StateError instead of guessing; so does any read or write of one that cannot be used
    (not a database, damaged, locked by another process for over ``timeout`` seconds).
    """

    def __init__(self, path: Path | str, *, timeout: float = LOCK_TIMEOUT_S) -> None:
        """Open (creating and migrating if needed) the database at ``path``.

        Raises StateError if it cannot be used (see :mod:`excerpta.store.state_file`), and
        OSError if its folder cannot be made.
        """
        self.path = str(path)
        self._timeout = timeout
        # The last fingerprint, and when it was taken (see fingerprint).
        self._merges = 0
        self._fingerprinted: tuple[tuple[int, int], str] | None = None
        if self.path != ":memory:":
            state_file.make_folder(self.path)
            state_file.make_private(self.path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=timeout)
            self._open()
        except sqlite3.DatabaseError as err:
            if is_busy(err):
                raise self._busy_error() from None
            raise state_file.open_error(self.path, err) from None

    @classmethod
    def copy_in_memory(cls, path: Path | str, *, timeout: float = LOCK_TIMEOUT_S) -> SQLiteStore:
        """A store in memory holding what the database at ``path`` holds, migrated there (empty
        when there is none yet), for a dry run: the file and its folder are left exactly as they
        are (not created, migrated nor switched to WAL), nothing is put beside them. Raises
        what opening it raises (StateError, NotADirectoryError), but never for a folder that
        cannot be written."""
        copy = cls(":memory:", timeout=timeout)
        copy.path = str(path)  # errors name the state file
        try:
            if state_file.copy_into(copy._db, copy.path, timeout):
                copy._migrate()
        except sqlite3.DatabaseError as err:
            copy.close()
            raise (copy._busy_error() if is_busy(err) else state_file.open_error(copy.path, err)) from None
        except BaseException:
            copy.close()
            raise
        return copy

    def _open(self) -> None:
        # Whose database it is, before anything changes it (WAL mode is written in the file).
        if self._db.execute("PRAGMA user_version").fetchone()[0] == 0:
            state_file.refuse_foreign(self._db, self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def _transaction_failed(self) -> None:
        self._fingerprinted = None  # may have been taken of what is rolled back

    def close(self) -> None:
        """Close the database; the store cannot be used afterwards."""
        self._db.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path}: written by a newer excerpta (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade excerpta"
            )
        for index, (name, script) in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))
                db.execute(f"PRAGMA user_version = {index}")

    @property
    def schema_version(self) -> int:
        """How many migrations this database has applied."""
        with self._reading() as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])

    # -- library -----------------------------------------------------------------------------

    def merge(self, documents: Iterable[Document], rules: MergeRules | None = None) -> MergeStats:
        """Upsert documents and their highlights, then delete those of the ``deleted``
        documents; see :class:`excerpta.store.base.LibraryStore`."""
        stats, rules, rows = MergeStats(), rules or MergeRules(), state_file.StoredRows(self.path)
        self._merges += 1
        with self.transaction() as db:
            # Ids another source gave: matched (see .unify), or, for a read of the library's
            # ids (our JSON), those the library holds as aliases looked up (see .aliased).
            same = SameAcrossSources(db, rows, rules.reader, edited=rules.edited) if rules.unify \
                else AliasedIds(db, rows)
            copies = ResavedCopies(db, rows) if rules.resaves else None  # see excerpta.store.resaves
            for document in documents:
                document_rules = rules
                matched = same.match(document)
                document = matched.document
                if matched.renamed:  # the reader's left-out fields are keyed by its own ids
                    document_rules = replace(
                        rules, left_out=Renamed(rules.left_out, matched.renamed),
                        document_left_out=Renamed(rules.document_left_out, matched.renamed))
                document = document if copies is None else copies.match(document)
                upsert_document(db, document, stats, document_rules, rows)
            for document_id in rules.deleted:
                target, only = same.resolved(document_id)
                delete_highlights_of(db, target, stats, rows, only=only)
        return stats

    def documents(self, ids: Iterable[str] | None = None) -> Iterator[Document]:
        """Yield documents with their highlights, in first-seen order (all, or only ``ids``);
        StateError, naming the row, at one its reader cannot read."""
        wanted = None if ids is None else set(ids)
        current_id: str | None = None
        fields: dict[str, Any] = {}
        highlights: list[dict[str, Any]] = []
        highlight_ids: list[str] = []  # their rows', for a message
        with self._reading() as db:  # rows are fetched as the loop goes: all of it reads
            for doc_id, doc_data, highlight_id, highlight_data in db.execute(
                    "SELECT d.id, d.data, h.id, h.data FROM documents d "
                    "LEFT JOIN highlights h ON h.document_id = d.id ORDER BY d.rowid, h.rowid"):
                if doc_id != current_id:
                    if current_id is not None:
                        yield state_file.document_of(self.path, current_id, fields, highlights, highlight_ids)
                    current_id, fields, highlights, highlight_ids = doc_id, {}, [], []
                    if wanted is not None and doc_id not in wanted:
                        current_id = None
                        continue
                    fields = state_file.row_data(self.path, "documents", doc_id, doc_data)
                if current_id is not None and highlight_data is not None:
                    row = state_file.row_data(self.path, "highlights", highlight_id, highlight_data)
                    highlights.append(row)
                    highlight_ids.append(highlight_id)
        if current_id is not None:
            yield state_file.document_of(self.path, current_id, fields, highlights, highlight_ids)

    def highlight_sources(self, document_id: str) -> dict[str, frozenset[str]]:
        """The sources known to have given each highlight of document ``document_id``
        (:func:`~excerpta.store.aliases_table.sources_by_highlight`)."""
        with self._reading() as db:
            return sources_by_highlight(db, document_id)

    def counts(self) -> dict[str, int]:
        """How many documents and highlights the library holds."""
        with self._reading() as db:
            docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
            highlights = db.execute("SELECT count(*) FROM highlights").fetchone()[0]
        return {"documents": int(docs), "highlights": int(highlights)}

    def fingerprint(self) -> str:
        """A digest of the library as :meth:`documents` yields it: each document's and each of
        its highlights' id and content hash, in that order. The same while nothing in it
        changed, read without loading a document (see :mod:`excerpta.unchanged_outputs`), and
        taken again only once a merge, here or by another connection, may have changed it."""
        with self._reading() as db:
            # data_version: another connection committed since (a merge, or any other write).
            taken = (db.execute("PRAGMA data_version").fetchone()[0], self._merges)
            if self._fingerprinted is not None and self._fingerprinted[0] == taken:
                return self._fingerprinted[1]
            digest = hashlib.sha256()
            for row in db.execute(
                    "SELECT d.id, d.content_hash, h.id, h.content_hash FROM documents d "
                    "LEFT JOIN highlights h ON h.document_id = d.id ORDER BY d.rowid, h.rowid"):
                digest.update("\0".join(map(str, row)).encode() + b"\n")
        self._fingerprinted = (taken, digest.hexdigest())
        return self._fingerprinted[1]

    # -- cursors and outputs -----------------------------------------------------------------

    def cursor(self, job: str, source: str) -> str | None:
        """The saved cursor of ``source`` in ``job``, or None if it was never committed."""
        with self._reading() as db:
            row = db.execute("SELECT value FROM cursors WHERE job = ? AND source = ?",
                             (job, stored_name(source))).fetchone()
        return None if row is None else str(row[0])

    def commit_outputs(self, records: Iterable[OutputRecord],
                       cursors: Iterable[tuple[str, str, str]] = ()) -> None:
        """Record written files and, in the same transaction, save ``(job, source, value)``
        cursors: a cursor is only ever saved together with the outputs it covers."""
        with self.transaction() as db:
            db.executemany(
                f"INSERT OR REPLACE INTO outputs ({OUTPUT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(stored_name(r.path), r.job, r.writer, stored_name(r.key), r.hash, r.source_hash,
                  r.written_at.isoformat(), r.size, r.mtime_ns, r.memo) for r in records],
            )
            db.executemany("INSERT OR REPLACE INTO cursors VALUES (?, ?, ?, ?)",
                           [(job, stored_name(source), value, _now()) for job, source, value in cursors])

    def output_at(self, path: str) -> OutputRecord | None:
        """What we last wrote at the absolute ``path``, if anything."""
        with self._reading() as db:
            row = db.execute(f"SELECT {OUTPUT_COLUMNS} FROM outputs WHERE path = ?",
                             (stored_name(path),)).fetchone()
        return None if row is None else output_record(row)

    def outputs_for(self, job: str, writer: str) -> dict[str, OutputRecord]:
        """Every file ``writer`` wrote for ``job``, by key; of several files of one key (one
        state serving two vaults), the newest. Which one is an output's past is
        :func:`~excerpta.output_records.records_of_output`'s to decide, from :meth:`output_history`."""
        return {key: records[-1] for key, records in self.output_history(job, writer).items()}

    def output_history(self, job: str, writer: str) -> dict[str, list[OutputRecord]]:
        """Every file ``writer`` wrote for ``job``, by key, oldest first (one key may have a
        file in each output the state serves, and the files of a folder since moved)."""
        with self._reading() as db:
            return state_file.output_history(db, job, writer)

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, job: str) -> int:
        """Log the start of a run of ``job``; returns its id for :meth:`finish_run`. The log
        keeps each job's newest runs (:mod:`.run_log`)."""
        with self.transaction() as db:
            return run_log.start(db, job, _now())

    def finish_run(self, run_id: int, status: str, counts: dict[str, int],
                   error: str | None = None) -> None:
        """Log how run ``run_id`` ended: ``ok``, ``partial`` or ``failed``, with its counts."""
        with self.transaction() as db:
            run_log.finish(db, run_id, _now(), status, counts, error)

    def log_ended_run(self, job: str, status: str, error: str | None = None) -> None:
        """Log a run of ``job`` that ended as it began (``status``, ``error``, no counts), in
        one transaction: a stop in between never leaves it logged as running."""
        with self.transaction() as db:
            now = _now()
            run_log.finish(db, run_log.start(db, job, now), now, status, {}, error)

    def runs(self, job: str | None = None, *, limit: int = -1) -> list[RunRecord]:
        """Logged runs, newest first (of one job, or all; the ``limit`` newest, -1: all)."""
        with self._reading() as db:
            return run_log.runs(db, self.path, job, limit)

