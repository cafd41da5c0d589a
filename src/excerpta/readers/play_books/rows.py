"""One annotation row of a Play Books notes document, read into its fields (:class:`Annotation`).

Play Books writes each highlight as a table row of three cells: a colour swatch (an image),
the highlight (its passage, the note written on it if any, and the day it was made, each a
paragraph of its own, blank paragraphs between), and the page, a link that opens the book
there. Only the passage is set on a background of the highlight's colour, which tells it from
the note; in a document without colours (one converted by another tool) the first of two or
more paragraphs is the passage. The day is always the last paragraph.

A row of more cells is read by its last two; where the passage has no background colour, the
swatch cells' background colour stands for the highlight's, else their image does (see
:mod:`.swatches`). Links are Google's redirect in the Web page download
(``https://www.google.com/url?q=<target>&sa=D&ust=…``, whose other parameters change with every
download) and the target itself in the Word one: either gives the target
(:func:`link_target`), and the book's Play Books id is its ``id`` parameter
(:func:`volume_id`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from excerpta.readers.play_books.blocks import Cell, Paragraph

MAX_PAGE_CHARACTERS = 24  # a page label ("xii", "1,024"); longer is no page cell
_VOLUME_ID = re.compile(r"[\w-]{1,64}", re.ASCII)


class RowError(ValueError):
    """A row that gives no highlight; the message says what was expected."""


@dataclass(frozen=True)
class Annotation:
    """The fields of one row as written: the passage, the note, the day's text (None: no
    paragraph holds it), the page label, the link's target, the colour (hex, or None) and the
    swatch image's name (None: none)."""

    text: str
    note: str | None
    day: str | None
    page: str | None
    link: str | None
    fill: str | None
    swatch: str | None = None


def read_row(cells: list[Cell]) -> Annotation:
    """The annotation of a row of at least two cells. Raises RowError for a row that holds
    none: no passage, or a last cell that is no page."""
    page_cell, body = cells[-1], cells[-2]
    page_lines = [paragraph.text for paragraph in page_cell.paragraphs]
    page = " ".join(" ".join(page_lines).split()) or None
    if len(page_lines) > 1 or (page is not None and len(page) > MAX_PAGE_CHARACTERS) or any(
            paragraph.level for paragraph in page_cell.paragraphs):
        raise RowError(f"its last cell holds {_shown(page or '')}, not a page number "
                       "(expected a colour, the highlight with its date, and the page)")
    link = next((target for paragraph in page_cell.blocks if isinstance(paragraph, Paragraph)
                 for raw in paragraph.links if (target := link_target(raw))), None)
    paragraphs = body.paragraphs
    if not paragraphs:
        raise RowError("no highlighted text and no date (expected the highlight with its date "
                       "beside the page)")
    coloured = [paragraph for paragraph in paragraphs if paragraph.fill is not None]
    if coloured:
        passage = coloured
        rest = [paragraph for paragraph in paragraphs if paragraph.fill is None]
    elif len(paragraphs) > 1:
        passage, rest = paragraphs[:1], paragraphs[1:]
    else:  # its day alone, or a passage without one: no telling which
        raise RowError(f"one paragraph, {_shown(paragraphs[0].text)}, and no coloured passage (expected "
                       "the highlighted passage above its date)")
    day = rest[-1].text if rest else None
    note = "\n".join(paragraph.text for paragraph in rest[:-1]) or None
    text = "\n".join(paragraph.text for paragraph in passage)
    if not text:
        raise RowError("no highlighted text (expected the highlighted passage above its date)")
    fill = coloured[0].fill if coloured else next((cell.fill for cell in cells[:-2] if cell.fill), None)
    swatch = next((image for cell in cells[:-2] for image in cell.images), None)
    return Annotation(text, note, day, page, link, fill, swatch)


def link_target(raw: str) -> str | None:
    """Where the link ``raw`` leads: the target of Google's redirect
    (``https://www.google.com/url?q=…``), else ``raw``; None for what is no web address."""
    try:
        parts = urlsplit(raw.strip())
        if parts.hostname in ("www.google.com", "google.com") and parts.path == "/url":
            target = parse_qs(parts.query).get("q")
            if not target:
                return None
            parts = urlsplit(target[0].strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:  # urlsplit refuses a malformed address (a bad IPv6 host)
        return None
    return parts.geturl()


def volume_id(target: str) -> str | None:
    """The Play Books id of the book a link ``target`` opens
    (``http://play.google.com/books/reader?id=8tVHKAAAAEAJ&pg=GBS.PA9``); None if it opens
    none."""
    try:
        parts = urlsplit(target)
        host = parts.hostname or ""
    except ValueError:
        return None
    if host not in ("play.google.com", "books.google.com") or not parts.path.startswith("/books"):
        return None
    value = parse_qs(parts.query).get("id", [""])[0]
    return value if _VOLUME_ID.fullmatch(value) else None


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else f"{text[:40]}…")
