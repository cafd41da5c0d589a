"""Inline code spans of Markdown text, found as a CommonMark parser pairs their backticks.

:func:`code_spans` is where :func:`excerpta.markdown_safety.defang` tells code from text: inside
a span it escapes only ``<%`` and ``^hl-`` (an entity there would show as typed), outside it
every construct that would run, hide or swallow part of a note, every backtick included, so
that a parser reading the note finds these spans and no others. Where the pairing differs
from CommonMark's, it does so to the safe side (see :func:`code_spans`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

_QUERY_AFTER = re.compile(r"[ \t\r\n]*\$?=")  # what follows a run that would open a query
_RUN_OR_ESCAPE = re.compile(r"\\[\s\S]|`+")
_LINE_END = re.compile(r"[\r\n]")


def code_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each inline code span of ``text``, as CommonMark pairs them: a run of
    backticks (not escaped by a backslash) opens a span that the next run of the same length
    closes; an opener without a closer is text.

    Two differences, both to the safe side: a run followed by ``=`` or ``$=`` does not open a
    span, and a span never crosses a line end (a line could start a block, an HTML block or a
    fence, that ends the paragraph). :func:`~excerpta.markdown_safety.defang` makes every
    backtick outside these spans text, so a parser finds these spans and no others."""
    position = 0
    while (found := _RUN_OR_ESCAPE.search(text, position)) is not None:
        position = found.end()
        run = found.group()
        if run[0] != "`" or _QUERY_AFTER.match(text, position):
            continue
        line_end = _LINE_END.search(text, position)
        end = line_end.start() if line_end else len(text)
        closer = _closer(len(run)).search(text, position, end)
        if closer is not None:
            yield found.start(), closer.end()
            position = closer.end()


@lru_cache(maxsize=16)
def _closer(length: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`)`{{{length}}}(?!`)")
