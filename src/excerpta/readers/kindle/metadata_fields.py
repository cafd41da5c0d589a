"""The fields of a Kindle metadata line, for :mod:`.metadata`'s grammar: the page and the
location (words of every locale, ranges, the 2009 firmware's abbreviated ends, a lone number),
positions a hand edit made negative, and the date field; with :class:`MetadataError`, the error
of a line that cannot be read, and :func:`shortened`, how a problem report quotes it.

Each reader takes the text of the line's fields and returns plain values; a field that says
nothing gives None. A position of more digits than any book has raises MetadataError; a date
that cannot be (31 February) is None with why (:func:`read_date`). The fast paths of
:func:`~excerpta.readers.kindle.metadata.parse_fast` use only :func:`int_range`, for the rare
abbreviated range.
"""

from __future__ import annotations

import re
from datetime import datetime

from excerpta.readers.kindle.dates import ImpossibleDate, parse_date
from excerpta.readers.kindle.locales import (
    LOCATION_WORDS,
    MAX_POSITION_DIGITS,
    PAGE_SUFFIX_WORDS,
    PAGE_WORDS,
    RANGE_SEPARATORS,
)

Position = int | str  # a roman page number ("xii") stays a string

_RANGE = r"(?:\s*(?:" + "|".join(re.escape(s) for s in RANGE_SEPARATORS) + r")\s*({num}))?"
_NUMBER = r"\d+(?:[,.]\d{3})*"
_PAGE_NUMBER = r"\d+|[ivxlcdm]+\b"
_LOCATION_RE = re.compile(
    r"(?:" + "|".join(LOCATION_WORDS) + r")\s*(" + _NUMBER + ")" + _RANGE.format(num=_NUMBER),
    re.IGNORECASE,
)
_PAGE_RE = re.compile(
    r"(?:" + "|".join(PAGE_WORDS) + r")\s*(" + _PAGE_NUMBER + ")" + _RANGE.format(num=_PAGE_NUMBER),
    re.IGNORECASE,
)
_PAGE_SUFFIX_RE = re.compile(r"(\d+)(?:\s*-\s*(\d+))?\s*(?:" + "|".join(PAGE_SUFFIX_WORDS) + ")")
BARE_RANGE_RE = re.compile(r"(\d+)" + _RANGE.format(num=r"\d+"))
# A page or location word before a minus sign: no book has one (the line was edited by hand).
NEGATIVE_RE = re.compile(r"(?:" + "|".join(PAGE_WORDS + LOCATION_WORDS) + r")\s*([-−]\s*" + _NUMBER
                         + r"(?:\s*[-–]\s*-?\s*" + _NUMBER + ")?)", re.IGNORECASE)


class MetadataError(ValueError):
    """The line is not a clippings metadata line; ``str()`` says why, for the problem report."""


def shortened(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters (with an ellipsis), for a one-line problem report."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def maybe_signed(head: str) -> bool:
    """Whether a minus may stand in ``head``: a hyphen after no digit (a range's follows one).
    Runs for every line the fast paths do not read, at a thirtieth of :data:`NEGATIVE_RE`'s cost."""
    if "−" in head:
        return True
    at = head.find("-")
    while at >= 0:
        if at == 0 or not head[at - 1].isdigit():
            return True
        at = head.find("-", at + 1)
    return False


def read_positions(head: str) -> tuple[tuple[Position, Position] | None, tuple[int, int] | None]:
    """The page and the location ``head`` (a metadata line but its date field) says, each a
    (start, end) range or None; raises MetadataError for a position of more digits than any
    book has."""
    location = None
    match = _LOCATION_RE.search(head)
    if match:
        location = int_range(match.group(1), match.group(2))
        head = head[: match.start()] + " " + head[match.end():]
    page = None
    match = _PAGE_RE.search(head) or _PAGE_SUFFIX_RE.search(head)
    if match:
        page = page_range(match.group(1), match.group(2))
        head = head[: match.start()] + " " + head[match.end():]
    if location is None and page is None:
        # Old or unknown wordings: one leftover number (range) is the location (calibre's rule).
        leftovers = BARE_RANGE_RE.findall(head)
        if len(leftovers) == 1:
            location = int_range(*leftovers[0])
        elif len(leftovers) == 2 and [len(BARE_RANGE_RE.findall(f)) for f in head.split("|")] == [1, 1]:
            # One in each field, in words no locale has (a file re-saved in another encoding:
            # "p\ufffdgina 467 | posi\ufffd\ufffdo 6607-6609"): a Kindle puts the page first.
            (first, first_end), (second, second_end) = leftovers
            page, location = page_range(first, first_end or None), int_range(second, second_end)
    return page, location


def int_range(start_text: str, end_text: str | None) -> tuple[int, int]:
    """The range of positions from ``start_text`` to ``end_text`` (None or empty: one position),
    an abbreviated end read as the firmware meant it; raises MetadataError as
    :func:`read_positions` does."""
    start = _position(start_text)
    if not end_text:
        return start, start
    end = _position(end_text)
    if end < start and len(end_text) < len(start_text):
        # 2009 firmware abbreviates the end: 5444-45 is 5444-5445, 1998-02 is 1998-2002.
        scale = 10 ** len(end_text)
        end = start - start % scale + end
        if end < start:
            end += scale
    return start, end


def _position(text: str) -> int:
    digits = text.replace(",", "").replace(".", "")
    if len(digits) > MAX_POSITION_DIGITS:
        raise MetadataError(f"position {shortened(text, 24)!r} is too large for a page or a location")
    return int(digits)


def page_range(start_text: str, end_text: str | None) -> tuple[Position, Position]:
    """As :func:`int_range`, but a roman page number (``xii``) stays a string, lower-cased."""
    if start_text.isdigit() and (end_text is None or end_text.isdigit()):
        return int_range(start_text, end_text)
    start = start_text.lower()
    return start, (end_text.lower() if end_text else start)


def read_date(field: str, locale: str | None) -> tuple[datetime | None, str | None]:
    """The date ``field`` says, or None with why, when it names one that cannot be (31
    February, 25 o'clock: a hand edit); (None, None) for a field that names no date."""
    try:
        return parse_date(field, locale), None
    except ImpossibleDate as err:
        return None, f"impossible date {shortened(field.strip())!r} ({shortened(str(err))})"
