"""Reaching an input file: why a path names none, a file input checked, a text file opened in
the encoding its first bytes say (:mod:`excerpta.wide_text`), or, for a reader that accepts
one, in a fallback encoding when the whole file is not text in the one they say."""

from __future__ import annotations

import codecs
import errno
import re
from pathlib import Path
from typing import TextIO

from excerpta.errors import InputError
from excerpta.wide_text import NUL_SAMPLE_BYTES, encoding_of

# An input given as "" (or blanks): ``Path("")`` is the current folder, which would be read
# whole, older outputs and all; it is most often a shell variable that was never set.
EMPTY_INPUT = "an empty input path (an unset shell variable?)"
SCAN_BYTES = 1 << 20  # what the check of a whole file's encoding decodes at a time
# A well-formed UTF-8 sequence of two to four bytes. 8-bit text (Windows-1252) almost never
# holds one: ``é`` is a lone 0xE9 there, while UTF-8 writes it 0xC3 0xA9 (``Ã©`` in cp1252).
_UTF8_SEQUENCE = re.compile(
    rb"[\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}"
    rb"|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}"
    rb"|\xF4[\x80-\x8F][\x80-\xBF]{2}")


class UndecodableText(ValueError):
    """Bytes a file holds that an encoding cannot decode: the first of them, ``byte``, is on
    ``line`` (from 1)."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(f"line {line}: byte 0x{byte:02X}")
        self.line = line
        self.byte = byte


class MixedText(UndecodableText):
    """A file that is ``default`` text (UTF-8) in places but not throughout: a stray byte in
    it is no sign of another encoding, and reading all of it in one would garble the rest."""


def open_text(path: Path, *, default: str = "utf-8", errors: str = "replace",
              newline: str | None = None, fallback: str | None = None) -> TextIO:
    """``path`` opened for reading text in the encoding its first bytes say
    (:func:`~excerpta.wide_text.encoding_of`: a byte order mark, else UTF-16's NULs, else
    ``default``); its ``encoding`` attribute names it.

    ``fallback`` (an 8-bit encoding: ``cp1252``, what Excel re-saves a CSV as): the encoding
    of a file without a byte order mark that is not ``default`` text throughout, when it is
    ``fallback`` text throughout (the file is decoded once first, in bounded memory, as an
    encoding cannot be changed once text was read) and holds no ``default`` (UTF-8) sequence of
    several bytes; raises MixedText if it holds one (UTF-8 with a stray byte: read as
    ``fallback`` its other text would change, and so its ids), UndecodableText if it is neither.
    """
    with path.open("rb") as handle:
        head = handle.read(NUL_SAMPLE_BYTES)
    encoding = encoding_of(head, default)
    if (fallback is not None and encoding == default and not head.startswith(codecs.BOM_UTF8)
            and (stray := first_undecodable(path, default)) is not None):
        if codecs.lookup(default).name.startswith("utf-8") and _holds_utf8_sequence(path):
            raise MixedText(stray.line, stray.byte)
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


def _holds_utf8_sequence(path: Path) -> bool:
    """Whether the file ``path`` holds a well-formed UTF-8 sequence of several bytes."""
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(SCAN_BYTES):
            if _UTF8_SEQUENCE.search(tail + chunk):
                return True
            tail = chunk[-3:]  # a sequence cut by the chunk's end
    return False


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
