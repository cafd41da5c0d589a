"""Where a PocketBook note is in its book: the device's position strings and the export's page.

The database keeps a position as ``pbr:/word?page=26&offs=663##epubcfi(/6/12!/4/28/1:655)``
(the page, the word offset on it, then the EPUB CFI; a PDF's ends in ``##pdfloc(…)``; the end
of a passage says ``over=`` for the offset); newer firmware writes ``pbr:/page?page=36&…``.
The notes export shows the same page as a bare number (``<p class="bm-page">22</p>``, its
"page #" words added by the export's style sheet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_PAGE = 10**7  # no book has more pages: a larger number is damage, not a page
_PAGE = re.compile(r"[?&]page=(\d{1,9})(?!\d)")
_OFFSET = re.compile(r"[?&](?:offs|over)=(\d{1,12})(?!\d)")
# A page as the export writes it, with the words a style sheet or an editor may have left
# around it ("page # 22.", "Seite Nr 22"), or a range of pages ("120-121").
_PAGE_TEXT = re.compile(r"\D{0,24}?(\d{1,9})(?:\s*[-–]\s*(\d{1,9}))?\D{0,8}")


@dataclass(frozen=True)
class Anchor:
    """A position string's page and offset on it (None where it has none)."""

    page: int | None
    offset: int | None


def anchor_of(value: str | None) -> Anchor:
    """The page and offset of the position ``value`` (None: neither)."""
    text = value or ""
    page = _PAGE.search(text)
    offset = _OFFSET.search(text)
    number = int(page.group(1)) if page else None
    return Anchor(number if number is not None and number <= MAX_PAGE else None,
                  int(offset.group(1)) if offset else None)


def page_range(text: str) -> tuple[int, int | None] | None:
    """The page (and the last page of a range) that an export's page text gives, or None
    where it gives no page (empty, no number, two numbers that are no range)."""
    found = _PAGE_TEXT.fullmatch(text.strip())
    if found is None:
        return None
    first = int(found.group(1))
    last = int(found.group(2)) if found.group(2) else None
    if first > MAX_PAGE:
        return None
    if last is not None and not first < last <= MAX_PAGE:
        last = None  # "120-120", or a second number that ends no range: the first page alone
    return first, last
