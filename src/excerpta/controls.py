"""Control characters that no output excerpta writes should carry.

A PDF's NUL, an ESC, a DEL or a C1 character copied into a highlight shows as nothing or as
garbage, makes a note unreadable to some editors, and U+001F (Anki's field separator) made
Anki refuse a whole deck. :func:`without_controls` is the one rule the writers apply: the
separators U+001C-001F, which Python counts as whitespace, become a space; every other C0
control but tab, line feed and carriage return, DEL and the C1 controls are dropped.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TABLE = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x1C), *range(0x7F, 0xA0)]) | (
    dict.fromkeys(range(0x1C, 0x20), " "))


def has_control(text: str) -> bool:
    """Whether ``text`` holds a character :func:`without_controls` replaces or drops."""
    return _CONTROL.search(text) is not None


def without_controls(text: str) -> str:
    """``text`` by the rule of the module docstring (tab, line feed and carriage return kept)."""
    return text.translate(_TABLE) if _CONTROL.search(text) else text
