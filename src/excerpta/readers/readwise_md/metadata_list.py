"""The ``- Key: value`` list of a note's ``Metadata`` section (see :class:`MetadataCollector`)."""

from __future__ import annotations

import re

from excerpta.readers.readwise_md.note_parts import LIST_ITEM

META_LINE = re.compile(
    r"^[-*]\s+(?:\*\*)?(?P<key>[A-Za-z][A-Za-z ]{0,30}?)(?::\*\*|\*\*:|:)\s?(?P<value>.*)$"
)
CONTINUATION_INDENT = "  "
MULTILINE_KEYS = {"summary", "document note"}  # metadata values that may run over several lines


class MetadataCollector:
    """Reads the ``- Key: value`` lines of a ``Metadata`` section into ``metadata``.

    Only a ``Summary`` or ``Document Note`` runs over several lines (Readwise's export writes
    them raw, our obsidian writer with a two-space indent, dropped here); the other values
    (title, author, URL: the document's id is made of them) are one line, and text below
    them is the user's. Unindented paragraphs after a blank line continue a value up to the
    next item or heading (Readwise's export writes a summary's paragraphs flush left, as the
    last item too), one blank line between two: a ``- Key:`` item goes on with the list, any
    other list item is the user's and ends the value. A comment line ends it too, without the
    paragraphs held: our obsidian writer ends its header region so, and indents a value's
    paragraphs, so flush-left ones in its notes are the user's.
    """

    def __init__(self, metadata: dict[str, str]) -> None:
        self.metadata = metadata
        self.key: str | None = None  # of the value that further lines may continue
        self.held: list[str] = []  # lines from a blank line on, until we know whose they are

    def drop_held(self) -> None:
        """End the list, dropping the held lines: at a comment line, they were the user's."""
        self.key, self.held = None, []

    def keep_held(self) -> None:
        """End the list, keeping the held paragraphs as the value's: at a heading, a list item
        of the user's or the end of the note."""
        self._continue(self.held)
        self.drop_held()

    def add(self, line: str) -> None:
        """Take the next line of a ``Metadata`` section."""
        if match := META_LINE.match(line):
            self._continue(self.held)
            key = match.group("key").strip().casefold()
            self.metadata.setdefault(key, match.group("value"))
            self.key, self.held = (key if key in MULTILINE_KEYS else None), []
        elif LIST_ITEM.match(line):
            self.keep_held()
        elif self.key is None:
            return
        elif line.startswith(CONTINUATION_INDENT):
            self._continue([*self.held, line.removeprefix(CONTINUATION_INDENT)])
            self.held = []
        elif self.held or not line.strip():
            self.held.append(line)
        else:
            self._continue([line])  # a lazy continuation line, as Markdown reads one

    def _continue(self, lines: list[str]) -> None:
        if lines and self.key is not None and self.key in self.metadata:
            # Blank lines as one empty line: one paragraph break, as Markdown shows it.
            kept = [line if line.strip() else "" for line in lines]
            kept = [line for index, line in enumerate(kept) if line or index == 0 or kept[index - 1]]
            self.metadata[self.key] += "\n" + "\n".join(kept)
