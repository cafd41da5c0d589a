"""Time zones by IANA name: the ``--timezone`` option's, and this machine's.

``My Clippings.txt`` stores wall-clock times without a zone (the Kindle reader makes them
aware in the device's zone) and Obsidian reads a date-time property as wall-clock time (the
obsidian writer shows dates in one zone): both take ``--timezone``, else this machine's zone.
"""

from __future__ import annotations

import os
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator


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
