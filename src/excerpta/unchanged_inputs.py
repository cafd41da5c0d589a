"""A run's input files not read again while the library holds what they gave it, as they are.

A sync job reads its whole ``My Clippings.txt`` or export every run and merges every record
into the library again: at 100,000 highlights, most of a no-change run. A run whose library is
its state (``--state``, or a job's) therefore keeps, with its read cursors, the *mark* of its
inputs (:func:`inputs_mark`: for each, the SHA-256 of its bytes, the reader and its options;
the machine's zone, which device-local times are read in; excerpta's code and libraries),
together with the library's fingerprint once they were merged
(:meth:`~excerpta.store.base.LibraryStore.fingerprint`), committed once the outputs are on
disk. A later run of the same inputs that finds the same mark and the library as that run
left it skips reading them all: merging the same records into the library they made changes
nothing.

All or none: where two inputs hold one highlight, the one merged last settles it, so reading
only the input that changed would settle it otherwise than reading both; and where another
run (another job sharing the state) changed the library since, reading these inputs again
may change it back, as it would have without the mark. So every input is read when any of
them changed, when the library did, when a read reported problems (so each run says them
again and is partial), with ``--force``, and always when an input is not a regular file given
by name (a folder, a file found in one, a device, ``readwise:``) or is read by a reader that
reads more than the file's bytes (:attr:`~excerpta.adapters.Reader.self_contained`), or the
read is not into a state.
"""

from __future__ import annotations

import hashlib
import logging
import stat
from collections.abc import Sequence
from pathlib import Path

from excerpta.adapters import Reader
from excerpta.file_names import name_bytes
from excerpta.store.base import LibraryStore
from excerpta.unchanged_outputs import code_digest, local_zone_names

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


def inputs_mark(inputs: Sequence[tuple[str, str, Reader]]) -> str | None:
    """The mark of a run's ``inputs`` (each: the input as given, the file it names, the reader
    that reads it); None if any of them cannot be marked: not a regular file (or unreadable:
    the read says why), or a reader that reads more than its bytes."""
    marks = []
    for source, path, reader in inputs:
        if reader.remote or not reader.self_contained:
            return None
        content = _content_digest(path)
        if content is None:
            return None
        marks.append("\0".join((source, content, reader.name, reader.options.model_dump_json())))
    if not marks:
        return None
    # name_bytes: an input's name that is not UTF-8 too, its bytes as the file system has them.
    return hashlib.sha256(name_bytes("\n".join((*marks, local_zone_names(), code_digest())))).hexdigest()


def _content_digest(path: str) -> str | None:
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):  # (a named pipe is never opened here)
            return None
        with Path(path).open("rb") as handle:
            content = hashlib.sha256()
            while chunk := handle.read(_CHUNK):
                content.update(chunk)
    except OSError:
        return None
    return content.hexdigest()


def mark_key(sources: Sequence[str]) -> str:
    """What the mark of a run of inputs ``sources`` is kept under among the read cursors (the
    NUL no path holds keeps it apart from a reader's own cursor of a source)."""
    return "\0".join(("", "unchanged", *sources))


def kept_mark(mark: str, library: LibraryStore) -> str:
    """What a run whose inputs have ``mark`` keeps, once it merged them into ``library``."""
    return hashlib.sha256(f"{mark}\0{library.fingerprint()}".encode()).hexdigest()


def unchanged(sources: Sequence[str], mark: str | None, library: LibraryStore, kept: str | None) -> bool:
    """Whether the inputs ``sources``, of ``mark`` now, are the files a run kept ``kept`` for,
    merged into ``library`` as it is now; logged per input."""
    if mark is None or kept is None or kept_mark(mark, library) != kept:
        return False
    for source in sources:
        log.info("%s: unchanged since it was last read; not read again", source)
    return True
