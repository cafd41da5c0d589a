"""The Anki note types (card designs) of the ``anki`` writer: frozen ids, fields and templates.

**This is a published contract.** Every note type shares the field list :data:`FIELDS`
(schema version :data:`NOTE_SCHEMA_VERSION`, shown in each note type's name). Anki matches a
re-imported note by GUID *and* note type; a note type whose field list changed makes every
existing note "conflicting" (Anki then creates a copy of the type unless the user ticks "Merge
note types"). So:

* never rename, reorder, add or remove a field, or change a model id, within a schema
  version; new data goes into a spare field (``Extra1``…``Extra3``);
* a real change is a new :data:`NOTE_SCHEMA_VERSION` with **new** model ids and a new GUID
  namespace (users get fresh cards), done on purpose;
* templates and CSS may change: then move :data:`NOTE_TYPES_CHANGED_AT` forward, so Anki's
  "update note types if newer" picks them up.

Fields, all HTML (escaped text plus only the markup excerpta generates):

=============  ==================================================================
HighlightId    the canonical highlight id (first field: never empty, unique)
Text           the highlight; in the cloze design with ``{{cN::…}}`` deletions
Note           the reader's note (empty when the note is a ``.qa``/``.cloze`` action)
Question       Q&A design: the question from a ``.qa`` note
Answer         Q&A design: the answer from a ``.qa`` note
Title          the document title
Author         the document author
Location       "Location 1337", "Page 12–13", "12:05"…, after the chapter when known
               ("Part One · Location 1337")
URL            the highlight's link, else the document's (http/https only)
Extra1..3      spare, empty in schema version 1
=============  ==================================================================
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import genanki

NOTE_SCHEMA_VERSION = 1
Design = Literal["book", "cloze", "qa"]
DESIGNS: tuple[Design, ...] = ("book", "cloze", "qa")
FIELDS = ("HighlightId", "Text", "Note", "Question", "Answer", "Title", "Author", "Location", "URL",
          "Extra1", "Extra2", "Extra3")
FIELD_INDEX = {name: index for index, name in enumerate(FIELDS)}
SORT_FIELD = FIELD_INDEX["Text"]
NOTE_TYPES_CHANGED_AT = int(datetime(2026, 11, 25, tzinfo=UTC).timestamp())

# Generated once with random.randrange(1 << 30, 1 << 31); frozen for schema version 1.
MODEL_IDS: dict[Design, int] = {"book": 1395081196, "cloze": 1467234666, "qa": 1357199147}
ROOT_DECK_ID = 1759614281

CSS = """\
.card { font-family: Georgia, serif; font-size: 20px; line-height: 1.45; text-align: left;
  color: black; background-color: white; max-width: 40em; margin: 0 auto; }
.excerpta-highlight { font-size: 1.05em; }
.excerpta-prompt, .excerpta-source { color: #666; font-size: 0.8em; margin-top: 1em; }
.excerpta-note { margin-top: 0.8em; padding-left: 0.6em; border-left: 3px solid #bbb; }
.excerpta-context { color: #444; margin-top: 1em; padding-left: 0.6em; border-left: 3px solid #ddd; }
.excerpta-link { font-size: 0.7em; margin-top: 0.8em; word-break: break-all; }
.cloze { font-weight: bold; color: #1565c0; }
"""

_SOURCE = ('<div class="excerpta-source"><b>{{Title}}</b>{{#Author}} — {{Author}}{{/Author}}'
           '{{#Location}} · {{Location}}{{/Location}}</div>')
_NOTE = '{{#Note}}<div class="excerpta-note">{{Note}}</div>{{/Note}}'
_LINK = '{{#URL}}<div class="excerpta-link"><a href="{{URL}}">{{URL}}</a></div>{{/URL}}'

_TEMPLATES: dict[Design, dict[str, str]] = {
    "book": {
        "name": "Which book?",
        "qfmt": '<div class="excerpta-highlight">{{Text}}</div>'
                '<div class="excerpta-prompt">Which book is this from?</div>',
        "afmt": '<div class="excerpta-highlight">{{Text}}</div><hr id="answer">'
                + _SOURCE + _NOTE + _LINK,
    },
    "cloze": {
        "name": "Cloze",
        "qfmt": '<div class="excerpta-highlight">{{cloze:Text}}</div>'
                '<div class="excerpta-source">{{Title}}{{#Author}} — {{Author}}{{/Author}}</div>',
        "afmt": '<div class="excerpta-highlight">{{cloze:Text}}</div><hr id="answer">'
                + _SOURCE + _NOTE + _LINK,
    },
    "qa": {
        "name": "Question",
        "qfmt": '<div class="excerpta-question">{{Question}}</div>',
        "afmt": '<div class="excerpta-question">{{Question}}</div><hr id="answer">'
                '<div class="excerpta-answer">{{Answer}}</div>'
                '<div class="excerpta-context">{{Text}}</div>' + _SOURCE + _LINK,
    },
}
_NAMES: dict[Design, str] = {"book": "Which book?", "cloze": "Cloze", "qa": "Q&A"}


def note_type_name(design: Design) -> str:
    """The note type's name as Anki shows it, with the schema version in it."""
    return f"excerpta v{NOTE_SCHEMA_VERSION} · {_NAMES[design]}"


def build_note_type(design: Design) -> genanki.Model:
    """A fresh genanki model for ``design`` (genanki mutates models, so never share one)."""
    return genanki.Model(
        MODEL_IDS[design],
        note_type_name(design),
        fields=[{"name": name} for name in FIELDS],
        templates=[dict(_TEMPLATES[design])],
        css=CSS,
        model_type=genanki.Model.CLOZE if design == "cloze" else genanki.Model.FRONT_BACK,
        sort_field_index=SORT_FIELD,
    )
