"""Wikilinks the templates write: one working ``[[…]]`` link whatever the value holds.

Obsidian says a link target holding ``# | ^ : %% [[ ]]`` "may not work": an author
``Smith]] and [[Jones | Co #2`` pasted into ``[[…]]`` makes two broken links. The ``wikilink``
filter (``{{ author | wikilink }}``, ``{{ document_link | wikilink(title) }}``):

* a value without any of those characters (or a line break) is the target as it is, as the
  Readwise plugin writes it (``[[Henry David Thoreau]]``);
* any other value gets the target a note of that name could have: the portable file name
  excerpta gives notes (:func:`.naming.sanitize_name`, spaces collapsed), and the value as
  display text after ``|``, on one line, without the ``[`` and ``]`` that would end the link
  and with ``|`` as a space (``[[Smith and Jones Co 2|Smith and Jones Co #2]]``);
* a path excerpta made (:class:`Verbatim`, a note's place in the vault) is the target as it is.

A Readwise template pasted as it is (``[[{{ author }}]]``, ``[[{{ a }}|{{ b }}]]``) gets the
same: :class:`SafeWikilinks` rewrites those spellings to the filter before compiling.
"""

from __future__ import annotations

import re

import jinja2
from jinja2.ext import Extension

from excerpta.markdown_safety import defang
from excerpta.writers.obsidian.naming import UNTITLED, sanitize_name

# Room for ".md" and a clash suffix within the 255 bytes a file name may have.
LINK_TARGET_BYTES = 240
_LINK_BREAKING = re.compile(r"[\[\]|#^:\r\n]|%%")
_BRACKETS = re.compile(r"[\[\]]+")
_SPACES = re.compile(r"\s+")
# "[[{{ expression }}]]" and "[[{{ target }}|{{ display }}]]" as a template spells them (not
# with "-"/"+" whitespace control, which the rewrite would put inside the parentheses).
_EXPRESSION = r"\{\{(?![-+])(?P<NAME>[^{}\n]+?)(?<![-+])\}\}"
_PASTED_LINK = re.compile(r"\[\[" + _EXPRESSION.replace("NAME", "target")
                          + r"(?:\|" + _EXPRESSION.replace("NAME", "display") + r")?\]\]")


class Verbatim(str):
    """Text excerpta made itself (a note's path as a link target): written as it is."""

    __slots__ = ()


def link_target(value: str) -> str:
    """The target of a link to ``value``: ``value`` itself unless it holds a character that
    breaks a link, else the portable note name for it ("" if nothing of it is left)."""
    if not _LINK_BREAKING.search(value):
        return value
    target = _SPACES.sub(" ", sanitize_name(value, LINK_TARGET_BYTES))
    return "" if target == UNTITLED and value.strip() != UNTITLED else target


def link_display(value: str) -> str:
    """``value`` as a link's display text: on one line, no ``[`` or ``]``, ``|`` as a space."""
    return _SPACES.sub(" ", _BRACKETS.sub("", value).replace("|", " ")).strip()


@jinja2.pass_environment
def wikilink(environment: jinja2.Environment, value: object, display: object = None) -> str:
    """``[[value]]`` or ``[[target|display]]`` (see the module docstring); "" for no value.
    In a Markdown template the display text is made inert and a :class:`Verbatim` target kept
    as it is; in the front matter the YAML emitter quotes the link."""
    # (str() of an unknown name's value is "", and warns of it: see .template_undefined)
    if value is None or str(value) == "":
        return ""
    text = str(value)
    shown = text if display is None or str(display) == "" else str(display)
    target = text if isinstance(value, Verbatim) else link_target(text)
    alias = "" if shown == target else link_display(shown)
    if not target:
        return alias  # nothing left to link to ("#"): the text alone
    alias = "" if alias == target else alias
    if environment.finalize is None or not isinstance(value, Verbatim):
        # Front matter (YAML, not Markdown), or a value finalize makes inert as a whole.
        return f"[[{target}|{alias}]]" if alias else f"[[{target}]]"
    # defang() as the alias stands in the link: after "|", never at the start of a line.
    return Verbatim(f"[[{target}{defang('|' + alias)}]]" if alias else f"[[{target}]]")


class SafeWikilinks(Extension):
    """Rewrites a template's ``[[{{ x }}]]`` to ``{{ (x) | wikilink }}`` and ``[[{{ x }}|{{ y }}]]``
    to ``{{ (x) | wikilink(y) }}`` before it is compiled (same lines, so errors name the
    template's own line numbers)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if "[[{{" not in source:
            return source
        return _PASTED_LINK.sub(_as_filter, source)


def _as_filter(match: re.Match[str]) -> str:
    target, display = match.group("target").strip(), match.group("display")
    argument = f"({display.strip()})" if display is not None else ""
    return "{{ (" + target + ") | wikilink" + argument + " }}"
