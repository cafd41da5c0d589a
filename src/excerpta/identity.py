"""Stable identity: the ids every reader gives documents and highlights, and content hashes.

Ids are what Anki note GUIDs, Obsidian block ids and state rows hang on, so they must not
depend on file names, row numbers or the order records arrive in. The rules:

* a source that has its own id (Readwise, Reader, Kobo…) gives ``<namespace>-<its id>``
  (:func:`source_id`);
* a source without ids (Kindle clippings, CSV) gives a hash of the normalised document identity
  (:func:`document_id`) and, for a highlight, of that document id, its position and its
  normalised text (:func:`highlight_id`).

Normalisation (:func:`normalize_text`) is Unicode NFKC, case-folded, with runs of whitespace
collapsed, so re-saving a file with other line endings or a BOM keeps every id.
``content_hash`` is the change detector: it covers every public field of a model.
:func:`same_passage` and :func:`ranges_overlap` tell a re-saved (extended, shortened) copy of a
highlight: the Kindle reader within a file, the library across files.
"""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel

_SEPARATOR = "\x1f"  # cannot occur in normalised text, so parts never run into each other
_ASCII_WHITESPACE = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what str.isspace() finds in ASCII, but " "
ID_DIGEST_BYTES = 10  # 80 bits: no collision in any library a person can read
# The ``external_ids`` key of the library's id that a copy came back with from a place excerpta
# sent it to (a highlight sent to Readwise, read back from its highlight_url): the merge takes
# it for that highlight, whatever else changed there (:mod:`excerpta.store.sent_copies`).
SENT_ID_KEY = "excerpta"


def normalize_text(value: str | None) -> str:
    """Fold ``value`` for identity: NFKC, case-folded, whitespace collapsed and stripped."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value.replace("\ufeff", "")).casefold()
    # Text with no whitespace but single spaces between words is already collapsed; telling that
    # cheaply pays on a passage (not on a word). Every whitespace character but " " is unprintable,
    # and in ASCII one of _ASCII_WHITESPACE: tests check both over all of Unicode.
    if len(folded) > 32 and "  " not in folded and folded[0] != " " and folded[-1] != " ":
        if folded.isascii():
            if len(folded.encode().translate(None, _ASCII_WHITESPACE)) == len(folded):
                return folded
        elif folded.isprintable():
            return folded
    # Same result as re.sub(r"\s+", " ", folded).strip() (both use str.isspace), 4x faster: this
    # runs once per highlight of every reader.
    return " ".join(folded.split())


def normalize_url(url: str | None) -> str:
    """Fold a URL for identity: lower-case scheme and host, no fragment, no trailing slash; a
    value with no valid host (``https://a) [x](…)``, a bracket that is no IPv6 address) as it is,
    stripped."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # what urlsplit refuses is no URL to fold, and names one thing still
        return url.strip()
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


# Copying a fresh hash object is a third cheaper than making one (its parameters parsed again),
# and the ids are hashed once per highlight of every reader.
_FRESH_DIGEST = hashlib.blake2b(digest_size=ID_DIGEST_BYTES)


def _digest(*parts: str) -> str:
    digest = _FRESH_DIGEST.copy()
    digest.update(_SEPARATOR.join(parts).encode("utf-8"))
    return digest.hexdigest()


def source_id(namespace: str, value: str | int) -> str:
    """Id derived from a source's own id, e.g. ``source_id("readwise", 123) == "readwise-123"``."""
    text = str(value).strip()
    if not namespace or not text:
        raise ValueError("source_id needs a namespace and a non-empty id")
    return f"{namespace}-{text}"


def document_id(title: str | None, author: str | None = None, url: str | None = None) -> str:
    """Id of a document that has no source id: from its URL if it has one, else title + author.

    >>> document_id("Walden", "Henry David Thoreau") == document_id(" walden ", "HENRY  David Thoreau")
    True
    """
    if url:
        return "d" + _digest("url", normalize_url(url))
    if not normalize_text(title):
        raise ValueError("a document without a URL needs a title to have an identity")
    return "d" + _digest("title", normalize_text(title), normalize_text(author))


def highlight_id(doc_id: str, text: str | None, location: int | str | None = None) -> str:
    """Id of a highlight that has no source id: its document, position and normalised text.

    Two records with the same document, position and text are the same highlight (so exact
    duplicates collapse); appending records to a file never changes earlier ids.
    """
    if location is None:
        position = ""
    elif type(location) is int:
        position = str(location)  # ASCII digits and "-": normalize_text would return it unchanged
    else:
        position = normalize_text(str(location))
    return "h" + _digest(doc_id, position, normalize_text(text))


def same_passage(first: str, second: str) -> bool:
    """Whether one text, normalised, contains the other: a copy of one highlight re-saved with
    its selection extended or shortened (two empty texts are one passage). Trailing
    punctuation is left out of the contained one: an extended selection may lose the closing
    punctuation of the first (``"He said."`` -> ``"He said that."``). A text of punctuation
    alone is only the same passage as the same text."""
    first, second = normalize_text(first), normalize_text(second)
    if first == second:
        return True
    # A text of punctuation alone ("…") is contained in nearly any: no passage of another.
    return any(_has_word(inner) and inner.rstrip(_TRAILING) in outer
               for inner, outer in ((first, second), (second, first)))


def same_words(first: str, second: str) -> bool:
    """Whether the two texts, normalised, differ at most in their trailing punctuation
    (``"Fear is the mind-killer"`` and ``"Fear is the mind-killer."``): one selection, not
    one extended or shortened (:func:`same_passage`)."""
    first, second = normalize_text(first), normalize_text(second)
    return first == second or (_has_word(first) and first.rstrip(_TRAILING) == second.rstrip(_TRAILING))


def _has_word(text: str) -> bool:
    return any(character.isalnum() for character in text)


_TRAILING = " .,;:!?…\"'”’»)"


def ranges_overlap(start: int | str | None, end: int | str | None,
                   other_start: int | str | None, other_end: int | str | None) -> bool:
    """Whether the ranges ``start..end`` and ``other_start..other_end`` share a position (an
    end that is None or no number: the range is its start); positions that are no numbers
    (roman pages) only by being equal."""
    if type(start) is int and type(other_start) is int:
        last = end if type(end) is int else start
        other_last = other_end if type(other_end) is int else other_start
        return start <= other_last and other_start <= last
    return start == other_start


def content_hash(model: BaseModel, *, exclude: set[str] | None = None) -> str:
    """SHA-256 (hex) of the model's JSON (fields in declared order, mappings in the order the
    reader built them): changes whenever a public field changes. pydantic's serializer makes
    this cheap enough to run on every highlight of every merge and render."""
    return hashlib.sha256(model.model_dump_json(exclude=exclude).encode()).hexdigest()
