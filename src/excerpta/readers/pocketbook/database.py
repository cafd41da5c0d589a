"""Opening a PocketBook's notes database, ``books.db``, without changing anything beside it, and
telling one by its tables.

Its schema (as the public tools named in :mod:`excerpta.readers.pocketbook` read and write it)
is a generic store of items and their tags::

    Items (OID INTEGER PRIMARY KEY, ParentID INTEGER REFERENCES Items(OID), TypeID INTEGER NOT NULL,
           State INTEGER NOT NULL DEFAULT 0, TimeAlt INTEGER NOT NULL DEFAULT 0, HashUUID TEXT)
    Tags (OID INTEGER PRIMARY KEY, ItemID INTEGER NOT NULL, TagID INTEGER NOT NULL, Val TEXT,
          TimeEdt INTEGER NOT NULL DEFAULT 0, UNIQUE(ItemID, TagID))
    TagNames (OID INTEGER PRIMARY KEY, TagName TEXT NOT NULL, Opts INTEGER NOT NULL DEFAULT 0)
    Books (OID INTEGER PRIMARY KEY REFERENCES Items(OID), Title TEXT, Authors TEXT,
           TimeAdd INTEGER NOT NULL DEFAULT 0)

The firmware keeps it open while the device runs, in WAL mode: what it saved last may be in
the ``-wal`` file beside it. As the Kobo reader does (:mod:`excerpta.readers.kobo.database`), a
database in WAL mode, or with a ``-wal`` or ``-journal`` file holding bytes beside it, is
copied with them into a private temporary folder and the copy is read; any other is opened in
place with ``mode=ro`` (both readers open it through
:func:`~excerpta.readers.sqlite_snapshot.opened_device_database`). Either way nothing beside the
device's file is made or changed. The connection is read-only (``query_only``), runs nothing the
schema defines (``trusted_schema`` off) and checks each page's cells as it reads them
(:data:`~excerpta.readers.sqlite_snapshot.HARDENING_PRAGMAS`); text comes back as bytes,
decoded per value by the reader.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from excerpta.errors import InputError, InputIOError
from excerpta.readers.kobo.text import as_text
from excerpta.readers.sqlite_damage import is_damage, read_failure
from excerpta.readers.sqlite_snapshot import HARDENING_PRAGMAS, opened_device_database

EXPECTED = "expected a PocketBook's notes database, system/config/books.db"
TABLES = ("items", "tags", "tagnames", "books")  # what tells the database (names without case)
BUSY_TIMEOUT_SECONDS = 5.0


class Columns:
    """The columns a table has, and a SELECT list naming the optional ones it lacks as NULL."""

    def __init__(self, db: sqlite3.Connection, table: str, source: str,
                 required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
        rows = db.execute(f"PRAGMA table_info({table})").fetchall()
        self.table = table
        self.names = {(as_text(row[1]) or "").casefold() for row in rows}
        if not self.names:
            raise InputError(f"{source}: no {table} table ({EXPECTED}; is it another SQLite file?)")
        missing = [name for name in required if name.casefold() not in self.names]
        if missing:
            raise InputError(f"{source}: table {table} has no column {', '.join(missing)} ({EXPECTED})")
        self.selected = (*required, *optional)

    def has(self, name: str) -> bool:
        """Whether the table has column ``name`` (SQLite compares names without case)."""
        return name.casefold() in self.names

    def select_list(self) -> str:
        """``OID, ParentID, …, NULL AS HashUUID``: every column asked for, in order."""
        return ", ".join(name if self.has(name) else f"NULL AS {name}" for name in self.selected)


def has_pocketbook_tables(path: Path) -> bool:
    """Whether the SQLite file ``path`` has the four tables of a PocketBook's ``books.db``.
    Opened ``immutable``: nothing is made beside it (its tables are in its main file, made when
    the device was set up). False if it cannot be read."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            rows = db.execute("SELECT lower(name) FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            db.close()
    except (sqlite3.Error, OSError, ValueError):
        return False
    return set(TABLES) <= {name for (name,) in rows}


@contextmanager
def opened(path: Path, source: str) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the database ``path`` (see the module docstring). Raises
    InputError naming ``source`` for a file that is empty, no SQLite database, shorter than
    its header says (its lost pages would read as no rows: notes lost unsaid), locked past
    BUSY_TIMEOUT_SECONDS, or that cannot be copied."""
    with opened_device_database(path, source, expected=EXPECTED, prefix="excerpta-pocketbook-",
                                writer="the device?", error=database_error,
                                timeout=BUSY_TIMEOUT_SECONDS, guards=HARDENING_PRAGMAS) as db:
        yield db


def database_error(source: str, err: sqlite3.Error) -> InputError | InputIOError:
    """The one-line error of an SQLite error that stops a whole read (InputIOError for
    SQLite's I/O error: :func:`~excerpta.readers.sqlite_damage.read_failure`)."""
    if (failed := read_failure(source, err)) is not None:
        return failed
    reason = str(err) or type(err).__name__
    if "locked" in reason or "busy" in reason:
        return InputError(f"{source}: locked by another program writing to it; try again once it is done")
    if is_damage(err) or "malformed" in reason or "not a database" in reason:
        return InputError(f"{source}: damaged ({reason}); {EXPECTED}")
    return InputError(f"{source}: cannot be read as a database ({reason}); {EXPECTED}")

