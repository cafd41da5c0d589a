"""Adopting notes written by the official Readwise plugin, keeping every line the user wrote.

A plugin note looks like (default templates)::

    # Title
    ![rw-book-cover](…)
    ## Metadata
    - Author: [[…]]
    - Full Title: …
    - Category: #books
    - URL: …
    ## Highlights
    - text ([Location 47](…))
        - Note: …
    ## New highlights added August 12, 2023 at 4:37 PM
    - text …

Adoption sorts its lines into the plugin's and the user's (:mod:`.plugin_lines`: the title,
cover and metadata lines, the highlights headings, and each bullet that is one of the
document's highlights with its ``Note:``/``Tags:`` sub-bullets). The header region takes the
place of the first plugin header line, the highlights region the place of the first plugin
highlights line, the other plugin lines (and blank lines between two of them) go; every other
line stays, in order, blank ones too. A bullet that is not one of the document's highlights
(or that the user edited) is kept as the user's: nothing is lost. Lines the user wrote under a
highlight's bullet (``    - my thought``, the blank lines after them) stay under it: that
highlight goes into the region as a block the user edited, kept as it is by later runs, the
library's current note and tags added unless a line under it says them. A ``Note:``/``Tags:``
line alone under a bullet is the plugin's: the highlight shows the library's current note and
follows upstream like any other; one saying an older note stays (perhaps the user's words),
outside the region, and is said. What
excerpta writes takes the note's line ending. A note holding our region markers is ours (its
``excerpta-id`` removed), never adopted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from excerpta.identity import normalize_text, normalize_url
from excerpta.model import Document
from excerpta.writers.obsidian.blocks import as_part
from excerpta.writers.obsidian.plugin_lines import (
    HIGHLIGHTS,
    META_ITEM,
    METADATA,
    SUB_ITEM,
    TITLE,
    HighlightMatcher,
    SortedLines,
    classify_lines,
)
from excerpta.writers.obsidian.region import (
    find_regions,
    in_line_endings,
    kept_region,
    line_ending,
    render_region,
)

_AUTHOR_LINK = re.compile(r"^\s*\[\[(?P<name>.*)\]\]\s*$")
_MARKER = re.compile(r"^%% excerpta:(?:begin|end) ", re.MULTILINE)


@dataclass(frozen=True)
class PluginNote:
    """What identifies the document a Readwise-plugin note is about."""

    url: str
    title: str
    author: str


def read_plugin_note(body: str) -> PluginNote | None:
    """The identity of a note written by the Readwise plugin, or None if ``body`` is not one
    (it needs a ``Metadata`` heading and a ``Highlights`` heading)."""
    lines = body.splitlines()
    if not any(METADATA.match(line) for line in lines) or not any(
            HIGHLIGHTS.match(line) for line in lines):
        return None
    values: dict[str, str] = {}
    heading = ""
    for line in lines:
        if not heading and (title := TITLE.match(line)):
            heading = title.group("title")
        item = META_ITEM.match(line)
        if item and item.group("key") not in values:
            values[item.group("key")] = item.group("value").strip()
    author = values.get("Author", "")
    if link := _AUTHOR_LINK.match(author):
        author = link.group("name")
    return PluginNote(normalize_url(values.get("URL", "")),
                      normalize_text(values.get("Full Title") or heading), normalize_text(author))


def plugin_keys(note: PluginNote) -> list[str]:
    """The keys a plugin note is found by: its URL, and its title (its full title, else its
    heading: the readable title) + author."""
    keys = [f"url:{note.url}"] if note.url else []
    if note.title:
        keys.append(f"title:{note.title}\x1f{note.author}")
    return keys


def document_keys(document: Document) -> list[str]:
    """The keys a document's plugin note would be found by, best first."""
    keys = [f"url:{normalize_url(document.url)}"] if document.url else []
    author = normalize_text(document.author)
    keys.append(f"title:{normalize_text(document.title)}\x1f{author}")
    if document.readable_title:  # a note without "- Full Title:" is known by its "# heading"
        keys.append(f"title:{normalize_text(document.readable_title)}\x1f{author}")
    return keys


def holds_regions(body: str) -> bool:
    """Whether ``body`` holds a line of excerpta's region markers: a note excerpta wrote (its
    ``excerpta-id`` removed, say), never one of the plugin's to adopt."""
    return _MARKER.search(body) is not None


def adopt_body(body: str, document: Document, header_body: str, highlights_body: str,
               blocks: dict[str, str]) -> tuple[str, int]:
    """``body`` of a plugin note with its plugin lines replaced by our two regions (rendered
    from ``header_body`` and ``highlights_body``; ``blocks``: each highlight's rendered block
    by block id), in the note's line ending; and how many highlights showed an older
    ``Note:``/``Tags:`` line than the library's, now showing the library's (see
    :class:`.plugin_lines.SortedLines`). A line the user wrote under a highlight's bullet
    stays under it, in the highlights region, as a block the user edited (see
    :func:`_edited_region`); a blank line goes only from between two plugin lines."""
    newline = line_ending(body)
    lines = body.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    plain = [line.rstrip("\r\n") for line in lines]
    sorted_lines = classify_lines(plain, HighlightMatcher(document))
    roles = sorted_lines.roles
    highlights_region = _edited_region(highlights_body, blocks, sorted_lines, plain)
    header_region, highlights_region = (in_line_endings(region, newline) for region in
                                        (render_region("header", header_body), highlights_region))
    spans = {role: _span(roles, role) for role in ("header", "highlights")}
    between = _between_plugin_lines(plain, roles)
    out: list[str] = []
    if spans["header"] is None:
        out.append(header_region)
    if spans["highlights"] is None and spans["header"] is None:
        out.append(highlights_region)
    for index, line in enumerate(lines):
        for role, region in (("header", header_region), ("highlights", highlights_region)):
            span = spans[role]
            if span is not None and index == span[0]:
                out.append(region)
        inside = any(s is not None and s[0] < index < s[1] for s in spans.values())
        if roles[index] == "user" and (plain[index].strip() or not inside or not between[index]):
            out.append(line)
        header = spans["header"]
        if spans["highlights"] is None and header is not None and index == header[1]:
            out.append(highlights_region)
    return "".join(out), sorted_lines.replaced


def _edited_region(body: str, blocks: dict[str, str], sorted_lines: SortedLines, lines: list[str]) -> str:
    """The highlights region of ``body``, each highlight the user wrote under
    (``sorted_lines.under``) as the user's block: its rendered bullet, then the lines the note
    shows under it (after a ``Note:``/``Tags:`` sub-item of ours they do not say), as a region
    the user edited (its end marker's hash is of ``body``), so a re-sync keeps that block as it
    is and updates the others (:mod:`.highlights_region`). A block not found in ``body`` (a
    template's quirk) leaves the lines where they are, as the user's (roles updated)."""
    edited, roles = body, sorted_lines.roles
    for ident, indexes in sorted_lines.under.items():
        block = as_part(blocks.get(ident, ""))
        if not block or block not in edited:
            for index in indexes:
                roles[index] = "user" if roles[index] == "mine" else roles[index]
            continue
        under = [lines[index] for index in indexes]
        edited = edited.replace(block, _with_lines_under(block, ident, under, sorted_lines.said[ident]), 1)
    fresh = render_region("highlights", body)
    return fresh if edited == body else kept_region(find_regions(fresh)["highlights"], edited)


def _with_lines_under(block: str, ident: str, mine: list[str], shown: set[str]) -> str:
    """``block`` (rendered, block id ``ident``) with ``mine`` (the lines under its bullet in the
    note) in place of its sub-items, but for a ``Note:``/``Tags:`` sub-item of a kind (``Note``,
    ``Tags``) not in ``shown`` (what ``mine`` says as the library does): kept, first. So a
    note added or changed upstream since the plugin wrote the note is shown, and an older one
    among ``mine`` (perhaps the user's words) stays too."""
    lines = block.split("\n")
    own = next((index + 1 for index, line in enumerate(lines) if f"^{ident}" in line), len(lines))
    extra: list[str] = []
    keep = False
    for line in lines[own:]:
        if item := SUB_ITEM.match(line):
            keep = item.group("kind") not in shown
        extra += [line] if keep else []
    return "\n".join([*lines[:own], *extra, *mine])


def _between_plugin_lines(lines: list[str], roles: list[str]) -> list[bool]:
    """Per line: whether it is blank with a plugin line (or one of ``mine``, which goes into
    the region too) as the nearest non-blank line on either side: a blank line that may go."""
    before = [False] * len(lines)  # the nearest non-blank line above is a plugin line
    last = False
    for index, line in enumerate(lines):
        if line.strip():
            last = roles[index] != "user"
        else:
            before[index] = last
    result = [False] * len(lines)
    last = False
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            last = roles[index] != "user"
        else:
            result[index] = before[index] and last
    return result


def _span(roles: Iterable[str], role: str) -> tuple[int, int] | None:
    indexes = [index for index, value in enumerate(roles) if value == role]
    return (indexes[0], indexes[-1]) if indexes else None
