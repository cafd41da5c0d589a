"""Reaching an input file: why a path names none, a file input checked, a text file opened in
the encoding its first bytes say (:mod:`excerpta.wide_text`)."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TextIO

from excerpta.errors import InputError
from excerpta.wide_text import NUL_SAMPLE_BYTES, encoding_of


def open_text(path: Path, *, default: str = "utf-8", errors: str = "replace",
              newline: str | None = None) -> TextIO:
    """``path`` opened for reading text in the encoding its first bytes say
    (:func:`~excerpta.wide_text.encoding_of`: a byte order mark, else UTF-16's NULs, else
    ``default``); its ``encoding`` attribute names it."""
    with path.open("rb") as handle:
        head = handle.read(NUL_SAMPLE_BYTES)
    return path.open("r", encoding=encoding_of(head, default), errors=errors, newline=newline)


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
