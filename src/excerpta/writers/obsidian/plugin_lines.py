"""The lines of a note the Readwise plugin wrote, sorted into the plugin's and the user's: what
:mod:`.adoption` replaces with our regions and what it keeps (see there for such a note).

Plugin lines are: the ``# Title`` line, the cover line, ``## Metadata`` and its known
``- Key:`` bullets (the first of each key, up to the next heading; what the user wrote among
them stays theirs), the ``## Highlights`` and ``## New highlights added …`` headings, and every
highlight bullet that is one of the document's highlights (same text, :class:`HighlightMatcher`)
with its continuation lines and its ``Note:``/``Tags:`` sub-bullets (``**Note:**`` too, as
Readwise's Markdown export writes it): one saying an older note (tags) than the highlight's is
the plugin's too, which writes a note once and never updates it (kept, as it may be the
user's words, but the highlight follows the library); one under a highlight with
no note (tags) is the user's. Every other line is the user's, one under such a bullet kept
under it (:func:`classify_lines`). A line the user edited is therefore the user's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
# ``Note:``, ``**Note**:`` (the plugin's templates) or ``**Note:**`` (Readwise's Markdown export).
SUB_ITEM = re.compile(r"^    - (?:\*\*)?(?P<kind>Note|Tags)(?::\*\*|\*\*:|:)(?P<value>.*)$")

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

    @staticmethod
    def has_kind(highlight: Highlight, lines: list[str]) -> bool:
        """True if ``highlight`` has a note (tags) at all, ``lines`` being a ``Note:``
        (``Tags:``) sub-bullet: one that differs then shows an older one the plugin wrote."""
        item = SUB_ITEM.match(lines[0])
        kind = item.group("kind") if item else ""
        if kind == "Note":
            return bool((highlight.note or "").strip())
        return kind == "Tags" and bool(highlight.tags)


@dataclass
class SortedLines:
    """A plugin note's lines sorted: a role per line (``header``, ``highlights``: plugin
    lines; ``mine``: a line the user wrote under one of the plugin's highlight bullets, or a
    line kept with them; ``user``: any other); by block id, the line indexes under each
    highlight bullet that holds a line of the user's (the blank lines after the last one up to
    the next plugin line, and its ``Note:``/``Tags:`` sub-items among them) and the kinds
    (``Note``, ``Tags``) of those sub-items that say what the library says; and ``replaced``:
    how many highlights' ``Note:``/``Tags:`` sub-items said an older note or tags (the plugin
    wrote them before they were changed in Readwise, or the user edited them), the library's
    current ones shown in the region, the older lines kept where they are as the user's, the
    highlight holding no other line of the user's."""

    roles: list[str]
    under: dict[str, list[int]] = field(default_factory=dict)
    said: dict[str, set[str]] = field(default_factory=dict)
    replaced: int = 0


def classify_lines(lines: list[str], matcher: HighlightMatcher) -> SortedLines:
    """The roles of ``lines`` (without their line ends), see :class:`SortedLines`."""
    roles = ["user"] * len(lines)
    result = SortedLines(roles)
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
            index = _classify_bullet(lines, index, matcher, result)
            continue
        elif _HEADING.match(line):
            # Only a heading ends the metadata: a line the user wrote among its bullets
            # (``    - see also [[Grit]]``) stays theirs, and the bullets after it the plugin's.
            in_metadata = False
        index += 1
    for ident, indexes in result.under.items():
        result.under[ident] = _with_blank_lines_after(lines, roles, indexes)
    return result


def _classify_bullet(lines: list[str], index: int, matcher: HighlightMatcher, result: SortedLines) -> int:
    """Sort the list item starting at ``index`` (its lines as :func:`.blocks.item_end` reads
    them, as a region would); returns where it ends. A highlight's bullet, its continuation
    lines and its ``Note:``/``Tags:`` sub-items are the plugin's; any other line under it is
    the user's, kept under it (``mine``) with every line under the bullet. A sub-item saying
    another note (tags) than the highlight's current one is the plugin's older one if the
    highlight has one (kept, as the user's: the highlight follows the library), else the
    user's."""
    roles = result.roles
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
    below = end  # the first line under the bullet (not one of its own continuation lines)
    said: set[str] = set()
    mine = older = False
    while end < item:
        sub_end = end + 1
        sub_item = SUB_ITEM.match(lines[end])
        role = "mine" if lines[end].strip() else "highlights"
        if sub_item is not None:
            while sub_end < item and _SUB_CONTINUATION.match(lines[sub_end]):
                sub_end += 1
            if matcher.owns_sub_item(highlight, lines[end:sub_end]):
                role = "highlights"
                said.add(sub_item.group("kind"))
            elif matcher.has_kind(highlight, lines[end:sub_end]):
                role, older = "older", True
        roles[end:sub_end] = [role] * (sub_end - end)
        mine = mine or role == "mine"
        end = sub_end
    if not mine:
        # The highlight follows the library; an older line stays where it is (perhaps the
        # user's words), with the user's lines outside the region.
        roles[below:item] = ["user" if role == "older" else role for role in roles[below:item]]
        result.replaced += older
        return item
    # The user's lines make it their block: every line under the bullet stays, as written (an
    # older note among them, which may be the user's words: the current one is added).
    roles[below:item] = ["mine"] * (item - below)
    result.under.setdefault(block_id(highlight.id), []).extend(range(below, item))
    result.said.setdefault(block_id(highlight.id), set()).update(said)
    return item


def _with_blank_lines_after(lines: list[str], roles: list[str], indexes: list[int]) -> list[int]:
    """``indexes`` (the user's lines under a highlight's bullets, ``mine``) with the blank
    lines after each run of them when a line going into the region (a plugin line, or
    ``mine``) follows: the user's blank lines, kept with their lines."""
    kept: list[int] = []
    for at, index in enumerate(indexes):
        kept.append(index)
        if at + 1 < len(indexes) and indexes[at + 1] == index + 1:
            continue
        after = index + 1
        while after < len(lines) and not lines[after].strip():
            after += 1
        if index + 1 < after < len(lines) and roles[after] != "user":
            roles[index + 1:after] = ["mine"] * (after - index - 1)
            kept.extend(range(index + 1, after))
    return kept
