"""The previous deck: what each note said last time, so every change reaches Anki.

Anki's import updates an existing note (same GUID) only if the package's copy is *newer* (its
modification time is later). A note's time is its highlight's (see :mod:`.cards`), which
misses changes that are not the highlight's own: a book renamed upstream, a new document tag,
a location or URL filled in later. So before writing, the writer reads the deck it wrote last
time at the same path and settles each note's time (:func:`settle_mtime`):

* same fields and tags as last time: last time's modification time (the bytes stay the same);
* changed, and the highlight's time is later than last time's: the highlight's time;
* changed otherwise: the export time (and always later than last time's), so Anki takes it.

It also keeps which text each cloze of a cloze note hid under which number, so a cloze keeps its
number (its card and review history) when the user marks more (see :mod:`.markup`).

The deck's record in the state (see :mod:`excerpta.output_records`) remembers the same of
every note it wrote (:class:`NotesMemo`), so a deck deleted or moved after its import, or
changed by another program, still gives its history. A deck that is missing, unreadable or
not a deck, without that memo (a state from before it was kept, or a lost one), gives no
history: every note keeps its highlight's time, as on a first export.

The writer reads only a deck excerpta wrote (see
:meth:`AnkiWriter.write <excerpta.writers.anki.writer.AnkiWriter.write>`); even so the deck is
read as untrusted: its collection is unpacked only up to :func:`unpacked_limit`, opened
read-only with ``trusted_schema`` off, and read only if ``notes`` is a table (a view could
run an endless query).
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import logging
import sqlite3
import zipfile
import zlib
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki

from excerpta.writers.anki.clozes import hidden_texts
from excerpta.writers.anki.note_types import FIELD_INDEX

log = logging.getLogger(__name__)

_FIELD_SEPARATOR = "\x1f"  # how Anki stores a note's fields in one column
_TEXT = FIELD_INDEX["Text"]
_NO_FILE = frozenset({errno.ENAMETOOLONG, errno.ELOOP})
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})  # a write's refusals: reading gives none
# A collection is SQLite pages, which deflate about 3 to 15 times (empty pages of a small deck
# the most); a zip bomb, a thousand times. Any collection may take UNPACKED_FLOOR.
UNPACKED_RATIO = 64
UNPACKED_FLOOR = 16 << 20
UNPACKED_CAP = 4 << 30


class _TooLarge(Exception):
    """The collection unpacks to more than :func:`unpacked_limit` allows."""


@dataclass(frozen=True, slots=True)
class PreviousNote:
    """A note as the previous deck had it: its modification time, a digest of its content and,
    for a cloze note, the ``(content, number)`` of each cloze in its Text."""

    mod: int
    digest: bytes
    hidden: tuple[tuple[str, int], ...] = ()


def note_digest(fields: list[str], tags: list[str] | frozenset[str]) -> bytes:
    """Digest of a note's content as Anki compares it: its fields in order and its set of tags."""
    content = _FIELD_SEPARATOR.join(fields) + "\0" + " ".join(sorted(set(tags)))
    return hashlib.blake2b(content.encode("utf-8"), digest_size=16).digest()


def as_written(fields: list[str], tags: list[str], mod: int, digest: bytes | None = None) -> PreviousNote:
    """What a deck holding this note (its ``fields``, ``tags`` and modification time ``mod``)
    tells a later export of it; ``digest``: its :func:`note_digest`, when already known."""
    text = fields[_TEXT] if len(fields) > _TEXT else ""
    return PreviousNote(mod, note_digest(fields, tags) if digest is None else digest,
                        hidden_texts(text) if "{{c" in text else ())


class NotesMemo:
    """What a deck holds, note by note as :func:`read_previous_notes` would read it back, made
    as the deck is built and kept in the deck's record in the state (:meth:`memo`;
    :func:`notes_in_memo` reads it): lines of JSON arrays of ``[guid, mod, digest, hidden]``
    rows, deflated, in Base64 (at 100,000 notes about 3.5 MB)."""

    BATCH = 4096  # rows per line: one json.dumps call each

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(1)  # the digests do not compress: speed over size
        self._parts: list[bytes] = []
        self._rows: list[list[Any]] = []

    def add(self, guid: str, note: PreviousNote) -> None:
        self._rows.append([guid, note.mod, note.digest.hex(), note.hidden])
        if len(self._rows) == self.BATCH:
            self._flush()

    def memo(self) -> str:
        self._flush()
        return MEMO_PREFIX + base64.b64encode(b"".join(self._parts) + self._deflate.flush()).decode("ascii")

    def _flush(self) -> None:
        if self._rows:
            line = json.dumps(self._rows, ensure_ascii=False, separators=(",", ":")) + "\n"
            self._parts.append(self._deflate.compress(line.encode("utf-8", "surrogatepass")))
            self._rows.clear()


MEMO_PREFIX = "anki-notes-1:"  # a later format gets another number; an unknown one is no memo


def notes_in_memo(memo: str | None) -> dict[str, PreviousNote] | None:
    """The notes a :meth:`NotesMemo.memo` holds by GUID, or None when ``memo`` is none (a
    record from before it was kept) or cannot be read (logged)."""
    if memo is None or not memo.startswith(MEMO_PREFIX):
        return None
    notes: dict[str, PreviousNote] = {}
    try:
        data = zlib.decompress(base64.b64decode(memo[len(MEMO_PREFIX):], validate=True))
        for line in data.decode("utf-8", "surrogatepass").splitlines():
            for guid, mod, digest, hidden in json.loads(line):
                notes[str(guid)] = PreviousNote(int(mod), bytes.fromhex(digest),
                                                tuple((str(text), int(number)) for text, number in hidden))
    except (ValueError, TypeError, zlib.error) as err:
        log.info("anki: the state's memo of the last deck cannot be read (%s)", err)
        return None
    return notes


def unpacked_limit(package_size: int) -> int:
    """How many bytes the collection of a ``package_size``-byte ``.apkg`` may unpack to."""
    return min(UNPACKED_CAP, max(UNPACKED_FLOOR, UNPACKED_RATIO * package_size))


def read_previous_notes(package: Path, scratch: Path) -> dict[str, PreviousNote]:
    """Every note of the ``.apkg`` at ``package`` by GUID, or ``{}`` if there is none or it cannot
    be read as a deck (logged). ``scratch`` is a folder the collection may be unpacked into; no
    room there (a full disk, a size limit) raises OSError naming the unpacked copy."""
    collection = scratch / "previous.anki2"
    try:
        with zipfile.ZipFile(package) as archive:
            _unpack(archive, collection, unpacked_limit(package.stat().st_size))
        return _notes_in(collection)
    except OSError as err:
        if err.errno in _NO_ROOM:  # for the unpacked copy, in excerpta's folder: the run cannot go on
            raise OSError(err.errno, err.strerror, str(collection)) from err
        # No file there (a path through a file, a name too long…): writing the deck will say
        # what is wrong with the path; a file that is there but unreadable is worth a word.
        if not isinstance(err, FileNotFoundError | NotADirectoryError | IsADirectoryError) \
                and err.errno not in _NO_FILE:
            log.warning("anki: %s cannot be read (%s); note times start afresh", package, err.strerror or err)
        return {}
    except (zipfile.BadZipFile, KeyError, _TooLarge, sqlite3.DatabaseError, ValueError, TypeError) as err:
        log.warning("anki: %s is not a deck excerpta can read (%s); note times start afresh", package, err)
        return {}
    finally:
        collection.unlink(missing_ok=True)


def _unpack(archive: zipfile.ZipFile, collection: Path, limit: int) -> None:
    member = archive.getinfo("collection.anki2")
    if member.file_size > limit:  # what the zip says: checked again while unpacking
        raise _TooLarge(f"its collection would unpack to {member.file_size} bytes, over {limit}")
    with archive.open(member) as source, collection.open("wb") as target:
        written = 0
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise _TooLarge(f"its collection unpacks to over {limit} bytes")
            target.write(chunk)


def _notes_in(collection: Path) -> dict[str, PreviousNote]:
    notes: dict[str, PreviousNote] = {}
    with closing(sqlite3.connect(f"{collection.as_uri()}?mode=ro", uri=True)) as connection:
        connection.execute("PRAGMA trusted_schema = OFF")
        kind = connection.execute("SELECT type FROM main.sqlite_master WHERE name = 'notes'").fetchone()
        if kind != ("table",):  # a view may be a query that never ends
            raise sqlite3.DatabaseError("its notes are not a table")
        # Row by row, keeping a digest: a 100,000-note deck never sits in memory whole.
        for guid, mod, flds, tags in connection.execute("SELECT guid, mod, flds, tags FROM main.notes"):
            notes[str(guid)] = as_written(str(flds).split(_FIELD_SEPARATOR), str(tags).split(), int(mod))
    return notes


def settle_mtime(note: genanki.Note, natural: int, previous: PreviousNote | None, now: int,
                 digest: bytes | None = None) -> int:
    """The modification time to write ``note`` with, given its highlight's time ``natural``, what
    the previous deck had for it and the export time ``now``; see the module docstring.
    ``digest``: the note's :func:`note_digest`, when already known."""
    if previous is None:
        return natural
    if previous.digest == (note_digest(list(note.fields), list(note.tags)) if digest is None else digest):
        return previous.mod
    if natural > previous.mod:
        return natural
    return max(now, previous.mod + 1)
