"""The items of a list property (``tags``, ``author``…) in a note, told from the ones excerpta wrote.

Used by :mod:`.property_merge` on re-sync: the items the user added to one of our lists are kept.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from excerpta.writers.obsidian.frontmatter import as_written


def users_items(value: Any, ours: list[Any], previous: list[Any]) -> list[Any]:
    """The items of the note's ``value`` (a list, or one item) that excerpta did not write."""
    written = {comparable(item) for item in [*ours, *previous]}
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [item for item in items if comparable(item) not in written]


def comparable(item: Any) -> Any:
    """``item`` as two items are compared: as written (see :func:`.frontmatter.as_written`)."""
    item = as_written(item)
    return item if isinstance(item, Hashable) else repr(item)
