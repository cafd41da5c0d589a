"""One Readwise note (Obsidian plugin or Markdown export) as a canonical Document.

Where each field comes from, first found wins:

==================  ==========================================================================
title               ``- Full Title:``, the ``# heading``, front matter ``title``, the file name
readable_title      the ``# heading``, else the file name if the title goes on from it after
                    ``:`` (:func:`readable_title`); none when it is the title
author              ``- Author:`` (``[[…]]`` removed), front matter ``author``
category            ``- Category: #books``, front matter ``category``, the category folder
url                 ``- URL:``, front matter ``url``/``link``/``source_url``
cover_image_url     the image before ``Metadata``, front matter ``cover``/``image_url``
tags                ``- Document Tags:`` (``[[a]] [[b]]``, ``#a #b`` or ``a, b``)
summary, note       ``- Summary:``, ``- Document Note:``
source              front matter ``source``, else the platform the location links prove
asin                the ASIN in Kindle ``to_kindle`` links
==================  ==========================================================================

Front-matter ``author`` is only a fallback because custom templates often put the vault
owner there; front-matter ``tags`` are the template's decoration (``literature-note``,
``#Type/Highlight/Article``), not the document's Readwise tags, and are not read.

Highlight text is kept verbatim (inline Markdown, links, images), with the two-space
continuation indent removed and the location link split off (see :mod:`.location_links`). In
a note our obsidian writer wrote (its front matter has an ``excerpta-id``), the text taken from
the note's body is the source's again: the escapes that writer adds to make it inert are
undone (:func:`excerpta.markdown_safety.restore`), and a highlight shown by an embed (its
``atomic`` option) is read from the note it embeds (see :mod:`.embeds`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from excerpta import identity
from excerpta.markdown_safety import restore
from excerpta.model import Category, Document, Highlight
from excerpta.readers.readwise_md.embeds import embedded, is_embed
from excerpta.readers.readwise_md.front_matter import as_text
from excerpta.readers.readwise_md.location_links import LocationLink, split_location_link
from excerpta.readers.readwise_md.note_layout import NoteBody
from excerpta.readers.readwise_md.note_parts import BLOCK_ID, HighlightBlock
from excerpta.readers.undecodable import name_as_text
from excerpta.readwise import own_links

WIKILINK = re.compile(r"\[\[(?P<target>[^\]|]+)(?:\|(?P<display>[^\]]*))?\]\]")
HASHTAG = re.compile(r"(?:^|\s)#(?P<tag>[^\s#]+)")
EXCERPTA_ID_KEY = "excerpta-id"  # front matter property of notes our obsidian writer wrote
# Our obsidian writer's block ids: ``hl-<highlight id>``, or ``hl-<20 hex digits>`` (a hash,
# which does not give the id back) for ids Obsidian would not accept.
OUR_BLOCK_ID = re.compile(r"^hl-(?!(?:[0-9a-f]{20})$)(?P<id>[A-Za-z0-9-]+)$")
FAVORITE_TAG = "favorite"
FRONT_MATTER_KEYS = {
    "title": ("title", "full title", "full_title"),
    "author": ("author", "authors"),
    "url": ("url", "link", "source_url", "source url"),
    "category": ("category",),
    "source": ("source",),
    "cover": ("cover", "cover_image_url", "image_url", "image"),
    "summary": ("summary",),
    "document_note": ("document_note", "document note"),
}


class NotAReadwiseNote(ValueError):
    """The file has no Readwise note layout (no ``Highlights`` section with Readwise markers)."""


def is_readwise_note(body: NoteBody) -> bool:
    """A ``Highlights`` section, plus a ``Metadata`` section or a Readwise location link."""
    if not body.has_highlights:
        return False
    if body.has_metadata:
        return True
    return any(split_location_link("\n".join(b.text_lines))[1] is not None for b in body.highlights)


def unwikilink(value: str | None, *, shown: bool = False) -> str | None:
    """``"[[Ann Lee]]"`` -> ``"Ann Lee"``, ``"[[A]] and [[B|Bee]]"`` -> ``"A and B"`` (``shown``:
    ``"A and Bee"``, see :func:`_linked`); None for empty."""
    if not value or not value.strip():
        return None
    return WIKILINK.sub(lambda match: _linked(match, shown), value).strip()


def _linked(link: re.Match[str], shown: bool) -> str:
    """A wikilink's target, or (``shown``) its display text if it has one: our obsidian writer
    links a value a link target cannot hold (``Smith: A Life``) as ``[[Smith A Life|Smith: A Life]]``."""
    display = link.group("display")
    return (display if shown and display is not None and display.strip() else link.group("target")).strip()


def split_tag_list(value: str | None, *, shown: bool = False) -> list[str]:
    """Tags written as ``[[a]] [[b]]``, ``#a #b`` or ``a, b``, in order (``shown``: as
    :func:`unwikilink`)."""
    if not value or not value.strip():
        return []
    if "[[" in value:
        return [_linked(m, shown) for m in WIKILINK.finditer(value)]
    if value.lstrip().startswith("#"):
        return [m.group("tag") for m in HASHTAG.finditer(value)]
    return [tag.strip() for tag in value.split(",") if tag.strip()]


def parse_category(value: str | None) -> Category | None:
    """``"#books"``/``"books"``/``"Books"`` -> ``Category.BOOKS``; anything else None."""
    if not value:
        return None
    folded = value.strip().lstrip("#").strip().casefold()
    try:
        return Category(folded)
    except ValueError:
        return None


def _front(front: dict[str, Any], name: str) -> str | None:
    for key in FRONT_MATTER_KEYS[name]:
        text = as_text(front.get(key))
        if text:
            return text
    return None


def readable_title(heading: str, stem: str, title: str) -> str | None:
    """The shorter name a note shows for ``title``: its ``# heading`` (where Readwise's plugin
    writes the readable title), else its file name ``stem`` (the plugin names notes by it) when
    ``title`` goes on from it after a colon (``Screenwriting`` of ``Screenwriting: The Sequence
    Approach``: a name from another template, or cut short, is none); None when it is
    ``title``."""
    if not heading:
        name = stem.strip()
        rest = title[len(name):] if name and title[:len(name)].casefold() == name.casefold() else ""
        heading = name if rest.lstrip().startswith(":") else ""
    return heading if heading and heading != title else None


def build_highlight(document_id: str, block: HighlightBlock,
                    ours: bool = False) -> tuple[Highlight, LocationLink | None]:
    """The highlight of one bullet, and the location link it ended with (if any).

    ``ours``: the note was written by excerpta's obsidian writer, so a ``^hl-<id>`` block id
    gives the highlight's id back exactly.
    """
    raw = "\n".join(block.text_lines).rstrip()
    block_id = BLOCK_ID.search(raw)
    raw = BLOCK_ID.sub("", raw)
    own_id = OUR_BLOCK_ID.match(block_id.group("block")) if ours and block_id else None
    unescaped = restore if ours else _verbatim
    text, link = split_location_link(raw, unescaped)
    text = unescaped(text.rstrip())
    tags = [unescaped(tag) for tag in split_tag_list(block.tags, shown=ours)]
    note = unescaped("\n".join(block.note_lines).strip()) if block.note_lines else None
    external_ids = dict(link.external_ids) if link else {}
    # A highlight excerpta sent to Readwise links to the mark it was sent with: the library's id.
    sent, url = own_links.own_id(unescaped(link.url)) if link and link.url else (None, None)
    if sent is not None:
        external_ids[identity.SENT_ID_KEY] = sent
    location = link.location if link else None
    if own_id is not None:
        highlight_id = own_id.group("id")
    elif "readwise" in external_ids:
        highlight_id = identity.source_id("readwise", external_ids["readwise"])
    elif "reader" in external_ids:
        highlight_id = identity.source_id("reader", external_ids["reader"])
    else:
        highlight_id = identity.highlight_id(document_id, text, location)
    highlight = Highlight(
        id=highlight_id,
        text=text,
        note=note or None,
        location=location,
        location_type=link.location_type if link else None,
        chapter=unescaped(block.chapter) if block.chapter else None,
        url=url,  # a mark: no link
        tags=tags,
        is_favorite=FAVORITE_TAG in tags,
        external_ids=external_ids,
    )
    return highlight, link


def _verbatim(text: str) -> str:
    return text


def build_document(body: NoteBody, front: dict[str, Any], path: Path, root: Path) -> Document:
    """The Document of a parsed note at ``path``, its embedded notes read from inside ``root``;
    raises NotAReadwiseNote if it is none."""
    if not is_readwise_note(body):
        raise NotAReadwiseNote(str(path))
    own_id = as_text(front.get(EXCERPTA_ID_KEY))
    unescaped = _verbatim if own_id is None else restore
    # The writer made each value inert where a template put it, a link (``[[…]]``, our
    # wikilink filter's output) as a whole: restored as a whole, before the link is taken
    # apart (restoring a link's target alone would take a line-start escape off "\```").
    meta = {key: unescaped(value) for key, value in body.metadata.items()}
    heading = unescaped(body.title or "").strip()
    stem = name_as_text(path.stem)  # (a note named on a Latin-1 system)
    title = (meta.get("full title") or heading or _front(front, "title") or stem).strip()
    ours = own_id is not None
    author = (unwikilink(meta.get("author"), shown=ours)
              or unwikilink(_front(front, "author"), shown=ours))
    url = meta.get("url") or _front(front, "url")
    category = (parse_category(meta.get("category")) or parse_category(_front(front, "category"))
                or parse_category(path.parent.name))
    document_id = own_id or identity.document_id(title, author, url)
    highlights: list[Highlight] = []
    asin: str | None = None
    link_source: str | None = None
    for block in body.highlights:
        if own_id is not None and is_embed(block):
            shown = embedded(path, block, root)
            if shown is None:
                continue
            block = shown
        highlight, link = build_highlight(document_id, block, ours=own_id is not None)
        if not highlight.text and not highlight.note:
            continue  # an empty bullet
        highlights.append(highlight)
        if link is not None:
            asin = asin or link.asin
            link_source = link_source or link.source
    return Document(
        id=document_id,
        title=title,
        readable_title=readable_title(heading, stem, title),
        author=author,
        category=category,
        source=_front(front, "source") or link_source,
        url=url,
        cover_image_url=unescaped(body.cover_url or "") or _front(front, "cover"),
        asin=asin,
        tags=split_tag_list(meta.get("document tags") or meta.get("tags"), shown=ours),
        document_note=meta.get("document note") or _front(front, "document_note"),
        summary=meta.get("summary") or _front(front, "summary"),
        highlights=highlights,
    )
