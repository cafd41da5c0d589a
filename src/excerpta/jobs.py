"""Sync jobs: a configured source read into its writers, once (``excerpta sync``) or on a
schedule (:mod:`excerpta.daemon`).

A job's run is :func:`~excerpta.pipeline.run_once` with the job's source and writers, into the
configuration's state, whose library keeps everything ever read: the source is read from its
saved cursor (a Readwise pull asks only for what changed), merged, and each writer writes only
the documents that changed since it last wrote them; the cursor is committed with the last
writer's records, once every output is on disk. Output records and cursors belong to the
state, not to the job's name (which names its runs in the run log): a job and a
``convert --state`` run writing the same output share its history, and two jobs reading the
same source share its cursor, each writer still writing all that its output lacks.

The configuration's ``[readwise]`` table stands in for the environment variables a user did
not set (``READWISE_API_URL``, ``READWISE_TOKEN_FILE``), while a job runs; so do its
``[hypothesis]`` table (``HYPOTHESIS_API_URL``, ``HYPOTHESIS_TOKEN_FILE``) and its
``[ingest] inbox`` (``EXCERPTA_INBOX``, the file a job's ``inbox:`` reads).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from platformdirs import user_config_path

from excerpta import registry
from excerpta.adapters import RecordProblem
from excerpta.clients.hypothesis import DEFAULT_API_URL as HYPOTHESIS_API_URL
from excerpta.clients.hypothesis import HYPOTHESIS
from excerpta.clients.readwise_settings import (
    API_URL_ENV,
    DEFAULT_API_URL,
    READWISE,
    TOKEN_FILE_ENV,
    named_as,
)
from excerpta.config import Config, JobConfig
from excerpta.errors import ExcerptaError, OutputBusyError, StateBusyError, UserError
from excerpta.ingest.inbox import INBOX_ENV
from excerpta.input_reads import JOB_FORMAT
from excerpta.locks import output_in_use
from excerpta.output_targets import output_target
from excerpta.pipeline import DocumentCallback, Output, run_once
from excerpta.run_report import ConvertReport
from excerpta.store import LibraryStore, default_state_path

CONFIG_ENV = "EXCERPTA_CONFIG"
_CONFIG_KEYS = {API_URL_ENV: "[readwise] base_url", TOKEN_FILE_ENV: "[readwise] token_file",
                HYPOTHESIS.api_url_env: "[hypothesis] base_url",
                HYPOTHESIS.token_file_env: "[hypothesis] token_file", INBOX_ENV: "[ingest] inbox"}


def default_config_path() -> Path:
    """Where ``sync``, ``daemon`` and ``status`` look for the configuration when not told:
    ``EXCERPTA_CONFIG``, else ``excerpta.toml`` in the user's configuration folder
    (``~/.config/excerpta/excerpta.toml`` on Linux)."""
    return Path(os.environ.get(CONFIG_ENV) or user_config_path("excerpta", appauthor=False) / "excerpta.toml")


def state_path(config: Config, given: Path | None) -> Path:
    """The state database of ``config``'s jobs: ``given`` (``--state``, ``EXCERPTA_STATE``),
    else the configuration's ``state``, else the default one."""
    return (given or config.state or default_state_path()).expanduser()


def chosen_jobs(config: Config, names: Sequence[str], *, config_path: Path) -> list[JobConfig]:
    """The jobs named (all of them, in the file's order, when ``names`` is empty); raises
    UserError for a name the configuration does not have, or a configuration without jobs."""
    if not config.jobs:
        raise UserError(f"{config_path}: no [[jobs]] to run (see config/excerpta.example.toml)")
    by_name = {job.name: job for job in config.jobs}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise UserError(f"{config_path}: no job named {', '.join(map(repr, unknown))}; "
                        f"its jobs: {', '.join(by_name)}")
    return [by_name[name] for name in dict.fromkeys(names)] if names else list(config.jobs)


def run_job(job: JobConfig, state: LibraryStore, *, config: Config | None = None,
            dry_run: bool = False, force: bool = False, recreate_deleted: bool = False,
            on_problem: Callable[[RecordProblem], None] | None = None,
            on_document: DocumentCallback | None = None) -> ConvertReport:
    """Run ``job`` once into ``state`` (its library, manifest, cursors and run log; a dry
    run's copy of it with ``dry_run``). A writer that fails, or cannot write its ``out`` (a
    folder where a file goes), does not stop the others: the report's ``failure`` says it
    (see :func:`~excerpta.pipeline.run_once`). Raises as :func:`~excerpta.pipeline.convert`
    does for a bad source, or when no writer can write its ``out``; the run log records how
    the run ended, under the job's name. ``force`` and ``recreate_deleted``: as `convert`'s
    flags, for this run (the second for each writer that has the option). ``config``: the
    configuration the job is of, whose service tables stand in for unset environment
    variables (:func:`service_environment`)."""
    outputs, unwritable = [], []
    for writer in job.writers:
        cls = registry.writer(writer.format)
        options = dict(writer.options)
        if recreate_deleted and "recreate_deleted" in cls.options_model.model_fields:
            options["recreate_deleted"] = True
        try:
            outputs.append(Output(cls.from_options(options), output_target(cls, writer.out)))
        except UserError as err:
            unwritable.append(err)
    if not outputs:
        _log_failed(state, job.name, unwritable[0], dry_run)
        raise unwritable[0]
    try:
        with service_environment(config or Config()):
            return run_once([job.source.input], outputs, run_name=job.name, library=state, state=state,
                            from_format=job.source.format, options=dict(job.source.options),
                            force=force, dry_run=dry_run, on_problem=on_problem,
                            on_document=on_document, persistent_library=True,
                            failed_outputs=unwritable, format_choice=JOB_FORMAT)
    except OutputBusyError as err:  # another run writing an output: raised before the run is logged
        _log_failed(state, job.name, err, dry_run)
        raise


# How a run logged as running reads once no process runs it (killed: SIGKILL, the OOM killer,
# a power cut); like a stopped one, it committed nothing after its last output's records.
ENDED_UNSAID = "its process ended without a word (killed?); the run committed nothing more"


def in_progress(job: JobConfig) -> bool:
    """Whether a run of ``job`` may be in progress now: one holds an output's lock (a run
    holds all of them throughout), or an output cannot be told (its ``out`` unusable)."""
    for writer in job.writers:
        try:
            out = output_target(registry.writer(writer.format), writer.out)
        except UserError:
            return True
        if output_in_use(out):
            return True
    return False


def _log_failed(state: LibraryStore, name: str, err: ExcerptaError, dry_run: bool) -> None:
    """Log a run of job ``name`` that ``err`` ended before it began, so `status` and the
    daemon's first run know of every run tried: ``busy`` where another run was writing an
    output (it did nothing: no run to count a schedule from), else ``failed``; a state busy
    too (past its timeout) goes without it, and a dry run logs nothing."""
    if not dry_run:
        with suppress(StateBusyError):
            state.log_ended_run(name, "busy" if isinstance(err, OutputBusyError) else "failed", str(err))


@contextmanager
def service_environment(config: Config) -> Iterator[None]:
    """``config``'s ``[readwise]`` and ``[hypothesis]`` tables as the environment variables
    their clients read, and ``[ingest] inbox`` as ``EXCERPTA_INBOX``, for the ``with`` block,
    where the user set none: the environment wins, as for every option (a ``READWISE_TOKEN``
    wins over the token file). Messages name them as the file's keys."""
    defaults = {}
    if config.ingest is not None and config.ingest.inbox is not None:
        defaults[INBOX_ENV] = str(config.ingest.inbox.expanduser())
    for table, service, default_url in ((config.readwise, READWISE, DEFAULT_API_URL),
                                        (config.hypothesis, HYPOTHESIS, HYPOTHESIS_API_URL)):
        if table.base_url != default_url:
            defaults[service.api_url_env] = table.base_url
        if table.token_file is not None and not os.environ.get(service.token_env, "").strip():
            defaults[service.token_file_env] = str(table.token_file.expanduser())
    added = {name: value for name, value in defaults.items() if not os.environ.get(name)}
    os.environ.update(added)
    try:
        with named_as({name: _CONFIG_KEYS[name] for name in added}):
            yield
    finally:
        for name in added:
            os.environ.pop(name, None)
