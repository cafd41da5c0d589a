"""One writer per output: an exclusive lock held from reading an output to committing its records.

Two runs writing the same output at once (a scheduled sync and a manual ``convert``, or two
terminals) would each decide from what the other is rewriting, and each commit a manifest the
other's files contradict; their next runs would then report the user's notes as conflicts.
So a run takes the output's lock before it reads the output and releases it after its records
are committed, and a second run fails at once with :class:`~excerpta.errors.OutputBusyError`
(nothing written) instead of waiting behind a first sync that may take minutes.

The lock is an OS file lock (``flock``/``LockFileEx`` through the filelock library) on a file in
the user's state folder, named by a hash of the output's resolved path: no lock file is ever put
in the user's vault, and the OS releases the lock when a run dies.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from platformdirs import user_state_path

from excerpta.errors import OutputBusyError, StateError
from excerpta.file_names import name_bytes
from excerpta.spelling import folded

LOCKS_FOLDER = "locks"


def lock_folder(*, make: bool = True) -> Path:
    """Where the lock files live: the user's state folder, else a per-user temporary folder
    (a read-only home must not stop a run that keeps its state elsewhere). ``make``: create
    it; without, where it is (or would be: a dry run makes no folder)."""
    folder = user_state_path("excerpta", appauthor=False) / LOCKS_FOLDER
    fallback = Path(tempfile.gettempdir()) / f"excerpta-{getpass.getuser()}" / LOCKS_FOLDER
    if not make:
        return fallback if not folder.is_dir() and fallback.is_dir() else folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = fallback
        _private(folder.parent)
        folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _private(folder: Path) -> None:
    """Make ``folder`` (in the shared temporary folder) readable and writable by this user
    alone, or check that it is: its name is predictable, and another user who made it first
    could plant links in it for a run to write through, or remove a lock a run holds. Raises
    StateError where it is not so."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError as err:
        raise StateError(f"{folder}: cannot make the folder of excerpta's locks ({err.strerror})") from None
    if os.name == "nt":  # a temporary folder of the user's own; no POSIX owner or mode to check
        return
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o022:
        raise StateError(f"{folder}: not a folder of yours that others cannot write to; excerpta keeps "
                         "no locks there (remove it, or make your state folder writable: "
                         f"{user_state_path('excerpta', appauthor=False)})")


def lock_path(out: Path, *, make: bool = True) -> Path:
    """The lock file of output ``out`` (a file or a folder; need not exist yet); ``make``: create
    its folder (:func:`lock_folder`)."""
    # Folded: on a file system that ignores case or Unicode form (macOS, Windows, exFAT),
    # ``Vault`` and ``vault`` are one output (elsewhere two outputs may share a lock).
    resolved = folded(os.path.normcase(str(out.expanduser().resolve())))
    # Its bytes as the file system has them: a name that is not UTF-8 too (excerpta.file_names).
    return lock_folder(make=make) / f"{hashlib.sha256(name_bytes(resolved)).hexdigest()[:24]}.lock"


def staging_list(out: Path) -> Path:
    """The file listing the folders of output ``out`` a run staged temporary files in (see
    :mod:`excerpta.output_batch`): beside its lock, never in the user's vault. Its folder is
    not made here: a run writing the list holds the lock (:func:`output_lock`), made with it."""
    return lock_path(out, make=False).with_suffix(".staging")


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock of output ``out`` for the ``with`` block.

    Raises OutputBusyError at once if another run holds it.
    """
    with _held(lock_path(out), f"{out}: another excerpta run is writing this output; "
                               "try again when it has finished"):
        yield


def output_in_use(out: Path) -> bool:
    """Whether a run holds the lock of output ``out`` now (tried at once, never waited for:
    a run that starts meanwhile may find it busy that instant, as it would with another)."""
    path = lock_path(out, make=False)
    if not path.exists():
        return False  # never locked here, or not since the lock folder was made
    try:
        with _held(path, "in use"):
            return False
    except (OutputBusyError, OSError):  # held; or not to be known: as held
        return True


@contextmanager
def daemon_lock(state: Path) -> Iterator[None]:
    """Hold the lock of the daemon of state database ``state`` for the ``with`` block: two
    daemons of one state would run each job twice. Raises OutputBusyError at once if another
    daemon holds it."""
    with _held(lock_path(state).with_suffix(".daemon"),
               f"another excerpta daemon is running with the state {state}; stop it first"):
        yield


@contextmanager
def _held(path: Path, busy: str) -> Iterator[None]:
    lock = FileLock(path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise OutputBusyError(busy) from None
    try:
        yield
    finally:
        lock.release()
