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
  book to join); several: none (two books of one title and author in the library already).
  Where the library holds none of that key, the same rules pick among the documents of the
  same author one of whose titles is the other's main title (:mod:`.titles`: ``Sapiens`` and
  ``Sapiens: A Brief History of Humankind``), and the one found is joined only if one of the
  incoming highlights is of the same passage as one of its live highlights
  (:func:`~excerpta.store.titles.shares_a_passage`): a volume and its series' title sharing
  none stay two books;
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
The document keeps the library's id (Anki cards and note blocks hang on it; an Obsidian note
keeps its path when its title changes). Its title and author are those of a source that names
its documents itself (the Readwise API's, where its user edits them) over those of one that
derives its ids, else the later read's where it says more than the stored
(:func:`~excerpta.store.titles.names_kept`); its other fields merge as for any read. A whole
document deleted by one of its sources deletes the highlights that source gave (its own ids
and those aliased from them), not those another source gave.

Cost: linear in the highlights read and in those of the documents they join (8,000 on each
side of one book, first match: 0.6 s; 100,000 in 1,000 books: 7-10 s, read again: 2.5-3 s;
``benchmarks/unify_match.py``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from excerpta.identity import normalize_url
from excerpta.model import Document, Highlight
from excerpta.store.candidates import Candidates, source_of
from excerpta.store.copies import settled
from excerpta.store.state_file import StoredRows
from excerpta.store.titles import NAMING_FIELDS, TitleIndex, identity_key, names_kept, shares_a_passage

_DOCUMENT, _HIGHLIGHT = "document", "highlight"


class SameAcrossSources:
    """Matches incoming documents and highlights with those another source gave, inside the
    caller's transaction on ``db``; see the module docstring."""

    def __init__(self, db: sqlite3.Connection, rows: StoredRows) -> None:
        self._db, self._rows = db, rows
        self._titles: TitleIndex | None = None  # stored documents by name, built once
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
        update: dict[str, Any] = {"highlights": highlights, **self._names_kept(target, document)}
        if target != document.id:  # the library's id stays: cards and blocks hang on it
            update["id"] = target
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

    def _names_kept(self, target: str, document: Document) -> dict[str, Any]:
        stored = self._db.execute(
            "SELECT " + ", ".join(f"json_extract(data, '$.{name}')" for name in NAMING_FIELDS)
            + " FROM documents WHERE id = ?", (target,)).fetchone()
        source = source_of(document.id)
        others = self._sources(target) - {source}
        return names_kept(document, dict(zip(NAMING_FIELDS, stored, strict=True)), source is not None,
                          any(other is not None for other in others))

    def _index(self) -> TitleIndex:
        if self._titles is None:
            self._titles = TitleIndex()
            for row_id, title, author in self._db.execute(
                    "SELECT id, json_extract(data, '$.title'), json_extract(data, '$.author') "
                    "FROM documents ORDER BY rowid"):
                self._titles.add(row_id, title, author)
        return self._titles

    def _register(self, document: Document) -> None:
        # A document stored under its own id in this merge: a later input's copy may match it.
        if self._titles is not None:
            self._titles.add(document.id, document.title, document.author)

    def _find_document(self, document: Document) -> str | None:
        key = identity_key(document.title, document.author)
        if key is None:
            return None
        candidates = self._index().same(key)
        related = not candidates  # then one title the other's main title: one book if they share a passage
        if related:
            candidates = self._index().related(document.title, document.author)
        fitting, same_url = self._fitting(document, candidates)
        if related and len(fitting) == 1 and not shares_a_passage(
                (row[1:] for row in self._live(fitting[0])), document.highlights):
            return None
        # Without an author, only the same URL says it is the same document.
        if len(fitting) != 1 or not (key[1] or same_url):
            return None
        self._remember(_DOCUMENT, document.id, fitting[0])
        return fitting[0]

    def _fitting(self, document: Document, candidates: list[str]) -> tuple[list[str], bool]:
        """Of the ``candidates``, the one of ``document``'s URL (and True), else those it may be
        (and False): not named by its source too (two documents it named itself), without
        another URL."""
        source, url = source_of(document.id), normalize_url(document.url) if document.url else None
        fitting: list[str] = []
        for candidate in candidates:
            if source is not None and source in self._sources(candidate):
                continue
            stored_url = self._url(candidate)
            if url is not None and stored_url == url:
                return [candidate], True
            if url is None or stored_url is None:
                fitting.append(candidate)
        return fitting, False

    def _live(self, target: str) -> list[tuple[Any, ...]]:
        """The live highlights of ``target``: id, text, location type, location, end."""
        return self._db.execute(
            "SELECT id, json_extract(data, '$.text'), json_extract(data, '$.location_type'), "
            "json_extract(data, '$.location'), json_extract(data, '$.end_location') FROM highlights "
            "WHERE document_id = ? AND NOT json_extract(data, '$.is_deleted') ORDER BY rowid",
            (target,)).fetchall()

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
            candidates = Candidates(self._live(target), given | self._claimed, self._db.execute(
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
