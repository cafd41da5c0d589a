"""The ``.mrexpt`` file Moon+ Reader writes for one book's highlights, cut into records: each
the 16 values of a ``notes`` row, as :class:`~.records.NoteRow` (bytes, as the backup's rows).

The format (``com.flyersoft.books.BookDb.exportNotesToText``, which writes it, and
``importNotesFromText``, which reads it back)::

    1234567          the book file's size in bytes (Moon+ refuses an import into another file)
    indent:false     two reading settings, ``true`` or ``false``
    trim:false
    #                then, per notes row (rowid order), a line "#" and every column, one a line:
    12               _id, book, filename, lowerFilename, lastChapter, lastSplitIndex,
    Walden           lastPosition, highlightLength, highlightColor, time, bookmark, note,
    …                original, underline, strikethrough, bak

A newline inside a value is written ``<BR>`` (so every ``<BR>`` is read as one, as Moon+ does).
A record whose ``bak`` is ``*DELETED*`` is a deletion Moon+ passes on when it syncs notes (its
other values ``0`` but ``time``): :attr:`Record.deleted`.

Records are told apart by counting, as Moon+'s import does: after a ``#`` line come 16 values,
and a value may itself be ``#`` (users write ``#`` as a note to mark a chapter). A ``#`` line
ends a record early only where a number belongs (``lastChapter`` …) or where a record's head
(an ``_id`` and six numbers at their places) follows it: a record cut short, reported, as is one
with more lines than 16 (blank lines after the 16th are tolerated). Lines are read one at a
time, at most :data:`MAX_LINE_CHARS` characters held; a longer one makes its record damaged.
Lines between the header and the first ``#`` (one converter writes its first record without
one; Moon+ never does) are reported and skipped, never guessed into a record.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from excerpta.readers.moonreader.records import NoteRow

FIELDS = 16  # the columns of the notes table (schema version 7), in order
SEPARATOR = "#"
LINE_BREAK = "<BR>"
DELETED = "*DELETED*"
MAX_LINE_CHARS = 1 << 22  # 4 Mi characters: a highlight of a whole chapter still fits
HEADER_LINES = 3
# Where a value is a number (_id, lastChapter … time, underline, strikethrough): a "#" there is
# no value, so the record was cut short before it.
NUMERIC = frozenset({0, 4, 5, 6, 7, 8, 9, 13, 14})
_HEAD_NUMBERS = (1, 5, 6, 7, 8, 9, 10)  # lines after a "#" that start a record: numbers
_INTEGER = re.compile(r"-?\d+")
_SETTING = re.compile(r"(indent|trim):(true|false)")


def header_problem(lines: list[str]) -> str | None:
    """Why the first lines of a file (BOM and line ends removed) are not an export's header:
    None if they are (a size, ``indent:…``, ``trim:…``)."""
    if not lines or not lines[0].strip():
        return "an empty file"
    if not _INTEGER.fullmatch(lines[0].strip()):
        return "its first line is not the book file's size"
    settings = [line.strip() for line in lines[1:HEADER_LINES]]
    if len(settings) < 2 or not all(_SETTING.fullmatch(line) for line in settings) \
            or [line.split(":")[0] for line in settings] != ["indent", "trim"]:
        return "its second and third lines are not indent:… and trim:…"
    return None


@dataclass(frozen=True)
class Record:
    """A record read whole: its row, and whether it is a deletion Moon+ passes on."""

    row: NoteRow
    deleted: bool


@dataclass(frozen=True)
class BadRecord:
    """A record (or lines outside any) that gives no row: the line it starts on and why.
    ``at_end``: cut short by the end of the file (the file ends before all it holds)."""

    line: int
    reason: str
    at_end: bool = False


def iter_lines(handle: TextIO) -> Iterator[tuple[str, bool]]:
    """Each line of ``handle`` (opened with ``newline="\\n"``) without its ``\\n`` or ``\\r\\n``,
    and whether it was longer than :data:`MAX_LINE_CHARS` (its rest read past, never held)."""
    while line := handle.readline(MAX_LINE_CHARS):
        if line.endswith("\n"):
            yield line[:-1].removesuffix("\r"), False
            continue
        if len(line) < MAX_LINE_CHARS:  # the last line, without an end
            yield line.removesuffix("\r"), False
            return
        while (more := handle.readline(MAX_LINE_CHARS)) and not more.endswith("\n"):
            pass
        yield "", True


def iter_records(lines: Iterator[tuple[str, bool]], first_line: int) -> Iterator[Record | BadRecord]:
    """The records after an export's header: ``lines`` from :func:`iter_lines` past it, the
    first of them line ``first_line`` of the file. See the module docstring."""
    ahead: deque[tuple[int, str, bool]] = deque()
    numbered = ((number, text, cut) for number, (text, cut) in enumerate(lines, start=first_line))

    def peek(count: int) -> list[str]:
        while len(ahead) < count and (nxt := next(numbered, None)) is not None:
            ahead.append(nxt)
        return [text for _, text, _ in list(ahead)[:count]]

    values: list[str] | None = None
    start, rank, damage, stray = 0, 0, "", 0
    while ahead or peek(1):
        number, text, cut = ahead.popleft()
        if text == SEPARATOR and (values is None or _ends_record(values, peek(max(_HEAD_NUMBERS)))):
            if values is not None:
                rank += 1
                yield _record(values, start, rank, damage)
            elif stray:
                yield BadRecord(start, f"{stray} line(s) before the first record ('#'): skipped")
            values, start, damage = [], number, ""
            continue
        if values is None:
            stray, start = stray + bool(text.strip()), start or number
            continue
        if cut:
            damage = damage or f"a line longer than {MAX_LINE_CHARS:,} characters (a damaged file?)"
        if len(values) < FIELDS:
            values.append(text)
        elif text.strip() and not damage:  # past the 16th: counted, never held
            damage = f"more values than the {FIELDS} Moon+ writes"
    if values is not None:
        rank += 1
        yield _record(values, start, rank, damage) if len(values) == FIELDS or damage else BadRecord(
            start, f"cut short by the end of the file: {len(values)} of {FIELDS} values; skipped",
            at_end=True)
    elif stray:
        yield BadRecord(start, "no record ('#') after the header: skipped")


def _ends_record(values: list[str], following: list[str]) -> bool:
    """Whether a ``#`` line after ``values`` ends their record (else it is a value)."""
    if len(values) >= FIELDS or len(values) in NUMERIC:
        return True
    return len(following) >= max(_HEAD_NUMBERS) and all(
        _INTEGER.fullmatch(following[at - 1].strip()) for at in _HEAD_NUMBERS)


def _record(values: list[str], line: int, rank: int, damage: str) -> Record | BadRecord:
    if damage:
        return BadRecord(line, f"{damage}: skipped")
    if len(values) < FIELDS:
        return BadRecord(line, f"cut short: {len(values)} of {FIELDS} values before the next "
                         "record; skipped")
    raw = [_bytes(value) for value in values[:FIELDS]]
    row = NoteRow(book=raw[1], filename=raw[2], chapter=raw[4], split=raw[5], position=raw[6],
                  length=raw[7], colour=raw[8], time=raw[9], bookmark=raw[10], note=raw[11],
                  original=raw[12], note_id=raw[0], rowid=rank, line=line)
    return Record(row, values[15].strip() == DELETED)


def _bytes(value: str) -> bytes:
    # Undecodable bytes came in as surrogate escapes: back to themselves, so the row is reported
    # as not UTF-8 exactly as the backup's would be.
    return value.replace(LINE_BREAK, "\n").encode("utf-8", "surrogateescape")
