"""PocketBook ``books.db`` files made by a test: the four tables as public tools show their DDL
(``Items``, ``Tags``, ``TagNames``, ``Books``), the tag names and numbers the firmware uses, and
note items whose tags hold JSON as the device writes it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.pocketbook import PocketBookOptions, PocketBookReader
from sqlite_rows import insert_rows

SCHEMA = (
    "CREATE TABLE TypeNames (OID INTEGER PRIMARY KEY, TypeName TEXT NOT NULL)",
    "CREATE TABLE Items (OID INTEGER PRIMARY KEY, ParentID INTEGER REFERENCES Items(OID), "
    "TypeID INTEGER NOT NULL REFERENCES TypeNames(OID), State INTEGER NOT NULL DEFAULT (0), "
    "TimeAlt INTEGER NOT NULL DEFAULT (0), HashUUID TEXT)",
    "CREATE TABLE TagNames (OID INTEGER PRIMARY KEY, TagName TEXT NOT NULL, "
    "Opts INTEGER NOT NULL DEFAULT (0))",
    "CREATE TABLE Tags (OID INTEGER PRIMARY KEY, "
    "ItemID INTEGER NOT NULL REFERENCES Items(OID) ON DELETE CASCADE, "
    "TagID INTEGER NOT NULL REFERENCES TagNames(OID), Val TEXT, TimeEdt INTEGER NOT NULL DEFAULT (0), "
    "UNIQUE(ItemID, TagID))",
    "CREATE TABLE Books (OID INTEGER PRIMARY KEY REFERENCES Items(OID) ON DELETE CASCADE, Title TEXT, "
    "Authors TEXT, TimeAdd INTEGER NOT NULL DEFAULT (0))",
)
TAG_NAMES = {16: "ro.authors", 34: "doc.book-title", 37: "doc.mime-type", 44: "doc.authors",
             101: "bm.book_mark", 102: "bm.type", 103: "bm.subtype", 104: "bm.quotation", 105: "bm.note",
             106: "bm.color", 107: "bm.icon", 108: "bm.voice", 109: "bm.image", 110: "bm.draws"}
TAG_IDS = {name: number for number, name in TAG_NAMES.items()}
BOOK_TYPE, MARK_TYPE = 1, 4
CREATED = 1714665600  # 2024-05-02T16:00:00Z


def book(oid: int = 1, title: str | None = "Walden; or, Life in the Woods",
         authors: str | None = "Henry David Thoreau", *, tags: Mapping[str, str] | None = None,
         row: bool = True) -> dict[str, Any]:
    """A book item, its Books row (unless not ``row``) and its ``tags`` by name
    (``{"doc.book-title": "…"}``)."""
    made: dict[str, Any] = {
        "item": {"OID": oid, "ParentID": None, "TypeID": BOOK_TYPE, "State": 0, "TimeAlt": 0,
                 "HashUUID": None},
        "tags": {name: (value, 0) for name, value in (tags or {}).items()}}
    if row:
        made["row"] = {"OID": oid, "Title": title, "Authors": authors, "TimeAdd": CREATED}
    return made


def note(oid: int, text: str | None = "The mass of men lead lives of quiet desperation.", *, parent: int = 1,
         kind: str | None = "highlight", page: int = 14, offset: int = 120, note_text: str | None = None,
         colour: str | None = "yellow", created: int = CREATED, state: int = 0,
         uuid: str | None = "6F9A1C2E-3B4D-5E6F-8A9B-0C1D2E3F4A5B",
         tags: Mapping[str, object] | None = None) -> dict[str, Any]:
    """A note item as the device writes one: ``bm.book_mark``, ``bm.type``, ``bm.quotation``
    (``begin``/``end`` positions), ``bm.note`` and ``bm.color`` tags. ``tags`` replace a tag's
    value as it is stored, by name (``{"bm.quotation": b"…"}``; None drops the tag)."""
    begin = f"pbr:/word?page={page}&offs={offset}##epubcfi(/6/12!/4/28/1:{offset})"
    end = f"pbr:/word?page={page}&over={offset + 80}##epubcfi(/6/12!/4/28/1:{offset + 80})"
    values: dict[str, object] = {
        "bm.book_mark": json.dumps({"anchor": begin.split("##")[0], "created": created}),
        "bm.type": kind,
        "bm.quotation": None if text is None else json.dumps({"begin": begin, "end": end, "text": text},
                                                             ensure_ascii=False),
        "bm.note": None if note_text is None else json.dumps({"text": note_text}, ensure_ascii=False),
        "bm.color": colour,
    }
    values.update(tags or {})
    return {"item": {"OID": oid, "ParentID": parent, "TypeID": MARK_TYPE, "State": state, "TimeAlt": created,
                     "HashUUID": uuid},
            "tags": {name: (value, created) for name, value in values.items() if value is not None}}


def make_database(path: Path, books: Iterable[Mapping[str, Any]] = (),
                  notes: Iterable[Mapping[str, Any]] = (), *, tag_names: Mapping[int, str] = TAG_NAMES,
                  extra: Iterable[str] = ()) -> Path:
    """A books.db at ``path`` (rollback-journal mode) holding ``books`` (default: :func:`book`)
    and ``notes``; ``extra``: more SQL to run."""
    books = list(books) or [book()]
    db = sqlite3.connect(path)
    try:
        for statement in SCHEMA:
            db.execute(statement)
        insert_rows(db, "TypeNames", [{"OID": BOOK_TYPE, "TypeName": "type.book"},
                                      {"OID": MARK_TYPE, "TypeName": "obj.book_mark"}])
        insert_rows(db, "TagNames", [{"OID": oid, "TagName": name} for oid, name in tag_names.items()])
        ids = {name: oid for oid, name in tag_names.items()}
        for made in [*books, *notes]:
            insert_rows(db, "Items", [made["item"]])
            if "row" in made:
                insert_rows(db, "Books", [made["row"]])
            insert_rows(db, "Tags", [{"ItemID": made["item"]["OID"], "Val": value, "TimeEdt": edited,
                                      "TagID": ids.get(name, TAG_IDS.get(name))}
                                     for name, (value, edited) in made["tags"].items()])
        for statement in extra:
            db.execute(statement)
        db.commit()
    finally:
        db.close()
    return path


def read_database(path: Path | str, *, bookmarks: bool = False) -> tuple[list[Document], ReadState]:
    """Every document the ``pocketbook`` reader yields from ``path``, and the read's state."""
    state = ReadState()
    reader = PocketBookReader(PocketBookOptions(pocketbook_bookmarks=bookmarks))
    return list(reader.read(str(path), state)), state


WALDEN_IDS = {"mass": "6F9A1C2E-3B4D-5E6F-8A9B-0C1D2E3F4A5B",
              "woods": "0B1C2D3E-4F50-5162-8394-A5B6C7D8E9F0",
              "bookmark": "1A2B3C4D-5E6F-5071-8293-A4B5C6D7E8F9",
              "simplify": "2C3D4E5F-6071-5283-94A5-B6C7D8E9F0A1"}


def example_database(path: Path) -> Path:
    """The database ``examples/pocketbook_books.db`` was made by: Walden's notes of
    ``examples/pocketbook_notes.html`` (its export), a note deleted on the device, and a second
    book with a highlight and a drawing."""
    woods = note(3, "I went to the woods because I wished to live deliberately, to front only the "
                 "essential facts of life,\u2029and see if I could not learn what it had to teach, and "
                 "not, when I came to die, discover that I had not lived.", kind="note", page=96, offset=40,
                 note_text="The reason for the whole experiment.", colour="cian", created=1714600000,
                 uuid=WALDEN_IDS["woods"])
    woods["tags"]["bm.note"] = (woods["tags"]["bm.note"][0], 1714700000)  # the note typed a day later
    notes = [
        note(2, "The mass of men lead lives of quiet desperation.", page=14, offset=120, created=1714594445,
             uuid=WALDEN_IDS["mass"]),
        woods,
        note(4, "Bookmark", kind="bookmark", page=97, offset=0, colour=None, created=1714601000,
             uuid=WALDEN_IDS["bookmark"]),
        note(5, "Our life is frittered away by detail. Simplify, simplify.", kind="note", page=98, offset=310,
             note_text="Compare Seneca, Letters 2.", colour="green", created=1714602000,
             uuid=WALDEN_IDS["simplify"]),
        note(6, "I had three chairs in my house; one for solitude, two for friendship, three for society.",
             page=141, state=2, uuid="3D4E5F60-7182-5394-A5B6-C7D8E9F0A1B2"),
        note(8, "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
             "must be in want of a wife.", parent=7, page=1, offset=0, created=1714500000,
             uuid="4E5F6071-8293-54A5-B6C7-D8E9F0A1B2C3"),
        note(9, "", parent=7, kind="draws", page=3, colour=None, uuid="5F607182-93A4-55B6-C7D8-E9F0A1B2C3D4",
             tags={"bm.draws": "<svg/>"}),
    ]
    books = [book(), book(7, "Pride and Prejudice", "Jane Austen")]
    return make_database(path, books, notes)
