"""What the readwise-md tests share: reading a note or folder, writing a note to read."""

from __future__ import annotations

from pathlib import Path

from excerpta.adapters import ReadState
from excerpta.model import Document
from excerpta.readers.readwise_md import ReadwiseMarkdownReader


def read(source: Path | str) -> tuple[list[Document], ReadState]:
    """The documents ``source`` reads to, and the read's state (its problems)."""
    state = ReadState()
    return list(ReadwiseMarkdownReader().read(str(source), state)), state


def write_note(path: Path, text: str) -> Path:
    """``text`` written at ``path`` (its folders made), UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
