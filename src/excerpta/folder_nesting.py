"""Folder inputs given inside one another (a vault and one of its folders, a Kindle's drive and
its ``documents`` folder, one folder given twice): which are read with the folder holding them,
so that each file is read once (:func:`nested`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from excerpta.adapters import InputProbe
from excerpta.folder_inputs import FolderFile, RefusedEntry, files_under, reads_in_folder

if TYPE_CHECKING:
    from excerpta.adapters import Reader


def holds(outer: Path, inner: Path) -> bool:
    """Whether the folder ``inner`` is ``outer`` or a folder under it that reading ``outer``
    walks into (no hidden folder on the way); both resolved."""
    if inner == outer:
        return True
    return outer in inner.parents and not any(
        part.startswith(".") for part in inner.relative_to(outer).parts)


def reads_all(outer_reader: type[Reader], outer: Path, inner_reader: type[Reader], inner: Path) -> bool:
    """Whether ``outer_reader`` reading the folder ``outer`` reads every file that
    ``inner_reader`` reading ``inner`` (a folder it :func:`holds`) reads: a vault and one of its
    folders, a Kindle's drive and its documents folder; not a folder of notebook exports and
    one under it (its reader reads only the files directly in it)."""
    for path in files_under(inner):
        probe = InputProbe.of_file(path)
        if reads_in_folder(inner_reader, inner, probe) and not reads_in_folder(outer_reader, outer, probe):
            return False
    return True


@dataclass(frozen=True, eq=False)
class FolderInput:
    """A folder input settled before anything is read: ``reader`` reads it (``None``: no
    reader's, only its files are read), ``found`` are its other files (see other_files),
    ``unrecognised`` those no reader recognises and ``refused`` what the machine refused (see
    survey); ``where``: its resolved path."""

    source: str
    path: Path
    reader: type[Reader] | None
    found: list[FolderFile]
    unrecognised: list[FolderFile]
    refused: list[RefusedEntry]
    where: Path


def nested(folders: Sequence[FolderInput]) -> tuple[dict[FolderInput, FolderInput], set[FolderInput]]:
    """Of ``folders``, those given again or under another one given (resolved paths: a link
    to a folder is that folder), so that each file is read once: ``read_with`` the ones not
    read at all, as the folder holding them reads all they would (no reader's of their own,
    or the same reader's, which reads all of their files there too), each with that folder;
    ``within`` the others held by one, read by their reader, whose other files are the
    holding folder's. The outermost is kept, and the first given of the same folder, whatever
    the order of the arguments."""
    read_with: dict[FolderInput, FolderInput] = {}
    within: set[FolderInput] = set()
    kept: list[FolderInput] = []
    for folder in sorted(folders, key=lambda each: len(each.where.parts)):  # stable: given order
        holders = [other for other in kept if holds(other.where, folder.where)]
        if not holders:
            kept.append(folder)
            continue
        reading = holders if folder.reader is None else [
            other for other in holders if other.reader is folder.reader
            and reads_all(other.reader, other.where, folder.reader, folder.where)]
        if reading:
            read_with[folder] = reading[0]
        else:
            within.add(folder)
            kept.append(folder)
    return read_with, within
