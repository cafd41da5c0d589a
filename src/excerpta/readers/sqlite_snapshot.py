"""What reading another program's SQLite database (a Kobo's, Apple Books') without touching
the files beside it takes: its header read, a private copy, and whether the file was cut short.
A table damaged amid its pages is read around the damage in :mod:`excerpta.readers.sqlite_damage`.

SQLite opening a database in place with ``mode=ro`` makes files beside it when it lacks them:
the ``-wal`` and ``-shm`` files of a database in WAL mode (and a read-only folder then refuses
the open altogether); a hot ``-journal`` cannot be rolled back read-only. ``immutable=1`` would
make nothing, but would not read the ``-wal`` file, and with it what the program saved last.
So a reader copies such a database, with its ``-wal`` and ``-journal`` files, into a private
temporary folder (:func:`snapshot`) and reads the copy; when the read ends the copy is deleted.
Which databases need it is each reader's rule (:func:`in_wal_mode`, :func:`file_size` and
:func:`sibling` say what it looks at).

A copy interrupted partway (a file cut short) still opens: SQLite reads the missing pages as
zeros, and a table's rows come back empty, not as an error. :func:`cut_short` tells such a file
by its header, which gives its page size and page count.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from excerpta.errors import InputError

HEADER_SIZE = 100  # bytes: an SQLite file's header, on its first page
SQLITE_MAGIC = b"SQLite format 3\x00"
SIBLINGS = ("-wal", "-journal")  # what may hold content the main file does not
SNAPSHOT_TRIES = 3  # copies retried while the database changes under the copy


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
