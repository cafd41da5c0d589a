"""Which stored document an incoming one is, for :mod:`excerpta.store.unify`: the document
another source gave, found by its name and URL (the rules are :mod:`.unify`'s module docstring's
first item).

:class:`DocumentFinder` works inside the caller's transaction on ``db``; its index of the
library's documents by name (:class:`~excerpta.store.titles.TitleIndex`) is built at its first
use and kept up to date with the documents stored under their own ids in the same merge
(:meth:`DocumentFinder.register`). :meth:`DocumentFinder.find` returns the library's id of the
document, and records the match in the ``aliases`` table, or returns None; it raises nothing of
its own (a database error propagates).
"""

from __future__ import annotations

import sqlite3

from excerpta.identity import normalize_url
from excerpta.model import Document
from excerpta.store.aliases_table import DOCUMENT, remember, sources_of
from excerpta.store.candidates import rows_of, source_of
from excerpta.store.titles import TitleIndex, identity_key, shares_a_passage


class DocumentFinder:
    """The stored document an incoming document is, by name and URL; see the module docstring."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._titles: TitleIndex | None = None  # stored documents by name, built once

    def find(self, document: Document) -> str | None:
        """The id of the stored document ``document`` (whose id the library does not hold) is
        another source's copy of, remembered as its alias; None where none is, or several may be
        (see the module docstring)."""
        key = identity_key(document.title, document.author)
        if key is None:
            return None
        candidates = self._index().same(key)
        related = not candidates  # then one title the other's main title: one book if they share a passage
        if related:
            candidates = self._index().related(document.title, document.author)
        fitting, same_url = self._fitting(document, candidates)
        if related and len(fitting) == 1 and not self._shares_a_passage(fitting[0], document):
            return None
        # Without an author, only the same URL (or a passage shared, below) says it is the same document.
        found = fitting[0] if len(fitting) == 1 and (key[1] or same_url) else None
        if found is None and (not key[1] or not candidates):
            found = self._titled(document, bool(key[1]))
        if found is not None:
            remember(self._db, DOCUMENT, document.id, found)
        return found

    def register(self, document: Document) -> None:
        """A document stored under its own id in this merge: a later input's copy may match it."""
        if self._titles is not None:
            self._titles.add(document.id, document.title, document.author)

    def _index(self) -> TitleIndex:
        if self._titles is None:
            self._titles = TitleIndex()
            for row_id, title, author in self._db.execute(
                    "SELECT id, json_extract(data, '$.title'), json_extract(data, '$.author') "
                    "FROM documents ORDER BY rowid"):
                self._titles.add(row_id, title, author)
        return self._titles

    def _titled(self, document: Document, authored: bool) -> str | None:
        """The single document of ``document``'s title, where one of the two has no author (a
        Kindle notebook of a personal document), if it may be this one (:meth:`_fitting`) and
        they share a passage; None where the library holds several of that title."""
        titled = self._index().titled(document.title)
        if len(titled) != 1 or (authored and titled[0][1]):
            return None
        fitting, _ = self._fitting(document, [titled[0][0]])
        return fitting[0] if fitting and self._shares_a_passage(fitting[0], document) else None

    def _shares_a_passage(self, target: str, document: Document) -> bool:
        live = (row[1:5] for row in rows_of(self._db, target) if row[5] is None)  # not deleted
        return shares_a_passage(live, document.highlights)

    def _fitting(self, document: Document, candidates: list[str]) -> tuple[list[str], bool]:
        """Of the ``candidates``, the one of ``document``'s URL (and True), else those it may be
        (and False): not named by its source too (two documents it named itself), without
        another URL."""
        source, url = source_of(document.id), normalize_url(document.url) if document.url else None
        fitting: list[str] = []
        for candidate in candidates:
            if source is not None and source in sources_of(self._db, candidate):
                continue
            stored_url = self._url(candidate)
            if url is not None and stored_url == url:
                return [candidate], True
            if url is None or stored_url is None:
                fitting.append(candidate)
        return fitting, False

    def _url(self, document_id: str) -> str | None:
        (url,) = self._db.execute("SELECT json_extract(data, '$.url') FROM documents WHERE id = ?",
                                  (document_id,)).fetchone()
        return normalize_url(url) if url else None
