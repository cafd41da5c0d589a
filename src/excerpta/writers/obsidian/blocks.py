"""A highlights region's lines as parts: the blocks of highlights, and every other line.

A part is a list-item block (a top-level item and the lines after it up to a heading, a
comment line, the next item or a blank line, but for a blank line before an indented line: a
highlight's next paragraph, see :func:`item_end`); or the lines of a block excerpta wrote as a quote,
a callout or a paragraph (a template's choice), still as written; or any other single line.
See :mod:`.highlights_region` for what a re-sync does with them.
"""

from __future__ import annotations

import re

from excerpta.writers.obsidian.region import block_ids, digest_matches

BLOCK_START = re.compile(r"[-*+](?:[ \t]|$)")  # a top-level list item
# The one definition of a list item's next paragraph: after a blank line, a line indented by
# ITEM_INDENT spaces (what variable_text.continued writes for a highlight's text, the summary…).
ITEM_INDENT = 2
ITEM_PARAGRAPH = re.compile(" " * ITEM_INDENT + r"(?! )\S")  # the item's own text goes on
# A line continuing a list item after a blank line: its own next paragraph, or one of a
# sub-item's (indented more), or a tab's (as Markdown reads them).
_INDENTED = re.compile(f"(?:{' ' * ITEM_INDENT}|\t)")
_BLANK_EDGES = re.compile(r"\A(?:[^\S\n]*\n)+|(?:\n[^\S\n]*)+\Z")


def split_parts(lines: list[str], written: dict[str, str] | None = None) -> tuple[list[str], dict[str, int]]:
    """``lines`` as parts, and the part holding each block id. A part is a list-item block; or
    the lines of a block we wrote as a quote, a callout or a paragraph (a template's choice),
    still as written (its digest is in ``written``); or any other single line."""
    parts: list[str] = []
    where: dict[str, int] = {}
    index = 0
    while index < len(lines):
        end = index + 1
        if BLOCK_START.match(lines[index]):
            end = item_end(lines, index)
        elif written and (paragraph_end := _written_paragraph(lines, index, written)) is not None:
            end = paragraph_end
        part = "\n".join(lines[index:end])
        where |= dict.fromkeys(block_ids(part), len(parts))
        parts.append(part)
        index = end
    return parts, where


def item_end(lines: list[str], index: int) -> int:
    """Where the list item starting at ``index`` ends: at a heading, a comment line, the next
    top-level item, or a blank line not followed by an indented line. An indented line after
    blank lines continues the item (as Markdown reads it: a highlight's or a note's next
    paragraph, a loose list item)."""
    end = index + 1
    while end < len(lines):
        if not ends_block(lines[end]):
            end += 1
            continue
        after = end
        while after < len(lines) and not lines[after].strip():
            after += 1
        if after in (end, len(lines)) or not _INDENTED.match(lines[after]) or ends_block(lines[after]):
            break
        end = after
    return end


def _written_paragraph(lines: list[str], index: int, written: dict[str, str]) -> int | None:
    """If the paragraph line at ``index`` starts a block we wrote, still as written, where that
    block ends. The writer puts a block id at the end of a block's first paragraph; more
    paragraphs of the same block may follow it (a note under a quote), up to the next block,
    heading or comment."""
    end = index
    while end < len(lines) and not ends_block(lines[end]):
        end += 1
        ids = block_ids(lines[end - 1])
        if not ids:
            continue
        ident = next(iter(ids))
        if len(ids) > 1 or ident not in written:
            return None
        while True:
            if lines[end - 1].strip() and digest_matches("\n".join(lines[index:end]), written[ident]):
                return end
            if end == len(lines) or _ends_region_block(lines[end]):
                return None
            end += 1
    return None


def _ends_region_block(line: str) -> bool:
    # What a block of several paragraphs cannot run into: another block, a heading, a comment
    # (a blank line it can).
    return bool(block_ids(line)) or (bool(line.strip()) and ends_block(line))


def ends_block(line: str) -> bool:
    """Whether ``line`` cannot continue a block: blank, a heading, a list item or a comment."""
    return not line.strip() or line.startswith("#") or bool(BLOCK_START.match(line)) or (
        line.lstrip().startswith("%%"))


def as_part(block: str) -> str:
    """A rendered ``block`` as :func:`split_parts` reads it back from a note: without the
    whitespace-only lines a template may put at either end (each is a part of its own, so
    writing them with the block again would add them once more on every merge)."""
    if block[:1].isspace() or block[-1:].isspace():
        return _BLANK_EDGES.sub("", block)
    return block
