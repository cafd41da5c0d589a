"""Options the Readwise readers share (``readwise`` and ``readwise-json``)."""

from __future__ import annotations

from pydantic import Field

from excerpta.adapters import AdapterOptions


class ReadwiseOptions(AdapterOptions):
    """How Readwise records become canonical ones."""

    keep_discarded: bool = Field(
        default=False,
        description="Keep highlights discarded in Readwise review (default: treat them as deleted)",
        json_schema_extra={"cli": "keep-discarded"},
    )
