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

A deck that is missing, unreadable or not a deck gives no history: every note keeps its
highlight's time, as on a first export. The writer reads only a deck excerpta wrote (see
:meth:`AnkiWriter.write <excerpta.writers.anki.writer.AnkiWriter.write>`); even so the deck is
read as untrusted: its collection is unpacked only up to :func:`unpacked_limit`, opened
read-only with ``trusted_schema`` off, and read only if ``notes`` is a table (a view could
run an endless query).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import sqlite3
import zipfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import genanki

from excerpta.writers.anki.clozes import hidden_texts
from excerpta.writers.anki.note_types import FIELD_INDEX

log = logging.getLogger(__name__)

_FIELD_SEPARATOR = "\x1f"  # how Anki stores a note's fields in one column
_TEXT = FIELD_INDEX["Text"]
_NO_FILE = frozenset({errno.ENAMETOOLONG, errno.ELOOP})
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


def unpacked_limit(package_size: int) -> int:
    """How many bytes the collection of a ``package_size``-byte ``.apkg`` may unpack to."""
    return min(UNPACKED_CAP, max(UNPACKED_FLOOR, UNPACKED_RATIO * package_size))


def read_previous_notes(package: Path, scratch: Path) -> dict[str, PreviousNote]:
    """Every note of the ``.apkg`` at ``package`` by GUID, or ``{}`` if there is none or it cannot
    be read as a deck (logged). ``scratch`` is a folder the collection may be unpacked into."""
    collection = scratch / "previous.anki2"
    try:
        with zipfile.ZipFile(package) as archive:
            _unpack(archive, collection, unpacked_limit(package.stat().st_size))
        return _notes_in(collection)
    except OSError as err:
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
            fields = str(flds).split(_FIELD_SEPARATOR)
            text = fields[_TEXT] if len(fields) > _TEXT else ""
            notes[str(guid)] = PreviousNote(int(mod), note_digest(fields, str(tags).split()),
                                            hidden_texts(text) if "{{c" in text else ())
    return notes


def settle_mtime(note: genanki.Note, natural: int, previous: PreviousNote | None, now: int) -> int:
    """The modification time to write ``note`` with, given its highlight's time ``natural``, what
    the previous deck had for it and the export time ``now``; see the module docstring."""
    if previous is None:
        return natural
    if previous.digest == note_digest(list(note.fields), list(note.tags)):
        return previous.mod
    if natural > previous.mod:
        return natural
    return max(now, previous.mod + 1)
