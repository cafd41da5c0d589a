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
  books, even of one title) or both have URLs and they differ. Of several, the first stored;
* in a document so matched, each highlight whose id the library does not hold with a live
  stored highlight of that document of the same passage (:func:`~excerpta.identity.same_passage`)
  at an overlapping location, or of the same text where the locations cannot be compared
  (one has none, or they count in other units); each stored highlight is matched once per
  merge, the same text at the same start first.

A match is remembered (the ``aliases`` table: the source's id -> the library's), so the source's
next read finds it by id, even after an edit of the text. The document's fields are replaced by
the latest copy as for any merge. A whole document deleted by a source that named it with an
alias deletes the highlights that source gave (its own ids and those aliased from them), not
those another source gave.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from excerpta.identity import normalize_text, normalize_url, ranges_overlap, same_passage
from excerpta.model import Document, Highlight
from excerpta.store.resaves import later
from excerpta.store.state_file import StoredRows

_SOURCE = re.compile(r"^([a-z][a-z0-9]*)-")  # ``readwise-123``: an id a source gave
_WORD = re.compile(r"\w+")
_DOCUMENT, _HIGHLIGHT = "document", "highlight"
_Key = tuple[str, str]
# What an older copy gives a later one that lacks it: where the passage is.
_PLACES = ("end_location", "page", "chapter", "color", "url", "highlighted_at")


def identity_key(title: str | None, author: str | None) -> _Key | None:
    """The title's words in order and the author's in any, folded; None without a title."""
    words = _WORD.findall(normalize_text(title))
    if not words:
        return None
    return " ".join(words), " ".join(sorted(_WORD.findall(normalize_text(author))))


def source_of(identifier: str) -> str | None:
    """The source that gave ``identifier`` (``"readwise"`` for ``readwise-123``), None for a
    derived (hash) id."""
    found = _SOURCE.match(identifier)
    return found.group(1) if found else None


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
        if self._held(_DOCUMENT, document.id):
            if not self._unified(document.id):
                return Matched(document, {}, unified=False)
            target, renamed = document.id, {}
        else:
            target = self._alias(_DOCUMENT, document.id) or self._find_document(document)
            if target is None:
                self._register(document)
                return Matched(document, {}, unified=False)
            renamed = {target: document.id}
        highlights = list(self._matched_highlights(target, document.highlights, renamed))
        update: dict[str, Any] = {"highlights": highlights}
        if target != document.id:  # the first source's name of the book stays, as its id does
            title, author = self._db.execute(
                "SELECT json_extract(data, '$.title'), json_extract(data, '$.author') FROM documents "
                "WHERE id = ?", (target,)).fetchone()
            update.update(id=target, title=title, author=author)
        return Matched(document.model_copy(update=update), renamed, unified=True)

    def resolved(self, document_id: str) -> tuple[str, frozenset[str] | None]:
        """The library's id of a document a source deleted as a whole, and (for one it named
        with an alias) the ids of the highlights that source gave; None: all of them."""
        target = self._alias(_DOCUMENT, document_id)
        if target is None:
            return document_id, None
        source = source_of(document_id)
        rows = self._db.execute(
            "SELECT h.id, a.alias FROM highlights h LEFT JOIN aliases a "
            "ON a.kind = ? AND a.id = h.id WHERE h.document_id = ?", (_HIGHLIGHT, target)).fetchall()
        return target, frozenset(row_id for row_id, alias in rows if source is not None and (
            source_of(row_id) == source or (alias is not None and source_of(alias) == source)))

    def _held(self, kind: str, identifier: str) -> bool:
        table = "documents" if kind == _DOCUMENT else "highlights"
        return self._db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (identifier,)).fetchone() is not None

    def _alias(self, kind: str, identifier: str) -> str | None:
        row = self._db.execute("SELECT id FROM aliases WHERE kind = ? AND alias = ?",
                               (kind, identifier)).fetchone()
        return None if row is None else str(row[0])

    def _remember(self, kind: str, alias: str, identifier: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?)", (kind, alias, identifier))

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
        source = source_of(document.id)
        for candidate in self._index().get(key, ()):
            if source is not None and source in self._sources(candidate):
                continue  # the source named the two itself: two documents
            if document.url and _other_url(self._db, candidate, document.url):
                continue
            self._remember(_DOCUMENT, document.id, candidate)
            return candidate
        return None

    def _sources(self, document_id: str) -> set[str | None]:
        aliases = self._db.execute("SELECT alias FROM aliases WHERE kind = ? AND id = ?",
                                   (_DOCUMENT, document_id)).fetchall()
        return {source_of(document_id), *(source_of(alias) for (alias,) in aliases)}

    def _unified(self, document_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM aliases WHERE kind = ? AND id = ? LIMIT 1",
                                (_DOCUMENT, document_id)).fetchone() is not None

    def _matched_highlights(self, target: str, highlights: list[Highlight],
                            renamed: dict[str, str]) -> Iterator[Highlight]:
        candidates: list[_Stored] | None = None
        given = {h.id for h in highlights}
        for highlight in highlights:
            stored_id: str | None = highlight.id
            if not self._held(_HIGHLIGHT, highlight.id):
                stored_id = self._alias(_HIGHLIGHT, highlight.id)
                if stored_id is None and normalize_text(highlight.text):
                    if candidates is None:
                        candidates = self._candidates(target, given)
                    stored_id = self._find_highlight(highlight, candidates)
                    if stored_id is not None:
                        self._remember(_HIGHLIGHT, highlight.id, stored_id)
                if stored_id is None or stored_id in given:
                    yield highlight
                    continue
                renamed[stored_id] = highlight.id
                given.add(stored_id)
            yield settled(highlight, self._stored(stored_id))

    def _stored(self, highlight_id: str) -> Highlight:
        (data,) = self._db.execute("SELECT data FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
        return self._rows.model(Highlight, "highlights", highlight_id,
                                self._rows.fields("highlights", highlight_id, data))

    def _candidates(self, target: str, given: set[str]) -> list[_Stored]:
        rows = self._db.execute(
            "SELECT id, json_extract(data, '$.text'), json_extract(data, '$.location_type'), "
            "json_extract(data, '$.location'), json_extract(data, '$.end_location') FROM highlights "
            "WHERE document_id = ? AND NOT json_extract(data, '$.is_deleted') ORDER BY rowid", (target,))
        return [_Stored(*row) for row in rows if row[0] not in given and normalize_text(row[1])]

    def _find_highlight(self, highlight: Highlight, candidates: list[_Stored]) -> str | None:
        text = normalize_text(highlight.text)
        best: tuple[bool, bool, int] | None = None
        found: _Stored | None = None
        for number, stored in enumerate(candidates):
            if stored.id in self._claimed:
                continue
            comparable = (stored.location_type == highlight.location_type
                          and stored.location is not None and highlight.location is not None)
            if comparable:
                if not (ranges_overlap(highlight.location, highlight.end_location,
                                       stored.location, stored.end_location)
                        and same_passage(stored.text, text)):
                    continue
            elif stored.text != text:
                continue
            score = (stored.text != text, stored.location != highlight.location, number)
            if best is None or score < best:
                best, found = score, stored
        if found is None:
            return None
        self._claimed.add(found.id)
        return found.id


@dataclass(frozen=True)
class Matched:
    """What :meth:`SameAcrossSources.match` made of an incoming document: the document to
    merge; ``renamed``, the library's id -> the incoming one, of each id it changed;
    ``unified``: the library holds the document from several sources."""

    document: Document
    renamed: dict[str, str]
    unified: bool


def settled(incoming: Highlight, stored: Highlight) -> Highlight:
    """The highlight a unified document keeps, under the ``stored`` copy's id, of it and
    ``incoming`` (the same highlight, from another source perhaps): the later one (by
    ``updated_at``, else ``highlighted_at``; ``incoming`` when either is unknown), with the
    external ids of both. So a source read again with an old copy (a clippings file, read
    whole on every run) never undoes an edit or deletion another source brought. The later
    takes from the other the places it lacks (a range's end, a page, a chapter: what one
    source knows and the other never says), never a note or tags it has no more; a later
    incoming copy then merges as any does (the fields its reader never says keep the stored
    values)."""
    winner, loser = (stored, incoming) if later(_moment(stored), _moment(incoming)) else (incoming, stored)
    update: dict[str, Any] = {name: getattr(loser, name) for name in _PLACES
                              if getattr(winner, name) is None and getattr(loser, name) is not None}
    external_ids = {**incoming.external_ids, **stored.external_ids, **winner.external_ids}
    if external_ids != winner.external_ids:
        update["external_ids"] = external_ids
    if winner.id != stored.id:
        update["id"] = stored.id
    return winner.model_copy(update=update) if update else winner


def _moment(highlight: Highlight) -> datetime | None:
    return highlight.updated_at or highlight.highlighted_at


class _Stored:
    """A stored highlight, as a candidate for a match: its text normalised."""

    __slots__ = ("end_location", "id", "location", "location_type", "text")

    def __init__(self, row_id: str, text: str, location_type: Any, location: Any, end: Any) -> None:
        self.id, self.text = row_id, normalize_text(text)
        self.location_type, self.location, self.end_location = location_type, location, end


def _other_url(db: sqlite3.Connection, document_id: str, url: str) -> bool:
    row = db.execute("SELECT json_extract(data, '$.url') FROM documents WHERE id = ?",
                     (document_id,)).fetchone()
    return bool(row and row[0]) and normalize_url(row[0]) != normalize_url(url)


class Renamed(Mapping[str, Any]):
    """A mapping keyed by incoming ids, read by the library's ids a match gave them."""

    def __init__(self, base: Mapping[str, Any], renamed: dict[str, str]) -> None:
        self._base, self._renamed = base, renamed

    def __getitem__(self, key: str) -> Any:
        return self._base[self._renamed.get(key, key)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)
