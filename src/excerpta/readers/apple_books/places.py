"""Where Apple Books keeps its two databases, and how an input given by the user leads to them.

On macOS both live in Books' sandbox container::

    ~/Library/Containers/com.apple.iBooksX/Data/Documents/
        AEAnnotation/AEAnnotation_v10312011_1727_local.sqlite   highlights and notes
        BKLibrary/BKLibrary-1-091020131601.sqlite               titles and authors

The suffixes have been stable for years, but files are found by their prefix
(``AEAnnotation*.sqlite``, ``BKLibrary*.sqlite``, compared without case as macOS does), so a
renamed version is still found. An input is the annotation database itself, or a folder that
holds it: directly (both files copied side by side), in ``AEAnnotation/`` (Books' ``Documents``
folder), in ``Documents/AEAnnotation/`` or in ``Data/Documents/AEAnnotation/`` (the
container). The library database of an annotation database in folder ``D`` is looked for in
``D`` and in ``D/../BKLibrary`` (names compared without case there too).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from excerpta.spelling import folded

ANNOTATION_PREFIX = "AEAnnotation"
LIBRARY_PREFIX = "BKLibrary"
DATABASE_SUFFIX = ".sqlite"
# The folders, under a folder input, that may hold the annotation database: the folder itself
# (both files side by side), Books' Documents folder, its Data folder, the container.
ANNOTATION_FOLDERS = ((), ("AEAnnotation",), ("Documents", "AEAnnotation"),
                      ("Data", "Documents", "AEAnnotation"))
LIBRARY_FOLDER = "BKLibrary"  # beside AEAnnotation/ in the Documents folder
SQLITE_HEADER = b"SQLite format 3\x00"
# SQLite's companions of a database: the write-ahead log, its index, a rollback journal.
COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")


def is_database_name(name: str, prefix: str) -> bool:
    """Whether the file name ``name`` is one of Books' databases of ``prefix``
    (``AEAnnotation…sqlite``), compared without case."""
    spelt = folded(name)
    return spelt.startswith(folded(prefix)) and spelt.endswith(DATABASE_SUFFIX)


def is_companion_name(name: str) -> bool:
    """Whether ``name`` is one of Books' two databases or a companion file of one (its ``-wal``,
    ``-shm`` or ``-journal``), compared without case."""
    spelt = folded(name)
    return any(spelt.endswith(DATABASE_SUFFIX + suffix)
               and is_database_name(spelt.removesuffix(suffix), prefix)
               for suffix in COMPANION_SUFFIXES for prefix in (ANNOTATION_PREFIX, LIBRARY_PREFIX))


def databases_in(folder: Path, prefix: str) -> list[Path]:
    """The files of ``folder`` named as Books' databases of ``prefix``, by name; none when
    ``folder`` is no folder or cannot be read. Hidden files (a ``._`` AppleDouble copy) are
    left out."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries
                           if not entry.name.startswith(".") and is_database_name(entry.name, prefix)
                           and entry.is_file())
    except OSError:
        return []
    return [folder / name for name in names]


def child_spelt(parent: Path, name: str) -> Path | None:
    """The folder of ``parent`` named ``name`` in any case (as macOS finds it), or None."""
    try:
        with os.scandir(parent) as entries:
            names = sorted(entry.name for entry in entries
                           if folded(entry.name) == folded(name) and entry.is_dir())
    except OSError:
        return None
    return parent / names[0] if names else None


def annotation_folders(folder: Path) -> Iterator[Path]:
    """The folders under the input ``folder`` where an annotation database may be
    (:data:`ANNOTATION_FOLDERS`), those that exist, in that order."""
    for names in ANNOTATION_FOLDERS:
        place: Path | None = folder
        for name in names:
            place = child_spelt(place, name) if place is not None else None
        if place is not None:
            yield place


def annotation_databases(folder: Path) -> list[Path]:
    """The annotation databases a folder input holds, in the first of its
    :func:`annotation_folders` that holds any; none if none does."""
    for place in annotation_folders(folder):
        if found := databases_in(place, ANNOTATION_PREFIX):
            return found
    return []


def refusal(folder: Path) -> OSError | None:
    """Why ``folder``, or one of its :func:`annotation_folders`, cannot be listed (macOS
    refuses Books' container to a program without Full Disk Access); None if all can be."""
    for place in [folder, *annotation_folders(folder)]:
        try:
            with os.scandir(place):
                pass
        except OSError as err:
            return err
    return None


def library_databases(annotations: Path) -> list[Path]:
    """The library databases that go with the annotation database ``annotations``: beside it,
    else in ``../BKLibrary`` (Books' own layout); none when neither holds one."""
    folder = annotations.parent
    if found := databases_in(folder, LIBRARY_PREFIX):
        return found
    library = child_spelt(folder.parent, LIBRARY_FOLDER)
    return databases_in(library, LIBRARY_PREFIX) if library is not None else []


def library_places(annotations: Path) -> str:
    """Where :func:`library_databases` looks, for a message."""
    return f"{annotations.parent} or {annotations.parent.parent / LIBRARY_FOLDER}"
