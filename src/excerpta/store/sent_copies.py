"""What excerpta sent, come back: the library's document and highlight a copy pulled from
Readwise is, by the id it was sent with, for :class:`~excerpta.store.unify.SameAcrossSources`.

The ``readwise`` writer sends each highlight with a ``highlight_url`` holding the library's id;
read back (a Readwise book its writer made, or a Readwise note's link), a copy carries it as
``external_ids["excerpta"]`` (:mod:`excerpta.readwise.own_links`). That id is the highlight,
whatever was edited in Readwise since (a typo fixed in its text, the book's title): the merge
takes it before any rule by name or passage. Cost: one query each.
"""

from __future__ import annotations

import json
import sqlite3

from excerpta.identity import SENT_ID_KEY
from excerpta.model import Document, Highlight


def sent_document(db: sqlite3.Connection, document: Document) -> str | None:
    """The library's document whose highlights excerpta sent as those of ``document``; None
    when they name none, or several (a Readwise book gathers the highlights sent of one title,
    author and kind)."""
    sent = [h.external_ids[SENT_ID_KEY] for h in document.highlights if SENT_ID_KEY in h.external_ids]
    if not sent:
        return None
    rows = db.execute("SELECT DISTINCT document_id FROM highlights WHERE id IN "
                      "(SELECT value FROM json_each(?))", (json.dumps(sent),)).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def sent_highlight(db: sqlite3.Connection, highlight: Highlight, target: str) -> str | None:
    """The id of the library's highlight of its document ``target`` that excerpta sent as
    ``highlight``; None: none such."""
    sent = highlight.external_ids.get(SENT_ID_KEY)
    if sent is None or sent == highlight.id:
        return None
    row = db.execute("SELECT 1 FROM highlights WHERE id = ? AND document_id = ?", (sent, target)).fetchone()
    return None if row is None else sent
