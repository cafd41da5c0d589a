"""Notes that are instructions rather than comments: Readwise's action tags ``.qa`` and ``.cloze``.

An action note starts with its tag (any case, after any white space), followed by white space
or nothing; the rest is what it asks for:

* ``.qa``: a question and answer. The question runs to the first ``?`` (inclusive), the answer
  is the rest. Without a question before that ``?`` or an answer after it, the note is an
  ordinary one (:func:`question_and_answer` gives ``None``).
* ``.cloze``: ``;``-separated terms to hide in the highlight's text (:func:`cloze_terms`; how
  they are hidden and numbered is :mod:`.markup`'s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACTION = re.compile(r"^\s*\.(?P<tag>qa|cloze)(?:\s+|$)(?P<rest>.*)$", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class ActionNote:
    """A note that is an instruction (``.qa …``, ``.cloze …``) rather than a comment."""

    tag: str
    rest: str


def parse_action(note: str | None) -> ActionNote | None:
    """The action a note starts with (``.qa``/``.cloze``), or ``None`` for an ordinary note."""
    match = _ACTION.match(note or "")
    return ActionNote(match["tag"].lower(), match["rest"].strip()) if match else None


def question_and_answer(note: str | None) -> tuple[str, str] | None:
    """(question, answer) of a ``.qa`` note, as plain text; ``None`` if it is not one (see the
    module docstring)."""
    action = parse_action(note)
    if action is None or action.tag != "qa":
        return None
    question, mark, answer = action.rest.partition("?")
    if not (question.strip() and mark and answer.strip()):
        return None  # a card would ask nothing or answer nothing
    return (question + mark).strip(), answer.strip()


def cloze_terms(note: str | None) -> list[str]:
    """The terms a ``.cloze`` note lists, stripped, empty ones left out, in its order; none
    for any other note."""
    action = parse_action(note)
    if action is None or action.tag != "cloze":
        return []
    return [term.strip() for term in action.rest.split(";") if term.strip()]
