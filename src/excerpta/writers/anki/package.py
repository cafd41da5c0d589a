"""Byte-deterministic ``.apkg`` files, built note by note.

genanki's ``Package.write_to_file`` stamps "now" on the notes and on the zip entries, and
holds every note in memory. Here the same genanki pieces (its collection schema, decks,
models and notes) are written into a SQLite file one note at a time, with every timestamp
fixed, and zipped with fixed entry dates, so the same notes always give the same bytes and
an unchanged library leaves the deck file untouched. (The bytes are stable for a given SQLite
library version, which SQLite records in the file header.)

Anki shows a note's id as its creation date (the browser's "Created" column) and searches
``added:N`` by card id, so a note's id is its highlight's time in milliseconds
(:attr:`.cards.HighlightNote.created`) and its cards' ids start there too: each the first id at
or after that instant that no note (no card) written before holds, in the order the notes come,
so the ids are unique in the deck and the same every time. A note without a time starts from
the fixed ``timestamp``. On import, Anki matches a note already in the collection by GUID, never
by id, and keeps that note's id and its cards'; it moves a new note or card whose id the
collection already uses 999 ms on until the id is free, and dates one from the future now
(``tests/writers/test_anki_ids.py``).

The layout is Anki's legacy package (``collection.anki2`` + ``media``), which every current
Anki, AnkiDroid and AnkiMobile imports.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Literal

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from excerpta.writers.anki.cards import HighlightNote

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
# SQLite's primary result codes for the machine refusing a file (SQLITE_PERM, SQLITE_READONLY,
# SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOLFS), as the errno each stands for.
_MACHINE_REFUSED = {3: errno.EPERM, 8: errno.EROFS, 10: errno.EIO, 13: errno.ENOSPC, 14: errno.EIO,
                    22: errno.EFBIG}
_CHUNK = 1 << 20
_LONG_RUN = 8  # ids past the wanted one after which the next search for it starts at the last


class FreeIds:
    """The ids of one table (``notes`` or ``cards``) of a collection being written: hands out the
    first id at or after a wanted one that the table does not hold yet."""

    def __init__(self, connection: sqlite3.Connection, table: Literal["notes", "cards"]) -> None:
        self._connection = connection
        self._held = f"SELECT 1 FROM {table} WHERE id = ?"
        # Many notes made in the same millisecond (a whole book imported at once) would each
        # search past all the earlier ones: a long run's search starts where the last one ended.
        self._run_ends: dict[int, int] = {}
        # The highest id handed out: one above it is free without asking the table (highlights
        # made in the order they are read ask nothing: 200,000 queries fewer for 100,000 notes).
        self._top = -1

    def take(self, wanted: int) -> int:
        """The first id at or after ``wanted`` not in the table (the caller inserts it next)."""
        candidate = self._run_ends.get(wanted, wanted)
        if candidate <= self._top:
            while self._connection.execute(self._held, (candidate,)).fetchone() is not None:
                candidate += 1
            if candidate - wanted >= _LONG_RUN:
                self._run_ends[wanted] = candidate
        self._top = max(self._top, candidate)
        return candidate


def _ids_from(notes: FreeIds, cards: FreeIds, wanted: int) -> Iterator[int]:
    """A note's id, then its cards' ids, each the first free one at or after ``wanted``."""
    yield notes.take(wanted)
    while True:
        yield cards.take(wanted)


def build_collection(path: Path, placed_notes: Iterable[tuple[genanki.Deck, HighlightNote]],
                     timestamp: int) -> int:
    """Write an Anki collection at ``path`` from ``(deck, note)`` pairs; returns the note count.

    ``timestamp`` becomes the note types' modification time and the creation time of notes
    that have none (notes carry their own modification and creation times, see
    :class:`.cards.HighlightNote`; ids: the module docstring). Decks are
    recorded in the order they are first used. The machine refusing the file (a full disk, a
    folder that cannot be written) is an OSError naming it, as any other file's, its errno the
    one SQLite's error stands for (ENOSPC for "database or disk is full"; EIO when none does).
    """
    try:
        return _build(path, placed_notes, timestamp)
    except sqlite3.OperationalError as err:
        code = _MACHINE_REFUSED.get(err.sqlite_errorcode & 0xFF)
        if code is None:
            raise  # a mistake in our SQL: a bug, not the machine
        raise OSError(code, f"cannot build the deck ({err})", str(path)) from err


def _build(path: Path, placed_notes: Iterable[tuple[genanki.Deck, HighlightNote]],
           timestamp: int) -> int:
    decks: dict[int, genanki.Deck] = {}
    count = 0
    # The cursor closed too: a statement a failure left open would keep the file open (its
    # room on the disk taken) for as long as the error is held.
    with closing(sqlite3.connect(path)) as connection, closing(connection.cursor()) as cursor:
        # No rollback journal: a collection that fails is thrown away whole, never rolled back
        # (and, not truncated by a rollback, shows how far it got: scratch.refused).
        connection.execute("PRAGMA journal_mode = OFF")
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
        note_ids, card_ids = FreeIds(connection, "notes"), FreeIds(connection, "cards")
        for deck, note in placed_notes:
            decks.setdefault(deck.deck_id, deck).add_model(note.model)
            created = note.created if note.created is not None else timestamp * 1000
            note.write_to_db(cursor, timestamp, deck.deck_id, _ids_from(note_ids, card_ids, created))
            count += 1
        for deck in decks.values():
            # With no notes attached, genanki's Deck only records itself and its note types.
            deck.notes = []
            deck.write_to_db(cursor, timestamp, iter(()))
        connection.commit()
    return count


def zip_package(collection: Path, target: Path) -> None:
    """Zip ``collection`` into an ``.apkg`` at ``target`` with fixed entry dates. An OSError
    names ``target`` (a write's names no file)."""
    try:
        _zip(collection, target)
    except OSError as err:
        raise err if err.filename is not None else OSError(err.errno, err.strerror, str(target)) from err


def _zip(collection: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as package:
        for name, source in (("collection.anki2", collection), ("media", None)):
            entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            with package.open(entry, "w") as sink:
                if source is None:
                    sink.write(b"{}")  # no media files
                else:
                    with source.open("rb") as handle:
                        shutil.copyfileobj(handle, sink, _CHUNK)


def read_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of ``path`` in chunks, so a large deck is never held in memory whole."""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk
