"""Inputs that are pipes: ``-`` (standard input), ``/dev/stdin``, ``<(command)``, a named pipe.

A pipe can be read once, from its start, and never reopened, while readers treat an input as
a file: detection reads its first bytes, :func:`~excerpta.input_files.open_text` reads its byte
order mark and opens it again, the Kindle reader may read it twice. So :func:`spooled_pipes`
first copies each pipe input, in chunks (never whole in memory), into a file of a private
temporary folder, and the readers read that; :func:`named_as_given` keeps every message
naming the input as the user spelled it.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import BinaryIO

from excerpta.disk import STALE_AFTER_SECONDS
from excerpta.errors import ExcerptaError, InputError

STDIN = "-"
_PREFIX = "excerpta-pipe-"
_CHUNK = 1 << 20


def is_pipe(source: str) -> bool:
    """Whether ``source`` is ``-`` or names something that is neither a file nor a folder (a
    pipe, ``/dev/stdin`` fed by one, a socket, a device: :func:`spooled_pipes` refuses the
    last, which may never end)."""
    if source == STDIN:
        return True
    try:
        mode = os.stat(Path(source).expanduser()).st_mode
    except (OSError, ValueError):  # missing: the reader's or detection's error says so
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextmanager
def spooled_pipes(inputs: Sequence[str]) -> Iterator[dict[str, str]]:
    """Copy every pipe among ``inputs`` into a temporary folder, removed on exit; yields
    ``{input as given: what to read}`` (a file or folder input maps to itself).

    The copy is named as the pipe (``stdin`` for ``-``), so a reader that goes by a file's
    name or suffix sees the same one. Raises InputError for a terminal (nothing was piped in,
    and waiting for typed input would look like a hang), a device (``/dev/zero`` would fill
    the disk) or standard input that is closed. A run killed outright leaves its folder
    behind: a later run with a pipe input removes those over an hour old.
    """
    pipes = [source for source in dict.fromkeys(inputs) if is_pipe(source)]
    if not pipes:
        yield {source: source for source in inputs}
        return
    _sweep_stale_folders(Path(tempfile.gettempdir()))
    with TemporaryDirectory(prefix=_PREFIX) as temporary:
        readable = {source: source for source in inputs}
        for number, source in enumerate(pipes):
            folder = Path(temporary, str(number))
            folder.mkdir()
            readable[source] = str(_spool(source, folder))
        yield readable


def _sweep_stale_folders(temporary: Path) -> None:
    cutoff = time.time() - STALE_AFTER_SECONDS
    for folder in temporary.glob(f"{_PREFIX}*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)  # another user's: not ours to remove
        except OSError:
            continue


def _spool(source: str, folder: Path) -> Path:
    copy = folder / (Path(source).name if source != STDIN else "stdin")
    if source == STDIN and sys.stdin is None:  # started with standard input closed
        raise InputError("-: there is no standard input (pipe the input in: "
                         "`cat FILE | excerpta convert - …`)")
    opened = nullcontext(sys.stdin.buffer) if source == STDIN else Path(source).expanduser().open("rb")
    with opened as pipe:
        if _is_terminal(pipe):
            raise InputError(f"{source}: is a terminal, not a file or a pipe "
                             f"(pipe the input in: `cat FILE | excerpta convert {source} …`)")
        if _is_device(pipe):  # /dev/zero, /dev/urandom: endless, they would fill the disk
            raise InputError(f"{source}: is a device, not a file or a pipe")
        with copy.open("wb") as handle:
            shutil.copyfileobj(pipe, handle, _CHUNK)
    return copy


def _is_device(pipe: BinaryIO) -> bool:
    try:
        mode = os.fstat(pipe.fileno()).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):  # a test's in-memory stream
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def _is_terminal(pipe: BinaryIO) -> bool:
    try:
        return pipe.isatty()
    except (OSError, ValueError):  # a test's in-memory stream, a closed descriptor
        return False


@contextmanager
def named_as_given(readable: Mapping[str, str]) -> Iterator[None]:
    """Inside, an error naming a pipe's copy (see :func:`spooled_pipes`) names the input as
    given instead: ``-: …``, not the temporary file's path."""
    copies = {path: source for source, path in readable.items() if path != source}
    try:
        yield
    except ExcerptaError as err:
        if copies and len(err.args) == 1 and isinstance(err.args[0], str):
            message = err.args[0]
            for path, source in copies.items():
                message = message.replace(path, source)
            err.args = (message,)  # the same error (kind, exit code, cause), worded for the user
        raise
