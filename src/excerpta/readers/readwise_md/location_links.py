"""The location link Readwise puts after a highlight, and what it tells about the highlight.

Readwise's highlight template ends a bullet with ``([{{highlight_location}}]({{url}}))`` or,
without a URL, ``({{highlight_location}})``. The label and the URL between them give:

==================================================  ==============================================
``[Location 47](https://readwise.io/to_kindle?…)``  Kindle location 47, the book's ASIN
``[View Highlight](https://read.readwise.io/read/<ulid>)``  the highlight's Reader id and URL
``[View Highlight](https://readwise.io/open/<id>)``  the highlight's numeric Readwise id
``[View Tweet](https://twitter.com/u/status/<id>)``  the tweet id and URL
``[Time 0:01:41](…)``                               101 seconds into the audio (``time_offset``)
``[Page 12](…)``, ``[Page xii 3](…)``              page 12, page ``"xii 3"`` (``page``)
==================================================  ==============================================

Only these labels are taken for a location link, so a highlight that itself ends in a
parenthesised Markdown link keeps its text. A page's or a location's value is the label's text
after its first space, as written (our obsidian writer's label of a text location: its
brackets, parentheses and backslashes escaped, its spaces kept), an integer where it spells
one as Python would (``12``, ``-3``; ``012`` and ``²`` stay text). Without a link, a label
of several words is taken after a no-break space only (see
:data:`~excerpta.markdown_safety.TRAILING_LABEL`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from excerpta.location_labels import TRAILING_LABEL, TRAILING_LINK
from excerpta.model import LocationType

READER_PATH = re.compile(r"^/(?:new/)?read/(?P<id>[0-9a-z]{26})/?$", re.IGNORECASE)
OPEN_PATH = re.compile(r"^/open/(?P<id>\d+)/?$")
TWEET_PATH = re.compile(r"^/[^/]+/status(?:es)?/(?P<id>\d+)")
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a Markdown backslash escape: shows its character
LABEL_PARTS = re.compile(r"(?P<kind>\S+)\s(?P<value>.*)")  # "Page xii 3": "Page", "xii 3"
INTEGER = re.compile(r"-?[0-9]{1,18}")  # within a 64-bit integer, as the stores keep one
ANY_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])[ \t]")  # a list item's line, nested or not
TWITTER_HOSTS = {"twitter.com", "x.com", "mobile.twitter.com", "www.twitter.com", "www.x.com"}


@dataclass(frozen=True)
class LocationLink:
    """What a highlight's location link says. ``url`` is the highlight's own URL (Reader,
    tweet, podcast clip…), not a Readwise deep link that can be rebuilt from the other fields."""

    label: str
    location: int | str | None = None
    location_type: LocationType | None = None
    url: str | None = None
    asin: str | None = None
    source: str | None = None  # the reading platform the link proves: kindle, reader, twitter
    external_ids: dict[str, str] = field(default_factory=dict)


def split_location_link(text: str, unescaped: Callable[[str], str] | None = None,
                        ) -> tuple[str, LocationLink | None]:
    """Split ``text`` into the highlight text and its trailing location link, if it has one;
    ``unescaped`` undoes what a writer escaped in the link's label (our obsidian writer's
    :func:`~excerpta.markdown_safety.defang` entities, in a page that is text)."""
    match = TRAILING_LINK.search(text) or TRAILING_LABEL.search(text)
    if match is None:
        return text, None
    url = match.groupdict().get("url") or None
    label = match.group("label")
    link = interpret(label if unescaped is None else unescaped(label), url)
    return text[: match.start()], link


def count_linked_items(body: str) -> int:
    """How many list items of ``body`` (any marker, any indent) end with a location link: the
    highlights a note holds, whether or not its layout lets them be read."""
    return sum(1 for line in body.split("\n")
               if ANY_LIST_ITEM.match(line) and split_location_link(line.rstrip())[1] is not None)


def parse_clock(value: str) -> int:
    """``"0:01:41"`` or ``"1:41"`` as seconds (101)."""
    seconds = 0
    for part in value.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def _location_from_label(label: str) -> tuple[int | str | None, LocationType | None]:
    parts = LABEL_PARTS.fullmatch(label)
    if parts is None:
        return None, None
    kind, value = parts.group("kind").casefold(), parts.group("value")
    if kind == "time":
        return parse_clock(value), LocationType.TIME_OFFSET
    if kind not in ("location", "page"):
        return None, None
    # The text after the first space, as written (its own spaces kept: "xii 3", " 12"), but its
    # escapes (a bracket, which would end the link text): our obsidian writer's label of a
    # location that is text. An integer where the label spells one exactly as it would.
    value = ESCAPED.sub(r"\1", value) if "\\" in value else value
    number = int(value) if INTEGER.fullmatch(value) else None
    where = number if number is not None and str(number) == value else value
    return where, LocationType.LOCATION if kind == "location" else LocationType.PAGE


def interpret(label: str, url: str | None) -> LocationLink:
    """The :class:`LocationLink` for a location ``label`` and its ``url`` (may be None)."""
    location, location_type = _location_from_label(label)
    if not url:
        return LocationLink(label, location, location_type)
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if host == "read.readwise.io" and (reader := READER_PATH.match(parts.path)):
        reader_id = reader.group("id").lower()
        return LocationLink(label, location, location_type, url=url, source="reader",
                            external_ids={"reader": reader_id})
    if host in ("readwise.io", "www.readwise.io"):
        if opened := OPEN_PATH.match(parts.path):
            return LocationLink(label, location, location_type,
                                external_ids={"readwise": opened.group("id")})
        if parts.path.rstrip("/") == "/to_kindle":
            query = parse_qs(parts.query)
            kindle_location = (query.get("location") or [""])[0]
            if location is None and INTEGER.fullmatch(kindle_location):
                location, location_type = int(kindle_location), LocationType.LOCATION
            return LocationLink(label, location, location_type, asin=(query.get("asin") or [None])[0],
                                source="kindle")
    if host in TWITTER_HOSTS and (tweet := TWEET_PATH.match(parts.path)):
        return LocationLink(label, location, location_type, url=url, source="twitter",
                            external_ids={"twitter": tweet.group("id")})
    return LocationLink(label, location, location_type, url=url)
