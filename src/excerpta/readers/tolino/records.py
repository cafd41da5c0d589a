"""The records of a Tolino's ``notes.txt``, streaming, and what each says.

The grammar (UTF-8, with or without a byte order mark; LF or CRLF)::

    Title (Author)
    Highlight on page 3: "the passage, over as many
    lines as it takes"
    Added on 12/15/2017 | 21:31
    <blank line>
    -----------------------------------
    <blank line>

The second line names the kind and the page (``page 11-12``: a passage over two pages, see
:mod:`.wordings`), then, after the colon: a highlight's passage in double quotes; a note's own
text (several lines, perhaps) and then, from the start of a line, the passage it is about in
double quotes; a bookmark's first characters of its page (not read). Quotes inside the text
are written as they are, so a note's passage starts at the last line that opens with a quote,
unless the reader knows a highlight of that passage (see :func:`note_splits`). The last line
says when (``Changed on`` once a note was edited).

:func:`iter_raw_records` cuts lines into records at the separator lines, with bounded memory (a
line or a record too long for any real record is cut and its record reported), and
:func:`unglued` where a record starts inside another (one cut short, the next appended to it);
:func:`parse_record` reads one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from excerpta.readers.kindle.records import split_title_author
from excerpta.readers.tolino.wordings import (
    Place,
    Stamp,
    is_date_line,
    is_place_line,
    parse_place,
    parse_stamp,
)

SEPARATOR = "-" * 35
LINE_LIMIT = 256 * 1024  # characters: a line longer than that is damage (NUL padding), not a passage
RECORD_LIMIT = 1024 * 1024  # characters of one record, for the same reason
_INVISIBLE = ("\ufeff", "\x00")


@dataclass
class RawRecord:
    """The lines of one record (ends of lines, BOMs and NULs dropped; blank lines around it
    too) and the number of its first line; ``damage``: why it cannot be read whole."""

    line: int
    lines: list[str]
    damage: str = ""


@dataclass(frozen=True)
class Record:
    """One record read: its book, its place line and its date line, and the text after the
    place line's colon (``body``, lines joined with ``\\n``)."""

    line: int
    title: str
    author: str | None
    place: Place
    stamp: Stamp
    body: str


class RecordError(ValueError):
    """A record that cannot be read; ``str()``: why."""


def iter_lines(handle: TextIO) -> Iterator[tuple[str, bool]]:
    """Each line of ``handle`` without its end, and whether it was cut (longer than
    :data:`LINE_LIMIT`: the rest of it is read past in blocks, never held)."""
    while True:
        line = handle.readline(LINE_LIMIT)
        if not line:
            return
        if line.endswith("\n"):
            yield line.rstrip("\r\n"), False
            continue
        if len(line) < LINE_LIMIT:  # the last line, without an end
            yield line.rstrip("\r"), False
            return
        cut = False
        while (more := handle.readline(LINE_LIMIT)) and not more.endswith("\n"):
            cut = True
        yield line[:80], cut or bool(more)


def iter_raw_records(handle: TextIO) -> Iterator[RawRecord]:
    """The records of ``handle``, cut at separator lines, in file order; a part of nothing but
    blank lines is none. Memory is bounded by :data:`RECORD_LIMIT`."""
    lines: list[str] = []
    first, size, damage = 0, 0, ""
    number = 0
    for number, (line, cut) in enumerate(iter_lines(handle), start=1):
        for invisible in _INVISIBLE:
            if invisible in line:
                line = line.replace(invisible, "")
        if line.strip() == SEPARATOR:
            if lines:
                yield RawRecord(first, lines, damage)
            lines, size, damage = [], 0, ""
            continue
        if not lines and not line.strip():
            continue
        if not lines:
            first = number
        if cut and not damage:
            damage = f"a line longer than {LINE_LIMIT:,} characters (a damaged file?)"
        size += len(line)
        if size > RECORD_LIMIT:
            damage = damage or f"a record longer than {RECORD_LIMIT:,} characters (a damaged file?)"
            continue
        lines.append(line)
    if lines:
        yield RawRecord(first, lines, damage)


def unglued(raw: RawRecord) -> Iterator[RawRecord]:
    """``raw`` cut where another record starts inside it (a title line, then a place line):
    the device appends its next record straight after one it did not finish writing (a file
    cut short, then written on), without a separator. A part that does not end in a date line
    is cut short: its ``damage`` says so."""
    lines, first = raw.lines, raw.line
    start = 0
    for index in range(2, len(lines)):
        if is_place_line(lines[index]) and lines[index - 1].strip() and index - 1 > start:
            part = lines[start:index - 1]
            whole = len(part) >= 3 and is_date_line(part[-1])
            yield RawRecord(first + start, part, raw.damage or ("" if whole else
                            "a record cut short (the next one follows it without a separator)"))
            start = index - 1
    yield RawRecord(first + start, lines[start:], raw.damage) if start else raw


def parse_record(raw: RawRecord) -> Record:
    """What ``raw`` says; raises RecordError naming what it lacks."""
    if raw.damage:
        raise RecordError(raw.damage)
    lines = raw.lines
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if len(lines) < 3:
        raise RecordError("a record of fewer than three lines (title, kind and page, date)")
    title, author = split_title_author(lines[0])
    if not title:
        raise RecordError("a record without a title")
    place = parse_place(lines[1])
    if place is None:
        raise RecordError(f"no kind and page in a known wording: {lines[1].strip()[:60]!r}")
    stamp = parse_stamp(lines[-1])
    if stamp is None:
        raise RecordError(f"no date line in a known wording: {lines[-1].strip()[:60]!r}")
    body = "\n".join([place.rest, *lines[2:-1]])
    return Record(raw.line, title, author, place, stamp, body)


def quoted(body: str) -> str:
    """A highlight's passage: ``body`` without the double quotes around it, and without the
    spaces and line ends at either end."""
    text = body.strip()
    if text.startswith('"'):
        text = text[1:]
    if text.endswith('"'):
        text = text[:-1]
    return text.strip()


def note_splits(body: str) -> list[tuple[str, str]]:
    """The ways a note record's ``body`` reads as (note, passage), the likeliest first: the
    passage starts at a line that opens with a double quote and runs to the closing one at the
    end; the last such line first (a note's own lines seldom open with a quote). Empty if the
    body does not end with a quote: a note without a passage."""
    text = body.rstrip()
    if not text.endswith('"'):
        return []
    starts = [0] if text.startswith('"') else []
    starts += [index + 1 for index, char in enumerate(text)
               if char == "\n" and text[index + 1 : index + 2] == '"']
    splits = [(text[:start].strip(), quoted(text[start:])) for start in reversed(starts)]
    return [(note, passage) for note, passage in splits if passage]
