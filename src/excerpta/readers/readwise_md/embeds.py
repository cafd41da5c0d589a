"""Highlights our obsidian writer gave notes of their own (its ``atomic`` option).

The document's note then shows such a highlight as an embed,
``- ![[Books/Walden/I went to the woods…#^hl-…]] ^hl-…``, and its text, note and tags are in
the embedded note, inside that note's highlights region. The embed's path starts at the
writer's output folder, which holds the document's note, so the target is looked for as
``<path>.md`` in the note's folder, then in each folder above it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path, PurePosixPath

from excerpta.readers.readwise_md.note_layout import region_highlights
from excerpta.readers.readwise_md.note_parts import BLOCK_ID, HighlightBlock

log = logging.getLogger(__name__)

EMBED = re.compile(r"^!\[\[(?P<target>[^\]#|]+)#\^(?P<block>hl-[A-Za-z0-9-]+)\]\]"
                   r"(?:\s+\^(?P=block))?\s*$")


def is_embed(block: HighlightBlock) -> bool:
    """Whether ``block`` is only an embed of one of our highlight blocks."""
    return len(block.text_lines) == 1 and EMBED.match(block.text_lines[0].strip()) is not None


def embedded(note: Path, block: HighlightBlock) -> HighlightBlock | None:
    """The block that ``block`` (an embed, see :func:`is_embed`, in the note at ``note``)
    shows, with ``block``'s chapter; None (logged) if that note or block cannot be found."""
    match = EMBED.match(block.text_lines[0].strip())
    if match is None:
        return None
    target, ident = match.group("target").strip(), match.group("block")
    parts = PurePosixPath(target).parts
    if not parts or target.startswith(("/", "\\")) or ".." in parts or ":" in target:
        log.warning("%s: the embed of %s leaves the folder; highlight left out", note, target)
        return None  # our writer never writes such a path: do not read whatever it names
    for folder in (note.parent, *note.parent.parents):
        path = folder / f"{target}.md"
        if path.is_file():
            break
    else:
        log.warning("%s: the note %s.md it embeds a highlight of is not found; highlight left out",
                    note, target)
        return None
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as err:
        log.warning("%s: cannot read %s (%s); highlight left out", note, path, err)
        return None
    for candidate in region_highlights(text):
        if any((found := BLOCK_ID.search(line)) and found.group("block") == ident
               for line in candidate.text_lines):
            candidate.chapter = block.chapter
            return candidate
    log.warning("%s: %s has no highlight ^%s; highlight left out", note, path, ident)
    return None
