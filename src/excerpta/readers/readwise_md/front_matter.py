"""YAML front matter of a Readwise note, read with PyYAML and turned back into text.

Readwise writes front matter only through a user's custom template, typically
``author: [[{{author}}]]`` unquoted, which YAML reads as a nested list (``[["Ann Lee"]]``):
:func:`as_text` turns such values back into the ``[[Ann Lee]]`` the template wrote.

Front matter whose YAML aliases (``*a``) would repeat more than
:data:`excerpta.yaml_load.MAX_ALIAS_GROWTH` characters ("billion laughs") is refused by
:func:`excerpta.yaml_load.safe_load` before any value is built, so :func:`as_text` never
spells one out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from excerpta.yaml_load import safe_load

FENCE = "---"
CLOSING_FENCES = ("---", "...")
# What reading YAML raises besides YAMLError: PyYAML's constructors let ValueError through for
# an impossible date (``2023-02-30``, year 0, hour 25, a ``+99:00`` offset) or a bad ``!!int``,
# and its recursive parser and constructor hit RecursionError on deeply nested lists.
UNREADABLE_YAML = (yaml.YAMLError, ValueError, OverflowError, RecursionError)
MAX_TEXT_DEPTH = 8  # list nesting as_text follows; a template writes two at most (``[[a]]``)


class FrontMatterError(ValueError):
    """Front matter that cannot be read; ``line`` is where (1-based, in the whole file).
    ``body``: the rest of the note, when the front matter's end is known (its closing fence)."""

    def __init__(self, line: int, reason: str, body: str | None = None) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason
        self.body = body


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(fields, body)``: the front matter with case-folded keys (``{}`` if the note has
    none) and the rest of the note.

    Raises FrontMatterError for an unclosed block, invalid YAML (an impossible date too), or
    YAML that is not a mapping, aliases that add more than
    :data:`excerpta.yaml_load.MAX_ALIAS_GROWTH` characters; never anything else, whatever the
    text.
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
    body = "\n".join(lines[index + 1:])
    try:
        data = safe_load(block)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise FrontMatterError(line, f"broken YAML front matter: {problem}", body) from None
    except RecursionError:
        raise FrontMatterError(2, "broken YAML front matter: nested too deeply", body) from None
    except (ValueError, OverflowError) as err:
        line = _unconstructible_line(block) + 1
        raise FrontMatterError(line, f"broken YAML front matter: {err}", body) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(2, "front matter is not a set of 'key: value' lines", body)
    fields = {str(key).strip().casefold(): value for key, value in data.items()}
    return fields, body


def _unconstructible_line(block: str) -> int:
    """The line (1-based, in ``block``) of the first top-level key or value whose YAML parses
    but cannot be made into a value (``date: 2023-02-30``); 1 if it cannot be told."""
    try:
        root = yaml.compose(block, Loader=yaml.SafeLoader)
    except UNREADABLE_YAML:
        return 1
    if not isinstance(root, yaml.MappingNode):
        return 1
    for pair in root.value:
        for node in pair:
            try:
                yaml.SafeLoader("").construct_document(node)
            except UNREADABLE_YAML:
                return int(node.start_mark.line) + 1
    return 1


def as_text(value: Any, _inside: tuple[int, ...] = ()) -> str | None:
    """A front-matter value as the text its template wrote; None for an empty value.

    ``[["Ann Lee"]]`` (an unquoted ``[[Ann Lee]]``) becomes ``"[[Ann Lee]]"``; a plain list
    is joined with ``", "``; dates are ISO 8601. Lists nested deeper than any template writes
    are cut off there, and a list inside itself (an anchor holding its own alias,
    ``&x [*x, *x]``) is cut off where it is met again, as ``repr`` does.
    """
    if value is None or len(_inside) > MAX_TEXT_DEPTH or id(value) in _inside:
        return None
    if isinstance(value, list):
        inside = (*_inside, id(value))
        if len(value) == 1 and isinstance(value[0], list) and id(value[0]) not in inside:
            # YAML split "[[a, b]]" at the comma; put the wikilink back together.
            inside += (id(value[0]),)
            return "[[" + ", ".join(as_text(item, inside) or "" for item in value[0]) + "]]"
        parts = [as_text(item, inside) for item in value]
        return ", ".join(part for part in parts if part) or None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return None  # a nested mapping is no text any template of Readwise's writes
    text = str(value).strip()
    return text or None
