"""The canonical model: documents and their highlights, schema version 1.

The JSON field names of these models are a public contract (see ``docs/architecture.md``):
renaming or retyping a field is a new ``schema_version``. Every reader produces these models
and every writer consumes them; nothing else crosses an adapter boundary.

Conventions the models enforce:

* unknown is ``None``, never ``""`` (empty optional strings are turned into ``None``);
* datetimes are timezone-aware (a naive datetime is a validation error);
* ``id`` is a stable string, see :mod:`excerpta.identity`;
* unknown fields are rejected, so a typo in a hand-written file is reported, not ignored;
* text is valid Unicode: a lone UTF-16 surrogate (text cut in the middle of an emoji, a JSON
  ``"\\ud83d"`` escape) becomes U+FFFD, the rest of the text kept, so every model can be
  written as UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from operator import itemgetter
from typing import Annotated, Any, Literal, Self, get_args, get_origin

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

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


OptionalText = Annotated[str | None, BeforeValidator(_empty_to_none)]
# A position is an integer where the source numbers positions; a string only where it does
# not (roman page numbers such as "xii").
Position = Annotated[int | str | None, BeforeValidator(_empty_to_none)]
Timestamp = Annotated[AwareDatetime | None, BeforeValidator(_empty_to_none)]


def _valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (a split pair joined again)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


_is_str = str.__instancecheck__  # a C-level isinstance(value, str)
TextFields = tuple[Callable[[dict[str, Any]], tuple[Any, ...]], Callable[[dict[str, Any]], tuple[Any, ...]],
                   tuple[str, ...], tuple[str, ...]]


class CanonicalModel(BaseModel):
    """Base of the public models: strict about unknown fields, validates on assignment, text is
    valid Unicode (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @model_validator(mode="after")
    def _replace_lone_surrogates(self) -> Self:
        # All text joined and checked at C speed (about 0.5 µs a highlight): text that is ASCII,
        # or encodable, costs no per-field work; only a model with broken text is rebuilt.
        fields = self.__dict__
        texts, positions, lists, dicts = _TEXT_FIELDS[self.__class__]
        parts = [*filter(None, texts(fields)), *filter(_is_str, positions(fields))]
        for name in lists:
            parts += fields[name]
        for name in dicts:
            parts += fields[name]
            parts += fields[name].values()
        joined = "".join(parts)
        if joined.isascii() or _valid_unicode(joined) is joined:
            return self
        for name, value in fields.items():
            if isinstance(value, str):
                fields[name] = _valid_unicode(value)
        for name in lists:
            fields[name] = [_valid_unicode(item) for item in fields[name]]
        for name in dicts:
            fields[name] = {_valid_unicode(k): _valid_unicode(v) for k, v in fields[name].items()}
        return self


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
    # Not part of the format: the reader knew only the id (a highlight's book id), so its other
    # fields are placeholders the library must not take over a copy it already has.
    _fields_unknown: bool = PrivateAttr(default=False)

    def with_unknown_fields(self) -> Document:
        """This document, marked as one whose fields (all but ``id`` and ``highlights``) are
        placeholders: merged into a library that has it, only its highlights count."""
        self._fields_unknown = True
        return self

    @property
    def fields_unknown(self) -> bool:
        """See :meth:`with_unknown_fields`."""
        return self._fields_unknown


class Library(CanonicalModel):
    """The top level of the ``json`` format: ``{"schema_version": 1, "documents": [...]}``."""

    schema_version: Literal[1] = SCHEMA_VERSION
    documents: list[Document] = Field(default_factory=list)


def _getter(names: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if len(names) > 1:
        return itemgetter(*names)
    return lambda fields: tuple(fields[name] for name in names)  # itemgetter(one) is no tuple


def _text_fields(model: type[CanonicalModel]) -> TextFields:
    """How to join every text of a ``model`` instance, found from its field annotations."""
    texts: list[str] = []  # str, str | None
    positions: list[str] = []  # int | str | None
    lists: list[str] = []  # list[str]
    dicts: list[str] = []  # dict[str, str]
    for name, info in model.model_fields.items():
        annotation, args = info.annotation, get_args(info.annotation)
        if get_origin(annotation) is list and args == (str,):
            lists.append(name)
        elif get_origin(annotation) is dict and args == (str, str):
            dicts.append(name)
        elif int in args and str in args:
            positions.append(name)
        elif annotation is str or str in args:
            texts.append(name)
    return _getter(texts), _getter(positions), tuple(lists), tuple(dicts)


_TEXT_FIELDS = {model: _text_fields(model) for model in (Highlight, Document, Library)}


def library_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Library`, as shipped in ``excerpta/schema/``."""
    schema = Library.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://excerpta.invalid/schema/library-v{SCHEMA_VERSION}.json"
    return schema
