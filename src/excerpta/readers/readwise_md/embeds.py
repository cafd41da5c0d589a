"""Highlights our obsidian writer gave notes of their own (its ``atomic`` option).

The document's note then shows such a highlight as an embed,
``- ![[Books/Walden/I went to the woods…#^hl-…]] ^hl-…``, and its text, note and tags are in
the embedded note, inside that note's highlights region. The embed's path starts at the
writer's output folder, which holds the document's note, so the target is looked for as
``<path>.md`` in the note's folder, then in each folder above it; but only a target inside the
folder given as input is read (its links followed, the file it names too), so a note never
shows text from outside what the user asked to read. An output folder inside a vault read as
a whole, or read alone, or one of its category folders: the embeds resolve all the same.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path, PurePosixPath

from excerpta.readers.readwise_md.note_file import UnreadableNoteFile, read_note_file
from excerpta.readers.readwise_md.note_layout import region_highlights
from excerpta.readers.readwise_md.note_parts import BLOCK_ID, HighlightBlock

log = logging.getLogger(__name__)

EMBED = re.compile(r"^!\[\[(?P<target>[^\]#|]+)#\^(?P<block>hl-[A-Za-z0-9-]+)\]\]"
                   r"(?:\s+\^(?P=block))?\s*$")


def is_embed(block: HighlightBlock) -> bool:
    """Whether ``block`` is only an embed of one of our highlight blocks."""
    return len(block.text_lines) == 1 and EMBED.match(block.text_lines[0].strip()) is not None


def embedded(note: Path, block: HighlightBlock, root: Path) -> HighlightBlock | None:
    """The block that ``block`` (an embed, see :func:`is_embed`, in the note at ``note``)
    shows, with ``block``'s chapter, read from a note inside the folder ``root``; None (logged)
    if that note or block cannot be found there."""
    match = EMBED.match(block.text_lines[0].strip())
    if match is None:
        return None
    target, ident = match.group("target").strip(), match.group("block")
    parts = PurePosixPath(target).parts
    if not parts or target.startswith(("/", "\\")) or ".." in parts or ":" in target:
        log.warning("%s: the embed of %s leaves the folder; highlight left out", note, target)
        return None  # our writer never writes such a path: do not read whatever it names
    path = _inside(root, note, f"{target}.md")
    if path is None:
        log.warning("%s: the note %s.md it embeds a highlight of is not found in %s; highlight left out",
                    note, target, root)
        return None
    try:
        text = read_note_file(path).decode("utf-8-sig").replace("\r\n", "\n")
    except OSError as err:
        log.warning("%s: cannot read %s (%s); highlight left out", note, path, err.strerror or err)
        return None
    except (UnreadableNoteFile, UnicodeDecodeError) as err:
        log.warning("%s: cannot read %s (%s); highlight left out", note, path, err)
        return None
    for candidate in region_highlights(text):
        if any((found := BLOCK_ID.search(line)) and found.group("block") == ident
               for line in candidate.text_lines):
            candidate.chapter = block.chapter
            return candidate
    log.warning("%s: %s has no highlight ^%s; highlight left out", note, path, ident)
    return None


def _inside(root: Path, note: Path, name: str) -> Path | None:
    """The first file ``<folder>/<name>`` that is inside ``root`` (its links followed too), for
    the note's folder and each folder above it; None if there is none."""
    root = Path(os.path.abspath(root))
    real_root = Path(os.path.realpath(root))
    folder = Path(os.path.abspath(note.parent))
    for candidate in (folder / name for folder in (folder, *folder.parents)):
        if (candidate.is_relative_to(root) and candidate.is_file()
                and Path(os.path.realpath(candidate)).is_relative_to(real_root)):
            return candidate
    return None
