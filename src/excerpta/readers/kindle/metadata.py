"""The second line of a clippings record: kind, page, location and the device-local date.

``- Your Highlight on page 12 | Location 123-125 | Added on Sunday, January 2, 2022 10:11:12 AM``
and its relatives in every language and firmware generation (see
:mod:`excerpta.readers.kindle.locales`). The grammar is structural, after calibre and hadynz:
the last ``|`` field is the date, the kind is the locale phrase found in the rest, the page and
the location are the numbers after the locale's page and location words, and a lone leftover
number is the location (the fields are read by :mod:`.metadata_fields`).

A line in a wording no locale knows (a Kindle language no real file has shown us) is read by
its shape when it has one: ``|``-separated fields with positions, and a time in the last. A
location *range* is a highlight and a single location a note (the reader makes a note without
text a bookmark): all 30 notes of the real corpus files have a single location, and 176 of
their 193 highlights a range. Of two numbered fields the first is the page and the second the
location, as in every known wording. Its locale is :data:`UNKNOWN_LOCALE`, and its date is read
if its month is named in any language of the table or written as numbers.

A line in a known wording whose date field cannot be read (``Added on Blursday, Smarch 45``),
or whose page or location is negative (``Location -30``: edited by hand), is read without that
value, and :attr:`Metadata.unread` says what was left out, for the reader to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from operator import itemgetter
from typing import Any

from excerpta.readers.kindle.dates import (
    HALVES,
    MONTHS,
    TIME_RE,
    MachineZoneDays,
)
from excerpta.readers.kindle.locales import (
    FAST_LINE_PATTERNS,
    LOCALES,
    MAX_POSITION_DIGITS,
    RANGE_SEPARATORS,
    ClippingKind,
)
from excerpta.readers.kindle.metadata_fields import (
    BARE_RANGE_RE,
    NEGATIVE_RE,
    MetadataError,
    Position,
    int_range,
    maybe_signed,
    page_range,
    read_date,
    read_positions,
    shortened,
)

__all__ = ["DIGIT", "UNKNOWN_LOCALE", "FastFields", "Metadata", "MetadataError", "Position",
           "looks_like_metadata", "names_a_record", "parse_fast", "parse_metadata",
           "parse_metadata_generally", "shortened"]

UNKNOWN_LOCALE = "und"  # BCP 47 "undetermined": a record read by its shape


@dataclass(frozen=True, slots=True)
class Metadata:
    """What a metadata line says. ``when`` is naive unless the line names its zone. ``unread``:
    what of the line was there but could not be read (the record is read without it), said as
    a problem report ends."""

    kind: ClippingKind
    locale: str
    page: tuple[Position, Position] | None
    location: tuple[int, int] | None
    when: datetime | None
    unread: str | None = None


_PHRASE_KINDS = {
    phrase: (locale.tag, kind) for locale in LOCALES for phrase, kind in locale.phrases.items()
}
_KIND_RE = re.compile(
    "|".join(re.escape(p) for p in sorted(_PHRASE_KINDS, key=len, reverse=True)), re.IGNORECASE
)
_RANGE_SHAPE_RE = re.compile(r"\d\s*(?:" + "|".join(re.escape(s) for s in RANGE_SEPARATORS) + r")\s*\d")
_LEADING_DASHES = "-–—‐ \t\ufeff\u200b\u200c\u200d"
_FAST_GROUPS = ("kind", "page", "start", "end", "day", "month", "year", "hour", "minute", "second", "half")
DIGIT = re.compile(r"\d")  # a line with a number (see names_a_record)
_CACHE_LIMIT = 512  # exact spellings remembered per pattern: bounded, whatever a file contains


class _FastPattern:
    """One of :data:`FAST_LINE_PATTERNS`, compiled, with a getter of its groups (in
    :data:`_FAST_GROUPS` order, but ``half``) from ``match.groups()``, the position of ``half``
    (-1: a 24-hour wording) and the spellings (kind phrases, month names, AM/PM) it has met, in
    the case written."""

    __slots__ = ("half_at", "halves", "kinds", "locale", "months", "pattern", "pick")

    def __init__(self, locale: str, pattern: str) -> None:
        self.locale = locale
        self.pattern = re.compile(pattern)
        index = self.pattern.groupindex
        *always, half = _FAST_GROUPS
        # One C call picks the ten groups every pattern has, in a fixed order.
        self.pick = itemgetter(*(index[name] - 1 for name in always))
        self.half_at = index[half] - 1 if half in index else -1
        self.kinds: dict[str, ClippingKind] = {}
        self.months: dict[str, int] = {}
        self.halves: dict[str, int] = {}


_FAST: dict[str, list[_FastPattern]] = {}
for _tag, _starts, _pattern in FAST_LINE_PATTERNS:
    _compiled = _FastPattern(_tag, _pattern)
    for _char in _starts:
        _FAST.setdefault(_char, []).append(_compiled)

FastFields = tuple[ClippingKind, str, str | None, int, int, datetime]  # kind, locale, page, start, end, when


def looks_like_metadata(line: str) -> bool:
    """Whether ``line`` has the shape of a metadata line (a leading dash): the cheap test the
    record grammar uses to tell a record start from a note that contains a separator line."""
    stripped = line.lstrip("\ufeff\u200b ")
    return stripped[:1] in ("-", "–", "—")


def names_a_record(line: str) -> bool:
    """Whether a dashed ``line`` reads as a metadata line, maybe a damaged one: it holds a number
    (every wording has a location or a date) or starts with a kind phrase (``- Your Highl…`` cut
    short). A dashed list typed in a note (``- buy the sequel``) mostly does neither."""
    return DIGIT.search(line) is not None or _KIND_RE.match(line.lstrip(_LEADING_DASHES)) is not None


def parse_metadata(line: str) -> Metadata:
    """Parse one metadata line; raises :class:`MetadataError` if no locale's kind phrase is in it."""
    fields = parse_fast(line)
    if fields is None:
        return parse_metadata_generally(line)
    kind, locale, page, start, end, when = fields
    return Metadata(kind, locale, None if page is None else (int(page), int(page)), (start, end), when)


def parse_fast(line: str, zone: tzinfo | MachineZoneDays | None = None) -> FastFields | None:
    """The fields of a metadata line in one of the current wordings (:data:`FAST_LINE_PATTERNS`):
    kind, locale, page (its digits, or None), location start and end, and the time with ``zone``
    as its tzinfo (None: naive; :class:`MachineZoneDays`: this machine's zone of that day, naive
    on a day the clocks change). None when the line is in no such wording, or names a month or a
    day that does not exist: :func:`parse_metadata_generally` then decides (and gives the same
    result for every line this accepts, only slower)."""
    for fast in _FAST.get(line[2:3], ()):
        match = fast.pattern.match(line)
        if match is None:
            continue
        groups = match.groups()
        phrase, page, start_text, end_text, day, month_name, year, hour, minute, second = fast.pick(groups)
        month = fast.months.get(month_name)
        if month is None:
            month = int(month_name) if month_name.isdigit() else MONTHS[fast.locale].get(month_name.lower())
            if month is None:
                return None
            _remember(fast.months, month_name, month)
        hour = int(hour)
        if fast.half_at >= 0 and (half_name := groups[fast.half_at]) is not None:
            half = fast.halves.get(half_name)
            if half is None:
                half = HALVES[half_name.lower()]
                _remember(fast.halves, half_name, half)
            hour = hour % 12 + half
        try:
            year, day = int(year), int(day)
            when = datetime(year, month, day, hour, int(minute), int(second) if second else 0,
                            tzinfo=zone.on(year, month, day) if type(zone) is MachineZoneDays else zone)
        except ValueError:
            return None  # the general grammar reports it
        kind = fast.kinds.get(phrase)
        if kind is None:
            kind = _PHRASE_KINDS[phrase.lower()][1]
            _remember(fast.kinds, phrase, kind)
        if len(start_text) > MAX_POSITION_DIGITS or (end_text and len(end_text) > MAX_POSITION_DIGITS) or (
                page and len(page) > MAX_POSITION_DIGITS):
            return None  # more digits than any book has: the general grammar reports the line
        start = int(start_text)
        if end_text is None:
            end = start
        else:
            end = int(end_text)
            if end < start:
                start, end = int_range(start_text, end_text)
        return kind, fast.locale, page, start, end, when
    return None


def _remember(cache: dict[str, Any], spelling: str, value: Any) -> None:
    if len(cache) < _CACHE_LIMIT:
        cache[spelling] = value


def parse_metadata_generally(line: str) -> Metadata:
    """:func:`parse_metadata` without the fast paths: the structural grammar for every wording."""
    text = line.strip().lstrip(_LEADING_DASHES)
    head, bar, date_field = text.rpartition("|")
    if not bar:
        head, date_field = text, ""
    kind_match = _KIND_RE.search(head)
    if kind_match is None:
        shaped = _by_shape(head, date_field)
        if shaped is None:
            raise MetadataError(
                f"no known kind of record (highlight, note, bookmark) in {shortened(line.strip())!r}")
        return shaped
    if bar and not any(char.isdigit() for char in date_field):
        # A date always has a number: this line was cut short (the device unplugged mid-write).
        raise MetadataError(f"a metadata line cut short: {shortened(line.strip())!r}")
    locale, kind = _PHRASE_KINDS[kind_match.group(0).lower()]
    unread: list[str] = []
    left_out = 0
    if maybe_signed(head) and (negative := NEGATIVE_RE.findall(head)):  # no leftover number then
        head, left_out = NEGATIVE_RE.sub(" ", head), len(negative)
        unread.append(f"{'position' if left_out == 1 else 'positions'} {', '.join(map(repr, negative))} "
                      f"{'is' if left_out == 1 else 'are'} negative")
    page, location = read_positions(head)
    when, why = read_date(date_field, locale) if date_field else (None, None)
    if when is None and date_field:
        left_out += 1
        unread.append(why or f"date {shortened(date_field.strip())!r} not understood "
                             "(expected a day, a month, a year and a time)")
    said = f"{'; '.join(unread)}; read without {'it' if left_out == 1 else 'them'}" if unread else None
    return Metadata(kind, locale, page, location, when, said)


def _by_shape(head: str, date_field: str) -> Metadata | None:
    """A line in an unknown wording, read by its shape (see the module docstring); None if it
    has none (no positions, or no time in its date field)."""
    if not head or TIME_RE.search(date_field) is None:
        return None
    page, location = read_positions(head)
    if page is None and location is None:
        numbered = [found[0] for found in map(BARE_RANGE_RE.findall, head.split("|")) if len(found) == 1]
        if len(numbered) == 2:
            (page_start, page_end), (start, end) = numbered
            page, location = page_range(page_start, page_end or None), int_range(start, end)
        elif len(numbered) == 1:
            location = int_range(*numbered[0])
    if page is None and location is None:
        return None
    kind = ClippingKind.HIGHLIGHT if _RANGE_SHAPE_RE.search(head) else ClippingKind.NOTE
    when, why = read_date(date_field, None)
    unread = None if why is None else f"{why}; read without it"
    return Metadata(kind, UNKNOWN_LOCALE, page, location, when, unread)
