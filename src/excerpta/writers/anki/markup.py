"""Turning canonical text into Anki field HTML: escaping, marks, clozes, ``.qa`` notes, tags.

Everything a user wrote is HTML-escaped (``<script>`` is stored as ``&lt;script&gt;`` and shows
as text); the only markup in a field is what this module generates: ``<br>`` for line breaks,
``<b>``/``<mark>`` for ``**bold**``/``==mark==`` spans, and ``{{cN::…}}`` cloze deletions.

Marks the user can make to ask for a cloze card (the first kind present wins, in this order):

* ``{{c1::…}}`` already in the highlight text: kept as written (numbering and hints included);
* ``**bold**`` or ``==mark==`` spans (Reader, Markdown): each span becomes the next ``cN``;
* a note starting with ``.cloze`` followed by ``;``-separated terms: the first occurrence of
  each term in the text becomes the next ``cN`` (terms not found are ignored).

A note starting with ``.qa`` (Readwise's action tag) is a question and answer: the question
runs to the first ``?`` (inclusive), the answer is the rest.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from excerpta.model import Highlight, LocationType

_MARK = re.compile(r"\{\{c(?P<number>\d+)::(?P<cloze>.+?)(?:::(?P<hint>.*?))?\}\}"
                   r"|\*\*(?P<bold>(?=\S).+?(?<=\S))\*\*|==(?P<mark>(?=\S).+?(?<=\S))==", re.DOTALL)
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


def _escape_cloze_content(text: str) -> str:
    # Braces and "::" inside a generated deletion would be read as cloze syntax by Anki.
    escaped = escape_html(text).replace("{", "&#123;").replace("}", "&#125;")
    return escaped.replace("::", ":&#58;")


def _render_marks(text: str, mode: Literal["plain", "keep", "hide"]) -> str:
    """Escape ``text`` and render its marks: ``plain`` (``<b>``/``<mark>``, user clozes as their
    text), ``keep`` (user clozes kept) or ``hide`` (every bold/mark span the next ``cN``)."""
    parts, last, number = [], 0, 0
    for match in _MARK.finditer(text):
        parts.append(escape_html(text[last:match.start()]))
        last = match.end()
        content = match["cloze"] or match["bold"] or match["mark"]
        if match["cloze"] is not None and mode == "keep":
            hint = f"::{_escape_cloze_content(match['hint'])}" if match["hint"] else ""
            parts.append(f"{{{{c{match['number']}::{_escape_cloze_content(content)}{hint}}}}}")
        elif match["cloze"] is not None:
            parts.append(escape_html(content))
        elif mode == "hide":
            number += 1
            parts.append(f"{{{{c{number}::{_escape_cloze_content(content)}}}}}")
        else:
            tag = "b" if match["bold"] is not None else "mark"
            parts.append(f"<{tag}>{escape_html(content)}</{tag}>")
    parts.append(escape_html(text[last:]))
    return "".join(parts)


def render_text(text: str) -> str:
    """The highlight for the non-cloze designs: ``**bold**``/``==mark==`` shown as
    ``<b>``/``<mark>``, user cloze markers reduced to their text."""
    return _render_marks(text, "plain")


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
        parts.append(escape_html(text[last:start]))
        parts.append(f"{{{{c{number}::{_escape_cloze_content(text[start:end])}}}}}")
        last = end
    parts.append(escape_html(text[last:]))
    return "".join(parts)


def cloze_text(text: str, note: str | None) -> str | None:
    """The Text field of a cloze note, or ``None`` if the user marked nothing to hide."""
    kinds = {kind for match in _MARK.finditer(text) for kind, value in match.groupdict().items()
             if value is not None and kind in ("cloze", "bold", "mark")}
    if "cloze" in kinds:
        return _render_marks(text, "keep")
    if kinds:
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
    """Anki-safe tags: whitespace runs become ``_``, empty ones dropped, duplicates (Anki
    compares tags case-insensitively) kept once, first spelling wins, order kept."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        safe = _TAG_SPACE.sub("_", tag.strip())
        if safe and safe.casefold() not in seen:
            seen.add(safe.casefold())
            result.append(safe)
    return result
