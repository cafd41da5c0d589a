"""YAML front matter of a Readwise note, read with PyYAML and turned back into text.

Readwise writes front matter only through a user's custom template, typically
``author: [[{{author}}]]`` unquoted, which YAML reads as a nested list (``[["Ann Lee"]]``):
:func:`as_text` turns such values back into the ``[[Ann Lee]]`` the template wrote.

YAML aliases (``*a``) repeat what an anchor (``&a``) holds: nine lists of nine aliases of the
one before ("billion laughs") stand for billions of values in a few hundred bytes. Front matter
whose aliases, spelled out as :func:`as_text` reads them, add more than :data:`MAX_ALIAS_GROWTH`
characters is refused before :func:`as_text` ever sees it.
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
# Characters that spelling out aliases (``*a``) may add to front matter: templates write none.
MAX_ALIAS_GROWTH = 100_000
# libyaml first, PyYAML's own parser for what libyaml rejects: as excerpta.yaml_load reads.
_LOADERS = (getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader)


class FrontMatterError(ValueError):
    """Front matter that cannot be read; ``line`` is where (1-based, in the whole file)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(fields, body)``: the front matter with case-folded keys (``{}`` if the note has
    none) and the rest of the note.

    Raises FrontMatterError for an unclosed block, invalid YAML (an impossible date too), or
    YAML that is not a mapping, aliases that add more than :data:`MAX_ALIAS_GROWTH`
    characters; never anything else, whatever the text.
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
    if "*" in block:  # no alias without one
        _refuse_alias_bomb(block)
    try:
        data = safe_load(block)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise FrontMatterError(line, f"broken YAML front matter: {problem}") from None
    except RecursionError:
        raise FrontMatterError(2, "broken YAML front matter: nested too deeply") from None
    except (ValueError, OverflowError) as err:
        line = _unconstructible_line(block) + 1
        raise FrontMatterError(line, f"broken YAML front matter: {err}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(2, "front matter is not a set of 'key: value' lines")
    fields = {str(key).strip().casefold(): value for key, value in data.items()}
    return fields, "\n".join(lines[index + 1:])


def _refuse_alias_bomb(block: str) -> None:
    """Raises FrontMatterError (at the key where the limit is passed) if spelling out the
    aliases of ``block``'s mapping, down to the depth :func:`as_text` reads, adds more than
    :data:`MAX_ALIAS_GROWTH` characters. YAML that cannot be read is left to the loader."""
    root = None
    for loader in _LOADERS:
        try:
            root = yaml.compose(block, Loader=loader)
            break
        except UNREADABLE_YAML:
            continue
    if not isinstance(root, yaml.MappingNode):
        return
    limit = _written_size(root) + MAX_ALIAS_GROWTH
    counted: dict[tuple[int, int], int] = {}
    spelled_out = 0
    for key, value in root.value:
        spelled_out += _spelled_out_size(key, 0, counted, limit) + _spelled_out_size(value, 0, counted, limit)
        if spelled_out > limit:
            raise FrontMatterError(int(key.start_mark.line) + 2, (
                f"broken YAML front matter: its aliases (*name) repeat more than "
                f"{MAX_ALIAS_GROWTH:,} characters"))


def _size(node: yaml.Node) -> int:
    # A value's weight: one, and a scalar's characters.
    return 1 + len(node.value) if isinstance(node, yaml.ScalarNode) else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _spelled_out_size(node: yaml.Node, depth: int, counted: dict[tuple[int, int], int],
                      limit: int) -> int:
    """The size of ``node`` at list depth ``depth`` with its aliases spelled out, nothing counted
    below MAX_TEXT_DEPTH (where as_text stops, and an anchor holding itself ends); ``limit`` + 1
    for more. ``counted`` keeps each (node, depth)'s: an anchor aliased nine times is counted once."""
    key = (id(node), depth)
    if key not in counted:
        size = _size(node)
        if depth <= MAX_TEXT_DEPTH:
            for child in _children(node):
                size += _spelled_out_size(child, depth + 1, counted, limit)
                if size > limit:
                    break
        counted[key] = min(size, limit + 1)
    return counted[key]


def _written_size(root: yaml.Node) -> int:
    """The size of the nodes under ``root``, each once: the values as the text writes them."""
    seen: set[int] = set()
    size, pending = 0, [root]
    while pending:
        node = pending.pop()
        if id(node) not in seen:
            seen.add(id(node))
            size += _size(node)
            pending.extend(_children(node))
    return size


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


def as_text(value: Any, _depth: int = 0) -> str | None:
    """A front-matter value as the text its template wrote; None for an empty value.

    ``[["Ann Lee"]]`` (an unquoted ``[[Ann Lee]]``) becomes ``"[[Ann Lee]]"``; a plain list
    is joined with ``", "``; dates are ISO 8601. Lists nested deeper than any template writes
    (or an anchor holding itself, ``&x [*x]``) are cut off there.
    """
    if value is None or _depth > MAX_TEXT_DEPTH:
        return None
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], list):
            # YAML split "[[a, b]]" at the comma; put the wikilink back together.
            return "[[" + ", ".join(as_text(item, _depth + 1) or "" for item in value[0]) + "]]"
        parts = [as_text(item, _depth + 1) for item in value]
        return ", ".join(part for part in parts if part) or None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return None  # a nested mapping is no text any template of Readwise's writes
    text = str(value).strip()
    return text or None
