"""``excerpta ingest …``: the ingest endpoint (``ingest serve``) and its token (``ingest token``);
and what the daemon needs to serve it beside its jobs (:func:`endpoint_of`, :func:`inbox_jobs`).
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from contextlib import suppress
from pathlib import Path

import click

from excerpta.cli.app import Settings, cli, global_options
from excerpta.config import Config, IngestConfig, load_config
from excerpta.errors import ConfigError, StateError
from excerpta.ingest.inbox import default_inbox_path
from excerpta.ingest.server import IngestServer
from excerpta.ingest.settings import (
    TOKEN_ENV,
    TOKEN_FILE_ENV,
    default_token_file,
    is_loopback,
    load_settings,
    new_token,
)
from excerpta.jobs import CONFIG_ENV, default_config_path
from excerpta.readers.inbox import INPUT


def endpoint_of(config: Config) -> IngestServer | None:
    """The endpoint ``config``'s ``[ingest]`` table asks for, bound but not started; None
    without the table. Raises ConfigError (no token, a bad address) or StateError (the address
    in use, an inbox that cannot be written or that another server holds)."""
    return None if config.ingest is None else _endpoint(config.ingest, None, None)


def _endpoint(table: IngestConfig, listen: str | None, inbox: Path | None) -> IngestServer:
    return IngestServer(load_settings(listen=listen, inbox=inbox, configured_listen=table.listen,
                                      token_file=table.token_file, configured_inbox=table.inbox))


def inbox_jobs(config: Config, inbox: Path) -> list[str]:
    """The names of ``config``'s jobs that read the inbox at ``inbox`` (as ``inbox:`` or by
    its path)."""
    return [job.name for job in config.jobs if job.source.format in (None, "inbox")
            and _same_file(job.source.input, inbox, config)]


def _same_file(given: str, inbox: Path, config: Config) -> bool:
    if given.strip().lower() == INPUT:
        named = default_inbox_path(configured=config.ingest.inbox if config.ingest else None)
        return _resolved(named) == _resolved(inbox)
    return _resolved(Path(given).expanduser()) == _resolved(inbox)


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except OSError:
        return path.expanduser().absolute()


@cli.group()
def ingest() -> None:
    """The ingest endpoint: apps send highlights here as they send them to Readwise."""


config_option = click.option(
    "-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar=CONFIG_ENV,
    default=None, help=f"Configuration file whose [ingest] table to use (Env: {CONFIG_ENV}); optional.")


@ingest.command("serve")
@global_options
@config_option
@click.option("--listen", metavar="HOST:PORT", default=None,
              help="Where to listen (default 127.0.0.1:8765, this machine only; 0.0.0.0:8765 for "
                   "the phones of your network).")
@click.option("--inbox", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The inbox file to write (default: the one the input `inbox:` reads).")
@click.pass_obj
def serve_command(settings: Settings, config_path: Path | None, listen: str | None,
                  inbox: Path | None) -> None:
    """Take highlights sent as to Readwise's API, into the inbox, until stopped.

    Apps send to http://HOST:PORT/api/v2/highlights/ with the header `Authorization: Token
    <token>` (`excerpta ingest token` shows it). Read what came with the input `inbox:`
    (`excerpta convert inbox: --to obsidian --out vault`), or let `excerpta daemon` serve
    the endpoint and run the jobs reading it as highlights come. Ctrl-C or SIGTERM stops it.
    """
    endpoint = _endpoint(_table(config_path), listen, inbox)
    endpoint.start()
    if not settings.quiet:
        for line in describe_endpoint(endpoint):
            click.echo(line, err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.stop()
    if not settings.quiet:
        click.echo("excerpta: ingest endpoint stopped", err=True)


def describe_endpoint(endpoint: IngestServer) -> list[str]:
    """What to tell the user of a started endpoint: where apps reach it, where it keeps what
    they send."""
    lines = [f"excerpta: ingest endpoint at {endpoint.url} (inbox {endpoint.inbox.path})"]
    host, port = endpoint.server_address[:2]
    if not is_loopback(str(host)):
        reachable = _network_address() if str(host) in ("0.0.0.0", "::") else str(host)
        if reachable:
            lines.append(f"  from a phone: http://{reachable}:{port}/api/v2/highlights/")
    shows = "`excerpta ingest token` shows it" if endpoint.settings.token_file else f"from {TOKEN_ENV}"
    lines.append(f"  token: {shows}; stop with Ctrl-C")
    return lines


def _network_address() -> str | None:
    """This machine's address on its network (the one a route out leaves from), if any: no
    packet is sent, a UDP socket is only pointed at an address."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
    except OSError:
        return None


@ingest.command("token")
@global_options
@config_option
@click.option("--new", "make_new", is_flag=True,
              help="Replace the saved token with a new one (the endpoint takes it at once, and "
                   "refuses the old one).")
def token_command(config_path: Path | None, make_new: bool) -> None:
    """Print the ingest endpoint's token, making and saving one first if there is none.

    The token is saved in the configuration's [ingest] token_file, else in ingest-token in
    excerpta's configuration folder (readable by you only). EXCERPTA_INGEST_TOKEN or
    EXCERPTA_INGEST_TOKEN_FILE, when set, are used instead and never changed here. Give the
    token to the app (Moon+ Reader: its Readwise "Token").
    """
    if os.environ.get(TOKEN_ENV, "").strip() or os.environ.get(TOKEN_FILE_ENV, "").strip():
        raise ConfigError(f"the token is set by {TOKEN_ENV} or {TOKEN_FILE_ENV}: see or change it there")
    table = _table(config_path)
    path = (table.token_file.expanduser() if table.token_file else None) or default_token_file()
    if path.is_file() and not make_new:
        settings = load_settings(configured_listen="127.0.0.1:0", token_file=table.token_file)
        click.echo(settings.token.get_secret_value())
        return
    token = new_token()
    _save(path, token + "\n")
    click.echo(token)
    replaced = " (the endpoint now refuses the old token)" if make_new else ""
    click.echo(f"excerpta: saved in {path}{replaced}", err=True)


def _table(config_path: Path | None) -> IngestConfig:
    """The ``[ingest]`` table of the configuration given, or of the default one if it is there."""
    path = config_path or default_config_path()
    return (load_config(path).ingest if config_path or path.is_file() else None) or IngestConfig()


def _save(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the user alone (a fresh temporary
    file beside it, synced, renamed over it, the folder synced)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        if hasattr(os, "O_DIRECTORY"):
            folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as err:
        raise StateError(f"{path}: cannot save the token ({err.strerror})") from None
