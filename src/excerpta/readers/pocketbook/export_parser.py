"""The parts of a PocketBook notes export (the device's Notes app, *Export notes*), as
:mod:`.export` reads them.

The device writes XHTML: a ``<meta name="generator" content="PocketBook Bookmarks Export">``,
a ``<title>`` (the export's date and the book's title), then one ``div`` of class ``bookmark``
per block. The first blocks are the book's: ``<h1>2024-05-02 18:31:07 - Walden</h1>``, then its
author in a ``<span>``. Each later block is one note, with its UUID as ``id`` and its colour
as a class (``bookmark bm-color-yellow``), holding a ``p.bm-page`` (its page, a bare number),
a ``div.bm-text`` (the passage, in ``<p>`` paragraphs; ``Bookmark`` for a bookmark), a
``div.bm-note`` (the note typed on it) and, for a snapshot of a page region, a ``div.bm-image``.

A block (:class:`Block`) ends at the end of its ``div``, where the next block starts (a
``</div>`` left out never merges two notes), or at the end of the body; a part found after its
block ended (a ``</div>`` too many) is still that block's. A part ends at the end
of the element that opened it or where the next part starts; text outside parts (the author
line) is the block's ``loose`` text, the ``h1``'s its ``heading``. Text in ``script`` and
``style`` is never kept; ``<br>`` and paragraph boundaries inside a part are line breaks.

Elements nested more than :data:`~excerpta.readers.html_exports.MAX_OPEN_ELEMENTS` deep inside
a block are not tracked (their text is kept; :attr:`ExportParser.too_deep` says where it
began): each of their end tags closes one of them, so a file nested 200,000 deep reads in
linear time and bounded memory (:class:`~excerpta.readers.html_exports.BoundedNesting`). An
attribute is kept only as long as a note's UUID or a class list can be
(:data:`MAX_ATTRIBUTE_CHARS`); a longer one is no export's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from excerpta.readers.html_exports import HIDDEN, BoundedNesting

GENERATOR = "PocketBook Bookmarks Export"
BLOCK_CLASS = "bookmark"
PART_CLASSES = ("bm-page", "bm-text", "bm-note", "bm-image")
MAX_ATTRIBUTE_CHARS = 256  # a UUID is 36 characters, a block's classes two words
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
_LINE_BREAKS = frozenset({"br", "p", "div", "li"})
_WHITESPACE = re.compile(r"\s+")


@dataclass
class Block:
    """One ``div.bookmark`` of the export: the line it starts on, its ``id`` and classes, the
    text of each part it holds (by class), its text outside parts, and its ``h1``'s."""

    line: int
    ident: str | None
    classes: list[str]
    parts: dict[str, list[str]] = field(default_factory=dict)
    loose: list[str] = field(default_factory=list)
    heading: list[str] = field(default_factory=list)
    cut_short: bool = False

    @property
    def is_note(self) -> bool:
        """Whether it is a note's block (it holds a part), not the book's title or author."""
        return bool(self.parts)

    def text_of(self, part: str) -> str:
        """The text of its ``part`` (``bm-text``): lines squashed, empty lines dropped."""
        return body_text(self.parts.get(part, []))


class ExportParser(BoundedNesting):
    """Collects an export's generator, title, headings and blocks (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.generator: str | None = None
        self.title: list[str] = []
        self.headings: list[str] = []  # every h1's text, in order
        self.blocks: list[Block] = []
        self.cut_short = True  # until </body> or </html> is seen
        self._block: Block | None = None
        self._part: tuple[str, int] | None = None  # the part open, and where in _opened it began
        self._heading: int | None = None  # where in _opened the open h1 began (-1: outside a block)
        self._hidden: str | None = None
        self._in_title = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self._hidden = tag
            return
        values = {name: value or "" for name, value in attrs if len(value or "") <= MAX_ATTRIBUTE_CHARS}
        classes = values.get("class", "").split()
        if tag == "meta" and values.get("name", "").lower() == "generator" and self.generator is None:
            self.generator = values.get("content", "")
        elif tag == "title" and self._block is None:
            self._in_title = True
        elif tag == "div" and BLOCK_CLASS in classes:
            self._close_block()
            self._in_title = False  # a <title> left open ends where the notes begin
            self._block = Block(self.getpos()[0], values.get("id") or None, classes)
            return
        part = next((name for name in PART_CLASSES if name in classes), None)
        if self._block is None and part is not None:
            # A part after its block ended (a </div> too many, closing it early) is the last
            # note's, as its place says; before any note, one of its own.
            reopened = self.blocks and self.blocks[-1].is_note
            self._block = self.blocks.pop() if reopened else Block(self.getpos()[0], None, [])
        if self._block is None:
            if tag == "h1" and self._heading is None:
                self._heading = -1
            return
        if part is not None:
            if self._heading is not None:
                self._close_heading()
            self._close_part()
            self._block.parts.setdefault(part, [])
            self._part = (part, len(self._opened))
        elif tag == "h1" and self._heading is None and self._part is None:
            self._heading = len(self._opened)
        if tag in _LINE_BREAKS and self._part is not None:
            self._buffer.append("\n")
        if tag not in _VOID:
            self._open(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._hidden:
            self._hidden = None
        elif tag == "title":
            self._in_title = False
        elif tag in ("body", "html"):
            self._close_block()
            self.cut_short = False
        elif self._block is None:
            if tag == "h1" and self._heading == -1:
                self._close_heading()
        elif self._untracked:
            self._untracked -= 1
        elif (index := self._innermost(tag)) is not None:
            if tag in _LINE_BREAKS and self._part is not None:
                self._buffer.append("\n")
            del self._opened[index:]
            if self._part is not None and index <= self._part[1]:
                self._close_part()
            if self._heading is not None and index <= self._heading:
                self._close_heading()
        elif tag == "div":  # the block's own end (or an enclosing one's)
            self._close_block()

    def handle_data(self, data: str) -> None:
        if self._hidden is not None:
            return
        if self._heading is not None or self._part is not None:
            self._buffer.append(data)
        elif self._in_title:
            self.title.append(data)
        elif self._block is not None:
            self._block.loose.append(data)

    def close(self) -> None:
        super().close()
        if self.cut_short and self._block is not None:
            self._block.cut_short = True
        self._close_block()

    def _close_part(self) -> None:
        if self._part is not None and self._block is not None:
            self._block.parts[self._part[0]].append("".join(self._buffer))
        self._part, self._buffer = None, []

    def _close_heading(self) -> None:
        text = squash("".join(self._buffer))
        self.headings.append(text)
        if self._block is not None:
            self._block.heading.append(text)
        self._heading, self._buffer = None, []

    def _close_block(self) -> None:
        if self._heading is not None:
            self._close_heading()
        self._close_part()
        if self._block is not None:
            self.blocks.append(self._block)
        self._block, self._opened, self._untracked = None, [], 0


def squash(text: str) -> str:
    """``text`` on one line, runs of whitespace as one space."""
    return _WHITESPACE.sub(" ", text).strip()


def body_text(parts: list[str]) -> str:
    """A part's text: its lines squashed, empty ones dropped."""
    lines = [squash(line) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)
