"""``excerpta config check``: validate a configuration file and summarise its jobs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.cli.app import cli, global_options
from excerpta.clients.api_settings import ApiSettings
from excerpta.config import Config, load_config
from excerpta.errors import ConfigError
from excerpta.ingest.settings import load_settings
from excerpta.jobs import chosen_jobs, default_config_path, service_environment
from excerpta.output_targets import foreign_suffix

log = logging.getLogger(__name__)


@cli.group()
def config() -> None:
    """Inspect configuration files (see config/excerpta.example.toml)."""


@config.command()
@global_options
# As `sync`, `daemon` and `status` take it (a script swapping one command for another); the
# environment's file is the default's, never a second name to tell from PATH.
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Configuration file to check, as PATH (the option sync, daemon and "
                                 "status take).")
@click.argument("path", type=click.Path(path_type=Path), required=False)
def check(path: Path | None, config_path: Path | None) -> None:
    """Validate PATH (or -c/--config FILE; default: the file `sync` and `daemon` read,
    EXCERPTA_CONFIG or excerpta.toml in your configuration folder) and list its jobs; exit code
    2 with one line naming the bad key, or saying it has no job to run."""
    if path is not None and config_path is not None and not _same_file(path, config_path):
        raise click.UsageError(f"-c/--config {config_path} and PATH {path} name two files: give one")
    path = path or config_path or default_config_path()
    loaded = load_config(path)
    chosen_jobs(loaded, (), config_path=path)  # a file without jobs: what sync would refuse
    for settings in _services_of(loaded):
        try:  # the token a sync would fail to find, said (the file may be made later: not refused)
            with service_environment(loaded):  # ([readwise], [hypothesis]: what a job would use)
                settings.from_env()
        except ConfigError as err:
            log.warning("%s", err)
    if (table := loaded.ingest) is not None:
        try:  # the token the daemon would not find to serve the endpoint, said as a sync's is
            load_settings(configured_listen=table.listen, token_file=table.token_file,
                          configured_inbox=table.inbox)
        except ConfigError as err:
            log.warning("[ingest]: %s", err)
    click.echo(f"{path}: ok, {len(loaded.jobs)} job(s)")
    for job in loaded.jobs:
        when = job.schedule or "manual"
        targets = ", ".join(f"{w.format} → {w.out}" for w in job.writers)
        click.echo(f"  {job.name}: {job.source.input} → {targets} ({when})")
        for writer in job.writers:
            if (odd := foreign_suffix(registry.writer(writer.format), writer.out.expanduser())) is not None:
                log.warning("%s", odd)


def _same_file(one: Path, other: Path) -> bool:
    """Whether ``one`` and ``other`` name one file, however spelled (``./a.toml``, a link)."""
    try:
        return os.path.samefile(one.expanduser(), other.expanduser())
    except (OSError, RuntimeError):  # one is not there (said when it is read): as spelled
        return os.path.abspath(one.expanduser()) == os.path.abspath(other.expanduser())


def _services_of(loaded: Config) -> list[type[ApiSettings]]:
    """The settings of every service ``loaded``'s jobs talk to, as their adapters declare them
    (``api_settings``): an API reader recognising a job's input by its name (``readwise:``),
    a writer sending to one; each once, in the order the jobs first name them."""
    readers = [cls for cls in registry.readers().values() if cls.api_settings is not None]
    found: dict[type[ApiSettings], None] = {}
    for job in loaded.jobs:
        named = InputProbe(job.source.input, None, False, b"")  # by its name alone: no file opened
        for cls in [*(reader for reader in readers if registry.score(reader, named) > 0),
                    *(registry.writer(writer.format) for writer in job.writers)]:
            if cls.api_settings is not None:
                found[cls.api_settings] = None
    return list(found)
