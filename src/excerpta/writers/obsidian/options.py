"""The ``obsidian`` writer's options (``-O name=value``, and the flags their ``cli`` names)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

from excerpta.adapters import AdapterOptions
from excerpta.writers.obsidian.naming import LONGEST_MAX_NAME_BYTES, MAX_NAME_BYTES
from excerpta.zones import ZoneName, machine_zone, zone_named


class ObsidianOptions(AdapterOptions):
    """Options of the ``obsidian`` writer."""

    templates: Path | None = Field(
        default=None, json_schema_extra={"cli": "templates"},
        description="folder of templates overriding the defaults (filename.jinja, frontmatter.yaml, "
                    "header.md.jinja, highlights_header.md.jinja, chapter.md.jinja, highlight.md.jinja; "
                    "with --atomic also highlight_filename.jinja, highlight_frontmatter.yaml, "
                    "highlight_header.md.jinja, embed.md.jinja)")
    sync_policy: Literal["merge", "append-only", "overwrite"] = Field(
        default="merge", json_schema_extra={"cli": "sync-policy"},
        description="re-sync policy for notes: merge, append-only or overwrite")
    deleted_highlights: Literal["remove", "strike"] = Field(
        default="remove", json_schema_extra={"cli": "deleted-highlights"},
        description="highlights deleted upstream: remove them from notes, or strike them through")
    flat: bool = Field(default=False, json_schema_extra={"cli": "flat"},
                       description="put every note in the output folder, no category folders")
    recreate_deleted: bool = Field(default=False, json_schema_extra={"cli": "recreate-deleted"},
                                   description="re-create notes the user deleted")
    atomic: bool = Field(default=False, json_schema_extra={"cli": "atomic"},
                         description="also give every highlight a note of its own, in a folder named "
                                     "after its document's note, which embeds it")
    adopt: bool = Field(default=True, description="adopt notes written by the Readwise plugin")
    max_name_bytes: int = Field(default=MAX_NAME_BYTES, ge=16, le=LONGEST_MAX_NAME_BYTES,
                                description="longest note file name, in UTF-8 bytes, before a clash's "
                                            "hash and .md")
    timezone: ZoneName | None = Field(
        default=None, json_schema_extra={"cli": "timezone"},
        description="IANA time zone the dates of notes are shown in (default: this machine's zone)")

    @field_validator("templates")
    @classmethod
    def _home_expanded(cls, folder: Path | None) -> Path | None:
        # A configuration file's "~/templates": a shell expands one given on the command line.
        if folder is None:
            return None
        try:
            return folder.expanduser()
        except RuntimeError:
            raise ValueError(f"{folder}: no such user's home folder") from None

    def display_zone(self) -> ZoneInfo | None:
        """The zone dates are shown in: the ``timezone`` option's, else this machine's (None
        when its IANA name is unknown: then ``astimezone()`` asks the C library for each date).
        The same ``--timezone`` is the Kindle reader's device zone: one flag for both."""
        return zone_named(self.timezone) if self.timezone else machine_zone()
