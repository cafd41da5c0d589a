"""Where things are in a Play Books notes document: the book's header, the sections and their
headings, and the annotation rows under them (:func:`read_layout`).

The document opens with a table: the cover image beside a cell holding the book's title (a
heading), then its author and its publisher (paragraphs). A second table says the document is
overwritten by Play Books (:data:`BANNERS`). Then come sections, each under a first-level
heading: in the documents of 2016 and 2020 seen, one, ``147 notes/highlights``; in later ones
(public parsers' word), first ``Annotations by color`` (a heading per colour) and then ``All
your annotations``. Under a section, second-level headings name chapters (or, in the colour
section, colours), each followed by its annotations: a table row of three or more cells (see
:mod:`.rows`), each wrapped in a table of one cell of its own.

Nothing here depends on the words of a heading, which Play Books writes in the reader's
language: sections are told apart by where a highlight appears again (see :mod:`.book`). A
row of fewer than three cells is a wrapper (read through) or a header.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from excerpta.readers.play_books.blocks import Block, Cell, Paragraph, Table

# The banner Play Books puts at the top, in the languages it was seen in: English (real
# documents), Japanese and Italian (a public parser's list of them).
BANNERS = ("changes in Play Books", "Play ブックスで変更を加えると", "modifiche in Play Libri")
PLAY_BOOKS_LINK = "play.google.com/books/reader"
UNKNOWN_AUTHOR = "Unknown"  # what Play Books writes for a book without one
MIN_ROW_CELLS = 3


@dataclass(frozen=True)
class PlacedRow:
    """An annotation row, its ``number`` among the document's (from 1), the section it is in
    (0 before the first) and the headings above it in that section, outermost first."""

    cells: list[Cell]
    number: int
    section: int
    headings: tuple[str, ...]


@dataclass
class Layout:
    """What :func:`read_layout` found: the header's ``title``, ``author`` and ``publisher``
    (None where missing), the annotation ``rows`` in document order, and whether the
    document says it is Play Books' (its banner, or a link into Play Books: ``marked``)."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    rows: list[PlacedRow] = field(default_factory=list)
    marked: bool = False


def read_layout(blocks: list[Block]) -> Layout:
    """The layout of a document's ``blocks``; see the module docstring."""
    layout = Layout()
    header = next((block for block in blocks if isinstance(block, Table)), None)
    if header is not None:
        _read_header(header, layout)
    walk = _Walk(layout, header)
    walk.blocks(blocks)
    return layout


def _read_header(table: Table, layout: Layout) -> None:
    # The title is the header table's first heading; the paragraphs after it in its cell are
    # the author and the publisher.
    for cell in _cells(table):
        paragraphs = cell.paragraphs
        at = next((index for index, paragraph in enumerate(paragraphs) if paragraph.level), None)
        if at is None:
            continue
        layout.title = " ".join(paragraphs[at].text.split()) or None
        after = [paragraph.text for paragraph in paragraphs[at + 1:] if not paragraph.level]
        author = " ".join(after[0].split()) if after else None
        layout.author = None if author == UNKNOWN_AUTHOR else author
        layout.publisher = " ".join(after[1].split()) if len(after) > 1 else None
        return


def _cells(table: Table) -> Iterator[Cell]:
    for row in table.rows:
        for cell in row:
            yield cell
            for block in cell.blocks:
                if isinstance(block, Table):
                    yield from _cells(block)


class _Walk:
    """Goes through the blocks in document order, keeping the section and headings."""

    def __init__(self, layout: Layout, header: Table | None) -> None:
        self.layout = layout
        self.header = header
        self.section = 0
        self.headings: dict[int, str] = {}  # level (2-6) -> heading text

    def blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block)
            elif block is not self.header:
                self.table(block)
            else:
                self.marks(block)

    def paragraph(self, paragraph: Paragraph) -> None:
        self.mark(paragraph)
        if paragraph.level == 1:
            self.section += 1
            self.headings = {}
        elif paragraph.level > 1 and paragraph.text:
            self.headings = {level: text for level, text in self.headings.items() if level < paragraph.level}
            self.headings[paragraph.level] = " ".join(paragraph.text.split())

    def table(self, table: Table) -> None:
        for row in table.rows:
            if len(row) >= MIN_ROW_CELLS:
                for cell in row:
                    self.marks(cell)
                headings = tuple(text for _, text in sorted(self.headings.items()))
                self.layout.rows.append(PlacedRow(row, len(self.layout.rows) + 1, self.section, headings))
                continue
            for cell in row:
                self.blocks(cell.blocks)

    def marks(self, holder: Table | Cell) -> None:
        for cell in _cells(holder) if isinstance(holder, Table) else [holder]:
            for block in cell.blocks:
                if isinstance(block, Paragraph):
                    self.mark(block)

    def mark(self, paragraph: Paragraph) -> None:
        if not self.layout.marked and (any(PLAY_BOOKS_LINK in link for link in paragraph.links)
                                       or any(banner in paragraph.text for banner in BANNERS)):
            self.layout.marked = True
