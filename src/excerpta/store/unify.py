"""One book from several sources: how a merge gives a document (and its highlights) that
another source gave first the library's id instead of making a second copy.

Each source names a document its own way: the Readwise API by its book id (``readwise-123``),
Kindle clippings, a Readwise CSV or a Readwise note by a hash of the title and author, or of
the URL when the source has one (:mod:`excerpta.identity`). So the same book read from
``My Clippings.txt`` and pulled from Readwise, or an article read from a Readwise CSV (no URL
column) and from its Readwise note (a URL), would be two documents and every highlight two
Anki cards. For a read whose reader derives its ids (``MergeRules.unify``; our own JSON's ids
are the library's, only its aliases looked up, :mod:`.aliased`), :class:`SameAcrossSources` matches:

* a copy of what excerpta sent (a Readwise book its writer made) with the library's document
  and highlights it was sent as, whatever was edited there since, before any rule below
  (:mod:`.sent_copies`); for a reader whose copies edited at their source get new ids (the
  Readwise CSV), a document found by no rule below with the one holding an exact copy of one
  of its highlights, and a highlight found by no id nor passage with the one it is an edited
  copy of (same place, most of its text: the passage rules skip a source's own copies),
  :mod:`.edited_copies`, in a document held from that source alone too;
* a document whose id the library does not hold with the stored document of the same
  identity key (title and author words, case, accents of width and punctuation folded, and
  the word ``and`` as ``&`` is, none; but not a word's trailing ``+`` or ``#``: ``C++`` is not
  ``C``; the author's words in any order:
  ``Thoreau, Henry David`` is ``Henry David Thoreau``), unless
  both come from the same source that names documents itself (two Readwise books are two
  books, even of one title) or both have URLs and they differ. One with the same URL is
  taken first; else a single candidate, and only with an author (``Notes`` by nobody is no
  book to join); several: none (two books of one title and author in the library already).
  Where the library holds none of that key, the same rules pick among the documents of the
  same author one of whose titles is the other's main title (:mod:`.titles`: ``Sapiens`` and
  ``Sapiens: A Brief History of Humankind``), and the one found is joined only if one of the
  incoming highlights is of the same passage as one of its live highlights
  (:func:`~excerpta.store.titles.shares_a_passage`): a volume and its series' title sharing
  none stay two books. A document without an author (a Kindle notebook of a personal
  document), or one whose title the library holds only without an author, joins the single
  document of its title, whatever its author, on the same evidence; never one of several
  (:class:`~excerpta.store.document_finder.DocumentFinder`);
* a document is held from several sources when it has an alias, or when the library holds it
  under the id the incoming copy has from another source (Kindle clippings, a Readwise CSV
  and a Readwise note spelling title and author alike derive one id; the source of each
  document is recorded, an alias of kind ``reader``; the Kindle's clippings and notebook are
  one source, the ids ``readwise-…`` name theirs whichever reader reads them; a document
  stored before sources were recorded counts as held from another). Two copies from one
  source are matched by id only, as any merge does: the sources that gave each highlight of
  such a document are recorded too (an alias of kind ``given``, ``"<source> <id>"``: Kindle
  clippings, a Readwise CSV and a Readwise note derive one id for one passage, so one
  highlight may have several; those held before a second source came are the first one's),
  and a source's next highlight of an overlapping passage is another highlight (not the
  Kindle's: its clippings and notebook may derive two ids for one highlight, and its second
  highlight of a passage is a re-save, :mod:`.resaves`). In a document held from several
  sources, first each incoming highlight the library holds under its id or an alias (one
  whose copy there another source extended is left to an incoming copy of that longer text,
  if any: then a new highlight, apart, :func:`~excerpta.store.candidates.apart_id`), then
  each other one with a stored highlight of that document not yet matched nor given by its
  source: of the same passage (:func:`~excerpta.identity.same_passage`, more than
  punctuation) at an overlapping location, or of the same text where the locations cannot be
  compared (one has none, or they count in other units); each stored highlight is matched
  once per merge, by the same text (at the same start first) before by passage, whatever the
  incoming order. A deleted one is matched too, so the copy settles with it and stays
  deleted (an old export, the clippings read after a Readwise deletion), unless the copy was
  highlighted after the deletion (its ``highlighted_at`` later than the deleted one's
  ``updated_at``, else ``highlighted_at``): the passage highlighted again is a new highlight
  (:class:`~excerpta.store.candidates.Candidates`).

A match is remembered (the ``aliases`` table, :mod:`.aliases_table`: the source's id -> the
library's), so the source's next read finds it by id, even after an edit of the text. Every
highlight of such a document is settled with its stored copy on each read, whichever source
reads it (:func:`settled`: the later copy wins), so a source read again with old copies never
undoes what another brought. The document keeps the library's id (Anki cards and note blocks
hang on it; an Obsidian note keeps its path when its title changes). Its title and author are
those of a source that names its documents itself (the Readwise API's, where its user edits
them) over those of one that derives its ids, else the later read's where it says more than
the stored (:func:`~excerpta.store.titles.names_kept`); its other fields merge as for any
read. A whole document deleted by one of its sources deletes the highlights that source gave
(its own ids and those aliased from them), not those another source gave.

Cost: linear in the highlights read and in those of the documents they join (8,000 on each
side of one book, first match: 0.4-0.6 s; 100,000 in 1,000 books: 7-10 s, read again: 2.5-3 s;
``benchmarks/unify_match.py``); recording the sources, one query per document.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from excerpta.model import Document, Highlight
from excerpta.store.aliases_table import (
    DOCUMENT,
    HIGHLIGHT,
    givers,
    is_unified,
    library_id,
    named_by,
    record_given,
    record_reader,
    remember,
)
from excerpta.store.candidates import (
    KINDLE,
    Candidates,
    again_after_deletion,
    again_id,
    apart_id,
    extended,
    rows_of,
    source_of,
)
from excerpta.store.copies import settled
from excerpta.store.document_finder import DocumentFinder
from excerpta.store.edited_copies import EditedCopies
from excerpta.store.matched import Matched, joined_names
from excerpta.store.sent_copies import sent_document, sent_highlight
from excerpta.store.state_file import StoredRows


class SameAcrossSources:
    """Matches incoming documents and highlights with those another source gave, inside the
    caller's transaction on ``db``; see the module docstring."""

    def __init__(self, db: sqlite3.Connection, rows: StoredRows, reader: str | None = None, *,
                 edited: bool = False) -> None:
        """``reader``: the name of the source the merged documents are read from (the
        Kindle's clippings and notebook, which :mod:`.resaves` matches, are one); None: not
        known, a document held under its id is matched only if it has an alias. ``edited``:
        the reader's copies edited at their source get new ids (``Reader.edited_copies``),
        found as :mod:`.edited_copies` says."""
        self._db, self._rows, self._reader, self._edits = db, rows, reader, EditedCopies(db, edited)
        self._documents = DocumentFinder(db)  # stored documents by name and URL
        self._claimed: set[str] = set()  # stored highlights matched in this merge

    def match(self, document: Document) -> Matched:
        """``document`` under the library's ids (the same object if it has them and holds no
        other source's), settled with what the library holds of it; see :class:`Matched`."""
        if self._held(document.id):
            elsewhere = self._read_elsewhere(document.id, document.id)
            if not (elsewhere or is_unified(self._db, document.id)):
                return Matched(*self._edits.in_place(document), unified=False)
            target, renamed = document.id, {}
        else:
            target = (library_id(self._db, DOCUMENT, document.id) or sent_document(self._db, document)
                      or self._documents.find(document) or self._edits.document_of(document))
            if target is None:
                self._documents.register(document)
                self._read_elsewhere(document.id, document.id)
                return Matched(document, {}, unified=False)
            self._read_elsewhere(target, document.id)
            renamed = {target: document.id}
        highlights = self._matched_highlights(target, document.highlights, renamed,
                                              source_of(document.id) or self._reader)
        update: dict[str, Any] = {"highlights": highlights, **joined_names(self._db, target, document)}
        if target != document.id:  # the library's id stays: cards and blocks hang on it
            update["id"] = target
        return Matched(document.model_copy(update=update), renamed, unified=True)

    def resolved(self, document_id: str) -> tuple[str, frozenset[str] | None]:
        """The library's id of a document a source deleted as a whole, and, for one held from
        several sources, the ids of the highlights that source gave (None: all of them)."""
        target = library_id(self._db, DOCUMENT, document_id) or document_id
        if not is_unified(self._db, target):
            return target, None
        return target, named_by(self._db, target, source_of(document_id))

    def _held(self, document_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is not None

    def _read_elsewhere(self, document_id: str, incoming_id: str) -> bool:
        """Whether the library holds ``document_id`` from another source than the one of this
        read's ``incoming_id`` too, or from one not recorded, recording this one
        (:func:`~excerpta.store.aliases_table.record_reader`): the source that names the
        incoming document (``readwise`` of ``readwise-123``, whichever reader reads it), else
        this read's reader. False where the reader is not known."""
        if self._reader is None:
            return False
        return record_reader(self._db, document_id, source_of(incoming_id) or self._reader)

    def _matched_highlights(self, target: str, highlights: list[Highlight], renamed: dict[str, str],
                            source: str | None) -> list[Highlight]:
        # First those the library knows by id or alias, so a passage read twice (a second
        # copy listed before the one matched last time) never takes another's stored id.
        own = [self._stored(highlight.id) for highlight in highlights]
        # Held under its id though another source extended it, it may have its own copy apart.
        apart = {number: self._stored(apart_id(highlight)) for number, highlight in enumerate(highlights)
                 if (stored := own[number]) is not None and extended(stored, highlight)}
        given = {h.id for number, h in enumerate(highlights) if apart.get(number) is None}
        known: dict[int, Highlight] = {}
        unknown: list[int] = []
        held: dict[int, Highlight] = {}  # by id or alias, though extended since
        for number, highlight in enumerate(highlights):
            stored = own[number]
            if stored is None:
                alias = library_id(self._db, HIGHLIGHT, highlight.id)
                sent = sent_highlight(self._db, highlight, target) if alias is None else None
                alias = alias or sent
                stored = None if alias is None or alias in given else self._stored(alias)
                if sent is not None and stored is not None:  # so its next read finds it by id
                    remember(self._db, HIGHLIGHT, highlight.id, sent)
            if stored is not None and again_after_deletion(stored, highlight):
                stored = self._stored(again := again_id(highlight))
                if stored is None:  # first read: a new highlight, under its own id
                    known[number] = highlight.model_copy(update={"id": again})
                    renamed[again] = highlight.id
                    continue
            if stored is not None and extended(stored, highlight) and apart.get(number) is None:
                held[number] = stored  # settled with it below, unless a copy of its text takes it
                continue
            stored = apart.get(number) or stored
            if stored is None:
                unknown.append(number)
            else:
                known[number] = settled(highlight, stored)
                if stored.id != highlight.id:
                    renamed[stored.id] = highlight.id
                    given.add(stored.id)
        taken: set[str | None] = set()
        held_ids = {stored.id for stored in held.values()}
        if unknown:
            # The Kindle's own copies of one highlight may have other ids (its clippings and its
            # notebook spell an author apart), and its second highlight of a passage is a
            # re-save (:mod:`.resaves`): any stored highlight may be its copy.
            candidates = Candidates(rows_of(self._db, target), (given - held_ids) | self._claimed,
                                    givers(self._db, target), None if source == KINDLE else source)
            found = candidates.take_all([highlights[number] for number in unknown], held_ids)
            taken.update(found)
            for number, stored_id in zip(unknown, found, strict=True):
                highlight = highlights[number]
                if stored_id is not None:
                    self._claimed.add(stored_id)
                    remember(self._db, HIGHLIGHT, highlight.id, stored_id)
                    renamed[stored_id] = highlight.id
                    known[number] = settled(highlight, self._stored(stored_id))  # type: ignore[arg-type]
        if unknown and self._edits.active:  # its own copy edited, which the passage rules skip
            self._edited(target, highlights, [n for n in unknown if n not in known], known, renamed,
                         given | held_ids | self._claimed)
        for number, stored in held.items():
            highlight = highlights[number]
            if stored.id in taken and own[number] is None:
                continue  # a new highlight, under its id
            # Taken: a new highlight, apart from the one its id holds; else still its id's copy.
            copy = highlight.model_copy(update={"id": apart_id(highlight)}) if stored.id in taken \
                else settled(highlight, stored)
            known[number] = copy
            if copy.id != highlight.id:
                renamed[copy.id] = highlight.id
        matched = [known.get(number, highlight) for number, highlight in enumerate(highlights)]
        if source is not None:  # so that its next copy of an overlapping passage is another highlight
            record_given(self._db, source, (h.id for h in matched))
        return matched

    def _edited(self, target: str, highlights: list[Highlight], unknown: list[int],
                known: dict[int, Highlight], renamed: dict[str, str], listed: set[str]) -> None:
        """Each of the ``unknown`` highlights that is an edited copy of one of the library's
        document ``target`` (:mod:`.edited_copies`), none of ``listed``, joins ``known``,
        settled with it as its source's later copy: its edit, which the source does not date
        (a CSV), dated now, so that another source's copy read again never undoes it."""
        found = self._edits.copies_of(target, [highlights[number] for number in unknown], listed)
        for number, stored_id in zip(unknown, found, strict=True):
            highlight = highlights[number]
            stored = None if stored_id is None else self._stored(stored_id)
            if stored is None:
                continue
            self._claimed.add(stored.id)
            remember(self._db, HIGHLIGHT, highlight.id, stored.id)  # so its next read finds it by id
            renamed[stored.id] = highlight.id
            copy = settled(highlight, stored, edited=True)
            if copy.text != stored.text and copy.updated_at is None:
                copy = copy.model_copy(update={"updated_at": datetime.now(UTC)})
            known[number] = copy

    def _stored(self, highlight_id: str) -> Highlight | None:
        row = self._db.execute("SELECT data FROM highlights WHERE id = ?", (highlight_id,)).fetchone()
        if row is None:
            return None
        return self._rows.model(Highlight, "highlights", highlight_id,
                                self._rows.fields("highlights", highlight_id, row[0]))
