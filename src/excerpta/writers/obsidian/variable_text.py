"""The text of a template variable as a note holds it: printable, on one line, or continued
in a Markdown list item.

A source's text may hold any line break (CRLF, CR, U+2028…) and control character; a note
holds line feeds and tabs only (:func:`printable`: a NUL would make it binary to every program
that reads it). A label or a title is on one line (:func:`one_line`, :func:`unbroken`), as a
line break would end the list item a template writes it in; text of several lines and
paragraphs is indented to stay in one (:func:`continued`). :mod:`.variables` makes every
variable of a note through these.
"""

from __future__ import annotations

import re

from excerpta.controls import without_controls

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")  # a blank line, and any after it
# What printable must change: a control character (excerpta.controls) or a line break.
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BREAK_AND_SPACES = re.compile(r"[^\S\n]*\n\s*")  # a line break, and the white space around it


def one_line(value: str | None) -> str:
    """``value`` on one line (titles, authors: Obsidian text properties are single-line),
    :func:`printable`."""
    return _WHITESPACE.sub(" ", printable(value)).strip() if value else ""


def normalize_newlines(value: str | None) -> str:
    """Every line break form (CRLF, CR, U+2028…) as ``\\n``; None as ``""``."""
    return _LINE_BREAKS.sub("\n", value) if value else ""


def printable(value: str | None) -> str:
    """``value`` with line breaks normalized (:func:`normalize_newlines`) and no other control
    character but tab: the separators U+001C-001F (whitespace to Python) become a space, the
    others (NUL, ESC, DEL, C1…) are dropped; None as ``""``."""
    if not value:
        return ""
    # One C scan clears most values; a no-break space (Readwise's "Location 47") needs the second.
    if value.isprintable() or _CONTROL_OR_BREAK.search(value) is None:
        return value
    return without_controls(normalize_newlines(value))


def unbroken(value: str | None) -> str:
    """``value`` :func:`printable` and on one line: a line break, with the white space around
    it, one space (other white space, a label's no-break space, kept); None as ``""``."""
    text = printable(value)
    return _BREAK_AND_SPACES.sub(" ", text).strip() if "\n" in text else text


def continued(value: str | None, indent: int, *, paragraphs: bool = True) -> str:
    """Multi-line text as one Markdown list item: each line stripped and every line after the
    first indented by ``indent``; a paragraph break (one or more blank or whitespace lines)
    kept as one empty line, which makes the item loose, with a paragraph per paragraph, and
    blank lines at either end dropped. (A line's own indent would not show, a paragraph's
    lines lose it, and would make it look like a sub-bullet, ending the item's first paragraph
    and with it the block id's place; Markdown shows no more than one blank line.)
    ``paragraphs=False`` drops the blank lines instead, as Readwise does: what a quote or a
    callout needs, which a blank line would end."""
    if not value:
        return ""
    if value.isprintable():  # one C scan: no line break of any kind (most highlights)
        return value.strip()
    continuation = "\n" + " " * indent
    parts = (continuation.join(line.strip() for line in paragraph.split("\n") if line.strip())
             for paragraph in _PARAGRAPH_BREAK.split(printable(value)))
    return (("\n" if paragraphs else "") + continuation).join(part for part in parts if part)


def has_paragraph_break(value: str) -> bool:
    """Whether ``value``, as :func:`continued` made it, holds a paragraph break (which it
    writes as one empty line, and nothing else as one)."""
    return "\n\n" in value


def struck(value: str) -> str:
    """``value`` struck through line by line (strikethrough does not cross lines), each line's
    indent kept (a paragraph after a blank line stays in the list item only indented)."""
    return "\n".join(f"{line[:len(line) - len(line.lstrip())]}~~{line.strip()}~~" if line.strip() else line
                      for line in value.split("\n"))
