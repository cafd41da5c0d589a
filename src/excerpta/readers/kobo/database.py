"""Opening a Kobo's ``KoboReader.sqlite`` without changing anything beside it, and the columns
its firmware has.

The database may sit on the mounted device (``/media/$USER/KOBOeReader/.kobo``), where calibre
may be writing to it too. Reading must leave every file of it as it was:

* a database in rollback-journal mode (what the corpus and most firmware show) is opened in
  place with ``mode=ro``: SQLite takes a shared lock, reads, and writes nothing;
* a database in WAL mode, or one with a ``-wal`` or ``-journal`` file holding bytes beside it,
  is copied first (with those files) into a private temporary folder, and the copy is opened.
  ``mode=ro`` in place would create a ``-shm`` file next to it on the device, and
  ``immutable=1`` would ignore the ``-wal`` file, and with it every highlight made since the
  device last checkpointed (tested: a table made in the WAL is not even seen); a hot journal
  is rolled back in the copy, never in the device's file. The copy holds the whole database
  (its ``user`` table too) and is deleted when the read ends. That open is
  :func:`~excerpta.readers.sqlite_snapshot.opened_device_database`, which the pocketbook
  reader uses too.

Nothing here reads the ``user`` table (e-mail, tokens) or any other table but ``Bookmark``,
``content`` and, where there is one, ``DbVersion``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from excerpta.errors import InputError, InputIOError
from excerpta.readers.kobo.text import as_text
from excerpta.readers.sqlite_damage import read_failure
from excerpta.readers.sqlite_snapshot import HARDENING_PRAGMAS, SQLITE_MAGIC, opened_device_database

EXPECTED = "expected a Kobo KoboReader.sqlite"
BUSY_TIMEOUT_SECONDS = 5.0  # a calibre write lasts well under this


class Columns:
    """The columns a table has, and a SELECT list naming the optional ones it lacks as NULL
    (an older firmware's ``Bookmark`` has no ``Color``, one before ~2015 no ``Type``)."""

    def __init__(self, connection: sqlite3.Connection, table: str, source: str,
                 required: tuple[str, ...], optional: tuple[str, ...]) -> None:
        rows = connection.execute(f"PRAGMA table_info({table})").fetchall()
        self.names = {(as_text(row[1]) or "").casefold() for row in rows}
        if not self.names:
            raise InputError(f"{source}: no {table} table ({EXPECTED}; is it another SQLite file?)")
        missing = [name for name in required if name.casefold() not in self.names]
        if missing:
            raise InputError(f"{source}: table {table} has no column {', '.join(missing)} "
                             f"({EXPECTED} written by Kobo firmware)")
        self.selected = (*required, *optional)

    def has(self, name: str) -> bool:
        """Whether the table has column ``name`` (SQLite compares names without case)."""
        return name.casefold() in self.names

    def select_list(self, alias: str) -> str:
        """``b.BookmarkID, …, NULL AS Color``: every required and optional column, in order."""
        return ", ".join(f"{alias}.{name}" if self.has(name) else f"NULL AS {name}"
                         for name in self.selected)


def is_sqlite(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) starts as an SQLite 3 database does."""
    return head.startswith(SQLITE_MAGIC)


def has_kobo_tables(path: Path) -> bool:
    """Whether the SQLite file ``path`` has the ``Bookmark`` and ``content`` tables. Opened with
    ``immutable=1``: nothing is created beside it, and the schema of a device's database is in
    its main file (its tables are made when the device is set up). False if it cannot be read."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            rows = connection.execute(
                "SELECT lower(name) FROM sqlite_master WHERE type = 'table' "
                "AND lower(name) IN ('bookmark', 'content')").fetchall()
        finally:
            connection.close()
    except (sqlite3.Error, OSError, ValueError):
        return False
    return len(rows) == 2


@contextmanager
def open_database(path: Path, source: str) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the Kobo database ``path`` (see the module docstring), whose
    text comes back as ``bytes`` (decoded by the caller, so one row's bad UTF-8 is that row's
    problem). Raises InputError for a file that is no SQLite database, an empty one, one shorter
    than its header says (missing pages read as no rows: highlights lost unsaid), one locked
    by another program past BUSY_TIMEOUT_SECONDS, or one that cannot be copied."""
    with opened_device_database(path, source, expected=EXPECTED, prefix="excerpta-kobo-",
                                writer="calibre?", error=database_error,
                                timeout=BUSY_TIMEOUT_SECONDS, guards=HARDENING_PRAGMAS) as connection:
        yield connection


def database_error(source: str, err: sqlite3.Error) -> InputError | InputIOError:
    """The one-line InputError of an SQLite error that stops a whole read (InputIOError for
    SQLite's I/O error: :func:`~excerpta.readers.sqlite_damage.read_failure`)."""
    if (failed := read_failure(source, err)) is not None:
        return failed
    reason = str(err) or type(err).__name__
    if "locked" in reason or "busy" in reason:
        return InputError(f"{source}: locked by another program writing to it (calibre?); try again "
                          "once it is done")
    if "not a database" in reason or "malformed" in reason:
        return InputError(f"{source}: damaged ({reason}); {EXPECTED}")
    return InputError(f"{source}: cannot be read as a database ({reason}); {EXPECTED}")

