"""Crontab schedules as APScheduler 3 reads them, with a crontab's weekdays.

APScheduler 3's ``CronTrigger.from_crontab`` takes a numbered weekday as its own
``day_of_week``, which counts from Monday (0): a crontab's ``0 6 * * 0`` (Sundays) would run
on Mondays and ``1-5`` Tuesday to Saturday, and its ``7`` (Sunday too) would be refused.
:func:`cron_trigger` gives the weekday field to it by name instead.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # a crontab's 0-6 (and 7: Sunday)
_WEEKDAY_ITEM = re.compile(r"^(?:(\*)|(\d+)(?:-(\d+))?)(?:/(\d+))?$")


def cron_trigger(crontab: str, zone: tzinfo) -> CronTrigger:
    """APScheduler's trigger of a 5-field ``crontab`` in ``zone``; raises ValueError for one it
    cannot read. APScheduler 3 counts numbered weekdays from Monday (0), where a crontab
    counts them from Sunday (0 or 7): its weekday field is given by name."""
    fields = crontab.split()
    if len(fields) == 5:
        fields[4] = ",".join(_weekday_names(item) for item in fields[4].split(","))
    return CronTrigger.from_crontab(" ".join(fields), timezone=zone)


def _weekday_names(item: str) -> str:
    """One item of a crontab's weekday field (``1-5``, ``*/2``, ``0``, ``sat``) by names."""
    match = _WEEKDAY_ITEM.match(item)
    if match is None or (match[1] and not match[4]):
        return item  # names, "*": APScheduler reads them as a crontab does
    star, first, last, step = match.groups()
    start = 0 if star else int(first)
    end = 6 if star or (last is None and step) else int(last if last is not None else first)
    if max(start, end) > 7 or start > end or step == "0":
        raise ValueError(f"weekday {item!r}: expected 0-7 (0 and 7 are Sunday)")
    days = range(start, end + 1, int(step or 1))
    return ",".join(dict.fromkeys(_WEEKDAYS[day % 7] for day in days))
