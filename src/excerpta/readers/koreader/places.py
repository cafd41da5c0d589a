"""Where KOReader keeps its sidecars, and which files of a sidecar folder are whose.

KOReader keeps a book's settings and annotations in ``<book>.sdr/metadata.<ext>.lua`` (``ext``:
the book's, ``epub``, ``pdf``, …): beside the book by default, else, as the user chose, in
``koreader/docsettings/<the book's folder path>/<book>.sdr/`` or
``koreader/hashdocsettings/<2 hex digits>/<partial md5>.sdr/``. On a Kobo the ``koreader``
folder is ``.adds/koreader``, hidden. Beside the sidecar KOReader may keep its previous copy
(``metadata.<ext>.lua.old``, a backup it falls back to) and the book information the user
edited (``custom_metadata.lua``): both are KOReader's, read by no reader.

A folder (a device's drive, a books folder, a ``docsettings`` tree, one ``.sdr`` folder) holds
every sidecar under it, hidden folders left out but for the Kobo's ``.adds/koreader``; links to
folders are not followed (a link back up never loops).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from excerpta.readers.undecodable import name_as_text
from excerpta.spelling import entry_spelt, folded

_SIDECAR_NAME = re.compile(r"metadata\.[^/\\]+\.lua")
_KOREADER_FILE_NAME = re.compile(r"(?:metadata\.[^/\\]+\.lua|custom_metadata\.lua)(?:\.old)?")
KOBO_KOREADER = (".adds", "koreader")  # KOReader's own folder on a Kobo's drive, hidden
SETTINGS_FOLDERS = ("docsettings", "hashdocsettings")
CUSTOM_METADATA = "custom_metadata.lua"  # the book information the user edited, beside a sidecar
RECOGNISE_FOLDERS = 10_000  # folders looked into to recognise a folder: a home folder is not walked


def is_sidecar_name(name: str) -> bool:
    """Whether a file called ``name`` is a sidecar by its name (``metadata.epub.lua``; case
    ignored, as a FAT drive does)."""
    return _SIDECAR_NAME.fullmatch(folded(name)) is not None


def is_koreader_file_name(name: str) -> bool:
    """Whether a file called ``name`` is one KOReader keeps in a sidecar folder: a sidecar, its
    backup, the user's book information (see the module docstring)."""
    return _KOREADER_FILE_NAME.fullmatch(folded(name)) is not None


def sidecars_in(folder: Path, *, folder_limit: int | None = None) -> Iterator[Path]:
    """The sidecars under ``folder`` (see the module docstring), depth first, by name; after
    ``folder_limit`` folders looked into, no more."""
    looked = 0
    for top in (folder, *_kobo_settings(folder)):
        for root, dirs, files in os.walk(top):
            looked += 1
            if folder_limit is not None and looked > folder_limit:
                return
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                path = Path(root) / name
                if is_sidecar_name(name) and path.is_file():
                    yield path


def custom_metadata_of(sidecar: Path) -> Path | None:
    """The book information the user edited in KOReader beside ``sidecar``, if any."""
    return entry_spelt(sidecar.parent, CUSTOM_METADATA, folder=False)


def _kobo_settings(folder: Path) -> list[Path]:
    koreader = folder.joinpath(*KOBO_KOREADER)
    return [koreader / name for name in SETTINGS_FOLDERS if (koreader / name).is_dir()]


def title_from_book_path(book: str) -> str | None:
    """The title a book's path gives (``/mnt/us/books/Walden.v2.epub`` -> ``Walden.v2``), as
    the sidecar's ``doc_path`` and the export's ``file`` spell it (``/`` or ``\\``)."""
    name = re.split(r"[/\\]", book.strip())[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    return stem.strip() or None


def title_from_path(path: Path) -> str:
    """A title for a book whose sidecar names none: its ``.sdr`` folder's name without ``.sdr``
    and the book's extension (``Walden.epub.sdr`` -> ``Walden``), else the sidecar's name
    (bytes that are not UTF-8 read as :func:`~excerpta.readers.undecodable.name_as_text` reads them)."""
    folder, name = name_as_text(path.parent.name), name_as_text(path.name)
    if folded(folder).endswith(".sdr") and len(folder) > 4:
        book = folder[:-4]
        stem, dot, _ = book.rpartition(".")
        return (stem if dot and stem.strip() else book).strip() or name
    return name
