"""The inbox: every highlight the ingest endpoint took, one JSON line each, in the order taken.

A file of JSON Lines: the first line says what the file is (``{"excerpta_inbox": 1}``), each
other is one highlight as :mod:`excerpta.ingest.payload` checked it, with when it came
(``"at"``) and from where (``"via"``: the app's ``source_type``)::

    {"at": "2026-11-27T13:00:05Z", "via": "moonreader", "highlight": {"text": "…", …}}

The server appends; the ``inbox`` reader replays it (a later line of the same highlight
replaces an earlier one, as Readwise updates a highlight posted again). The file only grows:
nothing is ever rewritten, so a reader and the server never need to agree on more than "a
line is whole once its newline is written".

* **Durable before answered.** A request's lines are written with one ``write`` (appends of
  one process are serialised by a lock, and the kernel appends one ``write`` whole) and
  synced to disk before the app hears 200; an app that hears anything else sends again.
* **One server at a time** appends (:meth:`Inbox.take`: a lock file beside the inbox, held
  while the server runs): a second would take the first's half-written line for one a crash
  left, and cut it off.
* **A crash mid-write** leaves a last line without its newline: :meth:`Inbox.take` (when a
  server starts) cuts it off, as its request was never answered 200; so does a write the disk
  cut short (full), at once, before the app sends again. A reader takes a last line without
  its newline for one being written, and leaves it for the next read.
* **Private.** The file (``0600``) and a folder made for it (``0700``) are the user's alone:
  highlights and notes are private text.

Where it is: ``EXCERPTA_INBOX``, else ``inbox.jsonl`` in excerpta's state folder (beside the
default state database). The ``inbox`` reader's input ``inbox:`` names that file.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from platformdirs import user_state_path

from excerpta.errors import StateError

INBOX_ENV = "EXCERPTA_INBOX"
INBOX_FILE_NAME = "inbox.jsonl"
HEADER = {"excerpta_inbox": 1}
HEADER_LINE = json.dumps(HEADER).encode() + b"\n"

log = logging.getLogger(__name__)


def default_inbox_path(environ: Mapping[str, str] | None = None, configured: Path | None = None) -> Path:
    """The inbox ``inbox:`` names: ``$EXCERPTA_INBOX`` if set (the environment wins, as for
    every setting), else ``configured`` (``[ingest] inbox``), else ``inbox.jsonl`` in the
    user's state folder (``~/.local/state/excerpta`` on Linux)."""
    env = os.environ if environ is None else environ
    override = env.get(INBOX_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    if configured is not None:
        return configured.expanduser()
    return user_state_path("excerpta", appauthor=False) / INBOX_FILE_NAME


class Inbox:
    """The inbox file at ``path``, appended to by one server at a time: :meth:`take` it first
    (a lock beside it, held until :meth:`release`), then :meth:`append` from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser()
        self._lock = threading.Lock()
        self._held: FileLock | None = None

    def take(self) -> int:
        """Hold the inbox for this server (the lock file ``<inbox>.lock`` beside it: a second
        server, the daemon's or another ``ingest serve``, would cut off what this one appends
        as a line torn by a crash) and make it ready to append to: created with its header if
        missing, a last line cut short by a crash cut off. Returns the bytes cut off. Raises
        StateError when another server holds it, or the file cannot be made or is no inbox."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            held = FileLock(str(self.path) + ".lock", timeout=0)
            held.acquire()
        except Timeout:
            raise StateError(f"{self.path}: another excerpta (the daemon, or `excerpta ingest serve`) "
                             "is serving this inbox: stop it, or give another inbox") from None
        except OSError as err:
            raise StateError(f"{self.path}: cannot use as the inbox ({err.strerror})") from None
        self._held = held
        try:
            return self._repair()
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Let another server take the inbox."""
        if self._held is not None:
            self._held.release()
            self._held = None

    def _repair(self) -> int:
        with self._lock:
            try:
                with open(self.path, "ab+") as handle:
                    os.chmod(self.path, 0o600)
                    size = handle.seek(0, os.SEEK_END)
                    if size == 0:
                        handle.write(HEADER_LINE)
                        _sync(handle, self.path.parent)
                        return 0
                    handle.seek(0)
                    if handle.readline() != HEADER_LINE:
                        raise StateError(f"{self.path}: not an excerpta inbox (its first line is not "
                                         f"{HEADER_LINE.decode().strip()}); give another file")
                    cut = _cut_torn_tail(handle, size)
                    if cut:
                        log.warning("%s: the last %d byte(s) were a highlight cut short by a crash "
                                    "(never answered as taken): removed", self.path, cut)
                    return cut
            except OSError as err:
                raise StateError(f"{self.path}: cannot use as the inbox ({err.strerror})") from None

    def append(self, highlights: Sequence[dict[str, Any]], *, at: str, via: str | None) -> None:
        """Append ``highlights`` (checked by :func:`~excerpta.ingest.payload.check_body`) and
        sync them to disk before returning. Raises StateError if they cannot be written, with
        the file as it was before (a write cut short by a full disk is cut off again: the app
        sends them again, and that must not be glued to half a line)."""
        data = b"".join(
            json.dumps({"at": at, "via": via, "highlight": highlight}, ensure_ascii=False,
                       separators=(",", ":")).encode("utf-8") + b"\n"
            for highlight in highlights)
        with self._lock:
            try:
                handle = open(self.path, "ab+")  # noqa: SIM115 (closed below, after the sync)
            except OSError as err:
                raise StateError(f"{self.path}: cannot write to the inbox ({err.strerror})") from None
            with handle:
                size = handle.seek(0, os.SEEK_END)
                try:
                    os.chmod(self.path, 0o600)
                    size -= _cut_torn_tail(handle, size) if size else 0
                    _write_all(handle.fileno(), (HEADER_LINE if size == 0 else b"") + data)
                    os.fsync(handle.fileno())
                    if size == 0:  # made again (removed since the server started): its name too
                        _sync(handle, self.path.parent)
                except OSError as err:
                    with suppress(OSError):
                        handle.truncate(size)
                        os.fsync(handle.fileno())
                    raise StateError(f"{self.path}: cannot write to the inbox ({err.strerror})") from None


def _write_all(fd: int, data: bytes) -> None:
    # One write, but for the rare short one (a signal): the rest follows it.
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _cut_torn_tail(handle: Any, size: int) -> int:
    """Cut off (and sync) what follows the file's last newline; returns how many bytes."""
    cut = _torn_tail(handle, size)
    if cut:
        handle.truncate(size - cut)
        handle.flush()
        os.fsync(handle.fileno())
    handle.seek(0, os.SEEK_END)
    return cut


def _torn_tail(handle: Any, size: int) -> int:
    """How many bytes at the end of the file follow its last newline."""
    step = 1 << 16
    end = size
    while end > 0:
        start = max(0, end - step)
        handle.seek(start)
        chunk = handle.read(end - start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            return size - (start + newline + 1)
        end = start
    return size


def _sync(handle: Any, folder: Path | None) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    if folder is not None and hasattr(os, "O_DIRECTORY"):  # the new file's name, too
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def inbox_lines(path: Path, *, start: int = 0, line: int = 1) -> Iterator[tuple[int, bytes, int]]:
    """``(line number, line, offset after it)`` of each whole line after the header, from the
    byte ``start`` (the start of line ``line``) on; a last line without its newline is being
    written: left for the next read. Raises OSError as ``open`` does, and ValueError when
    read from the start and the first line is not the inbox's header."""
    with open(path, "rb") as handle:
        position = start
        if start == 0:
            first = handle.readline()
            if not first:
                return
            if first != HEADER_LINE:
                raise ValueError("not an excerpta inbox (its first line is not "
                                 f"{HEADER_LINE.decode().strip()})")
            position, line = len(first), 2
        else:
            handle.seek(start)
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            position += len(raw)
            yield line, raw, position
            line += 1


def inbox_summary(path: Path) -> tuple[int, datetime | None]:
    """How many highlights the inbox at ``path`` holds (lines after the header, each sent again
    counted again) and when the last came (its ``at``; None: none, or no such file)."""
    try:
        with open(path, "rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
            size = handle.seek(0, os.SEEK_END)
            cut = _torn_tail(handle, size)
            handle.seek(max(0, size - cut - (1 << 16)))
            tail = handle.read(size - cut - handle.tell()).rstrip(b"\n").rpartition(b"\n")[2]
    except OSError:
        return 0, None
    try:
        last = datetime.fromisoformat(json.loads(tail)["at"]) if lines > 1 else None
    except (ValueError, TypeError, KeyError):  # a line edited by hand: its time unknown
        last = None
    return max(lines - 1, 0), last
