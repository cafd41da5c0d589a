"""What reading another program's SQLite database (a Kobo's, Apple Books') takes: its header
read, and whether the file was cut short.

A copy interrupted partway (a file cut short) still opens: SQLite reads the missing pages as
zeros, and a table's rows come back empty, not as an error. :func:`cut_short` tells such a file
by its header, which gives its page size and page count.
"""

from __future__ import annotations

HEADER_SIZE = 100  # bytes: an SQLite file's header, on its first page
SQLITE_MAGIC = b"SQLite format 3\x00"


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
