"""Readers of excerpta's own formats: ``json`` (one nested document) and ``jsonl``.

``json`` is ``{"schema_version": 1, "documents": [...]}`` as :mod:`excerpta.model` defines it.
``jsonl`` has one highlight per line, its fields at the top level and its document's fields
(without ``highlights``) under ``"document"``; a document without highlights is a line with
only ``"document"``. A highlight that fails validation is reported and skipped, its document
and the other highlights kept; a document whose own fields fail (``json``), or a line that
is not a highlight and its document (``jsonl``), is reported and skipped; a file that is not
JSON at all, or declares another ``schema_version``, is an InputError. A highlight id is one
highlight: one already read from the file (in another document, or the same one) is reported
and skipped, as the library would otherwise keep only the last of them. In ``jsonl``, the
document fields of a line that disagree with those its document was first read with are
reported (the first line's kept). Both are UTF-8: in ``jsonl`` a line holding bytes that are not
is reported and skipped, and a UTF-16 or UTF-32 file (a PowerShell redirect) is an InputError
naming its encoding; in ``json``, one document, such a byte is an InputError naming its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from excerpta import json_load
from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.errors import InputError
from excerpta.input_files import input_file
from excerpta.model import SCHEMA_VERSION, Document, Highlight
from excerpta.validation import describe
from excerpta.wide_text import NUL_SAMPLE_BYTES, wide_encoding

_UNDECODABLE = re.compile("[\udc80-\udcff]")  # a byte surrogateescape kept
_OUR_JSON_START = re.compile(r'\{\s*"schema_version"\s*:\s*\d+\s*,\s*"documents"\s*:')
_OUR_KEY = re.compile(r'"(?:schema_version|documents)"\s*:')


class JsonReader(Reader):
    """Reads the nested ``json`` format."""

    name = "json"
    self_contained = True
    description = "excerpta's canonical JSON: one document {schema_version, documents[...]}"
    library_ids = True

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        head = probe.text_head.lstrip()
        if probe.is_dir or not head.startswith("{"):
            return 0
        if _OUR_JSON_START.match(head):  # how our writer starts every file
            return 100
        if '"schema_version"' in head and '"documents"' in head:
            return 80
        # One of our keys: a library edited by hand (told what is wrong with it). Any other
        # object (another app's JSON) is not ours: it gets "unrecognised", not our errors.
        return 50 if _OUR_KEY.search(head) else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        data = json_load.load_file(input_file(source), source)
        if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
            raise InputError(f'{source}: expected an object with "schema_version" and "documents"')
        if "schema_version" not in data:
            raise InputError(f'{source}: no "schema_version" (expected "schema_version": {SCHEMA_VERSION})')
        version = data["schema_version"]
        if type(version) is not int or version != SCHEMA_VERSION:  # true == 1 in Python, not here
            raise InputError(
                f"{source}: schema_version {json.dumps(version)} is not supported "
                f"(expected {SCHEMA_VERSION})"
            )
        unknown = sorted(set(data) - {"schema_version", "documents"})
        if unknown:
            raise InputError(f"{source}: unknown top-level field {unknown[0]!r}")
        seen: dict[str, str] = {}  # highlight id -> its document's id
        places: dict[str, int] = {}  # document id -> its index in "documents"
        for index, raw in enumerate(data["documents"]):
            document = _validate_document(source, index, raw, state)
            if document is None:
                continue
            if (first := places.setdefault(document.id, index)) != index:
                # Merged, the second would take the first's title and fields: one book gone.
                state.report(source, f"documents[{index}].id", f"{document.id!r} is documents[{first}]'s "
                             "id too (the first kept)")
                continue
            kept = []
            for number, highlight in enumerate(document.highlights):
                clash = _clash(seen, document.id, highlight.id)
                if clash is None:
                    kept.append(highlight)
                else:
                    state.report(source, f"documents[{index}].highlights[{number}].id", clash)
            if len(kept) != len(document.highlights):
                document.highlights = kept
            yield document


class JsonLinesReader(Reader):
    """Reads the ``jsonl`` format, streaming line by line."""

    name = "jsonl"
    self_contained = True
    description = "excerpta's JSON Lines: one highlight per line, its document under 'document'"
    library_ids = True

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        first_line = probe.text_head.lstrip().split("\n", 1)[0]
        if not probe.is_dir and not first_line and probe.suffix in (".jsonl", ".ndjson"):
            # Empty (or blank) yet named as ours alone: an empty input is no error. An empty
            # .json is not (not JSON at all, and json or readwise-json's alike).
            return 10
        if probe.is_dir or not first_line.startswith("{"):
            return 0
        if '"document"' in first_line:
            return 90
        return 10 if probe.suffix in (".jsonl", ".ndjson") else 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = input_file(source)
        with path.open("rb") as handle:
            if (encoding := wide_encoding(handle.read(NUL_SAMPLE_BYTES))) is not None:
                raise InputError(f"{source}: {encoding}; jsonl is UTF-8: re-save the file as UTF-8")
        current: Document | None = None
        first_line = 0  # where ``current`` was first read
        seen: dict[str, str] = {}  # highlight id -> its document's id
        for number, line in _numbered_lines(source, path, state):
            parsed = _parse_line(source, number, line, state)
            if parsed is None:
                continue
            document, highlight = parsed
            if highlight is not None and (clash := _clash(seen, document.id, highlight.id)):
                state.report(source, number, clash)
                highlight = None  # its document is still read
            if current is not None and current.id != document.id:
                yield current
                current = None
            if current is None:
                current, first_line = document, number
            elif (disagreement := _disagreement(current, first_line, document)) is not None:
                state.report(source, number, disagreement, kept=True)
            if highlight is not None:
                current.highlights.append(highlight)
        if current is not None:
            yield current


def _validate_document(source: str, index: int, raw: Any, state: ReadState) -> Document | None:
    """``documents[index]`` less the highlights that fail validation (each reported), or None
    (reported) if the document's own fields fail."""
    try:
        return Document.model_validate(raw)
    except ValidationError as err:
        error = err
    if isinstance(raw, dict) and isinstance(raw.get("highlights"), list):
        # Without its highlights: its own fields alone decide whether the document is kept.
        try:
            document = Document.model_validate({**raw, "highlights": []})
        except ValidationError as err:
            error = err
        else:
            for number, item in enumerate(raw["highlights"]):
                try:
                    document.highlights.append(Highlight.model_validate(item))
                except ValidationError as err:
                    where = describe(err, ("documents", index, "highlights", number))
                    state.report(source, None, f"{where} (document {document.title!r}: this highlight "
                                               "skipped, the document and its other highlights kept)")
            return document
    state.report(source, None, describe(error, ("documents", index)))
    return None


_DOCUMENT_FIELDS = tuple(name for name in Document.model_fields if name != "highlights")


def _disagreement(first: Document, first_line: int, document: Document) -> str | None:
    """Why a line's ``document`` disagrees with its document as first read on ``first_line``
    (None: it agrees)."""
    names = [name for name in _DOCUMENT_FIELDS if getattr(document, name) != getattr(first, name)]
    if not names:
        return None
    name = names[0]
    return (f"document {first.id!r} as on line {first_line}: this line's {', '.join(names)} ignored "
            f"({name}: {_shorten(getattr(document, name))} here, {_shorten(getattr(first, name))} "
            f"on line {first_line})")


def _shorten(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _clash(seen: dict[str, str], document_id: str, highlight_id: str) -> str | None:
    # Why ``highlight_id`` cannot be read again (None: first seen; now it is).
    owner = seen.get(highlight_id)
    if owner is None:
        seen[highlight_id] = document_id
        return None
    where = "in this document" if owner == document_id else f"in document {owner!r}"
    return f"highlight id {highlight_id!r} is already used {where}; each highlight needs its own id"


def _numbered_lines(source: str, path: Path, state: ReadState) -> Iterator[tuple[int, str]]:
    # The lines of ``path`` that are not blank, numbered. A text handle decodes a block at a
    # time, so a byte that is not UTF-8 stops it with no line to name: from the first line it
    # did not give, the file is read again with such bytes kept as lone surrogates, and a line
    # holding one is reported and skipped. Only a damaged file pays for the search.
    number = 0
    try:
        with path.open("r", encoding="utf-8-sig", errors="strict", newline=None) as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
        return
    except UnicodeDecodeError:
        done = number
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline=None) as handle:
        for number, line in enumerate(handle, start=1):
            if number <= done:
                continue
            if (bad := _UNDECODABLE.search(line)) is not None:
                byte, column = ord(bad.group()) - 0xDC00, bad.start() + 1
                state.report(source, number, f"not UTF-8 text (byte 0x{byte:02X} at column {column}; "
                             "jsonl is UTF-8)")
            elif line.strip():
                yield number, line


def _parse_line(source: str, number: int, line: str,
                state: ReadState) -> tuple[Document, Highlight | None] | None:
    try:
        # Without its line end: a line cut short is then wrong at its own end, not on a next line.
        raw = json_load.loads(line.rstrip("\r\n"))
    except json_load.JsonTextError as err:
        state.report(source, number, err.in_line())  # the line is the file's, not the text's
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("document"), dict):
        state.report(source, number, 'expected an object with a "document" object')
        return None
    document_fields = raw.pop("document")
    if "highlights" in document_fields:
        state.report(source, number, "document.highlights: not allowed in jsonl")
        return None
    try:
        document = Document.model_validate(document_fields)
    except ValidationError as err:
        state.report(source, number, describe(err, ("document",)))
        return None
    if not raw:
        return document, None
    try:
        return document, Highlight.model_validate(raw)
    except ValidationError as err:
        state.report(source, number, f"{describe(err)} (this highlight skipped, its document kept)")
        return document, None
