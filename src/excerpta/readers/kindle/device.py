"""A Kindle's ``My Clippings.txt`` as a file: where the device keeps it, which encoding it is in.

On the device's drive the file is ``documents/My Clippings.txt``; a user may also point us at
the drive's ``documents`` folder. The device's FAT file system ignores case, so names are
compared without it.

The device writes UTF-8. A file re-saved as "Unicode" is UTF-16 (or UTF-32), with a byte order
mark from Notepad or Excel but without one from some editors and scripts (``utf-16-le``). Such
a file is told by its NULs: clippings text is mostly ASCII (separators, metadata lines, digits,
line breaks), and in UTF-16 each ASCII character has a NUL byte, always on the same side of
its pair, while UTF-8 and the 8-bit encodings never write a NUL in text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from excerpta.adapters import open_text, text_encoding

CLIPPINGS_FILE = "My Clippings.txt"  # on the device: documents/My Clippings.txt
NUL_SAMPLE_BYTES = 4096  # the first bytes looked at for UTF-16 without a byte order mark
# In UTF-16 text, the share of pairs with a NUL on one side, at least: 1 in 8 (the corpus's
# Chinese file has 2 in 5, a Latin-script one nearly all). The other side has at most an eighth
# as many (CJK characters such as U+4E00 have a NUL low byte).
MIN_NUL_SHARE = 8


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
    # UTF-16 (little- or big-endian) when one byte of each pair is often NUL and the other
    # rarely, else UTF-8.
    if b"\0" not in head:  # the usual case: one C scan
        return "utf-8"
    pairs = min(len(head), NUL_SAMPLE_BYTES) // 2
    sample = head[: 2 * pairs]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd and odd * MIN_NUL_SHARE >= pairs and even * MIN_NUL_SHARE <= odd:
        return "utf-16-le"  # "A\0": the NUL is the high byte, second
    if even and even * MIN_NUL_SHARE >= pairs and odd * MIN_NUL_SHARE <= even:
        return "utf-16-be"
    return "utf-8"


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
