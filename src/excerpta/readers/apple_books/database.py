"""Opening one of Books' SQLite databases for reading, without changing it.

Books keeps its databases open, in WAL mode: what it saved last may still be in the
``-wal`` file beside the database, not in the database itself. So a database is opened
read-only through SQLite (``mode=ro``), which reads the ``-wal`` as Books left it, never
checkpoints it into the database, and never deletes it (an ``immutable`` open would miss it).
Where SQLite would make a file beside the user's database to read it (a database in WAL mode
without its ``-wal`` or ``-shm`` file: a copy of the folder that left them out, a backup made
after Books checkpointed; or a hot ``-journal``), and where a read-only disk would refuse it
for that, the database and its ``-wal``/``-journal`` are copied into a private temporary folder
and the copy is read instead (:mod:`excerpta.readers.sqlite_snapshot`), opened writable so
that SQLite can roll a hot journal back there. Read in place, a WAL database's ``-shm`` index
is marked as by any reader. A file shorter than its
header says (an interrupted copy, whose missing pages SQLite would read as rows of NULLs) is
refused before it is opened; :func:`damage` asks SQLite whether the pages of an opened one hold
together. Text is read as bytes and decoded here, so a value that is not UTF-8 is one bad
record (:func:`text_of`), not a failed query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from excerpta.errors import InputError
from excerpta.readers.sqlite_damage import is_damage, read_failure
from excerpta.readers.sqlite_snapshot import (
    connected,
    file_size,
    in_wal_mode,
    pages_missing,
    read_head,
    sibling,
    snapshot,
)

BUSY_TIMEOUT_SECONDS = 5.0  # Books writing in rollback-journal mode holds a lock this long at most
GUARDS = ("PRAGMA query_only = 1",)  # run on every connection


class UndecodableValue(ValueError):
    """A text column holding bytes that are not UTF-8."""


@contextmanager
def opened(path: Path, source: str) -> Iterator[sqlite3.Connection]:
    """``path`` opened read-only, ``-wal`` content included, no file made or changed beside it
    but Books' own ``-shm`` (see the module docstring); text comes back as bytes
    (:func:`text_of` decodes it). Raises InputError naming ``source`` if it is no SQLite
    database, cannot be read, opened or copied, or is cut short."""
    head = _head(path, source)
    if _needs_copy(path, head):
        # The private copy is opened writable: SQLite must roll a hot journal back in it.
        with (snapshot(path, source, prefix="excerpta-books-", writer="Books?") as copy,
              _connection(copy, source, writable=True) as db):
            yield db
        return
    with _connection(path, source) as db:
        yield db


def _head(path: Path, source: str) -> bytes:
    # The file's header; InputError if the file is shorter than it says (pages in a non-empty
    # -wal file may stand for the ones it lacks: a checkpoint interrupted).
    try:
        head, size = read_head(path)
    except OSError as err:
        raise InputError(f"{source}: cannot be read ({err.strerror or err})") from None
    if (missing := pages_missing(path, head, size)) is not None:
        raise InputError(f"{source}: cut short: {missing}, as an interrupted copy leaves a file; "
                         "copy it again")
    return head


def _needs_copy(path: Path, head: bytes) -> bool:
    # In place, SQLite makes the -wal and -shm files a WAL-mode database lacks (or, in a
    # read-only folder, refuses to open it), and cannot roll a hot -journal back read-only. It
    # makes nothing where both are there (Books open, or closed without checkpointing) or
    # where a database in rollback mode has no journal.
    if sibling(path, "-wal").exists() and sibling(path, "-shm").exists():
        return False
    return in_wal_mode(head) or sibling(path, "-wal").exists() or file_size(sibling(path, "-journal")) > 0


def damage(db: sqlite3.Connection, source: str) -> str | None:
    """The first problem SQLite's ``quick_check`` finds in ``db``'s pages (rows where a page
    was lost read as NULLs, a page that is not one), None if none. It reads every page once,
    a fraction of a second for a library of 50,000 highlights. Raises InputError naming
    ``source`` if the check cannot run for another reason (locked by Books past the timeout;
    InputIOError: the machine failing to read it)."""
    try:
        rows = db.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as err:
        if is_damage(err):
            return str(err)
        raise read_failure(source, err) or InputError(f"{source}: cannot be read ({err})") from None
    # One problem, on one line: without the "*** in database main ***" line naming the schema.
    found = [line.strip() for (value,) in rows for line in (lenient_text_of(value) or "").splitlines()
             if line.strip() and not line.startswith("***")]
    return None if found == ["ok"] else "; ".join(found) or "quick_check gave no answer"


def _connection(path: Path, source: str, *, writable: bool = False
                ) -> AbstractContextManager[sqlite3.Connection]:
    # ``writable``: a private copy only; queries are kept read-only all the same (query_only).
    return connected(f"{path.resolve().as_uri()}{'' if writable else '?mode=ro'}", source,
                     error=_open_error, timeout=BUSY_TIMEOUT_SECONDS, guards=GUARDS)


def _open_error(source: str, err: sqlite3.Error) -> Exception:
    return read_failure(source, err) or InputError(
        f"{source}: cannot be opened as an SQLite database ({err})")


def tables(db: sqlite3.Connection, source: str) -> set[str]:
    """The names of the tables of ``db``; raises InputError if ``db`` is no SQLite database
    (a corrupt header, another kind of file) or is damaged where its schema is (InputIOError:
    the machine failing to read it)."""
    try:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as err:
        raise read_failure(source, err) or InputError(
            f"{source}: not a readable SQLite database ({err})") from None
    return {text_of(name) or "" for (name,) in rows}


def columns(db: sqlite3.Connection, table: str, source: str) -> set[str]:
    """The column names of ``table`` (which exists) in ``db``; InputError if they cannot be read."""
    try:
        rows = db.execute(f'PRAGMA table_info("{table}")').fetchall()
    except sqlite3.DatabaseError as err:
        raise read_failure(source, err) or InputError(
            f"{source}: table {table} cannot be read ({err})") from None
    return {text_of(row[1]) or "" for row in rows}


def text_of(value: object) -> str | None:
    """A text column's value as text: bytes decoded as UTF-8 (raises UndecodableValue if they
    are not), a number as its digits, NULL as None. Not stripped."""
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise UndecodableValue(f"bytes that are not UTF-8 ({value[:24]!r})") from None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def lenient_text_of(value: object) -> str | None:
    """As :func:`text_of`, but bytes that are not UTF-8 are read as U+FFFD (a title shown
    damaged beats none)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return text_of(value)
