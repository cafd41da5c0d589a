"""The header line of a Readwise CSV: which column fills which field, and the delimiter.

Columns are found by their header name (case-insensitively, in any order), never by position
or by guessing from the first row. Readwise writes commas; a spreadsheet in a European locale
re-saves the file with semicolons, and a "Unicode text" save uses tabs. The header tells them
apart without guessing: the delimiter is the first of ``,``, ``;`` and tab that splits the
header line into a ``Highlight`` column.

A header naming one field twice (``Note`` headed ``Highlight``, or both ``Title`` and ``Book
Title``) is refused: reading either column would silently drop the other's cells, and no
Readwise export repeats a column.
"""

from __future__ import annotations

import csv

# Header name (case-folded) -> the field it fills.
COLUMNS = {
    "highlight": "text",
    "book title": "title",
    "title": "title",
    "book author": "author",
    "author": "author",
    "amazon book id": "asin",
    "url": "url",
    "note": "note",
    "color": "color",
    "tags": "tags",
    "location type": "location_type",
    "location": "location",
    "highlighted at": "highlighted_at",
    "date": "highlighted_at",
    "document tags": "document_tags",
}
DELIMITERS = (",", ";", "\t")  # Readwise's first


class HeaderError(ValueError):
    """A header that names one field in two columns; its message says which."""


def column_name(cell: str) -> str:
    """A header cell as :data:`COLUMNS` names it: stripped, BOM dropped, case-folded."""
    return cell.strip().lstrip("\ufeff").casefold()


def map_header(header: list[str]) -> dict[str, int]:
    """Field name -> column index for a header row (the first column of a field named twice:
    :func:`check_header` refuses such a header before it is read)."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        field = COLUMNS.get(column_name(name))
        if field is not None and field not in positions:
            positions[field] = index
    return positions


def check_header(header: list[str]) -> None:
    """Raise HeaderError if two columns of ``header`` fill the same field."""
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        field = COLUMNS.get(column_name(name))
        if field is None:
            continue
        if field in seen:
            first = header[seen[field]].strip().lstrip("\ufeff")
            columns = f"columns {seen[field] + 1} and {index + 1}"
            if column_name(first) == column_name(name):
                raise HeaderError(f"two {first!r} columns ({columns}): expected each column once "
                                  "(rename or remove one)")
            raise HeaderError(f"both {first!r} and {name.strip()!r} ({columns}), one field: expected "
                              "one of them (rename or remove one)")
        seen[field] = index


def header_delimiter(line: str) -> str:
    """The delimiter of a CSV file whose header line is ``line``: the first of
    :data:`DELIMITERS` that gives a ``Highlight`` column, else ``,``."""
    for delimiter in DELIMITERS:
        if delimiter in line and "text" in map_header(split_line(line, delimiter)):
            return delimiter
    return ","


def split_line(line: str, delimiter: str = ",") -> list[str]:
    """The cells of one CSV line (up to its first line break: a lone CR too)."""
    first_line = next(iter(line.splitlines()), "")
    return next(csv.reader([first_line], delimiter=delimiter), [])
