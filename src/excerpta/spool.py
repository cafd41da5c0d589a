"""Documents drained from a reader into a temporary file, to merge later.

A run merges its inputs inside one transaction on the state database (see
:func:`excerpta.pipeline.convert`), which other runs sharing that state wait for. A reader that
reads over a network (``Reader.remote``: the Readwise API, paced by its rate limits and
``Retry-After``) could hold that transaction for minutes, so its documents are read first,
into a file, and merged from there: the transaction then lasts as long as a local file's.
Memory stays bounded: one document at a time is held, on either side of the file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from excerpta.model import Document, PlaceholderDocument

_KINDS: dict[bytes, type[Document]] = {b"D": Document, b"P": PlaceholderDocument}


@contextmanager
def spooled(documents: Iterable[Document]) -> Iterator[Iterator[Document]]:
    """Read ``documents`` to the end now, into a temporary file removed on exit; yields them
    again, in order and of the same class, read back from it."""
    with tempfile.TemporaryFile(prefix="excerpta-spool-") as handle:
        for document in documents:
            kind = b"P" if isinstance(document, PlaceholderDocument) else b"D"
            handle.write(kind + document.model_dump_json().encode("utf-8") + b"\n")
        handle.seek(0)
        yield (_KINDS[line[:1]].model_validate_json(line[1:]) for line in handle)
