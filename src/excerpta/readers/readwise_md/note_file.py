"""Opening a note's file: a regular file only (a link to one is followed), of bounded size.

A folder may hold anything named ``*.md``: a link to ``/dev/zero`` would be read until memory
runs out, a named pipe would wait for a writer forever. Such a file is never opened by a
folder read (:func:`is_special`), and :func:`read_note_file` checks what it opened, without
waiting on a pipe, before it reads at most :data:`MAX_NOTE_BYTES`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The largest Readwise notes are a few MB (thousands of highlights); as kindle-html's exports.
MAX_NOTE_BYTES = 100 * 2**20
# A pipe opened without it waits for a writer; a regular file reads the same with it.
_NO_WAIT = getattr(os, "O_NONBLOCK", 0)


class UnreadableNoteFile(ValueError):
    """A file no note is read from; the message says why (no file name)."""


def is_special(path: Path) -> bool:
    """Whether ``path`` (a link followed) exists and is no regular file: a device, a named
    pipe, a socket, a folder. False for a missing file or a broken link (reading it says so)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def read_note_file(path: Path) -> bytes:
    """The bytes of the file at ``path``.

    Raises UnreadableNoteFile if it is no regular file or holds more than MAX_NOTE_BYTES,
    OSError if it cannot be read.
    """
    with os.fdopen(os.open(path, os.O_RDONLY | _NO_WAIT), "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableNoteFile("not a regular file (a device, a named pipe or a link to one)")
        if info.st_size > MAX_NOTE_BYTES:
            raise _too_large(info.st_size)
        raw = handle.read(MAX_NOTE_BYTES + 1)  # it may have grown since
    if len(raw) > MAX_NOTE_BYTES:
        raise _too_large(len(raw))
    return raw


def _too_large(size: int) -> UnreadableNoteFile:
    return UnreadableNoteFile(f"{size / 2**20:.0f} MB is far more than a note holds (at most "
                              f"{MAX_NOTE_BYTES // 2**20} MB read); is it the right file?")
