"""The blocks (:mod:`.blocks`) of a Play Books notes document downloaded as a Web page.

Google Docs writes it in one of two styles, both read here: the Web page download ("Download →
Web page (.html, zipped)") names its styles in a ``<style>`` element (``.c7{background-color:
#fde096;…}``, ``<span class="c7">``), the export Drive's API gives (what public tools save)
writes each element's style inline (``<span style="background-color:#fde096;…">``). A
background colour may be a span's (the highlighted passage) or a cell's; white and
transparent are no colour.

Headings are ``h1``-``h6``; ``p``, ``div``, ``li`` and ``blockquote`` are paragraphs and ``br``
a line break; text outside any of them is a paragraph of its own. Tables nest as written;
``td``/``th``/``tr`` that the file forgot to close are closed by the next one. Script, style
and title contents are never text. Inline elements (``span``, ``a``…) are tracked up to
:data:`MAX_OPEN_INLINE` deep, so hostile nesting costs bounded memory; an end tag closes the
innermost open element of its name, and one that closes nothing is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from excerpta.readers.play_books.blocks import Block, BlockBuilder

MAX_OPEN_INLINE = 256
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_PARAGRAPHS = frozenset({"p", "div", "li", "blockquote", "dt", "dd", "pre"})
_HIDDEN = frozenset({"script", "style", "title", "template", "noscript"})
_IGNORED = frozenset({"img", "hr", "meta", "link", "col", "colgroup", "input", "wbr"})
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS_SELECTOR = re.compile(r"^\.([\w-]+)$")
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{3,8}|[a-zA-Z]+)")
_NAMED = {"yellow": "ffff00", "lime": "00ff00", "green": "008000", "aqua": "00ffff", "cyan": "00ffff",
          "blue": "0000ff", "red": "ff0000", "orange": "ffa500", "pink": "ffc0cb", "magenta": "ff00ff",
          "fuchsia": "ff00ff", "purple": "800080", "gray": "808080", "grey": "808080"}


def colour_value(value: str) -> str | None:
    """A CSS or Word colour (``#fde096``, ``fde096``, ``#fd0``, ``yellow``) as six lower-case
    hex digits; None for none (``auto``, ``transparent``, white, an alpha of 0) or what is no
    colour."""
    value = value.strip().lstrip("#").lower()
    if value in _NAMED:
        return _NAMED[value]
    if re.fullmatch(r"[0-9a-f]{3}", value):
        value = "".join(digit * 2 for digit in value)
    elif re.fullmatch(r"[0-9a-f]{8}", value):  # #rrggbbaa
        if value[6:] == "00":
            return None
        value = value[:6]
    if not re.fullmatch(r"[0-9a-f]{6}", value) or value == "ffffff":
        return None
    return value


def _background(style: str) -> str | None:
    match = _BACKGROUND.search(style)
    return colour_value(match.group(1)) if match else None


class NotesHTMLParser(HTMLParser):
    """Feeds a :class:`BlockBuilder` from HTML text; see the module docstring."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = BlockBuilder()
        self.title = ""  # the page's <title>: Drive names it after the document
        self._classes: dict[str, str | None] = {}  # class -> its background colour
        self._hidden: list[str] = []  # the hidden elements open (their text is no content)
        self._css: list[str] = []
        self._title: list[str] = []
        # Open inline elements: (tag, background colour, link target).
        self._inline: list[tuple[str, str | None, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            if len(self._hidden) < MAX_OPEN_INLINE:
                self._hidden.append(tag)
            return
        if tag == "img" and not self._hidden:
            if src := dict(attrs).get("src"):
                self.builder.add_image(src)
            return
        if self._hidden or tag in _IGNORED:
            return
        builder = self.builder
        if tag in _HEADINGS or tag in _PARAGRAPHS:
            builder.begin_paragraph(_HEADINGS.get(tag, 0))
        elif tag == "br":
            builder.line_break()
        elif tag == "table":
            builder.begin_table()
        elif tag == "tr":
            builder.begin_row()
        elif tag in ("td", "th"):
            builder.begin_cell(self._fill_of(attrs))
        elif len(self._inline) < MAX_OPEN_INLINE:
            href = next((value for name, value in attrs if name == "href"), None) if tag == "a" else None
            self._inline.append((tag, self._fill_of(attrs), href))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "table", "tr", "td", "th") and tag not in _HEADINGS and tag not in _PARAGRAPHS:
            self.handle_endtag(tag)  # <span/>: opened and closed at once

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            if tag in self._hidden:
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag):]
                if tag == "style":
                    self._read_css("".join(self._css))
                    self._css = []
                elif tag == "title":
                    self.title = " ".join("".join(self._title).split())
            return
        builder = self.builder
        if tag in _HEADINGS or tag in _PARAGRAPHS:
            builder.end_paragraph()
        elif tag == "table":
            builder.end_table()
        elif tag == "tr":
            builder.end_row()
        elif tag in ("td", "th"):
            builder.end_cell()
        else:
            for index in range(len(self._inline) - 1, -1, -1):
                if self._inline[index][0] == tag:
                    del self._inline[index:]
                    break

    def handle_data(self, data: str) -> None:
        if self._hidden:
            if self._hidden[-1] == "style":
                self._css.append(data)
            elif self._hidden[-1] == "title":
                self._title.append(data)
            return
        fill = next((fill for _, fill, _ in reversed(self._inline) if fill), None)
        link = next((href for _, _, href in reversed(self._inline) if href), None)
        # In HTML a line end in the source is a space; only <br> breaks a line.
        self.builder.add_text(data.replace("\n", " ").replace("\r", " "), fill, link)

    def _fill_of(self, attrs: list[tuple[str, str | None]]) -> str | None:
        # An element's background colour: its inline style's, else its classes'.
        values = dict(attrs)
        if (style := values.get("style")) and (fill := _background(style)) is not None:
            return fill
        for name in (values.get("class") or "").split():
            if (fill := self._classes.get(name)) is not None:
                return fill
        return None

    def _read_css(self, css: str) -> None:
        for selectors, declarations in _RULE.findall(css):
            fill = _background(declarations)
            if fill is None:
                continue
            for selector in selectors.split(","):
                if match := _CLASS_SELECTOR.match(selector.strip()):
                    self._classes[match.group(1)] = fill


def html_blocks(chunks: Iterable[str]) -> tuple[list[Block], NotesHTMLParser]:
    """The blocks of the HTML text given in ``chunks``, and the parser that read them (its
    ``title``, and ``builder.too_deep``). Raises ValueError for HTML the standard library's
    parser refuses (a malformed declaration)."""
    parser = NotesHTMLParser()
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except AssertionError as err:  # html.parser's way to refuse a malformed declaration
        raise ValueError(f"not readable as HTML (line {parser.getpos()[0]}: {err})") from None
    return parser.builder.finish(), parser
