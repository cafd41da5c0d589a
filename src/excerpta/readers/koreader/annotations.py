"""The annotations of a KOReader sidecar, in either schema, in reading order.

* 2024 and later: ``annotations[i]`` (KOReader keeps the list in document order). A highlight
  has ``pos0``/``pos1`` and ``text``; an entry without ``pos0`` is a bookmark, kept only when
  the user wrote a ``note`` on it (a lone note, empty text).
* Before 2024: ``highlight[page][i]`` (the passage: ``text``, ``pos0``, ``datetime`` …) and
  ``bookmarks[i]``, joined on ``datetime`` (and ``pos0`` where two share a second), as
  KOReader's exporter joins them. In a bookmark ``notes`` is the highlighted text and ``text``
  the user's note, unless it is the auto-text KOReader fills in (``Page 48 “…” @ <datetime>``,
  or ``text`` equal to ``notes``). A highlight without a bookmark has no note; a bookmark with
  ``highlighted`` but no highlight (left behind) is skipped, as the exporter skips it; a plain
  bookmark is kept only with a note of the user's. Highlights are put in reading order by
  page, then by position within the page (:func:`xpointer_order`), then by time.

Integer keys may be sparse and in any order; other keys of these lists are ignored. An entry
that is not a table, or a highlight with no text, is reported (``annotations[3]: …``) and
skipped; a value of the wrong type in a field that is not needed is reported and left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from excerpta.readers.koreader.lua_table import LuaTable

# (where, reason, kept): a record skipped (kept False), or a field of one left out (kept True)
Report = Callable[[str, str, bool], None]
_XPOINTER_STEP = re.compile(r"[^\[.]*(?:\[(\d+)\])?(?:\.(\d+))?")


@dataclass(frozen=True)
class Annotation:
    """One highlight or lone note of a sidecar, either schema, before it becomes a Highlight.

    ``position``: where it starts, for its id (an xpointer, ``"p12 x103 y240"`` on a PDF's
    page, ``"bookmark <page>"`` for a lone note); ``page``: its page as KOReader's exporter gives
    it, the book's own page label (``pageref``: ``"xii"``, ``"41"``) where the book has them,
    else the page KOReader showed it on; dates as the sidecar spells them."""

    where: str
    text: str
    note: str | None
    chapter: str | None
    color: str | None
    created: Any
    updated: Any
    position: str | None
    page: int | str | None


def annotations_of(sidecar: LuaTable, report: Report) -> Iterator[Annotation]:
    """The highlights and lone notes of a parsed sidecar in reading order (see the module
    docstring); the 2024 schema where the sidecar has an ``annotations`` table."""
    if isinstance(sidecar.get("annotations"), dict):
        return _current(sidecar["annotations"], report)
    return iter(_legacy(sidecar.get("highlight"), sidecar.get("bookmarks"), report))


def has_annotations(sidecar: LuaTable) -> bool:
    """Whether the sidecar holds an annotation table of either schema (maybe empty)."""
    return any(isinstance(sidecar.get(key), dict) for key in ("annotations", "highlight", "bookmarks"))


def _current(annotations: LuaTable, report: Report) -> Iterator[Annotation]:
    for index, entry in _numbered(annotations):
        where = f"annotations[{index}]"
        if not isinstance(entry, dict):
            report(where, f"expected a table, found {_kind(entry)}", False)
            continue
        fields = _Fields(entry, where, report)
        note, page = fields.text("note"), entry.get("page")
        # A bookmark has neither (its text is KOReader's, only a note is the user's).
        if "pos0" not in entry and "drawer" not in entry:
            if note:
                yield _lone_note(fields, where, note, page, _page(fields, page))
            continue
        text = fields.text("text")
        if not text and not note:
            report(where, "a highlight without text", False)
            continue
        yield Annotation(where, text or "", note, fields.text("chapter"), fields.text("color"),
                         entry.get("datetime"), entry.get("datetime_updated"),
                         _position(entry.get("pos0"), page), _page(fields, page))


def _legacy(highlights: Any, bookmarks: Any, report: Report) -> list[Annotation]:
    marks: dict[str, list[tuple[int, LuaTable]]] = {}  # by their time, as the sidecar spells it
    plain: list[tuple[int, LuaTable]] = []
    for index, mark in _numbered(bookmarks if isinstance(bookmarks, dict) else {}):
        if not isinstance(mark, dict):
            report(f"bookmarks[{index}]", f"expected a table, found {_kind(mark)}", False)
        elif mark.get("highlighted"):
            marks.setdefault(repr(mark.get("datetime")), []).append((index, mark))
        else:
            plain.append((index, mark))
    found: list[tuple[tuple[Any, ...], Annotation]] = []
    for page, index, entry in _legacy_entries(highlights, report):
        where = f"highlight[{page}][{index}]"
        fields = _Fields(entry, where, report)
        text = fields.text("text")
        mark = _claim(marks.get(repr(entry.get("datetime")), []), entry.get("pos0"))
        note = _user_note(mark) if mark is not None else None
        if not text and not note:
            report(where, "a highlight without text", False)
            continue
        annotation = Annotation(where, text or "", note, fields.text("chapter"), fields.text("color"),
                                entry.get("datetime"), None, _position(entry.get("pos0"), page),
                                page)
        found.append(((page, _order_within_page(entry.get("pos0")), str(entry.get("datetime"))), annotation))
    for index, mark in plain:
        note = _user_note(mark)
        if note:
            where = f"bookmarks[{index}]"
            page = mark.get("page")
            number = page if type(page) is int else None
            found.append(((number or 0, (), str(mark.get("datetime"))),
                          _lone_note(_Fields(mark, where, report), where, note, page, number)))
    found.sort(key=lambda item: item[0])
    return [annotation for _, annotation in found]


def _legacy_entries(highlights: Any, report: Report) -> Iterator[tuple[int, int, LuaTable]]:
    for page, entries in _numbered(highlights if isinstance(highlights, dict) else {}):
        if not isinstance(entries, dict):
            report(f"highlight[{page}]", f"expected a table, found {_kind(entries)}", False)
            continue
        for index, entry in _numbered(entries):
            if isinstance(entry, dict):
                yield page, index, entry
            else:
                report(f"highlight[{page}][{index}]", f"expected a table, found {_kind(entry)}", False)


def _claim(marks: list[tuple[int, LuaTable]], pos0: Any) -> LuaTable | None:
    # The bookmark of that second at the same place, else the first of that second left.
    for candidates in ([m for m in marks if m[1].get("pos0") == pos0], marks):
        if candidates:
            first = candidates[0]  # taken before the removal: ``candidates`` may be ``marks``
            marks.remove(first)
            return first[1]
    return None


def _user_note(mark: LuaTable) -> str | None:
    text, passage, when = mark.get("text"), mark.get("notes"), mark.get("datetime")
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    passage = passage.strip() if isinstance(passage, str) else ""
    if text == passage:
        return None
    # The auto-text, "Page %1 %2 @ %3" in the device's language: the passage, then the time.
    if isinstance(when, str) and text.endswith(f"@ {when}") and (not passage or passage in text):
        return None
    return text


def _lone_note(fields: _Fields, where: str, note: str, page: Any, number: int | str | None) -> Annotation:
    position = f"bookmark {_position(None, page) or ''}".strip()
    return Annotation(where, "", note, fields.text("chapter"), None, fields.entry.get("datetime"),
                      fields.entry.get("datetime_updated"), position, number)


def _position(pos0: Any, page: Any) -> str | None:
    if isinstance(pos0, str) and pos0.strip():
        return pos0.strip()
    if isinstance(pos0, dict):  # a PDF's: page and point
        parts = [f"{name}{_number(pos0.get(key))}" for name, key in (("p", "page"), ("x", "x"), ("y", "y"))
                 if isinstance(pos0.get(key), int | float)]
        if parts:
            return " ".join(parts)
    if isinstance(page, str) and page.strip():
        return page.strip()
    if type(page) is int:
        return f"p{page}"
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _page(fields: _Fields, page: Any) -> int | str | None:
    # As KOReader's exporter: the book's page label, else the page shown (``pageno``); a PDF's
    # ``page`` is its page already.
    label = fields.label("pageref")
    if label is not None:
        return label
    number = fields.integer("pageno")
    return number if number is not None else (page if type(page) is int else None)


def xpointer_order(xpointer: str) -> tuple[int, ...]:
    """A sort key of an xpointer (``/body/DocFragment[5]/body/div/p[4]/text()[1].4``): each
    step's index (1 where it has none), then the character offset. Exact between positions in
    one element and between elements of one name; between siblings of different names (a
    ``div[2]`` and a ``p[5]``), only a good guess."""
    order: list[int] = []
    for step in xpointer.strip("/").split("/"):
        match = _XPOINTER_STEP.fullmatch(step)
        if match is None:
            continue
        order.append(int(match.group(1) or 1))
        if match.group(2) is not None:
            order.append(int(match.group(2)))
    return tuple(order)


def _order_within_page(pos0: Any) -> tuple[float, ...]:
    if isinstance(pos0, str):
        return xpointer_order(pos0)
    if isinstance(pos0, dict):
        y, x = pos0.get("y"), pos0.get("x")
        return (y if isinstance(y, int | float) else 0, x if isinstance(x, int | float) else 0)
    return ()


def _numbered(table: LuaTable) -> list[tuple[int, Any]]:
    return sorted((key, value) for key, value in table.items() if type(key) is int)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, int | float) else "a string"


class _Fields:
    """Typed access to one entry's fields: a value of the wrong type is reported and read as
    missing."""

    __slots__ = ("entry", "report", "where")

    def __init__(self, entry: LuaTable, where: str, report: Report) -> None:
        self.entry, self.where, self.report = entry, where, report

    def text(self, key: str) -> str | None:
        value = self.entry.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.report(self.where, f"{key}: expected a string, found {_kind(value)}; left out", True)
        return None

    def integer(self, key: str) -> int | None:
        value = self.entry.get(key)
        if value is None or type(value) is int:
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        self.report(self.where, f"{key}: expected a whole number, found {_kind(value)}; left out", True)
        return None

    def label(self, key: str) -> int | str | None:
        value = self.text(key)
        return int(value) if value is not None and value.isascii() and value.isdigit() else value
