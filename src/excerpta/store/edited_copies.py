"""Highlights a source lists again after an edit there: how a merge gives a highlight of a
Readwise CSV export, whose text was edited in Readwise (a typo fixed), and a book whose author
or title was (a name corrected), the library's ids instead of a second highlight or book.

A reader that derives its ids from what it reads and declares ``Reader.edited_copies`` (the
Readwise CSV, whose rows carry no Readwise ids; Readwise notes, whose links may name none)
gives an edited highlight a new id (its text changed), and every highlight of an edited book
new ids (its document's id changed). What
Readwise lists with each highlight still tells the copy: where it is (``location``), when it
was made (``highlighted_at``, to the second), and most of its text. For such a read,
:class:`~excerpta.store.unify.SameAcrossSources` asks :class:`EditedCopies`:

* :meth:`~EditedCopies.document_of`: for a document the library holds under no id of this read
  and by no name, the library's document holding an exact copy of one of its highlights (the
  same text, ``highlighted_at`` and location), when that is one document only;
* :meth:`~EditedCopies.copies_of`: for a highlight whose id the library does not hold (nor as
  an alias, nor by another rule), the one live highlight of its document the read does not
  list, at the same location (same kind and number; without one, made at the same
  ``highlighted_at``), whose text is mostly the same (:data:`SAME_TEXT` of difflib's ratio; a
  typo fixed: 0.98). Several such: none, a new highlight as before. Each stored highlight is
  taken once per merge. :meth:`~EditedCopies.in_place` does it for a document held from the
  read's source alone, which no other rule of :mod:`.unify` looks into.

A highlight whose text was rewritten beyond that stays a new highlight (and the old one stays:
an export that no longer lists a highlight never deletes it). Cost: for a document not found
otherwise, one pass over the library's dated highlights, once per merge; for a document with
highlights not found by id, one pass over its rows.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Collection
from difflib import SequenceMatcher

from excerpta.identity import normalize_text
from excerpta.model import Document, Highlight

SAME_TEXT = 0.75  # difflib ratio from which a text at the same place is the same one edited

_Moment = tuple[str, str, bytes]  # highlighted_at, location (JSON), digest of the normalized text
# A document's stored highlights (id, normalized text) by place: (location type, location), and
# (highlighted_at,) for those without a location.
_Places = dict[tuple[object, ...], list[tuple[str, str]]]


class EditedCopies:
    """The library's copies of a read's edited highlights and books, inside the caller's
    transaction on ``db``; see the module docstring."""

    def __init__(self, db: sqlite3.Connection, active: bool) -> None:
        """``active``: the read's reader declares ``Reader.edited_copies``; else every method
        finds nothing, and costs nothing."""
        self._db, self.active = db, active
        self._moments: dict[_Moment, set[str]] | None = None  # exact copies -> their documents
        self._claimed: set[str] = set()  # stored highlights matched in this merge

    def document_of(self, document: Document) -> str | None:
        """The id of the library's document holding an exact copy of a highlight of
        ``document``, when one document does; else None."""
        if not self.active:
            return None
        keys = [key for highlight in document.highlights if (key := _moment(highlight)) is not None]
        if not keys:
            return None
        if self._moments is None:
            self._moments = {}
            for document_id, when, location, text in self._db.execute(
                    "SELECT document_id, json_extract(data, '$.highlighted_at'), "
                    "json_extract(data, '$.location'), json_extract(data, '$.text') FROM highlights "
                    "WHERE json_extract(data, '$.highlighted_at') IS NOT NULL "
                    "AND NOT json_extract(data, '$.is_deleted')"):
                self._moments.setdefault((when, json.dumps(location), _digest(text)), set()).add(document_id)
        found = set().union(*(self._moments.get(key, ()) for key in keys))
        return found.pop() if len(found) == 1 else None

    def in_place(self, document: Document) -> tuple[Document, dict[str, str]]:
        """``document``, which the library holds from this read's source alone, with each
        highlight whose id the library does not hold under the id of the one it is an edited
        copy of (merged by id, it replaces that copy, as a highlight read again does), and
        those ids (the library's -> the read's)."""
        if not self.active:
            return document, {}
        listed = [highlight.id for highlight in document.highlights]
        held = {row[0] for row in self._db.execute(
            "SELECT id FROM highlights WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(listed),))}
        unknown = [highlight for highlight in document.highlights if highlight.id not in held]
        ids = {highlight.id: stored for highlight, stored in zip(
            unknown, self.copies_of(document.id, unknown, listed), strict=True) if stored is not None}
        if not ids:
            return document, {}
        return document.model_copy(update={"highlights": [
            highlight.model_copy(update={"id": ids[highlight.id]}) if highlight.id in ids else highlight
            for highlight in document.highlights]}), {stored: own for own, stored in ids.items()}

    def copies_of(self, document_id: str, highlights: list[Highlight],
                  listed: Collection[str]) -> list[str | None]:
        """For each of ``highlights``, the id of the library's highlight of ``document_id``
        it is an edited copy of (none of the ids in ``listed``, those the read gives this
        document), taken for this merge; None where there is none, or several."""
        if not self.active or not highlights:
            return [None] * len(highlights)
        listed = set(listed)  # (a read's list: looked up once per stored row)
        at: _Places = {}
        for stored_id, text, kind, location, when in self._db.execute(
                "SELECT id, json_extract(data, '$.text'), json_extract(data, '$.location_type'), "
                "json_extract(data, '$.location'), json_extract(data, '$.highlighted_at') FROM highlights "
                "WHERE document_id = ? AND NOT json_extract(data, '$.is_deleted')", (document_id,)):
            if stored_id not in listed:
                pair = (stored_id, normalize_text(text))
                if location is not None:
                    at.setdefault((kind, location), []).append(pair)
                if when is not None:
                    at.setdefault((when,), []).append(pair)
        return [self._copy_in(at, highlight) for highlight in highlights]

    def _copy_in(self, at: _Places, highlight: Highlight) -> str | None:
        if highlight.is_deleted:
            return None
        place = (_value(highlight.location_type), highlight.location) if highlight.location is not None \
            else (_serialized(highlight),)
        text = normalize_text(highlight.text)
        found = [stored_id for stored_id, stored_text in at.get(place, ())
                 if stored_id not in self._claimed
                 and SequenceMatcher(None, stored_text, text).ratio() >= SAME_TEXT]
        if len(found) != 1:
            return None
        self._claimed.add(found[0])
        return found[0]


def _moment(highlight: Highlight) -> _Moment | None:
    if highlight.highlighted_at is None or highlight.is_deleted:
        return None
    return _serialized(highlight), json.dumps(highlight.location), _digest(highlight.text)


def _serialized(highlight: Highlight) -> str | None:
    """``highlighted_at`` as the library keeps it (the model's JSON)."""
    return highlight.model_dump(mode="json", include={"highlighted_at"})["highlighted_at"]


def _digest(text: str | None) -> bytes:
    return hashlib.blake2b(normalize_text(text).encode("utf-8", "surrogatepass"), digest_size=12).digest()


def _value(kind: object) -> object:
    return getattr(kind, "value", kind)
