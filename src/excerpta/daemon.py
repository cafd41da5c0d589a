"""The daemon: every scheduled job of a configuration, run on its schedule.

APScheduler 3's cron trigger (:func:`~excerpta.crontab.cron_trigger`) says when a crontab is
due, in a time zone; the loop that waits and runs is this module's, as APScheduler's executors
and listeners catch everything a job raises, a stop (KeyboardInterrupt, which SIGTERM raises
too) included, and would carry on.

* **One at a time, in this thread.** No job ever runs twice at once nor beside another (they
  share one state), and a stop unwinds the running one exactly as it unwinds ``convert``:
  nothing half-committed, temporary files gone, its run logged as interrupted; the daemon
  then returns. Between runs, it waits at most :data:`WAKE_SECONDS` at a time, so a stop that
  arrives just before a wait begins (which CPython would leave for the wait to end) is seen
  within that.
* **First runs from the run log.** A job that never ran, or whose time came while the daemon
  was not running (its next time after its last logged run is past), runs at start; else at
  its next time (``every``: its last run plus the interval, in real time across a clock
  change). The daemon remembers nothing itself: a restart, a reboot or a manual ``sync`` in
  between are all read from the log.
* **Missed times coalesce.** Times that pass while another job runs (or the machine sleeps)
  give one late run, never a burst; a cron time the clocks go back over (02:30 twice in one
  night) is one time.
* **A failing run does not stop the daemon**: the caller's ``run`` reports it, and the job
  runs again at its next time.
* **Woken jobs.** :meth:`Daemon.wake` (called from another thread: the ingest endpoint, when
  highlights came) makes jobs due a few seconds later; such a job may have no schedule, and
  then runs at start and when woken only. Wakes that come close together give one run.
* **A reload waits for the runs due.** :meth:`Daemon.request_reload` (SIGHUP) makes
  :meth:`~Daemon.serve` return once the jobs due have run, never in the middle of one; the
  caller then starts a daemon of the configuration read again, whose first runs come from
  the run log as at a restart.

Times are in the machine's local zone (``TZ``) unless given one.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfoNotFoundError

from tzlocal import get_localzone

from excerpta.config import JobConfig, ScheduleConfig, parse_duration
from excerpta.crontab import cron_trigger
from excerpta.errors import ConfigError, UserError

WAKE_SECONDS = 1.0
_TICK = timedelta(microseconds=1)
_MINUTE = timedelta(minutes=1)
_SEARCH_MINUTES = 24 * 60  # steps of the search for a cron time, far more than an hour's


def local_zone() -> tzinfo:
    """The machine's zone, as APScheduler finds it (``TZ``, else the system's setting);
    raises ConfigError naming ``TZ`` when that names no zone the machine knows."""
    try:
        return get_localzone()
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        # (tzlocal's own words are a repr with a line break in it: not for a one-line message)
        named = f"TZ={os.environ['TZ']}" if os.environ.get("TZ") else "the system's setting"
        raise ConfigError(f"the machine's time zone is unknown ({named} names no zone this machine "
                          "knows): set TZ to a zone such as Europe/Berlin (in Docker: docker run -e "
                          "TZ=Europe/Berlin …)") from None


class Timetable:
    """When the runs of ``schedule`` are due: ``every`` counted from ``start`` in real time
    (UTC), ``cron`` by APScheduler's crontab in ``zone``."""

    # Every instant here is in UTC: Python compares and subtracts two datetimes of one zone
    # by their wall clocks, which in the hour that comes twice go back.

    def __init__(self, schedule: ScheduleConfig, start: datetime, zone: tzinfo) -> None:
        self.start = start.astimezone(UTC)
        self.every = parse_duration(schedule.every) if schedule.every else None
        self.cron = None if schedule.every else cron_trigger(str(schedule.cron), zone)
        self.zone = zone

    def after(self, moment: datetime) -> datetime | None:
        """The first time later than ``moment``, in UTC (None: never). Times passed are not made up
        for: they coalesce into the run that ``moment`` is the start of. A cron time whose
        wall clock is not past ``moment``'s is skipped: the hour the clocks go back over comes
        twice, and its times are one time each (``30 2 * * *`` runs once that night)."""
        moment = moment.astimezone(UTC)
        if self.every is not None:
            passed = (moment - self.start) // self.every + 1 if moment >= self.start else 0
            return self.start + passed * self.every
        assert self.cron is not None
        wall = moment.astimezone(self.zone).replace(tzinfo=None)
        probe = moment + _TICK
        for _ in range(_SEARCH_MINUTES):
            due = self.cron.get_next_fire_time(None, probe)  # the first time from probe on
            if due is None:
                return None
            if due > moment and due.replace(tzinfo=None) > wall:
                return due.astimezone(UTC)
            # In the hour that comes twice, APScheduler 3 answers a time of its first pass for
            # a moment in its second (earlier than asked), or the same time again: look on
            # from the next whole minute, a crontab's finest step.
            probe = due.astimezone(UTC) + _TICK if due >= probe else _next_minute(probe)
        return None


def _next_minute(moment: datetime) -> datetime:
    return (moment + _MINUTE).replace(second=0, microsecond=0)


def first_run(schedule: ScheduleConfig, last: datetime | None, now: datetime, zone: tzinfo) -> datetime:
    """When (in UTC) a job on ``schedule`` whose last run started at ``last`` (None: it never
    ran) is next due, ``now`` when that is already past: see the module docstring."""
    now = now.astimezone(UTC)
    if last is None:
        return now
    due = Timetable(schedule, last, zone).after(last)
    return now if due is None else max(now, due)


class Daemon:
    """Runs ``jobs`` (those with a schedule, and those named in ``wakeable``) with ``run`` until
    stopped.

    ``run(job)`` runs one job and reports how it went; it must not raise but for a stop
    (KeyboardInterrupt, which SIGTERM raises too), which ends :meth:`serve`. ``last_runs``:
    when each job's last logged run started, by name (missing: never). ``wakeable``: the jobs
    :meth:`wake` may make due (a daemon with one goes on waiting for a wake while no schedule
    is due).
    """

    def __init__(self, jobs: Sequence[JobConfig], run: Callable[[JobConfig], None],
                 last_runs: Mapping[str, datetime], *, zone: tzinfo | None = None,
                 now: datetime | None = None, wakeable: Collection[str] = ()) -> None:
        self.zone = zone or local_zone()
        self.wakeable = frozenset(wakeable)
        self.jobs = [job for job in jobs if job.schedule is not None or job.name in self.wakeable]
        if not self.jobs:
            raise UserError("no job has a schedule: give a job schedule = { every = \"1h\" } "
                            "or { cron = \"0 6 * * *\" } (`excerpta sync` runs jobs once)")
        self._run = run
        self._lock = threading.Lock()  # over _due and woken: wake() comes from another thread
        self.woken: set[str] = set()  # jobs woken whose run has not begun (a reload carries them)
        self.stopped_by: KeyboardInterrupt | None = None
        self.running: str | None = None  # the job whose run is in progress (a stop cut short)
        self.reload_requested = False
        start = now or datetime.now(UTC)
        self.first: dict[str, datetime] = {}
        self._timetables: dict[str, Timetable] = {}
        self._due: dict[str, datetime | None] = {}
        for job in self.jobs:
            if job.schedule is None:  # woken only: at start, for what came while it was down
                self.first[job.name] = self._due[job.name] = start.astimezone(UTC)
                continue
            self.first[job.name] = self._due[job.name] = first_run(
                job.schedule, last_runs.get(job.name), start, self.zone)
            self._timetables[job.name] = Timetable(job.schedule, self.first[job.name], self.zone)

    def next_run(self, job: JobConfig) -> datetime | None:
        """When ``job`` is next due, in UTC (None: never again, or when woken)."""
        with self._lock:
            return self._due[job.name]

    def wake(self, names: Collection[str], after: timedelta) -> None:
        """Make the jobs ``names`` (those of them that are :attr:`wakeable`) due ``after`` from
        now, unless due sooner (safe from any thread)."""
        when = datetime.now(UTC) + after
        with self._lock:
            for name in self.wakeable.intersection(names):
                due = self._due.get(name)
                self._due[name] = when if due is None else min(due, when)
                self.woken.add(name)

    def request_reload(self) -> None:
        """Make :meth:`serve` return once the jobs due now have run (safe in a signal handler)."""
        self.reload_requested = True

    def serve(self) -> None:
        """Run the jobs on their schedules until a stop (SIGTERM, Ctrl-C) or a reload is
        requested, then return; a stop while a job runs interrupts it first (see the module
        docstring). Called again once ``reload_requested`` is cleared, it goes on as before."""
        try:
            while not self.reload_requested:  # asked for in a wait: before any run is due
                self._run_due()
                if self.reload_requested:  # asked for in a run: before the next wait
                    return
                with self._lock:
                    waiting = [due for due in self._due.values() if due is not None]
                if not waiting and not self.wakeable:
                    return  # every job's schedule has ended
                seconds = (min(waiting) - datetime.now(UTC)).total_seconds() if waiting else WAKE_SECONDS
                time.sleep(min(max(seconds, 0), WAKE_SECONDS))
        except KeyboardInterrupt as err:
            self.stopped_by = err

    def _run_due(self) -> None:
        """Run every job that is due, earliest first (the file's order among equals), each once
        however many of its times have passed, and work out its next time."""
        now = datetime.now(UTC)
        with self._lock:
            due = sorted((moment, number) for number, job in enumerate(self.jobs)
                         if (moment := self._due[job.name]) is not None and moment <= now)
        for moment, number in due:
            job = self.jobs[number]
            # Worked out first, so ``run`` can tell it (next_run); the times that pass while
            # the job runs make one late run after it, as does a wake while it runs.
            timetable = self._timetables.get(job.name)
            with self._lock:
                self._due[job.name] = timetable.after(max(moment, datetime.now(UTC))) if timetable else None
                self.woken.discard(job.name)
            self.running = job.name
            self._run(job)
            self.running = None
