"""What both Moon+ Reader readers share (``moonreader`` and ``moonreader-export``): one
``--moonreader-bookmarks`` keeps bookmarks whichever way the highlights came, and the fields
a notes row says."""

from __future__ import annotations

from pydantic import Field

from excerpta.adapters import AdapterOptions, fields_but
from excerpta.model import Document, Highlight

# No chapter titles, pages, ranges, URLs or tags; a colour only where the row has one.
UNKNOWN_WHEN_EMPTY = fields_but(Highlight, "text", "note", "location", "location_type",
                                "highlighted_at", "is_deleted")
# An author only where the books table lists the book (an export has none).
DOCUMENT_UNKNOWN_WHEN_EMPTY = fields_but(Document, "title", "category", "source", "external_ids")


class MoonReaderOptions(AdapterOptions):
    """Options of the ``moonreader`` and ``moonreader-export`` readers."""

    moonreader_bookmarks: bool = Field(
        default=False,
        description="Keep Moon+ Reader bookmarks as empty highlights, their name as the note "
                    "(dropped by default)",
        json_schema_extra={"cli": "moonreader-bookmarks"},
    )
