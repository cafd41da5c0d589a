"""The files of a folder input that its reader does not read: a folder holding files of several
formats (``My Clippings.txt``, a notebook export and a Readwise CSV side by side) is read by
each reader that recognises some of them.

Detection gives a folder one reader, the one most sure it reads the folder (a Kindle's drive, a
folder of notebook exports, a vault of Readwise notes); that reader reads what its folder mode
reads (:meth:`~excerpta.adapters.Reader.reads_in_folder`, asked first: the files it reads
are not opened here, as every built-in reader says from the path). Every other file under it,
hidden files and folders left out and links to folders not followed, is probed as if it had
been given on the command line (:func:`excerpta.registry.best_readers`), but for binary
files (images, PDFs: NULs and bytes that are not UTF-8), which no reader of a folder's other
files is asked about unless a reader names their suffix (``Reader.binary_suffixes``: Moon+
Reader's ``.mrpro`` backups, its ``mrbooks.db``). The files no reader recognises are kept too, to be named
(:attr:`FolderSurvey.unrecognised`): none is left out without a word. What becomes of the
files found is :mod:`excerpta.preflight`'s to say;
:func:`nested` says which folders given are read with another one given that holds them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.disk import naming
from excerpta.wide_text import NUL_SAMPLE_BYTES, wide_encoding

if TYPE_CHECKING:
    from excerpta.adapters import Reader

log = logging.getLogger(__name__)
NAMED_FILES = 5  # a message names this many files of a folder, then says how many more
# The extensions of the files excerpta's readers read: a file with one that no reader
# recognises was most likely meant to be read (a damaged clippings file, another application's
# CSV). Others (a Kindle's e-books and .sdr sidecars, a vault's attachments) were not.
READABLE_SUFFIXES = frozenset({".txt", ".html", ".htm", ".xhtml", ".csv", ".tsv", ".json", ".jsonl",
                               ".ndjson", ".md", ".markdown"})


@dataclass(frozen=True)
class FolderFile:
    """A file of a folder input that its reader does not read, and the readers most sure they
    read it (several: a tie, which only ``--from`` settles; none: no reader recognises it)."""

    path: Path
    readers: tuple[type[Reader], ...]

    def name_in(self, folder: Path) -> str:
        """Its path inside ``folder`` and its readers: ``2019/data.csv (readwise-csv)``; the path
        alone if it has none."""
        name = str(self.path.relative_to(folder))
        return f"{name} ({' or '.join(cls.name for cls in self.readers)})" if self.readers else name

    @property
    def meant_to_be_read(self) -> bool:
        """Whether its extension is one of the files excerpta reads (READABLE_SUFFIXES)."""
        return self.path.suffix.lower() in READABLE_SUFFIXES


@dataclass(frozen=True)
class RefusedEntry:
    """A file or subfolder under a folder input that the machine would not let us open or
    list, and why, in its words (``reason``: ``Permission denied``)."""

    path: Path
    reason: str
    is_folder: bool

    def name_in(self, folder: Path) -> str:
        """Its path inside ``folder`` and why: ``a.json (Permission denied)``, ``sub/ (…)``."""
        return f"{self.path.relative_to(folder)}{'/' if self.is_folder else ''} ({self.reason})"

    @property
    def meant_to_be_read(self) -> bool:
        """Whether it may hold what excerpta reads: a subfolder, or a file whose extension is
        one excerpta reads (an unreadable e-book or image is no loss)."""
        return self.is_folder or self.path.suffix.lower() in READABLE_SUFFIXES

    @property
    def problem(self) -> str:
        """Why it was skipped, as a run reports a found file it failed to read."""
        return f"cannot be read: {self.reason}{' (listing the folder)' if self.is_folder else ''}"


@dataclass(frozen=True)
class FolderSurvey:
    """The files under a folder input that its reader does not read: ``found``, those some
    reader recognises (see other_files); ``unrecognised``, those none does, binary ones
    included (not asked), each with no readers; ``refused``, the files that could not be
    opened and the subfolders that could not be listed (what they hold is unknown)."""

    found: list[FolderFile]
    unrecognised: list[FolderFile]
    refused: list[RefusedEntry]


def other_files(folder: Path, reader: type[Reader] | None, *,
                leave_out: Sequence[Path] = ()) -> list[FolderFile]:
    """The files under ``folder`` that ``reader`` (``None``: no reader recognises the folder
    itself) does not read but some reader recognises, depth first, by name. ``leave_out``:
    this run's outputs (files, or folders), never read as its inputs."""
    return survey(folder, reader, leave_out=leave_out).found


def survey(folder: Path, reader: type[Reader] | None, *,
           leave_out: Sequence[Path] = ()) -> FolderSurvey:
    """The files under ``folder`` that ``reader`` does not read, recognised or not (see
    other_files), and those under it the machine refused (a file ``reader`` reads is its to
    report)."""
    outputs = {out.resolve() for out in leave_out}
    found = []
    unrecognised = []
    refused = []
    binary_read = registry.binary_suffixes()
    for entry in _entries_under(folder):
        path = entry.path if isinstance(entry, RefusedEntry) else entry
        if outputs and _within(path.resolve(), outputs):
            continue
        if isinstance(entry, RefusedEntry) and entry.is_folder:
            refused.append(entry)
            continue
        probe = InputProbe.of_file(path)
        # Asked first: the built-in readers decide from the path alone, so the notes of a
        # vault its reader reads are never opened here.
        if reader is not None and reads_in_folder(reader, folder, probe):
            continue
        if isinstance(entry, RefusedEntry):
            refused.append(entry)
            continue
        try:
            head = probe.head
        except OSError as err:
            refused.append(RefusedEntry(path, err.strerror or str(err), is_folder=False))
            continue
        asked = probe.suffix in binary_read or not _is_binary(head)
        best = registry.best_readers(probe) if asked else []
        (found if best else unrecognised).append(FolderFile(path, tuple(best)))
    return FolderSurvey(found, unrecognised, refused)


def check_listable(folder: Path, source: str) -> None:
    """Raise OSError when ``folder`` (the input ``source``) cannot be listed, naming it and
    what was being done (``<source>: Permission denied (listing the folder)``): the machine
    refused it, which is not an empty folder."""
    try:
        with os.scandir(folder):
            pass
    except OSError as err:
        raise naming(err, Path(source), "listing the folder") from err


def is_empty(folder: Path) -> bool:
    """Whether ``folder`` holds no file a folder input reads (hidden ones are not)."""
    return next(_entries_under(folder), None) is None


def _within(real: Path, outputs: set[Path]) -> bool:
    return real in outputs or not outputs.isdisjoint(real.parents)


def named(files: Sequence[FolderFile] | Sequence[RefusedEntry], folder: Path, *, every: bool = False) -> str:
    """``files`` of ``folder`` for a one-line message: the first few, then how many more
    (``every``: all of them)."""
    shown = files if every else files[:NAMED_FILES]
    more = len(files) - len(shown)
    listed = ", ".join(file.name_in(folder) for file in shown)
    return f"{listed} and {more} more" if more > 0 else listed


def files_under(folder: Path) -> Iterator[Path]:
    """The files under ``folder`` a read of it walks to (hidden ones left out, no link to a
    folder followed), but those the machine refused to list."""
    return (entry for entry in _entries_under(folder) if not isinstance(entry, RefusedEntry))


def _entries_under(folder: Path) -> Iterator[Path | RefusedEntry]:
    # The files under ``folder``, and what the machine refused: a subfolder it would not list,
    # a file in a folder we may list but not enter. Hidden files and folders are left out, but
    # for the hidden places readers name (KOReader's settings on a Kobo: .adds/koreader/…).
    yield from _walk(folder)
    for place in registry.hidden_places():
        with suppress(OSError):  # a folder that cannot be entered: the walk above said so
            if not (hidden := folder / place).is_dir():
                continue
            yield from _walk(hidden)


def _walk(folder: Path) -> Iterator[Path | RefusedEntry]:
    # os.walk does not follow links to folders: a link back up never loops.
    unlisted: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=unlisted.append):
        yield from _unlisted(unlisted)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith("."):
                continue
            try:
                regular = path.is_file()  # not a pipe, which would block
            except OSError as err:
                yield RefusedEntry(path, err.strerror or str(err), is_folder=False)
                continue
            if regular:
                yield path
    yield from _unlisted(unlisted)


def _unlisted(errors: list[OSError]) -> Iterator[RefusedEntry]:
    # The subfolders os.walk failed to list since it last gave a folder (it names each in
    # ``filename``), taken from ``errors``.
    while errors:
        err = errors.pop(0)
        yield RefusedEntry(Path(err.filename), err.strerror or str(err), is_folder=True)


def _is_binary(head: bytes) -> bool:
    # An image, a PDF, a database: NULs and bytes that are not UTF-8, and not UTF-16 text.
    # Every reader asked of each attachment of a vault took seconds; a clippings file a
    # Kindle padded with NULs is still UTF-8, and still probed.
    sample = head[:NUL_SAMPLE_BYTES]
    if b"\0" not in sample or wide_encoding(sample) is not None:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.reason != "unexpected end of data"  # not a character the sample cut
    return False


def reads_in_folder(reader: type[Reader], folder: Path, probe: InputProbe) -> bool:
    """Whether ``reader`` reading ``folder`` reads the file ``probe`` under it (see
    :meth:`~excerpta.adapters.Reader.reads_in_folder`); not if it fails to say."""
    try:
        return reader.reads_in_folder(folder, probe)
    except Exception:  # any reader's, a plugin's too: as in registry.detect_reader
        log.debug("%s: reader %s failed to say whether it reads it; taken as not",
                  probe.source, reader.name, exc_info=True)
        return False
