"""Bytes a text input holds that its encoding cannot decode: read as Windows-1252 (UTF-16:
as U+FFFD), and counted.

``My Clippings.txt`` is UTF-8 (UTF-16 once re-saved as "Unicode" by Notepad); one re-saved by an
old editor as Windows-1252 or Latin-1 is not, and its accented letters are not UTF-8. Such a file
is often appended to by the Kindle afterwards, in UTF-8: so each undecodable byte, not the whole
file, is read as Windows-1252 (``M\xe4rz`` is ``März``, as the editor meant it), while the UTF-8
around it is read as UTF-8. A run that is the start of a UTF-8 sequence cut short (a lead byte
and its continuation bytes, too few) is damage, not Windows-1252: U+FFFD. The reader reads on
and says where (:func:`report_undecodable`: read in part), streaming: the file is decoded with
the :data:`MARK_ERRORS` handler, which puts a lone surrogate (no strict decoding ever yields one)
before the text it gives each undecodable run, and :class:`MarkedText` drops the marks while it
counts the lines that held one. The Kindle notebook, PocketBook export and Readwise CSV readers
do the same.
"""

from __future__ import annotations

import codecs
import io
import os
from typing import TextIO

from excerpta.adapters import ReadState

MARK_ERRORS = "excerpta-mark-undecodable"  # the ``errors`` name to open the file with
REPLACEMENT = "\ufffd"
_MARK = "\udcfd"  # before a run read as Windows-1252
_CUT = "\udcfe"  # before a run read as U+FFFD (damage, or not UTF-8)
_MARKS = (_MARK, _CUT)
_UTF8 = {"utf-8", "utf8", "utf-8-sig"}


def _mark(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    run = error.object[error.start:error.end]
    if error.encoding.replace("_", "-").lower() not in _UTF8 or _cut_sequence(run):
        return _CUT + REPLACEMENT, error.end
    return _MARK + bytes(run).decode("cp1252", errors="replace"), error.end  # 5 bytes it has no letter for


def _cut_sequence(run: bytes) -> bool:
    # A lead byte and continuation bytes, too few: what a cut UTF-8 sequence leaves. A lone
    # byte is Windows-1252's (é is 0xE9, a lead byte, and the next letter no continuation).
    return len(run) > 1 and 0xC2 <= run[0] <= 0xF4 and all(0x80 <= b <= 0xBF for b in run[1:])


codecs.register_error(MARK_ERRORS, _mark)  # idempotent: the same handler under the same name


class MarkedText(io.TextIOBase):
    """Reads a text handle opened with ``errors=MARK_ERRORS`` and universal newlines: the same
    text, each undecodable run read as the handler reads it (without its mark). ``lines``
    counts the lines that held one and ``first_line`` is the first of them (1-based; None while
    there is none); ``as_1252`` and ``replaced`` say whether a run was read as Windows-1252 and
    as U+FFFD."""

    def __init__(self, handle: TextIO) -> None:
        super().__init__()
        self.handle = handle
        self.lines = 0
        self.first_line: int | None = None
        self.as_1252 = self.replaced = False
        self._newlines = 0  # newlines read since the start of the file
        self._counted = 0  # the last line counted: a line cut by two reads counts once

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        """At most ``size`` characters (all that is left if negative or None)."""
        return self._unmarked(self.handle.read(size))

    def readline(self, size: int = -1, /) -> str:
        """The next line, with its newline."""
        return self._unmarked(self.handle.readline(size))

    def seekable(self) -> bool:
        return self.handle.seekable()

    def seek(self, offset: int, whence: int = 0, /) -> int:
        """Back to the start only (``seek(0)``): lines already counted are not counted again."""
        if offset or whence:
            raise io.UnsupportedOperation("a MarkedText seeks back to its start only")
        self._newlines = 0
        return self.handle.seek(0)

    def _unmarked(self, text: str) -> str:
        if _MARK in text or _CUT in text:
            self.as_1252 = self.as_1252 or _MARK in text
            self.replaced = self.replaced or _CUT in text
            for offset, line in enumerate(text.split("\n")):
                number = self._newlines + offset + 1
                if any(mark in line for mark in _MARKS) and number > self._counted:
                    self.lines += 1
                    self._counted = number
                    if self.first_line is None:
                        self.first_line = number
            text = text.replace(_MARK, "").replace(_CUT, "")
        self._newlines += text.count("\n")
        return text


def name_as_text(name: str) -> str:
    """A file name as text a document may hold (a title): bytes of it that are not UTF-8 read
    as a file's are (Windows-1252; a cut UTF-8 sequence U+FFFD), instead of the lone surrogates
    Python gives them (:mod:`excerpta.file_names`), which no document can be written with:
    ``Caf\\xe9.md``, named on a Latin-1 system, is ``Café``."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", MARK_ERRORS).replace(_MARK, "").replace(_CUT, "")
    return name


def report_undecodable(text: MarkedText, encoding: str, source: str, state: ReadState) -> None:
    """Report to ``state`` the lines of ``source`` (read through ``text``, in ``encoding``) that
    held bytes ``encoding`` cannot decode, once, at the first of them; nothing if none did."""
    if text.lines:
        state.report(source, text.first_line, f"{text.lines} line(s) hold bytes that are not "
                     f"{encoding.upper()}, read as {_read_as(text, encoding)} (the first is this "
                     "line): re-save the file as UTF-8", kept=True)


def _read_as(text: MarkedText, encoding: str) -> str:
    if encoding.replace("_", "-").lower() not in _UTF8:
        return repr(REPLACEMENT)
    cut = f"{REPLACEMENT!r} where a UTF-8 sequence is cut short"
    if not text.as_1252:
        return cut
    return f"Windows-1252, {cut}" if text.replaced else "Windows-1252"
