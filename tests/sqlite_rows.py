"""Rows written into a test's SQLite database (the device databases the readers read), and a
page of one damaged as a disk damages it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def insert_rows(db: sqlite3.Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (column -> value) into ``table``."""
    for row in rows:
        db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))


def zero_page_amid(path: Path, table: str, marker: str) -> set[int]:
    """Zero the middle leaf page of ``table`` in the database ``path``, as a damaged disk or
    card leaves one, and say which rows it held: the numbers ``n`` whose ``f"{marker}{n:03d}"``
    (``Passage 042``) is in its bytes."""
    db = sqlite3.connect(path)
    try:
        pages = [page for (page,) in db.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY path", (table,))]
        (size,) = db.execute("PRAGMA page_size").fetchone()
    finally:
        db.close()
    assert len(pages) >= 3, "too few rows to damage a page amid others"
    data = bytearray(path.read_bytes())
    start = (pages[len(pages) // 2] - 1) * size
    page = bytes(data[start:start + size])
    data[start:start + size] = bytes(size)
    path.write_bytes(bytes(data))
    return {n for n in range(1000) if f"{marker}{n:03d}".encode() in page}
