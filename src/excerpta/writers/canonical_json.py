"""Writers of excerpta's own formats, ``json`` and ``jsonl`` (see the readers' module).

Both are lossless: every field, tombstones included, so ``read(write(x)) == x``. Output is
deterministic (model field order, two-space indent for ``json``, UTF-8 unescaped but for the
Unicode line ends, NEL and the line and paragraph separators, in ``jsonl``: one record a line
whatever splits them), so the same library always gives the same bytes, streamed document by
document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from excerpta.adapters import Writer
from excerpta.model import SCHEMA_VERSION, Document
from excerpta.output import OutputSink


def render_json(documents: Iterable[Document]) -> Iterator[bytes]:
    """The ``json`` format, chunk by chunk; equal to ``json.dumps(library, indent=2) + "\\n"``."""
    yield f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "documents": ['.encode()
    separator = "\n"
    for document in documents:
        # pydantic's serializer (Rust) writes what json.dumps(indent=2) would, much faster
        body = document.model_dump_json(indent=2).replace("\n", "\n    ")
        yield f"{separator}    {body}".encode()
        separator = ",\n"
    yield ("]\n}\n" if separator == "\n" else "\n  ]\n}\n").encode()


def render_jsonl(documents: Iterable[Document]) -> Iterator[bytes]:
    """The ``jsonl`` format: one line per highlight, or one ``{"document": …}`` line for a
    document without highlights."""
    for document in documents:
        fields = document.model_dump_json(exclude={"highlights"})
        if not document.highlights:
            yield f'{{"document":{fields}}}\n'.encode()
            continue
        # splice the document in before each highlight object's closing brace
        lines = [f'{highlight.model_dump_json()[:-1]},"document":{fields}}}'
                 for highlight in document.highlights]
        text = "\n".join(lines) + "\n"
        if not text.isascii():
            # NEL and the line and paragraph separators are valid JSON unescaped, but end a
            # line for Python's splitlines() and other Unicode-aware splitters: a record would
            # be cut in two. Escaped, they are the same strings.
            text = text.translate(_LINE_ENDS_ESCAPED)
        yield text.encode()


_LINE_ENDS_ESCAPED = {ord(char): f"\\u{ord(char):04x}" for char in "\x85\u2028\u2029"}


class JsonWriter(Writer[OutputSink]):
    """Writes the whole library as one ``json`` file."""

    name = "json"
    suffixes = (".json",)
    description = "excerpta's canonical JSON: one document {schema_version, documents[...]}"

    def write(self, documents: Iterable[Document], sink: OutputSink) -> None:
        sink.write(sink.file_name, render_json(documents))


class JsonLinesWriter(Writer[OutputSink]):
    """Writes the whole library as one ``jsonl`` file."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")
    description = "excerpta's JSON Lines: one highlight per line, its document under 'document'"

    def write(self, documents: Iterable[Document], sink: OutputSink) -> None:
        sink.write(sink.file_name, render_jsonl(documents))
