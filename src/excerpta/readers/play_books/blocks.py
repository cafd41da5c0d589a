"""The shape both downloads of a Play Books notes document are read into: paragraphs and tables
of cells, in document order (:class:`Paragraph`, :class:`Table`, :class:`Cell`), built by
:class:`BlockBuilder` from the events a front end sends it (:mod:`.html_blocks` for the Web
page download, :mod:`.docx_blocks` for the Word one).

Only what the notes document says through its shape is kept: a paragraph's text, its heading
level, the background colour of its text (Play Books marks the highlighted passage so, and
only it) and the links in it; a cell's own background colour and the names of its images (a
highlight's colour swatch). Fonts and sizes are not.

The builder takes events in any order a damaged or hostile file may send them: a cell without
a row, a row or cell never closed, an end with nothing open; each is read as the nearest
well-formed structure. Tables nested more than :data:`MAX_TABLE_DEPTH` deep are read as the
text of the cell holding them (:attr:`BlockBuilder.too_deep`); Play Books nests two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_TABLE_DEPTH = 16
_SPACES = re.compile(r"[^\S\n]+")  # runs of whitespace but line breaks (NBSP included)


@dataclass
class Paragraph:
    """A paragraph or heading: its text (runs of spaces as one, lines stripped, line breaks
    kept), its heading ``level`` (1-6; 0 for body text), the background colour of its text
    (``fill``: six lower-case hex digits, the first coloured run's; None: uncoloured) and the
    targets of the links in it, in order."""

    text: str
    level: int = 0
    fill: str | None = None
    links: list[str] = field(default_factory=list)


@dataclass
class Cell:
    """A table cell: its blocks in order, its own background colour (hex, or None) and the
    images in it (their names in the file: ``images/image3.png``, ``media/image3.png``)."""

    blocks: list[Paragraph | Table] = field(default_factory=list)
    fill: str | None = None
    images: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        """Its paragraphs that hold text, nested tables' left out."""
        return [block for block in self.blocks if isinstance(block, Paragraph) and block.text]

    @property
    def text(self) -> str:
        """The text of its paragraphs (nested tables' too), one per line."""
        return "\n".join(_texts(self.blocks))

    @property
    def signature(self) -> tuple[object, ...]:
        """What tells it from another cell: its paragraphs' text, levels, colours and links,
        its colour and its images (nested tables' text)."""
        return (self.fill, *self.images, *((block.text, block.level, block.fill, *block.links)
                                           if isinstance(block, Paragraph) else tuple(_texts([block]))
                                           for block in self.blocks))


@dataclass
class Table:
    """A table: its rows of cells."""

    rows: list[list[Cell]] = field(default_factory=list)


Block = Paragraph | Table


def _texts(blocks: list[Block]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.text:
                texts.append(block.text)
        else:
            texts.extend(_texts([b for row in block.rows for cell in row for b in cell.blocks]))
    return texts


class BlockBuilder:
    """Builds the blocks of a document from structural events; see the module docstring.
    ``blocks`` is the document's top level once :meth:`finish` has run."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.too_deep = False  # tables nested past MAX_TABLE_DEPTH were met
        self._tables: list[tuple[Table, list[Block]]] = []  # open tables, each with its container
        self._cells: list[Cell | None] = []  # per open table, its open cell
        self._ignored_tables = 0  # open tables past MAX_TABLE_DEPTH, read as text
        self._parts: list[str] | None = None  # the open paragraph's text
        self._level = 0
        self._fill: str | None = None
        self._links: list[str] = []

    @property
    def _container(self) -> list[Block]:
        if not self._tables:
            return self.blocks
        cell = self._cells[-1]
        if cell is None:  # text in a table outside any cell: a cell of its own row
            self.begin_cell()
            cell = self._cells[-1]
            assert cell is not None
        return cell.blocks

    def begin_paragraph(self, level: int = 0) -> None:
        """Start a paragraph (a heading of ``level``), ending any open one."""
        self.end_paragraph()
        self._parts, self._level, self._fill, self._links = [], level, None, []

    def set_level(self, level: int) -> None:
        """Make the open paragraph a heading of ``level`` (a style named after it began)."""
        if self._parts is None:
            self.begin_paragraph(level)
        self._level = level

    def add_text(self, text: str, fill: str | None = None, link: str | None = None) -> None:
        """Add ``text`` to the open paragraph (one begins if none is open); ``fill``: its
        background colour; ``link``: the target of a link it is the text of."""
        if not text:
            return
        if self._parts is None:
            self.begin_paragraph()
        assert self._parts is not None
        self._parts.append(text)
        if fill is not None and self._fill is None and text.strip():
            self._fill = fill
        if link and (not self._links or self._links[-1] != link):
            self._links.append(link)

    def line_break(self) -> None:
        """A line break inside the open paragraph."""
        self.add_text("\n")

    def end_paragraph(self) -> None:
        """End the open paragraph, if any; one without text is dropped (a heading's too)."""
        if self._parts is None:
            return
        lines = (_SPACES.sub(" ", line).strip() for line in "".join(self._parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        self._parts = None
        if text or self._links:
            self._container.append(Paragraph(text, self._level, self._fill, self._links))

    def begin_table(self) -> None:
        """Start a table in the open cell (or at the top level)."""
        self.end_paragraph()
        if len(self._tables) >= MAX_TABLE_DEPTH or self._ignored_tables:
            self._ignored_tables += 1
            self.too_deep = True
            return
        table = Table()
        container = self._container
        container.append(table)
        self._tables.append((table, container))
        self._cells.append(None)

    def begin_row(self) -> None:
        """Start a row of the open table (a table begins if none is open)."""
        self.end_paragraph()
        if self._ignored_tables:
            return
        if not self._tables:
            self.begin_table()
        self._cells[-1] = None
        self._tables[-1][0].rows.append([])

    def begin_cell(self, fill: str | None = None) -> None:
        """Start a cell of the open row (a row, and a table, begin if none is open); ``fill``:
        its background colour."""
        self.end_paragraph()
        if self._ignored_tables:
            return
        if not self._tables:
            self.begin_table()
        table = self._tables[-1][0]
        if not table.rows:
            table.rows.append([])
        cell = Cell(fill=fill)
        table.rows[-1].append(cell)
        self._cells[-1] = cell

    def set_cell_fill(self, fill: str | None) -> None:
        """Give the open cell the background colour ``fill`` (a property read after it began)."""
        if self._tables and not self._ignored_tables and (cell := self._cells[-1]) is not None:
            cell.fill = fill

    def add_image(self, name: str) -> None:
        """An image in the open cell (none outside cells is kept: no swatch is)."""
        if self._tables and not self._ignored_tables and (cell := self._cells[-1]) is not None:
            cell.images.append(name)

    def end_cell(self) -> None:
        """End the open cell, if any."""
        self.end_paragraph()
        if self._tables and not self._ignored_tables:
            self._cells[-1] = None

    def end_row(self) -> None:
        """End the open row (and its cell), if any."""
        self.end_cell()

    def end_table(self) -> None:
        """End the innermost open table, if any (and its open row and cell)."""
        self.end_paragraph()
        if self._ignored_tables:
            self._ignored_tables -= 1
            return
        if self._tables:
            self._tables.pop()
            self._cells.pop()

    def finish(self) -> list[Block]:
        """End everything still open (a file cut short) and give the document's blocks."""
        self.end_paragraph()
        self._tables.clear()
        self._cells.clear()
        self._ignored_tables = 0
        return self.blocks
