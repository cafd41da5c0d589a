"""The layout of a Readwise note: title, cover, ``Metadata`` lines and highlight bullets.

Both layouts Readwise writes are read, with ``##`` or ``###`` headings:

* the Obsidian plugin's: ``# Title``, ``![rw-book-cover](…)``, ``## Metadata`` with
  ``- Author: [[…]]``, ``## Highlights`` (then ``## New highlights added <date>`` sections
  appended by later syncs), bullets ``- text ([Location 47](…))`` whose further lines are
  indented by two spaces, and ``    - Note: …`` / ``    - Tags: [[a]] [[b]]`` sub-bullets
  (indented two spaces after our obsidian writer's block id too); a blank line before an
  indented line, as our obsidian writer separates the paragraphs of a text or note, is one
  paragraph break (``"\n\n"``, however many blank lines);
* the bulk Markdown export's: ``### Metadata``, ``- Author: …`` without wikilinks, a
  ``- Summary:`` that may run over several unindented lines, ``    - **Note:** …``.

A heading below the ``Highlights`` heading's level names the chapter of the bullets under it
(our obsidian writer's ``### Chapter`` headings), an empty one (``###``) says they have none; a
heading at that level or above ends the section. A heading the user renamed, that starts with
the word Highlights (``## Highlights ✅``, ``## Highlights (edited)``), opens the section too,
except where a chapter's heading goes. In a note our obsidian writer wrote, the highlights end
with its managed region: the user's text below is not read as highlights.

The bullets may be numbered (``1. text``), as Obsidian converts a list: when a note's first
highlight item is numbered, its numbered items are bullets; beside ``- `` bullets, a numbered
list is the user's (a template's highlight text may go on with one, unindented).

This module only finds the parts (:func:`parse_note_body`); :mod:`.note` makes the model.
Sub-bullets other than ``Note``/``Tags`` (a user's own) are not Readwise data and are left out,
as Markdown nests them, four spaces in or two (``  - my thought``, ``  - See also [[X]]``):
after the line that ends a highlight's text (its location link, a block id, ``^rw…`` or our
writer's ``^hl-…``) or under its ``Note``, so the text keeps its location and id, and the note
is the note. They stay the user's lines in the vault (an adopting or re-syncing writer keeps
them); read into a highlight, they would be written once more below it on the next sync.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from excerpta.location_labels import TRAILING_LABEL, TRAILING_LINK
from excerpta.readers.readwise_md.metadata_list import CONTINUATION_INDENT, MetadataCollector
from excerpta.readers.readwise_md.note_parts import BLOCK_ID, HighlightBlock
from excerpta.readers.readwise_md.quote_blocks import QuoteCollector

# An empty heading (``###``) is one too: our obsidian writer ends a chapter's section so.
HEADING = re.compile(r"^(?P<level>#{1,6})(?:\s+(?P<text>.*?))?\s*$")
# The cover image: its URL up to the line's last ")", so one with parentheses is read whole
# (``a_(1).jpg``, as the plugin and our obsidian writer write one that pairs them).
COVER = re.compile(r"^!\[[^\]]*\]\((?P<url>\S+)\)\s*$")
SUB_BULLET = re.compile(
    r"^(?: {4}|\t)[-*]\s+(?:\*\*)?(?P<key>Note|Tags)(?::\*\*|\*\*:|:)\s?(?P<value>.*)$", re.IGNORECASE
)
# A template's sub-bullet indented two spaces, as Markdown nests an item too: one only after the
# text's end (a block id, which our writer puts before such a sub-bullet, or a location link); a
# highlight text's own lines come before it (indented two spaces as well, "- Note: x" may be one).
NESTED_SUB_BULLET = re.compile(
    r"^ {2,3}[-*]\s+(?:\*\*)?(?P<key>Note|Tags)(?::\*\*|\*\*:|:)\s?(?P<value>.*)$", re.IGNORECASE
)
OUR_BLOCK_ID_END = re.compile(r"\s\^hl-[A-Za-z0-9-]+\s*$")
OTHER_SUB_BULLET = re.compile(r"^(?: {4}|\t)[-*]\s")
# An item nested in a highlight's, beside its Note/Tags sub-bullets: the user's, if not one.
NESTED_ITEM = re.compile(r"^ {2,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
BULLET = re.compile(r"^[-*](?:\s(?P<text>.*))?$")
NUMBERED_BULLET = re.compile(r"^(?P<marker>\d{1,9}[.)])(?:[ \t](?P<text>.*))?$")
# An Obsidian comment on a line of its own, e.g. the ``%% excerpta:begin header %%`` markers
# our obsidian writer puts around its managed regions: it ends whatever value came before.
COMMENT_LINE = re.compile(r"^\s*%%.*%%\s*$")
OUR_HIGHLIGHTS_END = re.compile(r"^%% excerpta:end highlights [0-9a-f]{16} %%\s*$")
OUR_HIGHLIGHTS_BEGIN = re.compile(r"^%% excerpta:begin highlights %%\s*$")
# A template's separator between highlights; "- --" (no space between the last hyphens) is no
# one's separator but the bullet of a highlight that starts with "--", as the plugin writes it.
THEMATIC_BREAK = re.compile(r"^(?!-[ \t]+-+[ \t]*$)(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
METADATA_TITLES = {"metadata"}
HIGHLIGHTS_TITLES = {"highlights"}
NEW_HIGHLIGHTS_PREFIX = "new highlights added"
# "Highlights ✅", "Highlights (edited)": the word, then no other word but in brackets; not
# "Highlights from our book club", a section of the user's own.
RENAMED_HIGHLIGHTS = re.compile(r"highlights(?:[^\w(\[]|\([^)]*\)|\[[^\]]*\])*$", re.IGNORECASE)


@dataclass
class NoteBody:
    """The parts of a note body. ``metadata`` keys are case-folded (``"full title"``)."""

    title: str | None = None
    cover_url: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    has_metadata: bool = False
    has_highlights: bool = False
    highlights: list[HighlightBlock] = field(default_factory=list)
    second_notes: list[int] = field(default_factory=list)  # body lines of Note items not read
    # Body lines of items nested under a highlight, the user's, that end with a location link:
    # a highlight indented by hand (Tab in Obsidian), not read, and said.
    nested_links: list[int] = field(default_factory=list)


def _is_highlights_heading(text: str, chapter_level: bool) -> bool:
    """Whether a heading with ``text`` opens a highlights section; at ``chapter_level`` (below
    the highlights heading's level, in its section) only the plugin's own headings do: a
    chapter may be called "Highlights of the Season"."""
    folded = text.casefold()
    if folded in HIGHLIGHTS_TITLES or folded.startswith(NEW_HIGHLIGHTS_PREFIX):
        return True
    return not chapter_level and RENAMED_HIGHLIGHTS.match(text) is not None


class _HighlightCollector:
    """Groups the lines of a highlights section into :class:`HighlightBlock` objects."""

    def __init__(self, blocks: list[HighlightBlock], second_notes: list[int] | None = None,
                 nested_links: list[int] | None = None) -> None:
        self.blocks = blocks
        self.second_notes = [] if second_notes is None else second_notes
        self.nested_links = [] if nested_links is None else nested_links
        self.current: HighlightBlock | None = None
        self.target: list[str] | None = None  # where continuation lines go (text, note, nowhere)
        self.blank_lines = 0
        self.chapter: str | None = None  # of the bullets from here on
        self.numbered = False  # whether numbered items are the bullets (the first one was)
        self.indent = len(CONTINUATION_INDENT)  # of the current text's further lines
        self.quotes = QuoteCollector()  # the highlights, if a template wrote them as quotes

    def close(self) -> None:
        """End the current highlight: the next lines belong to a new bullet or to nothing."""
        self.current, self.target, self.blank_lines = None, None, 0
        self.quotes.close()

    def finish(self) -> None:
        """End the section: with no bullet in it, its quotes are its highlights (beside
        bullets, a quote is the user's)."""
        self.close()
        if not self.blocks:
            self.blocks.extend(self.quotes.blocks)

    def add(self, line: str, number: int = 0) -> None:
        """Take the next line of a highlights section, line ``number`` of the body."""
        if not line.strip():
            self.blank_lines += 1
            return
        blanks, self.blank_lines = self.blank_lines, 0
        if not self.blocks and self.quotes.add(line, blanks, self.chapter):
            return
        if THEMATIC_BREAK.match(line):
            self.close()  # a template's separator between highlights
        elif (bullet := BULLET.match(line)) or (bullet := self._numbered_bullet(line)):
            self.current = HighlightBlock([bullet.group("text") or ""], chapter=self.chapter)
            self.blocks.append(self.current)
            self.target = self.current.text_lines
            self.indent = max(len(CONTINUATION_INDENT), len(bullet.groupdict().get("marker") or "") + 1)
        elif self.current is None:
            return
        elif (sub := SUB_BULLET.match(line)) or (
                (sub := NESTED_SUB_BULLET.match(line)) and _text_ended(self.current)):
            self.target = self._add_sub_bullet(self.current, sub.group("key").casefold(),
                                              sub.group("value"), number)
        elif OTHER_SUB_BULLET.match(line):
            self._users_item(line, number)
        elif self.target is None:
            if NESTED_ITEM.match(line):
                self._users_item(line, number)
        elif self._is_users_line(self.current, line):
            self._users_item(line, number)
        elif line.startswith(CONTINUATION_INDENT):
            text = self.target is self.current.text_lines
            continuation = _dedent(line, self.indent) if text else line.strip()
            self.target.extend([""] * min(blanks, 1) + [continuation])  # Markdown shows one blank line
        elif blanks:
            self.target = None  # unindented text after a blank line is the user's, not Readwise's
        else:
            self.target.append(line)

    def _users_item(self, line: str, number: int) -> None:
        # A line of the user's under a highlight: not read; kept in ``nested_links`` when it is
        # an item ending with a location link, as an indented highlight's does.
        self.target = None
        if (TRAILING_LINK.search(line.rstrip()) is not None
                and (OTHER_SUB_BULLET.match(line) or NESTED_ITEM.match(line))):
            self.nested_links.append(number)

    def _numbered_bullet(self, line: str) -> re.Match[str] | None:
        """``line`` as a numbered bullet, if numbered items are the bullets: the note's first
        highlight item is one (beside ``- `` bullets, a numbered list is the user's)."""
        if not self.numbered and self.blocks:
            return None
        bullet = NUMBERED_BULLET.match(line)
        self.numbered = self.numbered or bullet is not None
        return bullet

    def _is_users_line(self, block: HighlightBlock, line: str) -> bool:
        """Whether ``line``, which the text or note of ``block`` would take, is the user's: an
        item nested beside the ``Note``/``Tags`` ones (``  - my thought``) under a note, or
        after the text's end (see :func:`_text_ended`); after our obsidian writer's block id
        (which ends a highlight's text, all its paragraphs), any line."""
        if self.target is not block.text_lines:
            return NESTED_ITEM.match(line) is not None
        if OUR_BLOCK_ID_END.search(block.text_lines[-1]):
            return True
        return NESTED_ITEM.match(line) is not None and _text_ended(block)

    def _add_sub_bullet(self, block: HighlightBlock, key: str, value: str,
                        number: int) -> list[str] | None:
        """Record a ``Note``/``Tags`` sub-bullet of ``block``, at body line
        ``number``; returns where its continuation lines go.

        A second ``Note`` is not read (the first is the highlight's), and its line is kept in
        ``second_notes``: it is what Obsidian leaves of a highlight whose bullet line the user
        deleted, and read, it would replace the note of the highlight above.
        """
        if key != "note":
            block.tags = value
            return None
        if block.note_lines is not None:
            self.second_notes.append(number)
            return None
        block.note_lines = [value]
        return block.note_lines


def _dedent(line: str, indent: int) -> str:
    """``line`` without up to ``indent`` leading spaces (a numbered item's text goes on three
    or four spaces in, a bullet's two)."""
    return line[min(indent, len(line) - len(line.lstrip(" "))):]


def _text_ended(block: HighlightBlock) -> bool:
    """Whether the text of ``block`` has ended: with a block id (``^hl-…``, ``^rw…``) or a
    location link, which come after the highlight's own lines."""
    last = block.text_lines[-1]
    return (BLOCK_ID.search(last) or TRAILING_LINK.search(last) or TRAILING_LABEL.search(last)) is not None


def parse_note_body(body: str) -> NoteBody:
    """Find the title, cover, metadata and highlight bullets of a note body (no front matter)."""
    note = NoteBody()
    section = "preamble"
    metadata = MetadataCollector(note.metadata)
    collector = _HighlightCollector(note.highlights, note.second_notes, note.nested_links)
    highlights_level = 0  # of the heading that opened the highlights section
    for number, line in enumerate(body.split("\n"), 1):
        if COMMENT_LINE.match(line):
            metadata.drop_held()
            collector.close()
            if OUR_HIGHLIGHTS_END.match(line):
                section = "other"
            continue
        heading = HEADING.match(line)
        if heading:
            text, level = heading.group("text") or "", len(heading.group("level"))
            metadata.keep_held()
            collector.close()
            if level == 1 and text and note.title is None and section == "preamble":
                note.title = text
            elif _is_highlights_heading(text, section == "highlights" and level > highlights_level):
                section, note.has_highlights, highlights_level = "highlights", True, level
                collector.chapter = None
            elif section == "highlights" and level > highlights_level:
                collector.chapter = text or None
            elif text.casefold() in METADATA_TITLES:
                section, note.has_metadata = "metadata", True
            else:
                section = "other"
            continue
        if section == "preamble" and note.cover_url is None and (cover := COVER.match(line)):
            note.cover_url = cover.group("url")
        elif section == "metadata":
            metadata.add(line)
        elif section == "highlights":
            collector.add(line, number)
    metadata.keep_held()
    collector.finish()
    for key, value in note.metadata.items():
        note.metadata[key] = value.strip()
    return note


def region_highlights(body: str) -> list[HighlightBlock]:
    """The highlight bullets of our obsidian writer's highlights region, wherever it is: the
    note of a single highlight (its ``atomic`` option) has no ``Highlights`` heading."""
    blocks: list[HighlightBlock] = []
    collector = _HighlightCollector(blocks)
    inside = False
    for line in body.split("\n"):
        if OUR_HIGHLIGHTS_BEGIN.match(line):
            inside = True
        elif OUR_HIGHLIGHTS_END.match(line):
            break
        elif inside and (HEADING.match(line) or COMMENT_LINE.match(line)):
            collector.close()
        elif inside:
            collector.add(line)
    collector.finish()
    return blocks
