"""Where the new highlights go in a hand-edited highlights region (the rules are in
:mod:`.highlights_region`'s docstring)."""

from __future__ import annotations

from collections.abc import Iterable


def with_new(parts: list[str], where: dict[str, int], live: list[tuple[str, str]],
              new: list[tuple[str, str]], headings: dict[str, str]) -> str:
    """The body of ``parts`` with the ``new`` blocks placed (see the module docstring)."""
    if not new:
        return "\n".join(parts)
    adding = dict(new)
    block_parts = set(where.values())
    # (part index, 0: before it / 1: after it) -> what goes there, in order.
    slots: dict[tuple[int, int], list[str]] = {}
    at_end: list[str] = []  # the note has no block at all
    slot: tuple[int, int] | None = None  # where the last live highlight met is, or was put
    for ident, _ in live:
        if ident not in adding:
            slot = (where[ident], 1) if ident in where else slot
            continue
        insert, target = [adding[ident]], slot
        heading = headings.get(ident)
        if heading is not None:
            under = next((i for i, part in enumerate(parts) if part.strip() == heading.strip()), None)
            if under is None:
                insert = [heading, adding[ident]]
            else:  # before the chapter's first block, or right under its heading
                target = (under, 1)
                for index in range(under + 1, len(parts)):
                    if parts[index].lstrip().startswith("#"):
                        break  # the next heading: the chapter has no block left
                    if index in block_parts:
                        target = (index, 0)
                        break
        if target is None and block_parts:
            target = (min(block_parts), 0)
        if target is None:
            at_end.extend(insert)
        else:
            slots.setdefault(target, []).extend(insert)
        slot = target
    out: list[str] = []
    apart = False
    for index, part in enumerate(parts):
        apart = _place(out, slots.get((index, 0), ()), apart)
        apart = _place(out, [part], apart, inserted=False)
        apart = _place(out, slots.get((index, 1), ()), apart)
    if at_end:  # after the note's last line of text
        while out and not out[-1].strip():
            out.pop()
        _place(out, at_end, False)
        out.extend(["", ""])
    return "\n".join(out)


def _place(out: list[str], items: Iterable[str], apart: bool, *, inserted: bool = True) -> bool:
    """Append ``items`` to ``out``: an inserted block ending with ``\\n`` (its template sets it
    apart, see :class:`.render.RenderedNote`) gets a blank line on either side. ``apart``: the
    last of ``out`` wants a blank line after it; returns whether the last of ``items`` does."""
    for item in items:
        spaced = inserted and item.endswith("\n")
        item = item[:-1] if spaced else item
        after_text = bool(out) and bool(out[-1].rsplit("\n", 1)[-1].strip())
        if (apart or spaced) and after_text and item.split("\n", 1)[0].strip():
            out.append("")
        out.append(item)
        apart = spaced
    return apart
