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
highlight's time, as on a first export.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import shutil
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


def read_previous_notes(package: Path, scratch: Path) -> dict[str, PreviousNote]:
    """Every note of the ``.apkg`` at ``package`` by GUID, or ``{}`` if there is none or it cannot
    be read as a deck (logged). ``scratch`` is a folder the collection may be unpacked into."""
    collection = scratch / "previous.anki2"
    try:
        with zipfile.ZipFile(package) as archive, archive.open("collection.anki2") as source, \
                collection.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
    except OSError as err:
        # No file there (a path through a file, a name too long…): writing the deck will say
        # what is wrong with the path; a file that is there but unreadable is worth a word.
        if not isinstance(err, FileNotFoundError | NotADirectoryError | IsADirectoryError) \
                and err.errno not in _NO_FILE:
            log.warning("anki: %s cannot be read (%s); note times start afresh", package, err.strerror or err)
        return {}
    except (zipfile.BadZipFile, KeyError) as err:
        log.warning("anki: %s is not a deck excerpta can read (%s); note times start afresh", package, err)
        return {}
    notes: dict[str, PreviousNote] = {}
    try:
        with closing(sqlite3.connect(collection)) as connection:
            # Row by row, keeping a digest: a 100,000-note deck never sits in memory whole.
            for guid, mod, flds, tags in connection.execute("SELECT guid, mod, flds, tags FROM notes"):
                fields = str(flds).split(_FIELD_SEPARATOR)
                text = fields[_TEXT] if len(fields) > _TEXT else ""
                notes[str(guid)] = PreviousNote(int(mod), note_digest(fields, str(tags).split()),
                                                hidden_texts(text) if "{{c" in text else ())
    except sqlite3.DatabaseError as err:
        log.warning("anki: %s is not a deck excerpta can read (%s); note times start afresh", package, err)
        return {}
    finally:
        collection.unlink(missing_ok=True)
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
