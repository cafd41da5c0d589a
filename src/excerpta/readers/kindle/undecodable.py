"""Bytes a clippings file holds that its encoding cannot decode: read as U+FFFD, and counted.

``My Clippings.txt`` is UTF-8 (UTF-16 once re-saved as "Unicode" by Notepad); one re-saved by an
old editor as Windows-1252 or Latin-1 is not, and its accented letters cannot be decoded. The
reader reads on and says where (:func:`report_undecodable`: read in part), streaming: the file
is decoded with the :data:`MARK_ERRORS` handler, which leaves a lone surrogate (no strict
decoding ever yields one) in place of each undecodable run, and :class:`MarkedText` turns the
marks into U+FFFD while it counts the lines that held one. The notebook HTML reader does the
same.
"""

from __future__ import annotations

import codecs
import io
from typing import TextIO

from excerpta.adapters import ReadState

MARK_ERRORS = "excerpta-mark-undecodable"  # the ``errors`` name to open the file with
REPLACEMENT = "\ufffd"
_MARK = "\udcfd"


def _mark(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _MARK, error.end


codecs.register_error(MARK_ERRORS, _mark)  # idempotent: the same handler under the same name


class MarkedText(io.TextIOBase):
    """Reads a text handle opened with ``errors=MARK_ERRORS`` and universal newlines: the same
    text, with U+FFFD for each undecodable run. ``lines`` counts the lines that held one and
    ``first_line`` is the first of them (1-based; None while there is none)."""

    def __init__(self, handle: TextIO) -> None:
        super().__init__()
        self.handle = handle
        self.lines = 0
        self.first_line: int | None = None
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
        if _MARK in text:
            for offset, line in enumerate(text.split("\n")):
                number = self._newlines + offset + 1
                if _MARK in line and number > self._counted:
                    self.lines += 1
                    self._counted = number
                    if self.first_line is None:
                        self.first_line = number
            text = text.replace(_MARK, REPLACEMENT)
        self._newlines += text.count("\n")
        return text


def report_undecodable(text: MarkedText, encoding: str, source: str, state: ReadState) -> None:
    """Report to ``state`` the lines of ``source`` (read through ``text``, in ``encoding``) that
    held bytes ``encoding`` cannot decode, once, at the first of them; nothing if none did."""
    if text.lines:
        state.report(source, text.first_line, f"{text.lines} line(s) hold bytes that are not "
                     f"{encoding.upper()}, read as {REPLACEMENT!r} (the first is this line): "
                     "re-save the file as UTF-8", kept=True)
