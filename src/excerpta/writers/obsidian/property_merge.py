"""A note's properties on re-sync: ours updated in place, the user's kept byte for byte.

The front matter is cut into top-level properties as written (a property: its key's line at
column 0 and every line under it — indented lines, ``- item`` lines, the blank and comment
lines between them); comment and blank lines between two properties stand alone. Only the
properties excerpta writes and whose value changed are written again, where they were; one
it writes for the first time goes at the end; one it no longer writes is removed. Every other
line — the user's properties, comments, blank lines, quoting and list style — is kept as is,
never read and written back: PyYAML reads YAML 1.1, where ``012345``, ``1:30:00``, ``NO`` or
``0x1F`` are numbers and booleans, while Obsidian reads YAML 1.2, where they are text.

Front matter that cannot be cut that way (a flow mapping ``{…}`` other than JSON, an alias to
an anchor of another property, a repeated key, a top-level mapping not at column 0) is left as
it is, and the caller tells the user: writing ours would mean writing theirs again. A JSON
object (which Obsidian accepts, and rewrites as YAML) is written again as YAML, as Obsidian
would: JSON values mean the same to both YAML versions once the emitter has quoted them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from excerpta.writers.obsidian.frontmatter import SplitNote, dump_properties, find_fences
from excerpta.writers.obsidian.property_lists import holds_list, merged_list
from excerpta.yaml_load import safe_load

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_ITEM = re.compile(r"-(?:[ \t\r\n]|\Z)")  # a list item at column 0: the property above's
NOT_VALID = "front matter is not valid YAML; left as it is"
NOT_SPLIT = ("properties not updated: the front matter is written in a way (a flow mapping, "
             "anchors, a repeated key) that cannot be changed without rewriting yours; left as it is")


@dataclass(frozen=True)
class MergedProperties:
    """The front matter block to write (fences included) and what to tell the user about it
    (None: nothing to say)."""

    text: str
    message: str | None = None


@dataclass(frozen=True)
class _Chunk:
    """Lines of the front matter as written: a top-level property (``key`` and ``value`` as
    read) or comment and blank lines between two properties."""

    text: str
    is_property: bool = False
    key: Any = None
    value: Any = None


def merge_properties(existing: SplitNote, ours: dict[str, Any], managed: set[str],
                     previous: dict[str, list[Any]] | None = None) -> MergedProperties:
    """The front matter to write over ``existing``'s: ours updated, the user's kept.

    ``managed`` names every property excerpta may write (those of the template, even when
    empty now): such a property missing from ``ours`` is removed; any other is the user's.
    A list property (``tags``, ``author``…) is ours followed by the items the user added: an
    item in the note that is neither ours now nor was in ``previous`` (the lists we wrote last
    time, :func:`.frontmatter.owned_lists`; None when unknown, so every such item counts as the
    user's) is kept, so a tag the user added survives while one removed upstream goes. Items are
    read and compared as Obsidian does (``#Nature`` is the tag ``nature``), and a list the note
    holds as one string (``tags: nature reading``, as a formatter writes it) stays one, in its
    style (see :mod:`.property_lists`).
    Front matter that is not valid YAML (or whose aliases repeat too much to be read, see
    :mod:`excerpta.yaml_load`), or cannot be changed without writing the user's properties
    again (see the module docstring), is kept as it is, with a message saying so.
    A byte order mark and CRLF line ends of the front matter are kept.
    """
    if existing.broken:
        problem = f"{existing.problem}; left as it is" if existing.problem else NOT_VALID
        return MergedProperties(existing.front_matter, problem)
    block, current, previous = existing.front_matter, existing.properties or {}, previous or {}
    fences = find_fences(block)
    if fences is None or fences[1] is None:  # no front matter yet (perhaps a BOM)
        return MergedProperties(block + dump_properties(_merged(current, ours, managed, previous)))
    head, tail = block[:fences[0]], block[fences[1].start():]
    inner, newline = block[fences[0]:fences[1].start()], "\r\n" if head.endswith("\r\n") else "\n"
    flow = inner.lstrip().startswith("{")
    if current and not managed & current.keys() and not flow:
        # None of ours there yet (an adopted note): put ours on top, theirs byte for byte.
        return MergedProperties(head + _emit(ours, newline) + inner + tail)
    merged = _merged(current, ours, managed, previous)
    if _holds(current, merged, managed):
        return MergedProperties(block)
    if flow:
        # JSON, which Obsidian reads and writes back as YAML: its values read the same in YAML
        # 1.1 and 1.2 once written by the emitter (which quotes "012345" or "NO"), so it may too.
        as_json = _json_object(inner)
        if as_json is None:
            return MergedProperties(block, NOT_SPLIT)
        return MergedProperties(head + _emit(_merged(as_json, ours, managed, previous), newline) + tail)
    chunks = _chunks(inner, current)
    if chunks is None:
        return MergedProperties(block, NOT_SPLIT)
    changed = _changed(current, merged, managed)
    text = "".join(_updated(chunk, merged, changed, newline) for chunk in chunks)
    text += _emit({key: value for key, value in merged.items() if key not in current}, newline)
    try:
        written = safe_load(text) or {}
    except yaml.YAMLError:
        written = None
    if not isinstance(written, dict) or not _holds(written, merged, managed):
        return MergedProperties(block, NOT_SPLIT)
    return MergedProperties(head + text + tail)


def _merged(current: dict[Any, Any], ours: dict[str, Any], managed: set[str],
            previous: dict[str, list[Any]]) -> dict[Any, Any]:
    """The properties the note should hold, in the note's order, ours new at the end."""
    merged: dict[Any, Any] = {}
    for key, value in current.items():
        if key not in managed:
            merged[key] = value
        elif isinstance(ours.get(key), list) or (key not in ours and holds_list(key, value, key in previous)):
            items = merged_list(key, value, ours.get(key), previous.get(key, []))
            if items is not None:
                merged[key] = items
        elif key in ours:
            merged[key] = ours[key]
    for key, value in ours.items():
        merged.setdefault(key, value)
    return merged


def _chunks(inner: str, current: dict[Any, Any]) -> list[_Chunk] | None:
    """``inner`` (the front matter between its fences) cut into top-level properties, each
    read alone to the value the whole block gives it; None if it cannot be cut so."""
    groups: list[tuple[bool, list[str]]] = []  # (a property?, its lines)
    gap: list[str] = []
    for line in _LINE.findall(inner):
        if line.strip(" \t\r\n") == "" or line.startswith("#"):
            gap.append(line)  # the property's, if more of it follows; else between two
        elif line[0] in " \t" or _ITEM.match(line):
            if not groups:
                return None  # an indented first line: a mapping not at column 0
            groups[-1][1].extend([*gap, line])
            gap = []
        else:
            groups += [(False, gap), (True, [line])] if gap else [(True, [line])]
            gap = []
    groups += [(False, gap)] if gap else []
    chunks: list[_Chunk] = []
    for is_property, lines in groups:
        if not is_property:
            chunks.append(_Chunk("".join(lines)))
            continue
        try:
            read = safe_load("".join(lines))
        except yaml.YAMLError:
            return None  # an alias to another property's anchor, a flow mapping cut in two…
        if not isinstance(read, dict) or len(read) != 1:
            return None
        ((key, value),) = read.items()
        chunks.append(_Chunk("".join(lines), True, key, value))
    properties = [chunk for chunk in chunks if chunk.is_property]
    if [chunk.key for chunk in properties] != list(current) or \
            not all(_equal(current[chunk.key], chunk.value) for chunk in properties):
        return None  # a repeated key, or a value that reads otherwise in the whole block
    return chunks


def _json_object(text: str) -> dict[str, Any] | None:
    """``text`` read as a JSON object, or None if it is not one."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _updated(chunk: _Chunk, merged: dict[Any, Any], changed: set[str], newline: str) -> str:
    """``chunk`` as it is, or our property written again if ``changed`` (nothing if we no
    longer write it)."""
    if not chunk.is_property or chunk.key not in changed:
        return chunk.text
    return _emit({chunk.key: merged[chunk.key]}, newline) if chunk.key in merged else ""


def _emit(properties: dict[str, Any], newline: str) -> str:
    """``properties`` as the lines of a front matter (no fences), with ``newline`` ends."""
    text = dump_properties(properties)[4:-4]
    return text if newline == "\n" else text.replace("\n", newline)


def _equal(a: Any, b: Any) -> bool:
    # repr as well: a NaN read twice is two NaNs, which never compare equal.
    return bool(a == b) or repr(a) == repr(b)


def _holds(read: dict[Any, Any], merged: dict[Any, Any], managed: set[str]) -> bool:
    """Whether front matter read as ``read`` holds the properties ``merged``, in that order."""
    return list(read) == list(merged) and not _changed(read, merged, managed) and \
        all(_equal(read[key], value) for key, value in merged.items() if key not in managed)


def _changed(read: dict[Any, Any], merged: dict[Any, Any], managed: set[str]) -> set[str]:
    """Our properties that ``read`` holds otherwise than ``merged`` (compared as YAML reads ours
    back once written: a date-time loses its fraction and zone), lacks, or should not hold."""
    ours = {key: value for key, value in merged.items() if key in managed}
    back = safe_load(dump_properties(ours)[4:-4] or "{}")
    gone = {key for key in read if key in managed and key not in merged}
    return gone | {key for key in ours if key not in read or not _equal(back[key], read[key])}
