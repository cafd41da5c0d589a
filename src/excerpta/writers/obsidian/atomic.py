"""Atomic notes: with the writer's ``atomic`` option every highlight also gets a note of its own.

The document's note stays where it is (``Books/Dune.md``) and shows each highlight by the embed
template (``- ![[Books/Dune/He who controls the spice#^hl-…]] ^hl-…``). The highlight's own
note goes in a folder named after the document's note (``Books/Dune/``): a header linking
back to the document's note, the highlight block with the same block id, and whatever the user
writes around them (the point of such notes).

To the writer a highlight's note is a note like any other, rendered from a one-highlight
document (:func:`highlight_document`) whose id is the highlight's block id: it is found again
by that ``excerpta-id`` after a rename or a move, merged without loss, and not re-created once
the user deleted it (the document's note then shows that highlight in full again). A
highlight deleted upstream loses its block in its note (or has it struck through), but the
note stays: the user may have written in it.
"""

from __future__ import annotations

import copy
import re
from datetime import tzinfo
from typing import Any

from excerpta.model import Document, Highlight
from excerpta.writers.obsidian.naming import NOTE_SUFFIX, block_id
from excerpta.writers.obsidian.render import NoteRenderer
from excerpta.writers.obsidian.templates import Verbatim
from excerpta.writers.obsidian.variables import document_variables, highlight_variables

# Obsidian: a link to a name holding "# | ^ : %% [[ ]]" may not work. Not ":", which only a
# Linux vault's names may hold, where links to them work.
_UNLINKABLE = re.compile(r"[#^\[\]|]|%%")


def highlight_document(document: Document, highlight: Highlight) -> Document:
    """The document a highlight's own note is rendered from: ``document`` with the highlight
    alone, and the highlight's block id (``hl-…``) for an id. Not the highlight's id: a Readwise
    book and a Readwise highlight may have the same number, hence the same id."""
    return document.model_copy(update={"id": block_id(highlight.id), "highlights": [highlight]})


def link_target(relative: str) -> Verbatim:
    """A note's path under the output folder as a wikilink target (no ``.md``), which templates
    write as it is (a path is not text from the source). Obsidian resolves such a path from the
    vault's root or, when the output folder is inside the vault, as the end of a path.

    ``""`` (no link) for a path holding ``# ^ [ ] |`` or ``%%``: Obsidian reads a ``#`` in a
    wikilink or a Markdown link as the start of a heading or block, ``|`` as the display text,
    ``]]`` as the link's end, and refuses to give a note such a name, as no link reaches it.
    excerpta never does either (:mod:`.naming`), but a user renaming a note outside Obsidian may:
    the document's note then shows that highlight in full, as when its note is deleted, and a
    highlight's note names its document without a link.
    """
    stem = _stem(relative)
    return Verbatim("" if _UNLINKABLE.search(stem) else stem)


def _stem(relative: str) -> str:
    return relative[: -len(NOTE_SUFFIX)] if relative.endswith(NOTE_SUFFIX) else relative


class HighlightNoteRenderer(NoteRenderer):
    """Renders the note of one highlight (a :func:`highlight_document`). Its templates see every
    document and highlight variable, plus ``document_link``: the document's note as a link
    target. Bound to one document's note with :meth:`beside`."""

    document_link: str = ""
    home: str = ""  # where new highlight notes of this document go
    zone: tzinfo | None = None  # the display zone of dates (None: this machine's)

    def beside(self, document_note: str) -> HighlightNoteRenderer:
        """This renderer for the highlights of the document whose note is at ``document_note``
        (relative path): their new notes go in a folder of that name."""
        bound = copy.copy(self)
        bound.document_link = link_target(document_note)
        bound.home = _stem(document_note)
        return bound

    def variables(self, document: Document) -> dict[str, Any]:
        variables = highlight_variables(document, document.highlights[0],
                                        document_variables(document, self.zone), zone=self.zone)
        variables["document_link"] = self.document_link
        return variables

    def folder(self, document: Document) -> str:
        return self.home
