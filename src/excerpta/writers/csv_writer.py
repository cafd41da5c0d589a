"""Writer ``csv``: one row per highlight, in one of three fixed column profiles.

Profiles (``--csv-profile``):

``spreadsheet`` (the default)
    The ``full`` columns, written for people who double-click the file: deleted highlights
    left out (as is a document whose highlights were all deleted), a UTF-8 byte order
    mark (so Excel does not read it as the ANSI code page) and every cell that a spreadsheet
    would evaluate as a formula (first character ``=``, ``+``, ``-``, ``@``, tab or carriage
    return) prefixed with ``'``, as OWASP recommends against CSV injection (CWE-1236). This
    mutates such cells (``- a list item`` becomes ``'- a list item``), which is why programs
    that parse the file should ask for ``full`` instead. No cell holds a control character but
    tab, line feed and carriage return (:func:`spreadsheet_cell`): spreadsheets refuse or
    mangle a NUL, and none shows the others.
``full``
    Every canonical field, in the fixed order of :data:`FULL_COLUMNS`: the document's fields
    (prefixed ``document_``) repeated on each of its highlights, then the highlight's. Lists and
    mappings are an empty cell when empty, else JSON (``["a","b"]``), so a tag containing a
    comma or semicolon stays one tag. Datetimes are ISO 8601 with their offset, booleans
    ``true``/``false``, unknown values empty. Deleted highlights are kept (``is_deleted``
    ``true``); a document without highlights is one row with empty highlight cells.
``readwise``
    Exactly ``Highlight,Title,Author,URL,Note,Location,Date``, the columns Readwise's CSV
    import reads (``URL`` is the document's, ``Date`` the ``highlighted_at`` as that import
    reads a date: ``YYYY-MM-DD HH:MM:SS`` in UTC, whole seconds). No BOM
    and no formula escaping: the file goes to a parser, and Readwise would import a literal
    ``'``. Deleted highlights and highlights without text (Readwise requires ``Highlight``)
    are left out.

``full`` and ``readwise`` write every character as it is (control characters included).
All profiles use RFC 4180 quoting (``QUOTE_MINIMAL``, quotes doubled, CRLF line ends), so
embedded newlines, quotes and commas survive; the output is UTF-8 and deterministic.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import Field

from excerpta.adapters import AdapterOptions, Writer
from excerpta.controls import without_controls
from excerpta.model import Document, Highlight
from excerpta.output import OutputSink

log = logging.getLogger(__name__)

Profile = Literal["spreadsheet", "full", "readwise"]
DEFAULT_PROFILE: Profile = "spreadsheet"
READWISE_COLUMNS = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date")
DOCUMENT_FIELDS = ("id", "title", "readable_title", "author", "category", "source", "url", "cover_image_url",
                   "asin", "tags", "document_note", "summary", "external_ids")
HIGHLIGHT_FIELDS = ("id", "text", "note", "location", "location_type", "end_location", "page", "chapter",
                    "color", "highlighted_at", "updated_at", "url", "tags", "is_favorite", "is_deleted",
                    "external_ids")
FULL_COLUMNS = (
    *(name if name.startswith("document_") else f"document_{name}" for name in DOCUMENT_FIELDS),
    *(f"highlight_{name}" for name in HIGHLIGHT_FIELDS),
)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"
CELL_LIMIT = 32_767  # characters (UTF-16 units) an Excel cell holds
CUT_MARK = "…"

Row = list[str]


class CsvOptions(AdapterOptions):
    """Options of the ``csv`` writer."""

    profile: Profile = Field(
        default=DEFAULT_PROFILE,
        description="Column profile: spreadsheet (default: full columns, BOM, formula-safe), "
                    "full or readwise (both for programs: values as they are, so a cell such as "
                    "=SUM(A1) is a formula if a spreadsheet opens the file)",
        json_schema_extra={"cli": "csv-profile"},
    )


def format_cell(value: object) -> str:
    """One canonical value as cell text; see the module docstring for the rules."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
    return str(value)


def neutralize_formula(cell: str) -> str:
    """``cell`` prefixed with ``'`` if a spreadsheet would evaluate it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def spreadsheet_cell(cell: str) -> str:
    """``cell`` as the ``spreadsheet`` profile writes it: the separators U+001C-001F as a space,
    the other control characters but tab, line feed and carriage return (NUL, ESC, DEL, C1)
    dropped, then a formula neutralized (:func:`neutralize_formula`): ``"\\0=1"`` is ``'=1``.
    :func:`fit_cell` then cuts it to what a spreadsheet cell holds."""
    return neutralize_formula(without_controls(cell))


def fit_cell(cell: str) -> str:
    """``cell`` cut to :data:`CELL_LIMIT` UTF-16 units (what Excel counts), ending in ``…``
    when cut (Excel cuts a longer cell on opening, or spills it into the next rows); ``cell``
    itself when it fits."""
    if len(cell) <= CELL_LIMIT // 2 or len(cell.encode("utf-16-le")) // 2 <= CELL_LIMIT:
        return cell
    kept = cell.encode("utf-16-le")[: (CELL_LIMIT - 1) * 2].decode("utf-16-le", errors="ignore")
    return kept + CUT_MARK


def full_rows(document: Document) -> Iterator[Row]:
    """The ``full`` rows of ``document``: one per highlight, or one if it has none."""
    document_cells = [format_cell(getattr(document, name)) for name in DOCUMENT_FIELDS]
    if not document.highlights:
        yield document_cells + [""] * len(HIGHLIGHT_FIELDS)
    for highlight in document.highlights:
        yield document_cells + [format_cell(getattr(highlight, name)) for name in HIGHLIGHT_FIELDS]


def spreadsheet_rows(document: Document) -> Iterator[Row]:
    """The ``full`` rows of ``document`` for people: deleted highlights left out, and with them
    a document of only deleted ones (a book deleted upstream); one without any is one row."""
    live = [highlight for highlight in document.highlights if not highlight.is_deleted]
    if live or not document.highlights:
        yield from full_rows(document.model_copy(update={"highlights": live}))


def _exported_to_readwise(document: Document, highlight: Highlight) -> bool:
    if highlight.is_deleted:
        log.info("csv readwise: not exported (deleted): %s: %s", document.title, highlight.id)
        return False
    if not highlight.text.strip():
        log.info("csv readwise: not exported (no highlight text): %s: %s", document.title, highlight.id)
        return False
    return True


def readwise_rows(document: Document) -> Iterator[Row]:
    """The ``readwise`` rows of ``document``: one per live highlight that has text."""
    for highlight in document.highlights:
        if _exported_to_readwise(document, highlight):
            yield [format_cell(value) for value in (
                highlight.text, document.title, document.author, document.url, highlight.note,
                highlight.location, _readwise_date(highlight.highlighted_at),
            )]


def _readwise_date(moment: datetime | None) -> str | None:
    # Readwise's CSV import takes "YYYY-MM-DD HH:MM:SS" as UTC; an offset is not in that form.
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ProfileSpec:
    """How a profile renders: its header, rows per document, and spreadsheet protections."""

    header: tuple[str, ...]
    rows: Callable[[Document], Iterable[Row]]
    for_spreadsheets: bool


PROFILES: dict[str, ProfileSpec] = {
    "spreadsheet": ProfileSpec(FULL_COLUMNS, spreadsheet_rows, for_spreadsheets=True),
    "full": ProfileSpec(FULL_COLUMNS, full_rows, for_spreadsheets=False),
    "readwise": ProfileSpec(READWISE_COLUMNS, readwise_rows, for_spreadsheets=False),
}


def render_csv(documents: Iterable[Document], profile: Profile = DEFAULT_PROFILE) -> Iterator[bytes]:
    """The CSV of ``documents`` in ``profile``, as UTF-8 chunks (one per document)."""
    spec = PROFILES[profile]
    buffer = io.StringIO()
    table = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    if spec.for_spreadsheets:
        buffer.write(UTF8_BOM)
    table.writerow(spec.header)
    yield flush()
    cut = 0
    for document in documents:
        for row in spec.rows(document):
            if spec.for_spreadsheets:
                cells = [spreadsheet_cell(c) for c in row]
                row = [fit_cell(c) for c in cells]
                cut += sum(fitted is not cell for fitted, cell in zip(row, cells, strict=True))
            table.writerow(row)
        yield flush()
    if cut:
        log.warning("csv: %d cell(s) longer than a spreadsheet cell holds (%d characters) cut, "
                    "ending in …; the full profile keeps them whole", cut, CELL_LIMIT)


class CsvWriter(Writer[OutputSink]):
    """Writes the whole library as one CSV file in the chosen profile."""

    name = "csv"
    suffixes = (".csv",)
    description = "CSV, one row per highlight; profiles spreadsheet (default), full, readwise"
    options_model = CsvOptions
    options: CsvOptions

    def write(self, documents: Iterable[Document], sink: OutputSink) -> None:
        sink.write(sink.file_name, render_csv(documents, self.options.profile))
