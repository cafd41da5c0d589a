"""The options both Moon+ Reader readers take (``moonreader`` and ``moonreader-export``): one
``--moonreader-bookmarks`` keeps bookmarks whichever way the highlights came."""

from __future__ import annotations

from pydantic import Field

from excerpta.adapters import AdapterOptions


class MoonReaderOptions(AdapterOptions):
    """Options of the ``moonreader`` and ``moonreader-export`` readers."""

    moonreader_bookmarks: bool = Field(
        default=False,
        description="Keep Moon+ Reader bookmarks as empty highlights, their name as the note "
                    "(dropped by default)",
        json_schema_extra={"cli": "moonreader-bookmarks"},
    )
