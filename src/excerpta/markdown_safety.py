"""Text from a source made inert in a Markdown note, and read back exactly.

Highlight text comes from books and web pages we do not control, and Obsidian plugins run
what a note contains: Dataview runs `` ```dataviewjs `` blocks and inline `` `$= …` `` code
(CVE-2021-42057; also in code blocks, by default), Templater runs ``<% … %>`` in a new note
when "trigger on new file creation" is on, ``%%`` starts a comment that hides the rest of the
note (and would fake our region markers), an HTML tag or comment swallows or hides what
follows, and a ``^hl-…`` would pass for one of our block ids. :func:`defang` changes exactly
those constructs and nothing else, so ordinary Markdown in a Reader highlight
(``the `Pet` schema``, **bold**, links, ``List<String>`` in backticks, a note's lists) is
written as the source wrote it:

* the start of a line's content (after indentation, ``>`` and list markers) gets a backslash
  when it is a run of three or more backticks or tildes (a code fence: ``\\```js``), ``=`` or
  ``$=`` (a query, should the line be an indented code block; a line of ``=`` would make the
  line above a heading) or a line of ``-``, ``*`` or ``_`` alone (a thematic break that would
  take the place of the highlight's list item, ``- ---``, or again an underline), and so
  does a last line of one or two tildes (what follows could make it a fence: ``~`` ``~~js``);
* in a highlight's text (a :class:`ListItemText`), a line after the first that starts (after
  indentation) with a list marker (``-``, ``+``, ``*``, ``2.``, ``2)``) gets a backslash
  before the marker's ``-`` or ``.`` (``\\-``, ``2\\.``): in a list item, such a line would
  be an item nested in it, which Obsidian's block id at its end would name instead of the
  highlight; the line stays text. In any other value (a note, a summary: no block id ends
  them) such a line stays a list item, unless a backslash is already before its marker (one
  more, so that :func:`restore` can take one away) or what follows the marker would start a
  fence, a query or a rule (then as in a highlight's text);
* a backtick that does not open a code span closed on the same line, or opens one whose
  content starts with ``=`` or ``$=`` (a Dataview query), becomes ``&#96;``: what stays is
  exactly the code spans of :func:`~excerpta.markdown_code_spans.code_spans`, paired as any
  CommonMark parser pairs them;
* ``<%`` (Templater reads the file, not the Markdown) becomes ``&lt;%``, and the ``^`` of
  ``^hl-`` ``&#94;``, wherever they are;
* outside code spans: ``%%`` becomes ``%&#37;``; ``<`` before a letter, ``/``, ``!`` or ``?``
  becomes ``&lt;`` (so ``List<String>`` shows as written instead of vanishing into an unknown
  tag); an ``&`` that would start an entity becomes ``&amp;``; the ``(`` of ``](`` and the
  ``:`` of ``]:`` before a ``javascript:``, ``vbscript:`` or ``data:`` URL (whatever its case,
  the spaces and control characters a browser ignores in it: :func:`runs_code`) become
  ``&#40;`` and ``&#58;``:
  a link or image (or a link reference definition) that would run code once clicked is text,
  shown as the source wrote it (an ``https`` link or image, a ``[[wikilink]]`` or an
  ``![[embed]]`` is left as it is);
* the ``=`` or ``$`` of a ``=`` or ``$=`` right after a code span (spaces between) gets a
  backslash (``\\=``): a backtick of a neighbour could make the span's closer an opener;
* the last ``)`` of a ``(Page 9)``, ``(Location 12)``, ``(Time 0:01:41)`` or ``([View
  Highlight](…))`` ending a value becomes ``&#41;``: the ``readwise-md`` reader takes such an
  end of a highlight's text for the location Readwise writes after it
  (:mod:`excerpta.location_labels`), and a template may show no location there.

A value is made inert on its own, and the template writes it next to its own text or another
value: :func:`escape_edges` also escapes what a value starts or ends with that a neighbour could
complete (``a <`` and ``% x %>`` make ``<%``), as entities: a ``<`` ending it, a ``%`` starting
it (not ending it: ``up 12%``), a ``^`` ending it that ``hl-`` could follow, and the ``(`` or
``:`` of a link that ends it with part of a URL that would run code, or that starts it.

Every replacement is a Markdown escape or an entity, so reading view shows the text the source
had (inside a code span an entity shows as typed: only around ``<%`` and ``^hl-``).
:func:`restore` undoes :func:`defang` exactly (``restore(defang(t)) == t`` for every text, a
property test checks it, with a CommonMark parser checking that nothing runs); on a note
excerpta did not write it decodes the same escapes, which is what Markdown shows for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from excerpta.location_labels import label_end_escaped
from excerpta.markdown_code_spans import code_spans

# Where a line's content starts (indentation, block quote markers, list markers), and what it
# must not start with: a fence, a query, a line of "-", "*" or "_" alone. A backslash goes
# before it; the backslashes already there are counted, so restore can take exactly one away.
# A line after the first starting with a list marker (its backslashes counted, as above) is
# text: the backslash goes before the "-" or the "." of the marker, and the rest of the line is
# no line start (which it is for the first line, a value seldom starting a line of the note).
_MARKER = r"([ \t]*(\d{1,9})?)(\\*)(?=(?(2)[.)]|[-+*])(?:[ \t\r\n]|\Z))"
_LIST_LINE = re.compile(r"(?<=[\n\r])" + _MARKER)
_ESCAPED_LIST_LINE = re.compile(r"(?<=[\n\r])" + _MARKER.replace(r"(\\*)", r"\\(\\*)", 1))
_PREFIX = (r"(?:\A|(?<=[\n\r])(?![ \t]*(?:\d{1,9}\\*[.)]|\\*[-+*])(?:[ \t\r\n]|\Z)))"
           r"((?:[ \t]|>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*)")
_BLOCK = r"(?=`{3}|~{3}|\$?=|([-*_])(?:[ \t]*\3)*[ \t]*(?:$|\r))"
_LINE_START = re.compile(_PREFIX + r"(\\*)" + _BLOCK, re.MULTILINE)
_ESCAPED_LINE_START = re.compile(_PREFIX + r"\\(\\*)" + _BLOCK, re.MULTILINE)
_LINE_START_CHARACTERS = frozenset(">-+*`~=$_\\")
# A list line's content, after its markers, that would start a fence, a query or a rule.
_LIST_LINE_HAZARD = re.compile(r"((?:[ \t]|>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*)(\\*)" + _BLOCK,
                               re.MULTILINE)
# A last line of one or two tildes, which what follows the value would make a fence ("~" and
# "~~dataviewjs"): a backslash goes before them, counted as above.
_TILDES_END = re.compile(r"((?:[ \t]|>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*)(\\*)(?=~{1,2}\Z)")
_ESCAPED_TILDES_END = re.compile(_TILDES_END.pattern.replace(r"(\\*)", r"\\(\\*)", 1))
TEMPLATER_OPEN = "<%"  # what Templater runs: escaped wherever it is, code and properties too

# The one rule for a URL that runs code once clicked (see runs_code): its scheme, whatever its
# case and the spaces and control characters in it (browsers ignore some; all of them are taken
# out, to the safe side).
CODE_SCHEMES = ("javascript", "vbscript", "data")
_IGNORED_IN_URL = r"\x00-\x20\x7f-\x9f"
_IGNORED = re.compile(f"[{_IGNORED_IN_URL}]+")
_CODE_URL = re.compile(f"(?:{'|'.join(CODE_SCHEMES)}):", re.IGNORECASE)
# A link's "](" or a definition's "]:" before such a URL, as the text spells it: "<" and ">" may
# enclose it (">" also a block quote's line start), and a backslash may escape its ":".
_GAP = f"[{_IGNORED_IN_URL}<>]*"
_CODE_SCHEME = "|".join(_GAP.join(word) for word in CODE_SCHEMES)
_CODE_LINK = rf"\][(:](?=(?i:{_GAP}(?:{_CODE_SCHEME}){_GAP}\\?:))"
# Outside code spans. Every backtick is made text, so no parser can pair it with another over a
# line end. A backslash pair is left as it is (Markdown shows its character as text), but "%"
# and "&" never pair, so "\%%" is still defused and a backslash before an entity we wrote is
# read back; nor do "<%" and "^hl-", which Templater and our merges read without Markdown.
_PLAIN = re.compile(r"%%|\\(?!<%|\^hl-)[^%&]|<(?=[A-Za-z/!?%])|\^(?=hl-)|&(?=#?[A-Za-z0-9]+;)|`|"
                    + _CODE_LINK)
_PLAIN_BACK = re.compile(r"\\(?!<%|\^hl-)[^%&]|&(?:#96|#37|#94|#41|#40|#58|lt|amp);")
# Inside code spans: only "<%" and "^hl-", and an "&" that would read back as one of them.
_CODE = re.compile(r"<(?=%)|\^(?=hl-)|&(?=(?:amp;)*(?:lt;%|#94;hl-))")
_CODE_BACK = re.compile(r"&lt;(?=%)|&#94;(?=hl-)|&amp;(?=(?:amp;)*(?:lt;%|#94;hl-))")
_ENTITY_OF = {"%%": "%&#37;", "<": "&lt;", "&": "&amp;", "`": "&#96;", "^": "&#94;", "](": "]&#40;",
              "]:": "]&#58;", "%": "&#37;", "(": "&#40;", ":": "&#58;"}
_AFTER_CLOSER = re.compile(r"\A([ \t]*)(\\*)(?=\$?=)")
_ESCAPED_AFTER_CLOSER = re.compile(r"\A([ \t]*)\\(\\*)(?=\$?=)")
# A value's ends that a neighbour (a value, or the template's text) could complete into "<%",
# "%%", an HTML tag, "^hl-", or a link to a URL that runs code: "<" ending it, "%" starting it
# (one ending it stays: "up 12%"; the next value's "%" is escaped), a "^" ending it with what
# starts "hl-", the "(" or ":" after "]" of a link (or a definition) ending it with as much of
# such a URL as it holds, or starting it followed by such a URL or the start of one.
_PART_OF_SCHEME = "|".join(
    "".join(f"{letter}(?:{_GAP}" for letter in word) + ")?" * len(word) for word in CODE_SCHEMES)
_URL_BEGUN = rf"(?i:{_GAP}(?:{_PART_OF_SCHEME})?{_GAP}\\?\Z)"
_EDGE = re.compile(rf"\A%|<\Z|\^(?=(?:h|hl)?\Z)|(?<=\])[(:](?={_URL_BEGUN})"
                   rf"|\A[(:](?={_URL_BEGUN}|(?i:{_GAP}(?:{_CODE_SCHEME}){_GAP}\\?:))")
_CHARACTER_OF = {"&#96;": "`", "&#37;": "%", "&#94;": "^", "&#41;": ")", "&#40;": "(", "&#58;": ":",
                 "&lt;": "<", "&amp;": "&"}



class ListItemText(str):
    """A highlight's text, written in the list item its block id ends: :func:`defang` makes
    its lines that start with a list marker text (see the module docstring)."""

    __slots__ = ()


def defang(text: str) -> str:
    """``text`` with every construct that would run, hide or swallow part of a note escaped
    (see the module docstring); the text Markdown shows is unchanged."""
    if _line_hazard(text):
        item = isinstance(text, ListItemText)
        text = _LINE_START.sub(r"\1\2\\", text)
        text = _LIST_LINE.sub(r"\1\3\\" if item else _list_line_escaped, text)
        text = _last_line_tildes(text, _TILDES_END, r"\1\2\\")
    elif not _inline_hazard(text):
        return label_end_escaped(text)  # most values: nothing to look at
    text = _by_span(text, _plain, _code, _query_after_span) if "`" in text else _plain(text)
    return label_end_escaped(text)


def restore(text: str) -> str:
    """The text :func:`defang` was given, from what it returned; on other Markdown, the same
    escapes and entities decoded."""
    if "`" in text and ("&" in text or "\\" in text):
        text = _by_span(text, _plain_back, _code_back, _query_after_span_back)
    elif "&" in text:
        text = _plain_back(text)
    if "\\" not in text:
        return text
    text = _last_line_tildes(text, _ESCAPED_TILDES_END, r"\1\2")
    return _ESCAPED_LIST_LINE.sub(r"\1\3", _ESCAPED_LINE_START.sub(r"\1\2", text))


def holds_list_line_made_text(text: str) -> bool:
    """Whether :func:`defang` made a line of ``text`` (after the first) that starts with a list
    marker text, as it does in a highlight's text (or kept one text that was already)."""
    return "\\" in text and _ESCAPED_LIST_LINE.search(text) is not None


def runs_code(url: str) -> bool:
    """Whether a link to ``url`` (a destination as Markdown reads it: escapes and entities
    decoded) runs code once clicked: a ``javascript:``, ``vbscript:`` or ``data:`` URL (a
    ``data:text/html`` one is a whole page), whatever its case and the spaces and control
    characters in it."""
    return _CODE_URL.match(_IGNORED.sub("", url)) is not None


def _line_hazard(text: str) -> bool:
    # Several lines, or one whose content could start with a marker, a fence, a query or a rule.
    if "\n" in text or "\r" in text:
        return True
    first = text.lstrip(" \t")[:1]
    return first in _LINE_START_CHARACTERS or first.isdigit()


def _last_line_tildes(text: str, pattern: re.Pattern[str], replacement: str) -> str:
    if not text.endswith("~"):
        return text
    found = pattern.match(text, max(text.rfind("\n"), text.rfind("\r")) + 1)
    return text if found is None else text[:found.start()] + found.expand(replacement) + text[found.end():]


def _list_line_escaped(line: re.Match[str]) -> str:
    # Outside a highlight's text, a list line stays one unless it must be text to read back
    # (a backslash before its marker) or to be inert (a fence, a query or a rule after it).
    if line.group(3) or _LIST_LINE_HAZARD.match(line.string, line.start()):
        return f"{line.group(1)}{line.group(3)}\\"
    return line.group()


def _inline_hazard(text: str) -> bool:
    # Substring tests: a sixth of the time of one regex search, on every value rendered ("]"
    # for a link's "](" or a definition's "]:").
    return "`" in text or "<" in text or "&" in text or "%" in text or "^hl-" in text or "]" in text


def _by_span(text: str, plain: Callable[[str], str], code: Callable[[str], str],
             after: Callable[[str], str]) -> str:
    # "after": what the text following a span (from its closer on) is also given.
    parts: list[str] = []
    position = 0
    for start, end in code_spans(text):
        part = plain(text[position:start])
        parts.append(after(part) if position else part)
        parts.append(code(text[start:end]))
        position = end
    part = plain(text[position:])
    parts.append(after(part) if position else part)
    return "".join(parts)


def _query_after_span(text: str) -> str:
    # A closer followed by "=" or "$=" would open a Dataview query were it paired otherwise
    # (a backtick of a neighbouring value or of the template before it): the "=" or "$" gets
    # a backslash, the ones already there counted so that restore takes exactly one away.
    return _AFTER_CLOSER.sub(r"\1\2\\", text, count=1)


def _query_after_span_back(text: str) -> str:
    return _ESCAPED_AFTER_CLOSER.sub(r"\1\2", text, count=1)


def escape_edges(text: str) -> str:
    """``text`` (what :func:`defang` returned) with the characters at its ends escaped that,
    next to another value or the template's own text, would make a construct :func:`defang`
    escapes (see the module docstring); :func:`restore` decodes them as the others."""
    if not text or not (text[0] in "%(:" or text[-1] in "<^" or "^h" in text[-3:]
                        or "](" in text or "]:" in text):
        return text  # most values: nothing to look at
    return _EDGE.sub(_escaped, text)


def _plain(text: str) -> str:
    return _PLAIN.sub(_escaped, text) if _inline_hazard(text) else text


def _code(span: str) -> str:
    return _CODE.sub(_escaped, span) if "<%" in span or "&" in span or "^hl-" in span else span


def _plain_back(text: str) -> str:
    return _PLAIN_BACK.sub(_unescaped, text) if "&" in text else text


def _code_back(span: str) -> str:
    return _CODE_BACK.sub(_unescaped, span) if "&" in span else span


def _escaped(match: re.Match[str]) -> str:
    found = match.group()
    return _ENTITY_OF.get(found, found)


def _unescaped(match: re.Match[str]) -> str:
    found = match.group()
    return _CHARACTER_OF.get(found, found)
