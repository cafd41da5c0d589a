"""Input files not read again while they hold what the library already took from them.

A sync job reads its whole ``My Clippings.txt`` or export every run and merges every record
into the library again: at 100,000 highlights, most of a no-change run. A run whose library is
its state (``--state``, or a job's) therefore keeps, with the read cursors, the *mark* of each
file it read cleanly (:func:`input_mark`: the SHA-256 of its bytes, the reader and its options,
the machine's zone, which device-local times are read in, and excerpta's own code), committed
once the outputs are on disk. A later run that finds the
same mark skips the file: merging it again would change nothing, as a merge settles each
highlight with what the library holds and never undoes what another source brought.

A file is read again when any of that changed, when its last read reported problems (so each
run says them again and is partial), and always when it is not a regular file given by name
(a folder, a file found in one, a device) or the read is not into a state.
"""

from __future__ import annotations

import hashlib
import logging
import stat
from pathlib import Path

from excerpta.adapters import Reader
from excerpta.unchanged_outputs import code_digest, local_zone_names

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


def input_mark(path: str, reader: Reader) -> str | None:
    """The mark of the file at ``path`` as ``reader`` reads it; None if it is no regular file
    (or cannot be read: the read says why)."""
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):  # (a named pipe is never opened here)
            return None
        with Path(path).open("rb") as handle:
            content = hashlib.sha256()
            while chunk := handle.read(_CHUNK):
                content.update(chunk)
    except OSError:
        return None
    return hashlib.sha256("\0".join((content.hexdigest(), reader.name, reader.options.model_dump_json(),
                                     local_zone_names(), code_digest())).encode()).hexdigest()


def mark_key(source: str) -> str:
    """What the mark of input ``source`` is kept under among the read cursors (a NUL no path
    holds keeps it apart from a reader's own cursor of that source)."""
    return f"{source}\0unchanged"


def unchanged(source: str, mark: str | None, kept: str | None) -> bool:
    """Whether ``source``, of ``mark`` now, is the file whose mark was ``kept``; logged."""
    if mark is None or mark != kept:
        return False
    log.info("%s: unchanged since it was last read; not read again", source)
    return True
