"""``excerpta daemon``: scheduled jobs run one at a time on their schedules, their first runs
worked out from the run log, and a stop that leaves nothing half-done (:mod:`excerpta.daemon`)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from excerpta.config import JobConfig, ScheduleConfig
from excerpta.daemon import Daemon, Timetable, first_run
from excerpta.errors import UserError
from excerpta.locks import daemon_lock, output_lock
from excerpta.store import open_store
from job_configs import CLIPPINGS, NEW_RECORD, kindle_job, logged_runs, wait_until, write_config

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


@pytest.mark.parametrize(("schedule", "last", "now", "due"), [
    ({"every": "1h"}, None, "2026-03-29 01:10", "2026-03-29 01:10"),  # never ran: now
    ({"every": "1h"}, "2026-03-29 01:00", "2026-03-29 01:10", "2026-03-29 03:00"),  # DST: one real hour
    ({"every": "15m"}, "2026-11-26 08:00", "2026-11-26 09:00", "2026-11-26 09:00"),  # overdue: now
    ({"cron": "30 6 * * *"}, "2026-11-25 06:30", "2026-11-26 06:00", "2026-11-26 06:30"),
    ({"cron": "30 6 * * *"}, "2026-11-25 06:30", "2026-11-26 07:00", "2026-11-26 07:00"),  # missed: now
    ({"cron": "30 6 * * *"}, "2026-11-20 06:30", "2026-11-26 06:00", "2026-11-26 06:00"),  # days missed: once
    # 02:30 is skipped that night: at 03:30, the instant 02:30 would be without the change
    ({"cron": "30 2 * * *"}, "2026-03-28 02:30", "2026-03-29 01:00", "2026-03-29 01:30+00:00"),
    # 02:30 comes twice the night clocks go back: it ran at the first, the second is not a time
    ({"cron": "30 2 * * *"}, "2026-10-25 00:30:00.2+00:00", "2026-10-25 01:40+00:00", "2026-10-26 02:30"),
    ({"every": "1h"}, "2026-10-25 00:30+00:00", "2026-10-25 01:00+00:00", "2026-10-25 01:30+00:00"),
])
def test_a_jobs_first_run_follows_its_last_logged_run(schedule, last, now, due):
    got = first_run(ScheduleConfig(**schedule), at(last) if last else None, at(now), BERLIN)
    assert got.timestamp() == at(due).timestamp()


def test_times_missed_while_a_run_lasted_make_one_late_run_not_a_burst():
    start = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    every_second = Timetable(ScheduleConfig(every="1s"), start, UTC)
    assert every_second.after(start + timedelta(seconds=10.5)) == start + timedelta(seconds=11)
    daily = Timetable(ScheduleConfig(cron="0 6 * * *"), start, UTC)
    assert daily.after(start + timedelta(days=3)) == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(("cron", "after", "expected"), [
    ("*/10 * * * *", "2026-10-25 00:50+00:00", "2026-10-25 02:00+00:00"),  # 03:00, past the hour again
    ("0 * * * *", "2026-10-25 00:00+00:00", "2026-10-25 02:00+00:00"),
    ("30 2 * * *", "2026-10-25 01:30+00:00", "2026-10-26 01:30+00:00"),  # asked in the second pass
    ("*/10 * * * *", "2026-10-25 01:55+00:00", "2026-10-25 02:00+00:00"),
])
def test_cron_times_go_forward_through_the_hour_the_clocks_go_back_over(cron, after, expected):
    # APScheduler 3 alone answers earlier times there, or the same one again for ever.
    timetable = Timetable(ScheduleConfig(cron=cron), at(after), BERLIN)
    assert timetable.after(at(after)) == at(expected)


def _job(name: str, every: str | None = "1s") -> JobConfig:
    return JobConfig.model_validate({
        "name": name, "source": {"input": "x.txt"}, "writers": [{"format": "json", "out": f"{name}.json"}],
        **({"schedule": {"every": every}} if every else {})})


def test_jobs_run_one_at_a_time_in_their_order_until_a_stop():
    ran: list[tuple[str, float]] = []

    def run(job: JobConfig) -> None:
        ran.append((job.name, time.monotonic()))
        if len(ran) == 5:
            raise KeyboardInterrupt  # as SIGTERM does, in the middle of a run

    daemon = Daemon([_job("a"), _job("manual", None), _job("b")], run, {}, zone=UTC)
    assert [job.name for job in daemon.jobs] == ["a", "b"]
    daemon.serve()
    assert isinstance(daemon.stopped_by, KeyboardInterrupt)
    names = [name for name, _ in ran]
    assert names[:2] == ["a", "b"]  # both never ran: both at start, in the file's order
    assert sorted(names) == sorted(["a", "a", "a", "b", "b"][:len(names)])
    assert ran[2][1] - ran[0][1] >= 0.9  # then every second, not at once


def test_a_reload_requested_in_a_run_returns_after_it_and_serving_again_goes_on():
    ran: list[str] = []

    def run(job: JobConfig) -> None:
        ran.append(job.name)
        if len(ran) == 1:
            daemon.request_reload()  # as SIGHUP does, in the middle of a run: it is not stopped
        elif len(ran) == 3:
            raise KeyboardInterrupt

    daemon = Daemon([_job("a"), _job("b")], run, {}, zone=UTC)
    daemon.serve()
    assert (ran, daemon.stopped_by) == (["a", "b"], None)  # the runs due at that time, no more
    daemon.reload_requested = False
    daemon.serve()
    assert ran[2] == "a"
    assert isinstance(daemon.stopped_by, KeyboardInterrupt)


def test_a_job_that_ran_recently_waits_for_its_time():
    started = datetime.now(UTC)
    daemon = Daemon([_job("hourly", "1h")], lambda job: None, {"hourly": started - timedelta(minutes=10)},
                    zone=UTC, now=started)
    assert daemon.first["hourly"] == started + timedelta(minutes=50)
    assert daemon.next_run(_job("hourly", "1h")) == started + timedelta(minutes=50)


def test_a_configuration_without_a_scheduled_job_is_refused():
    with pytest.raises(UserError, match="no job has a schedule"):
        Daemon([_job("manual", None)], lambda job: None, {})


def _daemon(config: Path, tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "excerpta", "daemon", "-c", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp_path / "temp")})


def test_the_daemon_syncs_on_schedule_reports_failures_and_stops_on_sigterm(tmp_path):
    (tmp_path / "temp").mkdir()
    shutil.copyfile(CLIPPINGS, tmp_path / "clip.txt")
    config = write_config(tmp_path, kindle_job(tmp_path, schedule='schedule = { every = "1s" }'),
                          kindle_job(tmp_path, "missing", source=tmp_path / "nowhere.txt",
                                     schedule='schedule = { every = "1s" }'))
    state = tmp_path / "state.sqlite"
    daemon = _daemon(config, tmp_path)
    try:
        wait_until(lambda: logged_runs(state).count(("kindle", "ok")) >= 2)
        with (tmp_path / "clip.txt").open("a", encoding="utf-8") as file:
            file.write(NEW_RECORD)
        walden = tmp_path / "vault" / "kindle" / "Books" / "Walden.md"
        wait_until(lambda: "give me truth" in walden.read_text(encoding="utf-8"))
        wait_until(lambda: logged_runs(state).count(("missing", "failed")) >= 2)  # a failing job goes on
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    lines = err.splitlines()
    assert lines[0].startswith("job kindle: every 1s, first run ")
    assert lines[1].startswith("job missing: every 1s, first run ")
    assert f"excerpta: error: job missing: {tmp_path / 'nowhere.txt'}: " in err
    assert lines[-1] == "excerpta: daemon stopped"
    # the second run found nothing new: one line
    assert any(line.startswith("job kindle: nothing changed (12 documents, ") for line in lines)
    assert "running" not in {status for _, status in logged_runs(state)}
    assert list((tmp_path / "temp").iterdir()) == []


def test_sighup_reads_the_configuration_again_and_a_bad_one_changes_nothing(tmp_path):
    (tmp_path / "temp").mkdir()
    shutil.copyfile(CLIPPINGS, tmp_path / "clip.txt")
    hourly = 'schedule = { every = "1h" }'
    config = write_config(tmp_path, kindle_job(tmp_path, schedule=hourly))
    state = tmp_path / "state.sqlite"
    daemon = _daemon(config, tmp_path)
    try:
        wait_until(lambda: logged_runs(state) == [("kindle", "ok")])
        added = kindle_job(tmp_path, "added", schedule=hourly)
        write_config(tmp_path, kindle_job(tmp_path, schedule=hourly), added)
        daemon.send_signal(signal.SIGHUP)
        # the new job never ran: at once; the other ran within the hour: not again
        wait_until(lambda: logged_runs(state) == [("kindle", "ok"), ("added", "ok")])
        config.write_text("[[jobs]\n", encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        time.sleep(1.5)
        assert daemon.poll() is None  # still serving, with the jobs it had
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    assert f"excerpta: {config}: configuration read again\njob kindle: every 1h, first run " in err
    assert "job added: every 1h, first run " in err
    [refused] = [line for line in err.splitlines() if "not read again" in line]
    assert refused.startswith(f"excerpta: error: configuration not read again: {config}")
    assert refused.endswith("; the daemon goes on with the jobs it had")
    assert err.splitlines()[-1] == "excerpta: daemon stopped"
    assert logged_runs(state) == [("kindle", "ok"), ("added", "ok")]


def test_a_configuration_that_cannot_be_read_again_leaves_the_daemon_as_it_was(tmp_path, capsys):
    from excerpta.cli.app import Settings
    from excerpta.cli.daemon import _reloaded

    config = write_config(tmp_path, kindle_job(tmp_path, schedule='schedule = { every = "1h" }'))
    daemon = Daemon([_job("a")], lambda job: None, {}, zone=UTC)
    daemon.reload_requested = True
    config.write_text("[[jobs]\n", encoding="utf-8")
    said: list[str] = []
    assert _reloaded(config, daemon, tmp_path / "state.sqlite", Settings(), said.append, None, None) is daemon
    assert not daemon.reload_requested  # serving again goes on with the jobs it had
    assert [job.name for job in daemon.jobs] == ["a"]
    assert said == []
    assert "configuration not read again: " in capsys.readouterr().err


def _catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler for ``signum`` (Linux: SigCgt in its status)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.MULTILINE)[1], 16)
    return bool(caught >> (signum - 1) & 1)


def test_a_sighup_while_the_daemon_starts_is_a_reload_not_its_end(tmp_path):
    # Another run holds the state, so the daemon waits to read its run log: a SIGHUP then (say
    # `systemctl reload` right after start) must not end it, as SIGHUP's default would.
    (tmp_path / "temp").mkdir()
    shutil.copyfile(CLIPPINGS, tmp_path / "clip.txt")
    config = write_config(tmp_path, kindle_job(tmp_path, schedule='schedule = { every = "1h" }'))
    state = tmp_path / "state.sqlite"
    open_store(state).close()
    holder = sqlite3.connect(state, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # readers wait too, even in WAL mode
    holder.execute("BEGIN EXCLUSIVE")
    daemon = _daemon(config, tmp_path)
    try:
        # Once its handler is set (a loaded machine starts Python slowly), as systemd's reload
        # would come after the start it waited for.
        wait_until(lambda: _catches(daemon.pid, signal.SIGHUP))
        time.sleep(0.5)
        daemon.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        assert daemon.poll() is None
        holder.execute("ROLLBACK")
        holder.close()  # (its lock is kept until then)
        wait_until(lambda: ("kindle", "ok") in logged_runs(state))
        time.sleep(1.5)  # the configuration read again, once the run in progress has ended
    finally:
        holder.close()
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    assert f"excerpta: {config}: configuration read again" in err


@contextmanager
def _daemon_mid_run(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A daemon whose job is under way: it reads a named pipe that has given part of a file
    and stays open (closed on exit, the daemon killed if it is still running then)."""
    (tmp_path / "temp").mkdir()
    fifo = tmp_path / "clip.fifo"
    os.mkfifo(fifo)
    config = write_config(tmp_path, kindle_job(tmp_path, source=fifo, schedule='schedule = { every = "1h" }'))
    daemon = _daemon(config, tmp_path)
    writer = os.open(fifo, os.O_WRONLY)  # waits for the daemon's run to open it
    try:
        os.write(writer, CLIPPINGS.read_bytes()[:300])
        wait_until(lambda: any((tmp_path / "temp").iterdir()))  # copying the pipe
        yield config, daemon
    finally:
        os.close(writer)
        if daemon.poll() is None:
            daemon.kill()
            print(daemon.communicate()[1])


def test_a_stop_in_the_middle_of_a_run_interrupts_it_safely(tmp_path):
    # The run is under way when SIGTERM comes. It is unwound as Ctrl-C unwinds convert: logged
    # as interrupted, its copy of the pipe removed, no output, and the daemon ends cleanly.
    with _daemon_mid_run(tmp_path) as (config, daemon):
        # ...and waiting for more: a signal that came just before that read began would not
        # interrupt it (a race of CPython's), and it never returns here.
        time.sleep(0.5)
        assert logged_runs(tmp_path / "state.sqlite") == [("kindle", "running")]
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    assert err.splitlines()[-2:] == [
        "job kindle: interrupted (nothing half-written); it runs at once when the daemon starts again",
        "excerpta: daemon stopped"]
    assert logged_runs(tmp_path / "state.sqlite") == [("kindle", "interrupted")]
    assert list((tmp_path / "temp").iterdir()) == []
    assert not (tmp_path / "kindle.json").exists()
    assert not (tmp_path / "vault").exists()
    # A run that was stopped is no run to count the schedule from: due now, not in an hour.
    status = subprocess.run([sys.executable, "-m", "excerpta", "status", "-c", str(config)],
                            capture_output=True, text=True, timeout=60, check=True)
    assert ", interrupted" in status.stdout
    assert "  error: stopped by SIGTERM\n" in status.stdout  # not "Terminated" (Readwise audit)
    assert status.stdout.splitlines()[-1] == "  due: now"


def test_a_run_whose_daemon_was_killed_is_read_as_interrupted_and_runs_again_at_start(tmp_path):
    # Daemon audit: after SIGKILL (the OOM killer, systemd's stop timeout, a power cut) the run
    # stayed "running" in `status` for good, and a restarted daemon counted its schedule from
    # it: a daily job put off a day.
    with _daemon_mid_run(tmp_path) as (config, daemon):
        wait_until(lambda: logged_runs(tmp_path / "state.sqlite") == [("kindle", "running")])
        daemon.kill()
        daemon.communicate(timeout=30)
    assert logged_runs(tmp_path / "state.sqlite") == [("kindle", "running")]  # as SIGKILL leaves it

    def status() -> list[str]:
        return subprocess.run([sys.executable, "-m", "excerpta", "status", "-c", str(config)],
                              capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()

    # while another run holds the job's output, it may be that run: still running
    with output_lock(tmp_path / "kindle.json"):
        held = status()
    assert held[1].endswith(", running")
    assert held[-1] != "  due: now"
    killed = status()
    assert killed[1].endswith(", interrupted")
    assert killed[2] == "  error: its process ended without a word (killed?); the run committed nothing more"
    assert killed[-1] == "  due: now"

    fifo = tmp_path / "clip.fifo"
    fifo.unlink()
    shutil.copyfile(CLIPPINGS, fifo)  # the Kindle back: a file where the pipe was
    daemon = _daemon(config, tmp_path)
    try:
        wait_until(lambda: ("kindle", "ok") in logged_runs(tmp_path / "state.sqlite"))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.communicate(timeout=30)
    assert (tmp_path / "kindle.json").exists()


def test_a_second_daemon_of_one_state_is_refused(run_cli, tmp_path):
    config = write_config(tmp_path, kindle_job(tmp_path, schedule='schedule = { every = "1h" }'))
    with daemon_lock(tmp_path / "state.sqlite"):
        second = run_cli("daemon", "-c", config)
    assert second.exit_code == 75
    assert second.output.splitlines()[-1] == (
        f"excerpta: error: another excerpta daemon is running with the state {tmp_path / 'state.sqlite'}; "
        "stop it first")


def test_a_time_zone_the_machine_does_not_know_is_one_line(tmp_path):
    config = write_config(tmp_path, kindle_job(tmp_path, schedule='schedule = { every = "1h" }'))
    run = subprocess.run([sys.executable, "-m", "excerpta", "daemon", "-c", str(config)],
                         capture_output=True, text=True, timeout=60, env={**os.environ, "TZ": "Mars/Olympus"})
    assert run.returncode == 2
    assert run.stderr.startswith("excerpta: error: the machine's time zone is unknown (TZ=Mars/Olympus names "
                                 "no zone this machine knows): ")
    assert run.stderr.count("\n") == 1
    assert run.stderr.endswith("set TZ to a zone such as Europe/Berlin (in Docker: docker run -e "
                               "TZ=Europe/Berlin …)\n")


@pytest.mark.parametrize(("cron", "weekdays"), [
    ("0 6 * * 0", {"Sun"}), ("0 6 * * 7", {"Sun"}), ("0 6 * * 1-5", {"Mon", "Tue", "Wed", "Thu", "Fri"}),
    ("0 6 * * */2", {"Sun", "Tue", "Thu", "Sat"}), ("0 6 * * 5-7", {"Fri", "Sat", "Sun"}),
    ("0 6 * * sat,sun", {"Sat", "Sun"}), ("0 6 * * 1,3", {"Mon", "Wed"}),
])
def test_a_crontab_weekday_counts_from_sunday(cron, weekdays):
    # APScheduler 3 alone counts numbered weekdays from Monday: "0" would be a Monday.
    timetable = Timetable(ScheduleConfig(cron=cron), at("2026-11-26 00:00"), BERLIN)
    moment, days = at("2026-11-26 00:00"), set()
    for _ in range(14):
        moment = timetable.after(moment)
        days.add(moment.astimezone(BERLIN).strftime("%a"))
    assert days == weekdays


@pytest.mark.parametrize(("cron", "runs"), [
    # both day fields restricted: a day matching either, as every crontab runs it
    ("0 6 13 * 5", ["2026-11-27", "2026-12-04", "2026-12-11", "2026-12-13", "2026-12-18"]),
    ("0 6 1 * 1", ["2026-11-30", "2026-12-01", "2026-12-07", "2026-12-14"]),
    ("0 6 1,15 * sat", ["2026-11-28", "2026-12-01", "2026-12-05", "2026-12-12"]),
    # one of them begins with "*": days matching both
    ("0 6 */10 * 5", ["2026-12-11", "2027-01-01"]),  # 1st, 11th, … a Friday
    ("0 6 13 * *", ["2026-12-13", "2027-01-13"]),
    ("0 6 * * 5", ["2026-11-27", "2026-12-04"]),
])
def test_a_crontab_with_day_and_weekday_runs_on_either_as_cron_does(cron, runs):
    # APScheduler 3 alone runs "0 6 13 * 5" only on a Friday the 13th (2027-08-13 next).
    timetable = Timetable(ScheduleConfig(cron=cron), at("2026-11-26 00:00"), BERLIN)
    moment, got = at("2026-11-26 00:00"), []
    for _ in runs:
        moment = timetable.after(moment)
        got.append(moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M"))
    assert got == [f"{day} 06:00" for day in runs]


@pytest.mark.parametrize(("cron", "message"), [
    ("0 0 31 2 *", "'0 0 31 2 *' names no day that comes (such as 31 February)"),
    ("0 6 * * 8", "weekday '8': expected 0-7 (0 and 7 are Sunday)"),
])
def test_a_crontab_that_never_comes_is_refused(cron, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        ScheduleConfig(cron=cron)
