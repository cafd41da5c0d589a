"""The date under each highlight of a Play Books notes document: a calendar day, no time.

Read in the wordings public documents and parsers show (see the package docstring): English,
``May 5, 2021`` (months in full, or three letters with or without a dot, ``Sept``);
Japanese (and Chinese) ``2021年5月5日``; and a year-first numeric day, ``2021-05-05`` or
``2021/5/5``. A day in another wording is not guessed at: ``5/6/2021`` is May or June
depending on the language, and month names of other languages were seen in no document.

A day is made a time by :func:`day_start`: midnight starting it in the zone the reader is
given (``--timezone``, else this machine's), as the other readers of device-local times do
(:func:`excerpta.zones.wall_time`), so a writer showing times in that zone shows that day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from excerpta.zones import wall_time

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_ENGLISH = re.compile(r"(?P<month>[A-Za-z]+)\.? (?P<day>\d{1,2}), (?P<year>\d{4})")
_KANJI = re.compile(r"(?P<year>\d{4}) ?年 ?(?P<month>\d{1,2}) ?月 ?(?P<day>\d{1,2}) ?日")
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")
WORDINGS = "'May 5, 2021', '2021年5月5日' or '2021-05-05'"


def parse_day(text: str) -> date | None:
    """The day ``text`` says (the whole of it, spaces around it aside) in a wording of the
    module docstring; None if it says none (or a day no calendar has: February 30)."""
    text = " ".join(text.split())
    if match := _ENGLISH.fullmatch(text):
        month = MONTHS.get(match.group("month").lower())
    elif match := _KANJI.fullmatch(text) or _YEAR_FIRST.fullmatch(text):
        month = int(match.group("month"))
    else:
        return None
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def day_start(day: date, zone: tzinfo | None) -> datetime | None:
    """Midnight starting ``day`` in ``zone`` (None: this machine's zone), aware; None where the
    machine cannot place it (see :func:`excerpta.zones.wall_time`)."""
    return wall_time(datetime(day.year, day.month, day.day), zone)
