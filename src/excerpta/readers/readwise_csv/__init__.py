"""Reader of Readwise's CSV files: the export (9 or 11 columns) and the bulk-import format.

Columns are found by their header name, never by position or by guessing from the first row:

* export, 2019 (9 columns): ``Highlight, Book Title, Book Author, Amazon Book ID, Note, Color,
  Tags, Location Type, Location``; current exports add ``Highlighted at, Document tags``;
* import (7 columns): ``Highlight, Title, Author, URL, Note, Location, Date``.

Header names match case-insensitively, in any order; unknown columns are ignored and any
column but ``Highlight`` may be missing. A file without a ``Highlight`` column, or whose header
names a field twice, is an InputError; one delimited by ``;`` or tab (a spreadsheet's re-save)
is read as such (see :mod:`.header`). The file is UTF-8, UTF-16/32 or Windows-1252 (an
Excel re-save), told by its bytes; a UTF-8 file's few stray bytes are read as Windows-1252
and their lines reported (see :mod:`.text`).

A row that cannot be parsed (wrong number of fields, a cell over 64 MiB,
nothing highlighted) is reported with its line number and skipped. A date that is not ISO
8601 (a spreadsheet's ``6/22/2026 10:34``) is not guessed at: its highlight is read without
it (``ReadState.leave_out``: the library keeps a date it has), and the file's unreadable dates
are reported once (see :mod:`.dates`). What a file does not say (a column it lacks, an empty
cell of a file made for the bulk import, a chapter no CSV has) keeps the library's value, see
:mod:`.unsaid`.

Mapping: ``Tags`` and ``Document tags`` are comma-separated (a ``favorite`` tag also sets
``is_favorite``); ``Location`` is an integer where it is one (a ``0`` stays ``0``), the text
otherwise (roman page numbers); dates are ISO 8601 with a space or ``T``, with or without
fractions, and a date without an offset is UTC (Readwise's import rule). A row with no title
belongs to its URL, or to Readwise's catch-all book ``Quotes``. Category is set only where the
row proves it: an Amazon Book ID means ``books``, an ``@handle on Twitter`` author ``tweets``.

Ids: rows carry no Readwise ids, so documents get ``identity.document_id(title, author, url)``
and highlights ``identity.highlight_id(document id, text, location)``: reading the same file
twice, or a re-export with more rows, gives the same ids. Rows with the same document, text
and location are one highlight: an exact repeat is dropped, one with another note (tags,
colour…) is merged into the first and reported (see :mod:`.repeats`).

Rows are streamed; consecutive rows of one document are yielded as one Document, and a
document whose rows are not consecutive is yielded again (the library merges by id).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain

from excerpta import identity
from excerpta.adapters import InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.input_files import input_file
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.readwise_csv.dates import DateError, UnreadableDates, parse_timestamp
from excerpta.readers.readwise_csv.header import (
    HeaderError,
    check_header,
    header_delimiter,
    map_header,
    split_line,
)
from excerpta.readers.readwise_csv.repeats import RepeatedRows
from excerpta.readers.readwise_csv.text import csv_lines
from excerpta.readers.readwise_csv.unsaid import SAID_DOCUMENT, SAID_HIGHLIGHT, unsaid_fields

log = logging.getLogger(__name__)
DATE_FIELDS = frozenset({"highlighted_at"})  # what an unreadable date leaves out
QUOTES_TITLE = "Quotes"  # where Readwise files highlights imported without a title
FAVORITE_TAG = "favorite"
TWITTER_AUTHOR_SUFFIX = " on Twitter"
# The csv module refuses a cell over 128 KiB by default, and a highlighted chapter or a long
# note is more; past this, a cell is reported as its row's problem (and still held in memory).
FIELD_SIZE_LIMIT = 64 * 1024 * 1024


class RowError(ValueError):
    """A row that cannot become a highlight; its message is the reason reported."""


def allow_large_cells() -> None:
    """Raise the csv module's cell size limit to FIELD_SIZE_LIMIT (never lower it).

    The limit is process-wide. It is raised once and left so, not set and restored around a
    read: a read yields documents as it goes, and whatever runs in between (another CSV reader
    or writer) would see it change under it. A higher limit only lets larger cells through.
    """
    if csv.field_size_limit() < FIELD_SIZE_LIMIT:
        csv.field_size_limit(FIELD_SIZE_LIMIT)


def iter_records(source: str, lines: Iterable[str], state: ReadState,
                 delimiter: str = ",") -> Iterator[tuple[int, int, list[str]]]:
    """``(line, last_line, row)`` for each record of the CSV text ``lines`` (a handle opened
    with ``newline=""``), header included, the record being on lines ``line`` to
    ``last_line``; a record the csv module cannot read (a cell over FIELD_SIZE_LIMIT) is
    reported and skipped."""
    rows = csv.reader(lines, delimiter=delimiter)
    line = 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            reason = (f"a cell is larger than {FIELD_SIZE_LIMIT // 2**20} MiB"
                      if "field limit" in str(err) else f"not readable as CSV: {err}")
            state.report(source, line, reason)
            if rows.line_num + 1 == line:
                return  # nothing was consumed: the next try would fail the same way
            line = rows.line_num + 1
            continue
        record_line, line = line, rows.line_num + 1
        yield record_line, rows.line_num, row


def _wrong_width(expected: int, found: int, line: int, last_line: int) -> str:
    reason = f"expected {expected} fields, found {found}"
    if found < expected and last_line > line:
        # A quote opened and never closed runs the record on to the next quote, or to the end
        # of the file: say which rows went with it, or they vanish without a word.
        reason = (f"lines {line}-{last_line} read as one record, {reason} (a cell on line {line} "
                  "opens a quote it never closes?)")
    return reason


def parse_location(value: str) -> int | str | None:
    """An integer location where it is one, the text otherwise, None if empty."""
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return value


def split_tags(value: str) -> list[str]:
    """``"sports,interesting facts,data"`` -> three tags, blanks dropped."""
    return [tag.strip() for tag in value.split(",") if tag.strip()]


def parse_location_type(value: str) -> LocationType | None:
    """A Readwise ``Location Type`` (``location``, ``page``, ``order``, …) or None if empty."""
    if not value:
        return None
    try:
        return LocationType(value.strip().lower())
    except ValueError:
        raise RowError(f"unknown location type {value!r}") from None


def infer_category(asin: str | None, author: str | None) -> Category | None:
    """Books for an Amazon id, tweets for Readwise's ``@handle on Twitter`` authors, else None."""
    if asin:
        return Category.BOOKS
    if author and author.startswith("@") and author.endswith(TWITTER_AUTHOR_SUFFIX):
        return Category.TWEETS
    return None


def build_document(cells: dict[str, str]) -> Document:
    """The document a row belongs to (without highlights)."""
    url = cells.get("url") or None
    title = cells.get("title") or url or QUOTES_TITLE
    author = cells.get("author") or None
    asin = cells.get("asin") or None
    return Document(
        id=identity.document_id(title, author, url),
        title=title,
        author=author,
        category=infer_category(asin, author),
        url=url,
        asin=asin,
        tags=split_tags(cells.get("document_tags", "")),
    )


def build_highlight(document_id: str, cells: dict[str, str], highlighted_at: datetime | None) -> Highlight:
    """The highlight of a row, its date parsed by the caller; raises RowError if the row has
    neither text nor note."""
    text = cells.get("text", "")
    note = cells.get("note") or None
    if not text.strip() and not note:
        raise RowError("empty Highlight")
    location = parse_location(cells.get("location", ""))
    tags = split_tags(cells.get("tags", ""))
    return Highlight(
        id=identity.highlight_id(document_id, text, location),
        text=text,
        note=note,
        location=location,
        location_type=parse_location_type(cells.get("location_type", "")),
        color=cells.get("color") or None,
        highlighted_at=highlighted_at,
        tags=tags,
        is_favorite=FAVORITE_TAG in tags,
    )


class ReadwiseCsvReader(Reader):
    """Reads Readwise's CSV export (9 or 11 columns) and its CSV import format."""

    name = "readwise-csv"
    self_contained = True
    description = "Readwise CSV export (readwise-data.csv) or Readwise bulk-import CSV"
    # What no variant carries (a chapter, a range, a document's source…); what one file does
    # not say besides, by its columns, is told per highlight and document (see .unsaid).
    unknown_when_empty = fields_but(Highlight, *SAID_HIGHLIGHT)
    document_unknown_when_empty = fields_but(Document, *SAID_DOCUMENT)
    # An export lists each highlight as Readwise has it now: one edited there has a new id.
    edited_copies = True

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.is_dir or not probe.head:
            return 0
        head = probe.text_head
        fields = map_header(split_line(head, header_delimiter(head)))
        if "text" not in fields:
            return 0
        if "asin" in fields or "location_type" in fields:
            return 90  # Readwise's export columns
        return 70 if "title" in fields else 40

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = input_file(source)
        allow_large_cells()
        with csv_lines(path, source, state) as lines:
            first = next(lines, "")
            yield from self._read_rows(source, chain([first], lines), header_delimiter(first), state)

    def _read_rows(self, source: str, lines: Iterable[str], delimiter: str,
                   state: ReadState) -> Iterator[Document]:
        records = iter_records(source, lines, state, delimiter)
        first_line, _, header = next(records, (0, 0, []))
        positions = map_header(header)
        if first_line != 1 or "text" not in positions:
            raise InputError(f"{source}: no 'Highlight' column in the header (expected a Readwise CSV)")
        try:
            check_header(header)
        except HeaderError as err:
            raise InputError(f"{source}:1: the header names {err}") from None
        current: Document | None = None
        repeats = RepeatedRows()
        dates = positions.get("highlighted_at")
        dateless = UnreadableDates(header[dates].strip().lstrip("\ufeff") if dates is not None else "")
        unsaid = unsaid_fields(header, positions)
        for record_line, last_line, row in records:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                state.report(source, record_line, _wrong_width(len(header), len(row), record_line, last_line))
                continue
            cells = {field: row[index].strip() if field != "text" else row[index]
                     for field, index in positions.items()}
            try:
                highlighted_at = parse_timestamp(cells.get("highlighted_at", ""))
            except DateError:
                highlighted_at = None
            try:
                document = build_document(cells)
                highlight = build_highlight(document.id, cells, highlighted_at)
            except RowError as err:
                state.report(source, record_line, str(err))
                continue
            if highlighted_at is None and cells.get("highlighted_at"):
                # Not ISO 8601: read without it; a date the library has is kept, not erased.
                dateless.add(record_line, cells["highlighted_at"])
                state.leave_out(highlight.id, DATE_FIELDS)
            if unsaid.highlight:
                state.leave_out(highlight.id, unsaid.highlight)
            if current is not None and current.id != document.id:
                yield current
                current = None
            if current is None:
                current = document
                repeats.new_batch()
                if unsaid.document:
                    state.leave_out_document(document.id, unsaid.document)
            if (repeated := repeats.add(current, record_line, highlight)) is not None:
                state.report(source, record_line, repeated, kept=True)
        if current is not None:
            yield current
        dateless.report(source, state)
