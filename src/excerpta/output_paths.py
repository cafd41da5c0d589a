"""Where one output's files may go: paths under its folder, never leaving it, neither by name
(``..``, an absolute path) nor through a link the user made (a note, or a folder holding it,
that links outside). An :class:`~excerpta.output.OutputSink` asks this before it reads back,
writes or replaces a file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from excerpta.errors import WriteConflictError


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
