"""Crontab schedules as APScheduler 3 reads them, with a crontab's weekdays and days.

APScheduler 3's ``CronTrigger.from_crontab`` differs from a crontab in two ways that
:func:`cron_trigger` makes up for:

* it takes a numbered weekday as its own ``day_of_week``, which counts from Monday (0): a
  crontab's ``0 6 * * 0`` (Sundays) would run on Mondays and ``1-5`` Tuesday to Saturday, and
  its ``7`` (Sunday too) would be refused. The weekday field is given to it by name instead;
* it runs only on days that match both the day of the month and the weekday, where every
  crontab (POSIX, Vixie cron, cronie) runs on days matching either when both are restricted
  (neither begins with ``*``): ``0 6 13 * 5`` is the 13th and every Friday, not the Fridays
  that are the 13th, some months apart. Such a crontab is two triggers, one per field, and
  runs at the earlier of their times.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # a crontab's 0-6 (and 7: Sunday)
_WEEKDAY_ITEM = re.compile(r"^(?:(\*)|(\d+)(?:-(\d+))?)(?:/(\d+))?$")


def cron_trigger(crontab: str, zone: tzinfo) -> BaseTrigger:
    """APScheduler's trigger of a 5-field ``crontab`` in ``zone``, due when the crontab is (see
    the module docstring); raises ValueError for one it cannot read."""
    fields = crontab.split()
    if len(fields) != 5:
        return CronTrigger.from_crontab(crontab, timezone=zone)  # its error names the shape
    either = not fields[2].startswith("*") and not fields[4].startswith("*")  # as cron reads it
    fields[4] = ",".join(_weekday_names(item) for item in fields[4].split(","))
    if not either:
        return CronTrigger.from_crontab(" ".join(fields), timezone=zone)
    by_day = CronTrigger.from_crontab(" ".join([*fields[:4], "*"]), timezone=zone)
    by_weekday = CronTrigger.from_crontab(" ".join([*fields[:2], "*", *fields[3:]]), timezone=zone)
    return OrTrigger([by_day, by_weekday])


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
