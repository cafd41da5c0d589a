"""What an unclean unplug leaves in a clippings file: NUL padding, and lines with no end.

A Kindle unplugged while it writes ``My Clippings.txt`` can leave the file padded with NUL
bytes (its size grew, its data never came): megabytes without a newline, which read as text
are one endless line the record grammar would hold whole. :class:`BoundedText` wraps the
decoded text and keeps memory bounded: it drops NUL characters (counting them), and it cuts a
line longer than :data:`~excerpta.readers.kindle.records.CLIPPING_LIMIT_CHARS` down to
:data:`CUT_LINE` (a line no decoded text holds) while it reads past the rest of that line in
blocks. :func:`record_batches` skips the records holding a cut line, and
:func:`report_damage` reports the padding once and each cut line once, with its line number.

The device writes a separator line after each record; unplugged while it writes one, it leaves a
last record without it, maybe cut mid-text. :class:`BoundedText` notes whether the file ends with
a separator and :func:`record_batches` which record was last, for
:func:`report_unclosed_end`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TextIO

from excerpta.adapters import ReadState
from excerpta.readers.kindle.blocks import BLOCK_CHARS, Regular, iter_record_batches
from excerpta.readers.kindle.records import CLIPPING_LIMIT_CHARS, SEPARATOR, RawRecord, is_separator
from excerpta.readers.undecodable import MarkedText

CUT_LINE = "\udcfe"  # a lone surrogate: what strict decoding never yields


class BoundedText(MarkedText):
    """A :class:`~excerpta.readers.undecodable.MarkedText` read as whole lines without NUL
    characters, each line at most ``limit`` characters or cut to :data:`CUT_LINE`.
    ``read(size)`` returns about ``size`` characters, ending at a line's end except at the end
    of the file.

    ``cut_lines`` holds the line number and length of each line cut, ``nul_chars`` counts the
    NULs dropped and ``first_nul_line`` is the first line that held one (all 1-based, counted
    on the first pass only: after ``seek(0)`` the same lines come again).
    """

    def __init__(self, handle: TextIO, limit: int = CLIPPING_LIMIT_CHARS) -> None:
        super().__init__(handle)
        self.limit = limit
        self.cut_lines: list[tuple[int, int]] = []
        self.nul_chars = 0
        self.first_nul_line: int | None = None
        self._first_pass = True
        self.separators = False  # whether a separator line was read
        self.ends_with_separator = False  # whether the last line that is not blank is one
        self.last_record: Regular | RawRecord | None = None  # set by record_batches
        self._tail = ""  # the start of the next line, not yet handed out
        self._cutting = -1  # characters read of the line being cut (-1: none)
        self._buffer, self._at = "", 0  # lines readline has read and not yet returned

    def read(self, size: int | None = -1) -> str:
        """Whole lines, about ``size`` characters of them (all that is left if negative or None)."""
        if self._at < len(self._buffer):
            text, self._buffer, self._at = self._buffer[self._at :], "", 0
            return text
        if size is None or size < 0:
            return "".join(iter(lambda: self._lines(BLOCK_CHARS), ""))
        return self._lines(size)

    def readline(self, size: int = -1, /) -> str:
        """The next line, with its newline (``size`` is ignored: a line is bounded already)."""
        while (end := self._buffer.find("\n", self._at)) < 0:
            more = self._lines(BLOCK_CHARS)
            rest = self._buffer[self._at :]
            self._buffer, self._at = rest + more, 0
            if not more:
                self._buffer = ""
                return rest
        line, self._at = self._buffer[self._at : end + 1], end + 1
        return line

    @property
    def first_pass(self) -> bool:
        """Whether the file is being read for the first time (no ``seek(0)`` yet)."""
        return self._first_pass

    def seek(self, offset: int, whence: int = 0, /) -> int:
        """Back to the start only (``seek(0)``): what was counted is not counted again."""
        position = super().seek(offset, whence)
        self._first_pass = False
        self._tail, self._cutting, self._buffer, self._at = "", -1, "", 0
        return position

    def _lines(self, size: int) -> str:
        text = self._whole_lines(size)
        if text and self._first_pass:
            self._note_end(text)
        return text

    def _note_end(self, text: str) -> None:
        # Whether the file has separator lines, and ends (so far) with one.
        if not self.separators and SEPARATOR in text:
            self.separators = True
        end = len(text)
        while end and text[end - 1] in " \t\r\n":  # the few blank lines at the end, if any
            end -= 1
        if end:
            self.ends_with_separator = is_separator(text[text.rfind("\n", 0, end) + 1 : end])

    def _whole_lines(self, size: int) -> str:
        # Whole lines from blocks of ``size`` characters; "" only at the end of the file. The
        # line numbers come from MarkedText's count of the newlines read (the tail holds none).
        # Blocks no longer than the limit: only the line a block starts or ends in can exceed it.
        size = min(size, self.limit)
        while block := super().read(size):
            if "\0" in block:
                block = self._without_nul(block)
            if self._cutting >= 0:
                end = block.find("\n")
                if end < 0:
                    self._cutting += len(block)
                    continue
                self._cut(self._newlines - block.count("\n") + 1, self._cutting + end)
                self._cutting = -1
                text = CUT_LINE + block[end:]
            else:
                text = self._tail + block if self._tail else block
                first = text.find("\n")
                if first > self.limit:  # the line held before it grew past the limit
                    self._cut(self._newlines - text.count("\n") + 1, first)
                    text = CUT_LINE + text[first:]
            end = text.rfind("\n")
            if end < 0:
                self._tail = text
                if len(text) > self.limit:
                    self._tail, self._cutting = "", len(text)
                continue
            lines, self._tail = text[: end + 1], text[end + 1 :]
            if len(self._tail) > self.limit:
                self._tail, self._cutting = "", len(self._tail)
            return lines
        if self._cutting >= 0:  # the file ends inside the line being cut
            self._cut(self._newlines + 1, self._cutting)
            self._cutting = -1
            return CUT_LINE
        lines, self._tail = self._tail, ""
        return lines

    def _cut(self, number: int, chars: int) -> None:
        if self._first_pass:
            self.cut_lines.append((number, chars))

    def _without_nul(self, block: str) -> str:
        if self._first_pass:
            if self.first_nul_line is None:
                self.first_nul_line = self._newlines - block.count("\n", block.find("\0")) + 1
            self.nul_chars += block.count("\0")
        return block.replace("\0", "")


def record_batches(handle: io.TextIOBase) -> Iterator[list[Regular | RawRecord]]:
    """:func:`~excerpta.readers.kindle.blocks.iter_record_batches` of ``handle``, without the
    records that hold a line a :class:`BoundedText` cut (``report_damage`` reports the line)."""
    batches = iter_record_batches(handle)
    if not isinstance(handle, BoundedText):
        yield from batches
        return
    for records in batches:
        if records and handle.first_pass:
            handle.last_record = records[-1]
        if handle.cut_lines:  # rare: look at each record only once a line was cut
            records = [record for record in records if not _holds_cut_line(record)]
        yield records


def _holds_cut_line(record: Regular | RawRecord) -> bool:
    if type(record) is tuple:
        return any(CUT_LINE in part for part in record[1:])
    assert isinstance(record, RawRecord)
    return (CUT_LINE in record.title_line or CUT_LINE in (record.problem or "")
            or any(CUT_LINE in line for line in record.body))


def report_damage(text: BoundedText, source: str, state: ReadState) -> None:
    """Report to ``state`` the NUL padding ``text`` dropped (once) and each line it cut."""
    if text.nul_chars:
        state.report(source, text.first_nul_line,
                     f"{text.nul_chars:,} NUL byte(s), the padding a Kindle unplugged while writing "
                     "leaves, skipped (the first is on this line)", kept=True)
    for number, chars in text.cut_lines:
        state.report(source, number, f"a line of {chars:,} characters, longer than any clipping "
                     f"({text.limit:,}), was skipped with its record (a damaged file?)")


def report_unclosed_end(text: BoundedText, source: str, state: ReadState) -> None:
    """Report to ``state`` a last record that the file ends without closing, when the file has
    separator lines (one that has none, its separators stripped by a tool, is read as it is): the
    Kindle writes a separator after each record, so the file may have been cut while the device
    wrote it. The record is read all the same (its text may be whole); one whose metadata line
    was cut, or that holds a line cut for its length, is reported already."""
    record = text.last_record
    if record is None or text.ends_with_separator or not text.separators:
        return
    if text.cut_lines and _holds_cut_line(record):
        return  # skipped, and reported
    if type(record) is not tuple:
        assert isinstance(record, RawRecord)
        if record.metadata is None:
            return
    number = record[0] if type(record) is tuple else record.line_number
    state.report(source, number, f"the last record has no closing {SEPARATOR} line: it may be cut "
                 "off (the Kindle unplugged while writing?); read as it is", kept=True)
