"""KOReader's timestamps: ``YYYY-MM-DD HH:MM:SS`` on the device's clock, without a zone
(``os.date`` on the device), made aware in the zone the device's clock was set to.

The zone is the ``--timezone`` option's, as for the Kindle's ``My Clippings.txt``, else this
machine's (the usual case: the e-reader's clock follows the computer it syncs with). A time
the clocks skipped (02:30 as they go forward) reads in the offset before the change, and a
time they repeated in the first of its two offsets, as :mod:`zoneinfo` and the Kindle reader
have it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from excerpta.zones import machine_zone, zone_named

_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


class DateError(ValueError):
    """A timestamp that is not KOReader's ``YYYY-MM-DD HH:MM:SS``; ``str()``: the reason."""


def device_zone(name: str | None) -> tzinfo | None:
    """The zone device-local times are read in: the one called ``name`` (an option already
    checked), else this machine's by its IANA name, else None (this machine's as the C library
    gives it, see :func:`localize`)."""
    return zone_named(name) if name else machine_zone()


def parse_datetime(value: object, zone: tzinfo | None) -> datetime | None:
    """The aware time of a sidecar's ``datetime`` value read in ``zone`` (None: this machine's
    zone at that date); None for no value. Raises DateError for a value of another shape or
    a day that does not exist."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        kind = "table" if isinstance(value, dict) else "boolean" if isinstance(value, bool) else "number"
        raise DateError(f"a {kind} where a date was expected")
    match = _DATETIME.fullmatch(value.strip())
    if match is None:
        raise DateError(f"{value[:40]!r} is not a date (expected YYYY-MM-DD HH:MM:SS)")
    try:
        naive = datetime(*(int(part) for part in match.groups()))
    except ValueError as err:  # February 30, hour 25
        raise DateError(f"{value.strip()!r}: {err}") from None
    return localize(naive, zone)


def localize(when: datetime, zone: tzinfo | None) -> datetime:
    """The naive wall time ``when`` made aware in ``zone``, else in this machine's zone (with
    its daylight-saving rules at that date, as the C library gives them)."""
    if zone is not None:
        return when.replace(tzinfo=zone)
    try:
        local = when.astimezone()
    except (OverflowError, OSError, ValueError):  # a year the C library cannot place
        raise DateError(f"{when:%Y-%m-%d %H:%M:%S} cannot be placed in this machine's time zone "
                        "(give --timezone)") from None
    if local.replace(tzinfo=None) == when:
        return local
    # In a gap astimezone moves the time: of the offsets either side, the one before the change
    # (the smaller, as the clocks go forward) is the device's, whose clock had not moved yet.
    after = when.replace(fold=1).astimezone()
    before = min(local, after, key=lambda moment: moment.utcoffset() or timedelta(0))
    return when.replace(tzinfo=before.tzinfo)
