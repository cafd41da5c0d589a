"""What the readers of JSON saved from an API share (``readwise-json``, ``hypothesis``): one
file, or a folder of ``*.json`` files read in name order, a file of it that cannot be read
reported (named, with why) and the others read.

A folder's files are the reader's when their first characters are its (:meth:`probe_score`),
or no reader's (a damaged one, reported with why): another reader's JSON beside them (a
Readwise export page in a folder of Hypothesis files, excerpta's own library) is read by that
reader, as any other file of a folder input (:mod:`excerpta.folder_inputs`).

A subclass says how sure it is of a file from its first characters (:meth:`probe_score`) and
reads one file (:meth:`read_file`); a folder is recognised when one of its first
:data:`FOLDER_PROBE_FILES` ``*.json`` files scores and none of them is another reader's (a
folder mixing them is read file by file, each by its reader).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.errors import InputError
from excerpta.model import Document

FOLDER_PROBE_FILES = 5  # how many *.json files of a folder auto-detection looks into
FOLDER_SCORE = 60


def has_key(head: str, *keys: str) -> bool:
    """Whether ``head`` holds one of ``keys`` (spelt with their quotes) as an object key,
    followed by a colon, not as text inside a value."""
    return any(re.search(re.escape(key) + r"\s*:", head) for key in keys)


class JsonFilesReader(Reader):
    """A reader of one JSON file or a folder of them; see the module docstring."""

    @classmethod
    def probe_score(cls, head: str) -> int:
        """How sure the reader is (0-100) that a file starting with ``head`` is its."""
        raise NotImplementedError

    def read_file(self, source: str, state: ReadState) -> Iterator[Document]:
        """The documents of the one file ``source``; InputError if it holds none."""
        raise NotImplementedError

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        if probe.is_dir and probe.path is not None:
            try:
                # Regular files only: opening a named pipe would wait for a writer forever.
                files = sorted(path for path in probe.path.glob("*.json") if path.is_file())
                claimed = [cls._claims(InputProbe.of_file(path)) for path in files[:FOLDER_PROBE_FILES]]
            except OSError:  # an unreadable folder is not ours to claim; reading will say why
                return 0
            return FOLDER_SCORE if True in claimed and False not in claimed else 0
        return cls.probe_score(probe.text_head)

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # The *.json directly in it that are its or no reader's (see the module docstring).
        if probe.path is None or probe.path.parent != folder or not probe.path.match("*.json"):
            return False
        return cls._claims(probe) is not False

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = Path(source).expanduser()
        if path.is_dir():
            files = [file for file in sorted(path.glob("*.json"))
                     if file.is_file() and self._reads(path, file)]
            if not files:
                raise InputError(f"{source}: no {self.name} *.json files in this folder")
            for file in files:
                try:
                    yield from self.read_file(str(file), state)
                except InputError as err:
                    state.report(str(file), None, str(err).removeprefix(f"{file}: "))
            return
        if not path.exists():
            raise InputError(f"{source}: no such file")
        yield from self.read_file(source, state)

    @classmethod
    def _claims(cls, probe: InputProbe) -> bool | None:
        """Whether the file ``probe`` is this reader's (True), another reader's (False), or no
        reader's (None)."""
        if cls.probe_score(probe.text_head):
            return True
        from excerpta import registry  # the registry imports the readers

        return False if registry.best_readers(probe) else None

    @classmethod
    def _reads(cls, folder: Path, file: Path) -> bool:
        try:
            return cls.reads_in_folder(folder, InputProbe.of_file(file))
        except OSError:  # one that cannot be opened is reported by the read, with why
            return True
