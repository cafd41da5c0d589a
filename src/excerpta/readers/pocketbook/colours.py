"""A PocketBook highlight colour named as other readers name colours.

The device names its colours with words: the ``bm.color`` tag of its database holds the word
(``yellow``, ``cian``), the notes export the class ``bm-color-<word>`` of each entry. ``cian``
is PocketBook's spelling of cyan; ``none`` (an uncoloured highlight, or a monochrome device's)
and ``note`` (the export's class of an uncoloured note or bookmark) are no colour. Any other
word is kept, lower-cased, as the device wrote it (a colour added by a later firmware).
"""

from __future__ import annotations

import re

NO_COLOUR = frozenset({"", "none", "note", "transparent"})
RENAMED = {"cian": "cyan"}
_WORD = re.compile(r"[a-z][a-z0-9_-]{0,31}")  # a colour word; anything else is no colour


def colour_name(value: str | None) -> str | None:
    """The colour the word ``value`` names (``cyan`` of ``cian``), or None for no colour: none
    given, ``none``/``note``, or no word at all (a damaged value)."""
    word = (value or "").strip().lower()
    if word in NO_COLOUR or not _WORD.fullmatch(word):
        return None
    return RENAMED.get(word, word)


def colour_of_classes(classes: list[str]) -> str | None:
    """The colour of an export entry by its classes (``bookmark bm-color-cian``: ``cyan``)."""
    for name in classes:
        if name.lower().startswith("bm-color-"):
            return colour_name(name[len("bm-color-"):])
    return None
