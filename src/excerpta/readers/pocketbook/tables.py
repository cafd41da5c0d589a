"""The rows of a PocketBook ``books.db`` a read needs, read whole before any book is given, and
read around damaged pages.

``TagNames`` says which ``TagID`` is which tag (``bm.quotation`` …); the public tools that
read the database agree on the numbers the firmware gives them (101 ``bm.book_mark``, 102
``bm.type``, 104 ``bm.quotation``, 105 ``bm.note``, 106 ``bm.color``, 109 ``bm.image``, 110
``bm.draws``), which stand in for names ``TagNames`` lacks (or lost to damage). Only the tags of
notes (``bm.*``) and of a book's title and authors are read, never a book's other tags (its
table of contents and page layout, kept as blobs).

Where SQLite meets a damaged page, the table is read again around it, a rowid range at a time
(:func:`~excerpta.readers.sqlite_damage.read_around_damage`): every row before and after the
damage is read, and what could not be is said (:attr:`Contents.lost`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from excerpta.readers.kobo.text import as_int, as_text
from excerpta.readers.pocketbook.database import Columns
from excerpta.readers.pocketbook.marks import Item, Tag
from excerpta.readers.sqlite_damage import is_damage, read_around_damage

KNOWN_TAG_IDS = {"bm.book_mark": 101, "bm.type": 102, "bm.quotation": 104, "bm.note": 105,
                 "bm.color": 106, "bm.image": 109, "bm.draws": 110}
BOOK_TAGS = ("doc.book-title", "doc.authors", "ro.authors")
Row = tuple[Any, ...]


@dataclass
class Contents:
    """What a read takes from the database: every item (by OID) and its parent, the note tags
    of each item that has some and the title and author tags of the others (by name), the
    ``Books`` rows (OID -> title, authors), and what damage kept from being read (table ->
    what was lost)."""

    items: dict[int, Item] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)
    marks: dict[int, dict[str, Tag]] = field(default_factory=dict)
    book_tags: dict[int, dict[str, Tag]] = field(default_factory=dict)
    books: dict[int, tuple[object, object]] = field(default_factory=dict)
    lost: dict[str, str] = field(default_factory=dict)


def read_contents(db: sqlite3.Connection, source: str) -> Contents:
    """Every row a read needs (see the module docstring). Raises InputError where a table or a
    column every firmware has is missing, ``sqlite3.Error`` for what is not damage."""
    contents = Contents()
    items = Columns(db, "Items", source, ("OID", "ParentID"), ("State", "TimeAlt", "HashUUID"))
    tags = Columns(db, "Tags", source, ("ItemID", "TagID", "Val"), ("TimeEdt",))
    books = Columns(db, "Books", source, ("OID", "Title"), ("Authors",))
    names = _tag_names(db, source, contents)
    for oid, parent, state, time, uuid, _ in _rows(db, items, contents):
        if (number := as_int(oid)) is not None:
            contents.items[number] = Item(number, state, time, uuid)
            if (parent_number := as_int(parent)) is not None:
                contents.parents[number] = parent_number
    wanted = sorted(names)
    rows = _rows(db, tags, contents, f" WHERE TagID IN ({', '.join('?' * len(wanted))})", wanted,
                 keep=lambda row: as_int(row[1]) in names)
    for item_id, tag_id, value, edited, _ in rows:
        name, item = names.get(as_int(tag_id) or 0), as_int(item_id)
        if name is None or item is None:
            continue
        table = contents.book_tags if name in BOOK_TAGS else contents.marks
        table.setdefault(item, {})[name] = Tag(value, edited)
    for oid, title, authors, _ in _rows(db, books, contents):
        if (number := as_int(oid)) is not None:
            contents.books[number] = (title, authors)
    return contents


def _tag_names(db: sqlite3.Connection, source: str, contents: Contents) -> dict[int, str]:
    # TagID -> name of the tags read: TagNames' own, the known numbers for those it lacks.
    found: dict[str, int] = {}
    if (table := _optional_columns(db, "TagNames", source, ("OID", "TagName"))) is not None:
        for oid, name, _ in _rows(db, table, contents):
            text, number = (as_text(name) or "").strip(), as_int(oid)
            if number is not None and text in (*KNOWN_TAG_IDS, *BOOK_TAGS):
                found.setdefault(text, number)
    taken = set(found.values())
    for name, number in KNOWN_TAG_IDS.items():
        if name not in found and number not in taken:
            found[name] = number
    return {number: name for name, number in found.items()}


def _optional_columns(db: sqlite3.Connection, table: str, source: str,
                      required: tuple[str, ...]) -> Columns | None:
    # A table read where it is there (a firmware without it, or one that lost it, is read on
    # the known numbers).
    names = {(as_text(row[1]) or "").casefold() for row in db.execute(f"PRAGMA table_info({table})")}
    if not {name.casefold() for name in required} <= names:
        return None
    return Columns(db, table, source, required)


def _rows(db: sqlite3.Connection, columns: Columns, contents: Contents, where: str = "",
          parameters: Sequence[object] = (), keep: Callable[[Row], bool] | None = None) -> list[Row]:
    """Every row of ``columns.table`` (``where`` it holds), each ending in its rowid; read
    around damage where SQLite meets some (only the rows ``keep`` keeps), what was lost told to
    ``contents``. Raises ``sqlite3.Error`` for what is not damage."""
    selected = columns.select_list()
    try:
        return db.execute(f"SELECT {selected}, rowid FROM {columns.table}{where}", parameters).fetchall()
    except sqlite3.DatabaseError as err:
        if not is_damage(err):
            raise
    salvage = read_around_damage(db, columns.table, selected)
    if salvage.gaps:
        contents.lost[columns.table] = f"damaged ({salvage.error}): {salvage.unread()} could not be read"
    return [row for row in salvage.rows if keep is None or keep(row)]
