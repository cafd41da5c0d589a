"""A three-way merge of lines, for a managed region the user edited by hand.

``base`` is what excerpta wrote last time, ``ours`` what it would write now, ``theirs`` what
the note holds. Each side's changes to ``base`` are found with :mod:`difflib`; when they touch
different lines both are applied (lines both insert at one place: ours first), and when they
change the same lines nothing is merged: the caller leaves the region as the user left it.
Lines a side replaced one for one are each a change of their own, so a line the other side
inserts between two of them merges; lines replaced by more or fewer lines stay one change (which
new line stands for which old one is not known), and a line inserted inside them is a clash.
Lines that differ only in where their wikilinks point count as the same change, and the
user's stands: Obsidian rewrites the links to a note the user renamed or moved, in its own
form (``[[Walden 2]]`` where excerpta writes ``[[Books/Walden 2]]``). Lines are compared in
excerpta's own list style (:func:`.list_style.canonical_lines`), without trailing whitespace:
a line a formatter restyled (``* Full Title:`` for ``- Full Title:``) is no change, and a line
neither side changed is merged as the user's side has it.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import NamedTuple

from excerpta.writers.obsidian.list_style import canonical_lines

_LINK_TARGET = re.compile(r"\[\[[^\]|#^]*")


class _Change(NamedTuple):
    start: int  # in base
    end: int  # in base; == start for an insertion
    lines: list[str]  # what replaces base[start:end]
    keys: list[str]  # those lines as compared (canonical_lines)


def _changes(base_keys: list[str], other: list[str]) -> tuple[list[_Change], list[tuple[int, int, int]]]:
    """``other``'s changes to the base (as compared: ``base_keys``), and the runs of lines it
    left as they were: ``(start in base, start in other, length)``."""
    other_keys = canonical_lines(other)
    matcher = SequenceMatcher(None, base_keys, other_keys, autojunk=False)
    changes: list[_Change] = []
    kept: list[tuple[int, int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept.append((i1, j1, i2 - i1))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            # Lines replaced one for one are changes of one line each: difflib groups adjacent
            # ones, and the other side's line inserted between two of them is no clash.
            changes += [_Change(i1 + k, i1 + k + 1, [other[j1 + k]], [other_keys[j1 + k]])
                        for k in range(i2 - i1)]
        else:
            changes.append(_Change(i1, i2, other[j1:j2], other_keys[j1:j2]))
    return changes, kept


def _clash(a: _Change, b: _Change) -> bool:
    if a == b:
        return False  # the same change on both sides
    if a.start == a.end and b.start == b.end:
        return False  # two insertions at one place: ours go first
    if a.start == a.end:
        return b.start < a.start < b.end  # an insertion inside the other's replaced lines
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def same_but_link_targets(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same text but for the targets of their wikilinks (and
    trailing whitespace)."""
    return _LINK_TARGET.sub("[[", a.rstrip()) == _LINK_TARGET.sub("[[", b.rstrip())


def _alike(a: _Change, b: _Change) -> bool:
    return (a.start, a.end) == (b.start, b.end) and len(a.keys) == len(b.keys) and all(
        same_but_link_targets(x, y) for x, y in zip(a.keys, b.keys, strict=True))


def merge_lines(base: list[str], ours: list[str], theirs: list[str]) -> list[str] | None:
    """``base`` with both sides' changes, or None if they change the same lines."""
    base_keys = canonical_lines(base)
    (mine, _), (yours, kept) = _changes(base_keys, ours), _changes(base_keys, theirs)
    mine = [a for a in mine if not any(_alike(a, b) for b in yours)]  # theirs stands
    if any(_clash(a, b) for a in mine for b in yours):
        return None
    # Same change made on both sides: apply it once. Applied from the end, so earlier
    # positions stay valid; at one position, insertions go before a replacement that starts
    # there, and our insertion before theirs.
    changes = [(change, 0) for change in mine] + [(change, 1) for change in yours if change not in mine]
    merged = list(base)
    for start, at, length in kept:  # as the user has them: restyled, trailing spaces and all
        merged[start:start + length] = theirs[at:at + length]
    for change, _ in sorted(changes, key=lambda c: (c[0].start, c[0].end > c[0].start, c[1]), reverse=True):
        merged[change.start:change.end] = change.lines
    return merged
