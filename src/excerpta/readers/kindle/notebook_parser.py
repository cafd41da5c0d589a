"""The fields of a Kindle app "Export notebook" HTML file, as :mod:`.notebook_html` reads them.

The file is a flat list of ``div`` (desktop app: mis-nested ``h3``) elements told apart by class:
``bookTitle``, ``authors``, ``sectionHeading``, ``noteHeading`` and ``noteText``. Because the desktop
export closes tags in the wrong order, the parser never trusts end tags: an element with one of
these classes starts a field, and the field runs until the next such element starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

FIELD_CLASSES = frozenset({"notebookFor", "bookTitle", "authors", "citation", "sectionHeading",
                           "noteHeading", "noteText"})
_COLOUR_CLASS = re.compile(r"^(?:highlight|annotation)_(\w+)$")
_WHITESPACE = re.compile(r"\s+")


@dataclass
class Entry:
    """One entry of the notebook: its heading, highlight colour, section and text parts."""

    heading: str
    colour: str | None
    section: str | None
    text: list[str] = field(default_factory=list)


class NotebookParser(HTMLParser):
    """Collects the notebook's fields in document order (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, list[str]] = {"bookTitle": [], "authors": []}
        self.entries: list[Entry] = []
        self.section: str | None = None
        self._current: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = next((value or "" for name, value in attrs if name == "class"), "").split()
        match = next((c for c in classes if c in FIELD_CLASSES), None)
        if match is not None:
            self._close()
            self._current = match
            if match == "noteHeading":
                self.entries.append(Entry("", None, self.section))
            return
        if tag == "br" and self._current == "noteText":
            self._buffer.append("\n")
        if self._current == "noteHeading" and self.entries:
            colour = next((m.group(1) for c in classes if (m := _COLOUR_CLASS.match(c))), None)
            if colour:
                self.entries[-1].colour = colour.lower()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "hr":
            self._close()
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("body", "html"):
            self._close()

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._close()

    def _close(self) -> None:
        current, text = self._current, "".join(self._buffer)
        self._current, self._buffer = None, []
        if current is None:
            return
        if current == "sectionHeading":
            self.section = squash(text) or None
        elif current == "noteHeading":
            self.entries[-1].heading = squash(text)
        elif current == "noteText" and self.entries:
            self.entries[-1].text.append(text)
        elif current in self.fields:
            self.fields[current].append(squash(text))


def squash(text: str) -> str:
    """``text`` on one line, runs of whitespace as one space."""
    return _WHITESPACE.sub(" ", text).strip()


def body_text(parts: list[str]) -> str:
    """An entry's text: its lines squashed, empty ones dropped."""
    lines = [squash(line) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)
