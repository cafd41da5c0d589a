"""What a Readwise CSV file does not say, so that the library keeps its value (see ``Reader``).

* No variant has a chapter, a range, a printed page, a document's source, cover, note or
  summary…: the reader's ``unknown_when_empty`` and ``document_unknown_when_empty``, from
  :data:`SAID_HIGHLIGHT` and :data:`SAID_DOCUMENT`.
* Readwise's own export (``readwise-data.csv``, told by a column only it has, such as
  ``Book Title`` or ``Amazon Book ID``) is Readwise's word for each column it has: an empty
  ``Note`` cell is a highlight without a note in Readwise, and empties the library's. A column
  it lacks says nothing (the 9-column export has no ``Highlighted at``: the library keeps its
  dates).
* The bulk-import CSV (``Highlight,Title,Author,URL,Note,Location,Date``) is a file people make
  themselves: an empty cell there is "not given", never "removed", whatever the column.

:func:`unsaid_fields` gives, for one file's header, what its rows leave to the library; the
reader tells it through ``ReadState.leave_out`` and ``ReadState.leave_out_document``.
"""

from __future__ import annotations

from typing import NamedTuple

# Field a header name maps to (see COLUMNS) -> the Highlight or Document fields it fills.
HIGHLIGHT_COLUMNS = {
    "note": ("note",),
    "color": ("color",),
    "tags": ("tags", "is_favorite"),  # a "favorite" tag is is_favorite
    "location_type": ("location_type",),
    "highlighted_at": ("highlighted_at",),
}
DOCUMENT_COLUMNS = {"url": ("url",), "asin": ("asin",), "document_tags": ("tags",)}
# The text and location make a highlight's id, the title, author and URL a document's.
SAID_HIGHLIGHT = ("text", "location", *(f for fields in HIGHLIGHT_COLUMNS.values() for f in fields))
SAID_DOCUMENT = ("title", "author", *(f for fields in DOCUMENT_COLUMNS.values() for f in fields))
# Header names (case-folded) only Readwise's own export uses, never its import format.
EXPORT_COLUMNS = frozenset({"book title", "book author", "amazon book id", "location type"})


class Unsaid(NamedTuple):
    """The fields the rows of one file leave to the library: of highlights, of documents."""

    highlight: frozenset[str]
    document: frozenset[str]


def is_readwise_export(header: list[str]) -> bool:
    """Whether ``header`` is that of Readwise's own export (a column only it has)."""
    return any(name.strip().lstrip("\ufeff").casefold() in EXPORT_COLUMNS for name in header)


def unsaid_fields(header: list[str], positions: dict[str, int]) -> Unsaid:
    """What the rows of a file with ``header`` (mapped to ``positions``, field -> column) do not
    say: in Readwise's own export, the fields of the columns it lacks; in a file made for the
    bulk import, every field its cells can hold (an empty one is "not given")."""
    export = is_readwise_export(header)

    def unsaid(columns: dict[str, tuple[str, ...]]) -> frozenset[str]:
        return frozenset(field for column, fields in columns.items()
                         if not export or column not in positions for field in fields)

    return Unsaid(unsaid(HIGHLIGHT_COLUMNS), unsaid(DOCUMENT_COLUMNS))
