"""The ``aliases`` table: what the library remembers of the ids other sources gave its
documents and highlights, and of which source gave what, for :mod:`.unify` (and the kinds of
its rows for :mod:`.aliased`).

Each row is ``(kind, alias, id)``, ``id`` always one of the library's ids:

* ``document``: ``alias`` is a source's id of the library's document ``id`` (the match of
  another source's copy, remembered so that the source's next read finds it by id). A
  document with such a row is held from several sources;
* ``highlight``: likewise of the library's highlight ``id``;
* ``reader``: ``alias`` is ``"<source> <id>"``: the library's document ``id`` was read from
  that source (the one its incoming id names, ``readwise`` of ``readwise-123``, else the
  reader's; the Kindle's clippings and notebook are one). A document stored before sources
  were recorded has none;
* ``given``: ``alias`` is ``"<source> <id>"``: that source gave the library's highlight
  ``id`` of a document held from several sources (derived ids name no source: Kindle
  clippings, a Readwise CSV and a Readwise note derive one id for one passage, so one
  highlight may have several). Those held before a second source came are the first one's.

A source is a word without a space, so ``"<source> <id>"`` splits at its first space.
Every function runs inside the caller's transaction on ``db`` and commits nothing.

Cost: one query each (:func:`record_reader`: up to three), never one per highlight.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from excerpta.store.candidates import source_of

DOCUMENT, HIGHLIGHT, READER, GIVEN = "document", "highlight", "reader", "given"


def library_id(db: sqlite3.Connection, kind: str, alias: str) -> str | None:
    """The library's id of kind ``kind`` (``document`` or ``highlight``) that a source's id
    ``alias`` is remembered as; None if it is none."""
    row = db.execute("SELECT id FROM aliases WHERE kind = ? AND alias = ?", (kind, alias)).fetchone()
    return None if row is None else str(row[0])


def remember(db: sqlite3.Connection, kind: str, alias: str, identifier: str) -> None:
    """Records a row ``(kind, alias, identifier)``, replacing the one of that kind and alias."""
    db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?)", (kind, alias, identifier))


def is_unified(db: sqlite3.Connection, document_id: str) -> bool:
    """Whether the library's document ``document_id`` has an alias (of kind ``document``): it
    was matched with another source's copy."""
    return db.execute("SELECT 1 FROM aliases WHERE kind = ? AND id = ? LIMIT 1",
                      (DOCUMENT, document_id)).fetchone() is not None


def record_reader(db: sqlite3.Connection, document_id: str, source: str) -> bool:
    """Records that ``source`` read the library's document ``document_id`` (a row of kind
    ``reader``); returns whether the library holds it from another source too, or from one
    not recorded (a library written before sources were). When a second source comes, each
    highlight the document holds is recorded as the first one's (kind ``given``)."""
    own = f"{source} {document_id}"
    readers = {alias for (alias,) in db.execute(
        "SELECT alias FROM aliases WHERE kind = ? AND id = ?", (READER, document_id))}
    if own not in readers:
        remember(db, READER, own, document_id)
        if len(readers) == 1:  # held from one source until now: it gave every highlight
            db.execute("INSERT OR IGNORE INTO aliases SELECT ?, ? || ' ' || id, id FROM highlights "
                       "WHERE document_id = ?", (GIVEN, next(iter(readers)).split(" ", 1)[0], document_id))
    return readers != {own}


def record_given(db: sqlite3.Connection, source: str, highlight_ids: Iterable[str]) -> None:
    """Records that ``source`` gave each of the library's highlights ``highlight_ids`` (rows of
    kind ``given``; one whose id names that source needs none)."""
    db.execute("INSERT OR IGNORE INTO aliases SELECT ?, ? || ' ' || value, value FROM json_each(?)",
               (GIVEN, source, json.dumps([h for h in highlight_ids if source_of(h) != source])))


def givers(db: sqlite3.Connection, document_id: str) -> list[tuple[str, str | None]]:
    """Each highlight of the library's document ``document_id`` (its id) with a source that
    gave it besides the one its id names: one of its aliases names (None: a derived id), or
    one recorded (kind ``given``); a highlight appears once per such source."""
    # CROSS JOIN: from this document's highlights, not from every alias of the library.
    return [(row_id, alias.split(" ", 1)[0] if kind == GIVEN else source_of(alias))
            for row_id, kind, alias in db.execute(
                "SELECT a.id, a.kind, a.alias FROM highlights h CROSS JOIN aliases a ON a.kind IN (?, ?) "
                "AND a.id = h.id WHERE h.document_id = ?", (HIGHLIGHT, GIVEN, document_id))]


def named_by(db: sqlite3.Connection, document_id: str, source: str | None) -> frozenset[str]:
    """The ids of the highlights of the library's document ``document_id`` whose own id or an
    alias (of kind ``highlight``) ``source`` names; none if ``source`` is None."""
    rows = db.execute(
        "SELECT h.id, a.alias FROM highlights h LEFT JOIN aliases a "
        "ON a.kind = ? AND a.id = h.id WHERE h.document_id = ?", (HIGHLIGHT, document_id)).fetchall()
    return frozenset(row_id for row_id, alias in rows if source is not None and (
        source_of(row_id) == source or (alias is not None and source_of(alias) == source)))


def sources_by_highlight(db: sqlite3.Connection, document_id: str) -> dict[str, frozenset[str]]:
    """Each highlight of the library's document ``document_id`` (its id) with the sources
    known to have given it: the one its id or an alias names, those recorded (kind ``given``),
    and, for a document one source alone read, that source. Empty sets for a library that
    recorded none (written before sources were)."""
    readers = {alias.split(" ", 1)[0] for (alias,) in db.execute(
        "SELECT alias FROM aliases WHERE kind = ? AND id = ?", (READER, document_id))}
    found: dict[str, set[str]] = {}
    for row_id, kind, alias in db.execute(
            "SELECT h.id, a.kind, a.alias FROM highlights h LEFT JOIN aliases a ON a.kind IN (?, ?) "
            "AND a.id = h.id WHERE h.document_id = ?", (HIGHLIGHT, GIVEN, document_id)):
        sources = found.setdefault(row_id, set())
        named = [source_of(row_id), *([source_of(alias)] if kind == HIGHLIGHT else []),
                 *([alias.split(" ", 1)[0]] if kind == GIVEN else [])]
        sources.update(source for source in named if source is not None)
        if len(readers) == 1:  # read from one source alone: it gave every highlight
            sources.update(readers)
    return {row_id: frozenset(sources) for row_id, sources in found.items()}


def sources_of(db: sqlite3.Connection, document_id: str) -> set[str | None]:
    """The sources of the library's document ``document_id``'s id and aliases (None: one
    deriving its ids)."""
    aliases = db.execute("SELECT alias FROM aliases WHERE kind = ? AND id = ?",
                         (DOCUMENT, document_id)).fetchall()
    return {source_of(document_id), *(source_of(alias) for (alias,) in aliases)}
