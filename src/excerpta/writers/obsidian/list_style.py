"""List style: what a Markdown formatter changes in a list without changing a word of it.

Obsidian Linter's "unordered list style" writes ``*`` or ``+`` where excerpta writes ``-``;
markdownlint and remark put several spaces after a marker (``-   text``); Prettier indents a
sub-item by 2 spaces; Obsidian's "indent using tabs" indents with tabs. :func:`canonical_lines`
writes lines in excerpta's own list style, so lines compared in that form (a region's digest,
:mod:`.region`; the header's merge, :mod:`.merge3`) differ only where their words or their
nesting do. :class:`ListStyle` learns a note's style from its lines and writes excerpta's
lines in it (:meth:`ListStyle.restyle`): an updated highlight keeps the look the formatter gave
it, and the formatter finds nothing to change again.

Lines are read as nested lists the lenient way Obsidian shows them: a line whose first
character after its indent is ``-``, ``*`` or ``+`` followed by a space, a tab or nothing is a
list item; a line indented more than the marker of the item open above it is inside that item
(a sub-item, or the item's text going on), any other closes it. A line outside every list
(a heading, a quote, a paragraph) is left as it is. Excerpta's own style, the canonical form: a
``-`` and one space; an item nested ``d`` deep indented by ``4d`` spaces more than the list's
top item (``"    - Note:"``); an item's text going on at the column its first line's text starts
at (``4d + 2``: where the writer puts a highlight's next line). An indent is measured in columns,
a tab reaching the next multiple of 4 (Obsidian's tab size). Trailing white space is no part
of the canonical form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

TAB_SIZE = 4  # columns to the next tab stop (Obsidian's default)
NESTED_INDENT = 4  # how much deeper excerpta indents a nested item (Readwise's "    - Note:")
MARKER = "- "  # excerpta's list marker, and what an item's text after it is indented by
_MARKERS = "-*+"


class ListLine(NamedTuple):
    """One line as part of a list: ``depth`` is the nesting of the item it is (``item``) or
    goes on (0: a top-level item), None for a line outside every list or blank; ``base`` the
    indent of its list's top-level item. ``text`` keeps its trailing white space."""

    depth: int | None
    item: bool
    indent: str
    marker: str
    gap: str  # the spaces and tabs after an item's marker
    text: str
    base: str = ""


def read_lines(lines: list[str]) -> list[ListLine]:
    """``lines`` read as nested lists (see the module docstring), one :class:`ListLine` each."""
    read: list[ListLine] = []
    open_items: list[int] = []  # the marker column of each item a next line may be inside
    base = ""
    for line in lines:
        rest = line.lstrip(" \t")
        indent = line[:len(line) - len(rest)]
        if not rest or rest.isspace():
            read.append(ListLine(None, False, indent, "", "", rest))
            continue
        column = _columns(indent)
        while open_items and open_items[-1] >= column:
            open_items.pop()
        if rest[0] in _MARKERS and (len(rest) == 1 or rest[1] in " \t"):
            text = rest[1:].lstrip(" \t")
            base = base if open_items else indent
            gap = rest[1:len(rest) - len(text)]
            read.append(ListLine(len(open_items), True, indent, rest[0], gap, text, base))
            open_items.append(column)
        elif open_items:
            read.append(ListLine(len(open_items) - 1, False, indent, "", "", rest, base))
        else:
            read.append(ListLine(None, False, indent, "", "", rest))
    return read


def canonical_line(line: ListLine) -> str:
    """``line`` in excerpta's own list style, without trailing white space."""
    if line.depth is None:
        return (line.indent + line.text).rstrip()
    text = line.text.rstrip()
    if line.item:
        return f"{line.base}{' ' * (NESTED_INDENT * line.depth)}-{' ' + text if text else ''}"
    return f"{line.base}{' ' * (NESTED_INDENT * line.depth + len(MARKER))}{text}"


def canonical_lines(lines: list[str]) -> list[str]:
    """``lines`` in excerpta's own list style (see the module docstring), one for one."""
    return [canonical_line(line) for line in read_lines(lines)]


def canonical_text(text: str) -> str:
    """``text`` (lines ended by ``\\n``) in excerpta's own list style."""
    return "\n".join(canonical_lines(text.split("\n")))


def _columns(indent: str) -> int:
    if "\t" not in indent:
        return len(indent)
    column = 0
    for char in indent:
        column += TAB_SIZE - column % TAB_SIZE if char == "\t" else 1
    return column


def _tabbed(indent: str) -> str:
    """``indent`` as an editor indenting with tabs writes it: a tab per tab stop it reaches."""
    columns = _columns(indent)
    return "\t" * (columns // TAB_SIZE) + " " * (columns % TAB_SIZE)


@dataclass(frozen=True)
class ListStyle:
    """How a note writes its lists: by depth, the indent, marker and gap of an item
    (``items``), and the indent of an item's text going on (``texts``), each as the note's
    first such line has it."""

    items: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> ListStyle:
        """The style of the lists in ``text``."""
        return cls._of_lines(read_lines(text.split("\n")))

    @classmethod
    def _of_lines(cls, lines: list[ListLine]) -> ListStyle:
        items: dict[int, tuple[str, str, str]] = {}
        texts: dict[int, str] = {}
        for line in lines:
            if line.depth is None:
                continue
            if line.item and line.text.strip():  # (an item without text tells no gap)
                items.setdefault(line.depth, (line.indent, line.marker, line.gap))
            elif not line.item:
                texts.setdefault(line.depth, line.indent)
        return cls(items, texts)

    def over(self, other: ListStyle) -> ListStyle:
        """This style, with ``other``'s for the depths it does not show."""
        return ListStyle(other.items | self.items, other.texts | self.texts)

    def restyle(self, text: str) -> str:
        """``text`` (excerpta's rendering) with its lists written in this style, where it
        writes them otherwise (:meth:`ListStyle.of` ``text``): each line as this style has a
        line of its depth and kind. Of a depth this style does not show, an item takes the
        marker and gap of the nearest depth it shows (if that depth is restyled), and its
        indent, a text line's too, is the line's own, in tabs if this style indents with
        tabs. ``text`` as it is when the restyled lines would not read as the same lists."""
        lines = read_lines(text.split("\n"))
        own = ListStyle._of_lines(lines)
        if own.items.items() <= self.items.items() and own.texts.items() <= self.texts.items():
            return text  # written in this style (the common case: both are excerpta's)
        restyled = "\n".join(self._restyled(line, own) for line in lines)
        if canonical_lines(restyled.split("\n")) != [canonical_line(line) for line in lines]:
            return text  # (a style whose indents nest otherwise than excerpta's)
        return restyled

    def _restyled(self, line: ListLine, own: ListStyle) -> str:
        if line.depth is None:
            return line.indent + line.text
        if not line.item:
            known = self.texts.get(line.depth)
            if known is None:
                return self._own_indent(line.indent) + line.text
            return (line.indent if known == own.texts.get(line.depth) else known) + line.text
        known_item = self.items.get(line.depth)
        if known_item == own.items.get(line.depth):
            return line.indent + line.marker + line.gap + line.text  # this depth as this style has it
        if known_item is None:
            indent, (marker, gap) = self._own_indent(line.indent), self._nearest(line.depth, line, own)
        else:
            indent, marker, gap = known_item
        return indent + marker + (gap + line.text if line.text else "")

    def _nearest(self, depth: int, line: ListLine, own: ListStyle) -> tuple[str, str]:
        """The marker and gap for ``line``, an item of a ``depth`` this style does not show:
        the nearest shown depth's, if this style writes that depth otherwise than ``own``."""
        if not self.items:
            return line.marker, line.gap
        nearest = min(self.items, key=lambda known: (abs(known - depth), known))
        if self.items[nearest] == own.items.get(nearest):
            return line.marker, line.gap
        return self.items[nearest][1], self.items[nearest][2]

    def _own_indent(self, indent: str) -> str:
        tabs = any("\t" in known for known, _, _ in self.items.values()) or any(
            "\t" in known for known in self.texts.values())
        return _tabbed(indent) if tabs else indent
