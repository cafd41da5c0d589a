"""Opening a note's file: a regular file only (a link to one is followed), of bounded size.

A folder may hold anything named ``*.md``: a link to ``/dev/zero`` would be read until memory
runs out, a named pipe would wait for a writer forever. Such a file is never opened by a
folder read (:func:`is_special`), and :func:`read_note_file` checks what it opened, without
waiting on a pipe, before it reads at most :data:`MAX_NOTE_BYTES`; :func:`note_text` decodes
what it read.
"""

from __future__ import annotations

import codecs
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


class UndecodableNote(ValueError):
    """A note's bytes that are not text of its encoding: ``line`` (from 1) holds the first."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def note_text(raw: bytes) -> str:
    """The text of a note's bytes, its line ends made ``\\n``: UTF-8 (a byte order mark
    dropped), or UTF-16 with its byte order mark (Notepad's "Unicode"). Raises UndecodableNote
    for bytes that are not, or a NUL (a damaged file: no text holds one), naming the line."""
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = raw.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as err:
        if utf16:
            line = raw[:err.start].decode("utf-16", errors="replace").count("\n") + 1
            raise UndecodableNote(line, "not UTF-16 text throughout, though it starts as such") from None
        line = raw[:err.start].count(b"\n") + 1
        raise UndecodableNote(line, f"not UTF-8 text (byte 0x{raw[err.start]:02X}): re-save the note "
                                    "as UTF-8") from None
    if (nul := text.find("\x00")) >= 0:
        line = text[:nul].replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        raise UndecodableNote(line, "holds a NUL byte, which no text holds (a damaged file?)")
    return text.replace("\r\n", "\n").replace("\r", "\n")
