"""Django/PHP-style date formatting (``date('F j, Y')``), as the Readwise templates use it.

Readwise renders its templates with Jinja2 plus Django's ``date`` filter, so users' templates
say ``{{ date|date('F j, Y') }}``. This module implements the format codes of Django's
``dateformat`` that make sense for a highlight date; a backslash escapes the next character,
unknown letters are copied as they are (as Django does).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_MONTHS_AP = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec."]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _hour12(value: datetime) -> int:
    return value.hour % 12 or 12


def _ordinal_suffix(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _time_f(value: datetime) -> str:
    # Django's "f": hours and minutes, minutes left off when zero ("1", "1:30").
    return str(_hour12(value)) if value.minute == 0 else f"{_hour12(value)}:{value.minute:02d}"


def _time_p(value: datetime) -> str:
    # Django's "P": "f a.m."/"f p.m.", with "midnight" and "noon".
    if value.minute == 0 and value.hour == 0:
        return "midnight"
    if value.minute == 0 and value.hour == 12:
        return "noon"
    return f"{_time_f(value)} {'a.m.' if value.hour < 12 else 'p.m.'}"


def _offset(value: datetime, colon: bool) -> str:
    delta = value.utcoffset()
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{mins:02d}"


def _offset_seconds(value: datetime) -> str:
    # Django's "Z": the offset from UTC in seconds, west of it negative ("" without a zone).
    delta = value.utcoffset()
    return "" if delta is None else str(delta.days * 86400 + delta.seconds)


_CODES: dict[str, Callable[[datetime], str]] = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "D": lambda v: _DAYS[v.weekday()][:3],
    "l": lambda v: _DAYS[v.weekday()],
    "N": lambda v: _MONTHS_AP[v.month - 1],
    "S": lambda v: _ordinal_suffix(v.day),
    "w": lambda v: str((v.weekday() + 1) % 7),
    "z": lambda v: str(v.timetuple().tm_yday),
    "W": lambda v: str(v.isocalendar()[1]),
    "F": lambda v: _MONTHS[v.month - 1],
    "E": lambda v: _MONTHS[v.month - 1],
    "M": lambda v: _MONTHS[v.month - 1][:3],
    "b": lambda v: _MONTHS[v.month - 1][:3].lower(),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "t": lambda v: str(_days_in_month(v)),
    "L": lambda v: str(v.year % 4 == 0 and (v.year % 100 != 0 or v.year % 400 == 0)),
    "y": lambda v: f"{v.year % 100:02d}",
    "Y": lambda v: f"{v.year:04d}",
    "o": lambda v: str(v.isocalendar()[0]),
    "a": lambda v: "a.m." if v.hour < 12 else "p.m.",
    "A": lambda v: "AM" if v.hour < 12 else "PM",
    "f": _time_f,
    "g": lambda v: str(_hour12(v)),
    "G": lambda v: str(v.hour),
    "h": lambda v: f"{_hour12(v):02d}",
    "H": lambda v: f"{v.hour:02d}",
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
    "u": lambda v: f"{v.microsecond:06d}",
    "P": _time_p,
    "O": lambda v: _offset(v, colon=False),
    "e": lambda v: v.tzname() or "",
    "T": lambda v: v.tzname() or "",
    "c": lambda v: v.isoformat(),
    "r": lambda v: v.strftime("%a, %d %b %Y %H:%M:%S ") + _offset(v, colon=False),
    "U": lambda v: str(int(v.timestamp())),
    "Z": lambda v: _offset_seconds(v),
    "I": lambda v: "" if v.tzinfo is None else "1" if v.dst() else "0",
}


def _days_in_month(value: datetime) -> int:
    following = date(value.year + value.month // 12, value.month % 12 + 1, 1)
    return (following - date(value.year, value.month, 1)).days


def as_datetime(value: object) -> datetime | None:
    """``value`` (datetime, date or ISO 8601 string) as a datetime; None if it is none of these."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def format_date(value: object, fmt: str = "N j, Y") -> str:
    """Format ``value`` with Django/PHP date codes; an empty or unparsable value gives ``""``."""
    moment = as_datetime(value) if value else None  # (an unknown name's value warns when tested)
    if moment is None:
        return ""
    out: list[str] = []
    escaped = False
    for char in fmt:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _CODES:
            out.append(_CODES[char](moment))
        else:
            out.append(char)
    return "".join(out)


def pluralize(value: object, suffix: str = "s") -> str:
    """Django's ``pluralize``: ``""`` for one, else ``suffix`` (``"y,ies"`` picks a form)."""
    singular, _, plural = suffix.rpartition(",") if "," in suffix else ("", "", suffix)
    try:
        count = len(value) if isinstance(value, list | tuple | set | dict) else float(str(value))
    except ValueError:
        return ""
    return singular if count == 1 else plural
