r"""Turning canonical text into Anki field HTML: escaping, marks, clozes, locations, links, tags.

Everything a user wrote is HTML-escaped (``<script>`` is stored as ``&lt;script&gt;`` and shows
as text); the only markup in a field is what this module generates: ``<br>`` for line breaks,
``<b>``/``<mark>`` for ``**bold**``/``==mark==`` spans, and ``{{cN::…}}`` cloze deletions.
Anki's own syntax in the text shows as written too: the ``[`` of ``[sound:…]``, ``[anki:tts…]``,
``[latex]``, ``[$]`` and ``[$$]`` is an entity, and a word joiner (U+2060, invisible) follows the
backslash of ``\(``, ``\)``, ``\[`` and ``\]``, which MathJax would otherwise typeset.

Marks the user can make to ask for a cloze card:

* ``{{c1::…}}`` already in the highlight text: kept as written (numbering, hints and nesting
  included, read as Anki reads them: see :mod:`.clozes`). The card is then the user's alone:
  bold and mark spans show as such, and a ``.cloze`` note is not used
  (:func:`cloze_note_unused`), as a number given to its terms could be one the user writes
  next, which would take over that term's card and its review history;
* otherwise ``**bold**`` and ``==mark==`` spans (Reader, Markdown), numbered ``c1``, ``c2``… in
  text order, and the terms of a note starting with ``.cloze`` followed by ``;``-separated
  terms (:mod:`.action_notes`), numbered after the spans in the order the note lists them.
  Every occurrence of a term in the text (in any case) is hidden, all under one number (one
  card: a word left showing elsewhere would give the answer away); a term that is a span's
  text (in any case) takes that span's number, for the same reason. Terms not found, and
  occurrences overlapping a span or an earlier term's, are skipped.

Each cloze number is a card in Anki, with its review history, so numbers stay with their text
as the user marks more: a term appended to a ``.cloze`` note takes the next number by the rule
above. For the other edits (a word bolded before the others, a term removed), the writer reads
what the deck written last time at the same path hid under which number (:mod:`.history`): a
cloze hiding the same text keeps its number; any other takes its number by the rule above if
no cloze had it last time, else the next number above all in use. Without that deck, numbers
follow the rule above (what a first export gives, and what earlier versions gave).

In a cloze note's Text, every brace that is not part of a cloze (a ``{{c1::`` never closed, a
stray ``}}``, a ``{{Title}}``) is written as an entity, so text from the source never opens or
closes a cloze; the other fields, which Anki shows as they are, keep them.

No field holds a control character but tab and line breaks (:mod:`excerpta.controls`).
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from excerpta.controls import without_controls
from excerpta.model import Highlight, LocationType
from excerpta.writers.anki.action_notes import cloze_terms
from excerpta.writers.anki.clozes import Cloze, card_numbers, cloze_plain_text, parse_clozes

Mode = Literal["plain", "keep", "hide"]

_MARK = re.compile(r"\*\*(?P<bold>(?=\S).+?(?<=\S))\*\*|==(?P<mark>(?=\S).+?(?<=\S))==", re.DOTALL)
# Anki reads these in a field's HTML itself (audio, LaTeX images); as an entity the "[" is text.
_ANKI_TAG = re.compile(r"\[(?=sound:|anki:|latex\]|\$)", re.IGNORECASE)
# MathJax typesets the card's text, where entities are already decoded: only a character between
# the backslash and the bracket (U+2060 WORD JOINER: invisible) keeps it from reading a delimiter.
_MATHJAX = re.compile(r"\\(?=[()[\]])")
_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
_TAG_SPACE = re.compile(r"\s+")
_LOCATION_LABELS = {LocationType.LOCATION: "Location", LocationType.PAGE: "Page",
                    LocationType.ORDER: "#", LocationType.OFFSET: "Offset"}


def escape_html(text: str | None) -> str:
    """``text`` as field HTML: escaped, line breaks as ``<br>``; ``None`` gives ``""``."""
    if not text:
        return ""
    escaped = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    return _neutralise_anki_syntax(escaped).replace("\n", "<br>")


def _neutralise_anki_syntax(escaped: str) -> str:
    if "\\" in escaped:  # first: "\[sound:" needs both
        escaped = _MATHJAX.sub("\\\\\u2060", escaped)
    return _ANKI_TAG.sub("&#91;", escaped) if "[" in escaped else escaped


def _escape_braces(escaped: str) -> str:
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


def _escape_cloze_content(text: str) -> str:
    # Braces and "::" inside a deletion would be read as cloze syntax (or a hint) by Anki.
    return _escape_braces(escape_html(text)).replace("::", ":&#58;")


def _escape_outside(text: str, mode: Mode) -> str:
    # Outside a deletion only braces are syntax to Anki, and only with the cloze filter.
    escaped = escape_html(text)
    return escaped if mode == "plain" else _escape_braces(escaped)


def _render_marks(text: str, mode: Mode, placeholder: str = "",
                  clozes: Iterator[Cloze] | None = None) -> str:
    """Escape ``text`` and render its bold/mark spans as ``<b>``/``<mark>``; with ``clozes``,
    each ``placeholder`` in ``text`` stands for the next of them."""
    parts, last = [], 0
    for match in _MARK.finditer(text):
        parts.append(_render_run(text[last:match.start()], mode, placeholder, clozes))
        last = match.end()
        tag, content = ("b", match["bold"]) if match["bold"] is not None else ("mark", match["mark"])
        parts.append(f"<{tag}>{_render_run(content, mode, placeholder, clozes)}</{tag}>")
    parts.append(_render_run(text[last:], mode, placeholder, clozes))
    return "".join(parts)


def _render_run(text: str, mode: Mode, placeholder: str, clozes: Iterator[Cloze] | None) -> str:
    if clozes is None:
        return _escape_outside(text, mode)
    runs = text.split(placeholder)
    rendered = [_escape_outside(runs[0], mode)]
    for run in runs[1:]:
        cloze = next(clozes)
        rendered.append(_render_cloze(cloze) if mode == "keep" else escape_html(cloze_plain_text(cloze)))
        rendered.append(_escape_outside(run, mode))
    return "".join(rendered)


def _render_cloze(cloze: Cloze) -> str:
    content = "".join(_escape_cloze_content(part) if isinstance(part, str) else _render_cloze(part)
                      for part in cloze.parts)
    hint = "" if cloze.hint is None else f"::{_escape_cloze_content(cloze.hint)}"
    return f"{{{{c{cloze.number}::{content}{hint}}}}}"


def _render_parts(parts: list[str | Cloze], mode: Mode) -> str:
    """Text runs with their marks, user clozes kept (``keep``) or as their text (``plain``).
    A mark may hold clozes (``**bold {{c1::x}}**``), never cut one."""
    runs = [part for part in parts if isinstance(part, str)]
    clozes = [part for part in parts if isinstance(part, Cloze)]
    if not clozes:
        return _render_marks("".join(runs), mode)
    # Marks are found in the text with one character standing for each cloze: a private-use
    # one the text does not hold.
    placeholder = next(chr(code) for code in itertools.count(0xE000) if all(chr(code) not in run
                                                                           for run in runs))
    skeleton = "".join(part if isinstance(part, str) else placeholder for part in parts)
    return _render_marks(skeleton, mode, placeholder, iter(clozes))


def render_text(text: str) -> str:
    """The highlight for the non-cloze designs: ``**bold**``/``==mark==`` shown as
    ``<b>``/``<mark>``, user clozes (nested ones too) reduced to their text."""
    return _render_parts(parse_clozes(text), "plain")


@dataclass(frozen=True)
class _Hidden:
    """A stretch of the text to hide: ``text[start:end]`` (delimiters included) becomes a cloze
    of ``content``."""

    start: int
    end: int
    content: str
    group: int  # the spans of one group are one cloze number (one card)


def _term_spans(text: str, terms: Iterable[str], marked: Sequence[_Hidden] = ()) -> list[_Hidden]:
    """The ``marked`` spans, then every occurrence of each term not overlapping a span before
    it: a group per term in the order of ``terms`` (after the marks' groups), but a term that
    is a mark's text joins that mark's group. Occurrences are found in any case, except in a
    text whose case-folding changes its length (``ß``), where only the term as written is."""
    spans = list(marked)
    folded = text.casefold()
    haystack = folded if len(folded) == len(text) else text
    marks_by_text = {span.content.casefold(): span.group for span in reversed(marked)}  # the first wins
    groups = itertools.count(max((span.group for span in marked), default=-1) + 1)
    for term in terms:
        needle = term.casefold() if haystack is folded else term
        group = marks_by_text.get(term.casefold())
        if group is None:
            group = next(groups)
        position = haystack.find(needle)
        while position >= 0 and needle:
            end = position + len(needle)
            if not any(s.start < end and position < s.end for s in spans):
                spans.append(_Hidden(position, end, text[position:end], group))
            position = haystack.find(needle, end)
    return spans


def _mark_spans(text: str) -> list[_Hidden]:
    return [_Hidden(m.start(), m.end(), m["bold"] or m["mark"], index)
            for index, m in enumerate(_MARK.finditer(text))]


def _numbers(contents: list[str], earlier: Sequence[tuple[str, int]]) -> list[int]:
    """Cloze numbers for ``contents`` (in their plain order), given the ``(content, number)``
    pairs last time's note hid; see the module docstring."""
    unclaimed = list(earlier)
    numbers: list[int] = []
    for content in contents:
        kept = next((pair for pair in unclaimed if pair[0] == content), None)
        if kept is not None:
            unclaimed.remove(kept)
        numbers.append(kept[1] if kept else 0)
    # Numbers last time's note used belong to cards with a history: never given to other text.
    taken = {number for _, number in earlier} | {number for number in numbers if number}
    for index, number in enumerate(numbers):
        if not number:
            numbers[index] = index + 1 if index + 1 not in taken else max(taken) + 1
            taken.add(numbers[index])
    return numbers


def _hide_spans(text: str, spans: list[_Hidden], earlier: Sequence[tuple[str, int]]) -> str:
    firsts: dict[int, _Hidden] = {}
    for span in spans:
        firsts.setdefault(span.group, span)
    # A group is numbered by its first span's text, as a single span is.
    contents = [without_controls(_escape_cloze_content(span.content)) for span in firsts.values()]
    numbers = dict(zip(firsts, _numbers(contents, earlier), strict=True))
    parts, last = [], 0
    for span in sorted(spans, key=lambda span: span.start):
        parts.append(_escape_outside(text[last:span.start], "hide"))
        parts.append(f"{{{{c{numbers[span.group]}::{_escape_cloze_content(span.content)}}}}}")
        last = span.end
    parts.append(_escape_outside(text[last:], "hide"))
    return "".join(parts)


def cloze_text(text: str, note: str | None, earlier: Sequence[tuple[str, int]] = ()) -> str | None:
    """The Text field of a cloze note, or ``None`` if the user marked nothing to hide.
    ``earlier``: the ``(content, number)`` of each cloze the deck written last time had in this
    note's Text (:func:`.clozes.hidden_texts`), which keeps numbers stable."""
    parts = parse_clozes(text)
    if card_numbers(parts):
        return _render_parts(parts, "keep")
    spans = _term_spans(text, cloze_terms(note), _mark_spans(text))
    return _hide_spans(text, spans, earlier) if spans else None


def cloze_note_unused(text: str, note: str | None) -> bool:
    """Whether ``note`` is a ``.cloze`` note naming terms that the cloze card does not use, as
    ``text`` holds clozes of the user's own (see the module docstring)."""
    return bool(cloze_terms(note)) and bool(card_numbers(parse_clozes(text)))


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
    """An http(s) URL escaped for a field and an ``href`` (its ``[sound:`` and the like inert);
    anything else (``javascript:``) ``""``."""
    if not url or not _SAFE_URL.match(url.strip()):
        return ""
    # The link shows as text too; an entity still works in the href, a word joiner would not.
    return _ANKI_TAG.sub("&#91;", html.escape(url.strip(), quote=True))


def anki_tags(tags: Iterable[str]) -> list[str]:
    """Anki-safe tags: whitespace runs become ``_``, other control characters dropped
    (:func:`~excerpta.controls.without_controls`), empty levels of a ``::`` hierarchy dropped
    (Anki would name them ``blank``: ``::lead`` is ``lead``), empty tags dropped, duplicates
    (Anki compares tags case-insensitively) kept once, first spelling wins, order kept."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        safe = _TAG_SPACE.sub("_", without_controls(tag).strip())
        safe = "::".join(level for level in safe.split("::") if level.strip(":"))
        if safe and safe.casefold() not in seen:
            seen.add(safe.casefold())
            result.append(safe)
    return result
