"""Writer ``anki``: the library as one Anki deck package (``.apkg``) built with genanki.

Options (``--anki-deck``, ``--anki-cards``, ``--anki-subdecks``):

* ``deck``: the deck name (``::`` makes a hierarchy, e.g. ``Reading::Highlights``);
* ``cards``: comma-separated card designs out of ``book``, ``cloze``, ``qa`` (default all:
  every highlight gets a "Which book?" card, and cloze and Q&A cards where the user asked for
  them; see :mod:`.cards`);
* ``subdecks``: one sub-deck per document, ``<deck>::<title>``. Anki matches deck names
  ignoring case and Unicode normal form, so documents whose titles differ only so (``walden``,
  ``WALDEN``) share one deck: the first one's (:func:`deck_key`).

A note whose content changed since the deck last written at the same path gets a newer
modification time even when its highlight's time did not move (see :mod:`.history`), so
re-importing brings every change. Anki never deletes a note on import, so a highlight deleted
upstream stays in the user's collection until they delete it: its notes the previous deck held
are exported tagged ``excerpta::deleted`` (for the user to find), others not at all. Nor is a
note made without highlighted text unless it is a ``.qa`` note with a question and an answer
(every other card shows the highlight); each is logged at ``-v``. A ``.cloze`` note on a highlight
holding clozes of the user's own is not used (:mod:`.markup`): each is logged at ``-v``, and a
run that has any warns once.
Decks are matched by name in Anki, and only for cards it adds: notes the user moved to another
deck stay there, and a renamed document or a new ``deck``/``subdecks`` value leaves existing
cards where they are. Anki also takes the package's tags for a note it updates, replacing its
own (``marked``, ``leech``) and the user's.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

import genanki
from pydantic import BeforeValidator, Field, field_validator

from excerpta.adapters import AdapterOptions, Writer
from excerpta.controls import without_controls
from excerpta.model import Document
from excerpta.ordering import reading_order
from excerpta.output import OutputSink
from excerpta.writers.anki.cards import DELETED_TAG, HighlightNote, deleted_notes, notes_for
from excerpta.writers.anki.history import (
    NotesMemo,
    PreviousNote,
    as_written,
    note_digest,
    notes_in_memo,
    read_previous_notes,
    settle_mtime,
)
from excerpta.writers.anki.markup import cloze_note_unused
from excerpta.writers.anki.note_types import (
    DESIGNS,
    NOTE_TYPES_CHANGED_AT,
    ROOT_DECK_ID,
    Design,
    build_note_type,
)
from excerpta.writers.anki.package import build_collection, read_chunks, zip_package

log = logging.getLogger(__name__)

DEFAULT_DECK = "Highlights"
UNTITLED = "Untitled"
_COLONS = re.compile(r":{2,}")


def _split_designs(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class AnkiOptions(AdapterOptions):
    """Options of the ``anki`` writer."""

    deck: str = Field(default=DEFAULT_DECK, min_length=1, description="Anki deck name",
                      json_schema_extra={"cli": "anki-deck"})
    cards: Annotated[tuple[Design, ...], BeforeValidator(_split_designs)] = Field(
        default=DESIGNS, min_length=1,
        description="Card designs, comma-separated: book, cloze, qa (default: all)",
        json_schema_extra={"cli": "anki-cards"},
    )
    subdecks: bool = Field(default=False, description="One Anki sub-deck per document",
                           json_schema_extra={"cli": "anki-subdecks"})

    @field_validator("deck")
    @classmethod
    def _deck_has_a_name(cls, value: str) -> str:
        name = "::".join(part.strip() for part in without_controls(value).split("::"))
        if not all(name.split("::")):
            raise ValueError("a deck name needs text between '::' separators")
        return name


def subdeck_name(deck: str, title: str) -> str:
    """``<deck>::<title>``, with every run of colons in the title made one, so it cannot nest
    further (a leading colon goes too: ``<deck>:::x`` would be ambiguous), whitespace runs made
    one space and control characters dropped (:func:`excerpta.controls.without_controls`)."""
    flat = " ".join(_COLONS.sub(":", without_controls(title)).split()).lstrip(": ") or UNTITLED
    return f"{deck}::{flat}"


def deck_key(name: str) -> str:
    """What Anki compares when it matches deck names: NFC and case-folded (``Straße`` is
    ``STRASSE``, ``Café`` in either normal form one name)."""
    return unicodedata.normalize("NFC", name).casefold()


def deck_id_for(name: str) -> int:
    """A stable deck id for a sub-deck name, in the range Anki and genanki use for ids."""
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


class AnkiWriter(Writer[OutputSink]):
    """Writes the whole library as one ``.apkg`` deck package."""

    name = "anki"
    suffixes = (".apkg",)
    description = "Anki deck package (.apkg): which-book, cloze and Q&A cards that update on re-import"
    options_model = AnkiOptions
    options: AnkiOptions

    def placed_notes(self, documents: Iterable[Document], previous: Mapping[str, PreviousNote] | None = None,
                     ) -> Iterator[tuple[genanki.Deck, HighlightNote]]:
        """Every note to export with its deck, document by document, highlight by highlight in
        reading order (:func:`~excerpta.ordering.reading_order`), its cards placed in the
        new-card queue in that order. ``previous``: the notes of the deck
        written last time, by GUID (:func:`.history.read_previous_notes`)."""
        options = self.options
        positions = itertools.count(1)
        note_types = {design: build_note_type(design) for design in options.cards}
        root = genanki.Deck(ROOT_DECK_ID, options.deck)
        # One deck per name as Anki compares them: two ids for one name and Anki would rename
        # the second deck ("WALDEN_"). The id stays that of the first spelling's own name.
        subdecks: dict[str, genanki.Deck] = {}
        unused_cloze_notes = 0
        for document in documents:
            deck = root
            if options.subdecks:
                name = subdeck_name(options.deck, document.title)
                key = deck_key(name)
                if key not in subdecks:
                    subdecks[key] = genanki.Deck(deck_id_for(name), name)
                deck = subdecks[key]
            for highlight in reading_order(document.highlights):
                if highlight.is_deleted:  # tagged if Anki has its notes, else left out
                    tagged = list(deleted_notes(document, highlight, options.cards, note_types, previous))
                    log.info("anki: %s (deleted): %s: %s", f"tagged {DELETED_TAG}" if tagged
                             else "not exported", document.title, highlight.id)
                    yield from ((deck, note) for note in tagged)
                    continue
                made = 0
                for note in notes_for(document, highlight, options.cards, note_types,
                                      position=next(positions), previous=previous):
                    made += 1
                    yield deck, note
                if not made and not highlight.text.strip():
                    log.info("anki: not exported (a note without highlighted text; only a .qa note "
                             "with a question and an answer makes a card of it): %s: %s",
                             document.title, highlight.id)
                if "cloze" in options.cards and cloze_note_unused(highlight.text, highlight.note):
                    unused_cloze_notes += 1
                    log.info("anki: .cloze note not used (the highlight holds its own {{c1::…}} "
                             "clozes, which alone make its cloze card): %s: %s", document.title, highlight.id)
        if unused_cloze_notes:
            log.warning("anki: %d .cloze note(s) not used: their highlights hold their own {{c1::…}} "
                        "clozes, which alone make the cloze card (-v names them)", unused_cloze_notes)

    def write(self, documents: Iterable[Document], sink: OutputSink) -> None:
        """Write the deck, each note's time settled against what the deck excerpta last wrote at
        ``--out`` held: read from that deck when the file holds exactly the bytes excerpta
        wrote (:meth:`~excerpta.output.OutputSink.holds_what_excerpta_wrote`; a file it did not
        write, a zip bomb say, is never unpacked, ``--force`` or not), else from its record's
        memo (:class:`.history.NotesMemo`), which this run's record keeps in turn."""
        package = sink.resolve(sink.file_name)
        with sink.scratch_folder(package) as folder:
            record = sink.previous("")
            previous: dict[str, PreviousNote] = {}
            if sink.holds_what_excerpta_wrote(sink.file_name):
                previous = read_previous_notes(package, Path(folder))
            elif (remembered := notes_in_memo(record.memo if record is not None else None)) is not None:
                previous = remembered
                log.info("anki: %s is %s; what it held is known from the state", package,
                         "not the deck excerpta last wrote there" if package.exists() else "gone")
            elif package.exists() or record is not None:
                # Said at once: a cloze card's history may move to another word, and a change
                # that is not a highlight's own (a renamed book) may never reach Anki.
                log.warning("anki: %s is %s, and the state does not record what it held: cloze "
                            "numbers and note times start afresh", package,
                            "not the deck excerpta last wrote there" if package.exists() else "gone")
            now = int(time.time())
            memo = NotesMemo()

            def settled() -> Iterator[tuple[genanki.Deck, HighlightNote]]:
                for deck, note in self.placed_notes(documents, previous):
                    fields, tags = list(note.fields), list(note.tags)
                    digest = note_digest(fields, tags)
                    note.mtime = settle_mtime(note, note.mtime, previous.get(note.guid), now, digest)
                    memo.add(note.guid, as_written(fields, tags, note.mtime, digest))
                    yield deck, note

            collection, package = Path(folder, "collection.anki2"), Path(folder, "deck.apkg")
            count = build_collection(collection, settled(), NOTE_TYPES_CHANGED_AT)
            zip_package(collection, package)
            log.info("anki: %d notes in deck %r", count, self.options.deck)
            sink.write(sink.file_name, read_chunks(package), memo=memo.memo())
