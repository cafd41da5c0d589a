"""A run's private work folder: where a writer makes what it then writes to its place (an Anki
deck's collection, zipped into the deck), removed after; and the machine refusing it, told as
the file the user asked for.

It is beside the output's lock (:mod:`excerpta.locks`), in excerpta's state folder, not in the
shared temporary folder: the files hold the user's highlights, and a run killed outright
(``kill -9``) cannot remove them; the next run into the output, which holds the lock too, does
first.

The user never chose that folder, and it may be on another disk than the output (the home
folder's, say). So where a file in it cannot be written (its disk full, the process's file
size limit reached) the error names the output file instead, says which folder's disk stands
in the way and what to do (:func:`refused`), as every error of an output names the user's file
(``deck.apkg: No space left on device (preparing it in excerpta's working folder
~/.local/state/excerpta/locks, whose disk is full: make room on it and run again)``).
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FULL_BELOW = 1 << 20  # free bytes under which a disk counts as full (an I/O error there: no room)
LARGEST_PAGE = 1 << 16  # SQLite writes pages of up to 64 KiB: a file this near the limit reached it


@contextmanager
def scratch_folder(staging: Path | None, for_file: Path) -> Iterator[Path]:
    """A private folder for a run's work files toward ``for_file`` (an output file), removed
    after: beside the output's lock (``staging``, its :func:`~excerpta.locks.staging_list`; see
    the module docstring). ``staging`` None (a dry run, which takes no lock): a temporary
    folder. An OSError raised in the block about a file of the folder is raised again as
    :func:`refused` makes it, naming ``for_file``."""
    if staging is None:
        with tempfile.TemporaryDirectory(prefix="excerpta-") as made, _told_as(Path(made), for_file):
            yield Path(made)
        return
    folder = staging.with_suffix(".scratch")
    shutil.rmtree(folder, ignore_errors=True)  # a killed run's
    try:
        with _told_as(folder, for_file):
            folder.mkdir(mode=0o700, parents=True)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _told_as(folder: Path, for_file: Path) -> Iterator[None]:
    try:
        yield
    except OSError as err:
        if not isinstance(err.filename, str | bytes) or not _inside(Path(os.fsdecode(err.filename)), folder):
            raise  # not the work folder's (the output's own errors name the output already)
        raise refused(err, folder, for_file) from err


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refused(err: OSError, folder: Path, for_file: Path) -> OSError:
    """``err``, the machine refusing a file of the work ``folder``, as an OSError naming
    ``for_file`` and saying what stands in the way: the disk of excerpta's working folder full
    (ENOSPC, or an I/O error with under :data:`FULL_BELOW` free there: SQLite says no more),
    its quota used up, the process's file size limit (``ulimit -f``) reached (EFBIG, or an I/O
    error with a file there that near it), or what the machine said."""
    doing = f"preparing it in excerpta's working folder {folder.parent}"  # (the folder itself goes)
    code, limit = err.errno, _size_limit()
    if code == errno.EFBIG or (code == errno.EIO and limit is not None and _reached(folder, limit)):
        code = errno.EFBIG
        why = doing if limit is None else (f"{doing}, where a file reached this process's file size "
                                           f"limit, {limit} bytes: raise it (ulimit -f) and run again")
    elif code == errno.ENOSPC or (code == errno.EIO and _free(folder.parent) < FULL_BELOW):
        code, why = errno.ENOSPC, f"{doing}, whose disk is full: make room on it and run again"
    elif code == errno.EDQUOT:
        why = f"{doing}, whose disk quota is used up: make room on it and run again"
    else:
        return OSError(code, f"{err.strerror or err} ({doing})", str(for_file))
    return OSError(code, f"{os.strerror(code)} ({why})", str(for_file))


def _size_limit() -> int | None:
    """The file size limit of this process (RLIMIT_FSIZE), None if there is none."""
    if sys.platform == "win32":
        return None
    import resource  # (POSIX only)

    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


def _reached(folder: Path, limit: int) -> bool:
    """Whether a file in ``folder`` is within a page of ``limit`` bytes."""
    try:
        return any(entry.stat().st_size + LARGEST_PAGE >= limit for entry in os.scandir(folder)
                   if entry.is_file(follow_symlinks=False))
    except OSError:
        return False


def _free(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return FULL_BELOW  # not known: not said to be full
