"""Portable note names and block ids: what a title may become on disk, and how clashes resolve.

A note's file name must work on Windows, macOS and Linux and inside Obsidian links:

* removed: the characters Windows forbids (``\\ / : * ? " < > |``), control characters, the
  ones that break Obsidian links (``# ^ [ ]``), backticks (a link is written as it is, see
  :class:`~excerpta.writers.obsidian.templates.Verbatim`, and must not hold code) and the
  bidirectional controls (U+202E would show ``‮gpj.exe`` as ``exe.jpg``; the note's text
  keeps them), and the invisible characters a typed link never holds (U+FEFF, the BOM of a
  template saved "UTF-8 with BOM", zero-width space, word joiner, soft hyphen; not the
  zero-width joiners, which Persian, Indic scripts and emoji need, but at either end of the
  name, where they join nothing); newlines and tabs become
  spaces, and ``%%`` (a comment in a link) one ``%``;
* no leading dot (a hidden file) or whitespace, no trailing dot or space (Windows drops them);
* a Windows device name (``CON``, ``nul``, ``COM1``…), alone or before an extension (Windows
  reserves ``con.txt`` and ``Aux. verbs`` too), gets a ``_`` after it: ``con_.txt``;
* at most :data:`MAX_NAME_BYTES` UTF-8 bytes (ext4 counts bytes: 85 CJK characters fill 255),
  cut between characters, never inside a combining sequence; the most a user may set is
  :data:`LONGEST_MAX_NAME_BYTES`, which leaves room for what a name may get appended (a clash's
  hash, ``.md``, the temporary file written beside the note);
* an empty result, or one nothing of which shows (zero-width or blank characters only), is
  ``Untitled``.

Two names clash when they are equal after Unicode NFC and case folding (macOS and Windows
file systems consider them the same file). A clash is resolved by appending a short hash of the
document id (``Dune 3f9a2b1c.md``): stable from run to run, never a counter or a timestamp.
Nothing here can produce a path outside the folder it names a file in: the result is one
path component.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from pathlib import Path

from excerpta.disk import NAME_MAX_BYTES
from excerpta.model import Category
from excerpta.spelling import entry_spelt, folded

log = logging.getLogger(__name__)

MAX_NAME_BYTES = 120
NOTE_SUFFIX = ".md"
# The longest a stem of max_bytes becomes: "_" after a device name, a clash's " <32 hex>"
# (NameAllocator.allocate), ".md", and room to spare for its temporary file, ".<name>.<8 hex>.tmp"
# (excerpta.disk.write_temp, which cuts the name it holds to fit: with the output's mark in it
# too, nine bytes more). All of it must fit in 255 bytes (ext4; APFS and NTFS count characters,
# never more than UTF-8 bytes).
NAME_BYTES_ADDED = len("_") + len(" ") + 32 + len(NOTE_SUFFIX) + len("..01234567.tmp")
LONGEST_MAX_NAME_BYTES = NAME_MAX_BYTES - NAME_BYTES_ADDED
UNTITLED = "Untitled"
CATEGORY_FOLDERS: dict[Category | None, str] = {
    Category.BOOKS: "Books",
    Category.ARTICLES: "Articles",
    Category.TWEETS: "Tweets",
    Category.PODCASTS: "Podcasts",
    Category.SUPPLEMENTALS: "Supplementals",
    Category.OTHER: "Other",
    None: "Other",
}

# The bidirectional controls (marks, embeddings, overrides, isolates) are among the removed, and
# the invisible characters a typed link never holds: soft hyphen, Mongolian vowel separator,
# zero-width space, word joiner and invisible operators, BOM (a template saved "UTF-8 with BOM").
# Not the zero-width (non-)joiners: Persian, Indic scripts and emoji sequences need them.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|#^\[\]`\x00-\x1f\x7f\u00ad\u061c\u180e\u200b\u200e\u200f'
                        r'\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]')
_COMMENT = re.compile(r"%{2,}")  # "%%" in a link would start an Obsidian comment
_SPACES = re.compile(r"[\r\n\t\v\f]+")
# Windows reads a name up to its first dot, trailing spaces dropped, as a device name.
_DEVICE_NAME = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?= *(?:\.|$))",
                          re.IGNORECASE)
# What shows nothing: format characters (U+200B…), separators and controls, plus the letters
# and symbols drawn blank (Hangul fillers, the blank Braille pattern).
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_BLOCK_ID_SAFE = re.compile(r"^[A-Za-z0-9-]{1,60}$")
BLOCK_ID_PREFIX = "hl-"


def sanitize_name(title: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """The portable file name (without extension) for ``title``; see the module docstring."""
    name = unicodedata.normalize("NFC", title)
    name = _SPACES.sub(" ", name)
    name = _FORBIDDEN.sub("", name)
    name = _COMMENT.sub("%", name)
    name = _trim(name)
    name = _trim(_truncate_utf8(name, max_bytes))
    if device := _DEVICE_NAME.match(name):
        name = f"{device.group()}_{name[device.end():]}"
    if not name or (not name.isascii() and not any(map(_shows, name))):
        return UNTITLED
    return name


def _shows(char: str) -> bool:
    return char not in _BLANK_GLYPHS and unicodedata.category(char) not in _INVISIBLE_CATEGORIES


def _trim(name: str) -> str:
    # A zero-width (non-)joiner at an end joins nothing: an invisible character in the name.
    edges = " .\u00a0\u200c\u200d"
    return name.lstrip(edges).rstrip(edges)


_ZWJ = "\u200d"
_REGIONAL = "".join(map(chr, range(0x1F1E6, 0x1F200)))  # the letters two of which make a flag


def _truncate_utf8(name: str, max_bytes: int) -> str:
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    cut, size = 0, 0
    for index, char in enumerate(name):
        size += len(char.encode("utf-8"))
        if size > max_bytes:
            break
        cut = index + 1
    # Never cut inside what shows as one character: a base and its combining marks, an emoji
    # and its modifiers or ZWJ sequence (a family of four is not cut to three), a flag's pair.
    while 0 < cut < len(name) and (_extends(name[cut]) or name[cut - 1] == _ZWJ):
        cut -= 1
    if 0 < cut < len(name) and _is_regional(name[cut]):
        pairs = len(name[:cut]) - len(name[:cut].rstrip(_REGIONAL))
        cut -= pairs % 2  # the first of a flag's two letters, left alone
    return name[:cut]


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _extends(char: str) -> bool:
    """Whether ``char`` belongs to the character before it: a combining mark, a zero-width
    joiner, a variation selector, a skin-tone modifier or a tag character (subdivision flags)."""
    code = ord(char)
    return (bool(unicodedata.combining(char)) or unicodedata.category(char) == "Me" or char == _ZWJ
            or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
            or 0xE0100 <= code <= 0xE01EF)


fold_name = folded  # the form two names are compared in: NFC, case-folded (as macOS and Windows compare)


def short_hash(value: str, length: int = 8) -> str:
    """A short, stable hex digest of ``value`` (used to tell same-titled notes apart)."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=16).hexdigest()[:length]


def block_id(highlight_id: str) -> str:
    """The Obsidian block id (without ``^``) of a highlight: ``hl-<id>`` when the id is made of
    Latin letters, digits and dashes (what Obsidian allows), else ``hl-<hash of the id>``."""
    if _BLOCK_ID_SAFE.match(highlight_id):
        return BLOCK_ID_PREFIX + highlight_id
    return BLOCK_ID_PREFIX + short_hash(highlight_id, 20)


ICLOUD_PLACEHOLDER = re.compile(r"\.(.+\.md)\.icloud", re.IGNORECASE)  # ".Walden.md.icloud"


def in_icloud(note: Path) -> bool:
    """Whether ``note``, not on disk, is in iCloud: "Optimize Mac Storage" evicted it, leaving
    a placeholder ``.NAME.icloud`` beside where it was."""
    return note.with_name(f".{note.name}.icloud").exists()


class NameAllocator:
    """Hands out note paths under ``root`` that clash with nothing: files already on disk,
    paths recorded for other documents, and paths handed out earlier in this run."""

    def __init__(self, root: Path, reserved: set[str] | None = None) -> None:
        self.root = root
        self._taken: set[str] = {fold_name(path) for path in reserved or ()}
        self._listed: set[str] = set()
        self._unrecorded: set[str] = set()  # files found on disk that no record names
        self._spelt: dict[str, str] = {}  # folder as rendered -> as on disk (see _on_disk)

    def reserve(self, relative: str) -> None:
        """Mark ``relative`` (a POSIX path under root) as used."""
        self._taken.add(fold_name(relative))

    def allocate(self, folder: str, stem: str, document_id: str) -> str:
        """A free relative path ``folder/stem.md`` (or with the document's short hash appended),
        reserved before it is returned, in ``folder`` as spelt on disk (:meth:`_on_disk`).
        Deterministic for the same inputs and disk state."""
        folder = self._on_disk(folder)
        self._list_folder(folder)
        candidates = [stem, f"{stem} {short_hash(document_id)}", f"{stem} {short_hash(document_id, 32)}"]
        paths = [f"{folder}/{candidate}{NOTE_SUFFIX}" if folder else f"{candidate}{NOTE_SUFFIX}"
                 for candidate in candidates]
        for relative in paths:
            if fold_name(relative) not in self._taken:
                self.reserve(relative)
                if relative != paths[0] and fold_name(paths[0]) in self._unrecorded:
                    # Else the user wonders why the book's note is not the one they made, or
                    # not named as the book: a file excerpta did not write is never taken over.
                    log.warning("%s: a file this state has no record of (yours, or excerpta's "
                                "under another state or a lost one); %s's highlights go to %s (either "
                                "may be renamed: excerpta finds its notes by their excerpta-id)",
                                self.root / paths[0], stem, relative)
                return relative
        raise RuntimeError(f"no free note name for document {document_id}")  # 128-bit hash clash

    def _on_disk(self, folder: str) -> str:
        """``folder`` (POSIX, under root) with each part that is not on disk but is there in
        another case or Unicode form (``books`` the user renamed, ``Café`` synced in NFD) spelt
        as there: a new note goes beside the others, not into a twin folder that a machine
        taking both for one would make a conflict of."""
        if folder not in self._spelt:
            parts, here = [], self.root
            for part in folder.split("/") if folder else ():
                if not (here / part).is_dir() and (spelt := entry_spelt(here, part, folder=True)) is not None:
                    log.info("%s: new notes go into %s, as it is spelt there", here / part, spelt.name)
                    part = spelt.name
                parts.append(part)
                here = here / part
            self._spelt[folder] = "/".join(parts)
        return self._spelt[folder]

    def _list_folder(self, folder: str) -> None:
        if folder in self._listed:
            return
        self._listed.add(folder)
        path = self.root / folder if folder else self.root
        if not path.is_dir():
            return
        for entry in path.iterdir():
            name = f"{folder}/{entry.name}" if folder else entry.name
            if fold_name(name) not in self._taken:
                self._unrecorded.add(fold_name(name))
            self.reserve(name)
            if (evicted := ICLOUD_PLACEHOLDER.fullmatch(entry.name)) is not None:
                # Its note comes back under its own name once downloaded: never ours to take.
                self.reserve(f"{folder}/{evicted[1]}" if folder else evicted[1])
                log.warning("%s: a note iCloud has not downloaded; excerpta can neither read nor "
                            "update it (keep the vault downloaded)", entry)
