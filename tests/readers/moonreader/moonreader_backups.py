"""Moon+ Reader backups made by code: ``mrbooks.db`` with the schema Moon+ creates
(``com.flyersoft.books.BookDb``), and the zip a backup is (a package folder of numbered
``.tag`` files and the ``_names.list`` catalogue naming them, line N for ``N.tag``)."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "com.flyersoft.moonreaderp"
NOTES_TABLE = ("create table notes (_id integer primary key autoincrement, book text, filename text, "
               "lowerFilename text, lastChapter NUMERIC, lastSplitIndex NUMERIC, lastPosition NUMERIC, "
               "highlightLength NUMERIC, highlightColor NUMERIC, time NUMERIC, bookmark text, note text, "
               "original text, underline NUMERIC, strikethrough NUMERIC, bak text)")
BOOKS_TABLE = ("create table books (_id integer primary key autoincrement, book text, filename text, "
               "lowerFilename text, author text, description text, category text, thumbFile text, "
               "coverFile text, addTime text, favorite text, downloadUrl text, rate text, bak1 text, "
               "bak2 text)")
OTHER_TABLES = ("create table statistics (_id integer primary key autoincrement, filename text, "
                "usedTime NUMERIC, readWords NUMERIC, dates text)",
                "create table covers2 (_id integer primary key autoincrement, filename text, cover text)")
BOOK_FILE = "/storage/emulated/0/Books/Walden.epub"
YELLOW, BLUE, ORANGE = -256, 0x7700AAFF, -28160  # ARGB ints as Moon+ stores them (Java int)


def note(**fields: Any) -> dict[str, Any]:
    """A notes row as Moon+ writes a highlight: Walden, chapter 3, yellow, 2024-03-01 UTC."""
    row = {"book": "Walden", "filename": BOOK_FILE, "lastChapter": 3, "lastSplitIndex": 0,
           "lastPosition": 120, "highlightLength": 42, "highlightColor": YELLOW,
           "time": 1709294400000, "bookmark": "", "note": "", "original": "I went to the woods",
           "underline": 0, "strikethrough": 0, "bak": "0"}
    row.update(fields)
    row.setdefault("lowerFilename", (row["filename"] or "").lower())
    return row


def book(**fields: Any) -> dict[str, Any]:
    """A books row: Walden by Henry David Thoreau at BOOK_FILE."""
    row = {"book": "Walden", "filename": BOOK_FILE, "author": "Henry David Thoreau", "description": "",
           "category": "", "favorite": "default_fav"}
    row.update(fields)
    row.setdefault("lowerFilename", (row["filename"] or "").lower())
    return row


def make_database(path: Path, notes: list[dict[str, Any]], books: list[dict[str, Any]] | None = None,
                  *, with_books_table: bool = True) -> Path:
    """``path`` made (anew) a Moon+ mrbooks.db holding ``notes`` (in that order) and ``books``."""
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute(NOTES_TABLE)
        if with_books_table:
            db.execute(BOOKS_TABLE)
        for table in OTHER_TABLES:
            db.execute(table)
        for row in notes:
            db.execute(f"INSERT INTO notes ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                       list(row.values()))
        for row in books or []:
            db.execute(f"INSERT INTO books ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                       list(row.values()))
    db.close()
    return path


def make_backup(path: Path, database: bytes | None, *, package: str = PACKAGE,
                catalogue: list[str] | None = None, tags: dict[int, bytes] | None = None) -> Path:
    """``path`` made a backup zip: ``package``/``_names.list`` (``catalogue``, by default a
    settings file, the database as line 2 and an e-book) and the numbered tags (the database's
    bytes as ``2.tag`` unless ``database`` is None)."""
    lines = catalogue if catalogue is not None else [
        f"/data/data/{package}/shared_prefs/{package}_preferences.xml",
        f"/data/data/{package}/databases/mrbooks.db",
        BOOK_FILE,
    ]
    files = {1: b"<?xml version='1.0'?><map></map>", 3: b"PK\x03\x04 not really an epub"}
    if database is not None:
        files[2] = database
    files.update(tags or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{package}/_names.list", "\n".join(lines) + "\n")
        for number, data in sorted(files.items()):
            archive.writestr(f"{package}/{number}.tag", data)
    return path


def backup_of(tmp_path: Path, notes: list[dict[str, Any]], books: list[dict[str, Any]] | None = None,
              name: str = "2024-03-01.mrpro") -> Path:
    """A backup file in ``tmp_path`` holding a database of ``notes`` and ``books``."""
    database = make_database(tmp_path / f"{name}.db", notes, books)
    return make_backup(tmp_path / name, database.read_bytes())
