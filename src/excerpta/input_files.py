"""Reaching an input file: why a path names none, a file input checked, a text file opened in
the encoding its first bytes say (:mod:`excerpta.wide_text`), or, for a reader that accepts
one, in a fallback encoding when the whole file is not text in the one they say."""

from __future__ import annotations

import codecs
import errno
from pathlib import Path
from typing import TextIO

from excerpta.errors import InputError
from excerpta.wide_text import NUL_SAMPLE_BYTES, encoding_of

SCAN_BYTES = 1 << 20  # what the check of a whole file's encoding decodes at a time


class UndecodableText(ValueError):
    """Bytes a file holds that an encoding cannot decode: the first of them, ``byte``, is on
    ``line`` (from 1)."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(f"line {line}: byte 0x{byte:02X}")
        self.line = line
        self.byte = byte


def open_text(path: Path, *, default: str = "utf-8", errors: str = "replace",
              newline: str | None = None, fallback: str | None = None) -> TextIO:
    """``path`` opened for reading text in the encoding its first bytes say
    (:func:`~excerpta.wide_text.encoding_of`: a byte order mark, else UTF-16's NULs, else
    ``default``); its ``encoding`` attribute names it.

    ``fallback`` (an 8-bit encoding: ``cp1252``, what Excel re-saves a CSV as): the encoding
    of a file without a byte order mark that is not ``default`` text throughout, when it is
    ``fallback`` text throughout (the file is decoded once first, in bounded memory, as an
    encoding cannot be changed once text was read); raises UndecodableText if it is neither.
    """
    with path.open("rb") as handle:
        head = handle.read(NUL_SAMPLE_BYTES)
    encoding = encoding_of(head, default)
    if (fallback is not None and encoding == default and not head.startswith(codecs.BOM_UTF8)
            and first_undecodable(path, default) is not None):
        if (undecodable := first_undecodable(path, fallback)) is not None:
            raise undecodable
        encoding = fallback
    return path.open("r", encoding=encoding, errors=errors, newline=newline)


def first_undecodable(path: Path, encoding: str) -> UndecodableText | None:
    """Where the file ``path`` first holds bytes that ``encoding`` cannot decode (a sequence cut
    by the end of the file too); None if it is ``encoding`` text throughout."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = 1
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(SCAN_BYTES)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:  # its object: the bytes held back, then chunk
                return UndecodableText(lines + err.object[:err.start].count(b"\n"), err.object[err.start])
            if not chunk:
                return None
            lines += chunk.count(b"\n")


def why_unreachable(path: Path) -> str:
    """Why ``path`` names no file or folder, in a few words: ``no such file or directory``, a
    symbolic link that loops or leads nowhere, or the system's reason (``permission denied``);
    ``not a file or folder`` for what it is not (a device)."""
    try:
        path.stat()
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "a symbolic link that loops (too many levels of symbolic links)"
        if err.errno == errno.ENOENT:
            return ("a symbolic link to nothing (its target is missing)" if path.is_symlink()
                    else "no such file or directory")
        return (err.strerror or str(err)).lower()
    except ValueError:  # a NUL in the name
        return "not a valid path"
    return "not a file or folder"


def input_file(source: str) -> Path:
    """The path of a file input; raises InputError if it is missing or not a file."""
    path = Path(source).expanduser()
    if not path.exists():
        raise InputError(f"{source}: {why_unreachable(path)}")
    if not path.is_file():
        raise InputError(f"{source}: not a file")
    return path
