"""The front-matter template read, compiled and evaluated: property name → a Jinja
expression's value.

The template is a YAML mapping of property name to Jinja expression
(:func:`frontmatter_entries`): each property name must be text on one line, given once.
Every expression becomes one ``set`` of a single template, as Jinja's own ``compile_expression`` does for
one, so a note's properties cost one render, not one per property; each assignment carries its
YAML line, so a failing expression names its line. A value is written with a YAML emitter,
never pasted into text; Obsidian shows no nested properties, so a value must be text, a
number, a date, true/false or a list of those. A name that is no variable (alone or as an item
of a list) is left out with a warning, as a ``{{ … }}`` writes it as nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import jinja2
import yaml
from jinja2 import nodes
from jinja2.parser import Parser

from excerpta.errors import ConfigError
from excerpta.writers.obsidian.template_compiler import SOURCE_FAULTS, source_fault
from excerpta.writers.obsidian.template_limits import LimitedEnvironment, RenderBudget, TemplateLimitError
from excerpta.writers.obsidian.template_sizes import text_size
from excerpta.writers.obsidian.template_sources import template_error

_BREAKS_AND_CONTROLS = frozenset({"Cc", "Zl", "Zp"})
# A front-matter value pasted from the Readwise plugin's template, "{{ expr }}" or
# "[[{{ expr }}]]" left unquoted (a property's or a list item's), which YAML would read as a
# mapping or a list: quoted before it is read (see frontmatter_entries).
_PASTED_VALUE = re.compile(r"^(?P<head>(?:[^\s#'\"-][^\n]*?:|[ \t]*-)[ \t]+)"
                           r"(?P<value>(?:\[\[)?\{\{[^\n]*\}\}(?:\]\])?)[ \t]*$", re.MULTILINE)
_INSIDE = r"(?:(?!\{\{|\}\})[^\n])+?"  # the expression of one {{ }}, without another in it
_WHOLE_EXPRESSION = re.compile(rf"\{{\{{[-+]?(?P<expression>{_INSIDE})[-+]?\}}\}}")
_WHOLE_LINK = re.compile(rf"\[\[\{{\{{[-+]?(?P<target>{_INSIDE})[-+]?\}}\}}"
                         rf"(?:\|\{{\{{[-+]?(?P<display>{_INSIDE})[-+]?\}}\}})?\]\]")
_FLAT_TYPES = (str, int, float, bool, date)
_PROPERTY_VAR = "excerpta_property_{}"  # where the values template leaves property number {}


@dataclass(frozen=True)
class FrontMatter:
    """A compiled front-matter template."""

    name: str  # the template's file name ("" for none)
    entries: list[tuple[str, int]]  # (property, line) in template order
    values: jinja2.Template  # assigns each property's value to _PROPERTY_VAR.format(i)

    @classmethod
    def compile(cls, env: LimitedEnvironment, source: str, name: str) -> FrontMatter:
        """The front matter of template ``name`` of ``source``, compiled in ``env``.

        Raises ConfigError naming the template and the line if an entry is not one expression.
        """
        entries, body = [], []
        for key, text, line in frontmatter_entries(source, name):
            parser = None
            try:  # (the Parser reads the first token already: a "#" or "@" fails there)
                parser = Parser(env, text, name=name, state="variable")
                expression = parser.parse_expression()
                if not parser.stream.eos:
                    raise jinja2.TemplateSyntaxError("chunk after expression", line, name)
            except SOURCE_FAULTS as err:  # (nested too deeply)
                raise template_error(name, source_fault(err, line, name), line) from None
            except jinja2.TemplateSyntaxError as err:
                if "{{" in text or "{%" in text:  # text with {{ }} in it, as the plugin's template has
                    raise ConfigError(f"template {name}, line {line}: the value of {key!r} is not one "
                                      f"expression ({frontmatter_format(name)})") from None
                raise template_error(name, err, line) from None
            expression.set_lineno(line, override=True)
            target = nodes.Name(_PROPERTY_VAR.format(len(entries)), "store", lineno=line)
            body.append(nodes.Assign(target, expression, lineno=line))
            entries.append((key, line))
        try:
            tree = env.limit(nodes.Template(body, lineno=1))
            tree.set_environment(env)
            code = env.compile(tree, name=name, filename=name)
        except SOURCE_FAULTS as err:
            raise template_error(name, source_fault(err, None, name)) from None
        except jinja2.TemplateSyntaxError as err:
            raise template_error(name, err) from None
        return cls(name, entries, env.template_class.from_code(env, code, env.make_globals(None)))

    def properties(self, context: dict[str, Any], budget: RenderBudget) -> dict[str, Any]:
        """Evaluate the expressions with ``context`` (spending ``budget``: the properties'
        names and values all told are bounded as a render's text); empty values (None, "", [])
        are left out, and so is a name that is no variable, with a warning.

        Raises ConfigError naming the template and line if one fails, is not a flat value or
        takes the properties past the bound.
        """
        template = self.values
        prepared = template.new_context(context, shared=True)
        budget.start()
        try:
            try:
                for _ in template.root_render_func(prepared):  # type: ignore[attr-defined]
                    pass
            except Exception:
                template.environment.handle_exception()
        # A template is the user's code: whatever it raises is their error to fix, not a crash.
        except Exception as err:
            raise template_error(self.name, err) from None
        values: dict[str, Any] = {}
        for index, (key, line) in enumerate(self.entries):
            value = prepared.vars[_PROPERTY_VAR.format(index)]
            if isinstance(value, jinja2.Undefined):
                _unknown(value, self.name, line, context)
                continue
            if isinstance(value, tuple | set | frozenset):
                value = list(value)
            if isinstance(value, list) and not all(isinstance(item, _FLAT_TYPES) for item in value):
                value = [item for item in value if not _unknown(item, self.name, line, context)]
                if value and not all(isinstance(item, _FLAT_TYPES) for item in value):
                    raise self._not_flat(key, line)
            if value is None or value == "" or value == []:
                continue
            if not isinstance(value, (list, *_FLAT_TYPES)):
                raise self._not_flat(key, line)
            # Each text was measured as it was made, but a list may repeat one, and many
            # properties of a text each within the bound would make a front matter past it.
            size = text_size(value, budget.characters)
            budget.made += len(key) + size
            try:
                if isinstance(value, list) and len(value) > 1:
                    budget.check_size(size, f"property {key!r}")
                budget.check_size(budget.made, f"the properties up to {key!r}")
            except TemplateLimitError as err:
                raise template_error(self.name, err, line) from None
            values[key] = value
        return values

    def _not_flat(self, key: str, line: int) -> ConfigError:
        return ConfigError(f"template {self.name}, line {line}: property {key!r} must be text, a number, "
                           "a date, true/false or a list of those (Obsidian shows no nested properties)")


def _unknown(value: object, template: str, line: int, context: dict[str, Any]) -> bool:
    """Whether ``value`` is a name that is no variable, warned about (once) if so."""
    if isinstance(value, jinja2.Undefined):
        value._warn_at(template, line, context)  # type: ignore[attr-defined]
        return True
    return False


def frontmatter_entries(source: str, name: str) -> list[tuple[str, str, int]]:
    """The (property, expression, line) of each entry of front-matter template ``name``, in
    order; ``line`` is the expression's.

    A value may also be spelled as in the Readwise plugin's front-matter template (quoted or
    not): ``{{ expr }}`` is ``expr``, ``[[{{ expr }}]]`` is ``expr | wikilink``; a YAML list's
    items are expressions too (``[title, full_title]``, ``["{{title}}", "{{full_title}}"]``).

    Raises ConfigError (naming the line) if ``source`` is not a YAML mapping, a property name
    is not text, is empty, spans lines or is given twice, or a value is not an expression.
    """
    try:
        node = yaml.compose(_PASTED_VALUE.sub(_quoted_value, source), Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = ValueError(f"not valid YAML ({getattr(err, 'problem', None) or 'cannot be read'})")
        raise template_error(name, problem, mark.line + 1 if mark else None) from None
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"template {name}: expected a mapping of property name to expression")
    entries: list[tuple[str, str, int]] = []
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line, line = key_node.start_mark.line + 1, value_node.start_mark.line + 1
        key = _property_name(key_node, name, key_line)
        if key in first_seen:
            raise ConfigError(f"template {name}, line {key_line}: property {key!r} is given twice "
                              f"(first on line {first_seen[key]})")
        first_seen[key] = key_line
        items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        if not items or not all(isinstance(item, yaml.ScalarNode) and str(item.value).strip()
                                for item in items):
            raise ConfigError(f"template {name}, line {line}: the value of {key!r} must be one Jinja "
                              f"expression or a list of them ({frontmatter_format(name)})")
        expressions = [_unwrapped(str(item.value)) for item in items]
        expression = expressions[0] if items[0] is value_node else \
            "[" + ", ".join(f"({text})" for text in expressions) + "]"
        entries.append((key, expression, line))
    return entries


def frontmatter_format(name: str) -> str:
    """What front-matter template ``name`` holds, with examples: the hint of its errors."""
    return (f"{name} maps each property to a Jinja expression, not to text with {{{{ }}}}: write "
            "`title: title`, `date: date|date('Y-m-d')`, `category: \"'#' ~ category\"`")


def _quoted_value(match: re.Match[str]) -> str:
    # A pasted "{{ expr }}" or "[[{{ expr }}]]" as a YAML string, on the same line.
    return match.group("head") + "'" + match.group("value").replace("'", "''") + "'"


def _unwrapped(value: str) -> str:
    """The expression a front-matter value stands for: itself, or the expression of a pasted
    ``{{ expr }}`` or ``[[{{ expr }}]]`` (``[[{{ target }}|{{ display }}]]``)."""
    text = value.strip()
    if whole := _WHOLE_EXPRESSION.fullmatch(text):
        return whole.group("expression").strip()
    if link := _WHOLE_LINK.fullmatch(text):
        display = link.group("display")
        return f"({link.group('target').strip()}) | wikilink" + (f"({display.strip()})" if display else "")
    return value


def _property_name(node: yaml.Node, name: str, line: int) -> str:
    """The property name a key node gives: text on one line (Obsidian's property names)."""
    if not isinstance(node, yaml.ScalarNode):
        raise ConfigError(f"template {name}, line {line}: a property name must be text, "
                          f"not a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}")
    key = str(node.value)
    if not key.strip():
        raise ConfigError(f"template {name}, line {line}: a property name must not be empty")
    if any(unicodedata.category(char) in _BREAKS_AND_CONTROLS for char in key):
        raise ConfigError(f"template {name}, line {line}: the property name {key!r} must be on one "
                          "line, without control characters")
    return key
