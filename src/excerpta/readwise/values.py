"""The values of Readwise API objects as canonical field values, for :mod:`.mapping`: each
takes what Readwise sent and gives what validation should see (a value of the wrong JSON type
stays as it is, for validation to report with the field's name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from excerpta.readwise.records import NAMESPACE

EXTERNAL_FALLBACK_KEY = "external"  # key of a highlight's external_id when its book has no source
MAX_LOCATION_DIGITS = 18  # a numeric-string location beyond this stays a string (SQLite int64)


def choice(value: Any, allowed: set[str], unknown: Any) -> Any:
    """``value`` if allowed, ``unknown`` for another string, None for nothing; a value of the
    wrong JSON type stays as it is for validation to report (a list is not even hashable)."""
    if not isinstance(value, str):
        return value if value else None
    return value if value in allowed else (unknown if value else None)


def tag_names(raw: Any) -> Any:
    """The names of a tag list; a value that is not a list stays as it is for validation."""
    if not raw:
        return []
    if not isinstance(raw, list):
        return raw
    names = []
    for tag in raw:
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str) and name.strip():
            names.append(name)
    return names


def position(value: Any) -> Any:
    """A location: a string of ASCII digits as a number (``"12"`` → 12), anything else as is."""
    if isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= MAX_LOCATION_DIGITS:
            return int(digits)
    return value


def external_ids(own_id: int | str, external_id: Any, source: Any) -> dict[str, str]:
    """A book's or highlight's ``external_ids``: its Readwise id, and its ``external_id`` (the
    Reader ULID, say) under its book's ``source``, else under ``external``."""
    ids = {NAMESPACE: str(own_id)}
    if isinstance(external_id, str | int) and not isinstance(external_id, bool) and str(external_id):
        ids[source if isinstance(source, str) and source else EXTERNAL_FALLBACK_KEY] = str(external_id)
    return ids
