"""Rows of a Readwise CSV that make one highlight: same document, text and location.

Such rows get one id (``identity.highlight_id``), and the library keeps one version of an id,
so a second row would silently replace the first: its note, tags, colour… would be lost.
:class:`RepeatedRows` instead merges what a repeat adds into the first row's highlight:

* notes are joined with a blank line (a note the first already holds is not added again);
* tags are united, in order; ``is_favorite`` if either row is;
* any other field the first row leaves empty is taken from the repeat; the first row's
  values win where both have one (the text is the repeat's: the same once normalised).

A repeat that adds nothing (an exact duplicate) is dropped silently; one that adds something
is reported. Merging depends only on the file's row order, so ids and results are the same on
every run. The first version of each highlight is remembered without its text, which the id
already stands for, to bound the memory a large file takes.
"""

from __future__ import annotations

from dataclasses import dataclass

from excerpta.model import Document, Highlight

NOTE_SEPARATOR = "\n\n"


def merge_repeat(first: Highlight, repeat: Highlight) -> Highlight:
    """``first`` with what ``repeat`` (a row with the same id) adds; see the module docstring."""
    updates: dict[str, object] = {"text": repeat.text}
    for name in Highlight.model_fields:
        if name not in ("text", "note", "tags") and _is_empty(getattr(first, name)):
            updates[name] = getattr(repeat, name)
    if repeat.note and repeat.note not in (first.note or ""):
        updates["note"] = first.note + NOTE_SEPARATOR + repeat.note if first.note else repeat.note
    updates["tags"] = first.tags + [tag for tag in repeat.tags if tag not in first.tags]
    return first.model_copy(update=updates)


@dataclass
class _First:
    line: int  # where the highlight's first row starts
    highlight: Highlight  # merged so far, without its text
    batch: int  # the document batch it is in
    index: int  # its place in that batch's highlights


class RepeatedRows:
    """Adds each row's highlight to the document batch being read, merging repeats."""

    def __init__(self) -> None:
        self.firsts: dict[str, _First] = {}
        self.batch = 0  # counts the document batches: a new one per Document being filled

    def new_batch(self) -> None:
        """The next highlights go into a new Document: earlier batches were yielded."""
        self.batch += 1

    def add(self, document: Document, line: int, highlight: Highlight) -> str | None:
        """Add ``highlight`` (of the row at ``line``) to ``document``, the current batch.

        Returns None, or for a repeat that added something the reason to report: the merged
        highlight then replaces the first in ``document``, or, if that was already yielded, is
        added to it (the library keeps the later version of an id).
        """
        first = self.firsts.get(highlight.id)
        if first is None:
            document.highlights.append(highlight)
            self.firsts[highlight.id] = _First(line, _textless(highlight), self.batch,
                                               len(document.highlights) - 1)
            return None
        merged = merge_repeat(first.highlight, highlight)
        if _textless(merged) == first.highlight:
            return None
        if first.batch == self.batch:
            document.highlights[first.index] = merged
        else:
            document.highlights.append(merged)
            first.batch, first.index = self.batch, len(document.highlights) - 1
        what = "notes joined" if merged.note != first.highlight.note else "what this row adds kept"
        first.highlight = _textless(merged)
        return f"same text and location as line {first.line}: read as one highlight, {what}"


def _is_empty(value: object) -> bool:
    return value is None or value is False or value == {}


def _textless(highlight: Highlight) -> Highlight:
    return highlight.model_copy(update={"text": ""})
