"""Byte-deterministic ``.apkg`` files, built note by note.

genanki's ``Package.write_to_file`` stamps "now" on the notes and on the zip entries, and
holds every note in memory. Here the same genanki pieces (its collection schema, decks,
models and notes) are written into a SQLite file one note at a time, with every timestamp
fixed, and zipped with fixed entry dates, so the same notes always give the same bytes and
an unchanged library leaves the deck file untouched. (The bytes are stable for a given SQLite
library version, which SQLite records in the file header.)

The layout is Anki's legacy package (``collection.anki2`` + ``media``), which every current
Anki, AnkiDroid and AnkiMobile imports.
"""

from __future__ import annotations

import errno
import itertools
import shutil
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
# SQLite's primary result codes for the machine refusing a file: SQLITE_PERM, SQLITE_READONLY,
# SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOLFS (ENOSPC, EIO, EACCES, EROFS).
_MACHINE_REFUSED = frozenset({3, 8, 10, 13, 14, 22})
_CHUNK = 1 << 20


def build_collection(path: Path, placed_notes: Iterable[tuple[genanki.Deck, genanki.Note]],
                     timestamp: int) -> int:
    """Write an Anki collection at ``path`` from ``(deck, note)`` pairs; returns the note count.

    ``timestamp`` becomes the note types' modification time and seeds note and card ids
    (notes carry their own modification time, see :class:`.cards.HighlightNote`). Decks are
    recorded in the order they are first used. The machine refusing the file (a full disk, a
    folder that cannot be written) is an OSError naming its folder, as any other file's.
    """
    try:
        return _build(path, placed_notes, timestamp)
    except sqlite3.OperationalError as err:
        if err.sqlite_errorcode & 0xFF not in _MACHINE_REFUSED:
            raise  # a mistake in our SQL: a bug, not the machine
        raise OSError(errno.EIO, f"cannot build the deck there ({err})", str(path.parent)) from err


def _build(path: Path, placed_notes: Iterable[tuple[genanki.Deck, genanki.Note]],
           timestamp: int) -> int:
    decks: dict[int, genanki.Deck] = {}
    ids = itertools.count(timestamp * 1000)
    count = 0
    with closing(sqlite3.connect(path)) as connection:
        cursor = connection.cursor()
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
        for deck, note in placed_notes:
            decks.setdefault(deck.deck_id, deck).add_model(note.model)
            note.write_to_db(cursor, timestamp, deck.deck_id, ids)
            count += 1
        for deck in decks.values():
            # With no notes attached, genanki's Deck only records itself and its note types.
            deck.notes = []
            deck.write_to_db(cursor, timestamp, ids)
        connection.commit()
    return count


def zip_package(collection: Path, target: Path) -> None:
    """Zip ``collection`` into an ``.apkg`` at ``target`` with fixed entry dates."""
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
