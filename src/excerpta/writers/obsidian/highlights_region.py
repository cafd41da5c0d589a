"""The highlights region on re-sync: re-rendered, merged block by block, or added to.

A *block* is one highlight as written: a top-level list item and every line after it up to a
heading, a comment line, the next top-level item or a blank line not followed by an indented
line (a highlight of several paragraphs is one loose list item) (or, for a template that
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

A new highlight goes right after the block of the highlight before it in the document's
reading order (the Kindle plugin's neighbour rule), or before the first block when none before
it is in the note (above the chapter heading over that block, unless it is in that chapter),
so a note stays in reading order; one with a numeric location stays in location order among
those with the same kind of location (:mod:`.placement`). One that opens a chapter goes under
that chapter's heading when the note has it (before the chapter's first block), else after its
neighbour with the heading above it. A new block never goes inside another one (a callout the
user edited stays whole). A block whose template ends with a blank line (a quote, a callout)
gets a blank line on either side, so it does not run into its neighbours.
"""

from __future__ import annotations

from excerpta.model import LocationType
from excerpta.writers.obsidian.blocks import as_part, split_parts
from excerpta.writers.obsidian.merge3 import same_but_link_targets
from excerpta.writers.obsidian.placement import with_new
from excerpta.writers.obsidian.region import (
    Policy,
    Region,
    RegionUpdate,
    block_ids,
    kept_region,
    region_digest,
    render_region,
)


def block_digests(blocks: dict[str, str]) -> dict[str, str]:
    """The digest of each rendered block, by block id (as :func:`.region.region_digest` reads text)."""
    return {ident: region_digest(block) for ident, block in blocks.items()}


def update_highlights(region: Region, fresh_body: str, blocks: dict[str, str],
                      live: list[tuple[str, str]], policy: Policy,
                      written: dict[str, str] | None = None,
                      headings: dict[str, str] | None = None,
                      located: dict[str, LocationType | None] | None = None) -> RegionUpdate:
    """The highlights region after a re-sync under ``policy`` (see the module docstring).

    ``fresh_body`` is the region rendered from the library now, ``blocks`` its blocks by id
    and ``live`` the ``(block id, block)`` of every live highlight in document order;
    ``written`` is the digest of each block as we last wrote it (None: not known);
    ``headings`` the chapter heading rendered right above a block, by block id; ``located``
    the kind of location of each highlight with a numeric one, by block id.
    """
    headings = headings or {}
    if policy != "append-only" and region.holds(fresh_body):
        # Nothing changed upstream: not even re-rendered (see region.Region.holds).
        return RegionUpdate(region.text, written=block_digests(blocks))
    if policy == "overwrite" or (policy == "merge" and region.pristine):
        return RegionUpdate(render_region(region.name, fresh_body), written=block_digests(blocks))
    parts, where = split_parts(region.lines_body.split("\n"), written)
    if policy == "merge" and written is not None:
        return _merge(region, parts, blocks, live, written, headings, located or {})
    known = written or {}
    new = [(ident, block) for ident, block in live if ident not in where and ident not in known]
    if not new:
        text = kept_region(region)
    else:  # a region as written stays so, with the new blocks in it
        body = with_new(parts, where, live, new, headings, located or {})
        text = render_region(region.name, body) if region.pristine else kept_region(region, body)
    remembered = {**known, **block_digests(dict(new))}
    if policy == "merge" and new:
        return RegionUpdate(text, f"highlights edited by hand; {len(new)} new highlight(s) "
                                  "added, nothing else changed", remembered)
    return RegionUpdate(text, written=remembered)


def _merge(region: Region, parts: list[str], blocks: dict[str, str], live: list[tuple[str, str]],
           written: dict[str, str], headings: dict[str, str],
           located: dict[str, LocationType | None]) -> RegionUpdate:
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
            fresh = as_part(blocks[ident])
            part, updated = fresh, updated + (fresh != part)  # ours to update
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
    return RegionUpdate(kept_region(region, with_new(out, where, live, new, headings, located)), message,
                        remembered)
