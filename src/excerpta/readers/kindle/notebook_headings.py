"""What a heading of a Kindle notebook export says: kind, chapter path, page and location.

A heading reads ``Highlight (yellow) - Chapter > Page 4 · Location 274`` (the colour is read
from the span's class by :mod:`.notebook_parser`); the chapter path, the page (possibly roman:
``Page ix``) and the location are each optional. Numbers may separate their thousands with
``,`` ``.``, a space or a narrow no-break space (``1,234``, ``1.234``, ``1 234``), always in
groups of three.

A heading in a language whose words are not in :data:`_HEADING` (the Kindle apps export in their
UI language) is read by its shape, as ``kindle`` reads such clippings: ``<kind> (<colour>) -
[path >] [<page> · ]<location>``, where an entry with a colour is a highlight, one with text
but no colour a note, one with neither a bookmark. Each ``·``-separated part gives its first
number, or else its last word if that is a roman numeral (a word such as Italian "di" before a
number is not one); of two or more numbers the last is the location and the one before it the
page, a lone number is the location unless its word is a known page word or it is roman.
Roman numerals are pages only. A heading without a number, or with a location that is not a
number, raises :class:`HeadingError`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from excerpta.model import LocationType
from excerpta.readers.kindle.locales import MAX_POSITION_DIGITS, PAGE_WORDS
from excerpta.readers.kindle.notebook_parser import Entry

_HEADING = re.compile(
    r"^(?P<kind>highlight|note|bookmark|ハイライト|メモ|ブックマーク)\s*(?:\([^)]*\))?\s*-\s*"
    r"(?:(?P<chapter>.*?)\s*>\s*)?"
    r"(?:(?:page|ページ)\s*(?P<page>\d[\d,]*|[ivxlcdm]+))?\s*[·•]?\s*"
    r"(?:(?:location|位置)\s*(?P<location>\d[\d,]*))?\s*$",
    re.IGNORECASE,
)
_KINDS = {"highlight": "highlight", "ハイライト": "highlight", "note": "note", "メモ": "note",
          "bookmark": "bookmark", "ブックマーク": "bookmark"}
# An unknown wording: "<kind> (<colour>) - <rest>", the rest "[path >] <positions>".
_SHAPE = re.compile(r"^(?P<kind>[^-(]*?\S)\s*(?:\([^)]*\))?\s*-\s*(?P<rest>.*)$")
# A number, its thousands maybe separated by ".", ",", a space or a (narrow) no-break space.
_NUMBER = re.compile(r"\d(?:[\d.,\u00a0\u202f ]*\d)?")
_GROUPED = re.compile(r"\d{1,3}(?P<sep>[.,\u00a0\u202f ])\d{3}(?:(?P=sep)\d{3})*")
# A roman numeral (pages only: "Page ix"); "di" is one too, so only a whole word counts.
_ROMAN = re.compile(r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})",
                    re.IGNORECASE)
EXPECTED_HEADING = "'<kind> (<colour>) - [<chapter> >] [Page <n> · ]Location <n>'"
_PAGE_WORD = re.compile("|".join(PAGE_WORDS), re.IGNORECASE)


class Heading(NamedTuple):
    """What an entry's heading says."""

    kind: str  # highlight, note, bookmark
    path: str | None  # the chapter path written in the heading
    location: int | str | None
    location_type: LocationType | None
    by_shape: bool
    page: int | str | None = None  # the printed page, when a location is also given


class HeadingError(ValueError):
    """A heading that cannot be read; its message says what was expected."""


def parse_heading(entry: Entry, text: str) -> Heading:
    """What an entry's heading says (see the module docstring); raises HeadingError if it has
    no known shape or a position that is not a number."""
    match = _HEADING.match(entry.heading)
    if match is not None:
        return _heading(_KINDS[match.group("kind").lower()], match.group("chapter"),
                        match.group("location"), match.group("page"), False)
    match = _SHAPE.match(entry.heading)
    if match is None:
        raise HeadingError(f"expected {EXPECTED_HEADING}")
    path, _, positions = match.group("rest").rpartition(">")
    numbers = [number for segment in re.split("[·•]", positions) if (number := _shape_number(segment))]
    if not numbers:  # every Kindle heading has a page or a location: this is something else
        raise HeadingError(f"no page or location number (expected {EXPECTED_HEADING})")
    page = location = None
    if len(numbers) >= 2:
        page, location = numbers[-2][1], numbers[-1][1]
    else:
        segment, value = numbers[0]
        if _PAGE_WORD.search(segment) or not value[0].isdecimal():
            page = value
        else:
            location = value
    kind = "highlight" if entry.colour else "note" if text else "bookmark"
    return _heading(kind, path or None, location, page, True)


def _shape_number(segment: str) -> tuple[str, str] | None:
    """The number of one ``·``-separated part of a heading: its first arabic number, or else
    its last word if that is a roman numeral; None if neither."""
    if found := _NUMBER.search(segment):
        return segment, found.group(0)
    words = segment.split()
    if words and _ROMAN.fullmatch(words[-1]):
        return segment, words[-1]
    return None


def _heading(kind: str, path: str | None, location: str | None, page: str | None,
             by_shape: bool) -> Heading:
    if location:
        position: int | str = _number(location, "location")
        position_type = LocationType.LOCATION
    elif page:
        position, position_type = _page(page), LocationType.PAGE
    else:
        return Heading(kind, path, None, None, by_shape)
    return Heading(kind, path, position, position_type, by_shape,
                    _page(page) if page and position_type is LocationType.LOCATION else None)


def _number(value: str, what: str) -> int:
    """``1234``, ``1,234``, ``1.234``, ``1 234`` (thousands in groups of three, one separator)
    as an int; raises HeadingError for anything else."""
    if value.isdecimal() or _GROUPED.fullmatch(value):
        digits = "".join(c for c in value if c.isdecimal())
        if len(digits) <= MAX_POSITION_DIGITS:
            return int(digits)
    raise HeadingError(f"{what} {value!r} is not a Kindle {what} number")


def _page(page: str) -> int | str:
    if _ROMAN.fullmatch(page):
        return page.lower()
    return _number(page, "page")
