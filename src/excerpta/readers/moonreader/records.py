"""One row of Moon+ Reader's ``notes`` table as a highlight, or the reason it is none.

The table holds highlights, notes and bookmarks alike (Moon+'s own queries tell them apart):

* a **highlight** has its passage in ``original`` and ``highlightLength`` > 0 (or no
  number there); a **note** is a highlight whose ``note`` is not empty (Moon+ keeps one row
  for both), or a row with a note and no passage (a lone note);
* a **bookmark** is a row whose ``bookmark`` column is not empty (it holds the bookmark's
  name) and that is neither: no passage (``original`` empty or ``highlightLength`` <= 0) and
  no note. Left out unless asked for (``--moonreader-bookmarks``), then read as an empty
  highlight whose note is that name. A row with a bookmark name *and* a passage or a note is
  a highlight (other tools write such rows; a name is no reason to lose a passage);
* a row with neither text, note nor bookmark name is reported and skipped; so is one whose
  text holds NUL bytes (a page of the database lost, never what Moon+ wrote).

Where it is: ``lastChapter`` (the index of the book's chapter, or spine item, not its title),
``lastSplitIndex`` (the part of a long chapter) and ``lastPosition`` (the character offset in
it); PDFs are ordered by ``lastPosition`` first, as Moon+ orders them. ``time`` is when the row
was written, in milliseconds since 1970 UTC. ``underline``, ``strikethrough`` and ``bak``
(``1…``: squiggly) say how the passage is marked; the model has no place for that.

Ids: Moon+'s ``_id`` is no identity (it re-numbers rows when it re-saves a book's notes, and
``time`` is rewritten with them), so a highlight's id is :func:`~excerpta.identity.highlight_id`
of its book's id, its position (chapter, part, offset) and its text: the same on every read,
and in every later backup, however many highlights were added before or after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from excerpta.identity import highlight_id
from excerpta.model import Highlight, LocationType
from excerpta.readers.kobo.text import as_int, as_text, is_utf8
from excerpta.readers.moonreader.colours import colour_name
from excerpta.readers.sqlite_damage import Skipped

MAX_MILLISECONDS = 253402300799999  # 9999-12-31T23:59:59.999Z: past it, no date
_UNKNOWN = (1, 0)  # a position that is not a number sorts after every one that is


class NoteRow(NamedTuple):
    """A ``notes`` row as SQLite gives it (text as bytes), its ``_id`` and its rowid; read from
    a ``.mrexpt`` export (:mod:`.export_format`), its values as bytes too, its rowid the
    record's rank in the file (Moon+ writes rows in rowid order) and ``line`` where it starts."""

    book: object
    filename: object
    chapter: object
    split: object
    position: object
    length: object
    colour: object
    time: object
    bookmark: object
    note: object
    original: object
    note_id: object
    rowid: int
    line: int | None = None

    def where(self) -> str:
        """How a problem names the row: ``notes _id 17``, else by its rowid; in an export,
        ``line 40 (notes _id 17)``."""
        ident = as_int(self.note_id)
        if self.line is not None:
            return f"line {self.line}" + (f" (notes _id {ident})" if ident is not None else "")
        return f"notes _id {ident}" if ident is not None else f"notes rowid {self.rowid}"

    def file_key(self) -> str:
        """The book's file, lower-cased, as Moon+ keys a book's rows (``lowerFilename``)."""
        return (as_text(self.filename) or "").strip().lower()

    def is_bookmark(self) -> bool:
        """Whether the row is a bookmark: its ``bookmark`` column names it, and it has no
        highlighted passage (see :meth:`has_passage`) and no note."""
        return (bool((as_text(self.bookmark) or "").strip()) and not self.has_passage()
                and not (as_text(self.note) or "").strip())

    def has_passage(self) -> bool:
        """Whether the row highlights a passage: text in ``original`` and a ``highlightLength``
        that is not a number <= 0."""
        length = as_int(self.length)
        return bool((as_text(self.original) or "").strip()) and (length is None or length > 0)


@dataclass
class Parsed:
    """A row read as a highlight (its ``location`` set once its book is in order), what orders
    it, and the problems of the fields it was read without."""

    highlight: Highlight
    order: tuple[object, ...]
    problems: list[str] = field(default_factory=list)
    left_out: set[str] = field(default_factory=set)

    @property
    def written(self) -> tuple[object, ...]:
        """What orders the copies of one passage by when they were written: undated last,
        then the date, then the rowid (the end of ``order``)."""
        return self.order[-3:]


def parse_row(row: NoteRow, document_id: str, *, keep_bookmarks: bool, pdf: bool) -> Parsed:
    """The highlight of ``row`` in the document ``document_id``; raises Skipped for a row that
    is none (see the module docstring). ``pdf``: the book is a PDF (ordered by offset first).
    A value that does not parse leaves the highlight without it, named in ``problems``."""
    if any("\x00" in (as_text(value) or "") for value in (row.original, row.note, row.bookmark)):
        raise Skipped("damaged (NUL bytes where its text was: a page of the database lost)",
                      reported=True, damaged=True)
    text = (as_text(row.original) or "").strip()
    note = (as_text(row.note) or "").strip() or None
    problems: list[str] = []
    bookmark = row.is_bookmark()
    if bookmark:
        if not keep_bookmarks:
            raise Skipped("bookmark", reported=False)
        text, note = "", (as_text(row.bookmark) or "").strip()
    elif not text and not note:
        raise Skipped("no highlighted text and no note", reported=True)
    for column, value in (("original", row.original), ("note", row.note)):
        if not is_utf8(value):
            problems.append(f"{column} is not valid UTF-8: read with U+FFFD for the bad bytes")
    places = []
    for column, value in (("lastChapter", row.chapter), ("lastSplitIndex", row.split),
                          ("lastPosition", row.position)):
        number = as_int(value)
        if number is None and value is not None:
            problems.append(f"{column} {_shown(value)} is not a whole number: placed after the others")
        places.append(number)
    left_out: set[str] = set()
    when = _time(row.time, problems, left_out)
    ranks = [(0, number) if number is not None else _UNKNOWN for number in places]
    order = (ranks[2], ranks[0], ranks[1]) if pdf else tuple(ranks)
    where = ".".join(str(number) if number is not None else (as_text(value) or "").strip()
                     for number, value in zip(places, (row.chapter, row.split, row.position), strict=True))
    highlight = Highlight(
        id=highlight_id(document_id, text if not bookmark else f"bookmark {note}", where),
        text=text,
        note=note,
        location_type=LocationType.ORDER,
        color=_colour(row.colour) if not bookmark else None,
        highlighted_at=when,
    )
    return Parsed(highlight, (*order, when is None, when or _EARLIEST, row.rowid), problems, left_out)


_EARLIEST = datetime.min.replace(tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _time(value: object, problems: list[str], left_out: set[str]) -> datetime | None:
    if value is None or (as_text(value) or "").strip() in ("", "0"):
        return None
    milliseconds = as_int(value)
    if milliseconds is None or not 0 < milliseconds <= MAX_MILLISECONDS:
        problems.append(f"time {_shown(value)} is not a date (milliseconds since 1970): read without it")
        left_out.add("highlighted_at")
        return None
    return EPOCH + timedelta(milliseconds=milliseconds)  # exact: no float seconds


def _colour(value: object) -> str | None:
    number = as_int(value)
    return colour_name(number) if number is not None else None


def _shown(value: object) -> str:
    return repr((as_text(value) or "")[:40])
