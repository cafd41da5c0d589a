"""Where one output's files may go: paths under its folder, never leaving it, neither by name
(``..``, an absolute path) nor through a link the user made (a note, or a folder holding it,
that links outside). An :class:`~excerpta.output.OutputSink` asks this before it reads back,
writes or replaces a file.

A folder checked may be swapped for a link before the write (a sync tool, another program, a
planted link): so the temporary files are made, renamed and swept relative to a descriptor of
their folder (:meth:`OutputPaths.open_folder`), checked once open to be in the output; a later
swap of its path cannot redirect them. Where the platform has no such calls (``dir_fd``:
Windows), paths are used, checked right before."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from excerpta.disk import naming
from excerpta.errors import WriteConflictError

# What working inside an open folder takes (os.replace is os.rename with dir_fd on POSIX).
DIR_FD = (hasattr(os, "O_DIRECTORY") and os.scandir in os.supports_fd
          and {os.open, os.stat, os.unlink, os.rename, os.chmod} <= os.supports_dir_fd)


@dataclass(frozen=True)
class OpenFolder:
    """A folder :meth:`OutputPaths.open_folder` opened: ``fd`` for ``dir_fd=`` calls (None where
    the platform has none: then ``path`` is used), and whether it is in the output (``inside``)."""

    path: Path
    fd: int | None
    inside: bool

    def name(self, path: Path) -> str | Path:
        """What names ``path`` (a file of this folder) in a call given ``dir_fd=self.fd``."""
        return path if self.fd is None else path.name


@dataclass
class OutputPaths:
    """The paths under ``root`` (the output folder, resolved once: resolving costs a system
    call per path part)."""

    root: Path
    _resolved: Path | None = None
    _inside_folders: dict[Path, bool] = field(default_factory=dict)  # see folder_inside

    @property
    def resolved_root(self) -> Path:
        """``root`` with every link in it followed."""
        if self._resolved is None:
            self._resolved = self.root.resolve()
        return self._resolved

    def resolve(self, relative: str) -> Path:
        """The absolute path of ``relative`` (POSIX or Windows separators) under the resolved
        root; raises WriteConflictError if it names a place outside it."""
        pure = PurePosixPath(relative.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or not pure.parts or relative.strip() == "":
            raise WriteConflictError(f"refusing to write {relative!r}: outside {self.root}")
        return self.resolved_root / Path(*pure.parts)

    def outside(self, target: Path) -> bool:
        """Whether ``target`` (a path :meth:`resolve` gave) is a link to a file outside the root
        (or to no file), or lies in a folder that is (or is in) a link to a folder outside it.
        A link to a file or folder inside the root is followed."""
        if not self.folder_inside(target.parent):
            return True
        if not target.is_symlink():
            return False
        into = Path(os.path.realpath(target))
        return not into.is_file() or not into.is_relative_to(self.resolved_root)

    def folder_inside(self, folder: Path) -> bool:
        """Whether ``folder``, its links followed, is the root or under it (a folder not made
        yet is where its parent is)."""
        # Once per folder and run: a vault has few folders, and a run writes many notes.
        inside = self._inside_folders.get(folder)
        if inside is None:
            inside = Path(os.path.realpath(folder)).is_relative_to(self.resolved_root)
            self._inside_folders[folder] = inside
        return inside

    @contextmanager
    def open_folder(self, folder: Path) -> Iterator[OpenFolder]:
        """``folder`` opened (links followed) for the block, and whether the folder opened is
        the root or under it, told from the open descriptor (Linux: ``/proc/self/fd``, else
        its identity with the folder its resolved path names): a folder swapped for a link
        after the check is never written through. Raises OSError naming ``folder`` if it
        cannot be opened."""
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY) if DIR_FD else None
        except PermissionError:  # a folder one may write in but not list: as without dir_fd
            fd = None
        except OSError as err:
            raise naming(err, folder, "opening the folder") from err
        if fd is None:
            yield OpenFolder(folder, None, Path(os.path.realpath(folder)).is_relative_to(self.resolved_root))
            return
        try:
            where = _where_open(fd, folder)
            inside = where is not None and where.is_relative_to(self.resolved_root)
            # /proc names a folder as the kernel cached it: on a disk that ignores case (a USB
            # stick, casefold ext4) ``Vault`` for ``--out vault``. Then the folder the resolved
            # path names now must be the very one open, which a swap for a link never is.
            yield OpenFolder(folder, fd, inside or _is_open_at(fd, folder, self.resolved_root))
        finally:
            os.close(fd)


def _is_open_at(fd: int, folder: Path, root: Path) -> bool:
    """Whether the folder open as ``fd`` is the one ``folder``'s resolved path names, under
    ``root``."""
    real = os.path.realpath(folder)
    try:
        return Path(real).is_relative_to(root) and os.path.samestat(os.fstat(fd), os.stat(real))
    except OSError:
        return False


def _where_open(fd: int, folder: Path) -> Path | None:
    """The path of the folder open as ``fd`` (opened as ``folder``), or None if unknown."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # no /proc (BSD, macOS)
        pass
    # A folder has one name, so the same folder as the resolved path names is there. (A swap
    # between the two calls can still fool this, as any check by path: /proc cannot be.)
    real = os.path.realpath(folder)
    try:
        return Path(real) if os.path.samestat(os.fstat(fd), os.stat(real)) else None
    except OSError:
        return None
