"""What reading another program's SQLite database (a Kobo's, a PocketBook's, Apple Books',
Moon+ Reader's) without touching the files beside it takes: its header read, a private copy,
whether the file was cut short, and the connection opened. A table damaged amid its pages is
read around the damage in :mod:`excerpta.readers.sqlite_damage`.

SQLite opening a database in place with ``mode=ro`` makes files beside it when it lacks them:
the ``-wal`` and ``-shm`` files of a database in WAL mode (and a read-only folder then refuses
the open altogether); a hot ``-journal`` cannot be rolled back read-only. ``immutable=1`` would
make nothing, but would not read the ``-wal`` file, and with it what the program saved last.
So a reader copies such a database, with its ``-wal`` and ``-journal`` files, into a private
temporary folder (:func:`snapshot`) and reads the copy; when the read ends the copy is deleted.
Which databases need it is each reader's rule: a device's is :func:`needs_snapshot`, Books'
its own (:func:`in_wal_mode`, :func:`file_size` and :func:`sibling` say what it looks at).

A copy interrupted partway (a file cut short) still opens: SQLite reads the missing pages as
zeros, and a table's rows come back empty, not as an error. :func:`cut_short` tells such a file
by its header, which gives its page size and page count (:func:`read_head`, then
:func:`pages_missing`, which leaves alone a file whose ``-wal`` may hold the pages it lacks).

:func:`connected` opens a database (in place or its copy) with text coming back as bytes,
runs the pragmas a reader asks for on it (the Kobo, Moon+ and PocketBook readers all
:data:`HARDENING_PRAGMAS`, Books ``query_only``), and turns an
sqlite3.Error opening it into the reader's own one-line error. :func:`opened_device_database`
is the whole open of a device's database (Kobo, PocketBook): the header checked, then read in
place with ``mode=ro`` or from a snapshot (:func:`needs_snapshot`). What differs between the
readers stays in them: the messages of an error met later (each reader's ``database_error``),
Books' rule for a copy and its ``quick_check``, Moon+'s database copied out of a zip.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from excerpta.errors import InputError

HEADER_SIZE = 100  # bytes: an SQLite file's header, on its first page
SQLITE_MAGIC = b"SQLite format 3\x00"
SIBLINGS = ("-wal", "-journal")  # what may hold content the main file does not
SNAPSHOT_TRIES = 3  # copies retried while the database changes under the copy
# Queries read only, nothing the schema defines is run, each page's cells checked as read, no
# memory map of a file another program (or a device unplugged) may change under it.
HARDENING_PRAGMAS = ("PRAGMA query_only = 1", "PRAGMA trusted_schema = OFF",
                     "PRAGMA cell_size_check = ON", "PRAGMA mmap_size = 0")

ErrorOf = Callable[[str, sqlite3.Error], Exception]  # (source, err) -> the error to raise


def read_head(path: Path) -> tuple[bytes, int]:
    """The header of the file ``path`` (its first HEADER_SIZE bytes; fewer, or none, in a
    shorter file) and its size in bytes, both of one open file. Raises OSError."""
    with path.open("rb") as handle:
        return handle.read(HEADER_SIZE), os.fstat(handle.fileno()).st_size


def pages_missing(path: Path, head: bytes, size: int) -> str | None:
    """What :func:`cut_short` finds missing from the database ``path`` (``head`` and ``size``
    as :func:`read_head` gives them); None too where its ``-wal`` file holds bytes: pages there
    may stand for those the main file lacks (a checkpoint interrupted)."""
    if file_size(sibling(path, "-wal")):
        return None
    return cut_short(head, size)


def needs_snapshot(path: Path, head: bytes) -> bool:
    """Whether the database ``path`` (whose header is ``head``) is read from a :func:`snapshot`
    by the rule of a device's database: it is in WAL mode, or a ``-wal`` or ``-journal`` file
    beside it holds bytes (Books' rule, which reads in place beside a ``-shm``, is its own)."""
    return in_wal_mode(head) or any(file_size(sibling(path, suffix)) for suffix in SIBLINGS)


def in_wal_mode(head: bytes) -> bool:
    """Whether the header ``head`` is of a database in WAL mode (bytes 18 and 19, the write and
    read format versions, are 2 there)."""
    return len(head) >= 20 and 2 in (head[18], head[19])


def cut_short(head: bytes, size: int) -> str | None:
    """What is missing from an SQLite file of ``size`` bytes whose first bytes are ``head``, as
    its header gives it (``"5000 bytes where its header says 8192 (2 pages of 4096)"``);
    None for a file as long as its header says, one whose header gives no page count SQLite
    trusts, or one that is no SQLite file. A database whose ``-wal`` file holds pages may be
    shorter than its header says (a checkpoint interrupted): do not ask of it."""
    if not head.startswith(SQLITE_MAGIC):
        return None
    if len(head) < HEADER_SIZE:
        return f"{size} bytes, less than an SQLite header's {HEADER_SIZE}"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # The page count is valid only where the change counter (bytes 24-27) matches bytes 92-95:
    # SQLite itself otherwise counts pages by the file's size (versions before 3.7.0 wrote it).
    if head[24:28] != head[92:96] or not pages or page_size < 512 or page_size & (page_size - 1):
        return None
    if size >= pages * page_size:
        return None
    return f"{size} bytes where its header says {pages * page_size} ({pages} pages of {page_size})"


def sibling(path: Path, suffix: str) -> Path:
    """The file SQLite keeps beside ``path`` with ``suffix`` (``-wal``, ``-shm``, ``-journal``)."""
    return path.with_name(path.name + suffix)


def file_size(path: Path) -> int:
    """The size of ``path`` in bytes; 0 for a file that is not there or cannot be looked at."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def snapshot(path: Path, source: str, *, prefix: str, writer: str) -> Iterator[Path]:
    """A copy of the database ``path`` and its ``-wal``/``-journal`` files (those holding bytes)
    in a private temporary folder named from ``prefix``, deleted when the block ends. The copy
    is taken again while the files change during it (a writer checkpointing). Raises InputError
    naming ``source`` if they cannot be copied or keep changing (``writer`` names who writes
    them in that message: ``"calibre?"``)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield _copied(path, Path(folder) / path.name, source, writer)


def _copied(path: Path, copy: Path, source: str, writer: str) -> Path:
    for _ in range(SNAPSHOT_TRIES):
        before = _stamps(path)
        try:
            for suffix in ("", *SIBLINGS):
                original, target = sibling(path, suffix), sibling(copy, suffix)
                target.unlink(missing_ok=True)
                if suffix == "" or file_size(original):
                    shutil.copyfile(original, target)
        except OSError as err:
            raise InputError(f"{source}: cannot be copied to read it safely "
                             f"({err.strerror or err})") from None
        if _stamps(path) == before:
            return copy
    raise InputError(f"{source}: kept changing while it was read (another program is writing to it: "
                     f"{writer}); try again once it is done")


def _stamps(path: Path) -> tuple[tuple[int, int], ...]:
    stamps = []
    for suffix in ("", *SIBLINGS):
        try:
            stat = sibling(path, suffix).stat()
        except OSError:
            stamps.append((-1, -1))
        else:
            stamps.append((stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


@contextmanager
def connected(database: str | Path, source: str, *, error: ErrorOf, timeout: float,
              guards: tuple[str, ...] = ()) -> Iterator[sqlite3.Connection]:
    """SQLite's connection to ``database`` (a str is a ``file:`` URI, a Path a file opened as it
    is: writable), waiting ``timeout`` seconds for a lock, its text coming back as ``bytes``,
    each of ``guards`` (pragmas) run on it first; closed when the block ends. Raises
    ``error(source, err)`` (from None) for the sqlite3.Error opening it or a guard raised."""
    try:
        db = sqlite3.connect(database, uri=isinstance(database, str), timeout=timeout)
    except sqlite3.Error as err:
        raise error(source, err) from None
    try:
        db.text_factory = bytes
        try:
            for guard in guards:
                db.execute(guard)
        except sqlite3.Error as err:
            raise error(source, err) from None
        yield db
    finally:
        db.close()


@contextmanager
def opened_device_database(path: Path, source: str, *, expected: str, prefix: str, writer: str,
                           error: ErrorOf, timeout: float,
                           guards: tuple[str, ...] = ()) -> Iterator[sqlite3.Connection]:
    """The database ``path`` a device keeps, read without making or changing a file beside it:
    opened in place with ``mode=ro``, or, where :func:`needs_snapshot`, its :func:`snapshot`
    (``prefix``, ``writer``) opened writable, so that SQLite can roll a hot journal back in the
    copy. :func:`connected` with ``error``, ``timeout`` and ``guards``. Raises InputError naming
    ``source`` and what it should be (``expected``) for a file that cannot be read, is empty,
    is no SQLite database or is cut short (:func:`pages_missing`), and :func:`snapshot`'s."""
    try:
        head, size = read_head(path)
    except OSError as err:
        raise InputError(f"{source}: cannot be read: {err.strerror or err}") from None
    if not head:
        raise InputError(f"{source}: an empty file (0 bytes), not a database ({expected})")
    if not head.startswith(SQLITE_MAGIC):
        raise InputError(f"{source}: not an SQLite database ({expected})")
    if (missing := pages_missing(path, head, size)) is not None:
        raise InputError(f"{source}: cut short: {missing}, as an interrupted copy (or a device "
                         "unplugged mid-write) leaves a file; copy it again")
    if needs_snapshot(path, head):
        with (snapshot(path, source, prefix=prefix, writer=writer) as copy,
              connected(copy.as_uri(), source, error=error, timeout=timeout, guards=guards) as db):
            yield db
        return
    with connected(f"{path.resolve().as_uri()}?mode=ro", source, error=error, timeout=timeout,
                   guards=guards) as db:
        yield db
