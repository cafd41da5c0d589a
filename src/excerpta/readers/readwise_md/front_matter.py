"""YAML front matter of a Readwise note, read with PyYAML and turned back into text.

Readwise writes front matter only through a user's custom template, typically
``author: [[{{author}}]]`` unquoted, which YAML reads as a nested list (``[["Ann Lee"]]``):
:func:`as_text` turns such values back into the ``[[Ann Lee]]`` the template wrote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from excerpta.yaml_load import safe_load

FENCE = "---"
CLOSING_FENCES = ("---", "...")


class FrontMatterError(ValueError):
    """Front matter that cannot be read; ``line`` is where (1-based, in the whole file)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(fields, body)``: the front matter with case-folded keys (``{}`` if the note has
    none) and the rest of the note.

    Raises FrontMatterError for an unclosed block, invalid YAML, or YAML that is not a mapping.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return {}, text
    for index in range(1, len(lines)):
        if lines[index].rstrip() in CLOSING_FENCES:
            break
    else:
        raise FrontMatterError(1, "front matter opened with '---' is never closed")
    block = "\n".join(lines[1:index])
    try:
        data = safe_load(block)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise FrontMatterError(line, f"broken YAML front matter: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(2, "front matter is not a set of 'key: value' lines")
    fields = {str(key).strip().casefold(): value for key, value in data.items()}
    return fields, "\n".join(lines[index + 1:])


def as_text(value: Any) -> str | None:
    """A front-matter value as the text its template wrote; None for an empty value.

    ``[["Ann Lee"]]`` (an unquoted ``[[Ann Lee]]``) becomes ``"[[Ann Lee]]"``; a plain list
    is joined with ``", "``; dates are ISO 8601.
    """
    if value is None:
        return None
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], list):
            # YAML split "[[a, b]]" at the comma; put the wikilink back together.
            return "[[" + ", ".join(as_text(item) or "" for item in value[0]) + "]]"
        parts = [as_text(item) for item in value]
        return ", ".join(part for part in parts if part) or None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return None  # a nested mapping is no text any template of Readwise's writes
    text = str(value).strip()
    return text or None
