"""Reader ``kindle``: a Kindle's ``My Clippings.txt``, in every UI language and firmware generation.

Streaming: the file is read in blocks and cut into records by the rules of the line grammar
(:mod:`~excerpta.readers.kindle.blocks`, :mod:`~excerpta.readers.kindle.records`), each record's
metadata is parsed per record and per locale (:mod:`~excerpta.readers.kindle.metadata`), and
records pass through a fixed-size window that attaches notes and collapses re-saved copies
(:mod:`~excerpta.readers.kindle.assembly`) and leave as per-book batches of validated
Documents (:mod:`~excerpta.readers.kindle.documents`), so memory does not grow with the file.

Ids: a document's id comes from its title and author, a highlight's from its document, start
position and text (:mod:`excerpta.identity`), so reading the file again, or after the device
appended records to it, gives earlier highlights the same ids. A highlight extended (or
shortened, at either end) and re-saved on the device keeps the id of its first copy, with the
new text; when the first copy is in another file (the device's file was cleared since, another
Kindle's), the library matches them (``resaves``, see :mod:`excerpta.store.resaves`). A note
edited on the device replaces its first version; ``updated_at`` is the time of the latest note
or copy, when later than the highlight's.

Timestamps are device-local wall clock; the ``timezone`` option (default: this machine's zone)
makes them aware. A record that cannot be parsed is reported with its line number and skipped;
one whose date or position cannot be read is read without it and reported as read in part (the
merge keeps a date or page the library has: they are ``unknown_when_empty``).
Records in a wording no locale knows are read by their shape (see
:mod:`~excerpta.readers.kindle.metadata`; an empty one is a bookmark), and one warning per file
says how many.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from functools import lru_cache
from io import TextIOBase
from pathlib import Path

from pydantic import Field

from excerpta.adapters import AdapterOptions, InputProbe, Reader, ReadState, fields_but
from excerpta.errors import InputError
from excerpta.identity import document_id
from excerpta.input_files import input_file, open_text
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.kindle.blocks import Regular
from excerpta.readers.kindle.damaged import BoundedText, record_batches, report_damage, report_unclosed_end
from excerpta.readers.kindle.dates import MachineZoneDays
from excerpta.readers.kindle.device import CLIPPINGS_FILE, clippings_in
from excerpta.readers.kindle.documents import documents_of
from excerpta.readers.kindle.locales import ClippingKind, clipping_limit_markers
from excerpta.readers.kindle.metadata import (
    UNKNOWN_LOCALE,
    MetadataError,
    parse_fast,
    parse_metadata,
)
from excerpta.readers.kindle.records import SEPARATOR, RawRecord, iter_records, split_title_author
from excerpta.readers.kindle.window_records import Clipping
from excerpta.readers.undecodable import MARK_ERRORS, report_undecodable
from excerpta.zones import DeviceZone, wall_time, zone_named

log = logging.getLogger(__name__)

SOURCE = "kindle"
_LIMIT_MARKERS = clipping_limit_markers()
_BOOKMARK = ClippingKind.BOOKMARK


class KindleClippingsOptions(AdapterOptions):
    """Options of the ``kindle`` reader."""

    timezone: DeviceZone = None
    kindle_bookmarks: bool = Field(
        default=False,
        description="keep Kindle bookmarks as empty highlights (dropped by default)",
        json_schema_extra={"cli": "kindle-bookmarks"},
    )


class KindleClippingsReader(Reader):
    """Reads ``My Clippings.txt``; see the module docstring."""

    name = "kindle"
    self_contained = True
    description = "Kindle 'My Clippings.txt' (every language and firmware generation)"
    options_model = KindleClippingsOptions
    options: KindleClippingsOptions
    resaves = True  # a copy extended after the file was cleared, or in another Kindle's file
    # An append-only log never takes a value back: a later copy of a highlight without its note,
    # a record without a page or a date, says nothing of them. Nor does it carry what the
    # notebook export of the same book adds (same ids: colour, chapter) or a Readwise CSV (tags).
    # It says the range of its latest copy. See Reader.
    unknown_when_empty = fields_but(Highlight, "text", "location", "location_type", "end_location")
    document_unknown_when_empty = fields_but(Document, "title", "author", "category", "source")

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.is_dir and probe.path is not None:
            return 70 if clippings_in(probe.path) is not None else 0
        if probe.path is None:
            return 0
        head = probe.text_head
        lines = head.splitlines()[:400]
        has_separator = any(line.strip("\ufeff \t") == SEPARATOR for line in lines)
        locales = {_metadata_locale(line) for line in lines[:60]} - {None}
        if has_separator and locales:
            return 90
        # Without separators, only a known wording is evidence enough (a dashed line with a
        # "|" and a time may be anything).
        if locales - {UNKNOWN_LOCALE} or (has_separator and "clippings" in probe.path.name.lower()):
            return 40
        # The device's own name, as for a drive: a file with no records yet (or only broken ones).
        return 30 if probe.path.name.casefold() == CLIPPINGS_FILE.casefold() else 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # Its own file alone: another clippings file beside it is an input of its own.
        return (probe.path is not None and probe.path.name.casefold() == CLIPPINGS_FILE.casefold()
                and probe.path == clippings_in(folder))

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        folder = Path(source).expanduser()
        if folder.is_dir():  # a Kindle's drive, or its documents folder
            path = clippings_in(folder)
            if path is None:
                raise InputError(f"{source}: no {CLIPPINGS_FILE} in this folder or in its documents folder")
            source = str(path)  # problems name the file they are in
        else:
            path = input_file(source)
        options = self.options
        zone = zone_named(options.timezone) if options.timezone else None
        with open_text(path, errors=MARK_ERRORS) as raw:  # UTF-8, or UTF-16 if re-saved (device.py)
            handle = BoundedText(raw)  # NUL padding, endless lines: see .damaged
            yield from read_clippings_file(handle, source, state, zone=zone,
                                           keep_bookmarks=options.kindle_bookmarks)
        report_damage(handle, source, state)
        report_unclosed_end(handle, source, state)
        report_undecodable(handle, raw.encoding, source, state)


def read_clippings(lines: Iterable[str], source: str, state: ReadState, *, zone: tzinfo | None = None,
                   keep_bookmarks: bool = False) -> Iterator[Document]:
    """The documents of a clippings text given as ``lines``, streaming: a book's highlights come
    in Documents of at most ``BATCH_LIMIT``, in file order, and a book may come more than once
    (the library merges repeated document ids); at most ``HELD_LIMIT`` highlights are held
    (see :mod:`~excerpta.readers.kindle.documents`)."""
    return documents_of(_clippings(([record] for record in iter_records(lines)), source, state, zone),
                        keep_bookmarks)


def read_clippings_file(handle: TextIOBase, source: str, state: ReadState, *, zone: tzinfo | None = None,
                        keep_bookmarks: bool = False) -> Iterator[Document]:
    """:func:`read_clippings` of a file opened in text mode with universal newlines: the same
    documents and reports, faster: regular records are cut out of blocks (see
    :mod:`~excerpta.readers.kindle.blocks`) instead of being read line by line. A seekable
    ``handle`` is read again from its start when a note claims a highlight that already left
    (see :func:`~excerpta.readers.kindle.documents.documents_of`). A
    :class:`~excerpta.readers.kindle.damaged.BoundedText` ``handle`` keeps memory bounded in a
    damaged file; the records holding a line it cut are skipped."""

    def reread() -> Iterator[list[Clipping]]:
        handle.seek(0)
        return _clippings(record_batches(handle), source, ReadState(), zone, warn=False)

    return documents_of(_clippings(record_batches(handle), source, state, zone), keep_bookmarks,
                        reread if handle.seekable() else None)


def _clippings(batches: Iterable[list[Regular | RawRecord]], source: str, state: ReadState,
               zone: tzinfo | None, *, warn: bool = True) -> Iterator[list[Clipping]]:
    # Records in, clippings out, a batch at a time (one generator step per batch, not per record).
    index = by_shape = 0
    # Without a zone, the fast path finds the machine's once per day (as _localize would).
    fast_zone = MachineZoneDays() if zone is None else zone
    for records in batches:
        clippings: list[Clipping] = []
        for record in records:
            if type(record) is tuple:
                number, title_line, metadata_line, body = record
                fields = parse_fast(metadata_line, fast_zone)
                if fields is None:
                    record = _raw_record(number, title_line, metadata_line, body)
                else:  # the common case, inline: one call less per record
                    index += 1
                    book = _book(title_line)
                    if book is None:
                        state.report(source, number, "a record without a title")
                        continue
                    kind, _, page, start, end, when = fields
                    text = body.strip()
                    if "\ufeff" in text or text.endswith(_LIMIT_MARKERS):
                        text, limit_only = _body_text(text)
                    else:
                        limit_only = False
                    if when.tzinfo is None:  # a day the machine's clocks change
                        when = _localize(when, None)
                    clippings.append(Clipping(index, book, kind, LocationType.LOCATION, start, end, when,
                                              text, limit_only, page=None if page is None else int(page)))
                    continue
            if record.metadata is None:
                state.report(source, record.line_number, record.problem or "unreadable record")
                continue
            index += 1
            clipping = _clipping(record, index, zone)
            if clipping is None:
                state.report(source, record.line_number, "a record without a title")
                continue
            by_shape += clipping.by_shape
            clippings.append(clipping)
            if record.metadata.unread is not None:  # never on the fast path: its lines read whole
                state.report(source, record.line_number, record.metadata.unread, kept=True)
        yield clippings
    if by_shape and warn:
        log.warning("%s: %d record(s) in a Kindle wording excerpta does not know were read by their "
                    "shape (a location range is a highlight, a single location inside one is its note, "
                    "an empty record a bookmark); dates whose month is in no known language are left "
                    "empty", source, by_shape)


def _raw_record(number: int, title_line: str, metadata_line: str, body: str) -> RawRecord:
    record = RawRecord(number, title_line, None, body.split("\n"))
    try:
        record.metadata = parse_metadata(metadata_line)
    except MetadataError as err:
        record.problem = str(err)
    return record


@lru_cache(maxsize=4096)
def _book(title_line: str) -> Document | None:
    title, author = split_title_author(title_line)
    try:
        doc_id = document_id(title, author)
    except ValueError:  # a title of nothing but marks that normalise away
        return None
    return Document(id=doc_id, title=title, author=author, category=Category.BOOKS, source=SOURCE)


def _clipping(record: RawRecord, index: int, zone: tzinfo | None) -> Clipping | None:
    document = _book(record.title_line)
    metadata = record.metadata
    if document is None or metadata is None:
        return None
    page = None
    if metadata.location is not None:
        location_type, (start, end) = LocationType.LOCATION, metadata.location
        page = metadata.page[0] if metadata.page is not None else None
    elif metadata.page is not None:
        location_type, (start, end) = LocationType.PAGE, metadata.page
    else:
        location_type, start, end = None, None, None
    text, limit_only = _body_text(record.text)
    kind, by_shape = metadata.kind, metadata.locale == UNKNOWN_LOCALE
    if by_shape and not text and not limit_only:
        kind = _BOOKMARK
    return Clipping(index, document, kind, location_type, start, end,
                    _localize(metadata.when, zone), text, limit_only, by_shape=by_shape, page=page)


def _body_text(text: str) -> tuple[str, bool]:
    # The text without BOMs and clipping-limit marker, and whether the marker was all there was.
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    limit_only = False
    if text.endswith(_LIMIT_MARKERS):
        for marker in _LIMIT_MARKERS:
            if text.endswith(marker):
                text = text[: -len(marker)].rstrip()
                limit_only = not text
    return text, limit_only


def _localize(when: datetime | None, zone: tzinfo | None) -> datetime | None:
    # A naive wall time made aware (see excerpta.zones.wall_time); an aware one (a line that
    # names its zone) as it is.
    if when is None or when.tzinfo is not None:
        return when
    return wall_time(when, zone)


def _metadata_locale(line: str) -> str | None:
    """The locale of ``line`` if it is a metadata line (UNKNOWN_LOCALE: by its shape), else None."""
    stripped = line.strip("\ufeff \t")
    if stripped[:1] not in ("-", "–") or "|" not in stripped:
        return None
    try:
        return parse_metadata(stripped).locale
    except MetadataError:
        return None
