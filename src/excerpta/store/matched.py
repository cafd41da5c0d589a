"""What matching an incoming document with the library's gives (:class:`Matched`, of
:class:`~excerpta.store.unify.SameAcrossSources` and :class:`~excerpta.store.aliased.AliasedIds`),
and the names a document joined with another source's keeps (:func:`joined_names`)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from excerpta.model import Document
from excerpta.store.aliases_table import sources_of
from excerpta.store.candidates import source_of
from excerpta.store.titles import NAMING_FIELDS, names_kept


def joined_names(db: sqlite3.Connection, target: str, document: Document) -> dict[str, Any]:
    """Of the naming fields of ``document``, another source's copy of the library's document
    ``target``, the stored values that stay (:func:`~excerpta.store.titles.names_kept`)."""
    stored = db.execute("SELECT " + ", ".join(f"json_extract(data, '$.{name}')" for name in NAMING_FIELDS)
                        + " FROM documents WHERE id = ?", (target,)).fetchone()
    source = source_of(document.id)
    others = sources_of(db, target) - {source}
    return names_kept(document, dict(zip(NAMING_FIELDS, stored, strict=True)), source is not None,
                      any(other is not None for other in others))


@dataclass(frozen=True)
class Matched:
    """What matching made of an incoming document: the document to merge; ``renamed``, the
    library's id -> the incoming one, of each id it changed; ``unified``: the library holds
    the document from several sources."""

    document: Document
    renamed: dict[str, str]
    unified: bool
