"""Apple Books databases made by tests: the corpus files' own DDL (the schema Books writes), with
the rows a test gives, laid out as Books lays them out or side by side."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from excerpta import registry
from excerpta.adapters import ReadState
from excerpta.model import Document
from sqlite_rows import insert_rows

from paths import CORPUS

SAMPLES = CORPUS / "apple_books" / "SYNTHETIC"
ANNOTATIONS = SAMPLES / "AEAnnotation_v10312011_1727_local.sqlite"
LIBRARY = SAMPLES / "BKLibrary-1-091020131601.sqlite"
EPOCH_2024 = 725_760_000.0  # 2024-01-01T00:00:00Z as a Core Data timestamp


def ddl(sample: Path) -> list[str]:
    """The CREATE statements of a corpus database, read in place without changing it."""
    db = sqlite3.connect(f"{sample.as_uri()}?immutable=1", uri=True)
    try:
        return [sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")]
    finally:
        db.close()


def annotation(pk: int, **values: Any) -> dict[str, Any]:
    """A ZAEANNOTATION row: a yellow highlight of book ``ASSET1`` unless ``values`` say otherwise
    (keys are column names without the ``Z`` prefix's ``ZANNOTATION``: ``text``, ``note``…)."""
    row = {"Z_PK": pk, "Z_ENT": 2, "Z_OPT": 1, "ZANNOTATIONDELETED": 0, "ZANNOTATIONISUNDERLINE": 0,
           "ZANNOTATIONSTYLE": 3, "ZANNOTATIONTYPE": 2, "ZPLLOCATIONRANGEEND": pk * 10,
           "ZPLLOCATIONRANGESTART": pk * 10, "ZANNOTATIONCREATIONDATE": EPOCH_2024 + pk,
           "ZANNOTATIONMODIFICATIONDATE": EPOCH_2024 + pk + 0.5, "ZANNOTATIONASSETID": "ASSET1",
           "ZANNOTATIONLOCATION": f"epubcfi(/6/{2 * pk}[c{pk}]!/4/2/1,:0,:10)", "ZANNOTATIONNOTE": None,
           "ZANNOTATIONREPRESENTATIVETEXT": None, "ZANNOTATIONSELECTEDTEXT": f"Passage {pk}.",
           "ZANNOTATIONUUID": f"UUID-{pk}", "ZFUTUREPROOFING5": None}
    aliases = {"text": "ZANNOTATIONSELECTEDTEXT", "note": "ZANNOTATIONNOTE", "asset": "ZANNOTATIONASSETID",
               "style": "ZANNOTATIONSTYLE", "type": "ZANNOTATIONTYPE", "deleted": "ZANNOTATIONDELETED",
               "uuid": "ZANNOTATIONUUID", "location": "ZANNOTATIONLOCATION", "chapter": "ZFUTUREPROOFING5",
               "start": "ZPLLOCATIONRANGESTART", "created": "ZANNOTATIONCREATIONDATE",
               "modified": "ZANNOTATIONMODIFICATIONDATE", "underline": "ZANNOTATIONISUNDERLINE"}
    row.update({aliases.get(key, key): value for key, value in values.items()})
    return row


def book(asset: str, title: str | None, author: str | None = None, **values: Any) -> dict[str, Any]:
    """A ZBKLIBRARYASSET row."""
    return {"ZASSETID": asset, "ZTITLE": title, "ZAUTHOR": author, "ZCONTENTTYPE": 1, **values}


def make_database(path: Path, sample: Path, table: str, rows: list[dict[str, Any]], *,
                  drop: tuple[str, ...] = (), wal: bool = False) -> Path:
    """A database at ``path`` with ``sample``'s schema (less the columns ``drop``) and ``rows`` in
    ``table``; in WAL mode if ``wal``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    try:
        if wal:
            db.execute("PRAGMA journal_mode = WAL")
        for statement in ddl(sample):
            for column in drop:
                statement = statement.replace(f", {column} VARCHAR", "").replace(f", {column} INTEGER", "")
            db.execute(statement)
        insert_rows(db, table, [{k: v for k, v in row.items() if k not in drop} for row in rows])
        db.commit()
    finally:
        db.close()
    return path


def make_annotations(path: Path, rows: list[dict[str, Any]], **options: Any) -> Path:
    """An annotation database at ``path`` (a file path) holding ``rows``."""
    return make_database(path, ANNOTATIONS, "ZAEANNOTATION", rows, **options)


def make_library(path: Path, books: list[dict[str, Any]], **options: Any) -> Path:
    """A library database at ``path`` holding ``books``."""
    return make_database(path, LIBRARY, "ZBKLIBRARYASSET", books, **options)


def documents_folder(root: Path, rows: list[dict[str, Any]], books: list[dict[str, Any]]) -> Path:
    """Books' ``Documents`` folder under ``root``: ``AEAnnotation/`` and ``BKLibrary/`` as Books
    names them."""
    documents = root / "Documents"
    make_annotations(documents / "AEAnnotation" / ANNOTATIONS.name, rows)
    make_library(documents / "BKLibrary" / LIBRARY.name, books)
    return documents


def read(source: Path | str, state: ReadState | None = None) -> list[Document]:
    """The documents the ``apple-books`` reader reads from ``source``."""
    return list(registry.reader("apple-books")().read(str(source), state or ReadState()))


def highlights_of(documents: list[Document]) -> dict[str, Any]:
    """Every highlight read, by its text."""
    return {highlight.text: highlight for document in documents for highlight in document.highlights}
