"""The lines of a note the Readwise plugin wrote, sorted into the plugin's and the user's: what
:mod:`.adoption` replaces with our regions and what it keeps (see there for such a note).

Plugin lines are: the ``# Title`` line, the cover line, ``## Metadata`` and its known
``- Key:`` bullets (the first of each key, up to the next heading; what the user wrote among
them stays theirs), the ``## Highlights`` and ``## New highlights added …`` headings, and every
highlight bullet that is one of the document's highlights (same text, :class:`HighlightMatcher`)
with its continuation lines and the ``Note:``/``Tags:`` sub-bullets that say what the
highlight's note and tags say. Every other line is the user's, one under such a bullet kept
under it (:func:`classify_lines`). A line the user edited is therefore the user's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from excerpta.identity import normalize_text
from excerpta.model import Document, Highlight
from excerpta.writers.obsidian.blocks import item_end
from excerpta.writers.obsidian.naming import block_id

# The lines adoption.py reads too (a plugin note's identity, a block's sub-items).
TITLE = re.compile(r"^# (?P<title>.+?)\s*$")
METADATA = re.compile(r"^#{2,3} Metadata\s*$")
META_ITEM = re.compile(r"^- (?:\*\*)?(?P<key>Author|Full Title|Category|Document Tags|URL|Summary|"
                       r"Document Note|Tags)(?:\*\*)?:(?P<value>.*)$")
HIGHLIGHTS = re.compile(r"^#{2,3} (?:Highlights|New highlights added .*)\s*$")
SUB_ITEM = re.compile(r"^    - (?:\*\*)?(?P<kind>Note|Tags)(?:\*\*)?:(?P<value>.*)$")

_COVER = re.compile(r"^!\[rw-book-cover\]\(.*\)\s*$")
_HEADING = re.compile(r"^#{1,6}(?:[ \t]|$)")
_BULLET = re.compile(r"^- (?P<text>.*)$")
_CONTINUATION = re.compile(r"^  (?! )\S")
_TAG_TOKEN = re.compile(r"\[\[([^\]]+)\]\]|#([^\s#]+)")
_SUB_CONTINUATION = re.compile(r"^      ")
_LOCATION = re.compile(r"\s*\(\[(?P<label>[^\]]*)\]\((?P<url>[^)\s]*)\)\)\s*$")
_TRAILING_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")


class HighlightMatcher:
    """Tells which of ``document``'s highlights a plugin bullet is, if any.

    A bullet is a highlight only if its text (location link and block id left out) is the
    highlight's text, whitespace and case aside; a ``Note:``/``Tags:`` sub-bullet only if it
    says what the highlight's note/tags say. A line the user edited therefore stays the user's
    (kept as it is) rather than being replaced by the upstream version.
    """

    def __init__(self, document: Document) -> None:
        self.by_text: dict[str, Highlight] = {}
        for highlight in document.highlights:
            if highlight.text.strip() and not highlight.is_deleted:
                self.by_text.setdefault(normalize_text(highlight.text), highlight)

    def match(self, block: list[str]) -> Highlight | None:
        """The highlight ``block`` (a bullet and its continuation lines) renders, or None."""
        text = "\n".join([block[0][2:], *(line[2:] for line in block[1:])])
        if _TRAILING_BLOCK_ID.search(text):
            return None  # the user gave it a block id (^rwhi…): other notes may link to this line
        location = _LOCATION.search(text)
        if location:
            text = text[:location.start()]
        return self.by_text.get(normalize_text(text))

    @staticmethod
    def owns_sub_item(highlight: Highlight, lines: list[str]) -> bool:
        """True if ``lines`` (a ``Note:``/``Tags:`` sub-bullet) say what ``highlight`` says."""
        item = SUB_ITEM.match(lines[0])
        if item is None:
            return False
        value = " ".join([item.group("value"), *lines[1:]])
        if item.group("kind") == "Note":
            return normalize_text(value) == normalize_text(highlight.note)
        tags = {normalize_text(a or b) for a, b in _TAG_TOKEN.findall(value)}
        return tags == {normalize_text(tag) for tag in highlight.tags}


@dataclass
class SortedLines:
    """A plugin note's lines sorted: a role per line (``header``, ``highlights``: plugin
    lines; ``mine``: a line the user wrote under one of the plugin's highlight bullets;
    ``user``: any other), and, by block id, the line indexes under each highlight bullet that
    holds a line of the user's (its ``Note:``/``Tags:`` sub-items among them)."""

    roles: list[str]
    under: dict[str, list[int]]


def classify_lines(lines: list[str], matcher: HighlightMatcher) -> SortedLines:
    """The roles of ``lines`` (without their line ends), see :class:`SortedLines`."""
    roles = ["user"] * len(lines)
    under: dict[str, list[int]] = {}
    in_metadata = False
    seen_title = False
    metadata_keys: set[str] = set()  # the plugin writes each once: a second one is the user's
    index = 0
    while index < len(lines):
        line = lines[index]
        if not seen_title and TITLE.match(line):
            roles[index], seen_title = "header", True
        elif _COVER.match(line) or METADATA.match(line):
            roles[index] = "header"
            in_metadata = in_metadata or bool(METADATA.match(line))
        elif in_metadata and (item := META_ITEM.match(line)) and item.group("key") not in metadata_keys:
            roles[index] = "header"
            metadata_keys.add(item.group("key"))
            index += 1
            while index < len(lines) and _CONTINUATION.match(lines[index]):
                roles[index] = "header"
                index += 1
            continue
        elif HIGHLIGHTS.match(line):
            roles[index], in_metadata = "highlights", False
        elif _BULLET.match(line) and not in_metadata:
            index = _classify_bullet(lines, index, matcher, roles, under)
            continue
        elif _HEADING.match(line):
            # Only a heading ends the metadata: a line the user wrote among its bullets
            # (``    - see also [[Grit]]``) stays theirs, and the bullets after it the plugin's.
            in_metadata = False
        index += 1
    return SortedLines(roles, under)


def _classify_bullet(lines: list[str], index: int, matcher: HighlightMatcher, roles: list[str],
                     under: dict[str, list[int]]) -> int:
    """Sort the list item starting at ``index`` (its lines as :func:`.blocks.item_end` reads
    them, as a region would); returns where it ends. A highlight's bullet and the sub-items
    saying its note and tags are the plugin's; any other line under it is the user's, kept
    under it (``mine``)."""
    end = index + 1
    while end < len(lines) and _CONTINUATION.match(lines[end]):
        end += 1
    item = max(end, item_end(lines, index))
    # Only indented lines: a line at the margin (a code fence) is not the highlight's in Markdown.
    item = next((at for at in range(end, item) if lines[at].strip() and not lines[at][:1].isspace()), item)
    highlight = matcher.match(lines[index:end])
    if highlight is None:
        return item  # the user's bullet: every line of it stays theirs
    roles[index:end] = ["highlights"] * (end - index)
    mine = False
    while end < item:
        sub_end = end + 1
        owned = SUB_ITEM.match(lines[end]) is not None
        if owned:
            while sub_end < item and _SUB_CONTINUATION.match(lines[sub_end]):
                sub_end += 1
            owned = matcher.owns_sub_item(highlight, lines[end:sub_end])
        roles[end:sub_end] = ["highlights" if owned else "mine"] * (sub_end - end)
        mine = mine or not owned
        end = sub_end
    if mine:
        under.setdefault(block_id(highlight.id), []).extend(range(index + 1, item))
    return item
