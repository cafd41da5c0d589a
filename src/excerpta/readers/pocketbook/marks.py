"""One note item of a PocketBook's ``books.db`` (a row of ``Items`` whose parent is a book, and
its ``Tags``) as a :class:`~.documents.Mark`, or the reason it is none.

The item's tags, by their ``TagNames`` name:

* ``bm.type``: ``highlight``, ``note`` (a highlight with a note), ``bookmark`` or ``draws`` (a
  drawing with the stylus: left out, the model holds no drawing);
* ``bm.quotation``: JSON ``{"begin": <position>, "end": <position>, "text": <passage>}``
  (``"Bookmark"`` as a bookmark's passage; ``"Snapshot"`` with a ``bm.image`` tag for a picture
  of a page region: left out); a note edited in the Notes app may have lost ``begin``/``end``;
* ``bm.note``: JSON ``{"text": <note>}`` (or ``{}``);
* ``bm.book_mark``: JSON ``{"anchor": <position>, "created": <seconds since 1970>}``;
* ``bm.color``: the colour's word (:mod:`.colours`).

Positions are :mod:`.positions`' strings; the page is the passage's ``begin`` (else the
anchor's), the end page its ``end``'s. ``created`` dates it, else the item's ``TimeAlt``; it is
``updated_at`` where one of its tags was edited later (``Tags.TimeEdt``). Times are UTC.

A value that is not what the firmware writes (JSON that does not parse, a date out of range,
bytes that are not UTF-8) is a problem: a passage that cannot be read skips the item
(reported); a note, date or position that cannot be read is left out of it (reported, read
in part). An item with neither passage nor note is reported and skipped; NUL bytes in a value
are a page of the database lost (reported, skipped, the read cut short).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from excerpta.json_load import JsonTextError, loads
from excerpta.readers.kobo.text import as_int, as_text, is_utf8
from excerpta.readers.pocketbook.colours import colour_name
from excerpta.readers.pocketbook.documents import Mark
from excerpta.readers.pocketbook.export_parser import body_text
from excerpta.readers.pocketbook.positions import anchor_of
from excerpta.readers.sqlite_damage import Skipped

READ_TYPES = frozenset({"highlight", "note", "bookmark"})
BOOKMARK_TEXT, SNAPSHOT_TEXT = "Bookmark", "Snapshot"
MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z: past it, no date
_UUID_CHARACTERS = frozenset("0123456789abcdefABCDEF-{}")


@dataclass(frozen=True)
class Tag:
    """A tag's value and when it was edited, as SQLite gives them (text as bytes)."""

    value: object
    edited: object = None


@dataclass(frozen=True)
class Item:
    """An ``Items`` row: its OID, its state (0: in use), ``TimeAlt`` and ``HashUUID``."""

    oid: int
    state: object = 0
    time: object = None
    uuid: object = None


@dataclass
class Parsed:
    """An item read as a Mark, and the problems of the values it was read without."""

    mark: Mark
    problems: list[str] = field(default_factory=list)


def parse_item(item: Item, tags: dict[str, Tag]) -> Parsed:
    """The Mark of ``item`` with ``tags`` (by name); raises Skipped where it gives none (see
    the module docstring)."""
    problems: list[str] = []
    left_out: set[str] = set()
    kind = (_text(tags.get("bm.type"), "bm.type", problems) or "").strip().casefold()
    if kind == "draws" or "bm.draws" in tags:
        raise Skipped("drawing", reported=False)
    try:
        quotation = _object(tags.get("bm.quotation"), "bm.quotation", problems)
    except ValueError as err:
        raise Skipped(str(err), reported=True) from None
    text = _passage(quotation.get("text"))
    try:
        note = _passage(_object(tags.get("bm.note"), "bm.note", problems).get("text")) or None
    except ValueError as err:
        problems.append(f"{err}: read without its note")
        note, left_out = None, left_out | {"note"}
    if any("\x00" in value for value in (text, note or "", kind)):
        raise Skipped("damaged (NUL bytes where its text was: a page of the database lost)",
                      reported=True, damaged=True)
    if text == SNAPSHOT_TEXT and ("bm.image" in tags or kind == "snapshot"):
        raise Skipped("snapshot", reported=False)
    bookmark = kind == "bookmark" or (not kind and text == BOOKMARK_TEXT)
    if not bookmark and not text and not note:
        raise Skipped(f"a {kind or 'highlight'} without passage or note", reported=True)
    if kind and kind not in READ_TYPES and kind != "snapshot":
        problems.append(f"bm.type {kind[:40]!r} is not one excerpta knows (highlight, note, bookmark): "
                        "read as a highlight")
    try:
        book_mark = _object(tags.get("bm.book_mark"), "bm.book_mark", problems)
    except ValueError as err:
        problems.append(f"{err}: read without its anchor and date")
        book_mark, left_out = {}, left_out | {"highlighted_at"}
    start = anchor_of(_string(quotation.get("begin")) or _string(book_mark.get("anchor")))
    end = anchor_of(_string(quotation.get("end"))).page
    if start.page is None and (not bookmark or note):  # a bare bookmark is nothing to report
        problems.append("no page in its position: read without one")
        left_out |= {"location", "location_type", "end_location"}
    created = _moment(book_mark.get("created"), "bm.book_mark created", problems, left_out)
    if created is None:
        created = _moment(item.time, "TimeAlt", problems, left_out)
    edits = [when for tag in tags.values()
             if (when := _moment(tag.edited, "TimeEdt", [], set())) is not None]
    edits += [when for when in [_moment(quotation.get("updated"), "updated", [], set())] if when]
    latest = max(edits, default=None)
    uuid = (as_text(item.uuid) or "").strip()
    return Parsed(Mark(
        kind="bookmark" if bookmark else "highlight", text="" if bookmark else text, note=note,
        page=start.page, end_page=end if start.page is not None and end and end > start.page else None,
        colour=colour_name(_text(tags.get("bm.color"), "bm.color", problems)),
        created=created, updated=latest if created is not None and latest and latest > created else None,
        uuid=uuid if 0 < len(uuid) <= 64 and set(uuid) <= _UUID_CHARACTERS else None,
        order=(start.offset, created, item.oid), left_out=frozenset(left_out)), problems)


def is_in_use(item: Item) -> bool:
    """Whether ``item`` is in use (``State`` 0, or none): any other state is a note the device
    deleted (it keeps the row to sync the deletion), left out as the calibre plugin leaves it."""
    return item.state is None or as_int(item.state) == 0


def _text(tag: Tag | None, name: str, problems: list[str]) -> str | None:
    if tag is None:
        return None
    if not is_utf8(tag.value):
        problems.append(f"{name} is not valid UTF-8: read with U+FFFD for the bad bytes")
    return as_text(tag.value)


def _object(tag: Tag | None, name: str, problems: list[str]) -> dict[str, Any]:
    # A tag's JSON object; {} where there is no tag; ValueError for any other value.
    text = _text(tag, name, problems)
    if text is None or not text.strip():
        return {}
    try:
        value = loads(text)
    except JsonTextError as err:
        raise ValueError(f"{name} is not the JSON PocketBook writes ({err})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{name} is not the JSON object PocketBook writes")
    return value


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _passage(value: object) -> str:
    # A passage or note as the export shows it: lines squashed, empty ones dropped (the device
    # ends paragraphs with U+2029 and may pad them with no-break spaces).
    if not isinstance(value, str):
        return ""
    return body_text([value.replace("\u2029", "\n")])


def _moment(value: object, name: str, problems: list[str], left_out: set[str]) -> datetime | None:
    # Seconds since 1970 (a number, or digits), or an ISO 8601 time; None for none or 0.
    if value is None or isinstance(value, bool):
        return None
    text = as_text(value) if isinstance(value, bytes | str) else None
    try:
        number: float | None = float(value) if isinstance(value, int | float) else None
    except OverflowError:  # an integer past any float: no date
        number = math.inf
    if text is not None:
        text = text.strip()
        try:
            number = float(text) if text else 0.0
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                problems.append(f"{name} {text[:40]!r} is no date: read without it")
                left_out.add("highlighted_at")
                return None
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if number is None or number == 0:
        return None
    if not math.isfinite(number) or not 0 < number <= MAX_SECONDS:
        problems.append(f"{name} {number!r} is no date: read without it")
        left_out.add("highlighted_at")
        return None
    return datetime.fromtimestamp(number, UTC)
