"""The canonical model: documents and their highlights, schema version 1.

The JSON field names of these models are a public contract (see ``docs/architecture.md``):
renaming or retyping a field is a new ``schema_version``. Every reader produces these models
and every writer consumes them; nothing else crosses an adapter boundary.

Conventions the models enforce:

* unknown is ``None``, never ``""`` (empty optional strings are turned into ``None``);
* datetimes are timezone-aware (a naive datetime is a validation error);
* ``id`` is a stable string, see :mod:`excerpta.identity`;
* unknown fields are rejected, so a typo in a hand-written file is reported, not ignored.

Text must be valid Unicode to be stored and written; the one way broken text gets in, a JSON
``"\\ud83d"`` escape, is repaired where JSON is read (:mod:`excerpta.json_load`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

SCHEMA_VERSION = 1


class Category(StrEnum):
    """What kind of thing a document is (Readwise's categories)."""

    BOOKS = "books"
    ARTICLES = "articles"
    TWEETS = "tweets"
    PODCASTS = "podcasts"
    SUPPLEMENTALS = "supplementals"
    OTHER = "other"


class LocationType(StrEnum):
    """What a highlight's ``location`` counts."""

    LOCATION = "location"  # Kindle location
    PAGE = "page"
    ORDER = "order"  # position among the document's highlights
    OFFSET = "offset"  # character offset
    TIME_OFFSET = "time_offset"  # seconds into audio or video


def _empty_to_none(value: Any) -> Any:
    if isinstance(value, str) and value == "":
        return None
    return value


def _position(value: Any) -> Any:
    # JSON's true is no position (pydantic would take it for 1).
    if isinstance(value, bool):
        raise ValueError("expected a whole number or a text, not true or false")
    return _empty_to_none(value)


OptionalText = Annotated[str | None, BeforeValidator(_empty_to_none)]
# A position is an integer where the source numbers positions; a string only where it does
# not (roman page numbers such as "xii").
Position = Annotated[int | str | None, BeforeValidator(_position)]
Timestamp = Annotated[AwareDatetime | None, BeforeValidator(_empty_to_none)]


class CanonicalModel(BaseModel):
    """Base of the public models: strict about unknown fields, validates on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Highlight(CanonicalModel):
    """One passage a reader marked, with what they wrote about it."""

    id: str = Field(min_length=1, description="Stable id; see excerpta.identity.")
    text: str = Field(description="The highlighted passage, verbatim (may be empty for a lone note).")
    note: OptionalText = None
    location: Position = None
    location_type: LocationType | None = None
    end_location: Position = None
    page: Position = Field(
        default=None,
        description="The printed page where the source gives one besides the location (a Kindle "
                    "highlight on page 12 at location 180); a page-only position is 'location' "
                    "with location_type 'page'.")
    chapter: OptionalText = Field(
        default=None,
        description="The chapter or section the highlight is in, as the source names it; a nested "
                    "path is joined with ' > ' (\"Part One > 3. The Rise\").")
    color: OptionalText = None
    highlighted_at: Timestamp = None
    updated_at: Timestamp = None
    url: OptionalText = None
    tags: list[str] = Field(default_factory=list)
    is_favorite: bool = False
    is_deleted: bool = False
    external_ids: dict[str, str] = Field(default_factory=dict)


class Document(CanonicalModel):
    """A book, article, tweet, podcast episode… and the highlights taken in it."""

    id: str = Field(min_length=1, description="Stable id; see excerpta.identity.")
    title: str
    readable_title: OptionalText = Field(
        default=None,
        description="The shorter name the source shows for this document (Readwise's "
                    "readable_title: \"Screenwriting\" for \"Screenwriting: The Sequence "
                    "Approach\"); None when the source gives none or it equals title. Ids and "
                    "matching use title.")
    author: OptionalText = None
    category: Category | None = None
    source: OptionalText = Field(default=None, description="Reading platform: kindle, reader, kobo…")
    url: OptionalText = None
    cover_image_url: OptionalText = None
    asin: OptionalText = None
    tags: list[str] = Field(default_factory=list)
    document_note: OptionalText = None
    summary: OptionalText = None
    external_ids: dict[str, str] = Field(default_factory=dict)
    highlights: list[Highlight] = Field(default_factory=list)


class PlaceholderDocument(Document):
    """A document known only by its id (the book of a Readwise ``/highlights/`` item): its other
    fields are placeholders, so merged into a library that has the document, only its highlights
    count. Not part of the format: it is written as any Document."""


class Library(CanonicalModel):
    """The top level of the ``json`` format: ``{"schema_version": 1, "documents": [...]}``."""

    schema_version: Literal[1] = SCHEMA_VERSION
    documents: list[Document] = Field(default_factory=list)


def library_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Library`, as shipped in ``excerpta/schema/``."""
    schema = Library.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://excerpta.invalid/schema/library-v{SCHEMA_VERSION}.json"
    return schema
