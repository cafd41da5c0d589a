"""A highlight of the inbox as canonical models, with Readwise's identities.

Readwise puts a posted highlight in the book of its title and author (the URL's, for an
article), and takes one posted again as the same highlight by its ``highlight_url`` when it
has one (updated in place), else by its (title, author, text, source_url). So here:

* the document's id is :func:`~excerpta.identity.document_id` of its URL, else its title and
  author (no title: Readwise's ``"Quotes"``, or the URL);
* the highlight's id is made from its ``highlight_url``, else from its document and text
  (:func:`~excerpta.identity.highlight_id` without a position), so an app sending a
  highlight again updates it and never adds a second one. A ``highlight_url`` excerpta's own
  ``readwise`` writer made (``excerpta://highlight/<id>``, or a link ending ``#excerpta-<id>``)
  gives back the id it was sent with: a library sent from one machine to another keeps its
  ids;
* the note's leading inline tags (``.tag``, as Readwise reads them) are the highlight's tags,
  ``.favorite`` marks a favourite;
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

QUOTES_TITLE = "Quotes"
OWN_SCHEME = "excerpta://highlight/"
_OWN_MARK = re.compile(r"#excerpta-(?P<id>[A-Za-z0-9][A-Za-z0-9_.:-]*)$")
_FAVORITE = "favorite"

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


def to_document(posted: Mapping[str, Any]) -> tuple[Document, frozenset[str]]:
    """The document (without highlights) a posted highlight goes to, and the document fields
    this post does not say."""
    url = posted.get("source_url") or None
    title = posted.get("title") or url or QUOTES_TITLE
    author = posted.get("author") or None
    category = posted.get("category") or ("articles" if url else "books")
    document = Document(
        id=identity.document_id(title, author, url), title=title, author=author,
        category=Category(category), url=url, source=posted.get("source_type") or None,
        cover_image_url=posted.get("image_url") or None)
    return document, _unsaid(posted, DOCUMENT_FIELDS)


def to_highlight(document_id: str, posted: Mapping[str, Any]) -> tuple[Highlight, frozenset[str]]:
    """The highlight posted, in the document ``document_id``, and the fields it does not say;
    raises ValueError for one without text or note (the endpoint never keeps one)."""
    text = posted.get("text") or ""
    if not text.strip() and not (posted.get("note") or "").strip():
        raise ValueError("a highlight without text or note")
    link = posted.get("highlight_url") or None
    note, tags = inline_tags(posted.get("note") or "")
    location = posted.get("location")
    kind = posted.get("location_type") or "order"
    own, url = own_id(link) if link else (None, None)
    highlight = Highlight(
        id=own or (_url_id(link) if link else identity.highlight_id(document_id, text)),
        text=text, note=note or None,
        tags=[tag for tag in dict.fromkeys(tags) if tag != _FAVORITE], is_favorite=_FAVORITE in tags,
        location=location, location_type=LocationType(kind) if location is not None else None,
        chapter=posted.get("chapter") or None, color=posted.get("color") or None,
        highlighted_at=datetime.fromisoformat(moment) if (moment := posted.get("highlighted_at")) else None,
        url=url)
    return highlight, _unsaid(posted, HIGHLIGHT_FIELDS)


def own_id(link: str) -> tuple[str | None, str | None]:
    """The id in a ``highlight_url`` excerpta's writer made (None: another's), and the
    highlight's own link it holds (None for none)."""
    if link.startswith(OWN_SCHEME) and len(link) > len(OWN_SCHEME):
        return link[len(OWN_SCHEME):], None
    if (mark := _OWN_MARK.search(link)) is not None:
        return mark.group("id"), link[:mark.start()]
    return None, link


def _url_id(link: str) -> str:
    return identity.source_id("url", hashlib.blake2b(link.encode("utf-8"), digest_size=16).hexdigest())


def inline_tags(note: str) -> tuple[str, list[str]]:
    """The note without its leading inline tags (``.tag`` words), and those tags."""
    words = note.split(" ")
    tags = []
    while words and words[0].startswith(".") and len(words[0]) > 1 and "\n" not in words[0]:
        tags.append(words.pop(0)[1:])
    return " ".join(words), tags


def _unsaid(posted: Mapping[str, Any], fields: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    return frozenset(name for posted_name, names in fields.items() if posted_name not in posted
                     for name in names)
