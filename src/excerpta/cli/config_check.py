"""``excerpta config check``: validate a configuration file and summarise its jobs."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from excerpta import registry
from excerpta.cli.app import cli, global_options
from excerpta.clients.hypothesis import HypothesisSettings
from excerpta.clients.readwise_settings import ReadwiseSettings
from excerpta.config import load_config
from excerpta.errors import ConfigError
from excerpta.jobs import chosen_jobs, default_config_path, readwise_environment
from excerpta.output_targets import foreign_suffix
from excerpta.readers.hypothesis_api import INPUT as HYPOTHESIS_INPUT
from excerpta.readers.readwise_api import INPUT as READWISE_INPUT

log = logging.getLogger(__name__)


@cli.group()
def config() -> None:
    """Inspect configuration files (see config/excerpta.example.toml)."""


@config.command()
@global_options
@click.argument("path", type=click.Path(path_type=Path), required=False)
def check(path: Path | None) -> None:
    """Validate PATH (default: the file `sync` and `daemon` read, EXCERPTA_CONFIG or excerpta.toml
    in your configuration folder) and list its jobs; exit code 2 with one line naming the bad
    key, or saying it has no job to run."""
    path = path or default_config_path()
    loaded = load_config(path)
    chosen_jobs(loaded, (), config_path=path)  # a file without jobs: what sync would refuse
    if any(job.source.input.strip().lower() == READWISE_INPUT
           or any(registry.writer(w.format).remote_name == READWISE_INPUT for w in job.writers)
           for job in loaded.jobs):
        try:  # the token a sync would fail to find, said (the file may be made later: not refused)
            with readwise_environment(loaded.readwise):
                ReadwiseSettings.from_env()
        except ConfigError as err:
            log.warning("%s", err)
    if any(job.source.input.strip().lower() == HYPOTHESIS_INPUT for job in loaded.jobs):
        try:  # the same for a Hypothesis job's token
            HypothesisSettings.from_env()
        except ConfigError as err:
            log.warning("%s", err)
    click.echo(f"{path}: ok, {len(loaded.jobs)} job(s)")
    for job in loaded.jobs:
        when = job.schedule or "manual"
        targets = ", ".join(f"{w.format} → {w.out}" for w in job.writers)
        click.echo(f"  {job.name}: {job.source.input} → {targets} ({when})")
        for writer in job.writers:
            if (odd := foreign_suffix(registry.writer(writer.format), writer.out.expanduser())) is not None:
                log.warning("%s", odd)
