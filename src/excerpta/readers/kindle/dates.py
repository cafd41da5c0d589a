"""The date field of a clippings metadata line (``Added on Sunday, January 2, 2022 10:11:12 AM``
and its relatives): month names from any language of :mod:`excerpta.readers.kindle.locales`,
numeric CJK and Korean dates, 12- and 24-hour clocks with the markers before (上午) or after
(PM) the time, and the rare zone the old firmware wrote.

Month names are looked up by the record's locale first, then in every language (calibre's rule:
the month word and two numbers; a number above 31 is the year, else the last one is).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from excerpta.readers.kindle.locales import (
    AFTER_TIME_MARKERS,
    BEFORE_TIME_MARKERS,
    MAX_POSITION_DIGITS,
    UTC_NAMES,
    month_table,
)

TIME_RE = re.compile(
    r"(" + "|".join(BEFORE_TIME_MARKERS) + r")?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?"
    r"(?:\s*(" + "|".join(re.escape(m) for m in AFTER_TIME_MARKERS) + r"))?",
    re.IGNORECASE,
)
MONTHS = month_table()  # locale tag -> lower-case month name -> 1..12
HALVES = {marker.lower(): half for marker, half in {**AFTER_TIME_MARKERS, **BEFORE_TIME_MARKERS}.items()}
_ALL_MONTHS = {name: number for table in MONTHS.values() for name, number in table.items()}
_CJK_DATE_RE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_WORD_RE = re.compile(r"[^\W\d_]+")
_DIGITS_RE = re.compile(r"\d+")
_OUT_OF_RANGE = "a number out of range"
_OFFSET_RE = re.compile(r"(?:gmt|utc)\s*([+-])(\d{1,2}):?(\d{2})?", re.IGNORECASE)


class ImpossibleDate(ValueError):
    """The field names a day that does not exist (February 31)."""


def parse_date(field: str, locale: str | None = None) -> datetime | None:
    """The timestamp in a metadata line's date field, or None if it has none we can read.

    Naive (device-local wall clock) unless the field names a zone (``Greenwich Mean Time``,
    ``GMT+01:00``). Raises :class:`ImpossibleDate` (``str()``: the reason, e.g. ``day is out of
    range for month``) for a date that names a day that does not exist, or a number no calendar
    reaches (a year of twenty digits).
    """
    try:
        return _parse_date(field, locale)
    except (OverflowError, ValueError) as err:  # no such day, or a year of twenty digits
        raise ImpossibleDate(_OUT_OF_RANGE if isinstance(err, OverflowError) else str(err)) from None


def _parse_date(field: str, locale: str | None) -> datetime | None:
    time_match = TIME_RE.search(field)
    if time_match is None:
        return None
    before = field[: time_match.start()]
    cjk = _CJK_DATE_RE.search(before)
    if cjk:
        year, month, day = int(cjk.group(1)), int(cjk.group(2)), int(cjk.group(3))
    else:
        ymd = _western_date(before, locale)
        if ymd is None:
            return None
        year, month, day = ymd
    hour, minute = int(time_match.group(2)), int(time_match.group(3))
    second = int(time_match.group(4) or 0)
    marker_before, marker_after = time_match.group(1), time_match.group(5)
    if marker_before or marker_after:
        half = BEFORE_TIME_MARKERS.get(marker_before or "", None)
        if half is None:
            half = AFTER_TIME_MARKERS[marker_after.lower()]
        hour = hour % 12 + half
    return datetime(year, month, day, hour, minute, second, tzinfo=_named_zone(field[time_match.end():]))


def _western_date(text: str, locale: str | None) -> tuple[int, int, int] | None:
    months = MONTHS.get(locale or "", _ALL_MONTHS)
    month = None
    for word in _WORD_RE.findall(text):
        lowered = word.lower()
        month = months.get(lowered) or _ALL_MONTHS.get(lowered)
        if month:
            break
    digits = _DIGITS_RE.findall(text)
    if any(len(number) > MAX_POSITION_DIGITS for number in digits):
        raise ValueError(_OUT_OF_RANGE)  # and int() would refuse one of 4,300
    numbers = [int(n) for n in digits]
    if month is None or len(numbers) < 2:
        return None
    # "a number > 31 is the year, otherwise the last number is" (calibre); 2-digit years are 20xx.
    years = [n for n in numbers if n > 31]
    if years:
        year, day = years[0], next((n for n in numbers if n <= 31), 0)
    else:
        year, day = numbers[-1], numbers[0]
    if year < 100:
        year += 2000
    return year, month, day


def _named_zone(rest: str) -> tzinfo | None:
    lowered = rest.strip().lower()
    if not lowered:
        return None
    offset = _OFFSET_RE.search(lowered)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
        return timezone(sign * delta)
    if lowered.startswith(UTC_NAMES):
        return UTC
    return None


class MachineZoneDays:
    """This machine's zone for device-local times, as ``datetime.astimezone()`` gives it for a
    naive time (a fixed offset named as the system names it: ``timezone(+1h, "CET")``), found
    once per day instead of once per record (``astimezone`` asks the C library twice a call).

    :meth:`on` is the zone of every time of a day whose first and last second have the same
    offset and name and are no time the clocks skipped (the system's rules change an offset at
    most once in a day), else None: a day the clocks change, or one the system cannot place,
    which the caller resolves time by time. At most :data:`_DAYS_REMEMBERED` days are remembered
    (records are in time order).
    """

    __slots__ = ("days",)

    def __init__(self) -> None:
        self.days: dict[tuple[int, int, int], tzinfo | None] = {}

    def on(self, year: int, month: int, day: int) -> tzinfo | None:
        """The zone of every time of that day, or None (see the class docstring)."""
        key = (year, month, day)
        try:
            return self.days[key]
        except KeyError:
            pass
        zone = None
        try:
            start, end = datetime(year, month, day), datetime(year, month, day, 23, 59, 59)
            first, last = start.astimezone(), end.astimezone()
        except (OverflowError, OSError, ValueError):  # a date the system cannot place
            pass
        else:
            # One offset and name from the first second to the last, neither in a gap the clocks
            # skipped (astimezone moves a time in a gap: 1916-04-30 in Berlin skipped 23:00-24:00).
            if (first.replace(tzinfo=None) == start and last.replace(tzinfo=None) == end
                    and (first.utcoffset(), first.tzname()) == (last.utcoffset(), last.tzname())):
                zone = first.tzinfo
        if len(self.days) >= _DAYS_REMEMBERED:
            self.days.clear()
        self.days[key] = zone
        return zone


_DAYS_REMEMBERED = 1024
