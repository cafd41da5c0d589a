"""Names as a file system that ignores case and Unicode form compares them (macOS, Windows,
the FAT and exFAT of a Kindle or a USB stick): ``Vault`` and ``vault``, ``Café`` in NFC and
in NFD, are one name there."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path


def folded(name: str) -> str:
    """``name`` (or a path) as such a file system compares it: NFC, case-folded."""
    return unicodedata.normalize("NFC", name).casefold()


def entry_spelt(parent: Path, name: str, *, folder: bool) -> Path | None:
    """The entry of ``parent`` that such a file system would take for ``name``, as it is spelt
    there (the first in name order, should a file system that tells them apart hold several),
    a folder or a file as asked; None when there is none or ``parent`` cannot be read."""
    try:
        with os.scandir(parent) as entries:
            names = sorted(entry.name for entry in entries if folded(entry.name) == folded(name)
                           and (entry.is_dir() if folder else entry.is_file()))
    except OSError:
        return None
    return parent / names[0] if names else None
