"""The location label Readwise writes after a highlight's text: ``([Location 47](…))``, or
without a URL ``(Page 12)``, ``(Time 0:01:41)``. The readwise-md reader finds a highlight's
location by it, and :func:`excerpta.markdown_safety.defang` keeps a value from ending like it,
so one grammar serves both."""

from __future__ import annotations

import re

# The location Readwise writes after a highlight's text, ``([Location 47](…))`` or, without a
# URL, ``(Page 12)``: how the readwise-md reader finds it, and what defang keeps a value from
# ending with. Readwise separates label words with a no-break space as often as with a space.
# A page may be text, its brackets, parentheses and backslashes escaped by a backslash. In a
# link the label may hold spaces (``[Page 12 a](…)``: the link marks where it ends); without
# one, only after a no-break space (``(Page xii 3)``, as Readwise and our obsidian writer
# separate the label's words), else one word (``(Page after page)`` ending a text is text). A
# location after a no-break space may be any text as a page may (what a source gave).
_WORDS = r"\u00a0(?:\\\S|[^()\\\n])+"  # "[^\n]": a label is on one line
_WORD = r"\s(?:\\\S|[^\s()\\])+"
_WORDS_IN_LINK = r"(?:\\\S|[^\]()\\\n])+"  # no "]" unescaped: it ends the link text
_PAGE = rf"Page(?:{_WORDS}|{_WORD})"
_LOCATION = rf"Location(?:\s\d+|{_WORDS})"
_CLOCK = r"Time\s\d+(?::\d{1,2}){1,2}"
_IN_LINK = rf"Page\s{_WORDS_IN_LINK}|Location(?:\s\d+|\u00a0{_WORDS_IN_LINK})"
_LABEL = rf"View\sHighlight|View\sTweet|View\sPost|{_IN_LINK}|{_CLOCK}"
# A URL without spaces; balanced parentheses inside it are allowed (Wikipedia-style paths).
_URL = r"[^\s()]*(?:\([^\s()]*\)[^\s()]*)*"
LINK_DESTINATION = re.compile(_URL)  # what a location link's URL may be, as TRAILING_LINK reads it
TRAILING_LINK = re.compile(rf"\s*\(\[(?P<label>{_LABEL})\]\((?P<url>{_URL})\)\)\s*$", re.IGNORECASE)
TRAILING_LABEL = re.compile(rf"\s*\((?P<label>{_LOCATION}|{_PAGE}|{_CLOCK})\)\s*$", re.IGNORECASE)


def label_end_escaped(text: str) -> str:
    """``text`` with the last ``)`` of a location label it ends with written ``&#41;`` (which
    :func:`excerpta.markdown_safety.restore` reads back), so it is not read as its location."""
    # Escaped last, as the reader sees it. The last ")" is outside every code span (a span's
    # closer would come after it), and with it escaped the value ends with no other.
    if not text.rstrip().endswith(")") or (TRAILING_LINK.search(text) or TRAILING_LABEL.search(text)) is None:
        return text
    end = text.rindex(")")
    return f"{text[:end]}&#41;{text[end + 1:]}"
