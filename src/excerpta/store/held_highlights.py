"""The highlights the library held before a merge began, read as :mod:`.resaves` matches them.

A merge writes the rows it is given above those it found (rows are never deleted, so rowid
order is insertion order): :attr:`HeldHighlights.before`, the last rowid held before, tells the
two apart. What is read: the stored copies under some ids (:meth:`~HeldHighlights.held`), one
stored highlight whole (:meth:`~HeldHighlights.stored`), and, per document, the positions of
its live highlights with text and of its live lone notes (:meth:`~HeldHighlights.of_document`,
:meth:`~HeldHighlights.lone_notes`), each read once per merge and kept up to about
:data:`_CACHED_ROWS` rows. A row that cannot be read raises the store's ``StateError`` naming it
(:class:`~excerpta.store.state_file.StoredRows`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from excerpta.model import Highlight
from excerpta.store.positions import Positions
from excerpta.store.state_file import StoredRows

_CHUNK = 500  # ids per query: under SQLite's smallest limit on bound parameters (999)
_CACHED_ROWS = 100_000  # positions of stored highlights kept per merge (some 15 MB at most)


class HeldCopy:
    """What a merge needs of a highlight the library holds under an incoming highlight's id
    while its text is the same: the note, when the highlight last changed and was saved."""

    __slots__ = ("highlighted_at", "note", "rowid", "text", "updated_at")

    def __init__(self, rowid: int, text: str | None, note: str | None, updated: str | None,
                 highlighted: str | None) -> None:
        self.rowid, self.text, self.note = rowid, text, note
        self.updated_at = datetime.fromisoformat(updated) if updated else None
        self.highlighted_at = datetime.fromisoformat(highlighted) if highlighted else None


class HeldHighlights:
    """The highlights held before this merge, inside the caller's transaction on ``db``, its
    stored rows read through ``rows``; see the module docstring."""

    def __init__(self, db: sqlite3.Connection, rows: StoredRows) -> None:
        self._db, self._rows = db, rows
        # Rows are never deleted, so rowid order is insertion order: this merge adds rows above.
        self.before = int(db.execute("SELECT coalesce(max(rowid), 0) FROM highlights").fetchone()[0])
        self._candidates: dict[str, Positions] = {}  # by document, as first needed
        self._lone: dict[str, Positions] = {}  # the lone notes, likewise
        self._cached = 0  # how many rows they hold

    def held(self, ids: list[str]) -> dict[str, HeldCopy | None]:
        """Of ``ids``, those the library holds: the text and note of those held before this
        merge, None for those this merge wrote (the same input's: its reader decided them)."""
        held: dict[str, HeldCopy | None] = {}
        for at in range(0, len(ids), _CHUNK):
            chunk = ids[at:at + _CHUNK] if len(ids) > _CHUNK else ids
            for row_id, rowid, text, note, *moments in self._json_query(_held_query(len(chunk)), chunk):
                held[row_id] = HeldCopy(rowid, text, note, *moments) if rowid <= self.before else None
        return held

    def stored(self, column: str, value: str | int) -> Highlight:
        """The stored highlight whose ``column`` (``id`` or ``rowid``) is ``value``."""
        row_id, data = self._db.execute(f"SELECT id, data FROM highlights WHERE {column} = ?",
                                        (value,)).fetchone()
        return self._rows.model(Highlight, "highlights", row_id,
                                self._rows.fields("highlights", row_id, data))

    def of_document(self, document_id: str) -> Positions:
        """The live highlights of ``document_id`` held before this merge, with text, by position:
        read once per merge (a book comes in many Documents), so the caller looks no more at
        those this merge changed (:class:`~.resaves.ResavedCopies` has them taken)."""
        candidates = self._candidates.get(document_id)
        if candidates is None:
            if self._cached > _CACHED_ROWS:
                self._candidates.clear()
                self._lone.clear()
                self._cached = 0
            candidates = self._candidates[document_id] = Positions(self._json_query(
                "SELECT json_extract(data, '$.location_type'), json_extract(data, '$.location'), "
                "json_extract(data, '$.end_location'), rowid FROM highlights "
                "WHERE document_id = ? AND rowid <= ? AND NOT json_extract(data, '$.is_deleted') "
                "AND json_extract(data, '$.text') != ''", (document_id, self.before)))
            self._cached += candidates.size
        return candidates

    def lone_notes(self, document_id: str) -> Positions:
        """The live lone notes (empty text) of ``document_id`` held before this merge, by place."""
        notes = self._lone.get(document_id)
        if notes is None:
            notes = self._lone[document_id] = Positions(self._json_query(
                "SELECT json_extract(data, '$.location_type'), json_extract(data, '$.location'), "
                "NULL, rowid FROM highlights "
                "WHERE document_id = ? AND rowid <= ? AND NOT json_extract(data, '$.is_deleted') "
                "AND json_extract(data, '$.text') = '' AND json_extract(data, '$.note') IS NOT NULL",
                (document_id, self.before)))
        return notes

    def _json_query(self, query: str, parameters: Iterable[Any]) -> list[tuple[Any, ...]]:
        # The rows of ``query``, which reads highlights with ``json_extract``: one not holding
        # JSON is named, as any read of a damaged row is (StoredRows).
        try:
            return self._db.execute(query, tuple(parameters)).fetchall()
        except sqlite3.OperationalError as err:
            raise self._rows.json_error(self._db, "highlights", err) from None


@lru_cache(maxsize=64)
def _held_query(count: int) -> str:
    marks = ",".join("?" * count)
    return ("SELECT id, rowid, json_extract(data, '$.text'), json_extract(data, '$.note'), "
            "json_extract(data, '$.updated_at'), json_extract(data, '$.highlighted_at') "
            f"FROM highlights WHERE id IN ({marks})")
