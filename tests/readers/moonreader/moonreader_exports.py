"""Moon+ Reader ``.mrexpt`` exports made by code, as ``com.flyersoft.books.BookDb``'s
``exportNotesToText`` writes them: the book file's size, ``indent:…``, ``trim:…``, then per
``notes`` row a ``#`` line and its 16 columns, one a line, a newline inside a value as ``<BR>``;
UTF-8, ``\\n`` line ends."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from moonreader_backups import BOOK_FILE, note

COLUMNS = ("_id", "book", "filename", "lowerFilename", "lastChapter", "lastSplitIndex",
           "lastPosition", "highlightLength", "highlightColor", "time", "bookmark", "note",
           "original", "underline", "strikethrough", "bak")
HEADER = "482133\nindent:false\ntrim:false\n"


def record(values: list[Any]) -> str:
    """One record: ``#`` and each value on its line (``str()`` of it, as Java's getString)."""
    return "#\n" + "".join(str(value).replace("\n", "<BR>") + "\n" for value in values)


def values_of(row: dict[str, Any], ident: int) -> list[Any]:
    """The 16 column values of a :func:`moonreader_backups.note` row, its ``_id`` ``ident``."""
    return [row.get("_id", ident), *(row[column] for column in COLUMNS[1:])]


def export_text(rows: list[dict[str, Any]], *, header: str = HEADER) -> str:
    """The text of an export of ``rows`` (``note()`` dicts; ``_id`` 1, 2, … unless given)."""
    return header + "".join(record(values_of(row, ident)) for ident, row in enumerate(rows, start=1))


def deleted_record(time: int) -> str:
    """The record Moon+ writes for a note deleted at ``time``: ``0``s, its time, an empty
    bookmark and ``*DELETED*`` as ``bak``."""
    return record(["0"] * 9 + [time, "", "0", "0", "0", "0", "*DELETED*"])


def export_of_database(database: Path, book_file: str = BOOK_FILE) -> str:
    """What Moon+ exports for ``book_file`` from the mrbooks.db ``database``: every column of
    its notes rows (``SELECT *``, rowid order), each value as text."""
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT * FROM notes WHERE lowerFilename=?", (book_file.lower(),)).fetchall()
    db.close()
    return HEADER + "".join(record(list(row)) for row in rows)


def write_export(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    """``path`` written with ``text`` (``\\n`` line ends kept as given)."""
    path.write_bytes(text.encode(encoding))
    return path


def walden(**fields: Any) -> dict[str, Any]:
    """A Walden highlight row (see :func:`moonreader_backups.note`)."""
    return note(**fields)
