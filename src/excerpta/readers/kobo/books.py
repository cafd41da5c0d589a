"""The books of a Kobo database and their chapters, from its ``content`` table.

``content`` holds one row per book (``ContentType`` 6: ``Title``, ``Attribution`` = author,
``ISBN``) and one per section of it (``BookID`` = the book's ``ContentID``; ``ContentType`` 9
for an EPUB's ``…epub#(n)OEBPS/…`` and a KEPUB's table-of-contents entries, 899 for a KEPUB's
files ``…kepub.epub!OEBPS!ch001.xhtml``; ``Title`` = the chapter's title, ``VolumeIndex`` =
its place in the book).

A bookmark's chapter is the section whose ``ContentID`` is the bookmark's ``ContentID``;
else the section whose ``ContentID`` is the longest start of it (a bookmark's id may end in
``#heading_id_18``); else the first section (by ``VolumeIndex``) whose ``ContentID`` starts
with it (a KEPUB file known only by its table-of-contents entries ``…ch001.xhtml-1``). A
section without a title names no chapter but still places the bookmark in the book.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote

from excerpta.readers.kobo.database import Columns
from excerpta.readers.kobo.text import as_int, as_text
from excerpta.readers.sqlite_damage import Salvage, read_around_damage

BOOK_CONTENT_TYPE = "6"
SIDELOADED_PREFIX = "file://"
BOOK_SUFFIXES = (".kepub.epub", ".epub", ".pdf", ".cbz", ".cbr", ".txt", ".html", ".rtf", ".mobi")


@dataclass(frozen=True)
class Section:
    """A part of a book: its ``ContentID``, chapter title (None: untitled) and place."""

    content_id: str
    title: str | None
    volume_index: int | None


@dataclass
class Book:
    """What ``content`` says of one book (``VolumeID``); ``listed``: it has a book row."""

    volume_id: str
    title: str | None = None
    author: str | None = None
    isbn: str | None = None
    listed: bool = False
    book_titles: set[str] = field(default_factory=set)  # the BookTitle of its sections
    sections: dict[str, Section] = field(default_factory=dict)

    def section_of(self, content_id: str) -> Section | None:
        """The section a bookmark with ``content_id`` is in (see the module docstring); None
        for an empty id (every section's id starts with it: it says none)."""
        if not content_id:
            return None
        if (exact := self.sections.get(content_id)) is not None:
            return exact
        starts = [s for s in self.sections.values() if content_id.startswith(s.content_id)]
        if starts:
            return max(starts, key=lambda section: len(section.content_id))
        within = [s for s in self.sections.values() if s.content_id.startswith(content_id)]
        if within:
            return min(within, key=lambda s: (s.volume_index is None, s.volume_index or 0, s.content_id))
        return None

    def shown_title(self) -> str:
        """The book's title: its book row's, else its sections' ``BookTitle``, else (a book
        no longer on the device) its file's name without folder and extension, or its id."""
        if self.title:
            return self.title
        if self.book_titles:
            return sorted(self.book_titles)[0]
        return file_title(self.volume_id)


def file_title(volume_id: str) -> str:
    """``Moby Dick`` of ``file:///mnt/onboard/Melville/Moby Dick.kepub.epub``; a store
    book's UUID as it is."""
    if not volume_id.startswith(SIDELOADED_PREFIX):
        return volume_id
    name = PurePosixPath(unquote(volume_id.removeprefix(SIDELOADED_PREFIX))).name
    for suffix in BOOK_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or name
    return name or volume_id


def content_columns(connection: sqlite3.Connection, source: str) -> Columns:
    """The ``content`` columns read; raises InputError when it lacks what every firmware has."""
    return Columns(connection, "content", source, ("ContentID", "ContentType", "Title"),
                   ("BookID", "BookTitle", "Attribution", "VolumeIndex", "ISBN"))


def load_books(connection: sqlite3.Connection, columns: Columns) -> dict[str, Book]:
    """The books that have bookmarks, by ``VolumeID``, with their sections: one pass over
    ``content`` (its rows of other books are not kept). Raises ``sqlite3.Error`` where either
    table cannot be read (see :func:`salvage_books`)."""
    wanted = "SELECT DISTINCT VolumeID FROM Bookmark"
    book_of = "c.BookID" if columns.has("BookID") else "NULL"
    rows = connection.execute(
        f"SELECT {columns.select_list('c')} FROM content c "
        f"WHERE c.ContentID IN ({wanted}) OR {book_of} IN ({wanted})")
    return _books_of(rows)


def salvage_books(connection: sqlite3.Connection, columns: Columns,
                  volumes: set[str]) -> tuple[dict[str, Book], Salvage]:
    """As :func:`load_books` for the books ``volumes``, from a damaged database: every
    ``content`` row SQLite can still read (see :func:`~excerpta.readers.sqlite_damage.read_around_damage`),
    and what could not be read."""
    salvage = read_around_damage(connection, "content", columns.select_list("content"))
    content_id, book_id = columns.selected.index("ContentID"), columns.selected.index("BookID")
    rows = (row[:-1] for row in salvage.rows
            if as_text(row[content_id]) in volumes or as_text(row[book_id]) in volumes)
    return _books_of(rows), salvage


def _books_of(rows: Iterable[tuple[object, ...]]) -> dict[str, Book]:
    # ``content`` rows (in Columns.select_list's order) as books and their sections.
    books: dict[str, Book] = {}
    for content_id, content_type, title, book_id, book_title, author, volume_index, isbn in rows:
        content_id, book_id = as_text(content_id), as_text(book_id)
        if content_id is None:
            continue
        if as_text(content_type) == BOOK_CONTENT_TYPE or not book_id:
            book = books.setdefault(content_id, Book(content_id))
            book.title, book.author = _clean(title), _clean(author)
            book.isbn, book.listed = _clean(isbn), True
            continue
        book = books.setdefault(book_id, Book(book_id))
        if (shown := _clean(book_title)) is not None:
            book.book_titles.add(shown)
        book.sections[content_id] = Section(content_id, _clean(title), as_int(volume_index))
    return books


def _clean(value: object) -> str | None:
    return (as_text(value) or "").strip() or None
