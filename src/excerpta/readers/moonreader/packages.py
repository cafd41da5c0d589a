"""Where a folder input holds Moon+ Reader backups: unzipped package folders
(``com.flyersoft.moonreaderp/``, or ``com.flyersoft.moonreader/`` from the free app), each
holding the ``_names.list`` catalogue and the numbered ``.tag`` files it names (see
:mod:`.backup`).

A folder is read whole, so every package folder in it is read: itself if it is one, else
those under it at most :data:`PACKAGE_DEPTH` folders down (the free and the Pro app's side by
side, an older backup unzipped into a folder of its own). The reader claims the files of
those folders, and only those (:func:`in_package_folder`): a ``.mrpro`` beside them, or a
package folder deeper down, is left to the folder's other files (:mod:`excerpta.folder_inputs`).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_PREFIX = "com.flyersoft.moonreader"  # ``…reader`` (free) and ``…readerp`` (Pro)
CATALOGUE = "_names.list"
PACKAGE_DEPTH = 3  # how many folders down a folder input is searched for package folders


def package_folder_in(folder: Path) -> Path | None:
    """The unzipped package folder given as ``folder`` (it holds ``_names.list``), or the first
    one directly inside it (the folder the backup was unzipped into); None if neither."""
    if is_package_folder(folder):
        return folder
    try:
        children = sorted(child for child in folder.iterdir() if child.name.startswith(PACKAGE_PREFIX))
    except OSError:
        return None
    return next((child for child in children if (child / CATALOGUE).is_file()), None)


def is_package_folder(folder: Path) -> bool:
    """Whether ``folder`` is an unzipped package folder: named ``com.flyersoft.moonreader…``,
    holding ``_names.list``."""
    return folder.name.startswith(PACKAGE_PREFIX) and (folder / CATALOGUE).is_file()


def package_folders_in(folder: Path) -> list[Path]:
    """Every package folder a folder input reads, by path: ``folder`` itself if it is one,
    else those under it, at most :data:`PACKAGE_DEPTH` folders down (hidden folders left out,
    a package folder not looked into). Folders that cannot be listed are passed over."""
    if is_package_folder(folder):
        return [folder]
    found: list[Path] = []
    level = [folder]
    for _ in range(PACKAGE_DEPTH):
        below: list[Path] = []
        for parent in level:
            try:
                with os.scandir(parent) as entries:
                    children = [Path(entry.path) for entry in entries
                                if not entry.name.startswith(".") and entry.is_dir()]
            except OSError:
                continue
            for child in children:
                (found if is_package_folder(child) else below).append(child)
        level = below
    return sorted(found)


def in_package_folder(folder: Path, path: Path) -> bool:
    """Whether the file ``path`` under ``folder`` lies in one of the package folders
    :func:`package_folders_in` gives for it (told from its path and the catalogues beside the
    folders on it, the file unopened)."""
    if is_package_folder(folder):
        return True
    parts = path.relative_to(folder).parts[:-1]
    for depth, part in enumerate(parts[:PACKAGE_DEPTH]):
        if part.startswith("."):
            return False
        if is_package_folder(folder.joinpath(*parts[: depth + 1])):
            return True
    return False
