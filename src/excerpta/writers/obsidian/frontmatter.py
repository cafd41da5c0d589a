"""Note properties (YAML front matter): written with a YAML emitter, merged with the user's.

Written the way Obsidian writes them: block lists indented two spaces (``  - item``), no line
wrapping, Unicode as is, date-times as ``2024-05-01T10:30:05`` (Obsidian's "Date & time" type:
no zone, read as the reader's local time; so a date-time is written as the wall-clock time of
its own zone, which the template variables give in the display zone, see :mod:`.variables`),
every string that YAML would read as something else quoted by the
emitter (``yes``, ``null``, ``@x``, ``- y``, ``[[Link]]``), and so is every string that a YAML
1.2 reader (Obsidian's) would read as a number where YAML 1.1 does not (``1e3``, ``0o17``).
``excerpta-id`` is always the first property: it is how a renamed or moved note is found
again. A string holding ``<%`` is written double-quoted with the ``<`` escaped (``"\\x3C% …"``:
the same value to any YAML reader), as Templater, which runs ``<% … %>`` in a new note when
"trigger on new file creation" is on, reads the file, front matter included
(:mod:`excerpta.markdown_safety` does the same for the body).

On re-sync (:mod:`.property_merge`), properties are compared as parsed values, never as bytes:
our properties are updated in place, every line of the user's is kept byte for byte, and so is
every item the user added to one of our list properties (a tag of their own in ``tags``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from excerpta.markdown_safety import TEMPLATER_OPEN
from excerpta.yaml_load import AliasGrowthError, safe_load

ID_PROPERTY = "excerpta-id"
_FENCE = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_ID_LINE = re.compile(rf"^{ID_PROPERTY}:.*$", re.MULTILINE)


class _ObsidianDumper(yaml.SafeDumper):
    """SafeDumper writing lists the way Obsidian does (``key:`` then ``  - item``)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_moment(dumper: yaml.SafeDumper, value: date) -> yaml.Node:
    # A date, or a date-time's wall-clock time without its zone: Obsidian's "Date & time" (as_written).
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", as_written(value))


# Strings a YAML 1.2 reader (Obsidian's, js-yaml) takes for numbers (1e3, 0o17) where PyYAML's
# YAML 1.1 resolver sees strings, so its emitter would write them plain; and YAML 1.1's y and n
# booleans. Quoted: the same string to every reader. (What PyYAML itself resolves, it quotes.)
_OTHER_TYPE_ELSEWHERE = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|[yYnN]")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML writes NEL and the Unicode line/paragraph separators raw in single-quoted or plain
    # scalars, where a reader folds them into spaces; double quotes escape them (\N, \L, \P).
    # "<%" is double-quoted too, so that dump_properties can escape it (TEMPLATER_OPEN).
    style = '"' if TEMPLATER_OPEN in value or any(char in value for char in "\x85\u2028\u2029") else (
        "'" if _OTHER_TYPE_ELSEWHERE.fullmatch(value) else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ObsidianDumper.add_representer(str, _represent_str)
_ObsidianDumper.add_representer(datetime, _represent_moment)
_ObsidianDumper.add_representer(date, _represent_moment)


def dump_properties(properties: dict[str, Any]) -> str:
    """The front matter block for ``properties``, fences included, ending with a newline."""
    if not properties:
        return ""
    body = _dump_with_libyaml(properties)
    if body is None:
        body = yaml.dump(properties, Dumper=_ObsidianDumper, allow_unicode=True, sort_keys=False,
                         width=2**31, default_flow_style=False)
        # Every string holding "<%" is double-quoted (_represent_str), never folded (width), so
        # each "<%" here is inside a double-quoted scalar, where "\x3C" is "<" again.
        body = body.replace(TEMPLATER_OPEN, "\\x3C%")
    return f"---\n{body}---\n"


_C_DUMPER: type[yaml.SafeDumper] | None = None
if hasattr(yaml, "CSafeDumper"):
    class _CObsidianDumper(yaml.CSafeDumper):
        """libyaml's emitter with our date representer (``T`` between date and time, as the
        Python emitter and Obsidian write it; PyYAML's own puts a space)."""

    _CObsidianDumper.add_representer(datetime, _represent_moment)
    _CObsidianDumper.add_representer(date, _represent_moment)
    _C_DUMPER = _CObsidianDumper
_SIMPLE = (str, int, float, bool)
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")
_TOP_LEVEL_ITEM = re.compile(r"^- ", re.MULTILINE)


def _dump_with_libyaml(properties: dict[str, Any]) -> str | None:
    """The same YAML from libyaml's emitter (about 8x faster), for the common case only: text
    without line breaks, ``<%`` or characters beyond the Basic Multilingual Plane (libyaml
    escapes an emoji, ``"\\U0001F680"``, where the Python emitter writes it as is), numbers, booleans,
    dates and lists of those. libyaml writes list items flush with their key; they are
    indented as Obsidian does, and the result is read back and compared before it is used.
    None: use the Python emitter."""
    if _C_DUMPER is None:
        return None
    plain: dict[str, Any] = {}
    for key, value in properties.items():
        items = [_moment(item) for item in (value if isinstance(value, list) else [value])]
        for item in [key, *items]:
            if isinstance(item, str) and not (_LINE_BREAKS.isdisjoint(item) and _in_bmp(item)
                                              and TEMPLATER_OPEN not in item
                                              and not _OTHER_TYPE_ELSEWHERE.fullmatch(item)):
                return None
            if not isinstance(item, _SIMPLE) and type(item) not in (date, datetime):
                return None
        plain[key] = items if isinstance(value, list) else items[0]
    text = yaml.dump(plain, Dumper=_C_DUMPER, allow_unicode=True, sort_keys=False,
                     width=2**30, default_flow_style=False)
    text = _TOP_LEVEL_ITEM.sub("  - ", text)
    return text if safe_load(text) == plain else None


def _in_bmp(text: str) -> bool:
    return text.isascii() or max(text) <= "\uffff"


def _moment(value: Any) -> Any:
    """A date-time as its wall-clock time, without its zone and fraction (what
    :func:`as_written` writes as text); anything else as is. Not converted to UTC: Obsidian
    reads a date-time without a zone as local time, and shows it as it is written."""
    if not isinstance(value, datetime):
        return value
    return value.replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class SplitNote:
    """A note cut in two: its front matter block (fences and byte order mark included, as
    written) and the rest.

    ``properties`` is the parsed front matter; None when there is none or it is not a valid
    YAML mapping (``broken`` tells the two apart; ``problem`` says why, with the line in the
    note, when it is known: ``"front matter is not valid YAML (line 8: mapping values are not
    allowed here)"``, ``"front matter not read (line 4: its aliases (*name) repeat more than
    100,000 characters)"``).
    """

    front_matter: str
    properties: dict[str, Any] | None
    body: str
    broken: bool = False
    problem: str | None = None


def find_fences(text: str) -> tuple[int, re.Match[str] | None] | None:
    """Where the front matter's content starts and its closing fence (None: never closed), or
    None if ``text`` does not open with a ``---`` line."""
    opening = _FENCE.match(text)
    if opening is None:
        return None
    return opening.end(), _CLOSING.search(text, opening.end())


def split_note(text: str) -> SplitNote:
    """Separate the front matter (a ``---`` fenced block on the first line) from the body.

    A byte order mark opening a note without front matter is its ``front_matter``, so that
    properties written there go after it.
    """
    fences = find_fences(text)
    if fences is None:
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        return SplitNote(bom, None, text[len(bom):])
    start, closing = fences
    if closing is None:
        return SplitNote("", None, text, broken=True)
    block, body = text[:closing.end()], text[closing.end():]
    try:
        parsed = safe_load(text[start:closing.start()])
    except AliasGrowthError as err:  # read, its values would fill the memory (billion laughs)
        line = text.count("\n", 0, start) + err.line
        return SplitNote(block, None, body, broken=True,
                         problem=f"front matter not read (line {line}: {err.problem})")
    except yaml.YAMLError as err:
        return SplitNote(block, None, body, broken=True, problem=_not_valid(err, text.count("\n", 0, start)))
    if parsed is None:
        parsed = {}
    if not isinstance(parsed, dict):
        return SplitNote(block, None, body, broken=True)
    return SplitNote(block, parsed, body)


def _not_valid(err: yaml.YAMLError, lines_before: int) -> str:
    """What is wrong with front matter PyYAML rejected with ``err``, its line counted from the
    note's first (``lines_before``: the lines above the front matter's content)."""
    if not isinstance(err, yaml.MarkedYAMLError) or err.problem_mark is None:
        return "front matter is not valid YAML"
    mark, complaint = err.problem_mark, err.problem or "cannot be read"
    if "end of stream" in complaint or "<stream end>" in complaint:
        # Where what is never closed was opened ("[" with no "]"), not the fence below it.
        mark = err.context_mark or mark
        complaint = complaint.replace("'<stream end>'", "the end of the front matter").replace(
            "end of stream", "end of the front matter")
    elif err.context_mark is not None and err.context and err.context_mark.line < mark.line:
        # An unclosed "[" is found at the next line's key: say the line it was opened on too.
        opened = err.context.removeprefix("while parsing ")
        complaint = f"{complaint}; {opened} opened on line {lines_before + err.context_mark.line + 1}"
    return f"front matter is not valid YAML (line {lines_before + mark.line + 1}: {complaint})"


def note_id(text: str) -> str | None:
    """The ``excerpta-id`` property of a note, if it has one."""
    if ID_PROPERTY not in text:  # no YAML to parse: most notes of a vault are not ours
        return None
    fences = find_fences(text)
    if fences is None or fences[1] is None:
        return None
    block = text[fences[0]:fences[1].start()]
    lines = _ID_LINE.findall(block)
    if len(lines) == 1 and block.count(ID_PROPERTY) == 1:
        # The one top-level line as we (and Obsidian) write it: reading it alone costs a
        # fraction of reading every property, which a vault index does for every note.
        try:
            properties = safe_load(lines[0])
        except yaml.YAMLError:
            properties = None
    else:
        properties = split_note(text).properties
    value = properties.get(ID_PROPERTY) if isinstance(properties, dict) else None
    return str(value) if isinstance(value, str | int) and str(value) else None


def note_body(text: str) -> str:
    """The note without its front matter block, if it has one (nothing is parsed)."""
    fences = find_fences(text)
    if fences is None or fences[1] is None:
        return text
    return text[fences[1].end():]


def with_id(document_id: str, properties: dict[str, Any]) -> dict[str, Any]:
    """``properties`` with ``excerpta-id`` first."""
    return {ID_PROPERTY: document_id, **{k: v for k, v in properties.items() if k != ID_PROPERTY}}


def owned_lists(properties: dict[str, Any]) -> dict[str, list[Any]]:
    """The list properties among ``properties``: what the writer remembers having written, so
    the next merge (:mod:`.property_merge`) can tell the user's additions to a list from
    items it wrote itself."""
    return {key: value for key, value in properties.items() if isinstance(value, list)}


def as_written(value: Any) -> Any:
    """``value`` as the front matter holds it, a date or time as its ISO text (a date-time's
    wall-clock time without its zone): what the emitter writes, and how a remembered list item (JSON, see
    ``NoteMemo``) and an item of the note are compared."""
    return _moment(value).isoformat() if isinstance(value, date) else value
