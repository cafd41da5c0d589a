"""Which highlight of a Kindle notebook export a ``Note`` entry belongs to, by location.

The export shows where a highlight starts, not where it ends, and a note sits at its
highlight's end. :func:`reach` is the last location a highlight may end at, from its start
and its text (a note at most that far on is taken for the highlight's); :func:`following_starts`
is, for each entry, the start of the next coloured highlight (a note past it is not the
previous highlight's). Both are pure; :mod:`.notebook_html` applies them.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from excerpta.readers.kindle.notebook_headings import Heading
from excerpta.readers.kindle.notebook_parser import Entry

# A Kindle location is about 150 bytes of the book, markup included. A note sits at its
# highlight's end, which the export does not show: a note at most this far on is taken for the
# highlight's; one farther away is a note of its own, as My Clippings.txt, which knows the end,
# keeps it, so the two sources agree. The fewest characters a location holds, by the bytes a
# character takes in UTF-8: English and most Latin text 1 (real clippings hold 47 or more a
# location, mostly 90 to 150), accented Latin, Greek, Cyrillic, Hebrew and Arabic 2, CJK, kana,
# Hangul, Indic and Thai 3 (25 to 50 in real clippings, fewer where markup is dense: ruby).
CHARS_PER_LOCATION_BY_WIDTH = {1: 40, 2: 20, 3: 10}
REACH_SLACK = 3  # locations: a short highlight across a location boundary ends one further on
_TWO_BYTES = re.compile("[\u0080-\u07ff]")
_THREE_BYTES_OR_MORE = re.compile("[^\u0000-\u07ff]")


def reach(start: int, text: str) -> int:
    """The last location a highlight of ``text`` starting at ``start`` may end at (where its
    note sits): each character fills a location's share by its UTF-8 width, at
    :data:`CHARS_PER_LOCATION_BY_WIDTH` (so a Chinese passage reaches four times as far as an
    English one of as many characters), and :data:`REACH_SLACK` more."""
    two = len(_TWO_BYTES.findall(text))
    more = len(_THREE_BYTES_OR_MORE.findall(text))
    by_width = {1: len(text) - two - more, 2: two, 3: more}
    locations = sum(Fraction(count, CHARS_PER_LOCATION_BY_WIDTH[width])
                    for width, count in by_width.items())
    return start + math.floor(locations) + REACH_SLACK


def following_starts(entries: list[tuple[Entry, Heading | None, str]]) -> list[float]:
    """For each entry, the start of the first (coloured) highlight after it: a note listed
    before it is not that one's (a note follows its highlight), so a note past that start is
    not the previous one's either; one at it is (two highlights may start in one location).
    Infinite where none follows.
    """
    starts: list[float] = [math.inf] * len(entries)
    following = math.inf
    for number in range(len(entries) - 1, -1, -1):
        starts[number] = following
        heading = entries[number][1]
        if heading is not None and heading.kind == "highlight" and isinstance(heading.location, int):
            following = heading.location
    return starts
