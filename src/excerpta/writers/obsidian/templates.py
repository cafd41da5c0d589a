"""The note templates: sandboxed Jinja2 accepting the Readwise plugin's variables and filters.

Six templates shape a note; each is a file, the defaults ship in this package's
``templates/`` folder and a user folder (option ``templates``) may override any of them
(:mod:`.template_sources` reads them, and refuses a file named almost like one):

==============================  ===============================================================
``filename.jinja``              the note's file name, without ``.md`` (made portable afterwards)
``frontmatter.yaml``            a YAML mapping: property name → Jinja *expression*; the values
                                are written with a YAML emitter, never pasted into text
                                (:mod:`.template_frontmatter`)
``header.md.jinja``             title, cover, ``## Metadata``
``highlights_header.md.jinja``  the heading above the highlights
``chapter.md.jinja``            a chapter's heading, above the first highlight of each chapter
                                (only for sources that name chapters, such as Kindle notebooks)
``highlight.md.jinja``          one highlight (Readwise's highlight template)
==============================  ===============================================================

With the writer's ``atomic`` option every highlight also gets a note of its own, shaped by
``highlight_filename.jinja``, ``highlight_frontmatter.yaml``, ``highlight_header.md.jinja``
and the same ``highlight.md.jinja``; ``embed.md.jinja`` is then what the document's note
shows for a highlight that has its own note. :data:`DOCUMENT_NOTE` and
:data:`HIGHLIGHT_NOTE` say which file plays which part.

The environment is Jinja's immutable sandbox (a template cannot reach Python internals or
change its data), with every render bounded in size, steps and time (:mod:`.template_limits`).
Besides Jinja's filters it has Readwise's ``date('F j, Y')`` (Django/PHP codes) and
``pluralize``, plus ``wikilink`` (a link that works whatever the value holds, see
:mod:`.links`; a pasted ``[[{{ author }}]]`` is read as it) and ``tag``. Any error in a
template, at load or at render time, is a :class:`~excerpta.errors.ConfigError` naming the
template and the line (:mod:`.template_compiler` makes what Python cannot compile one). A
template may include, import or extend another file of the
templates folder (a file of macros), and nothing outside it. ``None`` (an undated
highlight's date) is written as nothing; so is a name that is no variable, with a warning
(:mod:`.template_undefined`).

In the Markdown templates (all but the file name and the front matter) every value a
``{{ … }}`` writes is made inert (:func:`excerpta.markdown_safety.defang`, as Jinja's
``finalize``), with its ends escaped where the text next to it could complete a construct
(:func:`~excerpta.markdown_safety.escape_edges`): a highlight cannot open a code fence, a
Dataview query, a Templater command, a comment or an HTML tag in the user's vault, alone or
next to another value, and ordinary Markdown in it is written as it is.
What the template itself says (a ``dataview`` block, say) is the user's and written as it is,
and so are the link targets excerpta makes (:class:`Verbatim`) and the text of a macro or a
``{% set %}`` block, whose values were made inert already (:mod:`.template_compiler`). What a
filter, a string method or an operator makes of a highlight's text is made inert as that text
is, and of a block's text once (:mod:`.template_kinds`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.runtime import new_context

from excerpta.file_names import name_bytes
from excerpta.markdown_safety import ListItemText, defang, escape_edges
from excerpta.writers.obsidian.dates import format_date, pluralize
from excerpta.writers.obsidian.links import SafeWikilinks, Verbatim, wikilink
from excerpta.writers.obsidian.template_compiler import SOURCE_FAULTS, NoteEnvironment, source_fault
from excerpta.writers.obsidian.template_frontmatter import FrontMatter
from excerpta.writers.obsidian.template_limits import RenderBudget, RenderLimits, counted
from excerpta.writers.obsidian.template_sources import (
    folder_files,
    helper_source,
    included_files,
    load_sources,
    template_error,
)
from excerpta.writers.obsidian.template_undefined import Warned, unknown_name_class

# The part each template file plays in a note (None: that part is empty).
Roles = dict[str, str | None]
DOCUMENT_NOTE: Roles = {
    "filename": "filename.jinja", "frontmatter": "frontmatter.yaml", "header": "header.md.jinja",
    "highlights_header": "highlights_header.md.jinja", "chapter": "chapter.md.jinja",
    "highlight": "highlight.md.jinja", "embed": None,
}
HIGHLIGHT_NOTE: Roles = {
    "filename": "highlight_filename.jinja", "frontmatter": "highlight_frontmatter.yaml",
    "header": "highlight_header.md.jinja", "highlights_header": None, "chapter": None,
    "highlight": "highlight.md.jinja", "embed": "embed.md.jinja",
}
TEMPLATE_FILES = tuple(dict.fromkeys(name for roles in (DOCUMENT_NOTE, HIGHLIGHT_NOTE)
                                     for name in roles.values() if name is not None))
# Not in a tag: what is neither a word character, "/", "-" nor an emoji (Obsidian takes them:
# the symbol blocks of emoji), but combining marks, which \w leaves out (see as_tag); and the
# punctuation blocks Obsidian refuses (\w has U+2E2F in one).
_TAG_INVALID = re.compile(r"(?:[^\w/\-\u2100-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff"
                          r"\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]"
                          r"|[\u2000-\u206f\u2e00-\u2e7f])+")
# An emoji's variation selector (U+FE0F, a mark, so kept) left alone where its symbol was not.
_LONE_SELECTOR = re.compile("(^|[-/])\ufe0f+")
# Joiners, which Obsidian refuses in a tag (U+200C, U+200D): dropped, the rest kept together
# (a family emoji its people side by side, not cut by "-").
_TAG_JOINERS = re.compile("[\u200c\u200d]")
_TAG_DASHES = re.compile(r"-{2,}")


def inert(value: object) -> object:
    """What a ``{{ … }}`` of a Markdown template writes for ``value`` (Jinja's ``finalize``)."""
    if type(value) is str or type(value) is ListItemText:
        return escape_edges(defang(value))
    if isinstance(value, Verbatim | jinja2.Undefined):
        return value
    if value is None:
        return ""  # an undated highlight's date: nothing, as date() gives, not "None"
    return escape_edges(defang(str(value)))  # a number, a date, a list of tags…


def _blank_none(value: object) -> object:
    """What a ``{{ … }}`` of the file-name templates writes for ``value``."""
    return "" if value is None else value


def as_tag(value: object) -> str:
    """An Obsidian tag: NFC, letters, digits, combining marks, emoji, ``_``, ``/`` and ``-``
    kept, joiners dropped, any other run of characters (spaces, punctuation) one ``-``; no
    ``#``, no empty level of a nested tag, at least one non-digit."""
    tag = _TAG_JOINERS.sub("", unicodedata.normalize("NFC", str(value).strip().lstrip("#")))
    tag = _LONE_SELECTOR.sub(r"\1", _TAG_INVALID.sub(_tag_separator, tag))
    # Each level of a nested tag ("a/b") a name: no empty one ("../../x" is "x", not "/-/x").
    tag = "/".join(level for level in (part.strip("-") for part in tag.split("/")) if level)
    if tag.isdigit():
        tag = "y" + tag
    return tag


def _tag_separator(run: re.Match[str]) -> str:
    # A vowel sign or virama (हिन्दी, தமிழ்) is part of its letter, not a separator: \w in Python
    # leaves the combining marks out, so they are put back here, around the "-" of the rest.
    kept = "".join(c if unicodedata.category(c)[0] == "M" else "-" for c in run.group())
    return _TAG_DASHES.sub("-", kept)


def _make_environment(sources: dict[str, str], limits: RenderLimits, folder: Path | None,
                      warned: Warned) -> NoteEnvironment:
    """The environment of a set of templates: ``sources`` by name, and the other files of
    ``folder`` a template includes or imports (:func:`.template_sources.helper_source`)."""

    def source_of(name: str) -> tuple[str, str, Callable[[], bool]]:
        if name not in sources:
            sources[name] = helper_source(folder, name)
        return sources[name], name, lambda: True

    env = NoteEnvironment(
        limits,
        loader=jinja2.FunctionLoader(source_of),
        undefined=unknown_name_class(warned),
        autoescape=False,
        keep_trailing_newline=True,
        extensions=[SafeWikilinks],
    )
    env.filters["date"] = format_date
    env.filters["pluralize"] = pluralize
    env.filters["wikilink"] = wikilink
    env.filters["tag"] = as_tag
    return env


@dataclass
class NoteTemplates:
    """The compiled templates of one kind of note (see :data:`DOCUMENT_NOTE`) and a
    fingerprint of their sources."""

    filename: jinja2.Template
    header: jinja2.Template
    highlights_header: jinja2.Template
    chapter: jinja2.Template
    highlight: jinja2.Template
    embed: jinja2.Template
    front_matter: FrontMatter
    fingerprint: str
    globals: dict[str, Any]  # the environment's globals (range, dict, namespace…)
    budget: RenderBudget  # what the current render has spent (see .template_limits)

    @property
    def frontmatter(self) -> list[tuple[str, int]]:
        """The (property, line) of each front-matter entry, in template order."""
        return self.front_matter.entries

    @staticmethod
    def budget_of(template: jinja2.Template) -> RenderBudget:
        """The budget ``template`` spends: its own set's (an embed's is the atomic set's, not
        the document set's it is rendered for)."""
        return template.environment.budget  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def load(cls, folder: Path | None = None, roles: Roles = DOCUMENT_NOTE,
             limits: RenderLimits = RenderLimits(),  # noqa: B008 (frozen)
             warned: Warned | None = None) -> NoteTemplates:
        """The default templates of ``roles``, overridden by the files found in ``folder``,
        each render bounded by ``limits``; an unknown name a template uses is warned about
        once per template and name held in ``warned`` (share it between the sets of a run).

        Raises ConfigError (naming the template and line) if one does not compile, or one
        includes a file that is not in ``folder``.
        """
        sources = load_sources(folder, TEMPLATE_FILES)
        env = _make_environment(sources, limits, folder, set() if warned is None else warned)
        # Each its own cache: a name compiled for one of them must not be served to another.
        markdown = env.overlay(finalize=counted(inert, env.budget), cache_size=len(TEMPLATE_FILES))
        markdown.inert_blocks = True  # type: ignore[attr-defined]
        names = env.overlay(finalize=counted(_blank_none, env.budget), cache_size=len(TEMPLATE_FILES))
        compiled = {}
        digest = hashlib.sha256()
        for role, name in roles.items():
            if name is not None:  # (the digest of the document note's set is as before roles)
                digest.update(name.encode() + b"\0" + sources[name].encode("utf-8") + b"\0")
            if role == "frontmatter":
                continue
            try:
                source = names if role == "filename" else markdown
                compiled[role] = source.get_template(name) if name else source.from_string("")
            except jinja2.TemplateSyntaxError as err:
                raise template_error(str(name), err) from None
            except SOURCE_FAULTS as err:  # (nested too deeply for what the compiler catches)
                raise template_error(str(name), source_fault(err, None, name)) from None
        roots = [name for role, name in roles.items() if name and role != "frontmatter"]
        helpers, computed = included_files(env, sources, roots)
        for helper in helpers:  # a change to one re-renders the notes too
            digest.update(helper.encode() + b"\0" + sources[helper].encode("utf-8") + b"\0")
        if computed and folder is not None:  # a file named at render time: any one it may include
            for relative, content in folder_files(folder):  # (a name that is not UTF-8 too)
                digest.update(name_bytes(relative) + b"\0" + content + b"\0")
        frontmatter = roles["frontmatter"] or ""
        return cls(
            **compiled,
            front_matter=FrontMatter.compile(env, sources.get(frontmatter, ""), frontmatter),
            fingerprint=digest.hexdigest(),
            globals=dict(env.globals),
            budget=env.budget,
        )

    def context(self, variables: dict[str, Any]) -> dict[str, Any]:
        """``variables`` with the environment's globals (``range``, ``namespace``…): what
        :meth:`render` takes. Build it once per document and extend it per highlight."""
        return {**self.globals, **variables}

    def render(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        """Render ``template`` with ``context`` (from :meth:`context`); any error it raises
        becomes a ConfigError naming the template and the line."""
        # Template.render() would copy the globals (a ChainMap: slow to copy) into every
        # context, and Template.new_context() still lists their keys: one render per highlight
        # makes either the largest cost of rendering a note. The context already holds the
        # globals (see context()); their key list only serves ``{% import %}``, which then
        # uses the imported template's own module, made from the same globals.
        prepared = new_context(template.environment, template.name, template.blocks, context, shared=True)
        budget = self.budget_of(template)
        budget.start()
        try:
            try:
                return budget.collect(template.root_render_func(prepared))  # type: ignore[attr-defined]
            except Exception:
                template.environment.handle_exception()  # re-raises with the template's line numbers
        # A template is the user's code: whatever it raises is their error to fix, not a crash.
        except Exception as err:
            raise template_error(str(template.name), err) from None

    def properties(self, context: dict[str, Any]) -> dict[str, Any]:
        """Evaluate the front-matter expressions (:meth:`.FrontMatter.properties`)."""
        return self.front_matter.properties(context, self.budget)
