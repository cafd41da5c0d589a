"""Fast record splitting of a ``My Clippings.txt`` file: blocks in, records out, same as the line grammar.

:func:`~excerpta.readers.kindle.records.iter_records` decides every line in Python, which costs
more than everything else the reader does. Nearly every record is *regular*: a title line, a
metadata line, body lines that start with no ``=``, dash, space or invisible character, and the
separator line. Those are cut out of large blocks with C-level ``str.split``/``find``; anything
else (a separator typed inside a note or a passage, records whose separator was stripped or glued
to the record after it, a blank or missing metadata line, the file's end) is handed to the line
grammar with the record before it, so the result is the line grammar's, record for record and
line number for line number.

Why that is exact: after a separator line the line grammar holds at most one record (closed,
waiting for the next record to confirm its separator) and nothing else, and a regular record
confirms it. So a run of irregular pieces, started at the regular record before it and ended where
a regular record follows, reads the same on its own as inside the file (the grammar's end of
input yields the held record, as the regular record would). Memory stays flat: blocks are
:data:`BLOCK_CHARS` long, and a file irregular for longer than :data:`IRREGULAR_BLOCKS` blocks is
read by the line grammar, streaming, from there to its end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import TextIOBase
from itertools import chain

from excerpta.readers.kindle.metadata import DIGIT, looks_like_metadata
from excerpta.readers.kindle.records import (
    INVISIBLE,
    MAYBE_METADATA,
    MAYBE_SEPARATOR,
    SEPARATOR,
    RawRecord,
    body_starts_record,
    glued_title,
    is_separator,
    iter_records,
    starts_record,
)

BLOCK_CHARS = 65536
IRREGULAR_BLOCKS = 4  # blocks of irregular text held before the line grammar takes over
Regular = tuple[int, str, str, str]  # line number of the title, title line, metadata line, body text
_SEPARATOR_LINE = "\n" + SEPARATOR + "\n"
_BLANK = " \t" + INVISIBLE
# A body line starting with one of these may be a separator or a lost record start: look closer.
_SUSPICIOUS_STARTS = "".join(sorted(set(MAYBE_SEPARATOR + MAYBE_METADATA)))
_SUSPICIOUS_LINE = re.compile("\n[" + re.escape(_SUSPICIOUS_STARTS) + "]")


def iter_file_records(handle: TextIOBase, block_chars: int = BLOCK_CHARS) -> Iterator[Regular | RawRecord]:
    """The records of a clippings file opened in text mode with universal newlines, in file order.

    A regular record is yielded as a :data:`Regular` tuple (its metadata line unparsed, its body
    lines joined by ``\\n``), any other as the :class:`RawRecord` the line grammar makes of it.
    ``block_chars``: characters read at a time (tests make it small to cut records anywhere).
    """
    return chain.from_iterable(iter_record_batches(handle, block_chars))


def iter_record_batches(handle: TextIOBase,
                        block_chars: int = BLOCK_CHARS) -> Iterator[list[Regular | RawRecord]]:
    """:func:`iter_file_records` a block at a time: a list per block read (maybe empty)."""
    number = 1  # line number of the next piece's first line
    held: Regular | None = None  # the last regular record, not yet confirmed
    held_piece, held_number = "", 0
    irregular: list[str] = []  # pieces for the line grammar (held's piece first)
    irregular_number = irregular_size = 0
    leftover = ""
    while block := handle.read(block_chars):
        pieces = (leftover + block).split(_SEPARATOR_LINE)
        leftover = pieces.pop()  # no separator after it yet
        records: list[Regular | RawRecord] = []
        for piece in pieces:
            regular = _regular(piece, number)
            if regular is None:
                newlines = piece.count("\n")
                if not irregular:
                    irregular_number, irregular_size = number, 0
                    if held is not None:
                        irregular.append(held_piece)
                        irregular_number, irregular_size, held = held_number, len(held_piece), None
                irregular.append(piece)
                irregular_size += len(piece)
            else:
                if irregular:
                    irregular.append("")  # the separator after the last irregular piece
                    records += _line_grammar(_SEPARATOR_LINE.join(irregular), irregular_number)
                    irregular.clear()
                elif held is not None:
                    records.append(held)
                held, newlines = regular
                held_piece, held_number = piece, number
            number += newlines + 2
        yield records
        if irregular_size + len(leftover) > IRREGULAR_BLOCKS * block_chars:
            if not irregular and held is not None:
                irregular, irregular_number = [held_piece], held_number
            elif not irregular:
                irregular_number = number
            yield from _rest_by_lines(handle, irregular, leftover, irregular_number)
            return
    if leftover or irregular:
        if not irregular and held is not None:
            irregular, irregular_number = [held_piece], held_number
        elif not irregular:
            irregular_number = number
        tail = _SEPARATOR_LINE.join([*irregular, leftover]) if leftover else (
            _SEPARATOR_LINE.join(irregular) + _SEPARATOR_LINE)
        yield _line_grammar(tail, irregular_number)
    elif held is not None:
        yield [held]


def _regular(piece: str, number: int) -> tuple[Regular, int] | None:
    # A regular record and the number of newlines in its piece (its lines less one), or None.
    # The title is the first line that is neither blank nor a separator (the grammar skips those).
    end = piece.find("\n")
    title = piece[:end]
    stripped = title.strip(_BLANK)
    if end < 0 or not stripped or stripped == SEPARATOR:
        return _regular_after_blanks(piece, number)
    if stripped[:1] == "=" and glued_title(stripped) is not None:
        return None  # the file starts with a record glued to a separator
    meta_end = piece.find("\n", end + 1)
    if meta_end < 0:
        meta, body, newlines = piece[end + 1 :], "", 1
    else:
        meta, body = piece[end + 1 : meta_end], piece[meta_end + 1 :]
        # The usual body, a blank line and one line of text, needs one look; the others a scan.
        if body[:1] == "\n" and body.find("\n", 1) < 0:
            newlines = 3
            if body[1:2] in _SUSPICIOUS_STARTS and not _plain_body(body):
                return None
        else:
            newlines = 2 + body.count("\n")
            if _SUSPICIOUS_LINE.search(piece, meta_end) and not _plain_body(body):
                return None
    # starts_record(meta), its usual case (a dash and a number) checked inline: once per record.
    if "|" not in meta or ((meta[:1] != "-" or DIGIT.search(meta) is None) and not starts_record(meta)):
        return None  # the line grammar decides whether it is more of the record before
    return (number, title, meta, body), newlines


def _regular_after_blanks(piece: str, number: int) -> tuple[Regular, int] | None:
    start = 0
    while True:
        end = piece.find("\n", start)
        if end < 0:
            return None
        stripped = piece[start:end].strip(_BLANK)
        if stripped and stripped != SEPARATOR:
            break
        start = end + 1
    found = _regular(piece[start:], number)
    if found is None:
        return None
    (_, title, meta, body), newlines = found
    skipped = piece.count("\n", 0, start)
    return (number + skipped, title, meta, body), newlines + skipped


def _plain_body(body: str) -> bool:
    # The line grammar's body rules: True if it appends every line of ``body`` to the record.
    lines: list[str] = []
    for line in body.split("\n"):
        if line[:1] in MAYBE_SEPARATOR and (is_separator(line) or glued_title(line) is not None):
            return False
        if line[:1] in MAYBE_METADATA and looks_like_metadata(line) and body_starts_record(lines, line):
            return False
        lines.append(line)
    return True


def _line_grammar(text: str, number: int) -> list[RawRecord]:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return list(_renumbered(iter_records(lines), number))


def _rest_by_lines(handle: TextIOBase, irregular: list[str], leftover: str,
                   number: int) -> Iterator[list[RawRecord]]:
    text = (_SEPARATOR_LINE.join(irregular) + _SEPARATOR_LINE if irregular else "") + leftover
    text += handle.readline()  # to the end of the line the last block cut
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    for record in _renumbered(iter_records(chain(lines, handle)), number):
        yield [record]


def _renumbered(records: Iterator[RawRecord], first_line: int) -> Iterator[RawRecord]:
    for record in records:
        record.line_number += first_line - 1
        yield record
