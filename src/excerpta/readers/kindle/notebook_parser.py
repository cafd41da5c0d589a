"""The fields of a Kindle app "Export notebook" HTML file, as :mod:`.notebook_html` reads them.

The file is a flat list of ``div`` (desktop app: mis-nested ``h3``) elements told apart by class:
``bookTitle``, ``authors``, ``sectionHeading``, ``noteHeading`` and ``noteText``. A field ends
at the end of its element, at an ``<hr>``, or where the next field starts. Because the desktop
export closes tags in the wrong order (``<h3 class='noteHeading'>…</div><div
class='noteText'>…</h3>``), "the end of its element" is any end tag of an element the field did
not open itself: the field's own, a wrong one, or an enclosing one (``</body>``). Text outside
the fields (a footer, an app's added line) and script or style contents are never kept.

A ``noteText`` is the text of the ``noteHeading`` closed just before it. One after any other
field (another entry's text, a ``sectionHeading``: its heading was deleted, say by trimming the
file) is an :class:`Entry` of its own marked ``headless``, never more of another entry's text.

A file that ends before ``</body>`` or ``</html>`` is :attr:`NotebookParser.cut_short`, and an
entry whose field was still open there (or whose heading was the last field) is marked
``cut_short``: its text may be incomplete.

Elements nested more than :data:`~excerpta.readers.html_exports.MAX_OPEN_ELEMENTS` deep inside
a field are not tracked (their text is kept; :attr:`NotebookParser.too_deep` says where it
began): each of their end tags closes one of them, so a file nested 200,000 deep reads in
linear time and bounded memory (:class:`~excerpta.readers.html_exports.BoundedNesting`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from excerpta.readers.html_exports import HIDDEN, BoundedNesting

FIELD_CLASSES = frozenset({"notebookFor", "bookTitle", "authors", "citation", "sectionHeading",
                           "noteHeading", "noteText"})
_COLOUR_CLASS = re.compile(r"^(?:highlight|annotation)_(\w+)$")
_WHITESPACE = re.compile(r"\s+")
# Elements without an end tag: never "opened" inside a field.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
# Inside an entry's text these start a new line, as <br> does.
_LINE_BREAKS = frozenset({"br", "p", "div", "li"})
# Elements a field may have open at once; an export nests three or four (``<span>``, ``<b>``).


@dataclass
class Entry:
    """One entry of the notebook: its heading, highlight colour, section and text parts,
    and the line its heading starts on (a ``headless`` one's: its text's)."""

    heading: str
    colour: str | None
    section: str | None
    line: int = 0
    text: list[str] = field(default_factory=list)
    cut_short: bool = False
    headless: bool = False  # text with no heading of its own


class NotebookParser(BoundedNesting):
    """Collects the notebook's fields in document order (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {"bookTitle": [], "authors": []}
        self.entries: list[Entry] = []
        self.section: str | None = None
        self.cut_short = True  # until </body> or </html> is seen
        self._current: str | None = None
        self._last: str | None = None  # the field closed last
        self._buffer: list[str] = []
        self._hidden: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self._hidden = tag
            return
        if tag == "hr":
            self._close()
            return
        classes = next((value or "" for name, value in attrs if name == "class"), "").split()
        match = next((c for c in classes if c in FIELD_CLASSES), None)
        if match is not None:
            self._close()
            self._current = match
            if match == "noteHeading":
                self.entries.append(Entry("", None, self.section, self.getpos()[0]))
            elif match == "noteText" and self._last != "noteHeading":
                self.entries.append(Entry("", None, self.section, self.getpos()[0], headless=True))
            return
        if self._current is None:
            return
        if tag not in _VOID:
            self._open(tag)
        if tag in _LINE_BREAKS and self._current == "noteText":
            self._buffer.append("\n")
        if self._current == "noteHeading" and self.entries:
            colour = next((m.group(1) for c in classes if (m := _COLOUR_CLASS.match(c))), None)
            if colour:
                self.entries[-1].colour = colour.lower()

    def handle_endtag(self, tag: str) -> None:
        if tag == self._hidden:
            self._hidden = None
        elif tag in ("body", "html"):
            self._close()
            self.cut_short = False
        elif self._untracked:
            self._untracked -= 1
        elif (index := self._innermost(tag)) is not None:
            del self._opened[index:]
            if tag in _LINE_BREAKS and self._current == "noteText":
                self._buffer.append("\n")
        elif self._current is not None:
            self._close()

    def handle_data(self, data: str) -> None:
        if self._current is not None and self._hidden is None:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        if self.cut_short and self.entries and (
                self._current in ("noteHeading", "noteText")
                or (self._current is None and self._last == "noteHeading")):
            self.entries[-1].cut_short = True
        self._close()

    def _close(self) -> None:
        current, text = self._current, "".join(self._buffer)
        self._current, self._buffer, self._opened, self._untracked = None, [], [], 0
        if current is None:
            return
        self._last = current
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
