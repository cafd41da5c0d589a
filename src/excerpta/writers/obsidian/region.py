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

The end line carries a hash of the region as excerpta wrote it. Everything outside the
regions is the user's and is never touched. On re-sync, per region:

* ``merge`` (default): a region whose hash still matches is re-rendered (edited highlights
  change in place, new ones appear, deleted ones go, or stay struck through); a region the
  user edited by hand is not clobbered: new highlights are appended to it and nothing else
  changes (reported);
* ``append-only``: only highlights whose block id is not in the region yet are appended;
* ``overwrite``: regions are re-rendered even if edited by hand (text outside them is
  still kept).

A region whose markers the user deleted is not put back (reported).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

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


def region_digest(body: str) -> str:
    """The hash the end marker records: 16 hex digits of SHA-256 of the body with CRLF as LF,
    trailing whitespace of each line and blank lines at either end left out, so an editor or
    linter that trims lines or changes line endings does not make the region look hand-edited."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()[:16]


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

    @property
    def pristine(self) -> bool:
        """True if the region still holds exactly what excerpta wrote."""
        return region_digest(self.body) == self.digest


def find_regions(text: str) -> dict[str, Region]:
    """The managed regions of ``text`` by name (the first of each name)."""
    regions: dict[str, Region] = {}
    for match in _REGION.finditer(text):
        name = match.group("name")
        if name in REGION_NAMES and name not in regions:
            regions[name] = Region(name, match.start(), match.end(), match.group("body"),
                                   match.group("digest"))
    return regions


def appended(region: Region, blocks: list[str]) -> str:
    """The region with ``blocks`` added at its end, everything already in it unchanged.

    The recorded hash is renewed only if the region was pristine: a hand-edited region stays
    recognisably hand-edited.
    """
    if not blocks:
        return render_region(region.name, region.body) if region.pristine else _raw(region)
    kept = region.body.replace("\r\n", "\n").rstrip("\n")
    body = (kept + "\n" if kept else "") + "\n".join(blocks) + "\n\n"
    if region.pristine:
        return render_region(region.name, body)
    return f"{_BEGIN.format(name=region.name)}\n{body}{_END.format(name=region.name, digest=region.digest)}\n"


def _raw(region: Region) -> str:
    return (f"{_BEGIN.format(name=region.name)}\n{region.body}"
            f"{_END.format(name=region.name, digest=region.digest)}\n")


@dataclass(frozen=True)
class RegionUpdate:
    """What to put in place of a region, and a note for the user if we held back."""

    text: str
    message: str | None = None


def update_header(region: Region, fresh_body: str, policy: Policy) -> RegionUpdate:
    """The header region after a re-sync under ``policy``."""
    if policy == "overwrite" or (policy == "merge" and region.pristine):
        return RegionUpdate(render_region(region.name, fresh_body))
    if policy == "merge":
        return RegionUpdate(_raw(region), "header edited by hand; left as it is")
    return RegionUpdate(_raw(region))


def update_highlights(region: Region, fresh_body: str, new_blocks: list[tuple[str, str]],
                      policy: Policy) -> RegionUpdate:
    """The highlights region after a re-sync under ``policy``.

    ``fresh_body`` is the region rendered from the library now; ``new_blocks`` are
    ``(block id, rendered block)`` of every live highlight, for append-only updates.
    """
    if policy == "overwrite" or (policy == "merge" and region.pristine):
        return RegionUpdate(render_region(region.name, fresh_body))
    present = block_ids(region.body)
    missing = [block for block_id, block in new_blocks if block_id not in present]
    update = appended(region, missing)
    if policy == "merge":
        return RegionUpdate(update, f"highlights edited by hand; {len(missing)} new highlight(s) "
                                    "appended, nothing else changed")
    return RegionUpdate(update)


def replace_regions(text: str, regions: dict[str, Region], updates: dict[str, str]) -> str:
    """``text`` with each region named in ``updates`` replaced by its new text."""
    out, cursor = [], 0
    for region in sorted(regions.values(), key=lambda r: r.start):
        out.append(text[cursor:region.start])
        out.append(updates.get(region.name, text[region.start:region.end]))
        cursor = region.end
    out.append(text[cursor:])
    return "".join(out)
