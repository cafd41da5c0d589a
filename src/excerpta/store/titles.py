"""What a document's name says of which book it is, for :mod:`excerpta.store.unify`: the
identity key of a title and author, the main titles a title may also be shown as, an index of
the library's documents by both, the evidence that two documents of related titles are one
book (a passage they share), and which source's name a document held from several keeps.

A title's main titles (:func:`main_titles`) are the title without a trailing parenthesised
part (``Dune (Dune Chronicles Book 1)``) and the part before its first subtitle separator
(``": "``, ``" - "``, ``" – "``, ``" — "``): ``Sapiens: A Brief History of Humankind`` is also
shown as ``Sapiens`` (a Readwise note whose template keeps only the heading, another edition).
Such a title says less than the book is: two documents of related titles are one only where
they share a passage (:func:`shares_a_passage`); ``The Lord of the Rings`` and ``The Lord of
the Rings: The Two Towers`` with none in common stay two books.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from excerpta.identity import normalize_text, same_passage
from excerpta.model import Document, Highlight, PlaceholderDocument
from excerpta.store.positions import Positions

_WORD = re.compile(r"\w+")
# A name's words keep the "+" and "#" that follow them: "C++ Primer Plus" and "C Primer Plus"
# (or "C# in Depth" and "C in Depth") by one author are two books, not one spelt two ways.
_NAME_WORD = re.compile(r"\w+[+#]*")
_SUBTITLE = re.compile(r":\s|\s[-–—]\s")
_TRAILING_PART = re.compile(r"\s*\([^()]*\)\s*$")
EVIDENCE_WORDS = 3  # a passage of fewer words ("Love.") says nothing of which book it is in
NAMING_FIELDS = ("title", "author")  # what the source that names a joined document gives
Key = tuple[str, str]
# The word that joins names ("Pride and Prejudice", "Heath, Chip and Heath, Dan"), folded:
# left out of a name's words, as "&" is (no word), so "Pride & Prejudice" is the same title
# (a Kindle's title line as the store changed it).
_NAME_JOINERS = frozenset({"and", "und", "et"})


def identity_key(title: str | None, author: str | None) -> Key | None:
    """The title's words in order and the author's in any, folded, without the word that
    joins names (``and``: ``&`` is none); None without a title."""
    words = _words(title)
    if not words:
        return None
    return " ".join(words), " ".join(author_words(author))


def main_titles(title: str | None) -> list[str]:
    """The shorter titles ``title`` may also be shown as (folded): without its trailing
    parenthesised part, then the part before its first subtitle separator; none that has no
    word or the same words as the title."""
    full = normalize_text(title)  # NFKC: full-width parentheses and colons are ASCII ones
    words = _form_words(full)
    forms: list[str] = []
    shorter = _TRAILING_PART.sub("", full)
    for form in (shorter, _SUBTITLE.split(shorter, maxsplit=1)[0]):
        found = _form_words(form)
        if found and found != words and form not in forms:
            forms.append(form)
    return forms


def is_main_title_of(short: str | None, title: str | None) -> bool:
    """Whether ``short`` has the words of one of ``title``'s main titles."""
    words = _words(short)
    return any(_form_words(form) == words for form in main_titles(title))


class TitleIndex:
    """Documents by identity key and by the keys of their main titles (the same author)."""

    def __init__(self) -> None:
        self._same: dict[Key, list[str]] = {}
        self._main: dict[Key, list[str]] = {}
        self._titled: dict[str, list[Key]] = {}  # by title words: (id, author words)

    def add(self, document_id: str, title: str | None, author: str | None) -> None:
        """Index ``document_id`` (in the order added) under its name."""
        key = identity_key(title, author)
        if key is None:
            return
        self._same.setdefault(key, []).append(document_id)
        self._titled.setdefault(key[0], []).append((document_id, key[1]))
        for form in main_titles(title):
            self._main.setdefault((" ".join(_form_words(form)), key[1]), []).append(document_id)

    def same(self, key: Key) -> list[str]:
        """The documents of identity key ``key``."""
        return self._same.get(key, [])

    def titled(self, title: str | None) -> list[Key]:
        """The documents of ``title`` (its words, folded), whatever their author: each id with
        its author's words ("" without an author)."""
        key = identity_key(title, None)
        return [] if key is None else self._titled.get(key[0], [])

    def related(self, title: str | None, author: str | None) -> list[str]:
        """The documents of the same author whose main title ``title`` is, or whose title is
        one of ``title``'s main titles; none without an author."""
        key = identity_key(title, author)
        if key is None or not key[1]:
            return []
        found = list(self._main.get(key, ()))
        for form in main_titles(title):
            found += self._same.get((" ".join(_form_words(form)), key[1]), ())
        return list(dict.fromkeys(found))


def shares_a_passage(stored: Iterable[tuple[Any, ...]], highlights: Iterable[Highlight]) -> bool:
    """Whether one of ``highlights`` is of the same passage (:func:`same_passage`, of at least
    :data:`EVIDENCE_WORDS` words) as one of the ``stored`` (rows of text, location type, start,
    end): the same text anywhere, or a passage containing the other at an overlapping location.

    Not :class:`~excerpta.store.candidates.Candidates`, on purpose: that finds which stored
    highlight a copy *is* (the same text elsewhere in a book is another highlight, each taken
    once, never two of one source's), while here any shared passage is evidence of one book,
    wherever each edition puts it."""
    texts: list[str] = []
    places = []
    for text, kind, start, end in stored:
        folded = normalize_text(text)
        if len(_WORD.findall(folded)) >= EVIDENCE_WORDS:
            places.append((kind, start, end, len(texts)))
            texts.append(folded)
    known, positions = set(texts), Positions(places)
    for highlight in highlights:
        text = normalize_text(highlight.text)
        if len(_WORD.findall(text)) < EVIDENCE_WORDS:
            continue
        if text in known:
            return True
        if highlight.location is not None and any(
                same_passage(texts[number], text) for _, _, number in positions.near(
                    highlight.location_type, highlight.location, highlight.end_location)):
            return True
    return False


def names_kept(incoming: Document, stored: dict[str, Any], names_itself: bool,
               others_name_themselves: bool) -> dict[str, Any]:
    """Of the :data:`NAMING_FIELDS` of a document the library holds from several sources, the
    stored values (``stored``) that stay over ``incoming``'s (empty: the incoming ones win).

    A source that names its documents itself (``names_itself``, ``others_name_themselves``:
    the incoming's source, one of the document's other sources, gives ids as ``readwise-123``)
    gives the names over one that derives its ids (Kindle, a CSV, a Readwise note): its user
    edits titles and authors there. Among equals the later read wins where it says more: the
    same words (an author's in any order) or a title that is only one of the stored title's
    main titles leave the stored name (reading two sources in turn never flips it). An empty
    value, or a placeholder's, never replaces a stored one."""
    if isinstance(incoming, PlaceholderDocument) or (others_name_themselves and not names_itself):
        return {name: stored.get(name) for name in NAMING_FIELDS}
    equals = others_name_themselves == names_itself
    kept = {}
    for name in NAMING_FIELDS:
        value, held = getattr(incoming, name), stored.get(name)
        if held and (not value or (equals and _says_no_more(name, value, held))):
            kept[name] = held
    return kept


def _says_no_more(name: str, value: Any, stored: Any) -> bool:
    if name == "title":
        return _words(value) == _words(stored) or is_main_title_of(value, stored)
    if name == "author":
        return author_words(value) == author_words(stored)
    return bool(value == stored)


def _words(text: str | None) -> list[str]:
    return _form_words(normalize_text(text))


def _form_words(folded: str) -> list[str]:
    """The words of a name already folded (:func:`~excerpta.identity.normalize_text`), but
    the word that joins names."""
    return [word for word in _NAME_WORD.findall(folded) if word not in _NAME_JOINERS]


def author_words(author: str | None) -> list[str]:
    """The words of ``author`` in sorted order, without the word that joins names: Kindle
    writes ``Heath, Chip; Heath, Dan`` where Readwise writes ``Chip Heath and Dan Heath``."""
    return sorted(_words(author))
