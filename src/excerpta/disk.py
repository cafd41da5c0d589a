"""Putting bytes on stable storage: file hashes, fsync, and one ``syncfs`` for a large batch.

Used by :class:`~excerpta.output.OutputSink`, which writes a batch of temporary files, flushes
them with :func:`flush_to_disk`, renames them over their targets and then fsyncs each folder
(:func:`fsync_dir`). ``syncfs`` (Linux) flushes a whole file system in one call: 5,000 notes take
0.04 s instead of 0.33 s with an fsync each.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FSYNC_THREADS = 8
SYNCFS_MIN_FILES = 32  # below this, fsync each file: syncfs would also flush other programs' data
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None if there is no such file."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def flush_to_disk(paths: list[Path]) -> None:
    """Put the data of ``paths`` on stable storage: one ``syncfs`` per file system for a large
    batch where the platform has it, else an fsync per file (in parallel, so the file system
    commits them together)."""
    if len(paths) >= SYNCFS_MIN_FILES and _syncfs_all({path.parent for path in paths}):
        return
    with ThreadPoolExecutor(max_workers=FSYNC_THREADS) as pool:
        list(pool.map(_fsync_file, paths))


def _libc_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # a libc without syncfs (before glibc 2.14, some musl)
        return None


_SYNCFS = _libc_syncfs()


def _syncfs_all(folders: set[Path]) -> bool:
    """``syncfs`` once for each file system holding one of ``folders``; False if unavailable.
    Since Linux 5.8 syncfs reports write-back errors, which are raised as OSError."""
    if _SYNCFS is None:
        return False
    done: set[int] = set()
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY)
        try:
            device = os.fstat(fd).st_dev
            if device not in done:
                if _SYNCFS(fd) != 0:
                    error = ctypes.get_errno()
                    raise OSError(error, os.strerror(error), str(folder))
                done.add(device)
        finally:
            os.close(fd)
    return True


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)  # flushes the file's data whichever descriptor wrote it
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """fsync ``folder``: a rename in it is only durable once the folder's entry is (POSIX only)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
