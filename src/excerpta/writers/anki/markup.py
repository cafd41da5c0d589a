"""Turning canonical text into Anki field HTML: escaping, marks, clozes, ``.qa`` notes, tags.

Everything a user wrote is HTML-escaped (``<script>`` is stored as ``&lt;script&gt;`` and shows
as text); the only markup in a field is what this module generates: ``<br>`` for line breaks,
``<b>``/``<mark>`` for ``**bold**``/``==mark==`` spans, and ``{{cN::…}}`` cloze deletions.

Marks the user can make to ask for a cloze card (the first kind present wins, in this order):

* ``{{c1::…}}`` already in the highlight text: kept as written (numbering, hints and nesting
  included, read as Anki reads them: see :mod:`.clozes`);
* ``**bold**`` or ``==mark==`` spans (Reader, Markdown): each span becomes the next ``cN``;
* a note starting with ``.cloze`` followed by ``;``-separated terms: the first occurrence of
  each term in the text becomes the next ``cN`` (terms not found are ignored).

In a cloze note's Text, every brace that is not part of a cloze (a ``{{c1::`` never closed, a
stray ``}}``, a ``{{Title}}``) is written as an entity, so text from the source never opens or
closes a cloze; the other fields, which Anki shows as they are, keep them.

No field holds a control character but tab and line breaks (:mod:`excerpta.controls`).

A note starting with ``.qa`` (Readwise's action tag) is a question and answer: the question
runs to the first ``?`` (inclusive), the answer is the rest.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from excerpta.controls import without_controls
from excerpta.model import Highlight, LocationType
from excerpta.writers.anki.clozes import Cloze, card_numbers, cloze_plain_text, parse_clozes

Mode = Literal["plain", "keep", "hide"]

_MARK = re.compile(r"\*\*(?P<bold>(?=\S).+?(?<=\S))\*\*|==(?P<mark>(?=\S).+?(?<=\S))==", re.DOTALL)
# Anki keeps a note's fields in one column joined by U+001F, so one inside a field splits the
# note and Anki refuses the whole package; its import drops the other C0 controls and DEL.
_ACTION = re.compile(r"^\s*\.(?P<tag>qa|cloze)(?:\s+|$)(?P<rest>.*)$", re.DOTALL | re.IGNORECASE)
_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
_TAG_SPACE = re.compile(r"\s+")
_LOCATION_LABELS = {LocationType.LOCATION: "Location", LocationType.PAGE: "Page",
                    LocationType.ORDER: "#", LocationType.OFFSET: "Offset"}


def escape_html(text: str | None) -> str:
    """``text`` as field HTML: escaped, line breaks as ``<br>``; ``None`` gives ``""``."""
    if not text:
        return ""
    escaped = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    return escaped.replace("\n", "<br>")


def _escape_braces(escaped: str) -> str:
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


def _escape_cloze_content(text: str) -> str:
    # Braces and "::" inside a deletion would be read as cloze syntax (or a hint) by Anki.
    return _escape_braces(escape_html(text)).replace("::", ":&#58;")


def _escape_outside(text: str, mode: Mode) -> str:
    # Outside a deletion only braces are syntax to Anki, and only with the cloze filter.
    escaped = escape_html(text)
    return escaped if mode == "plain" else _escape_braces(escaped)


def _render_marks(text: str, mode: Mode) -> str:
    """Escape ``text`` (no clozes in it) and render its bold/mark spans: as ``<b>``/``<mark>``
    (``plain``, ``keep``) or each as the next ``cN`` (``hide``)."""
    parts, last, number = [], 0, 0
    for match in _MARK.finditer(text):
        parts.append(_escape_outside(text[last:match.start()], mode))
        last = match.end()
        content = match["bold"] or match["mark"]
        if mode == "hide":
            number += 1
            parts.append(f"{{{{c{number}::{_escape_cloze_content(content)}}}}}")
        else:
            tag = "b" if match["bold"] is not None else "mark"
            parts.append(f"<{tag}>{_escape_outside(content, mode)}</{tag}>")
    parts.append(_escape_outside(text[last:], mode))
    return "".join(parts)


def _render_cloze(cloze: Cloze) -> str:
    content = "".join(_escape_cloze_content(part) if isinstance(part, str) else _render_cloze(part)
                      for part in cloze.parts)
    hint = "" if cloze.hint is None else f"::{_escape_cloze_content(cloze.hint)}"
    return f"{{{{c{cloze.number}::{content}{hint}}}}}"


def _render_parts(parts: list[str | Cloze], mode: Mode) -> str:
    """Text runs with their marks, user clozes kept (``keep``) or as their text (``plain``)."""
    return "".join(_render_marks(part, mode) if isinstance(part, str)
                   else _render_cloze(part) if mode == "keep"
                   else escape_html(cloze_plain_text(part)) for part in parts)


def render_text(text: str) -> str:
    """The highlight for the non-cloze designs: ``**bold**``/``==mark==`` shown as
    ``<b>``/``<mark>``, user clozes (nested ones too) reduced to their text."""
    return _render_parts(parse_clozes(text), "plain")


def _term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    folded = text.casefold()
    for term in terms:
        position = text.find(term)
        if position < 0 and len(folded) == len(text):
            position = folded.find(term.casefold())
        span = (position, position + len(term))
        if position >= 0 and not any(s < span[1] and span[0] < e for s, e in spans):
            spans.append(span)
    return sorted(spans)


def _hide_spans(text: str, spans: list[tuple[int, int]]) -> str:
    parts, last = [], 0
    for number, (start, end) in enumerate(spans, start=1):
        parts.append(_escape_outside(text[last:start], "hide"))
        parts.append(f"{{{{c{number}::{_escape_cloze_content(text[start:end])}}}}}")
        last = end
    parts.append(_escape_outside(text[last:], "hide"))
    return "".join(parts)


def cloze_text(text: str, note: str | None) -> str | None:
    """The Text field of a cloze note, or ``None`` if the user marked nothing to hide."""
    parts = parse_clozes(text)
    if card_numbers(parts):
        return _render_parts(parts, "keep")
    if _MARK.search(text):
        return _render_marks(text, "hide")
    action = parse_action(note)
    if action is not None and action.tag == "cloze":
        spans = _term_spans(text, (t.strip() for t in action.rest.split(";") if t.strip()))
        return _hide_spans(text, spans) if spans else None
    return None


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
    """(question, answer) of a ``.qa`` note, as plain text; ``None`` if it is not one."""
    action = parse_action(note)
    if action is None or action.tag != "qa" or not action.rest:
        return None
    question, mark, answer = action.rest.partition("?")
    return (question + mark).strip(), answer.strip()


def describe_location(highlight: Highlight) -> str:
    """A reader-facing position such as ``Location 1337``, ``Page 12–13`` or ``1:02:05``."""
    if highlight.location is None:
        return ""
    if highlight.location_type == LocationType.TIME_OFFSET and isinstance(highlight.location, int):
        minutes, seconds = divmod(highlight.location, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    span = str(highlight.location)
    if highlight.end_location is not None and highlight.end_location != highlight.location:
        span += f"–{highlight.end_location}"
    label = _LOCATION_LABELS.get(highlight.location_type) if highlight.location_type else None
    return f"{label} {span}".replace("# ", "#") if label else span


def safe_link(url: str | None) -> str:
    """An http(s) URL escaped for a field and an ``href``; anything else (``javascript:``) ``""``."""
    if not url or not _SAFE_URL.match(url.strip()):
        return ""
    return html.escape(url.strip(), quote=True)


def anki_tags(tags: Iterable[str]) -> list[str]:
    """Anki-safe tags: whitespace runs become ``_``, other control characters dropped
    (:func:`~excerpta.controls.without_controls`), empty ones dropped, duplicates (Anki
    compares tags case-insensitively) kept once, first spelling wins, order kept."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        safe = _TAG_SPACE.sub("_", without_controls(tag).strip())
        if safe and safe.casefold() not in seen:
            seen.add(safe.casefold())
            result.append(safe)
    return result
