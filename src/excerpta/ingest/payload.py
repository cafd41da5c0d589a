"""A body posted to the ingest endpoint, checked: Readwise's highlight CREATE, as the apps that
send to Readwise send it (reference: ``readwise.md`` §1.7; ``local-formats.md`` §3.9).

The body is ``{"highlights": [highlight, ...]}`` (a bare list is taken too). A highlight is an
object with ``text`` (or, lacking it, a ``note``) and any of Readwise's other CREATE fields:
``title``, ``author``, ``image_url``, ``source_url``, ``source_type``, ``category``, ``note``,
``location``, ``location_type``, ``highlighted_at``, ``highlight_url``; besides them ``chapter``
(Moon+ Reader sends it) and ``color`` (Readwise's UPDATE field). Other keys are ignored.

Refused as Readwise refuses a request, all or nothing: a highlight that is no object, or has
neither text nor note, or a body that is not such JSON, refuses the whole request
(:class:`PayloadError`, answered 400 with what is wrong with each highlight), so a client that
splits a refused request to find the culprit, as excerpta's own ``readwise`` writer does,
works here as there. An optional field that does not fit (a ``location`` that is no number, a
date that does not parse, an unknown ``category``) is left out and the highlight kept: the
user cannot fix what an app sends, and the highlight is worth more than its position. What was
left out is returned, to be logged (never a value: highlights are the user's private text).

No length limit is Readwise's here (its 8,191 characters of text would refuse a long passage
an app sends whole); the body's size is the server's limit.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from excerpta.json_load import loads

TEXT_FIELDS = ("text", "note", "title", "author", "image_url", "source_url", "source_type",
               "highlight_url", "chapter", "color")
CATEGORIES = frozenset({"books", "articles", "tweets", "podcasts", "supplementals"})
LOCATION_TYPES = frozenset({"page", "order", "time_offset", "location", "offset"})
_DIGITS = re.compile(r"-?[0-9]{1,19}")
_MILLISECONDS = 10**11  # an epoch number above this is in ms: 10^11 s is the year 5138


class PayloadError(ValueError):
    """The body is refused whole; ``answer`` is the 400 answer's JSON (Readwise's shape: for a
    bad highlight list, one object per highlight naming what is wrong with it, ``{}`` for one
    that was right)."""

    def __init__(self, message: str, answer: Any) -> None:
        super().__init__(message)
        self.answer = answer


@dataclass
class Checked:
    """The highlights of a body, each a dict of the fields it gave (``None`` for one given
    empty or null, or left out as it did not fit; a field not given is no key: the reader
    keeps what the library holds of it), and the fields left out as ``(index, field, why)``."""

    highlights: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[tuple[int, str, str]] = field(default_factory=list)


def check_body(body: bytes) -> Checked:
    """The highlights posted in ``body``; raises PayloadError when it is refused."""
    try:
        data = loads(body)  # a lone surrogate (half an emoji an app cut) becomes U+FFFD
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PayloadError("the body is not JSON",
                           {"detail": "JSON parse error: the body is not JSON."}) from None
    items = data.get("highlights") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise PayloadError('expected {"highlights": [...]}',
                           {"highlights": ['Expected a list of items, as {"highlights": [...]}.']})
    checked = Checked()
    problems: list[dict[str, list[str]]] = []
    for index, item in enumerate(items):
        problem, highlight = _check_highlight(item, index, checked.left_out)
        problems.append(problem)
        if highlight is not None:
            checked.highlights.append(highlight)
    refused = [index for index, problem in enumerate(problems) if problem]
    if refused:
        raise PayloadError(f"{len(refused)} of {len(items)} highlight(s) refused (the first: number "
                           f"{refused[0] + 1}, {_first_reason(problems[refused[0]])})",
                           {"highlights": problems})
    return checked


def _first_reason(problem: dict[str, list[str]]) -> str:
    name, reasons = next(iter(problem.items()))
    return f"{name}: {reasons[0]}"


def _check_highlight(item: Any, index: int, left_out: list[tuple[int, str, str]],
                     ) -> tuple[dict[str, list[str]], dict[str, Any] | None]:
    """What is wrong with ``item`` (``{}``: nothing) and the highlight it is (None if refused)."""
    if not isinstance(item, dict):
        return {"non_field_errors": ["Expected a highlight object."]}, None
    highlight: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name not in item:
            continue
        value = item[name]
        if value is None or isinstance(value, str):
            # Blank is empty ("   " is no title: it would name no book), but text keeps its spaces.
            highlight[name] = value if value and value.strip() else None
        elif name in ("text", "note"):  # the highlight itself: refused, not silently emptied
            return {name: ["Not a valid string."]}, None
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            highlight[name] = str(value)  # an app that sends an author or chapter as a number
        else:  # left out: the library keeps what it holds of it
            left_out.append((index, name, "not a string"))
    if not (highlight.get("text") or "").strip() and not (highlight.get("note") or "").strip():
        return {"text": ["This field may not be blank."]}, None
    highlight["text"] = highlight.get("text") or ""
    for name, check in _CHECKS.items():
        if name in item:
            value = check(item[name])
            if value is _UNFIT:
                left_out.append((index, name, _WHY[name]))
            else:
                highlight[name] = value
    return {}, highlight


_UNFIT: Any = object()  # what a check returns for a value that does not fit: the field left out


def _choice(value: Any, allowed: frozenset[str]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    return _UNFIT


def _location(value: Any) -> int | None:
    """A whole number (as a number or ASCII digits, one sign at most), else :data:`_UNFIT`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        number = None
    if number is None or abs(number) >= 2**63:  # SQLite's integers
        return _UNFIT
    return number


def _moment(value: Any) -> str | None:
    """An ISO 8601 instant in UTC (``…Z``): from ISO text (no offset: UTC, as Readwise takes
    it) or an epoch number (seconds, or milliseconds as Android apps count)."""
    if value is None or value == "":
        return None
    moment: datetime | None = None
    try:
        if isinstance(value, str):
            moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            moment = datetime.fromtimestamp(value / 1000 if abs(value) > _MILLISECONDS else value, UTC)
    except (ValueError, OverflowError, OSError):
        moment = None
    if moment is None:
        return _UNFIT
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "category": lambda value: _choice(value, CATEGORIES),
    "location_type": lambda value: _choice(value, LOCATION_TYPES),
    "location": _location,
    "highlighted_at": _moment,
}
_WHY = {"category": f"not one of {', '.join(sorted(CATEGORIES))}",
        "location_type": f"not one of {', '.join(sorted(LOCATION_TYPES))}",
        "location": "not a whole number", "highlighted_at": "not an ISO 8601 date"}


def number_of(*parts: str | None) -> int:
    """A stable positive number (below 2^48, as JavaScript counts exactly) for an identity."""
    digest = hashlib.blake2b("\x1f".join(part or "" for part in parts).encode("utf-8"), digest_size=6)
    return int.from_bytes(digest.digest(), "big")


def books_answer(highlights: list[dict[str, Any]], now: str) -> list[dict[str, Any]]:
    """Readwise's answer to a CREATE: the books the highlights went to, each with the ids of
    those it took (``modified_highlights``)."""
    books: dict[int, dict[str, Any]] = {}
    for highlight in highlights:
        given = highlight.get
        title = given("title") or "Quotes"
        category = given("category") or ("articles" if given("source_url") else "books")
        book_id = number_of(title, given("author"), category, given("source_url"))
        book = books.setdefault(book_id, {
            "id": book_id, "title": title, "author": given("author"), "category": category,
            "source": given("source_type"), "num_highlights": 0, "last_highlight_at": None,
            "updated": now, "cover_image_url": given("image_url"), "highlights_url": "",
            "source_url": given("source_url"), "modified_highlights": []})
        book["num_highlights"] += 1
        book["last_highlight_at"] = max(filter(None, (book["last_highlight_at"], given("highlighted_at"))),
                                        default=None)
        book["modified_highlights"].append(number_of(given("highlight_url") or given("text"), str(book_id)))
    return list(books.values())
