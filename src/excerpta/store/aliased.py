"""The library's ids of what a read whose ids are the library's (our own ``json``/``jsonl``,
``Reader.library_ids``) names by ids the library holds only as aliases.

Such a read is never matched by passage (:mod:`.unify` is for readers that derive their ids):
its ids are authoritative. But our JSON written by another run (one without ``--state``, or
with another state) holds the ids its sources gave, and the library may hold the same book
from several sources under ids of its own, each other source's id remembered as an alias (the
``aliases`` table, see :mod:`.aliases_table`). Read as they are, those ids would make the book
a second document, its highlights duplicates, and take from the library's document the
highlights it holds under that run's ids. So :class:`AliasedIds` looks each id up (no passage,
title or author compared):

* a document id the library does not hold as its own but as an alias takes the library's id;
  its title and author are merged as another source's copy's are
  (:func:`~excerpta.store.matched.joined_names`);
* a highlight id likewise, whichever document the read puts it in (as one of the library's
  own ids would be: in the read's document, moved there if the library holds it in another);
  it is settled with the stored copy as another source's copy is
  (:func:`~excerpta.store.copies.settled`) when the stored copy was changed later; else the
  copy read wins, as under the library's own id, so a hand edit of that JSON is kept.
  Unless the library's id is given in the same document already (by its own id or another
  alias): two highlights of the read are never made one.
  Of such a copy, document or highlight, a field left empty keeps the stored value: it is
  what a source said that run, and a source leaves empty what it never says (a Readwise CSV
  a book's category, a Kindle a highlight's tags, or its deletion in Readwise);
* an id the library holds as its own (the library's own JSON read back, or a library that
  once stored that run's ids) stays as it is, and so does one it does not know at all.

Cost: nothing where the library holds no alias; else one query per document and one per
highlight resolved.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, TypeVar

from excerpta.model import Document, Highlight
from excerpta.store.aliases_table import DOCUMENT, HIGHLIGHT
from excerpta.store.copies import is_empty, later, settled
from excerpta.store.matched import Matched, joined_names
from excerpta.store.state_file import StoredRows

_Model = TypeVar("_Model", Document, Highlight)


class AliasedIds:
    """Gives incoming documents and highlights the library's ids of their aliases, inside the
    caller's transaction on ``db``; see the module docstring."""

    def __init__(self, db: sqlite3.Connection, rows: StoredRows) -> None:
        self._db, self._rows = db, rows
        self._any = db.execute("SELECT 1 FROM aliases WHERE kind IN (?, ?) LIMIT 1",
                               (DOCUMENT, HIGHLIGHT)).fetchone() is not None

    def match(self, document: Document) -> Matched:
        """``document`` under the library's ids of the aliases it holds (the same object if it
        holds none); ``renamed``: the library's id -> the incoming one, of each id changed."""
        if not self._any:
            return Matched(document, {}, unified=False)
        target = self._target(DOCUMENT, "documents", document.id)
        renamed: dict[str, str] = {}
        highlights = self._highlights(document.highlights, renamed)
        if target is None and not renamed:
            return Matched(document, {}, unified=False)
        update: dict[str, Any] = {"highlights": highlights}
        if target is not None:
            stored = self._stored(Document, "documents", target)
            if stored is not None:
                update.update(_unsaid(document, stored))
            update.update(id=target, **joined_names(self._db, target, document))
            renamed[target] = document.id
        return Matched(document.model_copy(update=update), renamed, unified=target is not None)

    def resolved(self, document_id: str) -> tuple[str, None]:
        """The library's id of a document a source deleted as a whole, and None: all of its
        highlights go."""
        return (self._target(DOCUMENT, "documents", document_id) if self._any else None) or document_id, None

    # A table named in these queries is one of two given in this module, never input.
    def _target(self, kind: str, table: str, identifier: str) -> str | None:
        row = self._db.execute(
            f"SELECT id FROM aliases WHERE kind = ? AND alias = ? AND NOT EXISTS "
            f"(SELECT 1 FROM {table} WHERE id = ?)", (kind, identifier, identifier)).fetchone()
        return None if row is None else str(row[0])

    def _highlights(self, highlights: list[Highlight], renamed: dict[str, str]) -> list[Highlight]:
        if not highlights:
            return highlights
        targets = dict(self._db.execute(
            "SELECT a.alias, a.id FROM aliases a WHERE a.kind = ? AND a.alias IN "
            "(SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM highlights h WHERE h.id = a.alias)",
            (HIGHLIGHT, json.dumps([h.id for h in highlights]))).fetchall())
        if not targets:
            return highlights
        given = {h.id for h in highlights}
        resolved = []
        for highlight in highlights:
            target = targets.get(highlight.id)
            if target is None or target in given:
                resolved.append(highlight)
                continue
            stored = self._stored(Highlight, "highlights", target)
            if stored is not None:
                given.add(stored.id)
                renamed[stored.id] = highlight.id
                highlight = _kept(highlight, stored)
                highlight = highlight.model_copy(update=_unsaid(highlight, stored))
            resolved.append(highlight)
        return resolved

    def _stored(self, model: type[_Model], table: str, row_id: str) -> _Model | None:
        row = self._db.execute(f"SELECT data FROM {table} WHERE id = ?", (row_id,)).fetchone()
        return None if row is None else self._rows.model(model, table, row_id,
                                                         self._rows.fields(table, row_id, row[0]))


def _kept(incoming: Highlight, stored: Highlight) -> Highlight:
    """Of ``incoming`` (a copy under an alias) and ``stored``, the one kept under the stored id:
    the stored copy, settled with the other (:func:`~excerpta.store.copies.settled`), only when
    it was changed later (``updated_at``); else the copy read, as one under the library's own
    id would be (see :mod:`.upsert`), so a hand edit of that run's JSON is kept."""
    if later(stored.updated_at, incoming.updated_at):
        return settled(incoming, stored)
    return incoming.model_copy(update={"id": stored.id,
                                       "external_ids": {**stored.external_ids, **incoming.external_ids}})


def _unsaid(incoming: Document | Highlight, stored: Document | Highlight) -> dict[str, Any]:
    """The ``stored`` values of the fields ``incoming`` (another run's copy) leaves empty."""
    return {name: getattr(stored, name) for name in type(incoming).model_fields
            if name not in ("id", "highlights") and is_empty(getattr(incoming, name))
            and not is_empty(getattr(stored, name))}
