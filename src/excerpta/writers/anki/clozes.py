"""Cloze deletions already in a highlight's text, read the way Anki reads them.

Anki (2.1.56 and later; ``rslib/src/cloze.rs``) cuts a field at every opening ``{{c<digits>::``
and every closing ``}}``: a closing ends the innermost open cloze, so clozes nest
(``{{c1::outer {{c2::inner}} rest}}``); inside a cloze, the text after ``::`` is its hint.
:func:`parse_clozes` gives the same tree, with two differences that keep every card we write
well formed: an opening that is never closed, a closing with nothing open, and clozes nested
deeper than :data:`MAX_NESTING` are plain text (the writer then escapes their braces). As in
Anki, a number past 65535 does not open a cloze, and ``c0`` makes no card
(:func:`card_numbers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_NESTING = 16  # far past any real use; bounds the recursion of whoever renders the tree
MAX_NUMBER = 65535  # Anki reads the number as a 16-bit integer
_TOKEN = re.compile(r"\{\{c(?P<number>[0-9]+)::|\}\}")


@dataclass
class Cloze:
    """One cloze deletion: its number as written (``"1"`` of ``c1``), its content (text and
    nested clozes, in order) and its hint (``None`` without ``::``)."""

    number: str
    parts: list[str | Cloze] = field(default_factory=list)
    hint: str | None = None


def _paired_tokens(tokens: list[re.Match[str]]) -> set[int]:
    """Indexes of the openings and closings that pair up within :data:`MAX_NESTING` levels."""
    paired: set[int] = set()
    open_indexes: list[int] = []
    for index, token in enumerate(tokens):
        if token["number"] is not None:
            if int(token["number"]) <= MAX_NUMBER:
                open_indexes.append(index)
        elif open_indexes:
            # Pairs nest properly, so a pair's depth is how many were open around it.
            opening = open_indexes.pop()
            if len(open_indexes) < MAX_NESTING:
                paired.update((opening, index))
    return paired


def parse_clozes(text: str) -> list[str | Cloze]:
    """``text`` as a sequence of plain text runs and (possibly nested) clozes; see the module
    docstring. Joining the text runs of a text without clozes gives the text back."""
    if "}}" not in text:  # nothing closes: no cloze (most highlights)
        return [text] if text else []
    tokens = list(_TOKEN.finditer(text))
    paired = _paired_tokens(tokens)
    top: list[str | Cloze] = []
    open_clozes: list[Cloze] = []
    last = 0

    def add_text(run: str) -> None:
        if not open_clozes:
            if run:
                top.append(run)
            return
        content, separator, hint = run.partition("::")
        if separator:
            open_clozes[-1].hint = hint  # as in Anki, a later "::" in the same cloze wins
        if content:
            open_clozes[-1].parts.append(content)

    for index, token in enumerate(tokens):
        if index not in paired:
            continue  # stays inside the text run around it
        add_text(text[last:token.start()])
        last = token.end()
        if token["number"] is not None:
            open_clozes.append(Cloze(token["number"]))
        else:
            cloze = open_clozes.pop()
            (open_clozes[-1].parts if open_clozes else top).append(cloze)
    add_text(text[last:])
    return top


def cloze_plain_text(cloze: Cloze) -> str:
    """The text a cloze hides, nested clozes included, without syntax or hint."""
    return "".join(part if isinstance(part, str) else cloze_plain_text(part) for part in cloze.parts)


def card_numbers(parts: list[str | Cloze]) -> set[int]:
    """The numbers of the cards Anki makes for these clozes (nested ones too; ``c0`` none)."""
    numbers: set[int] = set()
    pending = [part for part in parts if isinstance(part, Cloze)]
    while pending:
        cloze = pending.pop()
        if int(cloze.number) > 0:
            numbers.add(int(cloze.number))
        pending.extend(part for part in cloze.parts if isinstance(part, Cloze))
    return numbers


def hidden_texts(field: str) -> tuple[tuple[str, int], ...]:
    """``(content, number)`` of each top-level cloze in a cloze note's Text ``field`` as stored
    (the content still escaped, as :mod:`.markup` wrote it), in order; ``c0`` and the like too."""
    return tuple((cloze_plain_text(part), int(part.number)) for part in parse_clozes(field)
                 if isinstance(part, Cloze))
