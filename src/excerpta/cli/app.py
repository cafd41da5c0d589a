"""The ``excerpta`` group: global options, logging, and the boundary that turns errors into
one clear line (with the traceback under ``-v``) and an exit code."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from excerpta import __version__
from excerpta.errors import ExcerptaError, interruption, said
from excerpta.file_names import SHOWN_ERRORS
from excerpta.store import STATE_ENV

INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE: a bug in excerpta, not the user's fault
IO_ERROR_EXIT = 74  # EX_IOERR: a file or folder could not be read or written
TERMINATED_EXIT = 128 + signal.SIGTERM  # as a shell reports a process SIGTERM ended
INTERRUPTED_EXIT = 130  # as a shell reports Ctrl-C
BROKEN_PIPE_EXIT = 128 + 13  # as a shell reports SIGPIPE: what read our output stopped (`| head`)


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a service manager stopping us) arrived: unwound as a Ctrl-C is, so a
    run leaves no temporary file, rolls back what it had not committed and logs itself as
    interrupted, instead of dying on the spot."""


@dataclass
class Settings:
    """The global options, shared with every command through ``ctx.obj``."""

    verbose: int = 0
    quiet: bool = False
    state: Path | None = None


def echo_error(message: str) -> None:
    """Print one error line on stderr."""
    click.secho(f"excerpta: error: {message}", fg="red", err=True)


# Click 8.2 and later: a group given no command shows its help through this error.
_NO_ARGS_IS_HELP: type[click.UsageError] = getattr(click.exceptions, "NoArgsIsHelpError", type(
    "NeverRaised", (click.UsageError,), {}))


class ExcerptaGroup(click.Group):
    """A click group whose ``invoke`` is the CLI's error boundary, and whose ``main`` says a
    usage mistake in one line, as every other error (click's own says it in four)."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except _NO_ARGS_IS_HELP as err:  # `excerpta` alone: the help, as click shows it
            err.show()
            sys.exit(err.exit_code)
        except click.UsageError as err:
            echo_error(usage_line(err))
            sys.exit(err.exit_code)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:
            echo_error("aborted")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)  # an exit code, as ctx.exit(code) gives

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt as err:
            echo_error("terminated" if isinstance(err, Terminated) else "interrupted")
            ctx.exit(TERMINATED_EXIT if isinstance(err, Terminated) else INTERRUPTED_EXIT)
        except BrokenPipeError:  # `excerpta status | head`: nobody reads what more we would say
            _stop_writing()
            ctx.exit(BROKEN_PIPE_EXIT)
        except Exception as err:  # the boundary: a bug must still end in one line
            settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
            message, code = failure(err, verbose=settings.verbose)
            echo_error(message)
            ctx.exit(code)


def usage_line(err: click.UsageError) -> str:
    """``convert: missing option '--to' (excerpta convert --help tells every option)``."""
    message = err.format_message().rstrip(".")
    message = message[:1].lower() + message[1:]
    if err.ctx is None:
        return message
    path = err.ctx.command_path
    command = path.partition(" ")[2]
    if not command:
        return f"{message} ({path} --help lists the commands)"
    return f"{command}: {message} ({path} --help tells every option)"


def _stop_writing() -> None:
    """Point standard output and error at the null device: what Python flushes at exit (and
    any last line) would otherwise fail on the closed pipe again."""
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # not a real file (a test's capture)
            os.dup2(null, stream.fileno())
    os.close(null)


def raise_if_stopped(err: Exception) -> None:
    """Raise the stop ``err`` stands for (a Ctrl-C or SIGTERM a library wrapped in its own
    exception), as a KeyboardInterrupt or :class:`Terminated`, from ``err``; else nothing.
    A closed output pipe is raised as it is. For a boundary that goes on after a failure
    (each job of ``sync``): a stop ends them all."""
    if isinstance(err, BrokenPipeError):
        raise err
    stop = None if isinstance(err, ExcerptaError | OSError) else interruption(err)
    if stop == Terminated.__name__:
        raise Terminated from err
    if stop is not None:
        raise KeyboardInterrupt from err


def failure(err: Exception, *, verbose: int) -> tuple[str, int]:
    """The one line and the exit code that report ``err`` (its traceback logged under ``-v``):
    the CLI's boundary, and each job's in ``sync`` and the daemon, which go on with the next."""
    stop = None if isinstance(err, ExcerptaError | OSError) else interruption(err)
    if stop == Terminated.__name__:  # SIGTERM or Ctrl-C a library wrapped (pydantic's serializer)
        return "terminated", TERMINATED_EXIT
    if stop is not None:
        return "interrupted", INTERRUPTED_EXIT
    if verbose:
        # err's own: a job reports a writer's failure after its except block has ended.
        logging.getLogger("excerpta").error("traceback", exc_info=err)
    if isinstance(err, ExcerptaError):
        return str(err), err.exit_code
    if isinstance(err, OSError):  # the machine refused (permissions, a full disk): not a bug
        return said(err), IO_ERROR_EXIT
    hint = "" if verbose else " (run with -v for the traceback)"
    return f"internal error: {type(err).__name__}: {err}{hint}", INTERNAL_ERROR_EXIT


# The job whose run is in progress (sync, daemon): its name leads each line logged meanwhile,
# so that a journal of several jobs tells whose a retry or a warning is.
RUNNING_JOB: ContextVar[str | None] = ContextVar("RUNNING_JOB", default=None)


class _LogFormatter(logging.Formatter):
    """``excerpta: warning: …``, like the error lines (``excerpta: warning: job kindle: …``
    while a job runs); under ``-v`` the level as logging spells it and the logger's name
    (``DEBUG excerpta.clients.readwise: …``), to tell where each line of a detailed run comes
    from. httpcore's trace (``-vv``) is shown without the headers it lists: a response's
    ``Set-Cookie`` can hold a session, as good as a password."""

    def __init__(self, *, detailed: bool) -> None:
        super().__init__("%(levelname)s %(name)s: %(job)s%(message)s" if detailed
                         else "excerpta: %(level)s: %(job)s%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        # The record is shared by every handler: the lower-case level goes on a copy.
        job = RUNNING_JOB.get()
        fields = {**record.__dict__, "level": record.levelname.lower(), "job": f"job {job}: " if job else ""}
        if record.name.startswith("httpcore") and "_headers.complete" in (message := record.getMessage()):
            # "receive_response_headers.complete return_value=(b'HTTP/1.1', 200, b'OK', [headers])"
            fields.update(msg=f"{message.partition(' ')[0]} (headers not shown)", args=())
        return super().format(logging.makeLogRecord(fields))


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (
        logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogFormatter(detailed=verbose > 0))
    logging.basicConfig(level=level, handlers=[handler], force=True)


def _settings(ctx: click.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def _more_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        settings = _settings(ctx)
        settings.verbose += value
        _configure_logging(settings.verbose, settings.quiet)


def _quieter(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        settings = _settings(ctx)
        settings.quiet = True
        _configure_logging(settings.verbose, settings.quiet)


def global_options(command: Any) -> Any:
    """Also accept ``-v`` and ``-q`` after a command name (``excerpta convert … -v``)."""
    command = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_quieter,
                           help="Only errors (same as the global -q).")(command)
    return click.option("-v", "--verbose", count=True, expose_value=False, callback=_more_verbose,
                        help="More detail (same as the global -v).")(command)


def _given_state(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        _settings(ctx).state = value


def state_option(command: Any) -> Any:
    """Also accept ``--state`` after the name of a command that uses it (``excerpta convert …
    --state lib.sqlite``), as the README writes ``convert --state``."""
    return click.option("--state", type=click.Path(path_type=Path), expose_value=False,
                        callback=_given_state, help="State database (same as the global --state).")(command)


@click.group(cls=ExcerptaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="excerpta")
@click.option("-v", "--verbose", count=True, help="More detail: -v info and tracebacks, -vv debug.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.option("--state", type=click.Path(path_type=Path), envvar=STATE_ENV,
              help=f"State database (library, cursors, outputs). Env: {STATE_ENV}.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, state: Path | None) -> None:
    """excerpta moves reading highlights between the places people keep them.

    Read Kindle, Readwise and other exports into one canonical library, then write JSON,
    Obsidian notes, CSV or Anki decks from it.
    """
    _configure_logging(verbose, quiet)
    _show_undecodable()
    ctx.obj = Settings(verbose=verbose, quiet=quiet, state=state)


def _show_undecodable() -> None:
    """Make standard output and error write a file name that is not UTF-8 with its undecodable
    bytes escaped (``caf\\xe9.txt``, :data:`~excerpta.file_names.SHOWN_ERRORS`): every line
    naming one, which a UTF-8 terminal's stream would otherwise refuse (and a C locale's print
    as a byte no terminal shows)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):  # not a text file (a test's)
            stream.reconfigure(errors=SHOWN_ERRORS)


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="excerpta")


def _terminate(_signal: int, _frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends us at once
    raise Terminated
