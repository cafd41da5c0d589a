"""Where a PocketBook keeps its notes database, and how a folder input leads to it.

On the device's drive the database is ``system/config/books.db``; where the device has
several profiles, each profile's is ``system/profiles/<profile>/config/books.db`` (the calibre
Annotations plugin looks in both places). Exports of notes go to the drive's ``Notes`` folder.
A folder given may be the drive, its ``system`` folder, a ``config`` folder, or any folder
holding a ``books.db`` (a copy); names are compared without case, as the device's FAT does.
"""

from __future__ import annotations

from pathlib import Path

from excerpta.spelling import entry_spelt

DATABASE_FILE = "books.db"
NOTES_FOLDER = "Notes"
_PLACES = (("system", "config"), ("config",), ())  # where a database is, below a folder given
_PROFILES = (("system", "profiles"), ("profiles",))  # where profiles' folders are


def databases_in(folder: Path) -> list[Path]:
    """The ``books.db`` files a folder input leads to (see the module docstring): the main
    one first, then each profile's, by the profile's name; each once."""
    found: list[Path] = []
    for place in _PLACES:
        if (database := _spelt(folder, *place, DATABASE_FILE)) is not None:
            found.append(database)
    for place in _PROFILES:
        if (profiles := _spelt(folder, *place, folder_last=True)) is None:
            continue
        try:
            names = sorted(entry.name for entry in profiles.iterdir() if entry.is_dir())
        except OSError:
            continue
        for name in names:
            if (database := _spelt(profiles / name, "config", DATABASE_FILE)) is not None:
                found.append(database)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def notes_folder(drive: Path) -> Path | None:
    """The ``Notes`` folder of the drive ``drive`` (where the device exports notes), if any."""
    return entry_spelt(drive, NOTES_FOLDER, folder=True)


def _spelt(folder: Path, *names: str, folder_last: bool = False) -> Path | None:
    # ``folder/names…`` as spelt on disk: folders, then a file (a folder with ``folder_last``).
    current: Path | None = folder
    for index, name in enumerate(names):
        last = index == len(names) - 1
        current = entry_spelt(current, name, folder=folder_last or not last) if current else None
    return current
