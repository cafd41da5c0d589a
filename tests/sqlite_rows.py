"""Rows written into a test's SQLite database (the device databases the readers read)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any


def insert_rows(db: sqlite3.Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (column -> value) into ``table``."""
    for row in rows:
        db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
