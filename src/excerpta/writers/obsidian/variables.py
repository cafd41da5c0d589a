"""The template variables: the Readwise plugin's names, filled from canonical documents.

Document variables (every template): ``id``, ``title`` and ``full_title`` (one line),
``author``, ``authors`` (list), ``category`` (``books``…), ``source``, ``url``, ``image_url``,
``asin``, ``document_tags``, ``document_note``, ``summary``, ``book_id`` (the Readwise id when
known), ``num_highlights``, ``date``/``time``/``last_highlighted_date`` (when the latest
highlight was made: a sync date would make every run rewrite every note), ``is_new_page``
(always true: excerpta re-renders its managed region instead of appending), and
``has_new_highlights`` (false).

Highlight variables (``highlight.md.jinja``): ``highlight_text`` (continuation lines indented
two spaces, blank lines dropped, as Readwise renders them), ``highlight_note`` (continuation
indented six spaces), ``highlight_tags``, ``highlight_location`` (``Location 1234``, ``Page 12``,
``Time 0:01:41``, ``View Highlight``, ``View Tweet``), ``highlight_location_url``,
``highlight_id`` (the Readwise id when known, else ours), ``highlight_chapter`` (one line;
``""`` when the source names no chapter), ``highlight_page`` (the printed page besides a
Kindle location, ``""`` if none), ``highlight_color``,
``highlight_is_favorite``, ``highlighted_at``, ``highlight_url``, ``block_id`` (``hl-…``: the
writer adds `` ^block_id`` itself when the template does not), ``raw_highlight_text``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from excerpta.model import Document, Highlight, LocationType
from excerpta.writers.obsidian.dates import format_date
from excerpta.writers.obsidian.naming import block_id

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_WHITESPACE = re.compile(r"\s+")
_TWEET_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status/", re.IGNORECASE)
NBSP = "\u00a0"  # Readwise writes "Location 47" with a no-break space
_LOCATION, _PAGE, _TIME_OFFSET = LocationType.LOCATION, LocationType.PAGE, LocationType.TIME_OFFSET
KINDLE_OPEN_URL = "https://readwise.io/to_kindle?action=open&asin={asin}&location={location}"


def one_line(value: str | None) -> str:
    """``value`` on one line (titles, authors: Obsidian text properties are single-line)."""
    return _WHITESPACE.sub(" ", value).strip() if value else ""


def normalize_newlines(value: str | None) -> str:
    """Every line break form (CRLF, CR, U+2028…) as ``\\n``; None as ``""``."""
    return _LINE_BREAKS.sub("\n", value) if value else ""


def continued(value: str | None, indent: int) -> str:
    """Multi-line text as one Markdown list item: blank lines dropped, each line stripped and
    the continuation lines indented by ``indent``. (A line's own indent would not show, a
    paragraph's lines lose it, and would make it look like a sub-bullet, ending the item's
    first paragraph and with it the block id's place.)"""
    if not value:
        return ""
    if value.isprintable():  # one C scan: no line break of any kind (most highlights)
        return value.strip()
    lines = (line.strip() for line in normalize_newlines(value).split("\n"))
    return ("\n" + " " * indent).join(line for line in lines if line)


def struck(value: str) -> str:
    """``value`` struck through line by line (strikethrough does not cross lines)."""
    return "\n".join(f"~~{line.strip()}~~" if line.strip() else line for line in value.split("\n"))


def _last_highlighted(document: Document) -> Any:
    dates = [h.highlighted_at for h in document.highlights if h.highlighted_at is not None]
    return max(dates) if dates else None


def document_variables(document: Document) -> dict[str, Any]:
    """The document-level variables of every template (see the module docstring)."""
    last = _last_highlighted(document)
    title = one_line(document.title)
    author = one_line(document.author)
    return {
        "id": document.id,
        "title": title,
        "full_title": title,
        "author": author,
        "authors": [author] if author else [],
        "category": document.category.value if document.category else "",
        "source": document.source or "",
        "url": document.url or "",
        "image_url": document.cover_image_url or "",
        "asin": document.asin or "",
        "document_tags": list(document.tags),
        "document_note": continued(document.document_note, 2),
        "summary": continued(document.summary, 2),
        "book_id": document.external_ids.get("readwise", ""),
        "num_highlights": sum(1 for h in document.highlights if not h.is_deleted),
        "date": last,
        "time": format_date(last, "g:i A") if last else "",
        "last_highlighted_date": last,
        "is_new_page": True,
        "has_new_highlights": False,
    }


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def location_link(document: Document, highlight: Highlight) -> tuple[str, str]:
    """Readwise's (label, url) for a highlight's location; either may be ``""``."""
    kind, where, url = highlight.location_type, highlight.location, highlight.url or ""
    if kind is _LOCATION and where is not None:
        if document.asin:
            url = KINDLE_OPEN_URL.format(asin=_quoted(document.asin), location=_quoted(str(where)))
        return f"Location{NBSP}{where}", url
    if kind is _PAGE and where is not None:
        return f"Page{NBSP}{where}", url
    if kind is _TIME_OFFSET and isinstance(where, int):
        return f"Time {_clock(where)}", url
    if url:
        return ("View Tweet" if _TWEET_URL.match(url) else "View Highlight"), url
    return "", ""


def _quoted(value: str) -> str:
    # quote() is slow for what is nearly always an ASIN or a number, which it leaves as is.
    return value if value.isascii() and value.isalnum() else quote(value, safe="")


def highlight_variables(document: Document, highlight: Highlight, base: dict[str, Any],
                        *, strike: bool = False) -> dict[str, Any]:
    """``base`` (the document variables) plus one highlight's variables."""
    label, url = location_link(document, highlight)
    text = continued(highlight.text, 2)
    return {
        **base,
        "highlight_text": struck(text) if strike else text,
        "raw_highlight_text": highlight.text,
        "highlight_note": continued(highlight.note, 6),
        "highlight_tags": list(highlight.tags),
        "highlight_location": label,
        "highlight_location_url": url,
        "highlight_id": highlight.external_ids.get("readwise", highlight.id),
        "highlight_chapter": one_line(highlight.chapter),
        "highlight_page": "" if highlight.page is None else highlight.page,
        "highlight_color": highlight.color or "",
        "highlight_is_favorite": highlight.is_favorite,
        "highlighted_at": highlight.highlighted_at,
        "highlight_url": highlight.url or "",
        "block_id": block_id(highlight.id),
        "is_deleted": highlight.is_deleted,
    }
