"""Rendering one document into the pieces of a note: properties, header, highlight blocks.

:class:`NoteRenderer` runs the templates (see :mod:`.templates`) over the variables (see
:mod:`.variables`); :mod:`.note` assembles the pieces into a new note or merges them into an
existing one. Every highlight block carries its block id (``^hl-…``), added after the
location link when the template does not place it, so links to a highlight survive re-syncs
and an append-only update can tell which highlights a note already has. Highlights go in
reading order (:func:`~excerpta.ordering.reading_order`). Where the chapter changes from one highlight to the
next, the chapter template's heading goes between them; it is not part of either block, so an
append-only update adds blocks without headings. Highlights with no chapter after a chapter's
go under an empty heading of that chapter heading's level (``###``): it ends the chapter's
section, in Obsidian's outline and for the ``readwise-md`` reader, without naming a chapter.

With the ``atomic`` option a highlight with a note of its own (see :mod:`.atomic`) is shown in
its document's note by the embed template instead, which links to that note; it keeps its
block id.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

import jinja2

from excerpta.model import Document, Highlight
from excerpta.ordering import reading_order, sort_group
from excerpta.writers.obsidian.blocks import BLOCK_START, ITEM_INDENT, ITEM_PARAGRAPH
from excerpta.writers.obsidian.frontmatter import ID_PROPERTY, with_id
from excerpta.writers.obsidian.naming import CATEGORY_FOLDERS, MAX_NAME_BYTES, block_id, sanitize_name
from excerpta.writers.obsidian.region import block_ids, guard_markers, render_region
from excerpta.writers.obsidian.template_names import used_names
from excerpta.writers.obsidian.templates import NoteTemplates
from excerpta.writers.obsidian.variable_text import has_paragraph_break
from excerpta.writers.obsidian.variables import (
    HIGHLIGHT_VARIABLES,
    TITLE_VARIABLES,
    document_variables,
    highlight_variables,
    joined_paragraphs,
    property_variables,
    title_variables,
)

_BLANK_END = re.compile(r"\n[ \t]*\n\s*\Z")
_HEADING_MARKS = re.compile(r"^(#{1,6})(?:[ \t]|$)", re.MULTILINE)
# A list item nested in a highlight's item: a template's sub-bullet ("  - Note: …").
_NESTED_ITEM = re.compile(r"\s{2,}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# A quote's (or a callout's) line, the lines of its value (indented), then a paragraph of it
# after a blank line: outside the quote.
_QUOTE_BROKEN = re.compile(rf"^>[^\n]*(?:\n {{{ITEM_INDENT}}}[^\n]*)*\n\n {{{ITEM_INDENT}}}\S", re.MULTILINE)


@dataclass(frozen=True)
class RenderedNote:
    """A document rendered: what goes in each part of its note."""

    properties: dict[str, Any]
    header_body: str
    highlights_body: str
    # (block id, block) of every highlight not deleted; a block the template ends with a blank
    # line ends with "\n" (set apart by blank lines wherever a merge inserts it).
    live_blocks: list[tuple[str, str]]
    blocks: dict[str, str]  # block id -> block of every highlight rendered (struck ones too)
    headings: dict[str, str]  # block id -> the chapter heading right above it, where one is

    def text(self, front_matter: str) -> str:
        """A whole new note with ``front_matter`` (already dumped) on top."""
        return (front_matter + render_region("header", self.header_body)
                + render_region("highlights", self.highlights_body))


def text_size(document: Document) -> int:
    """The characters of ``document``'s own text: what its note's renders may make in
    proportion to (see :meth:`.template_limits.RenderBudget.allow`)."""
    return sum(len(text) for text in (document.title, document.readable_title, document.author,
                                      document.summary, document.document_note) if text) + sum(
        len(highlight.text) + len(highlight.note or "") for highlight in document.highlights)


def location_kinds(highlights: Iterable[Highlight]) -> dict[str, Hashable]:
    """The kind of location each highlight :func:`reading_order` sorts (one with a numeric
    location, or at an EPUB CFI) is sorted among (:func:`~excerpta.ordering.sort_group`), by
    block id."""
    return {block_id(highlight.id): group for highlight in highlights
            if (group := sort_group(highlight)) is not None}


def _place_block_id(block: str, ident: str) -> str:
    # The id goes at the end of the item's own text, after the location link: before its first
    # sub-bullet (a list item indented 2+ spaces, or any line indented 3+) or a blank line, so
    # it names the whole list item, not the sub-item ("  - Note: …") it would end; but a list
    # item's text of several paragraphs (a blank line, then lines indented two spaces) goes on
    # after a blank line. A line of the highlight's own text is never a sub-bullet: defang
    # escapes a list marker starting one ("  \- one;"). A quote's or a callout's id ends its
    # first paragraph.
    # Placed by the template (an embed's "#^id]]" is a link, not the id); the substring test
    # first, as a template rarely places it.
    if f"^{ident}" in block and ident in block_ids(block):
        return block
    if "\n" not in block:  # a one-line item, the common case
        return f"{block.rstrip()} ^{ident}"
    lines = block.split("\n")
    end = len(lines)
    paragraphs = BLOCK_START.match(block) is not None
    for index in range(1, len(lines)):
        line = lines[index]
        if line.strip() and not line.startswith(("   ", "\t")) and not _NESTED_ITEM.match(line):
            continue
        if (paragraphs and not line.strip() and index + 1 < end and ITEM_PARAGRAPH.match(lines[index + 1])
                and not _NESTED_ITEM.match(lines[index + 1])):
            continue
        end = index
        break
    lines[end - 1] = f"{lines[end - 1].rstrip()} ^{ident}"
    return "\n".join(lines)


def _paragraph(text: str) -> str:
    """Rendered template output as region content: trailing whitespace lines dropped."""
    return guard_markers(text.rstrip("\n")) if text.strip() else ""


def _ends_with_blank_line(text: str) -> bool:
    """Whether template output ends with a blank line: the template sets its highlights apart
    (a quote or a callout per highlight must be, or they run together into one)."""
    return bool(_BLANK_END.search(text))


def _chapter_end(heading: str) -> str:
    """What ends the section of a chapter ``heading`` opened, set off by blank lines, for
    highlights of no chapter (or one whose heading the template leaves out): an empty heading
    of its level, which names no chapter; "" if ``heading`` is no Markdown heading."""
    marks = _HEADING_MARKS.search(heading.strip())
    return f"\n{marks.group(1)}\n" if marks else ""


def is_chapter_end(heading: str) -> bool:
    """Whether a chapter ``heading`` (as rendered) names no chapter: the empty heading
    :func:`_chapter_end` writes (or nothing)."""
    return not heading.strip().lstrip("#").strip()


def _breaks_out(output: str, context: dict[str, Any]) -> bool:
    """Whether a highlight rendered as ``output`` is not a list item (a quote, a callout, a
    paragraph) and its text or note holds a paragraph break, whose blank line would end it."""
    return (not BLOCK_START.match(output)
            and any(has_paragraph_break(context[key]) for key in ("highlight_text", "highlight_note")))


class NoteRenderer:
    """Renders documents with one set of templates and options."""

    def __init__(self, templates: NoteTemplates, *, flat: bool = False,
                 max_name_bytes: int = MAX_NAME_BYTES, embed: jinja2.Template | None = None,
                 zone: tzinfo | None = None) -> None:
        self.templates = templates
        self.zone = zone  # the display zone of dates (None: this machine's)
        self.embed = embed or templates.embed  # the atomic set's, for a document's note
        self.flat = flat
        self.max_name_bytes = max_name_bytes
        # Every property the front-matter template may write, plus ours.
        self.managed_properties = {key for key, _ in templates.frontmatter} | {ID_PROPERTY}
        self.links: Mapping[str, str] = {}
        # The names the highlight template reads that are no highlight variable (None: unknown).
        names = used_names(templates.highlight)
        self._highlight_names = names
        self._other_names = None if names is None else names.difference(HIGHLIGHT_VARIABLES)
        # Whether the file-name template reads no more than the titles of the document
        # variables (a subclass's variables may be others: see file_stem).
        names = used_names(templates.filename)
        self._titles_only = (names is not None and names <= TITLE_VARIABLES
                             and type(self).variables is NoteRenderer.variables)

    def with_links(self, links: Mapping[str, str]) -> NoteRenderer:
        """This renderer, showing the highlights in ``links`` (highlight id → link target of
        the highlight's own note) by the embed template."""
        bound = copy.copy(self)
        bound.links = links
        return bound

    def variables(self, document: Document) -> dict[str, Any]:
        """The variables every template of a note of ``document`` sees."""
        return document_variables(document, self.zone)

    def folder(self, document: Document) -> str:
        """The folder (relative, POSIX) a new note of ``document`` goes in."""
        return "" if self.flat else CATEGORY_FOLDERS.get(document.category, CATEGORY_FOLDERS[None])

    def place(self, document: Document) -> str:
        """Where a new note of ``document`` would go: folder and file name, without ``.md``."""
        return "/".join(part for part in (self.folder(document), self.file_stem(document)) if part)

    def file_stem(self, document: Document) -> str:
        """The portable file name (no ``.md``) the file-name template gives ``document``."""
        self.templates.budget.allow(text_size(document))
        # Given the titles alone when it reads no other name (a name unknown to it would be
        # warned about with a hint among every variable): the other variables cost as much as
        # the rest of this.
        variables = title_variables(document) if self._titles_only else self.variables(document)
        context = self.templates.context(variables)
        rendered = self.templates.render(self.templates.filename, context)
        return sanitize_name(rendered, self.max_name_bytes)

    def render(self, document: Document, *, strike: Collection[str] = ()) -> RenderedNote:
        """Render ``document``. A deleted highlight is left out, or struck through if its block
        id is in ``strike`` (it was in the note before and the user asked to keep it)."""
        allowance = text_size(document)
        self.templates.budget.allow(allowance)
        NoteTemplates.budget_of(self.embed).allow(allowance)  # the atomic set's, for the embeds
        variables = self.variables(document)
        properties = with_id(document.id, self.templates.properties(property_variables(variables)))
        base = self.templates.context(variables)
        names = self._highlight_names
        if names is not None and not all(name in base for name in self._other_names):
            names = None  # a name that is no variable: its warning suggests among all of them
        header = _paragraph(self._header(document, base))
        top = _paragraph(self.templates.render(self.templates.highlights_header, base))
        parts, live, blocks, headings = [top] if top else [], [], {}, {}
        chapter, opened = "", ""  # opened: the heading over the chapter's highlights
        apart = False  # the block before wants a blank line after it
        for highlight in reading_order(document.highlights):
            ident = block_id(highlight.id)
            if highlight.is_deleted and ident not in strike:
                continue
            template = self.templates.highlight
            link = self.links.get(highlight.id)
            made = None if link else names  # (an embed is another template)
            context = highlight_variables(document, highlight, base, strike=highlight.is_deleted,
                                          zone=self.zone, names=made)
            if link:
                context["highlight_link"] = link
                template = self.embed
            output = self.templates.render(template, context)
            if _breaks_out(output, context):  # a quote or a callout: paragraphs joined
                context |= highlight_variables(document, highlight, base, strike=highlight.is_deleted,
                                               zone=self.zone, paragraphs=False, names=made)
                output = self.templates.render(template, context)
            rendered = _paragraph(output)
            if not rendered:
                continue
            if context["highlight_chapter"] != chapter:
                chapter = context["highlight_chapter"]
                heading = self._chapter_heading(chapter, base) if chapter else ""
                parts.append(heading or _chapter_end(opened))
                opened = heading
                if parts[-1]:
                    headings[ident] = parts[-1]
                    apart = False  # a heading is set apart already
            if apart:
                parts[-1] += "\n"  # the block before, then a blank line
            block = _place_block_id(rendered, ident)
            parts.append(block)
            blocks[ident] = block
            apart = _ends_with_blank_line(output)
            if not highlight.is_deleted:
                live.append((ident, block + "\n" if apart else block))
        parts = [part for part in parts if part]
        return RenderedNote(
            properties=properties,
            header_body=(header + "\n\n") if header else "",
            highlights_body=("\n".join(parts) + "\n\n") if parts else "",
            live_blocks=live,
            blocks=blocks,
            headings=headings,
        )

    def _header(self, document: Document, base: dict[str, Any]) -> str:
        """The header template rendered; again with the paragraphs of the summary and the
        document note joined if one of them would break out of a quote or a callout."""
        output = self.templates.render(self.templates.header, base)
        if (any(has_paragraph_break(base[key]) for key in ("summary", "document_note"))
                and _QUOTE_BROKEN.search(output)):
            output = self.templates.render(self.templates.header, base | joined_paragraphs(document))
        return output

    def _chapter_heading(self, chapter: str, base: dict[str, Any]) -> str:
        """The chapter template rendered for ``chapter``, set off by blank lines."""
        heading = _paragraph(self.templates.render(self.templates.chapter, {**base, "chapter": chapter}))
        return f"\n{heading}\n" if heading else ""
