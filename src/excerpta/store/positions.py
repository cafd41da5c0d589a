"""Stored positions of highlights found by overlap with a range: how the merge rules that
match copies of one highlight (:mod:`.resaves`, :mod:`.unify`) find their candidates."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from excerpta.identity import ranges_overlap

_Position = int | str | None


class Positions:
    """Stored positions, found by overlap with a range: sorted by start, per location type.
    Each row: (start, end, rowid)."""

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        numbered: dict[Any, list[tuple[Any, ...]]] = {}
        self._span: dict[Any, int] = {}  # by type: the longest numbered range
        self._other: dict[tuple[Any, Any], list[tuple[Any, ...]]] = {}  # by type and start
        self.size = 0
        for kind, start, end, rowid in rows:
            self.size += 1
            if type(start) is int:
                numbered.setdefault(kind, []).append((start, end, rowid))
                if type(end) is int and end - start > self._span.get(kind, 0):
                    self._span[kind] = end - start
            else:
                self._other.setdefault((kind, start), []).append((start, end, rowid))
        self._numbered: dict[Any, tuple[list[int], list[tuple[Any, ...]]]] = {}
        for kind, entries in numbered.items():
            entries.sort(key=lambda entry: (entry[0], entry[2]))  # by start, then rowid
            self._numbered[kind] = ([entry[0] for entry in entries], entries)

    def starts(self, kind: Any) -> list[int]:
        """The numbered starts of location type ``kind``, sorted (one per row)."""
        return self._numbered.get(kind, ([], []))[0]

    def near(self, kind: Any, start: _Position, end: _Position) -> list[tuple[Any, ...]]:
        """The rows of location type ``kind`` whose range overlaps ``start..end``."""
        if type(start) is not int:
            return list(self._other.get((kind, start), ()))
        starts, entries = self._numbered.get(kind, ([], []))
        last = end if type(end) is int and end > start else start
        found = []
        for at in range(bisect_left(starts, start - self._span.get(kind, 0)), bisect_right(starts, last)):
            entry = entries[at]
            if ranges_overlap(start, end, entry[0], entry[1]):
                found.append(entry)
        return found
