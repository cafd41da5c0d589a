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
from datetime import datetime, tzinfo

from excerpta.zones import machine_zone, wall_time, zone_named

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
    """The naive wall time ``when`` made aware in ``zone``, else in this machine's zone (see
    :func:`excerpta.zones.wall_time`); raises DateError for a date it cannot place."""
    local = wall_time(when, zone)
    if local is None:  # a year the C library cannot place
        raise DateError(f"{when:%Y-%m-%d %H:%M:%S} cannot be placed in this machine's time zone "
                        "(give --timezone)")
    return local
