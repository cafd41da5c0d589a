"""A highlight of the inbox as canonical models, with Readwise's identities.

Readwise puts a posted highlight in the book of its title and author (the URL's, for an
article), and takes one posted again as the same highlight by its ``highlight_url`` when it
has one (updated in place), else by its (title, author, text, source_url). So here:

* the document's id is :func:`~excerpta.identity.document_id` of its URL, else its title and
  author (no title: Readwise's ``"Quotes"``, or the URL);
* the highlight's id is made from its ``highlight_url``, else from its document and text
  (:func:`~excerpta.identity.highlight_id` without a position; a lone note, which Readwise
  refuses and excerpta keeps, by its note), so an app sending a highlight again updates it and
  never adds a second one. (Readwise leaves one sent again without ``highlight_url`` as it
  was; here what it sends anew wins.) A ``highlight_url`` excerpta's own ``readwise`` writer
  made (``excerpta://highlight/<id>``, or a link ending ``#excerpta-<id>``, sent with the
  ``source_type`` ``excerpta``) gives back the id it was sent with: a library sent from one
  machine to another keeps its ids;
* the note's leading inline tags (``.tag``, as Readwise reads them; not ``...`` nor ``.5``)
  are the highlight's tags, ``.favorite`` marks a favourite;
* without a ``highlighted_at`` (Moon+ Reader sends none), the date is when it arrived;
* a field the app did not send at all is *not said*: the library keeps what it holds of it
  (an app that sends a highlight again without its note does not remove the note). Sent
  empty (``""`` or ``null``), it is removed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from excerpta import identity
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readwise.own_links import OWN_SOURCE, own_id

QUOTES_TITLE = "Quotes"
_INLINE_TAG = re.compile(r"\.(?![\d.,]+$)\w\S*")
_FAVORITE = "favorite"
_SPELLING = frozenset({"title", "author"})

# Which canonical fields each posted field says (a field not posted: those left out).
HIGHLIGHT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "note": ("note", "tags", "is_favorite"), "location": ("location", "location_type"),
    "highlighted_at": ("highlighted_at",), "chapter": ("chapter",), "color": ("color",),
    "highlight_url": ("url",),
}
DOCUMENT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "category": ("category",), "source_type": ("source",), "image_url": ("cover_image_url",),
}
SAID_HIGHLIGHT = ("text", *(name for names in HIGHLIGHT_FIELDS.values() for name in names))
SAID_DOCUMENT = ("title", "author", "url", *(name for names in DOCUMENT_FIELDS.values() for name in names))
DOCUMENT_KEYS = ("title", "author", "source_url", *DOCUMENT_FIELDS)  # the posted fields of its book


def identities(posted: Mapping[str, Any]) -> tuple[str, str]:
    """The ids of the document and the highlight ``posted`` makes (:func:`to_document` and
    :func:`to_highlight` give them the same), without making either: raises ValueError for a
    highlight without text or note."""
    document_id = identity.document_id(*_book(posted))
    return document_id, _highlight_identity(document_id, posted)[0]


def _book(posted: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    """The title, author and URL of the book ``posted`` goes to (no title: the URL, else
    Readwise's ``"Quotes"``)."""
    url = _given(posted, "source_url")
    return _given(posted, "title") or url or QUOTES_TITLE, _given(posted, "author"), url


def _highlight_identity(document_id: str, posted: Mapping[str, Any]) -> tuple[str, str | None]:
    """The id of the highlight ``posted`` (in ``document_id``) and its own link; raises
    ValueError for one without text or note."""
    text, note = posted.get("text") or "", _given(posted, "note") or ""
    if not isinstance(text, str) or (not text.strip() and not note):
        raise ValueError("a highlight without text or note")
    link = _given(posted, "highlight_url")
    # Only excerpta's own writer names ids: another app's link that looks like one is a link.
    own, url = own_id(link) if link and posted.get("source_type") == OWN_SOURCE else (None, link)
    return own or (_url_id(link) if link else _derived_id(document_id, text, note)), url


def to_document(posted: Mapping[str, Any]) -> tuple[Document, frozenset[str]]:
    """The document (without highlights) a posted highlight goes to, and the document fields
    this post does not say: those it did not send, and its title and author (they name the
    book, found by them once made: its title keeps the spelling it came with, as Readwise's
    does; the library takes an author spelt otherwise)."""
    title, author, url = _book(posted)
    category = posted.get("category") or ("articles" if url else "books")
    document = Document(
        id=identity.document_id(title, author, url), title=title, author=author,
        category=Category(category), url=url, source=posted.get("source_type") or None,
        cover_image_url=posted.get("image_url") or None)
    return document, _unsaid(posted, DOCUMENT_FIELDS) | _SPELLING


def to_highlight(document_id: str, posted: Mapping[str, Any],
                 arrived: str | None = None) -> tuple[Highlight, frozenset[str]]:
    """The highlight posted, in the document ``document_id``, and the fields it does not say;
    raises ValueError for one without text or note (the endpoint never keeps one). Without a
    ``highlighted_at``, its date is when it ``arrived`` (Moon+ Reader sends none, and sends a
    highlight as it is made), a value the library keeps when it holds one."""
    highlight_id, url = _highlight_identity(document_id, posted)
    note, tags = inline_tags(_given(posted, "note") or "")
    location = posted.get("location")
    kind = posted.get("location_type") or "order"
    moment = posted.get("highlighted_at") or ("highlighted_at" not in posted and arrived) or None
    highlight = Highlight(
        id=highlight_id, text=posted.get("text") or "", note=note or None,
        tags=[tag for tag in dict.fromkeys(tags) if tag != _FAVORITE], is_favorite=_FAVORITE in tags,
        location=location, location_type=LocationType(kind) if location is not None else None,
        chapter=_given(posted, "chapter"), color=_given(posted, "color"),
        highlighted_at=datetime.fromisoformat(moment) if moment else None, url=url)
    return highlight, _unsaid(posted, HIGHLIGHT_FIELDS)


def _derived_id(document_id: str, text: str, note: str) -> str:
    """Readwise's identity of a highlight without ``highlight_url``: its book and text; a
    lone note (no text: Readwise refuses one, excerpta keeps it) by its note."""
    return identity.highlight_id(document_id, text) if text.strip() else \
        identity.highlight_id(document_id, note, "note")


def _given(posted: Mapping[str, Any], name: str) -> str | None:
    """A text field as posted, None for none or a blank one (an inbox written by hand)."""
    value = posted.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _url_id(link: str) -> str:
    return identity.source_id("url", hashlib.blake2b(link.encode("utf-8"), digest_size=16).hexdigest())


def inline_tags(note: str) -> tuple[str, list[str]]:
    """The note without its leading inline tags, and those tags: ``.tag`` words, a word
    character after the dot and not a number (``...and then`` and ``.5 mg`` are a note's
    words, not tags)."""
    words = note.split(" ")
    tags = []
    while words and _INLINE_TAG.fullmatch(words[0]):
        tags.append(words.pop(0)[1:])
    return " ".join(words), tags


def _unsaid(posted: Mapping[str, Any], fields: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    return frozenset(name for posted_name, names in fields.items() if posted_name not in posted
                     for name in names)
