"""What both PocketBook readers share (``pocketbook``, the device database, and
``pocketbook-html``, the notes export): one ``--pocketbook-bookmarks`` keeps bookmarks
whichever way the notes came, and the fields both formats say."""

from __future__ import annotations

from pydantic import Field

from excerpta.adapters import AdapterOptions, fields_but
from excerpta.model import Document, Highlight

# Both say a highlight's passage, its note and its page. A colour, an end page or a date only
# one of them holds, or only some records: an empty one says nothing (the library keeps it).
UNKNOWN_WHEN_EMPTY = fields_but(Highlight, "text", "note", "location", "location_type")
DOCUMENT_UNKNOWN_WHEN_EMPTY = fields_but(Document, "title", "author", "category", "source")


class PocketBookOptions(AdapterOptions):
    """Options of the ``pocketbook`` and ``pocketbook-html`` readers."""

    pocketbook_bookmarks: bool = Field(
        default=False,
        description="Keep PocketBook bookmarks as empty highlights at their page (dropped by default)",
        json_schema_extra={"cli": "pocketbook-bookmarks"},
    )
