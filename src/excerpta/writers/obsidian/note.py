"""Whole notes: a new note, a re-synced note, an adopted Readwise-plugin note.

Pure text in, text out; the writer (:mod:`.writer`) decides which applies and hands the
result to the output sink. ``messages`` tell the user what was held back and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from excerpta.model import Document
from excerpta.writers.obsidian.adoption import adopt_body, holds_regions
from excerpta.writers.obsidian.frontmatter import (
    as_written,
    dump_properties,
    owned_lists,
    split_note,
)
from excerpta.writers.obsidian.highlights_region import block_digests, update_highlights
from excerpta.writers.obsidian.property_merge import merge_properties
from excerpta.writers.obsidian.region import (
    Policy,
    block_ids,
    find_regions,
    in_line_endings,
    line_ending,
    replace_regions,
    update_header,
)
from excerpta.writers.obsidian.render import NoteRenderer, location_kinds
from excerpta.writers.obsidian.unlisted import placement, places_of, unlisted


@dataclass(frozen=True)
class NoteMemo:
    """What excerpta remembers about a note it wrote (in the state, as ``OutputRecord.memo``):
    the list properties it wrote (see :func:`.property_merge.merge_properties`) and the digest of
    each highlight block as written (see :func:`.region.update_highlights`). None: unknown.
    ``deleted``: the note was found deleted by the user when its document was at this source
    (:meth:`.writer.ObsidianWriter.source_hash`, no context); a note written since has none.
    ``places``: where the highlight of each block sits, for one with a numeric location (see
    :func:`.unlisted.places_of`), so a new highlight goes in reading order among blocks a later
    library may not list. ``not_from_library`` (``"kept"`` in the JSON): written from a
    persistent library (``--state``), the block ids the note showed that this library did not
    list, kept (see :func:`merge_note`); None: not written from one (no ``--state``, or an
    older excerpta), so no block is known to be from it."""

    owned: dict[str, list[Any]] | None = None
    blocks: dict[str, str] | None = None
    header: str | None = None  # the header region's body as last rendered (a merge's base)
    deleted: str | None = None
    places: dict[str, list[Any]] | None = None
    not_from_library: list[str] | None = None

    def from_library(self) -> set[str]:
        """The block ids excerpta wrote from the persistent library this memo was kept in."""
        if self.not_from_library is None or self.blocks is None:
            return set()
        return set(self.blocks) - set(self.not_from_library)

    def to_json(self) -> str:
        """The memo as JSON (dates as ISO strings)."""
        data: dict[str, Any] = {"owned": self.owned, "blocks": self.blocks, "header": self.header}
        if self.deleted is not None:  # only then: the memo of every other note stays as it was
            data["deleted"] = self.deleted
        if self.places:
            data["places"] = self.places
        if self.not_from_library is not None:
            data["kept"] = self.not_from_library  # (the key of the memos written before the name)
        return json.dumps(data, ensure_ascii=False, default=lambda value: str(as_written(value)),
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> NoteMemo:
        """The memo in ``text``; what is missing or unreadable is unknown."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        owned, blocks, header, deleted, places, kept = (
            data.get(name) for name in ("owned", "blocks", "header", "deleted", "places", "kept"))
        return cls(owned if isinstance(owned, dict) else None, blocks if isinstance(blocks, dict) else None,
                   header if isinstance(header, str) else None, deleted if isinstance(deleted, str) else None,
                   places if isinstance(places, dict) else None,
                   kept if isinstance(kept, list) and all(isinstance(ident, str) for ident in kept) else None)


@dataclass
class NoteText:
    """The text to write (None: leave the note alone), what to tell the user about it, and
    what to remember about it for the next merge. ``held``: part of the document could not go
    into the note (its markers or front matter are broken), so the note does not show it."""

    text: str | None
    messages: list[str] = field(default_factory=list)
    memo: NoteMemo = field(default_factory=NoteMemo)
    held: bool = False


def new_note(document: Document, renderer: NoteRenderer, *,
             persistent_library: bool = True) -> tuple[str, NoteMemo]:
    """The complete text of a note for ``document`` that does not exist yet, and its memo
    (``persistent_library``: see :func:`merge_note`)."""
    rendered = renderer.render(document)
    return (rendered.text(dump_properties(rendered.properties)),
            NoteMemo(owned_lists(rendered.properties), block_digests(rendered.blocks), rendered.header_body,
                     places=places_of(document.highlights, rendered.blocks),
                     not_from_library=[] if persistent_library else None))


def merge_note(existing: str, document: Document, renderer: NoteRenderer, *, policy: Policy,
               keep_struck: bool, previous: NoteMemo | None = None,
               persistent_library: bool = True) -> NoteText:
    """``existing`` (a note excerpta wrote, perhaps edited since) re-synced with ``document``.

    Text outside the managed regions is kept byte for byte; each region is updated under
    ``policy`` (see :mod:`.region`). ``keep_struck``: deleted highlights already in the note
    stay, struck through, instead of being removed. ``previous``: the memo of our last write.
    ``persistent_library``: ``document`` comes from a library of everything ever read; if not
    (this run's inputs only), a highlight the note shows that ``document`` does not list is
    kept (see :mod:`.unlisted`), but by ``overwrite``, which re-renders exactly the library.
    If so, such a highlight moved to another document, and leaves the note, only when
    ``previous`` (this state's memo) says excerpta wrote its block from this library
    (:meth:`NoteMemo.from_library`); one the note showed before this state wrote it (runs
    without ``--state`` kept it, or another state wrote the note) is kept as well.
    """
    previous = previous or NoteMemo()
    split = split_note(existing)
    regions = find_regions(split.body)
    if not regions:
        return NoteText(None, ["excerpta's region markers were removed; note left as it is (put them "
                               "back, or delete the note and run once with --recreate-deleted)"],
                        previous, held=True)
    highlights = regions.get("highlights")
    present = block_ids(highlights.body) if highlights is not None else set()
    rendered = renderer.render(document, strike=present if keep_struck else ())
    messages: list[str] = []
    updates: dict[str, str] = {}
    header = regions.get("header")
    header_base = previous.header
    if header is None:
        messages.append("header markers removed; header not updated")
    else:
        update = update_header(header, rendered.header_body, policy, previous.header)
        updates["header"] = update.text
        messages += [update.message] if update.message else []
        header_base = rendered.header_body if update.applied else previous.header
    written, places, not_from_library = previous.blocks, previous.places, previous.not_from_library
    if highlights is None:
        messages.append("highlights markers removed; highlights not updated")
    else:
        kept_unlisted = unlisted(document, present | set(previous.blocks or ()))
        if persistent_library:
            kept_unlisted -= previous.from_library()
        order, located = None, None
        if kept_unlisted & present:  # new highlights go in reading order among those kept
            order, located = placement(document, rendered.live_blocks, kept_unlisted & present,
                                       previous.places or {})
        update = update_highlights(highlights, rendered.highlights_body, rendered.blocks,
                                   rendered.live_blocks, policy, previous.blocks, rendered.headings,
                                   location_kinds(document.highlights) if located is None else located,
                                   unlisted=kept_unlisted, order=order, persistent_library=persistent_library)
        updates["highlights"] = update.text
        messages += [update.message] if update.message else []
        written = update.written
        places = {ident: place for ident, place in (previous.places or {}).items()
                  if ident in kept_unlisted and ident in written} | places_of(document.highlights, written)
        # What this library wrote is from it, a block it keeps may be from before it.
        not_from_library = sorted(kept_unlisted & set(written)) if persistent_library else None
    front = merge_properties(split, rendered.properties, renderer.managed_properties, previous.owned)
    messages += [front.message] if front.message else []
    return NoteText(front.text + replace_regions(split.body, regions, updates), messages,
                    NoteMemo(owned_lists(rendered.properties), written, header_base, places=places,
                             not_from_library=not_from_library),
                    held=header is None or highlights is None or front.message is not None)


def adopt_note(existing: str, document: Document, renderer: NoteRenderer, *,
               persistent_library: bool = True) -> NoteText:
    """``existing`` (a note written by the Readwise plugin) taken over for ``document``: its
    plugin lines become our managed regions, every other line is kept, and what excerpta
    writes takes the note's line ending (see :mod:`.adoption`; ``persistent_library``: see
    :func:`merge_note`). A note holding excerpta's region markers is excerpta's, its
    ``excerpta-id`` removed (a copy made the user's, as a warning of ours advises): never
    adopted, it is left as it is (``text`` None, ``held``) and said, for the user to decide."""
    split = split_note(existing)
    if holds_regions(split.body):
        return NoteText(None, [f"excerpta's note without its excerpta-id; left as it is (yours): put back "
                               f"'excerpta-id: {document.id}' in its properties to have it updated"],
                        held=True)
    rendered = renderer.render(document)
    body, replaced = adopt_body(split.body, document, rendered.header_body, rendered.highlights_body,
                                rendered.blocks)
    messages = ["adopted a note written by the Readwise plugin"]
    if replaced:  # perhaps the user's words, or a note edited in Readwise since the plugin wrote it
        messages.append(f"{replaced} highlight(s) showed an older Note:/Tags: line than Readwise's: "
                        f"Readwise's current one shown, the older line kept below the highlights")
    front = merge_properties(split, rendered.properties, renderer.managed_properties)
    messages += [front.message] if front.message else []
    memo = NoteMemo(owned_lists(rendered.properties), block_digests(rendered.blocks), rendered.header_body,
                    places=places_of(document.highlights, rendered.blocks),
                    not_from_library=[] if persistent_library else None)
    return NoteText(in_line_endings(front.text, line_ending(existing)) + body, messages, memo,
                    held=front.message is not None)
