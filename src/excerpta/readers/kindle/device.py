"""A Kindle's ``My Clippings.txt`` as a file: where the device keeps it, which encoding it is in.

On the device's drive the file is ``documents/My Clippings.txt``; a user may also point us at
the drive's ``documents`` folder. The device's FAT file system ignores case, so names are
compared without it.

The device writes UTF-8. A file re-saved as "Unicode" is UTF-16 (or UTF-32), with a byte order
mark from Notepad or Excel but without one from some editors and scripts (``utf-16-le``), told
by its NULs (see :mod:`excerpta.wide_text`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from excerpta.input_files import open_text
from excerpta.wide_text import NUL_SAMPLE_BYTES, bomless_utf16, text_encoding

CLIPPINGS_FILE = "My Clippings.txt"  # on the device: documents/My Clippings.txt


def decoded_head(head: bytes) -> str:
    """The first bytes of a file decoded as :func:`open_clippings` would (byte order mark
    dropped, undecodable bytes replaced): for recognising the file."""
    return head.decode(text_encoding(head, _bomless_encoding(head)), errors="replace").lstrip("\ufeff")


def open_clippings(path: Path, *, errors: str) -> TextIO:
    """``path`` opened for reading text, with universal newlines: in the encoding its byte
    order mark names, else in UTF-16 if its NULs say so (see the module docstring), else in
    UTF-8; ``errors`` handles undecodable bytes."""
    with path.open("rb") as handle:
        head = handle.read(NUL_SAMPLE_BYTES)
    return open_text(path, default=_bomless_encoding(head), errors=errors)


def _bomless_encoding(head: bytes) -> str:
    # UTF-16 (little- or big-endian) when its NULs say so, else UTF-8.
    return bomless_utf16(head) or "utf-8"


def clippings_in(folder: Path) -> Path | None:
    """The ``My Clippings.txt`` of a Kindle mounted at ``folder``: in the folder itself or in its
    ``documents`` folder (names compared without case, as the device's FAT file system does)."""
    found = _entry(folder, CLIPPINGS_FILE, folder=False)
    if found is None and (documents := _entry(folder, "documents", folder=True)) is not None:
        found = _entry(documents, CLIPPINGS_FILE, folder=False)
    return found


def _entry(parent: Path, name: str, *, folder: bool) -> Path | None:
    try:
        entries = sorted(parent.iterdir())
    except OSError:
        return None
    for entry in entries:
        if entry.name.casefold() == name.casefold() and (entry.is_dir() if folder else entry.is_file()):
            return entry
    return None
