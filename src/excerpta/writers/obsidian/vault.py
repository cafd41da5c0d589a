"""What is already in the output folder: notes by ``excerpta-id``, Readwise-plugin notes by URL
and by title + author.

Built once per run, and only when needed (a document excerpta has no record of, or whose note
is no longer where we left it): an unchanged re-run never walks the vault. A note still as we
wrote it (same path, size and modification time as recorded, see ``known``) is not even
opened; of the others, only the first :data:`HEAD_BYTES` are read: front matter and the
Readwise metadata are at the top. Hidden folders (``.obsidian``, ``.trash``) and our temporary
files are skipped, and so is every link leading outside the output folder (a note, or the
folder scanned): what is not the output's is neither read nor claimed. A link to a note inside
it is read; a linked folder is not walked into.

Several notes may carry one ``excerpta-id``: Obsidian's "Make a copy" copies the properties,
and a sync tool's conflict copy (``Walden.sync-conflict-….md``) too. The index keeps them all,
for the writer to pick one and say so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from excerpta.output import OutputRecord
from excerpta.writers.obsidian.adoption import plugin_keys, read_plugin_note
from excerpta.writers.obsidian.frontmatter import note_body, note_id
from excerpta.writers.obsidian.naming import fold_name

HEAD_BYTES = 32 * 1024


@dataclass
class VaultIndex:
    """Notes under ``root`` (relative POSIX paths) by what identifies them."""

    root: Path
    by_id: dict[str, list[str]] = field(default_factory=dict)  # in walk order
    by_plugin_key: dict[str, list[str]] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)

    @classmethod
    def scan(cls, root: Path, claimed: set[str] | None = None,
             known: dict[str, tuple[int, int, str]] | None = None, under: str = "") -> VaultIndex:
        """Index every ``.md`` note under ``root`` (sorted walk: the same vault, the same index),
        or only those in its folder ``under`` (relative, POSIX); paths stay relative to ``root``.

        ``claimed`` (folded relative paths, see :func:`fold_name`) is shared with the caller:
        notes already taken by a document are never handed to another one. ``known``: the
        ``(size, mtime_ns, excerpta-id)`` of the notes we wrote, by absolute path; such a note
        with that size and modification time is indexed without being read.
        """
        index = cls(root, claimed=claimed if claimed is not None else set())
        inside = Path(os.path.realpath(root))
        start = root.joinpath(*under.split("/")) if under else root
        if not start.is_dir() or not Path(os.path.realpath(start)).is_relative_to(inside):
            return index
        known = known or {}
        for folder, dirs, files in os.walk(start):  # (a linked folder is not walked into)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(".md"):
                    continue
                path = os.path.join(folder, name)
                if os.path.islink(path) and not _note_inside(path, inside):
                    continue
                relative = os.path.relpath(path, root).replace(os.sep, "/")
                ours = known.get(path)
                if ours is not None and _stat(path) == ours[:2]:
                    index.by_id.setdefault(ours[2], []).append(relative)
                else:
                    index._add(relative, _head(Path(path)))
        return index

    def _add(self, relative: str, head: str) -> None:
        ident = note_id(head)
        if ident is not None:
            self.by_id.setdefault(ident, []).append(relative)
            return
        note = read_plugin_note(note_body(head))
        if note is not None:
            for key in plugin_keys(note):
                self.by_plugin_key.setdefault(key, []).append(relative)

    def find_id(self, document_id: str) -> list[str]:
        """The notes whose ``excerpta-id`` is ``document_id`` and that no document claimed this
        run, in walk order (usually one)."""
        return [path for path in self.by_id.get(document_id, ()) if fold_name(path) not in self.claimed]

    def find_plugin_notes(self, keys: list[str]) -> list[str]:
        """The unclaimed plugin notes found by the first of ``keys`` (best key first) that
        finds any, in walk order (usually one; a sync tool's conflict copy makes two)."""
        for key in keys:
            found = [path for path in self.by_plugin_key.get(key, ()) if fold_name(path) not in self.claimed]
            if found:
                return found
        return []


class VaultIndexes:
    """The vault index of one run, built on first use (an unchanged re-run never walks the
    vault), or, where a note can only be in one folder and no index is built yet, that
    folder's. All share ``claimed``; ``known`` (see :meth:`VaultIndex.scan`) is asked once."""

    def __init__(self, root: Path, known: Callable[[], dict[str, tuple[int, int, str]]]) -> None:
        self.root = root
        self.claimed: set[str] = set()
        self._known_source = known
        self._known: dict[str, tuple[int, int, str]] | None = None
        self._whole: VaultIndex | None = None
        self._folders: dict[str, VaultIndex] = {}

    def of(self, folder: str | None = None) -> VaultIndex:
        """The index of the whole vault, or of ``folder`` alone while the whole is not built."""
        if folder is None or self._whole is not None:
            if self._whole is None:
                self._whole = self._scan("")
            return self._whole
        if folder not in self._folders:
            self._folders[folder] = self._scan(folder)
        return self._folders[folder]

    def _scan(self, folder: str) -> VaultIndex:
        if self._known is None:
            self._known = self._known_source()
        return VaultIndex.scan(self.root, claimed=self.claimed, known=self._known, under=folder)


# What a copy's name adds to its original's: Obsidian's "Make a copy" and iCloud (" 1"), macOS
# (" copy", " copy 2"), Windows (" - Copy", " - Copy (2)"), browsers and Drive (" (1)"), sync
# tools' conflict copies (".sync-conflict-…", " (conflicted copy …)", " (… conflict …)"). Not
# OneDrive's "-<computer name>": told apart from a hyphenated title ("Self-Reliance") by
# nothing in the name.
_COPY_SUFFIX = re.compile(r"(?: \d+| \(\d+\)| copy(?: \d+)?| - copy(?: \(\d+\))?| \([^()]*conflict[^()]*\)"
                          r"|\.sync-conflict-.*)+", re.IGNORECASE)


def the_original(found: list[str], expected: str, recorded: str | None = None,
                 as_written: Collection[str] = ()) -> str:
    """Of several notes carrying one ``excerpta-id`` (relative paths, in walk order), the one to
    update. ``expected``: where a new note would go; ``recorded``: the file name of the note we
    last wrote (None: no record); ``as_written``: those of ``found`` still with the size and
    modification time we recorded (a move keeps them, a copy gets its own time).

    In that order: not named as a copy of another's name, of ``recorded`` or of ``expected``
    (``Walden 1``, ``Walden copy``, ``Walden.sync-conflict-…``, ``Walden (conflicted copy)``:
    the original keeps its name wherever the user moved it); with the recorded name (else, with
    no record, the expected one); still as written; at ``expected``; in its folder; the
    shortest path; the first found."""
    folder, _, expected_name = expected.rpartition("/")
    name = fold_name(recorded if recorded is not None else expected_name)
    stems = {_stem(path) for path in [*found, expected, *([recorded] if recorded is not None else [])]}
    written = {fold_name(path) for path in as_written}

    def rank(path: str) -> tuple[bool, ...]:
        folded = fold_name(path)
        return (_is_copy(_stem(path), stems), folded.rpartition("/")[2] != name, folded not in written,
                folded != fold_name(expected), path.rpartition("/")[0] != folder)

    return min(found, key=lambda path: (rank(path), len(path)))


def still_as_written(root: Path, found: list[str], record: OutputRecord | None) -> list[str]:
    """Those of ``found`` (relative to ``root``) with the size and modification time ``record``
    has for the note we wrote (see :func:`the_original`)."""
    if record is None or record.size is None or record.mtime_ns is None:
        return []
    return [path for path in found if _stat(str(root / path)) == (record.size, record.mtime_ns)]


def _stem(path: str) -> str:
    name = fold_name(path.rpartition("/")[2])
    return name[:-3] if name.endswith(".md") else name


def _is_copy(stem: str, stems: set[str]) -> bool:
    """Whether ``stem`` is one of ``stems`` with a copy's suffix."""
    return any(stem.startswith(other) and _COPY_SUFFIX.fullmatch(stem, len(other)) is not None
               for other in stems if len(other) < len(stem))


def known_notes(records: Iterable[OutputRecord]) -> dict[str, tuple[int, int, str]]:
    """What :meth:`VaultIndex.scan` may take from the state instead of reading: the size,
    modification time and key (the note's ``excerpta-id``) of each file we wrote, by path."""
    return {record.path: (record.size, record.mtime_ns, record.key) for record in records
            if record.size is not None and record.mtime_ns is not None}


def _note_inside(path: str, inside: Path) -> bool:
    """Whether the link ``path`` leads to a file in the folder ``inside`` (resolved)."""
    target = Path(os.path.realpath(path))
    return target.is_relative_to(inside) and target.is_file()


def _stat(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(HEAD_BYTES)
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace")
