"""Helpers of the KOReader reader tests: write a sidecar as KOReader's ``dump.lua`` does, and read
one the way the CLI does.

(A plain module of functions: the tests call them with their own ``tmp_path``.)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.koreader import KOReaderOptions, KOReaderReader

from paths import CORPUS

KOREADER = CORPUS / "koreader"
LEGACY = KOREADER / "huynle_legacy_highlight_bookmarks_metadata.epub.lua"
CURRENT = KOREADER / "worldteacher_annotations_2024fmt_metadata.epub.lua"


def lua_string(text: str) -> str:
    """``text`` as Lua's ``string.format("%q")`` writes it (a line break as ``\\`` + newline)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\0", "\\000")
    return '"' + escaped.replace("\n", "\\\n") + '"'


def lua_value(value: Any, indent: int = 0) -> str:
    """``value`` (dict, list, str, int, float, bool) as ``dump.lua`` writes it: every key in
    brackets, a list as keys 1..n, one field a line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "0/0"
        if math.isinf(value):
            return "math.huge" if value > 0 else "-math.huge"
        return repr(value)
    if isinstance(value, str):
        return lua_string(value)
    items = enumerate(value, 1) if isinstance(value, list) else value.items()
    pad = "    " * (indent + 1)
    fields = [f"{pad}[{lua_value(key)}] = {lua_value(item, indent + 1)},\n" for key, item in items]
    return "{\n" + "".join(fields) + "    " * indent + "}" if fields else "{}"


def sidecar_text(table: dict[str, Any]) -> str:
    """The whole file KOReader writes for ``table``."""
    return "-- we can read Lua syntax here!\nreturn " + lua_value(table) + "\n"


def write_sidecar(folder: Path, table: dict[str, Any], book: str = "Walden.epub") -> Path:
    """``<folder>/<book>.sdr/metadata.<ext>.lua`` holding ``table``; its path."""
    sdr = folder / f"{book}.sdr"
    sdr.mkdir(parents=True, exist_ok=True)
    path = sdr / f"metadata.{book.rsplit('.', 1)[-1]}.lua"
    path.write_text(sidecar_text(table), encoding="utf-8")
    return path


def annotation(text: str, paragraph: int, *, offset: int = 0, when: str = "2024-03-01 10:00:00",
               **fields: Any) -> dict[str, Any]:
    """A 2024-schema highlight of ``text`` starting in paragraph ``paragraph``."""
    start = f"/body/DocFragment[3]/body/p[{paragraph}]/text().{offset}"
    return {"chapter": "One", "color": "yellow", "datetime": when, "drawer": "lighten", "page": start,
            "pageno": paragraph, "pos0": start,
            "pos1": f"/body/DocFragment[3]/body/p[{paragraph}]/text().{offset + len(text)}",
            "text": text, **fields}


def book(annotations: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """A 2024-schema sidecar of Walden with ``annotations``."""
    return {"annotations": annotations, "doc_props": {"title": "Walden", "authors": "Henry David Thoreau"},
            "partial_md5_checksum": "0123456789abcdef0123456789abcdef", **fields}


def read(source: Path | str, timezone: str | None = None) -> tuple[list[Document], ReadState]:
    """The documents ``koreader`` reads from ``source``, and the state with its problems."""
    state = ReadState()
    reader = KOReaderReader(KOReaderOptions(timezone=timezone))
    return list(reader.read(str(source), state)), state


def problems(state: ReadState) -> list[str]:
    """The problems of a read, as the CLI prints them."""
    return [str(problem) for problem in state.problems]
