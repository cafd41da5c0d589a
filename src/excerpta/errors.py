"""The one exception tree of excerpta.

Only the CLI and the daemon turn these into messages; everything else raises them::

    ExcerptaError
    ├── UserError                 bad input, bad config, unknown format: one line, exit code 2
    │   ├── InputError            an input file cannot be read at all (missing, malformed)
    │   │   └── InputIOError      the machine failed reading it (an I/O error: a device removed
    │   │                         mid-read): exit code 74, as an OSError; read it again
    │   ├── UnknownFormatError    a --from/--to name no adapter has, or an unrecognised input
    │   └── ConfigError           an invalid configuration file or option
    ├── SourceError               talking to a remote source failed
    │   ├── RetriableSourceError  network, timeouts, 429, 5xx: the next run may succeed
    │   └── FatalSourceError      rejected token, API contract broken: retrying will not help
    ├── WriteConflictError        an output changed under us (edited by the user, or not ours)
    ├── OutputBusyError           another excerpta run is writing the same output (or another
    │                             daemon runs the same state's jobs): retry later
    └── StateError                the state database is unusable (newer schema, corrupt)
        ├── StateIOError          its disk is full or failing (exit 74): make room, run again
        └── StateBusyError        another run held it past the timeout: retry later

A single bad *record* is not an exception: readers report it as a :class:`RecordProblem`
(see :mod:`excerpta.adapters`) and carry on, and the run ends "partial" (exit code 1).
Messages never contain secrets: a token is held as ``pydantic.SecretStr`` and never formatted.
"""

from __future__ import annotations

import re

from pydantic_core import PydanticSerializationError

# How pydantic-core names one: KeyboardInterrupt, or the CLI's Terminated (SIGTERM).
_WRAPPED_INTERRUPT = re.compile(r"(?:^|: )(KeyboardInterrupt|Terminated): ")


class ExcerptaError(Exception):
    """Base of every error excerpta raises on purpose. ``str(err)`` is one user-facing line."""

    exit_code = 2


class UserError(ExcerptaError):
    """The user asked for something impossible: fix the input, the command or the config."""


class InputError(UserError):
    """An input cannot be read at all (missing file, malformed JSON, wrong schema version)."""


class InputIOError(ExcerptaError):
    """The machine failed reading an input partway (SQLite's I/O error: a Kobo unplugged
    mid-read, a failing disk): no fault of the file, never read around as damage; reading it
    again may succeed. No InputError: where one bad input is reported and the others read (a
    folder's files), this stops the whole read, nothing of it merged."""

    exit_code = 74  # EX_IOERR, as the CLI gives an OSError: the machine refused the file


class UnknownFormatError(UserError):
    """No adapter has this name, or no reader recognises this input."""


class ConfigError(UserError):
    """The configuration file or an option value is invalid."""


class SourceError(ExcerptaError):
    """A remote source failed."""

    exit_code = 3


class RetriableSourceError(SourceError):
    """A transient failure (network, timeout, 429, 5xx) that outlasted our retries."""


class FatalSourceError(SourceError):
    """A failure retrying cannot fix, such as a rejected token."""


class WriteConflictError(ExcerptaError):
    """An output file is not ours to overwrite (the user edited it, or we never wrote it)."""

    exit_code = 1


class OutputBusyError(ExcerptaError):
    """Another excerpta run holds the lock of this output; nothing was written."""

    exit_code = 75  # EX_TEMPFAIL: a temporary failure, the user is invited to retry


class StateError(ExcerptaError):
    """The state database cannot be used (written by a newer excerpta, or damaged)."""


class StateIOError(StateError):
    """The machine failed the state database (its disk full, or an I/O error): no fault of the
    database, and the same run may succeed once there is room; what the run did is rolled back."""

    exit_code = 74  # EX_IOERR, as the machine refusing any other file


class StateBusyError(StateError):
    """Another process held the state database for longer than we wait; nothing changed."""

    exit_code = 75  # EX_TEMPFAIL, as OutputBusyError: the next try may succeed


def interrupted(err: BaseException) -> bool:
    """Whether ``err`` stands for a KeyboardInterrupt that a library caught and wrapped: one
    in its chain of causes (pydantic's ``model_dump`` keeps it as the ``__cause__``), or a
    serializer's that pydantic reports by name only."""
    return interruption(err) is not None


def interruption(err: BaseException) -> str | None:
    """The class name of the KeyboardInterrupt ``err`` stands for (``KeyboardInterrupt``, or
    ``Terminated`` for SIGTERM), as :func:`interrupted` finds it; None if none."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return type(seen).__name__
        # model_dump_json keeps no link to the serializer's exception, only "<type>: <message>"
        # at the end of its own (pydantic-core issue #828): that is all there is to go by.
        if isinstance(seen, PydanticSerializationError) and (
                named := _WRAPPED_INTERRUPT.search(str(seen))) is not None:
            return named.group(1)
        seen = seen.__cause__ or seen.__context__
    return None


def said(err: BaseException) -> str:
    """The one line that tells ``err``: an OSError's file and reason (``x.json: Permission
    denied``, not its ``[Errno 13] …`` form), else its text, else its type's name."""
    reason = (err.strerror if isinstance(err, OSError) else None) or str(err) or type(err).__name__
    return f"{err.filename}: {reason}" if isinstance(err, OSError) and err.filename else reason
