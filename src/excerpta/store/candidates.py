"""Which stored highlights of a document an incoming highlight may be another copy of, for
:mod:`excerpta.store.unify`, and which source gave an id."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from excerpta.identity import highlight_id, normalize_text, ranges_overlap, same_passage, same_words
from excerpta.model import Highlight
from excerpta.store.copies import later
from excerpta.store.positions import Positions

_SOURCE = re.compile(r"^([a-z][a-z0-9]*)-")  # ``readwise-123``: an id a source gave
KINDLE = "kindle"  # the source of the Kindle's clippings and notebook (``MergeRules.reader``)


def source_of(identifier: str) -> str | None:
    """The source that gave ``identifier`` (``"readwise"`` for ``readwise-123``), None for a
    derived (hash) id."""
    found = _SOURCE.match(identifier)
    return found.group(1) if found else None


def rows_of(db: sqlite3.Connection, document_id: str) -> list[tuple[Any, ...]]:
    """The highlights of the library's document ``document_id``: id, text, location type,
    location, end and, of a deleted one, when (the ``rows`` of :class:`Candidates`)."""
    return db.execute(
        "SELECT id, json_extract(data, '$.text'), json_extract(data, '$.location_type'), "
        "json_extract(data, '$.location'), json_extract(data, '$.end_location'), "
        "CASE WHEN json_extract(data, '$.is_deleted') THEN coalesce(json_extract(data, '$.updated_at'), "
        "json_extract(data, '$.highlighted_at'), '') END FROM highlights WHERE document_id = ? "
        "ORDER BY rowid", (document_id,)).fetchall()


def extended(stored: Highlight, incoming: Highlight) -> bool:
    """Whether the live ``stored`` copy, held under ``incoming``'s id (or an alias of it), is
    the live ``incoming`` one's passage extended: another source (Readwise) made it longer.
    (Not one shortened: the Kindle's re-save of a shorter selection, :mod:`.resaves`.)"""
    stored_text, text = normalize_text(stored.text), normalize_text(incoming.text)
    return not (stored.is_deleted or incoming.is_deleted) and len(stored_text) > len(text) \
        and same_passage(stored_text, text)


def again_after_deletion(stored: Highlight, incoming: Highlight) -> bool:
    """Whether the live ``incoming`` copy of the deleted ``stored`` one was highlighted after
    the deletion (its ``updated_at``, else its ``highlighted_at``): the passage highlighted
    again, a new highlight (:func:`again_id`), though the source gives it the deleted one's id
    (a Kindle's: its book, place and text)."""
    return stored.is_deleted and not incoming.is_deleted and \
        later(incoming.highlighted_at, stored.updated_at or stored.highlighted_at)


def again_id(incoming: Highlight) -> str:
    """The id of ``incoming`` highlighted again after the deletion of the highlight its id
    names (:func:`again_after_deletion`): the same on every read of it."""
    moment = incoming.highlighted_at.isoformat() if incoming.highlighted_at is not None else ""
    return highlight_id(incoming.id, "highlighted again", moment)


def apart_id(incoming: Highlight) -> str:
    """The id of ``incoming``'s own copy where the stored one its id holds was extended
    (:func:`extended`) and a copy of that text took it (:mod:`.unify`): found there next."""
    return highlight_id(incoming.id, incoming.text)


class Candidates:
    """The stored highlights of a document an incoming highlight may be another copy of:
    found by exact text, or by position (:class:`~excerpta.store.positions.Positions`) and
    then passage. Each is taken at most once, by exact text before by passage
    (:meth:`take_all`).

    A deleted one is a candidate too, of its own text only (its copy, read again from another
    source, settles with it and stays deleted, see :func:`~excerpta.store.copies.settled`),
    except for a copy highlighted after it was deleted: the passage highlighted again, a new
    highlight. A deletion never takes a live highlight of a longer or shorter text either (the
    deletion of a shorter highlight of the passage is not the longer one's). Of several as
    fitting, a live one is taken first."""

    def __init__(self, rows: Iterable[tuple[Any, ...]], excluded: set[str],
                 givers: Iterable[tuple[str, str | None]], source: str | None = None) -> None:
        """``rows``: id, text, location type, start, end and, of a deleted highlight, when it
        was deleted (its ``updated_at``, else its ``highlighted_at``, as ISO text; "" if
        neither is known), None for a live one. ``givers``: stored highlight id, a source that
        gave it (besides the one its own id names); ``source``: the source of the incoming
        highlights whose ids name none (None: not known, or a source whose own copies of one
        highlight may have other ids, the Kindle's: any stored highlight may be theirs)."""
        # The sources that gave each stored highlight (its own id's, its aliases', those
        # recorded): another highlight of one of them is another highlight (two copies a source
        # lists itself, an overlapping passage highlighted twice).
        self._sources: dict[str, set[str | None]] = {}
        for row_id, giver in givers:
            self._sources.setdefault(row_id, {source_of(row_id)}).add(giver)
        self._source = source
        self._ids: list[str] = []
        self._texts: list[str] = []
        self._places: list[tuple[Any, Any, Any]] = []  # location type, start, end
        self._deleted: dict[int, datetime | None] = {}  # when each deleted one was, if known
        self._by_text: dict[str, list[int]] = {}
        for row_id, text, kind, start, end, deleted_at in rows:
            folded = normalize_text(text)
            if row_id in excluded or not folded:
                continue
            if deleted_at is not None:
                self._deleted[len(self._ids)] = _moment(deleted_at)
            self._by_text.setdefault(folded, []).append(len(self._ids))
            self._ids.append(row_id)
            self._texts.append(folded)
            self._places.append((kind, start, end))
        self._positions = Positions((kind, start, end, number)
                                    for number, (kind, start, end) in enumerate(self._places))
        self._taken: set[int] = set()

    def take_all(self, highlights: list[Highlight], held: Iterable[str] = ()) -> list[str | None]:
        """For each of ``highlights`` (one document's, in input order), the id of the stored
        copy it is, now taken; None where there is none. Every copy of the same text is taken
        before any of an overlapping passage, so a long highlight listed before a short one of
        the same start never takes the short one's stored copy from it. A deleted one is the
        copy of a stored highlight of its words only (:func:`~excerpta.identity.same_words`):
        its passage may be another's, longer or shorter, that stays. ``held``: stored ids
        another incoming copy holds by id though another source extended them
        (:func:`extended`): taken by a copy of their text only."""
        found: list[str | None] = [self.take(highlight, exact=True) for highlight in highlights]
        held_ids = set(held)  # the rest stay their holders' own copies, never another's by passage
        self._taken.update(number for number, row_id in enumerate(self._ids) if row_id in held_ids)
        return [stored if stored is not None else self.take(highlight)
                for stored, highlight in zip(found, highlights, strict=True)]

    def take(self, highlight: Highlight, exact: bool = False) -> str | None:
        """The id of the stored copy ``highlight`` is, now taken; None if there is none (of
        its text, if ``exact``)."""
        text, source = normalize_text(highlight.text), source_of(highlight.id) or self._source
        found = [number for number in self._by_text.get(text, ())
                 if self._free(number, source, highlight) and self._may_be_at(number, highlight)]
        if highlight.location is not None and not exact:
            found += [number for _, _, number in self._positions.near(
                          highlight.location_type, highlight.location, highlight.end_location)
                      if self._free(number, source, highlight) and self._passage_of(number, highlight, text)]
        if not found:
            return None
        best = min(found, key=lambda number: (self._texts[number] != text,
                                              self._places[number][1] != highlight.location,
                                              number in self._deleted, number))
        self._taken.add(best)
        return self._ids[best]

    def _free(self, number: int, source: str | None, highlight: Highlight) -> bool:
        if number in self._taken:
            return False
        if number in self._deleted and later(highlight.highlighted_at, self._deleted[number]):
            return False  # highlighted again after the deletion: a new highlight
        row_id = self._ids[number]
        return source is None or source not in self._sources.get(row_id, {source_of(row_id)})

    def _passage_of(self, number: int, highlight: Highlight, text: str) -> bool:
        # A deletion of a shorter highlight never deletes (nor shortens) a live longer one of
        # the same passage: where either copy is deleted, the two are one only as the same
        # selection (trailing punctuation aside: Readwise may add a period), else another
        # highlight each, and a later copy of the deleted one finds it by its text.
        if highlight.is_deleted or number in self._deleted:
            return same_words(self._texts[number], text)
        return same_passage(self._texts[number], text)

    def _may_be_at(self, number: int, highlight: Highlight) -> bool:
        # The same text elsewhere in the book (a passage highlighted twice) is another
        # highlight, where the two locations can be compared.
        kind, start, end = self._places[number]
        if kind != highlight.location_type or start is None or highlight.location is None:
            return True
        return ranges_overlap(highlight.location, highlight.end_location, start, end)


def _moment(text: str) -> datetime | None:
    # A stored row's time, as the model wrote it; an unreadable one is no known time.
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
