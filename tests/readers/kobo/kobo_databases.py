"""Kobo databases made by a test: the real ``Bookmark`` and ``content`` DDL (copied from the
corpus file's schema, itself copied from a real v174 database), with the rows a test asks for."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.kobo import KoboReader
from sqlite_rows import insert_rows as insert

from paths import CORPUS

KOBO = CORPUS / "kobo"
COLOR_DB = KOBO / "SYNTHETIC_KoboReader_color.sqlite"
NOCOLOR_DB = KOBO / "SYNTHETIC_KoboReader_v174_nocolor.sqlite"
BOOK = "file:///mnt/onboard/Austen, Jane/Pride and Prejudice - Jane Austen.epub"
STORE_BOOK = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def real_schema(color: bool = True) -> list[str]:
    """The corpus file's CREATE statements (read-only, nothing created beside it)."""
    source = COLOR_DB if color else NOCOLOR_DB
    connection = sqlite3.connect(f"{source.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return [sql for (sql,) in connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    finally:
        connection.close()


def bookmark(ident: str, text: str | None = "A passage.", *, volume: str = BOOK,
             content: str | None = None, **columns: Any) -> dict[str, Any]:
    """A Bookmark row of a highlight in chapter 1 of ``volume`` unless ``columns`` say else."""
    row = {"BookmarkID": ident, "VolumeID": volume,
           "ContentID": content or f"{volume}#(0)OEBPS/chapter01.xhtml",
           "StartContainerPath": "OEBPS/chapter01.xhtml#point(/1/4/2/1:0)", "StartContainerChildIndex": -99,
           "StartOffset": 0, "EndContainerPath": "OEBPS/chapter01.xhtml#point(/1/4/2/1:9)",
           "EndContainerChildIndex": -99, "EndOffset": 0, "Text": text, "Annotation": None,
           "DateCreated": "2024-11-18T17:43:44.000", "ChapterProgress": 0.0, "Hidden": "false",
           "Type": "highlight"}
    row.update(columns)
    return row


def book_rows(volume: str = BOOK, title: str = "Pride and Prejudice", author: str | None = "Jane Austen",
              chapters: Iterable[tuple[str, str | None, int]] = (
                  ("#(0)OEBPS/chapter01.xhtml", "Chapter 1", 0),
                  ("#(1)OEBPS/chapter02.xhtml", "Chapter 2", 1)),
              **columns: Any) -> list[dict[str, Any]]:
    """The content rows of a book (type 6) and its chapters (type 9): (id suffix, title, index)."""
    rows = [{"ContentID": volume, "ContentType": "6", "MimeType": "application/epub+zip", "Title": title,
             "Attribution": author, "___UserID": "", **columns}]
    rows += [{"ContentID": volume + suffix, "ContentType": "9", "MimeType": "application/epub+zip",
              "BookID": volume, "BookTitle": title, "Title": chapter, "VolumeIndex": index, "___UserID": ""}
             for suffix, chapter, index in chapters]
    return rows


def make_database(path: Path, bookmarks: Iterable[Mapping[str, Any]] = (),
                  content: Iterable[Mapping[str, Any]] | None = None, *, color: bool = True,
                  schema: Iterable[str] | None = None, extra: Iterable[str] = ()) -> Path:
    """A KoboReader.sqlite at ``path`` (rollback-journal mode, as the corpus files) holding
    ``bookmarks`` and ``content`` (default: :func:`book_rows`); ``extra``: more SQL to run."""
    connection = sqlite3.connect(path)
    try:
        for statement in schema if schema is not None else real_schema(color):
            connection.execute(statement)
        insert(connection, "Bookmark", bookmarks)
        insert(connection, "content", book_rows() if content is None else content)
        for statement in extra:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()
    return path





def read(path: Path | str) -> tuple[list[Document], ReadState]:
    """Every document the kobo reader yields from ``path``, and the read's state."""
    state = ReadState()
    return list(KoboReader().read(str(path), state)), state


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (names and SHA-256): what a read must leave as it was."""
    return {entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()
            for entry in sorted(folder.iterdir()) if entry.is_file()}
