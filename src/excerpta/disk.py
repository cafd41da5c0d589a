"""Files a run writes, on disk: temporary files beside their targets, hashes of files and of
bytes to write, read-only files told, folders made and files removed.

Used by :class:`~excerpta.output.OutputSink`, which writes a batch of temporary files, flushes
them (:mod:`excerpta.disk_flush`), renames them over their targets and then fsyncs each folder.
A run killed before the renames (``kill -9``, a power cut) leaves its temporary files behind,
hidden (a leading dot: Obsidian and file managers do not show them);
:func:`sweep_temporary_files` removes them from a folder the next run writes into.

An error writing, flushing or renaming a temporary file is re-raised naming the file the user
asked for, not the temporary one (:func:`naming`): ``x.json: No space left on device (writing
it)``, with the errno kept; so is one making a file's folder (:func:`make_folder`), which names
the file standing where a folder should be rather than a path under it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from stat import S_IWUSR
from typing import NamedTuple

_CHUNK = 1 << 20
NAME_MAX_BYTES = 255  # the longest file name ext4 takes, in UTF-8 bytes
STALE_AFTER_SECONDS = 3600  # older than any run: not a concurrent run's (one writing a folder inside ours)
_TEMPORARY_NAME = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")  # what write_temp names them
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY | _O_NOFOLLOW


def file_sha256(path: Path, dir_fd: int | None = None) -> str | None:
    """SHA-256 of a file's bytes, or None if there is no such file (nor can be: a file stands
    where one of its folders should, which :func:`make_folder` names). ``dir_fd``: its folder
    open (``path`` is then taken there by its name)."""
    # os.open/os.read, not open(): a buffered file object costs five more system calls, and
    # a run asks this of every note it writes.
    try:
        fd = os.open(_in(path, dir_fd), os.O_RDONLY | _O_BINARY, dir_fd=dir_fd)
    except (FileNotFoundError, NotADirectoryError):
        return None
    digest = hashlib.sha256()
    try:
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest()


def chunks_sha256(chunks: Iterable[bytes]) -> tuple[str, int]:
    """SHA-256 and size of the bytes ``chunks`` hold: what :func:`write_temp` would record of
    them, for a dry run, which writes nothing."""
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def is_read_only(path: Path) -> bool:
    """Whether the file at ``path`` (followed if a link) has no write permission for its owner."""
    try:
        return not os.stat(path).st_mode & S_IWUSR
    except OSError:
        return False


@dataclass(frozen=True)
class TempFile:
    """A temporary file :func:`write_temp` wrote: where, the SHA-256 and size of its bytes, its stat."""

    path: Path
    sha256: str
    size: int
    stat: os.stat_result


def naming(err: OSError, path: Path, doing: str) -> OSError:
    """``err`` (same errno, so the same OSError subclass) re-made to name ``path``, the file
    the user knows, and what we were ``doing`` to it: ``<path>: <strerror> (<doing>)``. For an
    error that named our temporary file, or nothing (a bare write or fsync)."""
    strerror = err.strerror or str(err)
    return OSError(err.errno, f"{strerror} ({doing})", str(path))


def make_folder(folder: Path, for_file: Path, *, make: bool = True) -> None:
    """Create ``folder`` and its parents, to write ``for_file`` into (``make`` False: only check
    that no file stands where one of them should be, creating nothing: a dry run).

    Raises NotADirectoryError naming the file that stands where a folder should be, not a path
    under it (``…/notes.txt: a file, not a folder (making the folder …/notes.txt/vault/Books to
    write Walden.md)``), and OSError naming what could not be made (permissions, a folder that
    takes no files) and what for, as :func:`naming` does.
    """
    doing = f"making the folder {folder} to write {for_file.name}"
    blocker: Path | None = None
    try:
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        else:
            blocker = _file_in_the_way(folder)
    except (FileExistsError, NotADirectoryError) as err:
        blocker = _file_in_the_way(folder)
        if blocker is None:  # (a link to nowhere, say)
            raise naming(err, folder, doing) from err
    except OSError as err:
        raise naming(err, Path(err.filename or folder), doing) from err
    if blocker is not None:
        raise NotADirectoryError(errno.ENOTDIR, f"a file, not a folder ({doing})", str(blocker))


def _file_in_the_way(folder: Path) -> Path | None:
    return next((path for path in (folder, *folder.parents) if path.exists() and not path.is_dir()), None)


def write_temp(target: Path, chunks: Iterable[bytes], dir_fd: int | None = None,
               owner: str | None = None, mode: int = 0o666) -> TempFile:
    """Write ``chunks`` into a new hidden file beside ``target`` (``.<name>.<random>.tmp``, the
    name cut to fit in 255 bytes; in the same folder, so renaming it over ``target`` is
    atomic), made with permissions ``mode`` (the umask applies: a new file's by default; the
    file it replaces gives its own, so a private file's content is never readable by others
    while it is written). The caller renames or removes it; on error it is removed here.
    ``dir_fd``:
    the folder open, to make the file in (whatever its path names by then). ``owner`` (8
    hexadecimal digits: the output's, see :func:`sweep_temporary_files`) goes in the name too,
    ``.<name>.<owner>.<random>.tmp``.

    Raises OSError naming ``target`` (see :func:`naming`) if the file cannot be made or
    written; an error ``chunks`` raises propagates as it is.
    """
    # One try from before the file is made to the TempFile that names it: a KeyboardInterrupt
    # (Ctrl-C, or SIGTERM, which raises it) lands as a call returns, and one landing right after
    # os.open made the file, or as TempFile is made, must still remove it.
    made: Path | None = None  # the file to remove on error: possibly made
    owned = "" if owner is None else f"{owner}."
    try:
        for _ in range(100):
            made = path = target.with_name(_temporary_name(target.name, f".{owned}{os.urandom(4).hex()}.tmp"))
            try:
                fd = os.open(_in(path, dir_fd), _NEW_FILE, mode, dir_fd=dir_fd)
                break
            except FileExistsError:  # another's: never removed
                made = None
            except OSError as err:
                made = None
                raise naming(err, target, "writing it") from err
        else:
            raise FileExistsError(errno.EEXIST, "no free temporary name beside it", str(target))
        digest, size = hashlib.sha256(), 0
        try:
            for chunk in chunks:
                view = memoryview(chunk)
                try:
                    while view:
                        view = view[os.write(fd, view):]
                except OSError as err:  # a full disk, a quota: os.write names no file
                    raise naming(err, target, "writing it") from err
                digest.update(chunk)
                size += len(chunk)
            stat = os.fstat(fd)
        finally:
            try:
                os.close(fd)
            except OSError as err:  # NFS and FUSE report a failed write-back here
                raise naming(err, target, "writing it") from err
        written = TempFile(path, digest.hexdigest(), size, stat)
    except BaseException:
        if made is not None:
            remove_file(made, dir_fd)
        raise
    return written


def _temporary_name(name: str, tail: str) -> str:
    """``.<name><tail>``, with ``name`` cut (at a character) so that it fits in the 255 bytes a
    file name may have (ext4; APFS and NTFS count characters, never more than UTF-8 bytes): a
    target whose name fits has a temporary file whose name does."""
    room = NAME_MAX_BYTES - len(".") - len(tail.encode())
    # os.fsencode: a name the file system gave undecodable (surrogate escapes) is its bytes;
    # what is no UTF-8 is left out, as any name will do that is unique and ends so.
    return f".{os.fsencode(name)[:room].decode('utf-8', 'ignore') or 'x'}{tail}"


class Sweep(NamedTuple):
    """What :func:`sweep_temporary_files` did in a folder."""

    removed: int
    left: int  # temporary files too recent to remove (a run may be writing them), or unremovable


def sweep_temporary_files(folder: Path, older_than: float = STALE_AFTER_SECONDS,
                          dir_fd: int | None = None, owner: str | None = None) -> Sweep:
    """Remove from ``folder`` (``dir_fd``: that folder open, as the caller checked it) the
    temporary files :func:`write_temp` made more than ``older_than`` seconds ago (left by a run
    that was killed), and count those left. Only regular files named as :func:`write_temp` names
    them: no other file is touched, a link named so is neither followed nor removed (nor
    counted), and a file that cannot be removed is left. ``owner``: the caller's mark (as given
    to :func:`write_temp`), whose files are removed whatever their age: the caller holds the
    lock of the output they were written for and has none of its own there (another output's,
    in the same folder, may be being written)."""
    removed = left = 0
    cutoff = time.time() - older_than
    mine = f".{owner}"  # before ".<random>.tmp" (13 characters)
    try:
        with os.scandir(folder if dir_fd is None else dir_fd) as found:
            entries = list(found)
    except OSError:
        return Sweep(0, 0)
    for entry in entries:
        if entry.name[0] != "." or not _TEMPORARY_NAME.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if (owner is not None and entry.name[-22:-13] == mine) or (
                    entry.stat(follow_symlinks=False).st_mtime < cutoff):
                os.unlink(entry.path if dir_fd is None else entry.name, dir_fd=dir_fd)
                removed += 1
                continue
        except OSError:
            pass
        left += 1
    return Sweep(removed, left)


def remove_file(path: Path, dir_fd: int | None = None) -> None:
    """Remove ``path`` (``dir_fd``: its folder open, ``path`` taken there by its name), if there."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_in(path, dir_fd), dir_fd=dir_fd)


def _in(path: Path, dir_fd: int | None) -> str | Path:
    return path if dir_fd is None else path.name
