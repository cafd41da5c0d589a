"""Highlights a template wrote as quotes or callouts instead of bullets.

Readwise's plugin lets users paste their own highlight template, and many write each highlight
as a quote (``> text ([Location 12](…))``) or a callout (``> [!quote]`` then ``> text``), with
the note on a later line of it (``> **Note:** …``, ``> - Note: …``) and a blank line between
highlights; our obsidian writer does the same with such a template, putting the block id at
the end of the quote's first paragraph (which may be its note line). A highlights section
holding no bullet is read this way: one highlight per quote. Where bullets are found, quotes
beside them are the user's and are not read (see ``note_layout.parse_note_body``).

Inside a quote, a ``>`` line with nothing else is a paragraph break; a line without ``>``
right after a quote line continues it, as Markdown reads such a "lazy" line (our writer
indents a text's further lines by two spaces, which are dropped).
"""

from __future__ import annotations

import re

from excerpta.readers.readwise_md.note_parts import BLOCK_ID, LIST_ITEM, HighlightBlock

QUOTE_LINE = re.compile(r"^ {0,3}> ?(?P<text>.*)$")
CALLOUT_HEAD = re.compile(r"^\[![^\]\s]+\][+-]?(?:\s.*)?$")
QUOTE_FIELD = re.compile(
    r"^(?:[-*]\s+)?(?:\*\*)?(?P<key>Note|Tags)(?::\*\*|\*\*:|:)\s?(?P<value>.*)$", re.IGNORECASE
)


class QuoteCollector:
    """Groups quote lines of a highlights section into :class:`HighlightBlock` objects."""

    def __init__(self) -> None:
        self.blocks: list[HighlightBlock] = []
        self.current: HighlightBlock | None = None
        self.target: list[str] | None = None  # where the next lines go (text, note, nowhere)
        self.block_id: str | None = None  # found on a line of the current quote

    def close(self) -> None:
        """End the current quote: its block id goes to the end of its text, where
        ``note.build_highlight`` looks for it."""
        if self.current is not None and self.block_id and self.current.text_lines:
            lines = self.current.text_lines
            while len(lines) > 1 and not lines[-1]:
                lines.pop()
            lines[-1] = f"{lines[-1]} ^{self.block_id}"
        self.current, self.target, self.block_id = None, None, None

    def add(self, line: str, blanks: int, chapter: str | None) -> bool:
        """Take a non-blank line that came after ``blanks`` blank lines; False if it is not
        part of a quote (which ends the current one)."""
        quoted = QUOTE_LINE.match(line)
        if quoted is None:
            if self.target is not None and not blanks and not LIST_ITEM.match(line):
                self.target.append(line.strip())  # a lazy continuation line
                return True
            self.close()
            return False
        content = quoted.group("text")
        if blanks or self.current is None:
            self.close()
            self.current = HighlightBlock([], chapter=chapter)
            self.blocks.append(self.current)
            self.target = self.current.text_lines
            if CALLOUT_HEAD.match(content):
                return True  # the callout's type and title are the template's
        if block_id := BLOCK_ID.search(content):
            self.block_id = self.block_id or block_id.group("block")
            content = content[:block_id.start()]
        if field := QUOTE_FIELD.match(content):
            if field.group("key").casefold() == "note":
                self.current.note_lines = [field.group("value")]
                self.target = self.current.note_lines
            else:
                self.current.tags, self.target = field.group("value"), None
        elif not content.strip():
            if self.target and self.target[-1]:
                self.target.append("")  # one paragraph break, however many empty lines
        elif self.target is not None:
            self.target.append(content)
        return True
