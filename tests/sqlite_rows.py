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


class Unplugged:
    """A device whose SQLite files fail as SQLite fails reading one removed mid-read: once
    ``after`` rows were given (every statement's rows counted, ``given`` of them so far), each
    step and statement raises the error SQLite raises for EIO (``SQLITE_IOERR_READ``, ``disk
    I/O error``). Made at the sqlite3 connection boundary (:func:`unplugged`), never in the
    code under test."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.given = 0

    def give(self) -> None:
        """Count one row given; raise the I/O error if the device is gone."""
        self.check()
        self.given += 1

    def check(self) -> None:
        """Raise the I/O error if the device is gone."""
        if self.given >= self.after:
            err = sqlite3.OperationalError("disk I/O error")
            err.sqlite_errorcode = sqlite3.SQLITE_IOERR_READ  # type: ignore[attr-defined]
            err.sqlite_errorname = "SQLITE_IOERR_READ"  # type: ignore[attr-defined]
            raise err


def unplugged(monkeypatch: Any, name: str, after: int) -> Unplugged:
    """Make ``sqlite3.connect`` open every file whose path holds ``name`` on an
    :class:`Unplugged` device that fails after ``after`` rows (other databases, the state's,
    are opened as ever); the device, to ask how many rows it gave.

    Its limits: only ``execute``, ``cursor``, iteration, ``fetchone`` and ``fetchall`` fail
    (code reading through ``fetchmany``, ``executemany``, ``executescript``, ``backup``, or a
    ``connect`` imported before the patch, escapes it), and a statement fails before it is
    prepared as well as at a row (SQLite's EIO comes at a step). Calling it twice in one test
    stacks the devices (the first's connect is the second's): count rows in a
    ``monkeypatch.context()`` of their own."""
    device = Unplugged(after)
    connect = sqlite3.connect

    class Cursor(sqlite3.Cursor):
        def execute(self, sql: str, parameters: Any = (), /) -> Cursor:  # type: ignore[override]
            device.check()  # a statement reads the file's header first
            return super().execute(sql, parameters)

        def __next__(self) -> Any:
            row = super().__next__()
            device.give()
            return row

        def fetchone(self) -> Any:
            return next(self, None)

        def fetchall(self) -> list[Any]:
            return list(self)

    class Connection(sqlite3.Connection):
        def cursor(self, factory: Any = Cursor) -> Any:  # type: ignore[override]
            return super().cursor(factory)

        def execute(self, sql: str, parameters: Any = (), /) -> Any:  # type: ignore[override]
            return self.cursor().execute(sql, parameters)

    def connect_unplugged(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if name in str(database):
            kwargs["factory"] = Connection
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect_unplugged)
    return device
