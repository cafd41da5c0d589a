"""``excerpta daemon``: every scheduled job of the configuration run on its schedule
(:mod:`excerpta.daemon`), and, when the configuration has an ``[ingest]`` table, the ingest
endpoint served beside them (:mod:`excerpta.ingest.server`): the jobs that read its inbox run
a few seconds after highlights came, scheduled or not."""

from __future__ import annotations

import signal
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import click

from excerpta.cli.app import (
    Settings,
    cli,
    echo_error,
    failure,
    global_options,
    raise_if_stopped,
    state_option,
)
from excerpta.cli.ingest import endpoint_of, inbox_jobs
from excerpta.cli.jobs import _last_runs, _load, _run_and_report, _when, config_option
from excerpta.config import Config, IngestConfig, JobConfig, load_config
from excerpta.daemon import Daemon
from excerpta.errors import ConfigError
from excerpta.ingest.server import IngestServer
from excerpta.jobs import chosen_jobs, state_path
from excerpta.locks import daemon_lock

# How long after highlights came the jobs reading them run: a phone sending one highlight a
# request, a few at a time, is one run.
SETTLE = timedelta(seconds=10)


@cli.command("daemon")
@global_options
@state_option
@config_option
@click.pass_obj
def daemon_command(settings: Settings, config_path: Path | None) -> None:
    """Run each scheduled job of the configuration on its schedule, until stopped.

    Jobs run one at a time. A job that never ran, or whose time came while the daemon was
    not running, runs at start. A failing run is reported and the job runs again at its
    next time. SIGTERM or Ctrl-C stops the daemon (exit code 0): a running job is
    interrupted safely (nothing half-written; its next run redoes it). SIGHUP reads the
    configuration again once the run in progress ends (a file with an error is reported
    and the daemon goes on with the jobs it had).

    With an [ingest] table, the daemon also serves the ingest endpoint (as `excerpta ingest
    serve`), and the jobs that read its inbox (input = "inbox:") run 10 seconds after
    highlights came, whether or not they have a schedule.
    """
    daemon: Daemon | None = None
    endpoint: IngestServer | None = None
    early_hangup = False  # before the daemon was made: it reads the configuration again at once

    def hung_up(_signal: int, _frame: object) -> None:
        nonlocal early_hangup
        if daemon is None:
            early_hangup = True
        else:
            daemon.request_reload()

    # Caught from the start: SIGHUP's default would end the process, which a service manager
    # takes for a clean exit and does not restart (opening the state may wait 30 s).
    hangup = getattr(signal, "SIGHUP", None)  # not on Windows
    before = signal.signal(hangup, hung_up) if hangup else None
    try:
        path, config = _load(config_path)
        state = state_path(config, settings.state)
        say = (lambda line: None) if settings.quiet else (lambda line: click.echo(line, err=True))
        with daemon_lock(state):  # before anything is said or run
            endpoint = endpoint_of(config)
            daemon = _scheduled(path, config, settings, say, endpoint)
            _say_schedule(daemon, config, say)
            if endpoint is not None:  # a wake reaches the daemon of the day (reloads make others)
                endpoint.on_taken = lambda _count: daemon.wake(daemon.wakeable, SETTLE)
                endpoint.start()
                _say_endpoint(endpoint, daemon, say)
            daemon.reload_requested |= early_hangup
            try:
                daemon.serve()
                while daemon.stopped_by is None and daemon.reload_requested:
                    daemon = _reloaded(path, daemon, state, settings, say, endpoint, config.ingest)
                    daemon.serve()
            except KeyboardInterrupt:
                pass  # a stop while the configuration was read again: nothing was running
            if daemon.stopped_by is not None and daemon.running is not None:
                say(f"job {daemon.running}: interrupted (nothing half-written); it runs at once "
                    "when the daemon starts again")
        say("excerpta: daemon stopped")
    finally:
        if endpoint is not None:
            endpoint.stop()
        if hangup:
            signal.signal(hangup, before or signal.SIG_DFL)


def _scheduled(path: Path, config: Config, settings: Settings, say: Callable[[str], None],
               endpoint: IngestServer | None) -> Daemon:
    """A daemon of ``config``'s scheduled jobs, and those reading the inbox of ``endpoint``,
    their first runs worked out from the run log; raises UserError for a configuration
    without jobs, or without one to run."""
    jobs = chosen_jobs(config, (), config_path=path)

    def run(job: JobConfig) -> None:
        _run_and_report(job, config, settings, brief=True)
        say(f"job {job.name}: next run {_when(daemon.next_run(job))}")

    last = {name: runs.counted_from.started_at for name, runs in _last_runs(config, settings).items()
            if runs.counted_from is not None}
    daemon = Daemon(jobs, run, last, wakeable=inbox_jobs(config, endpoint.inbox.path) if endpoint else ())
    return daemon


def _say_schedule(daemon: Daemon, config: Config, say: Callable[[str], None]) -> None:
    for job in daemon.jobs:
        when = f"{job.schedule}" if job.schedule else "when highlights come"
        say(f"job {job.name}: {when}, first run {_when(daemon.first[job.name])}")
    unscheduled = [job.name for job in config.jobs
                   if job.schedule is None and job.name not in daemon.wakeable]
    if unscheduled:
        say(f"not scheduled (run by `excerpta sync`): {', '.join(unscheduled)}")


def _say_endpoint(endpoint: IngestServer, daemon: Daemon, say: Callable[[str], None]) -> None:
    say(f"ingest endpoint: {endpoint.url} (inbox {endpoint.inbox.path})")
    if not daemon.wakeable:
        say('ingest: no job reads the inbox (source input = "inbox:"): highlights sent are kept '
            "in it until one does")


def _reloaded(path: Path, daemon: Daemon, state: Path, settings: Settings,
              say: Callable[[str], None], endpoint: IngestServer | None,
              served: IngestConfig | None) -> Daemon:
    """A daemon of the configuration at ``path`` read again (SIGHUP), or ``daemon`` itself,
    to go on as it was, when that file cannot be used (reported in one line). The endpoint
    goes on as it was started (of ``served``): a changed ``[ingest]`` table is said to need a
    restart."""
    daemon.reload_requested = False
    try:
        config = load_config(path)
        if state_path(config, settings.state) != state:  # the lock we hold is that state's
            raise ConfigError(f"{path}: state is now {state_path(config, settings.state)}; "
                              "restart the daemon to move to another state")
        reloaded = _scheduled(path, config, settings, say, endpoint)
    except Exception as err:  # as a job is, a reload is a boundary: the daemon goes on
        raise_if_stopped(err)
        message, _ = failure(err, verbose=settings.verbose)
        echo_error(f"configuration not read again: {message}; the daemon goes on with the jobs it had")
        return daemon
    reloaded.wake(daemon.woken, SETTLE)  # highlights that came before or while it was read
    say(f"excerpta: {path}: configuration read again")
    if config.ingest != served:
        say("ingest: the [ingest] table changed: restart the daemon to serve it so; the endpoint "
            "goes on as it was")
    _say_schedule(reloaded, config, say)
    reloaded.reload_requested = daemon.reload_requested  # a SIGHUP that came while reading
    return reloaded
