"""How :meth:`SQLiteStore.merge <excerpta.store.sqlite.SQLiteStore.merge>` writes one document:
upsert by id, compared by content hash (the hash of the model's JSON, as
:func:`excerpta.identity.content_hash` computes it), keeping the stored value of the fields a
format never carries and of the fields a reader left out of one highlight or document (the
:class:`~excerpta.store.base.MergeRules`); and how it deletes the
highlights of a document deleted as a whole (:func:`delete_highlights_of`).

Of two copies of a highlight under one id, the incoming one replaces the stored one unless the
stored one changed strictly later (``updated_at``, both known, :func:`~excerpta.store.copies.later`):
then the stored row stays whole, in its document. So an old export or backup read after a newer
one, or a stale copy listed again under the book a highlight left (in the same pull, or by a book
deleted in a merge), never undoes an edit, brings a deleted highlight back, moves it back, or
deletes it with that book. Of two copies as recent (our own JSON, edited by hand and read back)
or where one has no ``updated_at`` (a Kindle's, a CSV's), the one read last wins.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from excerpta.model import Document, Highlight, PlaceholderDocument
from excerpta.store.base import MergeRules, MergeStats
from excerpta.store.copies import is_empty, later
from excerpta.store.state_file import StoredRows, damaged


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def upsert_document(db: sqlite3.Connection, document: Document, stats: MergeStats,
                    rules: MergeRules, rows: StoredRows) -> None:
    """Insert or update ``document`` and its highlights in ``db`` (inside the caller's
    transaction) under ``rules``, counting what changed in ``stats``; see
    :meth:`SQLiteStore.merge`. A stored row it reads is read through ``rows``."""
    now = datetime.now(UTC).isoformat()
    data = document.model_dump_json(exclude={"highlights"})
    digest = _sha256(data)  # == content_hash(document, exclude={"highlights"})
    row = db.execute("SELECT content_hash FROM documents WHERE id = ?", (document.id,)).fetchone()
    if row is not None and row[0] != digest:
        unsaid = rules.document_left_out.get(document.id, frozenset())
        data, digest = _kept_document(db, rows, document.id, data, digest,
                                      rules.keep_document | unsaid, unsaid & _DEFAULTED)
    if row is None:
        db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", (document.id, data, digest, now))
        stats.documents_added += 1
        stats.changed_document_ids.add(document.id)
    elif row[0] != digest and not isinstance(document, PlaceholderDocument):
        db.execute("UPDATE documents SET data = ?, content_hash = ?, updated_at = ? WHERE id = ?",
                   (data, digest, now, document.id))
        stats.documents_updated += 1
        stats.changed_document_ids.add(document.id)
    for highlight in document.highlights:
        _upsert_highlight(db, document.id, highlight, stats, now, rules, rows)


def _upsert_highlight(db: sqlite3.Connection, doc_id: str, highlight: Highlight, stats: MergeStats,
                      now: str, rules: MergeRules, rows: StoredRows) -> None:
    data = highlight.model_dump_json()
    digest = _sha256(data)  # == content_hash(highlight)
    row = db.execute("SELECT content_hash, document_id FROM highlights WHERE id = ?",
                     (highlight.id,)).fetchone()
    if row is not None and row[0] != digest:
        stored = rows.fields("highlights", highlight.id, db.execute(
            "SELECT data FROM highlights WHERE id = ?", (highlight.id,)).fetchone()[0])
        if later(_updated_at(rows, highlight.id, stored), highlight.updated_at):
            stats.highlights_unchanged += 1  # an older copy: the stored one stays, where it is
            return
        left_out = rules.left_out.get(highlight.id)
        kept = rules.keep if left_out is None else rules.keep | left_out
        if kept:
            data = _kept(rows, "highlights", highlight.id, data, kept, stored)
            digest = _sha256(data)
    if row is not None and row == (digest, doc_id):
        stats.highlights_unchanged += 1
        return
    if row is None:
        db.execute("INSERT INTO highlights VALUES (?, ?, ?, ?, ?)",
                   (highlight.id, doc_id, data, digest, now))
        stats.highlights_added += 1
    else:
        db.execute("UPDATE highlights SET document_id = ?, data = ?, content_hash = ?, "
                   "updated_at = ? WHERE id = ?", (doc_id, data, digest, now, highlight.id))
        stats.highlights_updated += 1
        stats.changed_document_ids.add(row[1])
    stats.changed_document_ids.add(doc_id)


def delete_highlights_of(db: sqlite3.Connection, doc_id: str, stats: MergeStats,
                         rows: StoredRows, only: Collection[str] | None = None) -> None:
    """Mark every live highlight ``db`` holds of document ``doc_id`` deleted (inside the
    caller's transaction), or those of them ``only`` names, each counted in ``stats`` as
    updated, as its tombstone would be. The stored rows are read through ``rows``."""
    now = datetime.now(UTC).isoformat()
    stored_rows = db.execute("SELECT id, data FROM highlights WHERE document_id = ?", (doc_id,)).fetchall()
    for highlight_id, stored in stored_rows:
        if only is not None and highlight_id not in only:
            continue
        fields = rows.fields("highlights", highlight_id, stored)
        if fields.get("is_deleted"):
            continue
        data = rows.model(Highlight, "highlights", highlight_id,
                          {**fields, "is_deleted": True}).model_dump_json()
        db.execute("UPDATE highlights SET data = ?, content_hash = ?, updated_at = ? WHERE id = ?",
                   (data, _sha256(data), now, highlight_id))
        stats.highlights_updated += 1
        stats.changed_document_ids.add(doc_id)


# Document fields a read that does not say them still fills (a Readwise book without its
# title: a placeholder; without its category: "other"): such a value is no value, and the
# library keeps its own. Any other unsaid field is kept only where the read leaves it empty
# (a bulk-import CSV's empty cell: "not given"; a filled one is the user's edit).
_DEFAULTED = frozenset({"title", "category"})


def _kept_document(db: sqlite3.Connection, rows: StoredRows, doc_id: str, data: str, digest: str,
                   keep: frozenset[str], defaulted: frozenset[str]) -> tuple[str, str]:
    """The JSON of a stored document's incoming copy (``data``, hashed ``digest``) with the
    stored value of each ``keep`` field it leaves empty, and of each ``defaulted`` one whatever
    it holds (see :data:`_DEFAULTED`), and its hash."""
    if not keep:
        return data, digest
    stored = db.execute("SELECT data FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    kept = _kept(rows, "documents", doc_id, data, keep, rows.fields("documents", doc_id, stored), defaulted)
    return (data, digest) if kept is data else (kept, _sha256(kept))


def _updated_at(rows: StoredRows, highlight_id: str, stored: dict[str, Any]) -> datetime | None:
    """When the stored highlight ``highlight_id`` (its row's fields ``stored``) last changed."""
    value = stored.get("updated_at")
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise damaged(rows.path, "highlights", highlight_id, f"updated_at {value!r} is no time") from None


def _kept(rows: StoredRows, table: str, row_id: str, data: str, keep: frozenset[str],
          stored: dict[str, Any], defaulted: frozenset[str] = frozenset()) -> str:
    """``data`` (the JSON of a highlight, or of a Document without highlights, as ``table``
    holds) with the stored value (of row ``row_id``, whose fields are ``stored``) of each
    ``keep`` field it leaves empty, and of each ``defaulted`` one; ``data`` itself when none
    is filled."""
    incoming = json.loads(data)
    filled = {name: stored[name] for name in keep
              if not is_empty(stored.get(name)) and (name in defaulted or is_empty(incoming.get(name)))}
    if not filled:
        return data
    model = Highlight if table == "highlights" else Document
    # Only the stored values can make it invalid: a fault of that row.
    kept = rows.model(model, table, row_id, {**incoming, **filled})
    return kept.model_dump_json(exclude={"highlights"})
