"""A canonical document's highlights as the fields of Readwise's highlight CREATE
(``POST /api/v2/highlights/``; reference: ``readwise.md`` §1.7), within its limits.

Per highlight: ``text`` and ``note`` (at most 8,191 characters: a longer one is cut, ending in
``…``, and counted), the document's ``title`` (511), ``author`` (1,024), ``source_url`` and
``image_url`` (2,047; only ``http(s)`` URLs: Readwise fetches the cover, and a ``data:`` or
``file:`` one cannot be; a longer one is left out, as a cut URL leads nowhere), ``category``
(``books``, ``articles``, ``tweets``, ``podcasts``; ours that Readwise has not are ``articles``
when the document has a URL, else ``books``, as Readwise itself defaults), ``source_type``
``excerpta``, ``highlighted_at``, the position (``location`` with ``location_type``: a page is a
``page``, seconds into audio a ``time_offset``; a Kindle location, a character offset or an
order keep their order as ``order``; a position that is not a number is left out, Readwise
then placing the highlight by the order it is sent in) and ``highlight_url``.

``highlight_url`` is what makes sending again safe: Readwise updates the highlight of that URL
in place instead of adding one, so it must be the highlight's alone and never change. It is
the highlight's own ``http(s)`` link (a Hypothesis in-context link) with its id as the fragment
(``…#excerpta-<id>``: the link still opens the passage, and no other highlight has it), else
``excerpta://highlight/<id>``; the writer keeps the one it used and reuses it forever.

The note is always sent, empty when there is none, so a note removed here is removed there.
Tags go first in it as Readwise's inline tags (``.tag``, as Readwise's own integrations send
them; a favourite is ``.favorite``); a tag with a space cannot be written so and is left out
(counted). Not sent, as the CREATE has no field for them: the colour, ``end_location``, the
chapter, document tags, the document note and summary.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readwise.own_links import OWN_SCHEME, OWN_SOURCE

TEXT_LIMIT = 8191
TITLE_LIMIT = 511
AUTHOR_LIMIT = 1024
URL_LIMIT = 2047
HIGHLIGHT_URL_LIMIT = 4095
CUT_MARK = "…"
_CATEGORIES = {Category.BOOKS, Category.ARTICLES, Category.TWEETS, Category.PODCASTS}
_LOCATION_TYPES = {LocationType.PAGE: "page", LocationType.TIME_OFFSET: "time_offset"}


@dataclass
class Fitting:
    """What fitting a run's highlights into Readwise's limits changed, counted by what."""

    cut: Counter[str] = field(default_factory=Counter)  # "text", "note", "title", "author"
    dropped: Counter[str] = field(default_factory=Counter)  # "source_url", "image_url", "tag"

    def said(self) -> list[str]:
        """One phrase per change, for a warning (empty when nothing changed)."""
        return ([f"{count} {name}(s) longer than Readwise takes cut, ending in {CUT_MARK}"
                 for name, count in sorted(self.cut.items())]
                + [f"{count} {name}(s) Readwise cannot take left out"
                   for name, count in sorted(self.dropped.items())])


def fit(value: str | None, limit: int, name: str, fitting: Fitting) -> str | None:
    """``value`` cut to ``limit`` characters (ending in ``…``), counted in ``fitting`` if cut."""
    if value is None or len(value) <= limit:
        return value
    fitting.cut[name] += 1
    return value[:limit - 1] + CUT_MARK


def web_url(value: str | None, limit: int, name: str, fitting: Fitting) -> str | None:
    """``value`` if it is an ``http(s)`` URL of at most ``limit`` characters, else None
    (counted in ``fitting`` when there was one)."""
    if value is None:
        return None
    if value.lower().startswith(("http://", "https://")) and len(value) <= limit:
        return value
    fitting.dropped[name] += 1
    return None


def document_fields(document: Document, fitting: Fitting) -> dict[str, Any]:
    """The fields every highlight of ``document`` carries."""
    url = web_url(document.url, URL_LIMIT, "source_url", fitting)
    category = document.category if document.category in _CATEGORIES else (
        Category.ARTICLES if url else Category.BOOKS)
    fields: dict[str, Any] = {
        "title": fit(document.title, TITLE_LIMIT, "title", fitting),
        "author": fit(document.author, AUTHOR_LIMIT, "author", fitting),
        "category": str(category),
        "source_type": OWN_SOURCE,
        "source_url": url,
        "image_url": web_url(document.cover_image_url, URL_LIMIT, "image_url", fitting),
    }
    return {name: value for name, value in fields.items() if value is not None}


def highlight_url(highlight: Highlight) -> str:
    """The ``highlight_url`` a highlight is first sent with (see the module docstring)."""
    url, mark = highlight.url, f"#excerpta-{highlight.id}"
    if url and url.lower().startswith(("http://", "https://")) and "#" not in url \
            and len(url) + len(mark) <= HIGHLIGHT_URL_LIMIT:
        return url + mark
    return OWN_SCHEME + highlight.id


def highlight_fields(highlight: Highlight, link: str, fitting: Fitting) -> dict[str, Any]:
    """The CREATE fields of ``highlight`` itself, sent with the ``highlight_url`` ``link``."""
    fields: dict[str, Any] = {"text": fit(highlight.text, TEXT_LIMIT, "text", fitting),
                              "highlight_url": link}
    tags = [*highlight.tags, *(["favorite"] if highlight.is_favorite else [])]
    inline = []
    for tag in dict.fromkeys(tags):
        if tag.split() == [tag]:
            inline.append("." + tag)
        else:
            fitting.dropped["tag"] += 1
    fields["note"] = fit(" ".join([*inline, *([highlight.note] if highlight.note else [])]),
                         TEXT_LIMIT, "note", fitting)
    if isinstance(highlight.location, int) and highlight.location >= 0:
        fields["location"] = highlight.location
        fields["location_type"] = _LOCATION_TYPES.get(highlight.location_type, "order")
    if highlight.highlighted_at is not None:
        fields["highlighted_at"] = highlight.highlighted_at.isoformat()
    return fields


def digest(fields: dict[str, Any]) -> tuple[str, int]:
    """A short hash of one highlight's fields as sent (what the writer compares next run),
    and their size as JSON in bytes."""
    data = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32], len(data)
