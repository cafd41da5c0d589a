"""Values as SQLite hands them over: a column holds whatever type a row was given (SQLite's
columns are not typed), and text comes as ``bytes`` (see
:func:`~excerpta.readers.kobo.database.open_database`) so that bad UTF-8 in one row is that
row's problem, not an exception that stops the read."""

from __future__ import annotations

import math
from datetime import UTC, datetime

NO_DATE = "0000-00-00"  # how Kobo's defaults spell "never"


class ValueProblem(ValueError):
    """A value that cannot be what its column says; the message says which and why."""


def as_text(value: object) -> str | None:
    """A column's value as text (bad UTF-8 as U+FFFD; a number as its digits), None if NULL."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def is_utf8(value: object) -> bool:
    """Whether ``value`` is no bytes, or bytes that are UTF-8 throughout."""
    if not isinstance(value, bytes):
        return True
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def as_int(value: object) -> int | None:
    """An integer column's value (``VolumeIndex``, ``Color``), None if NULL or no integer."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = as_text(value)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def as_progress(value: object) -> float | None:
    """``ChapterProgress`` (0 to 1 within a chapter), None if NULL; raises ValueProblem for a
    value that is no number, or no finite one (``nan`` sorts nowhere: it would misplace its
    chapter's highlights)."""
    if value is None:
        return None
    text = None if isinstance(value, int | float) else (as_text(value) or "")
    try:
        progress = float(value if text is None else text)
    except ValueError:
        progress = math.nan
    if not math.isfinite(progress):
        raise ValueProblem(f"ChapterProgress {(str(value) if text is None else text)[:40]!r} is not a number")
    return progress


def is_true(value: object) -> bool:
    """A Kobo boolean: ``'true'`` (how the firmware writes ``Hidden``), or 1."""
    text = (as_text(value) or "").strip().casefold()
    return text in ("true", "1")


def as_timestamp(value: object, column: str) -> datetime | None:
    """A Kobo date (``2024-11-18T17:43:44.000``, ``…17:44:17.241``, ``2023-01-02T08:09:10Z``)
    as a UTC datetime: the device writes UTC, with or without the ``Z``. None if empty or
    Kobo's ``0000-00-00…``; raises ValueProblem for anything else."""
    text = (as_text(value) or "").strip()
    if not text or text.startswith(NO_DATE):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueProblem(f"{column} {text[:40]!r} is not a date as Kobo writes it "
                           "(YYYY-MM-DDTHH:MM:SS[.fff][Z])") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
