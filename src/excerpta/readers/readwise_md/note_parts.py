"""What the note layout parsers share: a highlight block as written, and the lines that end one."""

from __future__ import annotations

import re
from dataclasses import dataclass

LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")  # any list item, ordered or not
# A block id at the end of a line (``text ^hl-readwise-1``).
BLOCK_ID = re.compile(r"\s+\^(?P<block>[A-Za-z0-9-]+)\s*$")


@dataclass
class HighlightBlock:
    """One highlight bullet as written: its text lines, and its ``Note``/``Tags`` values."""

    text_lines: list[str]
    note_lines: list[str] | None = None
    tags: str | None = None
    chapter: str | None = None
