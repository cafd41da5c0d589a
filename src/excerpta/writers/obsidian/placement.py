"""Where the new highlights go in a hand-edited highlights region.

The rules are in :mod:`.highlights_region`'s docstring: a new block goes right after the block
of the highlight before it in reading order (the order of the live highlights, see
:func:`excerpta.ordering.reading_order`), or before the first block, under its chapter's heading when the
note has it. The blocks already in the note stay where they are, and they may not be where a
fresh render would put them: reading order keeps a highlight without a numeric location (or
with another kind of location: a page is not a Kindle location) at its place in the list, and
a highlight added later can change which places the others hold. So:

* a new highlight with a numeric location goes after the block of the one before it with the
  same kind of location and before the block of the one after it (when the note has those two
  in that order), so each kind stays in location order;
* a new highlight that comes before every block goes above the chapter heading over the first
  block too, unless it is in that chapter;
* a block is never split: a new block goes before the first or after the last line of the
  paragraph holding a block (a quote, a callout), so a callout the user edited, or a line they
  added to one of ours without a blank line, stays whole.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from excerpta.writers.obsidian.blocks import BLOCK_START, ends_block
from excerpta.writers.obsidian.render import is_chapter_end

Slot = tuple[int, int]  # (part index, 0: before it / 1: after it); slots sort in note order


class _Layout:
    """The parts of a region, where blocks start and end, and its chapter headings."""

    def __init__(self, parts: list[str], block_parts: set[int], headings: Iterable[str]) -> None:
        self.parts = parts
        self.block_parts = block_parts
        self.headings = {heading.strip() for heading in headings}
        self._heading_at: dict[str, list[int]] = {}  # the parts holding each heading
        for index, part in enumerate(parts):
            if part.strip() in self.headings:
                self._heading_at.setdefault(part.strip(), []).append(index)

    def before(self, index: int) -> Slot:
        """Where a block goes right before the block in part ``index``: before the lines of the
        user's running into it (its paragraph, a callout), up to a blank line, a heading, a
        comment or another block."""
        if not BLOCK_START.match(self.parts[index]):  # a list item starts where it is
            while index > 0 and self._continues(index - 1):
                index -= 1
        return index, 0

    def after(self, index: int) -> Slot:
        """Where a block goes right after the block in part ``index``: after its paragraph; but
        lines running from it into the next block with no blank line, heading or comment
        between are that block's (see :meth:`before`): right after the block itself."""
        end = index
        while end + 1 < len(self.parts) and self._continues(end + 1):
            end += 1
        claimed = end + 1 in self.block_parts and not BLOCK_START.match(self.parts[end + 1])
        return (index if claimed else end), 1

    def _continues(self, index: int) -> bool:
        # A line of the user's in the paragraph around a block: it runs into the block.
        return index not in self.block_parts and not ends_block(self.parts[index])

    def under(self, heading: str, after: Slot | None) -> Slot | None:
        """Where the first block of ``heading``'s chapter goes: before the chapter's first
        block, or right under its heading; None: the note has no such heading. Of several such
        headings, the first after ``after`` (the slot after the block before), else the first;
        but an empty heading (it ends a chapter, see :mod:`.render`) is only looked for after
        ``after``: one above ends another chapter."""
        found = self._heading_at.get(heading.strip(), [])
        later = [index for index in found if after is None or (index, 0) > after]
        at = later[0] if later else found[0] if found and not is_chapter_end(heading) else None
        if at is None:
            return None
        for index in range(at + 1, len(self.parts)):
            if self.parts[index].lstrip().startswith("#"):
                break  # the next heading: the chapter has no block left
            if index in self.block_parts:
                return self.before(index)
        return at, 1

    def first(self, chapter: str | None) -> Slot | None:
        """Where a block that comes before every block goes: before the first block, above the
        chapter heading over it unless that is ``chapter`` (the block's own chapter heading);
        None: the note has no block."""
        if not self.block_parts:
            return None
        index, _ = self.before(min(self.block_parts))
        above = index - 1
        while above >= 0 and not self.parts[above].strip():
            above -= 1
        heading = self.parts[above].strip() if above >= 0 else ""
        if heading in self.headings and heading != (chapter or "").strip():
            return above, 0
        return index, 0


def with_new(parts: list[str], where: dict[str, int], order: Sequence[str],
             new: list[tuple[str, str]], headings: dict[str, str],
             located: dict[str, Hashable]) -> str:
    """The body of ``parts`` with the ``new`` blocks placed (see the module docstring).

    ``where`` is the part holding each block id, ``order`` the block id of every live
    highlight (and every block kept, see :mod:`.unlisted`) in reading order, ``headings`` the
    chapter heading rendered above a block and ``located`` the kind of location of each
    highlight with a numeric one, by block id.
    """
    if not new:
        return "\n".join(parts)
    adding = dict(new)
    layout = _Layout(parts, set(where.values()), headings.values())
    following = _next_of_kind(order, where, located, layout)
    slots: dict[Slot, list[str]] = {}  # what goes in each slot, in order
    at_end: list[str] = []  # the note has no block at all
    slot: Slot | None = None  # where a block after the last live highlight met goes
    last_of_kind: dict[Hashable, Slot] = {}  # likewise, per kind of location
    chapter: str | None = None  # the heading of the chapter of the last live highlight met
    for ident in order:
        chapter = headings.get(ident, chapter)
        if ident not in adding:
            if ident in where:
                slot = layout.after(where[ident])
                if ident in located:
                    last_of_kind[located[ident]] = slot
            continue
        insert, heading = [adding[ident]], headings.get(ident)
        target = None if heading is None else layout.under(heading, slot)
        if target is None:
            insert = [adding[ident]] if heading is None else [heading, adding[ident]]
            target = slot if slot is not None else layout.first(chapter)
            if target is not None and ident in located:
                target = _in_location_order(target, last_of_kind.get(located[ident]), following.get(ident))
        if target is None:
            at_end.extend(insert)
        else:
            slots.setdefault(target, []).extend(insert)
            if ident in located:
                last_of_kind[located[ident]] = target
        slot = target
    out: list[str] = []
    apart = False
    for index, part in enumerate(parts):
        above = slots.get((index, 0), ())
        apart = _place(out, above, apart)
        # A heading is set apart from a block put right above it.
        apart = _place(out, [part], apart or (bool(above) and part.startswith("#")), inserted=False)
        apart = _place(out, slots.get((index, 1), ()), apart)
    if at_end:  # after the note's last line of text
        while out and not out[-1].strip():
            out.pop()
        _place(out, at_end, False)
        out.extend(["", ""])
    return "\n".join(out)


def _next_of_kind(order: Sequence[str], where: dict[str, int], located: dict[str, Hashable],
                  layout: _Layout) -> dict[str, Slot]:
    """For each located highlight not in the note, the slot right before the block of the next
    live highlight with the same kind of location that is in the note."""
    nearest: dict[Hashable, Slot] = {}
    following: dict[str, Slot] = {}
    for ident in reversed(order):
        if ident not in located:
            continue
        kind = located[ident]
        if ident in where:
            nearest[kind] = layout.before(where[ident])
        elif kind in nearest:
            following[ident] = nearest[kind]
    return following


def _in_location_order(target: Slot, lower: Slot | None, upper: Slot | None) -> Slot:
    """``target`` moved to lie at or after ``lower`` and at or before ``upper``, unless the note
    has those two the other way round (the user moved a block): then it stays."""
    if lower is not None and upper is not None and lower > upper:
        return target
    if lower is not None and target < lower:
        target = lower
    if upper is not None and target > upper:
        target = upper
    return target


def _place(out: list[str], items: Iterable[str], apart: bool, *, inserted: bool = True) -> bool:
    """Append ``items`` to ``out``: an inserted block ending with ``\\n`` (its template sets it
    apart, see :class:`.render.RenderedNote`) gets a blank line on either side. ``apart``: the
    last of ``out`` wants a blank line after it; returns whether the last of ``items`` does."""
    for item in items:
        spaced = inserted and item.endswith("\n")
        item = item[:-1] if spaced else item
        after_text = bool(out) and bool(out[-1].rsplit("\n", 1)[-1].strip())
        if inserted and out and not after_text:
            item = item.lstrip("\n")  # a heading's own blank line above: there is one already
        if (apart or spaced) and after_text and item.split("\n", 1)[0].strip():
            out.append("")
        out.append(item)
        apart = spaced
    return apart
