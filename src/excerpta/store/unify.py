"""One book from several sources: how a merge gives a document (and its highlights) that
another source gave first the library's id instead of making a second copy.

Each source names a document its own way: the Readwise API by its book id (``readwise-123``),
Kindle clippings, a Readwise CSV or a Readwise note by a hash of the title and author, or of
the URL when the source has one (:mod:`excerpta.identity`). So the same book read from
``My Clippings.txt`` and pulled from Readwise, or an article read from a Readwise CSV (no URL
column) and from its Readwise note (a URL), would be two documents and every highlight two
Anki cards. For a read whose reader derives its ids (``MergeRules.unify``; not our own JSON,
whose ids are the library's), :class:`SameAcrossSources` matches:

* a document whose id the library does not hold with the stored document of the same
  identity key (title and author words, case, accents of width and punctuation folded, the
  author's words in any order: ``Thoreau, Henry David`` is ``Henry David Thoreau``), unless
  both come from the same source that names documents itself (two Readwise books are two
  books, even of one title) or both have URLs and they differ. One with the same URL is
  taken first; else a single candidate, and only with an author (``Notes`` by nobody is no
  book to join); several: none (two books of one title and author in the library already);
* in a document held from several sources (it has an alias), first each incoming highlight
  the library holds under its id or an alias, then each other one with a live stored
  highlight of that document not yet given: of the same passage
  (:func:`~excerpta.identity.same_passage`, more than punctuation) at an overlapping
  location, or of the same text where the locations cannot be compared (one has none, or
  they count in other units); each stored highlight is matched once per merge, the same
  text at the same start first.

A match is remembered (the ``aliases`` table: the source's id -> the library's), so the source's
next read finds it by id, even after an edit of the text. Every highlight of such a document is
settled with its stored copy on each read, whichever source reads it (:func:`settled`: the
later copy wins), so a source read again with old copies never undoes what another brought.
The document's title and author stay the first source's; its other fields merge as for any
read. A whole document deleted by one of its sources deletes the highlights that source gave
(its own ids and those aliased from them), not those another source gave.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from excerpta.identity import normalize_text, normalize_url
from excerpta.model import Document, Highlight
from excerpta.store.candidates import Candidates, source_of
from excerpta.store.copies import settled
from excerpta.store.state_file import StoredRows

_WORD = re.compile(r"\w+")
_DOCUMENT, _HIGHLIGHT = "document", "highlight"
_Key = tuple[str, str]


def identity_key(title: str | None, author: str | None) -> _Key | None:
    """The title's words in order and the author's in any, folded; None without a title."""
    words = _WORD.findall(normalize_text(title))
    if not words:
        return None
    return " ".join(words), " ".join(sorted(_WORD.findall(normalize_text(author))))


class SameAcrossSources:
    """Matches incoming documents and highlights with those another source gave, inside the
    caller's transaction on ``db``; see the module docstring."""

    def __init__(self, db: sqlite3.Connection, rows: StoredRows) -> None:
        self._db, self._rows = db, rows
        self._keys: dict[_Key, list[str]] | None = None  # stored documents by key, built once
        self._claimed: set[str] = set()  # stored highlights matched in this merge

    def match(self, document: Document) -> Matched:
        """``document`` under the library's ids (the same object if it has them and holds no
        other source's), settled with what the library holds of it; see :class:`Matched`."""
        if self._held(document.id):
            if not self._unified(document.id):
                return Matched(document, {}, unified=False)
            target, renamed = document.id, {}
        else:
            target = self._alias(_DOCUMENT, document.id) or self._find_document(document)
            if target is None:
                self._register(document)
                return Matched(document, {}, unified=False)
            renamed = {target: document.id}
        highlights = self._matched_highlights(target, document.highlights, renamed)
        update: dict[str, Any] = {"highlights": highlights}
        if target != document.id:  # the first source's name of the book stays, as its id does
            title, author = self._db.execute(
                "SELECT json_extract(data, '$.title'), json_extract(data, '$.author') FROM documents "
                "WHERE id = ?", (target,)).fetchone()
            update.update(id=target, title=title, author=author)
        return Matched(document.model_copy(update=update), renamed, unified=True)

    def resolved(self, document_id: str) -> tuple[str, frozenset[str] | None]:
        """The library's id of a document a source deleted as a whole, and, for one held from
        several sources, the ids of the highlights that source gave (None: all of them)."""
        target = self._alias(_DOCUMENT, document_id) or document_id
        source = source_of(document_id)
        if not self._unified(target):
            return target, None
        rows = self._db.execute(
            "SELECT h.id, a.alias FROM highlights h LEFT JOIN aliases a "
            "ON a.kind = ? AND a.id = h.id WHERE h.document_id = ?", (_HIGHLIGHT, target)).fetchall()
        return target, frozenset(row_id for row_id, alias in rows if source is not None and (
            source_of(row_id) == source or (alias is not None and source_of(alias) == source)))

    def _held(self, document_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is not None

    def _alias(self, kind: str, identifier: str) -> str | None:
        row = self._db.execute("SELECT id FROM aliases WHERE kind = ? AND alias = ?",
                               (kind, identifier)).fetchone()
        return None if row is None else str(row[0])

    def _remember(self, kind: str, alias: str, identifier: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?)", (kind, alias, identifier))

    def _unified(self, document_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM aliases WHERE kind = ? AND id = ? LIMIT 1",
                                (_DOCUMENT, document_id)).fetchone() is not None

    def _index(self) -> dict[_Key, list[str]]:
        if self._keys is None:
            self._keys = {}
            for row_id, title, author in self._db.execute(
                    "SELECT id, json_extract(data, '$.title'), json_extract(data, '$.author') "
                    "FROM documents ORDER BY rowid"):
                key = identity_key(title, author)
                if key is not None:
                    self._keys.setdefault(key, []).append(row_id)
        return self._keys

    def _register(self, document: Document) -> None:
        # A document stored under its own id in this merge: a later input's copy may match it.
        key = identity_key(document.title, document.author)
        if self._keys is not None and key is not None:
            self._keys.setdefault(key, []).append(document.id)

    def _find_document(self, document: Document) -> str | None:
        key = identity_key(document.title, document.author)
        if key is None:
            return None
        source, url = source_of(document.id), normalize_url(document.url) if document.url else None
        fitting: list[str] = []
        for candidate in self._index().get(key, ()):
            if source is not None and source in self._sources(candidate):
                continue  # the source named the two itself: two documents
            stored_url = self._url(candidate)
            if url is not None and stored_url == url:
                fitting, same_url = [candidate], True
                break
            if url is None or stored_url is None:
                fitting.append(candidate)
        else:
            same_url = False
        # Without an author, only the same URL says it is the same document.
        if len(fitting) != 1 or not (key[1] or same_url):
            return None
        self._remember(_DOCUMENT, document.id, fitting[0])
        return fitting[0]

    def _url(self, document_id: str) -> str | None:
        (url,) = self._db.execute("SELECT json_extract(data, '$.url') FROM documents WHERE id = ?",
                                  (document_id,)).fetchone()
        return normalize_url(url) if url else None

    def _sources(self, document_id: str) -> set[str | None]:
        aliases = self._db.execute("SELECT alias FROM aliases WHERE kind = ? AND id = ?",
                                   (_DOCUMENT, document_id)).fetchall()
        return {source_of(document_id), *(source_of(alias) for (alias,) in aliases)}

    def _matched_highlights(self, target: str, highlights: list[Highlight],
                            renamed: dict[str, str]) -> list[Highlight]:
        # First those the library knows by id or alias, so a passage read twice (a second
        # copy listed before the one matched last time) never takes another's stored id.
        given = {h.id for h in highlights}
        known: dict[int, Highlight] = {}
        unknown: list[int] = []
        for number, highlight in enumerate(highlights):
            stored = self._stored(highlight.id)
            if stored is None:
                alias = self._alias(_HIGHLIGHT, highlight.id)
                stored = None if alias is None or alias in given else self._stored(alias)
            if stored is None:
                unknown.append(number)
            else:
                known[number] = settled(highlight, stored)
                if stored.id != highlight.id:
                    renamed[stored.id] = highlight.id
                    given.add(stored.id)
        if unknown:
            # CROSS JOIN: from this document's highlights, not from every alias of the library.
            candidates = Candidates(self._db.execute(
                "SELECT id, json_extract(data, '$.text'), json_extract(data, '$.location_type'), "
                "json_extract(data, '$.location'), json_extract(data, '$.end_location') FROM highlights "
                "WHERE document_id = ? AND NOT json_extract(data, '$.is_deleted') ORDER BY rowid",
                (target,)), given | self._claimed, self._db.execute(
                "SELECT a.id, a.alias FROM highlights h CROSS JOIN aliases a ON a.kind = ? AND a.id = h.id "
                "WHERE h.document_id = ?", (_HIGHLIGHT, target)))
            for number in unknown:
                highlight = highlights[number]
                stored_id = candidates.take(highlight)
                if stored_id is not None:
                    self._claimed.add(stored_id)
                    self._remember(_HIGHLIGHT, highlight.id, stored_id)
                    renamed[stored_id] = highlight.id
                    known[number] = settled(highlight, self._stored(stored_id))  # type: ignore[arg-type]
        return [known.get(number, highlight) for number, highlight in enumerate(highlights)]

    def _stored(self, highlight_id: str) -> Highlight | None:
        row = self._db.execute("SELECT data FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
        if row is None:
            return None
        return self._rows.model(Highlight, "highlights", highlight_id,
                                self._rows.fields("highlights", highlight_id, row[0]))


@dataclass(frozen=True)
class Matched:
    """What :meth:`SameAcrossSources.match` made of an incoming document: the document to
    merge; ``renamed``, the library's id -> the incoming one, of each id it changed;
    ``unified``: the library holds the document from several sources."""

    document: Document
    renamed: dict[str, str]
    unified: bool
