"""Time zones by IANA name: the ``--timezone`` option's, and this machine's.

``My Clippings.txt`` and KOReader store wall-clock times without a zone and Play Books notes
days without a time (their readers make them aware in the device's zone, :func:`wall_time`; a
day at its midnight), and Obsidian reads a date-time property as wall-clock time (the obsidian
writer shows dates in one zone): all take ``--timezone``, else this machine's zone.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, tzinfo
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field


def zone_named(name: str) -> ZoneInfo:
    """The zone called ``name`` (``Europe/Berlin``); raises ValueError, one line naming it, for
    a name the time-zone database does not know (``Europe`` alone, a folder of it, included)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of tzdata
        raise ValueError(f"unknown time zone {name!r} (expected e.g. Europe/Berlin)") from None


def _known(name: str) -> str:
    zone_named(name)
    return name


# An option naming a zone (``--timezone``), checked when the options are read.
ZoneName = Annotated[str, AfterValidator(_known)]
# The ``--timezone`` option of a reader of device-local times (Kindle, KOReader, Tolino) or
# days (Play Books, at their midnight).
DeviceZone = Annotated[ZoneName | None, Field(
    description="IANA time zone the device clock was set to (default: this machine's zone)",
    json_schema_extra={"cli": "timezone"})]


def machine_zone() -> ZoneInfo | None:
    """This machine's zone by its IANA name (``TZ``, else the ``/etc/localtime`` link), or
    None (a POSIX rule such as ``CET-1CEST,M3.5.0``, an unknown name): then the C library's
    ``astimezone()`` is the machine's zone. By name, converting costs a third of that call."""
    name = os.environ.get("TZ", "").removeprefix(":")
    if not name:
        try:
            name = os.readlink("/etc/localtime").partition("zoneinfo/")[2]
        except OSError:
            return None
    try:
        return zone_named(name) if name else None
    except ValueError:
        return None


def wall_time(when: datetime, zone: tzinfo | None) -> datetime | None:
    """The naive wall-clock time ``when`` (a device's clock) made aware in ``zone``, else in
    this machine's zone with its daylight-saving rules at that date; None for a date the C
    library cannot place. A time the clocks skipped (02:30 as they go forward) reads in the
    offset before the change, as zoneinfo has it (the device's clock had not moved yet)."""
    if zone is not None:
        return when.replace(tzinfo=zone)
    try:
        local = when.astimezone()
        if local.replace(tzinfo=None) == when:
            return local
        # In a gap astimezone moves the time (to 01:30 or 03:30): of the offsets either side,
        # the smaller is the one before the clocks went forward.
        after = when.replace(fold=1).astimezone()
    except (OverflowError, OSError, ValueError):
        return None
    before = min(local, after, key=lambda moment: moment.utcoffset() or timedelta(0))
    return when.replace(tzinfo=before.tzinfo)
