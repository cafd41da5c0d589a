"""Managed regions: the parts of a note excerpta owns, and how a re-sync updates them.

A note has two managed regions, each between two Obsidian comment lines (invisible in reading
view)::

    %% excerpta:begin header %%
    # Walden
    ...
    %% excerpta:end header 3f9a2b1c0d4e5f60 %%
    %% excerpta:begin highlights %%
    ## Highlights
    - I went to the woods… ([Location 1337](…)) ^hl-ha934d3cdecd4a6a01063
    %% excerpta:end highlights 9c1d…  %%

The end line carries a hash of the region as excerpta wrote it, blind to line ends, trailing
whitespace and list style (:func:`region_digest`): a formatter's ``*`` bullets, ``-   ``
spacing or tab indents are no edit. Everything outside the regions is the user's and is never
touched. On re-sync, per region:

* ``merge`` (default): a region whose hash still matches is re-rendered, in the note's list
  style (:mod:`.list_style`: a formatter finds nothing to change again) (edited highlights
  change in place, new ones appear, deleted ones go, or stay struck through); a header the
  user edited gets a three-way merge of lines (:mod:`.merge3`) against the header as excerpta
  last wrote it (kept per note), applied only where the user and excerpta changed different
  lines, else left as it is (reported); a highlights region the user edited is merged block
  by block (:mod:`.highlights_region`);
* ``append-only``: only highlights never written to the note before are added;
* ``overwrite``: regions are re-rendered, in excerpta's style, even if edited by hand (text
  outside them is still kept).

A region whose markers the user deleted is not put back (reported). A region whose fresh
rendering has the hash it was written with (nothing changed upstream) is left byte for byte as
it is, so a note an editor saved with CRLF line endings, a linter trimmed or a formatter
restyled is not rewritten.
What excerpta writes into a region takes the region's line endings (a CRLF note stays CRLF).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from excerpta.writers.obsidian.list_style import ListStyle, canonical_lines
from excerpta.writers.obsidian.merge3 import merge_lines

Policy = Literal["merge", "append-only", "overwrite"]
REGION_NAMES = ("header", "highlights")
_BEGIN = "%% excerpta:begin {name} %%"
_END = "%% excerpta:end {name} {digest} %%"
_MARKER_LINE = re.compile(r"^%% excerpta:(?:begin|end) .*%%[ \t]*$", re.MULTILINE)
_REGION = re.compile(
    r"^%% excerpta:begin (?P<name>[a-z]+) %%[ \t]*\r?\n"
    r"(?P<body>(?:.*\r?\n)*?)"
    r"%% excerpta:end (?P=name) (?P<digest>[0-9a-f]{16}) %%[ \t]*(?:\r?\n|\Z)",
    re.MULTILINE,
)
_BLOCK_ID = re.compile(r"\^(hl-[A-Za-z0-9-]+)(?=\s|$)")
_LONE_LF = re.compile(r"(?<!\r)\n")
_PLAIN_LINE = re.compile(r"- \S|[^-*+\s]")  # a line starting as excerpta's list items do, or as none does


def region_digest(body: str) -> str:
    """The hash the end marker records (and a note's memo, of each highlight block): 16 hex
    digits of SHA-256 of the body with CRLF as LF, trailing whitespace of each line and blank
    lines at either end left out, and its lists in excerpta's own style
    (:func:`.list_style.canonical_lines`), so an editor or linter that trims lines, changes
    line endings or restyles lists does not make the region look hand-edited. For a body
    written in that style (what the default templates write) it is the hash excerpta recorded
    before it read list styles; see :func:`digest_matches` for the others."""
    if "\n" in body or "\r" in body or body[-1:].isspace() or not _PLAIN_LINE.match(body):
        body = "\n".join(canonical_lines(body.replace("\r\n", "\n").split("\n")))
    # else: one line with nothing to trim and excerpta's marker or none, as most highlight blocks are
    return _sha256_16(body.strip("\n"))


def digest_matches(body: str, digest: str) -> bool:
    """Whether ``digest`` (an end marker's, a memo's) is the hash of ``body`` as it stands, style
    aside: its :func:`region_digest`, or the hash earlier versions of excerpta recorded, of
    the body with only line ends and trailing whitespace left out (a note written in another
    list style by an older excerpta, never rewritten since, still compares equal)."""
    if region_digest(body) == digest:
        return True
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    return _sha256_16("\n".join(lines).strip("\n")) == digest


def _sha256_16(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def render_region(name: str, body: str) -> str:
    """A complete region: begin line, ``body`` (ending with a newline), end line with its hash."""
    return f"{_BEGIN.format(name=name)}\n{body}{_END.format(name=name, digest=region_digest(body))}\n"


def guard_markers(text: str) -> str:
    """``text`` with any line that looks like one of our markers indented, so rendered content
    (a template, a highlight) can never open or close a region."""
    if "%% excerpta:" not in text:  # the substring test is far cheaper than the regex
        return text
    return _MARKER_LINE.sub(lambda m: " " + m.group(0), text)


def block_ids(text: str) -> set[str]:
    """The highlight block ids (``hl-…``, without ``^``) present in ``text``."""
    return set(_BLOCK_ID.findall(text))


@dataclass(frozen=True)
class Region:
    """One managed region found in a note: where it is and whether the user edited it."""

    name: str
    start: int
    end: int
    body: str
    digest: str
    text: str  # the whole region as it stands in the note, marker lines included

    @cached_property  # asked up to four times a merge, and a book's region is long
    def pristine(self) -> bool:
        """True if the region still holds what excerpta wrote, but for line ends, trailing
        whitespace and list style (:func:`digest_matches`)."""
        return digest_matches(self.body, self.digest)

    @property
    def newline(self) -> str:
        """The region's line ending, as its begin line has it (:func:`line_ending`)."""
        return line_ending(self.text)

    @property
    def lines_body(self) -> str:
        """The body with the region's own line ending as ``\\n`` (what the updates work on;
        :func:`replace_regions` puts the region's line ending back)."""
        return self.body.replace("\r\n", "\n") if self.newline == "\r\n" else self.body

    def holds(self, fresh_body: str) -> bool:
        """True if the region is as excerpta wrote it and ``fresh_body`` has the same hash:
        re-rendering would change nothing but line endings, trailing whitespace or list style."""
        return self.pristine and digest_matches(fresh_body, self.digest)


def find_regions(text: str) -> dict[str, Region]:
    """The managed regions of ``text`` by name (the first of each name)."""
    regions: dict[str, Region] = {}
    for match in _REGION.finditer(text):
        name = match.group("name")
        if name in REGION_NAMES and name not in regions:
            regions[name] = Region(name, match.start(), match.end(), match.group("body"),
                                   match.group("digest"), match.group(0))
    return regions


def kept_region(region: Region, body: str | None = None) -> str:
    """``region`` with ``body`` (default: its own) and its recorded hash unchanged, so a region
    the user edited stays recognisably edited."""
    return (f"{_BEGIN.format(name=region.name)}\n{region.body if body is None else body}"
            f"{_END.format(name=region.name, digest=region.digest)}\n")


@dataclass(frozen=True)
class RegionUpdate:
    """What to put in place of a region, a note for the user if we held back, and (highlights)
    the digest of each block as excerpta wrote it, to remember for the next merge."""

    text: str
    message: str | None = None
    written: dict[str, str] = field(default_factory=dict)
    applied: bool = True  # the fresh rendering went in (re-rendered or merged), not held back


def update_header(region: Region, fresh_body: str, policy: Policy,
                  base: str | None = None) -> RegionUpdate:
    """The header region after a re-sync under ``policy``; ``base`` is its body as we last
    wrote it (None: not known). ``applied`` says whether ``fresh_body`` went in."""
    if policy != "append-only" and region.holds(fresh_body):
        return RegionUpdate(region.text)  # nothing changed upstream: not even re-rendered
    if policy == "overwrite":
        return RegionUpdate(render_region(region.name, fresh_body))
    if policy != "merge":
        return RegionUpdate(kept_region(region), applied=False)
    styled = ListStyle.of(region.lines_body).restyle(fresh_body)  # in the note's list style
    if region.pristine:
        return RegionUpdate(render_region(region.name, styled))
    merged = None if base is None else merge_lines(
        base.split("\n"), styled.split("\n"), region.lines_body.split("\n"))
    if merged is None:
        return RegionUpdate(kept_region(region), "header edited by hand; left as it is", applied=False)
    body = "\n".join(merged)
    body += "" if body.endswith("\n") else "\n"
    if body == region.lines_body:
        return RegionUpdate(kept_region(region))  # nothing upstream changed: nothing to say
    return RegionUpdate(kept_region(region, body),
                        "header edited by hand: your lines kept, excerpta's updated")


def line_ending(text: str) -> str:
    """The line ending of ``text``, as its first line has it: ``"\\r\\n"`` or ``"\\n"``."""
    return "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"


def in_line_endings(text: str, newline: str) -> str:
    """``text`` with each bare ``\\n`` as ``newline`` (``"\\r\\n"``: a CRLF note's)."""
    return _LONE_LF.sub("\r\n", text) if newline == "\r\n" else text


def replace_regions(text: str, regions: dict[str, Region], updates: dict[str, str]) -> str:
    """``text`` with each region named in ``updates`` replaced by its new text, its lines ended
    as the region's were (a bare ``\\n`` of a CRLF region's new text becomes ``\\r\\n``)."""
    out, cursor = [], 0
    for region in sorted(regions.values(), key=lambda r: r.start):
        out.append(text[cursor:region.start])
        update = updates.get(region.name, region.text)
        out.append(in_line_endings(update, region.newline))
        cursor = region.end
    out.append(text[cursor:])
    return "".join(out)
