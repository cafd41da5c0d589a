"""The daemon: every scheduled job of a configuration, run on its schedule (APScheduler 3.x).

* **One at a time, in this thread.** Jobs run in the scheduler's own thread (the main one;
  APScheduler's ``debug`` executor), so no job ever runs twice at once nor beside another
  (they share one state), and a stop (SIGTERM, Ctrl-C) unwinds the running one exactly as it
  unwinds ``convert``: nothing half-committed, temporary files gone, its run logged as
  interrupted; the daemon then returns. The run's commit protocol makes even a kill safe.
* **First runs from the run log.** A job that never ran, or whose time came while the daemon
  was not running (its next time after its last logged run is past), runs at start; else at
  its next time (``every``: its last run plus the interval). The daemon remembers nothing
  itself: a restart, a new machine or a manual ``sync`` in between are all read from the log.
* **Missed times coalesce.** Times that pass while another job runs (or the machine sleeps)
  give one late run, never a burst.
* **A failing run does not stop the daemon**: the caller's ``run`` reports it, and the job
  runs again at its next time.

Times are the machine's local zone (``TZ``) unless given one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from tzlocal import get_localzone

from excerpta.config import JobConfig, ScheduleConfig, parse_duration
from excerpta.errors import UserError


def describe(schedule: ScheduleConfig) -> str:
    """``every 1h`` or ``cron "30 6 * * *"``, for messages."""
    return f"every {schedule.every}" if schedule.every else f'cron "{schedule.cron}"'


def first_run(schedule: ScheduleConfig, last: datetime | None, now: datetime, zone: tzinfo) -> datetime:
    """When a job on ``schedule`` whose last run started at ``last`` (None: it never ran) is
    next due, ``now`` when that is already past: see the module docstring."""
    if last is None:
        return now
    if schedule.every:  # in UTC: an hour after 01:00 is 03:00 the night clocks go forward
        due = (last.astimezone(UTC) + parse_duration(schedule.every)).astimezone(zone)
    else:  # its first time after the last run (strictly: not the one that run was)
        due = CronTrigger.from_crontab(str(schedule.cron), timezone=zone).get_next_fire_time(last, last)
    return now if due is None or due <= now else due


def trigger(schedule: ScheduleConfig, first: datetime, zone: tzinfo) -> BaseTrigger:
    """The APScheduler trigger of ``schedule``; an interval counts from ``first``."""
    if schedule.every:
        return IntervalTrigger(seconds=parse_duration(schedule.every).total_seconds(),
                               start_date=first, timezone=zone)
    return CronTrigger.from_crontab(str(schedule.cron), timezone=zone)


class Daemon:
    """Runs ``jobs`` (those with a schedule) with ``run`` until stopped.

    ``run(job)`` runs one job and reports how it went; it must not raise but for a stop
    (KeyboardInterrupt, which SIGTERM raises too), which ends :meth:`serve`. ``last_runs``:
    when each job's last logged run started, by name (missing: never).
    """

    def __init__(self, jobs: Sequence[JobConfig], run: Callable[[JobConfig], None],
                 last_runs: Mapping[str, datetime], *, zone: tzinfo | None = None,
                 now: datetime | None = None) -> None:
        self.zone = zone or get_localzone()
        self.jobs = [job for job in jobs if job.schedule is not None]
        if not self.jobs:
            raise UserError("no job has a schedule: give a job schedule = { every = \"1h\" } "
                            "or { cron = \"0 6 * * *\" } (`excerpta sync` runs jobs once)")
        self._run = run
        self.stopped_by: KeyboardInterrupt | None = None
        self.scheduler = BlockingScheduler(timezone=self.zone, executors={"default": {"type": "debug"}},
                                           job_defaults={"coalesce": True, "max_instances": 1,
                                                         "misfire_grace_time": None})
        self.scheduler.add_listener(self._after_run, EVENT_JOB_SUBMITTED)
        start = now or datetime.now(self.zone)
        self.first: dict[str, datetime] = {}
        for job in self.jobs:
            assert job.schedule is not None
            first = first_run(job.schedule, last_runs.get(job.name), start, self.zone)
            self.first[job.name] = first
            self.scheduler.add_job(self._run_one, trigger(job.schedule, first, self.zone), args=[job],
                                   id=job.name, name=job.name, next_run_time=first)

    def next_run(self, job: JobConfig) -> datetime | None:
        """When ``job`` runs next after now, by its schedule (None: never again)."""
        assert job.schedule is not None
        return trigger(job.schedule, self.first[job.name], self.zone).get_next_fire_time(
            None, datetime.now(self.zone))

    def serve(self) -> None:
        """Run the jobs on their schedules until a stop (SIGTERM, Ctrl-C), then return; a stop
        while a job runs interrupts it first (see the module docstring)."""
        try:
            self.scheduler.start()
        except KeyboardInterrupt as err:  # raised while waiting for the next time
            self.stopped_by = err
        finally:
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)

    def _run_one(self, job: JobConfig) -> None:
        # APScheduler's executor catches everything a job raises (KeyboardInterrupt too) and
        # goes on: a stop is caught here, the other jobs due now are skipped, and the loop
        # ends once the scheduler has booked this run (see _after_run).
        if self.stopped_by is not None:
            return
        try:
            self._run(job)
        except KeyboardInterrupt as err:
            self.stopped_by = err

    def _after_run(self, _event: JobSubmissionEvent) -> None:
        # Shut down from a listener of submissions, which the scheduler tells once it has run
        # the jobs due (here, in its thread) and worked out their next times: from the job
        # itself (or a listener of runs, told at once), it would find its job store gone.
        if self.stopped_by is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
