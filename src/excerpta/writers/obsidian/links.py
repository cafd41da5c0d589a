"""Links the templates write: one working, inert link whatever the value holds.

A URL from a source goes into ``[View Highlight](…)``, ``![rw-book-cover](…)`` and the
``- URL:`` line; :func:`link_url` makes it one link destination (CommonMark ends a bare one
at a space, a line break or an unbalanced ``)``, and the ``- URL:`` line is plain text, where
``[x](…)`` would be a link of its own). :func:`link_label` makes a value one link text: a
template's ``[{{ x }}](…)`` (Readwise's ``[{{highlight_location}}](…)``) is read as
``[{{ x | link_label }}](…)``, the value itself staying as it is everywhere else.

Wikilinks: Obsidian says a link target holding ``# | ^ : %% [[ ]]`` "may not work": an author
``Smith]] and [[Jones | Co #2`` pasted into ``[[…]]`` makes two broken links. The ``wikilink``
filter (``{{ author | wikilink }}``, ``{{ document_link | wikilink(title) }}``):

* a value without any of those characters, a line break, or a character no file name holds
  (``/ \\ < > * ? "``: ``[[AC/DC]]`` would link to a note ``DC`` in a folder ``AC``) is the
  target as it is, as the Readwise plugin writes it (``[[Henry David Thoreau]]``);
* any other value gets the target a note of that name could have: the portable file name
  excerpta gives notes (:func:`.naming.sanitize_name`, spaces collapsed), and the value as
  display text after ``|``, on one line, without the ``[`` and ``]`` that would end the link
  and with ``|`` as a space (``[[Smith and Jones Co 2|Smith and Jones Co #2]]``);
* a path excerpta made (:class:`Verbatim`, a note's place in the vault) is the target as it is.

A Readwise template pasted as it is (``[[{{ author }}]]``, ``[[{{ a }}|{{ b }}]]``) gets the
same: :class:`SafeWikilinks` rewrites those spellings to the filter before compiling, and
``[{{ x }}](`` to the ``link_label`` filter.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import jinja2
from jinja2.ext import Extension

from excerpta.location_labels import LINK_DESTINATION
from excerpta.markdown_safety import defang, runs_code
from excerpta.readwise.own_links import OWN_SCHEME
from excerpta.writers.obsidian.naming import UNTITLED, sanitize_name

# Room for ".md" and a clash suffix within the 255 bytes a file name may have.
LINK_TARGET_BYTES = 240
# What breaks a link, or makes its target no note's name: "/" a folder, "\\" one on Windows,
# and what no file name holds ("< > * ? \"": the name of the note it should find has none).
_LINK_BREAKING = re.compile(r"[\[\]|#^:\r\n/\\<>*?\"]|%%")
_BRACKETS = re.compile(r"[\[\]]+")
_SPACES = re.compile(r"\s+")
# "[[{{ expression }}]]" and "[[{{ target }}|{{ display }}]]" as a template spells them (not
# with "-"/"+" whitespace control, which the rewrite would put inside the parentheses).
_EXPRESSION = r"\{\{(?![-+])(?P<NAME>[^{}\n]+?)(?<![-+])\}\}"
_PASTED_LINK = re.compile(r"\[\[" + _EXPRESSION.replace("NAME", "target")
                          + r"(?:\|" + _EXPRESSION.replace("NAME", "display") + r")?\]\]")
_PASTED_LABEL = re.compile(r"\[" + _EXPRESSION.replace("NAME", "label") + r"\]\(")  # "[{{ x }}]("
_LINK_LABELLED = re.compile(r"\|\s*link_label$")  # an expression ending with the filter


# What a browser strips at either end of a URL: C0 controls and the space (not U+00A0…).
_URL_ENDS = "".join(map(chr, range(0x21)))
# What a URL cannot hold as it is: whitespace (ends a destination, and a link in text), "<" and
# ">" (an autolink, HTML), "\\" (an escape in a destination), a backtick (a code span wins over a
# link), '"', and "[" "]" (in the "- URL:" line, "[x](…)" is a link). Browsers send them
# percent-encoded, so the URL is the same one. "(" and ")" only when they do not pair as
# LINK_DESTINATION allows (Wikipedia's "Foo_(bar)" pairs).
_NOT_IN_URL = re.compile(r'[\s<>\\`"\[\]]')
_PARENTHESES = re.compile(r"[()]")
_IPV6_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#\[\]@]*@)?(?P<host>\[[0-9A-Fa-f:.]+\])")
# Nearly every URL: http(s), a host, and nothing link_url would change (one match, no more).
_PLAIN_WEB = re.compile(r'https?://[^/?#\s<>\\`"\[\]()][^\s<>\\`"\[\]()]*')
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_WEB = re.compile(r"https?:", re.IGNORECASE)
_WEB_WITH_HOST = re.compile(r"https?://[^/?#]", re.IGNORECASE)
_LABEL_ENDING = re.compile(r"[\\\[\]()]")  # escaped in a label: it would end the link or the label


def image_url(value: str) -> str:
    """``value`` as :func:`link_url` gives it, if it is a web (``http(s)``) URL, else ``""``:
    an image embed is fetched when the note is shown, no click asked (a ``file:`` URL, an
    ``obsidian://`` command, a share on another machine, from an article's ``og:image``)."""
    url = link_url(value)
    return url if _WEB_WITH_HOST.match(url) else ""


def link_url(value: str) -> str:
    """``value`` (:func:`.variable_text.printable` text) as one inert link destination, or ``""``:

    * spaces and C0 control characters at either end are dropped, as a browser drops them
      (other whitespace, a no-break space say, is part of the URL: encoded, as below);
    * a URL that would run code once clicked (:func:`~excerpta.markdown_safety.runs_code`, also
      when HTML entities spell it: Markdown decodes them in a link) is none, and so is
      ``excerpta://highlight/…``, the mark a highlight sent to Readwise carries (it opens nothing);
    * whitespace, ``<``, ``>``, ``\\``, a backtick, ``"``, ``[`` and ``]`` (but the brackets of an
      IPv6 host) are percent-encoded, and so are ``(`` and ``)`` unless they pair one level deep;
    * what is then no absolute URL (a scheme: ``https``, ``kindle``, ``mailto``, ``obsidian``…;
      for ``http(s)`` a host) is none: a relative one would be a link to a note of the vault."""
    url = value.strip(_URL_ENDS)
    if _PLAIN_WEB.fullmatch(url):  # nearly every URL
        return url
    if not url or runs_code(html.unescape(url)) or url.lower().startswith(OWN_SCHEME):
        return ""  # (excerpta's own mark of a highlight sent to Readwise opens nothing)
    if _NOT_IN_URL.search(url):
        host = _IPV6_HOST.match(url)
        if host is None:
            url = _NOT_IN_URL.sub(_percent_encoded, url)
        else:  # its brackets kept: only the host's own span (the userinfo before it is encoded)
            start, end = host.span("host")
            url = (_NOT_IN_URL.sub(_percent_encoded, url[:start]) + url[start:end]
                   + _NOT_IN_URL.sub(_percent_encoded, url[end:]))
    if ("(" in url or ")" in url) and not LINK_DESTINATION.fullmatch(url):
        url = _PARENTHESES.sub(_percent_encoded, url)
    if not _ABSOLUTE.match(url) or (_WEB.match(url) and not _WEB_WITH_HOST.match(url)):
        return ""
    return url


def _percent_encoded(found: re.Match[str]) -> str:
    return quote(found.group(), safe="")


def link_label(value: object) -> object:
    """``value`` (:func:`.variable_text.printable` text) as a link's text (the ``link_label``
    filter): on one line (a line break as a space: a next line could start a heading), and
    ``[``, ``]``, ``(``, ``)`` and ``\\`` escaped with a backslash, which Markdown shows as the
    character and the ``readwise-md`` reader takes away (``Page 1](javascript:…)`` is one label,
    not a link). An unknown name's value is left to warn; None is ``""``."""
    if isinstance(value, jinja2.Undefined):
        return value
    value = "" if value is None else str(value)
    if "\n" in value:
        value = value.replace("\n", " ")
    return _LABEL_ENDING.sub(r"\\\g<0>", value) if _LABEL_ENDING.search(value) else value


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
    to ``{{ (x) | wikilink(y) }}``, and a link text ``[{{ x }}](`` to ``[{{ (x) | link_label }}](``,
    before it is compiled (same lines, so errors name the template's own line numbers). Adds
    the ``link_label`` filter."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.filters["link_label"] = link_label

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if "[[{{" in source:
            source = _PASTED_LINK.sub(_as_filter, source)
        if "[{{" in source:
            source = _PASTED_LABEL.sub(_as_label, source)
        return source


def _as_filter(match: re.Match[str]) -> str:
    target, display = match.group("target").strip(), match.group("display")
    argument = f"({display.strip()})" if display is not None else ""
    return "{{ (" + target + ") | wikilink" + argument + " }}"


def _as_label(match: re.Match[str]) -> str:
    label = match.group("label").strip()
    if _LINK_LABELLED.search(label):  # the template's own "| link_label": escaped once
        return match.group()
    return "[{{ (" + label + ") | link_label }}]("
