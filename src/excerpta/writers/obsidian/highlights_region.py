"""The highlights region on re-sync: re-rendered, merged block by block, or added to.

A *block* is one highlight as written: a top-level list item and every line after it up to a
blank line, a heading, a comment line or the next top-level item (or, for a template that
writes quotes, callouts or paragraphs, the lines of a paragraph up to the one with the block
id); it carries the highlight's block id (``^hl-…``). excerpta remembers the digest of each
block it wrote (``NoteMemo``):

* ``merge``, region as written: re-rendered whole;
* ``merge``, region edited by hand: each block still exactly as written is updated (or removed
  when its highlight was deleted upstream); every block or line the user changed or added is
  kept byte for byte; a block the user deleted is not put back. Without the digests (a note
  written by an older excerpta) nothing but new highlights is added;
* ``append-only``: only highlights never written to the note are added;
* ``overwrite``: re-rendered whole.

A new highlight goes right after the block of the highlight before it in the document (the
Kindle plugin's neighbour rule), or before the first block when none before it is in the note,
so a note stays in reading order. One that opens a chapter goes under that chapter's heading
when the note has it (before the chapter's first block), else after its neighbour with the
heading above it. A block whose template ends with a blank line (a quote, a callout) gets a
blank line on either side, so it does not run into its neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from excerpta.writers.obsidian.merge3 import same_but_link_targets
from excerpta.writers.obsidian.region import (
    Policy,
    Region,
    RegionUpdate,
    block_ids,
    kept_region,
    region_digest,
    render_region,
)

_BLOCK_START = re.compile(r"[-*+](?:[ \t]|$)")  # a top-level list item


def block_digests(blocks: dict[str, str]) -> dict[str, str]:
    """The digest of each rendered block, by block id (as :func:`.region.region_digest` reads text)."""
    return {ident: region_digest(block) for ident, block in blocks.items()}


def update_highlights(region: Region, fresh_body: str, blocks: dict[str, str],
                      live: list[tuple[str, str]], policy: Policy,
                      written: dict[str, str] | None = None,
                      headings: dict[str, str] | None = None) -> RegionUpdate:
    """The highlights region after a re-sync under ``policy`` (see the module docstring).

    ``fresh_body`` is the region rendered from the library now, ``blocks`` its blocks by id
    and ``live`` the ``(block id, block)`` of every live highlight in document order;
    ``written`` is the digest of each block as we last wrote it (None: not known);
    ``headings`` the chapter heading rendered right above a block, by block id.
    """
    headings = headings or {}
    if policy != "append-only" and region.holds(fresh_body):
        # Nothing changed upstream: not even re-rendered (see region.Region.holds).
        return RegionUpdate(region.text, written=block_digests(blocks))
    if policy == "overwrite" or (policy == "merge" and region.pristine):
        return RegionUpdate(render_region(region.name, fresh_body), written=block_digests(blocks))
    parts, where = _parts(region.lines_body.split("\n"), written)
    if policy == "merge" and written is not None:
        return _merge(region, parts, blocks, live, written, headings)
    known = written or {}
    new = [(ident, block) for ident, block in live if ident not in where and ident not in known]
    if not new:
        text = kept_region(region)
    else:  # a region as written stays so, with the new blocks in it
        body = _with_new(parts, where, live, new, headings)
        text = render_region(region.name, body) if region.pristine else kept_region(region, body)
    remembered = {**known, **block_digests(dict(new))}
    if policy == "merge" and new:
        return RegionUpdate(text, f"highlights edited by hand; {len(new)} new highlight(s) "
                                  "added, nothing else changed", remembered)
    return RegionUpdate(text, written=remembered)


def _merge(region: Region, parts: list[str], blocks: dict[str, str], live: list[tuple[str, str]],
           written: dict[str, str], headings: dict[str, str]) -> RegionUpdate:
    """A hand-edited region, block by block (see the module docstring)."""
    out: list[str] = []
    where: dict[str, int] = {}
    remembered: dict[str, str] = {}
    held = updated = removed = 0
    present: set[str] = set()
    for part in parts:
        ids = block_ids(part)
        present |= ids
        ident = next(iter(ids)) if len(ids) == 1 else None
        if ident is not None and written.get(ident) == region_digest(part):
            if ident not in blocks:
                removed += 1  # as we wrote it, deleted upstream
                continue
            part, updated = blocks[ident], updated + (blocks[ident] != part)  # ours to update
            remembered[ident] = region_digest(part)
        else:  # the user's (or no block): kept byte for byte
            remembered |= {found: written[found] for found in ids if found in written}
            # An upstream change to a highlight the user changed too: held back, say so (not
            # when the two differ only in link targets: Obsidian followed a renamed note).
            held += (ident in written and ident in blocks and region_digest(blocks[ident]) != written[ident]
                     and not same_but_link_targets(part, blocks[ident]))
        where |= dict.fromkeys(ids, len(out))
        out.append(part)
    # A block of ours the user deleted stays deleted.
    remembered |= {ident: digest for ident, digest in written.items()
                   if ident not in present and ident in blocks}
    new = [(ident, block) for ident, block in live if ident not in present and ident not in written]
    remembered |= block_digests(dict(new))
    message = None
    if updated or removed or new or held:  # else nothing upstream reached this note
        message = f"highlights edited by hand: {updated} updated, {removed} removed, {len(new)} added"
        message += f"; {held} you changed kept as you wrote them, not as changed upstream" if held else ""
    return RegionUpdate(kept_region(region, _with_new(out, where, live, new, headings)), message,
                        remembered)


def _parts(lines: list[str], written: dict[str, str] | None = None) -> tuple[list[str], dict[str, int]]:
    """``lines`` as parts, and the part holding each block id. A part is a list-item block; or
    the lines of a block we wrote as a quote, a callout or a paragraph (a template's choice),
    still as written (its digest is in ``written``); or any other single line."""
    parts: list[str] = []
    where: dict[str, int] = {}
    index = 0
    while index < len(lines):
        end = index + 1
        if _BLOCK_START.match(lines[index]):
            while end < len(lines) and not _ends_block(lines[end]):
                end += 1
        elif written and (paragraph_end := _written_paragraph(lines, index, written)) is not None:
            end = paragraph_end
        part = "\n".join(lines[index:end])
        where |= dict.fromkeys(block_ids(part), len(parts))
        parts.append(part)
        index = end
    return parts, where


def _written_paragraph(lines: list[str], index: int, written: dict[str, str]) -> int | None:
    """If the paragraph line at ``index`` starts a block we wrote, still as written, where that
    block ends. The writer puts a block id at the end of a block's first paragraph; more
    paragraphs of the same block may follow it (a note under a quote), up to the next block,
    heading or comment."""
    end = index
    while end < len(lines) and not _ends_block(lines[end]):
        end += 1
        ids = block_ids(lines[end - 1])
        if not ids:
            continue
        ident = next(iter(ids))
        if len(ids) > 1 or ident not in written:
            return None
        while True:
            if lines[end - 1].strip() and region_digest("\n".join(lines[index:end])) == written[ident]:
                return end
            if end == len(lines) or _ends_region_block(lines[end]):
                return None
            end += 1
    return None


def _ends_region_block(line: str) -> bool:
    # What a block of several paragraphs cannot run into: another block, a heading, a comment
    # (a blank line it can).
    return bool(block_ids(line)) or (bool(line.strip()) and _ends_block(line))


def _ends_block(line: str) -> bool:
    return not line.strip() or line.startswith("#") or bool(_BLOCK_START.match(line)) or (
        line.lstrip().startswith("%%"))


def _with_new(parts: list[str], where: dict[str, int], live: list[tuple[str, str]],
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
