"""The highlights region on re-sync: re-rendered, merged block by block, or added to.

A *block* is one highlight as written: a top-level list item and every line after it up to a
heading, a comment line, the next top-level item or a blank line not followed by an indented
line (a highlight of several paragraphs is one loose list item) (or, for a template that
writes quotes, callouts or paragraphs, the lines of a paragraph up to the one with the block
id); it carries the highlight's block id (``^hl-…``). excerpta remembers the digest of each
block it wrote (``NoteMemo``):

* ``merge``, region as written: re-rendered whole, or, when it shows highlights kept as below
  (:mod:`.unlisted`), merged block by block, every block taken as written;
* ``merge``, region edited by hand: each block still as written is updated (or removed
  when its highlight was deleted upstream); every block or line the user changed or added is
  kept byte for byte; a block the user deleted is not put back. A block exactly as it would be
  written now is ours whatever the digests say (a run killed between writing the note and
  committing its digests wrote it), and follows upstream from then on. Without the digests (a note
  written by an older excerpta, or one this state has no record of) nothing but new
  highlights is added, but to a region as written: its list-item blocks are all ours, each
  taken as written as it is;
* ``merge``, a block of a highlight its document does not list at all (no tombstone) is kept as
  it is, region as written or not (:mod:`.unlisted`), and said once per note, when the library
  holds this run's inputs only (no ``--state``) or, with ``--state``, when this state did not
  write that block from its library (the note showed it before this state wrote the note); the
  other blocks as above;
* ``append-only``: only highlights never written to the note are added;
* ``overwrite``: re-rendered whole, exactly as the library has it (without ``--state``: this
  run's inputs).

"As written" is as excerpta wrote it but for line ends, trailing whitespace and list style (a
formatter's ``*`` bullets, ``-   `` spacing, tab indents: :mod:`.list_style`). Under ``merge``
a block updated keeps its own list style and a new one takes the note's (its first list
items'), so the formatter finds nothing to change back; ``overwrite`` writes excerpta's.

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

from collections.abc import Collection, Hashable, Sequence
from dataclasses import replace

from excerpta.writers.obsidian.blocks import BLOCK_START, as_part, split_parts
from excerpta.writers.obsidian.list_style import ListStyle, canonical_text
from excerpta.writers.obsidian.merge3 import same_but_link_targets
from excerpta.writers.obsidian.placement import with_new
from excerpta.writers.obsidian.region import (
    Policy,
    Region,
    RegionUpdate,
    block_ids,
    digest_matches,
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
                      located: dict[str, Hashable] | None = None,
                      unlisted: Collection[str] = (), order: Sequence[str] | None = None,
                      persistent_library: bool = False) -> RegionUpdate:
    """The highlights region after a re-sync under ``policy`` (see the module docstring).

    ``fresh_body`` is the region rendered from the library now, ``blocks`` its blocks by id
    and ``live`` the ``(block id, block)`` of every live highlight in reading order;
    ``written`` is the digest of each block as we last wrote it (None: not known);
    ``headings`` the chapter heading rendered right above a block, by block id; ``located``
    the kind of location of each highlight with a numeric one, by block id. ``unlisted``: the
    block ids (in the note or in ``written``) of highlights the library does not list at all,
    kept under ``merge`` (see :mod:`.unlisted`), said as not in this run's input, or, from a
    ``persistent_library``, as shown before this state wrote the note. ``order``: the block
    ids new highlights are placed among, in reading order (default: those of ``live``).
    """
    headings = headings or {}
    if policy != "append-only" and region.holds(fresh_body):
        # Nothing changed upstream: not even re-rendered (see region.Region.holds).
        return RegionUpdate(region.text, written=block_digests(blocks))
    shown = len(block_ids(region.body) & set(unlisted)) if unlisted else 0
    if policy == "overwrite":
        return RegionUpdate(render_region(region.name, fresh_body), written=block_digests(blocks))
    style = ListStyle.of(region.lines_body)
    if policy == "merge" and region.pristine and not shown:
        return RegionUpdate(render_region(region.name, _in_note_style(fresh_body, region, style)),
                            written=block_digests(blocks))
    if policy == "merge" and written is None and region.pristine:
        # Exactly as we wrote it, with blocks the library does not list: every block is ours,
        # so merged block by block (upstream edits and deletions apply, the unlisted stay).
        written = _as_written(region)
    parts, where = split_parts(region.lines_body.split("\n"), written)
    placing = [ident for ident, _ in live] if order is None else order
    if policy == "merge" and written is not None:
        update = _merge(region, parts, blocks, live, placing, written, headings, located or {}, set(unlisted),
                        style)
    else:
        update = _add_new(region, parts, where, live, placing, policy, written, headings, located or {},
                          style)
    if not shown or policy != "merge":
        return update
    said = f"{shown} highlight{'s' if shown > 1 else ''} " + (
        "its document does not list kept (in the note before this state wrote it)"
        if persistent_library else
        "not in this run's input kept (without --state the library holds only this run's inputs)")
    return replace(update, message="; ".join(filter(None, (update.message, said))))


def _as_written(region: Region) -> dict[str, str]:
    """The digest of each list-item block of ``region`` (one excerpta wrote and no one changed
    since) by block id, as the memo would have it. A block of a template writing quotes,
    callouts or paragraphs is not told from what follows it without its digest: left out
    (kept as it is)."""
    parts, _ = split_parts(region.lines_body.split("\n"))
    return {next(iter(ids)): region_digest(part) for part in parts
            if BLOCK_START.match(part) and len(ids := block_ids(part)) == 1}


def _add_new(region: Region, parts: list[str], where: dict[str, int], live: list[tuple[str, str]],
             placing: Sequence[str], policy: Policy, written: dict[str, str] | None,
             headings: dict[str, str], located: dict[str, Hashable], style: ListStyle) -> RegionUpdate:
    """``append-only``, or ``merge`` without the digests: the region with only the highlights
    never written to it added, in the note's list ``style`` (placed among ``placing``, see
    :func:`_merge`)."""
    known = written or {}
    new = [(ident, style.restyle(block)) for ident, block in live
           if ident not in where and ident not in known]
    if not new:
        text = kept_region(region)
    else:  # a region as written stays so, with the new blocks in it
        body = with_new(parts, where, placing, new, headings, located)
        text = render_region(region.name, body) if region.pristine else kept_region(region, body)
    remembered = {**known, **block_digests(dict(new))}
    if policy == "merge" and new:  # (a region as written goes to _merge under merge)
        return RegionUpdate(text, f"highlights edited by hand; {len(new)} new highlight(s) "
                                  "added, nothing else changed", remembered)
    return RegionUpdate(text, written=remembered)


def _merge(region: Region, parts: list[str], blocks: dict[str, str], live: list[tuple[str, str]],
           placing: Sequence[str], written: dict[str, str], headings: dict[str, str],
           located: dict[str, Hashable], unlisted: set[str], style: ListStyle) -> RegionUpdate:
    """A region block by block (see the module docstring): hand-edited, or as written but
    holding blocks of ``unlisted`` highlights, kept. ``placing``: the block ids of ``live`` and
    of the kept blocks, in reading order, to place new blocks among. A block updated keeps its
    list style, a new one takes the note's (``style``)."""
    out: list[str] = []
    where: dict[str, int] = {}
    remembered: dict[str, str] = {}
    held = updated = removed = 0
    present: set[str] = set()
    for part in parts:
        ids = block_ids(part)
        present |= ids
        ident = next(iter(ids)) if len(ids) == 1 else None
        if ident in written and ident not in unlisted and digest_matches(part, written[ident]):
            if ident not in blocks:
                removed += 1  # as we wrote it, deleted upstream
                continue
            fresh = _in_style_of(as_part(blocks[ident]), part, style)
            part, updated = fresh, updated + (fresh != part)  # ours to update
            remembered[ident] = region_digest(part)
        elif ident is not None and ident in blocks and region_digest(part) == region_digest(blocks[ident]):
            # As we would write it now, though the memo says otherwise: ours (a run killed after
            # writing the note, before its state kept the new digests, must not freeze the block
            # as the user's for good), or the user's change upstream made too: nothing to keep.
            remembered[ident] = region_digest(part)
        else:  # the user's (or no block): kept byte for byte
            remembered |= {found: written[found] for found in ids if found in written}
            # An upstream change to a highlight the user changed too: held back, say so (not
            # when the two differ only in link targets: Obsidian followed a renamed note).
            held += (ident in written and ident in blocks
                     and not digest_matches(blocks[ident], written[ident])
                     and not same_but_link_targets(canonical_text(part), canonical_text(blocks[ident])))
        where |= dict.fromkeys(ids, len(out))
        out.append(part)
    # A block of ours the user deleted stays deleted: one unlisted or deleted upstream too, as
    # it may come back (a book Readwise restores); one we removed was in the note, not this.
    remembered |= {ident: digest for ident, digest in written.items() if ident not in present}
    new = [(ident, style.restyle(block)) for ident, block in live
           if ident not in present and ident not in written]
    remembered |= block_digests(dict(new))
    body = with_new(out, where, placing, new, headings, located)
    if region.pristine:  # as written, kept blocks and all: it stays so, under a new hash
        return RegionUpdate(render_region(region.name, body), written=remembered)
    message = None
    if updated or removed or new or held:  # else nothing upstream reached this note
        message = f"highlights edited by hand: {updated} updated, {removed} removed, {len(new)} added"
        message += f"; {held} you changed kept as you wrote them, not as changed upstream" if held else ""
    return RegionUpdate(kept_region(region, body), message, remembered)


def _in_note_style(fresh_body: str, region: Region, style: ListStyle) -> str:
    """``fresh_body`` with each block in the list style of its block in ``region`` (see
    :func:`_in_style_of`), the other lines in the note's (``style``)."""
    parts, where = split_parts(region.lines_body.split("\n"))
    out: list[str] = []
    for fresh in split_parts(fresh_body.split("\n"))[0]:
        ids = block_ids(fresh)
        ident = next(iter(ids)) if len(ids) == 1 else None
        out.append(_in_style_of(fresh, parts[where[ident]] if ident is not None and ident in where else None,
                                style))
    return "\n".join(out)


def _in_style_of(fresh: str, part: str | None, style: ListStyle) -> str:
    """A block as excerpta renders it (``fresh``) in the list style of the block the note has
    (``part``; None: none), or the note's (``style``) where that shows none; ``part`` itself
    when it is ``fresh`` but for style, trailing whitespace and line ends."""
    if part is None:
        return style.restyle(fresh)
    if region_digest(part) == region_digest(fresh):
        return part
    return ListStyle.of(part).over(style).restyle(fresh)
