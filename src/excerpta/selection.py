"""Which documents of the library go to an output: ``--tag``, ``--skip-tag``, ``--category``.

A selection narrows what a writer is given, nothing else: the library keeps every document,
and a document left out is not "deleted" anywhere. Writers never remove what they are not
given (an Obsidian note of a document left out is not touched, Anki keeps its cards); a
single-file output (JSON, CSV, a deck) holds the selected documents only.

Tags are the document's own (Readwise's document tags), compared without case and without a
leading ``#``: ``--tag Obsidian`` selects a document tagged ``#obsidian``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from excerpta.errors import UserError
from excerpta.model import Category, Document


def _folded(tag: str) -> str:
    return tag.strip().lstrip("#").strip().casefold()


@dataclass(frozen=True)
class Selection:
    """Documents with one of ``tags`` (any, if empty), none of ``skip_tags``, and one of
    ``categories`` (any, if empty)."""

    tags: frozenset[str] = frozenset()
    skip_tags: frozenset[str] = frozenset()
    categories: frozenset[Category] = frozenset()

    @classmethod
    def of(cls, tags: Iterable[str] = (), skip_tags: Iterable[str] = (),
           categories: Iterable[str] = ()) -> Selection:
        """A selection from command-line values; raises UserError for an unknown category.
        A value may list several, comma-separated (``--category books,articles``)."""
        for flag, values in (("--tag", tags), ("--skip-tag", skip_tags), ("--category", categories)):
            if any(not _split([value]) for value in values):
                raise UserError(f"{flag}: expected a name, got nothing (an empty value selects nothing)")
        chosen = set()
        for name in _split(categories):
            try:
                chosen.add(Category(name.casefold()))
            except ValueError:
                known = ", ".join(category.value for category in Category)
                raise UserError(f"--category {name!r}: expected one of {known}") from None
        return cls(frozenset(_folded(tag) for tag in _split(tags)),
                   frozenset(_folded(tag) for tag in _split(skip_tags)), frozenset(chosen))

    def __str__(self) -> str:
        """The selection as options (``--tag philosophy --category books``)."""
        given = [("--tag", sorted(self.tags)), ("--skip-tag", sorted(self.skip_tags)),
                 ("--category", sorted(category.value for category in self.categories))]
        return " ".join(f"{flag} {','.join(values)}" for flag, values in given if values) or "everything"

    @property
    def everything(self) -> bool:
        """True if this selection leaves nothing out."""
        return not (self.tags or self.skip_tags or self.categories)

    def selects(self, document: Document) -> bool:
        """Whether ``document`` goes to the output."""
        if self.everything:
            return True
        if self.categories and document.category not in self.categories:
            return False
        if not (self.tags or self.skip_tags):
            return True
        tags = {_folded(tag) for tag in document.tags}
        return (not self.tags or not tags.isdisjoint(self.tags)) and tags.isdisjoint(self.skip_tags)


def _split(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
