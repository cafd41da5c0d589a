"""The blocks (:mod:`.blocks`) of a Play Books notes document downloaded as Microsoft Word
(``.docx``): its ``word/document.xml``, with the link targets of
``word/_rels/document.xml.rels`` and the heading styles of ``word/styles.xml``.

Read with the standard library's expat parser, streaming, namespace-aware (WordprocessingML's
transitional and strict namespaces both). A document type declaration is refused: Word never
writes one, and entities it declares could expand without bound. What is read: ``w:tbl``,
``w:tr``, ``w:tc`` (a cell's own background colour ``w:tcPr/w:shd/@w:fill``), ``w:p`` (a
heading when its style is ``Heading1``-``Heading6``, or one ``styles.xml`` names ``heading N``
or gives an outline level), ``w:t`` text in ``w:r`` runs (the run's background colour its
``w:rPr/w:shd/@w:fill``, or a ``w:highlight``), ``w:tab`` as a space, ``w:br``/``w:cr`` as a
line break, ``w:hyperlink`` whose ``r:id`` names a relationship's target, and a drawing's
picture (``a:blip`` whose ``r:embed`` names it, ``media/image1.png``). Deleted text
(``w:delText``) and fields' codes are not text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from xml.parsers import expat

from excerpta.readers.play_books.blocks import Block, BlockBuilder
from excerpta.readers.play_books.html_blocks import colour_value

_W = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "http://purl.oclc.org/ooxml/wordprocessingml/main")
_R = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "http://purl.oclc.org/ooxml/officeDocument/relationships")
_DRAWING = ("http://schemas.openxmlformats.org/drawingml/2006/main",
            "http://purl.oclc.org/ooxml/drawingml/main")
_SEP = "}"
_HEADING_ID = re.compile(r"^heading ?([1-6])$", re.IGNORECASE)
# Word's highlight palette (ST_HighlightColor), for a run marked with one instead of a shade.
_HIGHLIGHTS = {"yellow": "ffff00", "green": "00ff00", "cyan": "00ffff", "magenta": "ff00ff",
               "blue": "0000ff", "red": "ff0000", "darkBlue": "000080", "darkCyan": "008080",
               "darkGreen": "008000", "darkMagenta": "800080", "darkRed": "800000",
               "darkYellow": "808000", "darkGray": "808080", "lightGray": "c0c0c0"}


class DocxSyntaxError(ValueError):
    """Part of the Word file is not the XML it should be; the message says where."""


@lru_cache(maxsize=1024)  # a document names a few dozen kinds of element, hundreds of thousands of times
def _local(name: str, namespaces: tuple[str, ...]) -> str | None:
    # "uri}tag" -> "tag" when uri is one of namespaces, else None.
    uri, _, tag = name.rpartition(_SEP)
    return tag if uri in namespaces else None


def _attribute(attrs: dict[str, str], local: str, namespaces: tuple[str, ...] = _W) -> str | None:
    for namespace in namespaces:
        if (value := attrs.get(f"{namespace}{_SEP}{local}")) is not None:
            return value
    return None


def _parser(part: str) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        raise DocxSyntaxError(f"{part} declares a document type, which Word never writes")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.buffer_text = True
    return parser


def _run(parser: expat.XMLParserType, chunks: Iterable[bytes], part: str) -> None:
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as err:
        raise DocxSyntaxError(f"{part} is not well-formed XML (line {err.lineno}: "
                              f"{expat.ErrorString(err.code)})") from None


def relationship_targets(chunks: Iterable[bytes]) -> dict[str, str]:
    """The targets of ``word/_rels/document.xml.rels`` by relationship id (``rId7`` ->
    ``http://…``). Raises DocxSyntaxError."""
    targets: dict[str, str] = {}
    parser = _parser("word/_rels/document.xml.rels")

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.endswith(f"{_SEP}Relationship") and "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = attrs["Target"]

    parser.StartElementHandler = start
    _run(parser, chunks, "word/_rels/document.xml.rels")
    return targets


def heading_styles(chunks: Iterable[bytes]) -> dict[str, int]:
    """The heading level of each paragraph style of ``word/styles.xml`` that is one (named
    ``heading N``, or with an outline level), by style id. Raises DocxSyntaxError."""
    levels: dict[str, int] = {}
    current: list[str] = []
    parser = _parser("word/styles.xml")

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name, _W)
        if tag == "style":
            current[:] = [_attribute(attrs, "styleId") or ""]
        elif current and current[0] and tag == "name":
            if match := _HEADING_ID.match(_attribute(attrs, "val") or ""):
                levels[current[0]] = int(match.group(1))
        elif current and current[0] and tag == "outlineLvl":
            value = _attribute(attrs, "val") or ""
            if value.isdigit() and int(value) < 6:
                levels.setdefault(current[0], int(value) + 1)

    parser.StartElementHandler = start
    _run(parser, chunks, "word/styles.xml")
    return levels


class _DocumentReader:
    """The handlers feeding a BlockBuilder from ``word/document.xml``."""

    def __init__(self, links: dict[str, str], styles: dict[str, int]) -> None:
        self.builder = BlockBuilder()
        self.links = links
        self.styles = styles
        self.in_text = False
        self.in_run_properties = False
        self.in_cell_properties = False
        self.run_fill: str | None = None
        self.hyperlinks: list[str | None] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name, _W)
        builder = self.builder
        if tag is None:
            if (_local(name, _DRAWING) == "blip" and (embedded := _attribute(attrs, "embed", _R))
                    and (target := self.links.get(embedded))):
                builder.add_image(target)
            return
        if tag == "p":
            builder.begin_paragraph()
        elif tag == "pStyle":
            style = _attribute(attrs, "val") or ""
            level = self.styles.get(style) or (int(m.group(1)) if (m := _HEADING_ID.match(style)) else 0)
            if level:
                builder.set_level(level)
        elif tag == "r":
            self.run_fill = None
        elif tag == "rPr":
            self.in_run_properties = True
        elif tag == "shd" and (self.in_run_properties or self.in_cell_properties):
            fill = colour_value(_attribute(attrs, "fill") or "")
            if self.in_run_properties:
                self.run_fill = fill or self.run_fill
            else:
                builder.set_cell_fill(fill)
        elif tag == "highlight" and self.in_run_properties:
            self.run_fill = _HIGHLIGHTS.get(_attribute(attrs, "val") or "") or self.run_fill
        elif tag == "t":
            self.in_text = True
        elif tag == "tab":
            builder.add_text(" ")
        elif tag in ("br", "cr"):
            builder.line_break()
        elif tag == "hyperlink":
            target = _attribute(attrs, "id", _R)
            self.hyperlinks.append(self.links.get(target) if target else None)
        elif tag == "tbl":
            builder.begin_table()
        elif tag == "tr":
            builder.begin_row()
        elif tag == "tc":
            builder.begin_cell()
        elif tag == "tcPr":
            self.in_cell_properties = True

    def end(self, name: str) -> None:
        tag = _local(name, _W)
        builder = self.builder
        if tag == "p":
            builder.end_paragraph()
        elif tag == "t":
            self.in_text = False
        elif tag == "rPr":
            self.in_run_properties = False
        elif tag == "tcPr":
            self.in_cell_properties = False
        elif tag == "hyperlink" and self.hyperlinks:
            self.hyperlinks.pop()
        elif tag == "tc":
            builder.end_cell()
        elif tag == "tr":
            builder.end_row()
        elif tag == "tbl":
            builder.end_table()

    def text(self, data: str) -> None:
        if self.in_text:
            link = next((target for target in reversed(self.hyperlinks) if target), None)
            self.builder.add_text(data.replace("\n", " "), self.run_fill, link)


def docx_blocks(chunks: Iterable[bytes], links: dict[str, str],
                styles: dict[str, int]) -> tuple[list[Block], BlockBuilder]:
    """The blocks of the ``word/document.xml`` bytes given in ``chunks``, with ``links`` (by
    relationship id) and heading ``styles`` (by style id), and the builder that made them
    (its ``too_deep``). Raises DocxSyntaxError."""
    reader = _DocumentReader(links, styles)
    parser = _parser("word/document.xml")
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    _run(parser, chunks, "word/document.xml")
    return reader.builder.finish(), reader.builder
