"""``excerpta sync`` and ``excerpta status``: the configuration's jobs run once, and how their
runs went (:mod:`excerpta.jobs`); ``excerpta daemon`` is :mod:`excerpta.cli.daemon`."""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime
from pathlib import Path

import click

from excerpta import registry
from excerpta.cli.app import (
    RUNNING_JOB,
    Settings,
    cli,
    echo_error,
    failure,
    global_options,
    raise_if_stopped,
    state_option,
)
from excerpta.cli.convert import print_report
from excerpta.cli.progress import ProblemEcho, ReadProgress
from excerpta.config import Config, JobConfig, load_config
from excerpta.daemon import first_run, local_zone
from excerpta.ingest.inbox import default_inbox_path, inbox_summary
from excerpta.jobs import (
    CONFIG_ENV,
    ENDED_UNSAID,
    chosen_jobs,
    default_config_path,
    in_progress,
    run_job,
    state_path,
)
from excerpta.run_report import said_of_counts
from excerpta.store import RunRecord, open_store

config_option = click.option(
    "-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    envvar=CONFIG_ENV, default=None,
    help=f"Configuration file (see config/excerpta.example.toml). Env: {CONFIG_ENV}; "
         "default: excerpta.toml in your configuration folder.")


def _load(config_path: Path | None) -> tuple[Path, Config]:
    path = config_path or default_config_path()
    return path, load_config(path)


def _run_and_report(job: JobConfig, config: Config, settings: Settings, *, dry_run: bool = False,
                    brief: bool = False, force: bool = False, recreate_deleted: bool = False) -> int:
    """Run ``job`` once and print how it went; returns its exit code. A job that fails is
    reported in one line naming it, and the next job still runs; a stop (Ctrl-C, SIGTERM)
    is not caught, even one a library wrapped. ``brief``: a run that changed nothing and
    skipped nothing is one line."""
    state = None
    naming = RUNNING_JOB.set(job.name)
    try:
        state = open_store(state_path(config, settings.state), reads_only=dry_run)
        # In a terminal, a run that takes a while shows what it has read (not in the daemon's log).
        problems = ProblemEcho(quiet=settings.quiet, verbose=settings.verbose)
        with ReadProgress(enabled=sys.stderr.isatty() and not settings.quiet and not brief) as progress:
            try:
                report = run_job(job, state, config=config, dry_run=dry_run,
                                 force=force, recreate_deleted=recreate_deleted, on_problem=problems,
                                 on_document=progress.advance)
            finally:  # before the job's error, if it ends with one
                problems.finish()
    except Exception as err:  # each job is a boundary: the others still run
        raise_if_stopped(err)  # as the command's boundary says it: a stop, not a failure
        message, code = failure(err, verbose=settings.verbose)
        echo_error(f"job {job.name}: {message}")
        return code
    finally:
        RUNNING_JOB.reset(naming)
        if state is not None:
            state.close()
    if report.failure is not None:  # a writer failed; the others' files are on disk: said first
        if not settings.quiet and report.outcomes:
            click.echo(f"job {job.name}:", err=not dry_run)  # with its outcomes: a dry run's are on stdout
            print_report(report, dry_run=dry_run, quiet=False, verbose=settings.verbose, kept_library=True)
        message, code = failure(report.failure, verbose=settings.verbose)
        echo_error(f"job {job.name}: {message}")
        return max(code, report.exit_code)
    if settings.quiet and not dry_run:  # a dry run's outcomes are what it was asked for
        return report.exit_code
    if brief and not report.exit_code and all(o.action == "unchanged" for o in report.outcomes):
        counts = report.library_counts
        sending = "".join(f", nothing to send to {service}" for service in report.services)
        click.echo(f"job {job.name}: nothing changed{sending} ({counts.get('documents', 0)} documents, "
                   f"{counts.get('highlights', 0)} highlights)", err=True)
        return 0
    click.echo(f"job {job.name}:", err=not dry_run)  # with its outcomes: a dry run's are on stdout
    print_report(report, dry_run=dry_run, quiet=settings.quiet, verbose=settings.verbose,
                 kept_library=True)
    return report.exit_code


@cli.command("sync")
@global_options
@state_option
@config_option
@click.argument("names", nargs=-1, metavar="[JOB]...")
@click.option("--dry-run", is_flag=True, help="Read and render, print what would be written, write nothing.")
# For this run, as convert's: the way out its messages name ("--force overwrites"), which a
# daemon's user takes with `sync --force JOB`.
@click.option("--force", is_flag=True,
              help="This run: overwrite output files excerpta did not write, edited or read-only (an "
                   "Obsidian note's own text is always kept).")
@click.option("--recreate-deleted", is_flag=True,
              help="This run: write again the Obsidian notes you deleted.")
@click.pass_obj
def sync_command(settings: Settings, config_path: Path | None, names: tuple[str, ...], dry_run: bool,
                 force: bool, recreate_deleted: bool) -> None:
    """Run the configuration's jobs once now (all of them, or each JOB named), in order.

    Each reads its source from where its last run stopped (a Readwise pull asks only for
    what changed) into the state's library, and each of its writers writes what changed.
    A job that fails is reported and the next one runs. Exit code: the highest of the jobs'
    (0 ok, 1 partial, 2 bad input or configuration, 3 the source failed, 74 a file refused,
    75 another run is writing an output).
    """
    path, config = _load(config_path)
    codes = [_run_and_report(job, config, settings, dry_run=dry_run, force=force,
                             recreate_deleted=recreate_deleted)
             for job in chosen_jobs(config, names, config_path=path)]
    if max(codes):
        click.get_current_context().exit(max(codes))


@dataclasses.dataclass
class _JobRuns:
    """What ``status`` says of a job's runs: the last one that was tried (``shown``: not one
    kept out by another run writing an output, ``busy``, which did nothing), the runs kept so
    out since it began (newest first), and the run its schedule counts from."""

    shown: RunRecord | None = None
    kept_out: list[RunRecord] = dataclasses.field(default_factory=list)
    counted_from: RunRecord | None = None


def _last_runs(config: Config, settings: Settings) -> dict[str, _JobRuns]:
    """Each job's runs as ``status`` tells them, by job name (none: never ran, or no state
    yet). A schedule counts from no run that was interrupted (SIGTERM, Ctrl-C: it committed
    nothing, so a daemon started again runs the job when it would have without it, not an
    interval after the stop), nor from one kept out by another run writing an output
    (``busy``), nor from one logged as running that no process runs
    (:func:`~excerpta.jobs.in_progress`): read as interrupted. A ``busy`` run is not shown as
    the last: a manual ``sync`` kept out while the daemon's run wrote would hide that run."""
    path = state_path(config, settings.state)
    if not path.exists():
        return {}
    state = open_store(path)
    try:
        found = {}
        for job in config.jobs:
            runs = state.runs(job.name, limit=RUN_LOG_LOOKED_AT)
            if any(run.status == "running" for run in runs) and not in_progress(job):
                runs = [dataclasses.replace(run, status="interrupted", error=ENDED_UNSAID)
                        if run.status == "running" else run for run in runs]
            shown = next((index for index, run in enumerate(runs) if run.status != "busy"), len(runs))
            found[job.name] = _JobRuns(
                shown=runs[shown] if shown < len(runs) else None, kept_out=runs[:shown],
                counted_from=next((run for run in runs if run.status not in NOT_COUNTED), None))
        return found
    finally:
        state.close()


RUN_LOG_LOOKED_AT = 100  # a hundred stops in a row: as if the job never ran
# Runs that committed nothing: stopped, or kept out by another run writing an output.
NOT_COUNTED = frozenset({"interrupted", "busy"})


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.astimezone().isoformat(" ", "seconds")


def _kept_out(runs: list[RunRecord], *, later: bool) -> str:
    """One line for the runs (newest first) that another run writing an output kept out,
    ``later`` than the run shown as the last."""
    newest = runs[0]
    tries = "" if len(runs) == 1 else f"{len(runs)} runs, the last "
    because = f": {newest.error}" if newest.error else ""
    return f"kept out{' later' if later else ''}: {tries}{_when(newest.started_at)}, busy{because}"


@cli.command("status")
@global_options
@state_option
@config_option
@click.pass_obj
def status_command(settings: Settings, config_path: Path | None) -> None:
    """Show each job's schedule, its last run (when, how it ended, what it wrote, its error;
    runs kept out since by another run writing an output on a line of their own) and when it
    is next due, from the state's run log; with an [ingest] table, how many
    highlights its inbox received and when the last came."""
    path, config = _load(config_path)
    job_runs = _last_runs(config, settings)
    zone = local_zone()
    now = datetime.now(zone)
    for job in chosen_jobs(config, (), config_path=path):
        runs = job_runs.get(job.name, _JobRuns())
        last = runs.shown
        click.echo(f"{job.name}: {job.schedule or 'not scheduled'}")
        if last is None:
            click.echo("  last run: never")
        else:
            writers = [registry.writer(writer.format) for writer in job.writers]
            said = "".join(f", {part}" for part in said_of_counts(last.counts, writers))
            click.echo(f"  last run: {_when(last.started_at)}, {last.status}{said}")
            if last.error:
                click.echo(f"  error: {last.error}")
        if runs.kept_out:
            click.echo(f"  {_kept_out(runs.kept_out, later=last is not None)}")
        if job.schedule is not None:
            base = runs.counted_from
            due = first_run(job.schedule, base.started_at if base else None, now, zone)
            click.echo(f"  due: {'now' if due <= now else _when(due)}")
    if config.ingest is not None:
        inbox = default_inbox_path(configured=config.ingest.inbox)
        count, last = inbox_summary(inbox)
        click.echo(f"ingest: {config.ingest.listen}, inbox {inbox}: {count} highlight(s) received in all"
                   + (f", the last {_when(last)}" if last else ""))

