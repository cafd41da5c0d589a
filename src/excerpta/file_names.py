"""File names that are not UTF-8: kept, hashed and shown without failing.

On Linux a file name is bytes; one that is not UTF-8 (``café`` saved by a Latin-1 system:
``caf\\xe9``) reaches Python as text holding a lone surrogate per undecodable byte
(``'caf\\udce9'``, the ``surrogateescape`` of :func:`os.fsdecode`). Such text opens the file, but
encoding it as UTF-8 fails (``surrogates not allowed``): in a hash, in SQLite, in a log line.
So whatever takes a path as bytes takes the file system's own (:func:`name_bytes`); the state
database keeps such a path as those bytes (:func:`stored_name`, read back by
:func:`name_stored`), so the same path is always the same key and comes back as the same
path; and a message naming it shows each undecodable byte escaped (:func:`shown`,
``caf\\xe9``), as the CLI's streams do with :data:`SHOWN_ERRORS`.
"""

from __future__ import annotations

import codecs
import os

SHOWN_ERRORS = "excerpta-show-undecodable"  # the ``errors`` name that writes text as :func:`shown`


def _escaped(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    # A byte surrogateescape kept is shown as that byte (\xe9); anything else the stream's
    # encoding has no bytes for (half a UTF-16 pair, a letter in ASCII) as Python escapes it.
    return "".join(f"\\x{ord(char) - 0xDC00:02x}" if 0xDC80 <= ord(char) <= 0xDCFF
                   else char.encode("ascii", "backslashreplace").decode("ascii")
                   for char in error.object[error.start:error.end]), error.end


codecs.register_error(SHOWN_ERRORS, _escaped)  # idempotent: the same handler under the same name


def name_bytes(name: str | os.PathLike[str]) -> bytes:
    """The bytes the file system has for ``name``: its UTF-8, an undecodable byte as itself."""
    return os.fsencode(name)


def stored_name(name: str) -> str | bytes:
    """``name`` as the state database keeps it: as text when it is valid Unicode (every name
    stored before), else as its bytes (:func:`name_bytes`; SQLite keeps a BLOB, which never
    equals a text)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name_bytes(name)
    return name


def name_stored(value: str | bytes) -> str:
    """The name :func:`stored_name` kept as ``value``."""
    return os.fsdecode(value) if isinstance(value, bytes) else value


def shown(text: str) -> str:
    """``text`` as a message shows it: each undecodable byte of a file name escaped
    (``caf\\xe9.txt``), so it can be printed and stored as UTF-8."""
    return text.encode("utf-8", SHOWN_ERRORS).decode("utf-8")
