"""What the readers of JSON saved from an API share (``readwise-json``, ``hypothesis``): one
file, or a folder of ``*.json`` files read in name order, a file of it that cannot be read
reported (named, with why) and the others read.

A subclass says how sure it is of a file from its first characters (:meth:`probe_score`) and
reads one file (:meth:`read_file`); a folder is recognised when one of its first
:data:`FOLDER_PROBE_FILES` ``*.json`` files scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from excerpta.adapters import InputProbe, Reader, ReadState
from excerpta.errors import InputError
from excerpta.model import Document

FOLDER_PROBE_FILES = 5  # how many *.json files of a folder auto-detection looks into
PROBE_BYTES = 4096
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
                for path in files[:FOLDER_PROBE_FILES]:
                    with path.open("rb") as handle:
                        if cls.probe_score(handle.read(PROBE_BYTES).decode("utf-8", errors="replace")):
                            return FOLDER_SCORE
            except OSError:  # an unreadable folder is not ours to claim; reading will say why
                return 0
            return 0
        return cls.probe_score(probe.text_head)

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        # Every *.json directly in it: a file of ours is read, any other JSON reported (a
        # folder mixing two readers' JSON files is read file by file, or with --from each).
        return probe.path is not None and probe.path.parent == folder and probe.path.match("*.json")

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        path = Path(source).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.glob("*.json") if p.is_file())
            if not files:
                raise InputError(f"{source}: no *.json files in this folder")
            for file in files:
                try:
                    yield from self.read_file(str(file), state)
                except InputError as err:
                    state.report(str(file), None, str(err).removeprefix(f"{file}: "))
            return
        if not path.exists():
            raise InputError(f"{source}: no such file")
        yield from self.read_file(source, state)
