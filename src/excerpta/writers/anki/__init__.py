"""The ``anki`` writer family: deck packages (``.apkg``) built with genanki.

Modules: :mod:`.note_types` (the frozen fields, ids and templates), :mod:`.markup` (escaping,
clozes, ``.qa`` notes, tags), :mod:`.clozes` (user cloze syntax as Anki reads it),
:mod:`.cards` (highlight → notes, GUIDs, modification and creation times), :mod:`.package`
(deterministic ``.apkg`` files, note and card ids), :mod:`.writer` (the adapter and its options).
"""

from __future__ import annotations

from excerpta.writers.anki.writer import AnkiOptions, AnkiWriter

__all__ = ["AnkiOptions", "AnkiWriter"]
