"""Reader ``tolino``: a Tolino e-reader's ``notes.txt``, in every UI language it is known to write.

The device keeps one ``notes.txt`` in the root of its drive, next to the books, and appends a
record to it for each highlight, note and bookmark (grammar: :mod:`.records`, wordings:
:mod:`.wordings`). Read streaming: records are parsed one at a time and at most
:data:`HELD_LIMIT` highlights wait to be yielded, in per-book Documents of at most
:data:`BATCH_LIMIT`; the ids of every highlight read are kept (a note edited far later still
finds its highlight), not the highlights.

Notes: a note record holds the passage it is about, so the note belongs to the highlight of that
book, page and passage: both have one id (:mod:`excerpta.identity`: book, first page, passage)
and the library merges them; a later record of it (``Changed on``: the note edited) gives the
note as it is now and ``updated_at``. A note record whose text may split in several ways
(quotes opening lines) takes the split whose passage is a highlight already read on that page.
A note without a passage is kept as a lone note (empty text; its id holds its text, so such a
note edited on the device reads as another note beside the first); bookmarks are dropped unless
``tolino_bookmarks``. Ids depend on nothing but the records, so reading again, or after the
device appended records, gives the same ids.

Times are the device's wall clock; the ``timezone`` option (default: this machine's zone)
makes them aware. A record that cannot be read is reported with its line number and skipped;
one whose date cannot be read is kept without it and reported as read in part.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TextIO

from pydantic import Field

from excerpta.adapters import AdapterOptions, InputProbe, Reader, ReadState, fields_but
from excerpta.identity import document_id, highlight_id
from excerpta.input_files import input_file, open_text
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.tolino.records import (
    SEPARATOR,
    Record,
    RecordError,
    iter_raw_records,
    note_splits,
    parse_record,
    quoted,
    unglued,
)
from excerpta.readers.tolino.wordings import RecordKind, is_date_line, is_place_line
from excerpta.zones import DeviceZone, wall_time, zone_named

SOURCE = "tolino"
NOTES_FILE = "notes.txt"
BATCH_LIMIT = 256  # highlights per yielded Document
HELD_LIMIT = 1024  # highlights held before they are yielded
_KINDLE_SEPARATOR = "=========="  # My Clippings.txt: never ours
_PROBE_LINES = 400


class TolinoOptions(AdapterOptions):
    """Options of the ``tolino`` reader."""

    timezone: DeviceZone = None
    tolino_bookmarks: bool = Field(
        default=False,
        description="Keep Tolino bookmarks as empty highlights (dropped by default)",
        json_schema_extra={"cli": "tolino-bookmarks"},
    )


class TolinoNotesReader(Reader):
    """Reads a Tolino's ``notes.txt``; see the module docstring."""

    name = "tolino"
    self_contained = True
    description = "Tolino 'notes.txt' (English, German, Spanish, French, Italian, Dutch)"
    options_model = TolinoOptions
    options: TolinoOptions
    # An appended log, as My Clippings.txt: a later record of a highlight without its note, or
    # without a date that reads, says nothing of them; no colours, tags or chapters.
    unknown_when_empty = fields_but(Highlight, "text", "location", "location_type", "end_location")
    document_unknown_when_empty = fields_but(Document, "title", "author", "category", "source")

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.path is None or probe.is_dir:
            return 0
        lines = [line.strip("\ufeff\x00 \t") for line in probe.text_head.splitlines()[:_PROBE_LINES]]
        if _KINDLE_SEPARATOR in lines:
            return 0
        separators = SEPARATOR in lines
        places = any(is_place_line(line) for line in lines)
        dates = any(is_date_line(line) for line in lines)
        if places and dates:
            return 90 if separators else 60
        named = probe.path.name.casefold() == NOTES_FILE
        if named and not probe.text_head.strip("\ufeff\x00 \t\r\n"):
            return 20  # emptied on the device: nothing to read, which is no error
        return 30 if separators and named else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = input_file(source)
        zone = zone_named(self.options.timezone) if self.options.timezone else None
        with open_text(path, errors="replace") as handle:
            yield from read_notes(handle, source, state, zone=zone,
                                  keep_bookmarks=self.options.tolino_bookmarks)


def read_notes(handle: TextIO, source: str, state: ReadState, *, zone: tzinfo | None = None,
               keep_bookmarks: bool = False) -> Iterator[Document]:
    """The documents of the notes text ``handle`` (opened with universal newlines); problems
    reported to ``state`` under ``source``. A book may come in several Documents, and a
    highlight again in a later one (a note edited after it was yielded): the library merges
    them by id."""
    held = _Held()
    for raw in (part for whole in iter_raw_records(handle) for part in unglued(whole)):
        try:
            record = parse_record(raw)
        except RecordError as err:
            state.report(source, raw.line, str(err))
            continue
        try:
            book = _book(record)
        except ValueError:  # a title of nothing but marks that normalise away
            state.report(source, record.line, "a record without a title")
            continue
        when = _when(record, zone, source, state)
        entry = _entry(record, book, when, held, keep_bookmarks)
        if entry is not None:
            held.add(book, entry)
        if len(held) >= HELD_LIMIT:
            yield from held.flush()
    yield from held.flush()


@dataclass
class _Entry:
    """A highlight being put together from its records."""

    id: str
    text: str
    note: str | None
    start: int
    end: int | None
    highlighted_at: datetime | None
    updated_at: datetime | None

    def absorb(self, later: _Entry) -> None:
        """Take in a later record of the same highlight: its note (an edit) if it has one, its
        range, the earliest time it was made and the latest it changed."""
        self.text = later.text or self.text
        self.note = later.note or self.note
        self.end = later.end if later.end is not None else self.end
        made = [when for when in (self.highlighted_at, later.highlighted_at) if when is not None]
        self.highlighted_at = min(made) if made else None
        times = [when for when in (self.updated_at, later.updated_at, later.highlighted_at)
                 if when is not None]
        latest = max(times) if times else None
        self.updated_at = latest if latest is not None and (
            self.highlighted_at is None or latest > self.highlighted_at) else None

    def highlight(self) -> Highlight:
        return Highlight(id=self.id, text=self.text, note=self.note, location=self.start,
                         location_type=LocationType.PAGE, end_location=self.end,
                         highlighted_at=self.highlighted_at, updated_at=self.updated_at)


class _Held:
    """Highlights waiting to be yielded, by book, in the order first read."""

    def __init__(self) -> None:
        self.books: dict[str, Document] = {}
        self.entries: dict[str, dict[str, _Entry]] = {}  # book id -> highlight id -> entry
        # Every highlight read, yielded or not: a note edited far after its highlight still
        # finds it (its split, and so its id, must not depend on where a batch ended).
        self.seen: set[tuple[str, str]] = set()

    def __len__(self) -> int:
        return sum(map(len, self.entries.values()))

    def add(self, book: Document, entry: _Entry) -> None:
        self.books[book.id] = book
        entries = self.entries.setdefault(book.id, {})
        self.seen.add((book.id, entry.id))
        if entry.id in entries:
            entries[entry.id].absorb(entry)
        else:
            entries[entry.id] = entry

    def holds(self, book_id: str, highlight: str) -> bool:
        """Whether highlight ``highlight`` of book ``book_id`` was read before in this file."""
        return (book_id, highlight) in self.seen

    def flush(self) -> Iterator[Document]:
        for book_id, entries in self.entries.items():
            highlights = [entry.highlight() for entry in entries.values()]
            for at in range(0, len(highlights), BATCH_LIMIT):
                yield self.books[book_id].model_copy(update={"highlights": highlights[at : at + BATCH_LIMIT]})
        self.books, self.entries = {}, {}


def _book(record: Record) -> Document:
    return Document(id=document_id(record.title, record.author), title=record.title, author=record.author,
                    category=Category.BOOKS, source=SOURCE)


def _when(record: Record, zone: tzinfo | None, source: str, state: ReadState) -> datetime | None:
    # The record's time made aware; a date that does not read is reported, the record kept.
    stamp = record.stamp
    if stamp.when is None:
        state.report(source, record.line, f"{stamp.problem}; read without it", kept=True)
        return None
    when = wall_time(stamp.when, zone)
    if when is None:
        state.report(source, record.line, f"{stamp.when:%Y-%m-%d %H:%M} cannot be placed in this "
                     "machine's time zone (give --timezone); read without it", kept=True)
    return when


def _entry(record: Record, book: Document, when: datetime | None, held: _Held,
           keep_bookmarks: bool) -> _Entry | None:
    place, changed = record.place, record.stamp.changed
    made, edited = (None, when) if changed else (when, None)
    if place.kind is RecordKind.BOOKMARK:
        if not keep_bookmarks:
            return None
        return _Entry(highlight_id(book.id, "", f"bookmark:{place.start}"), "", None, place.start, place.end,
                      made, edited)
    if place.kind is RecordKind.HIGHLIGHT:
        text = quoted(record.body)
        return _Entry(highlight_id(book.id, text, place.start), text, None, place.start, place.end,
                      made, edited)
    splits = note_splits(record.body)
    if not splits:  # a note without a passage
        note = record.body.strip()
        return _Entry(highlight_id(book.id, note, f"note:{place.start}"), "", note or None, place.start,
                      place.end, made, edited)
    note, text = next(((note, text) for note, text in splits
                       if held.holds(book.id, highlight_id(book.id, text, place.start))), splits[0])
    return _Entry(highlight_id(book.id, text, place.start), text, note or None, place.start, place.end,
                  made, edited)
