"""The template variables: the Readwise plugin's names, filled from canonical documents.

Document variables (every template): ``id``, ``title`` (the readable title where the source
gives one, as Readwise's plugin shows and names notes by: ``Screenwriting``; else the title)
and ``full_title`` (``Screenwriting: The Sequence Approach``), each one line,
``author``, ``authors`` (list), ``category`` (``books``…), ``source``, ``url``, ``image_url``,
``asin``, ``document_tags``, ``document_note`` and ``summary`` (lines and paragraphs as in
``highlight_text``), ``book_id`` (the Readwise id when known), ``num_highlights``,
``date``/``time``/``last_highlighted_date`` (when the latest highlight not deleted was made: a
sync date would make every run rewrite every note), ``published_date`` (always ``""``: no
source excerpta reads gives one, Readwise's v2 export included), ``is_new_page`` (always
true: excerpta re-renders its managed region instead of appending), and
``has_new_highlights`` (false).

Highlight variables (``highlight.md.jinja``): ``highlight_text`` (continuation lines indented
two spaces, as Readwise renders them; a paragraph break as one empty line, the lines after it
indented too, so the list item holds both paragraphs; a
:class:`~excerpta.markdown_safety.ListItemText`, so its lines starting with a list marker are
written as text, not as items nested in the highlight's), ``highlight_note`` (the same, indented
six spaces), ``highlight_tags``, ``highlight_location`` (``Location 1234``, ``Page 12``,
``Time 0:01:41``, ``View Highlight``, ``View Tweet``), ``highlight_location_url``,
``highlight_id`` (the Readwise id when known, else ours), ``highlight_chapter`` (one line;
``""`` when the source names no chapter), ``highlight_page`` (the printed page besides a
Kindle location, ``""`` if none), ``highlight_color``,
``highlight_is_favorite``, ``highlighted_at``, ``highlight_url``, ``block_id`` (``hl-…``: the
writer adds `` ^block_id`` itself when the template does not), ``raw_highlight_text``.
The front matter sees the text of several lines without that indent (:func:`property_variables`).

The labels (``source``, ``asin``, each tag of ``document_tags`` and ``highlight_tags``,
``highlight_location``, ``highlight_page``, ``highlight_color``) are each on one line, as
``title``, ``author`` and ``highlight_chapter`` are: a line break in one (a page label a source
gave as text) would end the highlight's list item where a template writes it
(:func:`.variable_text.unbroken`).

No text variable holds a control character but tab and line feed
(:func:`.variable_text.printable`): a NUL makes a note binary to every program that reads it
(the ``readwise-md`` reader included), and none of them shows as anything. The ids (``id``,
``book_id``, ``highlight_id``) are given as they are: they are identity, not text. The dates
(``date``, ``last_highlighted_date``, ``highlighted_at``, and ``time``) are in the display zone
(the writer's ``timezone`` option, else this machine's zone), so the ``date`` filter and the
front matter (which Obsidian reads as local time) show the time the user's clock showed. The
URLs (``url``, ``image_url``, ``highlight_location_url``, ``highlight_url``) are each one link
destination, ``""`` when they would run code once clicked (``javascript:``, ``vbscript:``,
``data:``) or are no absolute URL (:func:`.links.link_url`); ``image_url``, which the default
header embeds, only a web URL (:func:`.links.image_url`). ``highlight_location`` is the label as
it is (``Page xii]``): in a link text (``[{{ highlight_location }}](…)``, read as the
``link_label`` filter) or in the default template's ``({{ highlight_location | link_label }})``
its brackets, parentheses and backslashes are escaped (:func:`.links.link_label`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote

from excerpta.markdown_safety import ListItemText
from excerpta.model import Document, Highlight, LocationType
from excerpta.writers.obsidian.blocks import ITEM_INDENT
from excerpta.writers.obsidian.dates import format_date
from excerpta.writers.obsidian.links import image_url, link_url
from excerpta.writers.obsidian.naming import block_id
from excerpta.writers.obsidian.variable_text import continued, one_line, printable, struck, unbroken

_TWEET_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status/", re.IGNORECASE)
NBSP = "\u00a0"  # Readwise writes "Location 47" with a no-break space
_LOCATION, _PAGE, _TIME_OFFSET = LocationType.LOCATION, LocationType.PAGE, LocationType.TIME_OFFSET
KINDLE_OPEN_URL = "https://readwise.io/to_kindle?action=open&asin={asin}&location={location}"
NOTE_INDENT = 6  # a highlight's note continues under Readwise's "    - Note: " sub-bullet
# The variables continued() indents to stay in a list item of the body, by their indent.
_INDENTED = {"highlight_text": ITEM_INDENT, "summary": ITEM_INDENT, "document_note": ITEM_INDENT,
             "highlight_note": NOTE_INDENT}


def _unbroken_list(values: list[str]) -> list[str]:
    return [unbroken(value) for value in values]


def joined_paragraphs(document: Document) -> dict[str, str]:
    """The document variables of several paragraphs (``summary``, ``document_note``) with
    their paragraphs joined (``paragraphs=False`` of :func:`.variable_text.continued`): for a
    template writing them in a quote or a callout."""
    return {"summary": continued(document.summary, ITEM_INDENT, paragraphs=False),
            "document_note": continued(document.document_note, ITEM_INDENT, paragraphs=False)}


def in_zone(moment: datetime | None, zone: tzinfo | None) -> datetime | None:
    """``moment`` in ``zone`` (None: this machine's zone, with its daylight saving rules at
    that date)."""
    return None if moment is None else moment.astimezone(zone)


def _last_highlighted(document: Document) -> datetime | None:
    # A highlight deleted upstream is not one the note shows (as num_highlights does not count
    # it), and a tombstone kept by the state would hold its date forever.
    dates = [h.highlighted_at for h in document.highlights
             if h.highlighted_at is not None and not h.is_deleted]
    return max(dates) if dates else None


def document_variables(document: Document, zone: tzinfo | None = None) -> dict[str, Any]:
    """The document-level variables of every template (see the module docstring), dates in
    ``zone`` (None: this machine's)."""
    last = in_zone(_last_highlighted(document), zone)
    author = one_line(document.author)
    return {
        "id": document.id,
        **title_variables(document),
        "author": author,
        "authors": [author] if author else [],
        "category": document.category.value if document.category else "",
        "source": unbroken(document.source),
        "url": link_url(printable(document.url)),
        "image_url": image_url(printable(document.cover_image_url)),
        "asin": unbroken(document.asin),
        "document_tags": _unbroken_list(document.tags),
        "document_note": continued(document.document_note, ITEM_INDENT),
        "summary": continued(document.summary, ITEM_INDENT),
        "book_id": document.external_ids.get("readwise", ""),
        "published_date": "",  # no source excerpta reads gives one (see the module docstring)
        "num_highlights": sum(1 for h in document.highlights if not h.is_deleted),
        "date": last,
        "time": format_date(last, "g:i A") if last else "",
        "last_highlighted_date": last,
        "is_new_page": True,
        "has_new_highlights": False,
    }


# The document variables a template reading only these may be given alone (a file name's).
TITLE_VARIABLES = frozenset({"title", "full_title"})


def title_variables(document: Document) -> dict[str, str]:
    """:data:`TITLE_VARIABLES` of ``document``, which :func:`document_variables` holds too."""
    full_title = one_line(document.title)
    return {"title": one_line(document.readable_title) or full_title, "full_title": full_title}


def property_variables(variables: dict[str, Any]) -> dict[str, Any]:
    """``variables`` as the front-matter expressions see them: the text of several lines
    (``highlight_text``, ``highlight_note``, ``summary``, ``document_note``) without the indent
    that keeps it in a list item of the body (a property is no list item), its lines and its
    paragraph breaks (one empty line) kept."""
    # continued() strips every line, so each of its line breaks is followed by exactly the
    # indent: taking "\n" + indent back gives the lines as they were (and a plain str, which
    # YAML writes, of a ListItemText).
    return variables | {key: str(value).replace("\n" + " " * indent, "\n")
                        for key, indent in _INDENTED.items() if (value := variables.get(key)) is not None}


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def location_link(document: Document, highlight: Highlight, url: str | None = None) -> tuple[str, str]:
    """Readwise's (label, url) for a highlight's location; either may be ``""``. A URL that
    would run code (:func:`.links.link_url`) is none: no "View Highlight" without a link.
    ``url``: the highlight's, if already through :func:`.links.link_url`."""
    kind, where = highlight.location_type, highlight.location
    url = link_url(printable(highlight.url)) if url is None else url
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


# The variables highlight_variables makes besides the document's.
HIGHLIGHT_VARIABLES = ("highlight_text", "raw_highlight_text", "highlight_note", "highlight_tags",
                       "highlight_location", "highlight_location_url", "highlight_id", "highlight_chapter",
                       "highlight_page", "highlight_color", "highlight_is_favorite", "highlighted_at",
                       "highlight_url", "block_id", "is_deleted")
_ALL = frozenset(HIGHLIGHT_VARIABLES)


def highlight_variables(document: Document, highlight: Highlight, base: dict[str, Any],
                        *, strike: bool = False, zone: tzinfo | None = None,
                        paragraphs: bool = True, names: Collection[str] | None = None) -> dict[str, Any]:
    """``base`` (the document variables) plus one highlight's variables, dates in ``zone``
    (None: this machine's); ``paragraphs``: whether text and note keep paragraph breaks
    (see :func:`.variable_text.continued`). ``names``: the highlight variables to make besides
    the text, note and chapter, which the renderer reads itself (None: all), for a template
    known to use no other (see :func:`.template_names.used_names`): making each costs as much
    as rendering it."""
    made = _ALL if names is None else names
    text = continued(highlight.text, ITEM_INDENT, paragraphs=paragraphs)
    variables = {
        **base,
        "highlight_text": ListItemText(struck(text) if strike else text),  # (its list lines text)
        "highlight_note": continued(highlight.note, NOTE_INDENT, paragraphs=paragraphs),
        "highlight_chapter": one_line(highlight.chapter),
    }
    located = "highlight_location" in made or "highlight_location_url" in made
    if located or "highlight_url" in made:
        own_url = link_url(printable(highlight.url))
        if "highlight_url" in made:
            variables["highlight_url"] = own_url
        if located:
            label, variables["highlight_location_url"] = location_link(document, highlight, own_url)
            variables["highlight_location"] = unbroken(label)  # a location may be text ("xii")
    if "raw_highlight_text" in made:
        variables["raw_highlight_text"] = printable(highlight.text)
    if "highlight_tags" in made:
        variables["highlight_tags"] = _unbroken_list(highlight.tags)
    if "highlight_id" in made:
        variables["highlight_id"] = highlight.external_ids.get("readwise", highlight.id)
    if "highlight_page" in made:
        page = highlight.page
        variables["highlight_page"] = ("" if page is None else unbroken(page) if isinstance(page, str)
                                       else page)
    if "highlight_color" in made:
        variables["highlight_color"] = unbroken(highlight.color)
    if "highlight_is_favorite" in made:
        variables["highlight_is_favorite"] = highlight.is_favorite
    if "highlighted_at" in made:  # in_zone, inlined (hot)
        moment = highlight.highlighted_at
        variables["highlighted_at"] = None if moment is None else moment.astimezone(zone)
    if "block_id" in made:
        variables["block_id"] = block_id(highlight.id)
    if "is_deleted" in made:
        variables["is_deleted"] = highlight.is_deleted
    return variables
