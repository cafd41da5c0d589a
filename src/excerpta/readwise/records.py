"""What a Readwise record is: a book or a highlight, and the ids it carries.

:mod:`excerpta.readwise.mapping` maps the records these recognise; a record that cannot be
mapped is a :class:`RecordError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from excerpta.identity import source_id

NAMESPACE = "readwise"


class RecordError(ValueError):
    """A Readwise record that cannot become a canonical object; ``str()`` is the reason."""


def is_book(record: Any) -> bool:
    """True for an export ``results[]`` item or a ``/books/`` item."""
    return isinstance(record, Mapping) and (
        "user_book_id" in record or ("id" in record and "num_highlights" in record)
    )


def is_highlight(record: Any) -> bool:
    """True for an export highlight or a ``/highlights/`` list item (it names its book)."""
    return isinstance(record, Mapping) and "book_id" in record and "text" in record


def readwise_id(value: Any) -> int | str | None:
    """A Readwise id (an integer or a non-empty string), or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return value if isinstance(value, str) and value.strip() else None


def book_id_of(book: Mapping[str, Any]) -> int | str:
    """The ``user_book_id`` of an export item or the ``id`` of a ``/books/`` item.

    Raises RecordError when it is missing or not an integer or a non-empty string.
    """
    value = readwise_id(book.get("user_book_id", book.get("id")))
    if value is None:
        raise RecordError("book without user_book_id")
    return value


def highlight_book_id(raw: Mapping[str, Any]) -> str:
    """The canonical id of the document a ``/highlights/`` item names as ``book_id``.

    Raises RecordError when ``book_id`` is not an integer or a non-empty string.
    """
    value = readwise_id(raw.get("book_id"))
    if value is None:
        raise RecordError("book_id: expected a Readwise book id")
    return source_id(NAMESPACE, value)
