"""From one highlight to its Anki notes, one per card design that applies.

* ``book`` ("Which book?"): every live highlight that has text;
* ``cloze``: only when the user marked what to hide (see :mod:`.markup`);
* ``qa``: only when the note starts with ``.qa`` and holds a question and its answer
  (see :mod:`.action_notes`).

A deleted highlight's notes are exported only if the previous deck held them, tagged
``excerpta::deleted`` (:func:`deleted_notes`).

Each note's GUID is ``genanki.guid_for("excerpta", <design>, <highlight id>)``: stable across
exports, so re-importing updates the note in place (review history kept), and distinct per
design, so a highlight's cloze and Q&A notes live side by side. Its modification time is the
highlight's ``updated_at``, else ``highlighted_at``, else :data:`FALLBACK_MTIME`: never "now",
so an unchanged highlight gives an unchanged note and Anki's "update if newer" keeps edits the
user made inside Anki (their edit is newer) while taking upstream changes (newer still). A
change that is not the highlight's own (a renamed book) is dated by :mod:`.history`. Its creation
time (Anki's note id, the browser's "Created" column) is the highlight's ``highlighted_at``
(:func:`note_created`); :mod:`.package` makes the ids unique.

Each new card's position in Anki's new-card queue is the writer's count of highlights (document
order, then each document's highlights in reading order, see
:func:`~excerpta.ordering.reading_order`), so new cards come in reading order. Anki sets it only on the
cards it adds: cards already in the collection keep their place and scheduling.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import genanki

from excerpta.controls import has_control, without_controls
from excerpta.model import Document, Highlight
from excerpta.writers.anki.action_notes import parse_action, question_and_answer
from excerpta.writers.anki.clozes import card_numbers, parse_clozes
from excerpta.writers.anki.history import PreviousNote
from excerpta.writers.anki.markup import (
    anki_tags,
    cloze_text,
    describe_location,
    escape_html,
    render_text,
    safe_link,
)
from excerpta.writers.anki.note_types import FIELD_INDEX, FIELDS, Design

FALLBACK_MTIME = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
GUID_NAMESPACE = "excerpta"  # a new NOTE_SCHEMA_VERSION needs a new namespace (see note_types)


class HighlightNote(genanki.Note):
    """A genanki note written with its own modification time instead of the package's, and
    the time it was created (``created``, Unix milliseconds; None: unknown).

    Relies on genanki 0.13's ``Note.write_to_db(cursor, timestamp, deck_id, id_gen)``, which
    stamps ``timestamp`` on the note and its cards and takes the note's id, then each card's,
    from ``id_gen`` (genanki is pinned to ``<0.14``).
    """

    def __init__(self, *, mtime: int, created: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mtime = mtime
        self.created = created

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mtime, deck_id, id_gen)

    @property
    def cards(self) -> list[genanki.Card]:
        """The note's cards. For a cloze note, one per cloze number in its Text as Anki reads it:
        genanki's own regex misses nested clozes (``{{c1::a {{c2::b}}}}`` would get no card 2)."""
        if self.model.model_type != genanki.Model.CLOZE:
            return list(super().cards)
        numbers = card_numbers(parse_clozes(self.fields[FIELD_INDEX["Text"]]))
        return [genanki.Card(number - 1) for number in sorted(numbers)]


def note_mtime(highlight: Highlight) -> int:
    """The note's modification time in Unix seconds; see the module docstring."""
    moment = highlight.updated_at or highlight.highlighted_at
    return int(moment.timestamp()) if moment is not None else FALLBACK_MTIME


def note_created(highlight: Highlight) -> int | None:
    """When the note was made, as Anki dates notes (Unix milliseconds): the highlight's
    ``highlighted_at``; None without one, or for one before 1970, which no Anki id can be."""
    moment = highlight.highlighted_at
    if moment is None or moment <= EPOCH:
        return None
    return (moment - EPOCH) // timedelta(milliseconds=1)


def note_guid(design: Design, highlight_id: str) -> str:
    """The Anki GUID of ``design``'s note for the highlight ``highlight_id``."""
    return genanki.guid_for(GUID_NAMESPACE, design, highlight_id)


def _fields(**values: str) -> list[str]:
    # The one place every field passes: no control character reaches Anki (excerpta.controls).
    # Anki keeps a note's fields in one column joined by U+001F, so one inside a field splits the
    # note and Anki refuses the whole package; its import drops the other C0 controls and DEL.
    fields = [values.get(name, "") for name in FIELDS]
    return [without_controls(field) for field in fields] if has_control("".join(fields)) else fields


def note_fields(document: Document, highlight: Highlight, design: Design,
                earlier: Sequence[tuple[str, int]] = ()) -> list[str] | None:
    """The field values of ``design``'s note for ``highlight``, or None if it does not apply.
    ``earlier``: what the clozes of the previous deck's note hid (:func:`.markup.cloze_text`)."""
    common = {
        "HighlightId": escape_html(highlight.id),
        "Title": escape_html(document.title),
        "Author": escape_html(document.author),
        "Location": escape_html(" · ".join(part for part in (highlight.chapter,
                                                            describe_location(highlight)) if part)),
        "URL": safe_link(highlight.url) or safe_link(document.url),
    }
    # An action note is an instruction, not a comment; a .qa note that makes no card is a comment.
    action, qa = parse_action(highlight.note), question_and_answer(highlight.note)
    is_action = action is not None and (action.tag != "qa" or qa is not None)
    if design == "book":
        if not highlight.text.strip():
            return None
        note = "" if is_action else escape_html(highlight.note)
        return _fields(**common, Text=render_text(highlight.text), Note=note)
    if design == "cloze":
        text = cloze_text(highlight.text, highlight.note, earlier)
        if text is None:
            return None
        return _fields(**common, Text=text, Note="" if is_action else escape_html(highlight.note))
    if qa is None:
        return None
    question, answer = qa
    return _fields(**common, Text=render_text(highlight.text), Question=escape_html(question),
                   Answer=escape_html(answer))


DELETED_TAG = "excerpta::deleted"


def deleted_notes(document: Document, highlight: Highlight, designs: Iterable[Design],
                  note_types: dict[Design, genanki.Model],
                  previous: Mapping[str, PreviousNote] | None) -> Iterator[HighlightNote]:
    """The notes of ``highlight``, deleted upstream, that the previous deck held, tagged
    :data:`DELETED_TAG`: Anki never deletes a note on import, so the user finds them there
    (``tag:excerpta::deleted``) to delete or suspend. None that Anki was never given."""
    if not previous:
        return
    live = highlight.model_copy(update={"is_deleted": False})
    for note in notes_for(document, live, designs, note_types, previous=previous):
        if note.guid in previous:
            note.tags = anki_tags([*note.tags, DELETED_TAG])
            yield note


def notes_for(document: Document, highlight: Highlight, designs: Iterable[Design],
              note_types: dict[Design, genanki.Model], *, position: int = 0,
              previous: Mapping[str, PreviousNote] | None = None) -> Iterator[HighlightNote]:
    """Every note of ``highlight`` in the chosen ``designs`` (none for a deleted highlight).
    ``position``: its cards' place in the new-card queue; ``previous``: the notes of the deck
    written last time, by GUID (:mod:`.history`)."""
    if highlight.is_deleted:
        return
    tags = anki_tags([*document.tags, *highlight.tags])
    for design in designs:
        guid = note_guid(design, highlight.id)
        earlier = previous[guid].hidden if previous and guid in previous else ()
        fields = note_fields(document, highlight, design, earlier)
        if fields is not None:
            yield HighlightNote(model=note_types[design], fields=fields, tags=tags, guid=guid,
                                due=position, mtime=note_mtime(highlight),
                                created=note_created(highlight))
