"""The lines of a Readwise CSV, in the encoding its bytes say.

UTF-8, or UTF-16/32 with a byte order mark, or UTF-16 without one (told by its NULs, see
:mod:`excerpta.wide_text`), or Windows-1252 (an Excel re-save: a file without a byte order
mark that is not UTF-8 throughout, decodes as Windows-1252 and holds no UTF-8 sequence of
several bytes, read as such with a warning: the same text gives the same ids). A UTF-8 file
with a few stray bytes (a row pasted in from a Windows-1252 file) is read as UTF-8 but for
those bytes, each read as Windows-1252, and their lines reported once (read in part, see
:mod:`excerpta.readers.undecodable`): one such row never loses the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.input_files import MixedText, UndecodableText, open_text
from excerpta.readers.undecodable import MARK_ERRORS, MarkedText, report_undecodable

log = logging.getLogger(__name__)
# What Excel re-saves a CSV as on a Western Windows: a file that is not UTF-8 is read as it.
EXCEL_ENCODING = "cp1252"


@contextmanager
def csv_lines(path: Path, source: str, state: ReadState) -> Iterator[Iterator[str]]:
    """The lines of the CSV at ``path`` (the input ``source``), with their line ends (for the
    csv module); stray bytes of a UTF-8 file are reported to ``state`` once the lines are read.
    Raises InputError for a file no encoding above reads, naming the line."""
    try:
        handle = open_text(path, default="utf-8-sig", errors="strict", newline="",
                           fallback=EXCEL_ENCODING)
    except MixedText:
        with path.open("r", encoding="utf-8-sig", errors=MARK_ERRORS, newline="") as raw:
            marked = MarkedText(raw)
            yield iter(marked.readline, "")
        report_undecodable(marked, "utf-8", source, state)
        return
    except UndecodableText as err:
        raise InputError(f"{source}:{err.line}: not UTF-8 text, nor UTF-16, nor Windows-1252 "
                         f"(byte 0x{err.byte:02X} is none of them; expected a Readwise CSV): "
                         "re-save it as UTF-8") from None
    with handle:
        if handle.encoding == EXCEL_ENCODING:
            # Named as given: a pipe is read from a copy (see ReadState.source_names).
            log.warning("%s: not UTF-8; read as Windows-1252", state.source_names.get(source, source))
        try:
            yield chain([handle.readline()], handle)
        except UnicodeDecodeError:  # its first bytes said UTF-8 (a BOM) or UTF-16
            encoding = "UTF-8" if handle.encoding == "utf-8-sig" else handle.encoding.upper()
            raise InputError(f"{source}: not valid {encoding} text, though it starts as such "
                             "(expected a Readwise CSV): re-save it as UTF-8") from None
