"""One of our list properties (``tags``, ``aliases``, ``author``…) as a note holds it: its items
read as Obsidian reads them, told from the ones excerpta wrote, and written back in the note's style.

A note may hold a list property as one string: Obsidian Linter's "Format YAML array" rule writes
``tags: nature reading``, ``tags: nature, reading`` or ``aliases: Walden, Life in the Woods``, and
a user may write ``tags: "#nature #reading"``. Such a string is read as Obsidian reads it:

- ``tags``: split at commas and white space, each item a tag (a nested tag ``inbox/to-read`` is
  one); a tag, in a string or a list, is compared as Obsidian compares tags, without its leading
  ``#`` and whatever its case (``#Nature`` is ``nature``);
- ``aliases``: split at commas, each item trimmed (an alias may hold spaces);
- any other list property (``author``): one item.

Written back, the merged items keep the note's form: a string joined with the note's delimiter (a
``#`` before each tag if every tag had one), or the note's value as it is when its items are
unchanged, so that a formatter and excerpta never rewrite a note in turn. An item of ours the
string cannot say (an alias holding a comma, which would read as two) makes it a YAML list.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from excerpta.writers.obsidian.frontmatter import as_written


@dataclass(frozen=True)
class _Reading:
    """How Obsidian reads a property: where it splits a string (None: one item), and whether it
    compares items as tags."""

    separator: re.Pattern[str] | None = None
    tags: bool = False

    def items(self, value: Any) -> list[Any]:
        """The items of a note's ``value``: a list's, a string's as Obsidian splits it, or one."""
        if isinstance(value, list):
            return value
        if value is None:
            return []
        if isinstance(value, str) and self.separator is not None:
            return [part.strip() for part in self.separator.split(value) if part.strip()]
        return [value]

    def comparable(self, item: Any) -> Any:
        """``item`` as two items are compared: a tag as Obsidian compares tags (Tags.md: "Tags
        are case-insensitive"; its leading ``#`` is not part of it), any other item as written
        (:func:`.frontmatter.as_written`)."""
        if self.tags and isinstance(item, str):
            return item.strip().removeprefix("#").lower()
        item = as_written(item)
        return item if isinstance(item, Hashable) else repr(item)


# Obsidian's help documented both: Tags.md (2023) "tags: recipe, cooking" is two tags, Aliases.md
# (2023) "You can add multiple aliases using commas: aliases: Doggo, Woofer, Yapper"
# (obsidianmd/obsidian-help), and obsidianmd/obsidian-importer#64 shows `aliases: This, also that`
# read as two aliases. Tags are split at white space too: a tag holds none (Tags.md), and the
# Linter's tags-only style "single string, space delimited" is such a list (platers/obsidian-linter
# src/utils/yaml.ts, convertTagValueToStringOrStringArray). Its help now asks for YAML lists only;
# read as one item, a Linter's string would grow by our list on every run.
_READINGS = {"tags": _Reading(re.compile(r"[,\s]+"), tags=True), "aliases": _Reading(re.compile(r","))}
_ONE_ITEM = _Reading()
_COMMA = re.compile(r" *, *")


@dataclass(frozen=True)
class _Style:
    """How a note writes a list property: ``delimiter`` between the items of one string (None: a
    YAML list), ``hashes`` a ``#`` before each tag."""

    delimiter: str | None = None
    hashes: bool = False


def holds_list(key: Any, value: Any, written_before: bool) -> bool:
    """Whether the note's ``value`` of ``key``, a property excerpta does not write now, is a list
    property's: a list, or a string where Obsidian takes only lists (``tags``, ``aliases``) or
    excerpta wrote a list last time (``written_before``)."""
    only_lists = _reading(key) is not _ONE_ITEM
    return isinstance(value, list) or (isinstance(value, str) and (written_before or only_lists))


def merged_list(key: Any, value: Any, ours: list[Any] | None, previous: list[Any]) -> Any:
    """What the note's list property ``key`` (now ``value``) should hold: ``ours`` (None: excerpta
    no longer writes it) followed by the note's items that excerpta did not write, neither ours
    now nor in ``previous`` (the list it wrote last time), so an item the user added is kept and one
    removed upstream goes. Items are read and compared as Obsidian does (see the module docstring);
    a tag of ours keeps the note's spelling of it. A string stays a string in the note's style where
    it can say the items; a list otherwise. None: nothing to hold (no list of ours, no user's item).
    """
    reading = _reading(key)
    style, items, wanted, same = _style(value, reading), reading.items(value), ours or [], reading.comparable
    splits = style.delimiter is not None and reading.separator is not None

    def parts(item: Any) -> list[Any]:  # an item of ours as the note's string would hold it
        return reading.items(item) if splits and isinstance(item, str) else [item]

    # A tag of ours keeps the note's spelling (its first); no other item is spelt two ways.
    spelled = {same(item): item for item in reversed(items) if reading.tags and isinstance(item, str)}
    written = {same(part) for item in [*wanted, *previous] for part in parts(item)}
    users = [item for item in items if same(item) not in written]
    if ours is None and not users:
        return None
    shown = [spelled.get(same(part), _dressed(part, style)) for item in wanted for part in parts(item)]
    if style.delimiter is None:
        return shown + users
    if shown + users == items:
        return value
    text = style.delimiter.join(shown + users) if all(isinstance(part, str) for part in shown) else ""
    if text and reading.items(text) == shown + users and len(shown) == len(wanted):
        return text
    return [spelled.get(same(item), _dressed(item, style)) for item in wanted] + users


def _reading(key: Any) -> _Reading:
    # Obsidian finds tags and aliases whatever the key's case (/^tags$/i).
    return _READINGS.get(key.lower(), _ONE_ITEM) if isinstance(key, str) else _ONE_ITEM


def _style(value: Any, reading: _Reading) -> _Style:
    """How the note writes ``value``: its delimiter if it is a string, and its tags' hashes."""
    items = reading.items(value)
    hashes = reading.tags and bool(items) and all(str(item).startswith("#") for item in items)
    if not isinstance(value, str):
        return _Style(None, hashes)
    comma = _COMMA.search(value)
    return _Style(comma.group() if comma is not None else " " if reading.tags else ", ", hashes)


def _dressed(item: Any, style: _Style) -> Any:
    """An item of ours as the note writes its items: with a ``#`` where every tag has one."""
    return f"#{item}" if style.hashes and isinstance(item, str) and not item.startswith("#") else item
