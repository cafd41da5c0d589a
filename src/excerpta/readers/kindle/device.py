"""A Kindle's ``My Clippings.txt`` as a file: where the device keeps it, which encoding it is in
(:func:`~excerpta.input_files.open_text` finds it).

On the device's drive the file is ``documents/My Clippings.txt``; a user may also point us at
the drive's ``documents`` folder. The device's FAT file system ignores case, so names are
compared without it.

The device writes UTF-8. A file re-saved as "Unicode" is UTF-16 (or UTF-32), with a byte order
mark from Notepad or Excel but without one from some editors and scripts (``utf-16-le``), told
by its NULs (see :mod:`excerpta.wide_text`).
"""

from __future__ import annotations

from pathlib import Path

from excerpta.spelling import entry_spelt

CLIPPINGS_FILE = "My Clippings.txt"  # on the device: documents/My Clippings.txt


def clippings_in(folder: Path) -> Path | None:
    """The ``My Clippings.txt`` of a Kindle mounted at ``folder``: in the folder itself or in its
    ``documents`` folder (names compared without case, as the device's FAT file system does)."""
    found = entry_spelt(folder, CLIPPINGS_FILE, folder=False)
    if found is None and (documents := entry_spelt(folder, "documents", folder=True)) is not None:
        found = entry_spelt(documents, CLIPPINGS_FILE, folder=False)
    return found
