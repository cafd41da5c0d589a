"""Where the note templates come from, and the front-matter template's mapping checked.

A templates folder (option ``templates``) overrides the default template of each file it holds
under the template's own name (see :mod:`.templates`). A name that is almost one of them
(``Filename.jinja``, ``highlight.jinja``, ``frontmatter.yml``) would be ignored without a word
and every note written with the default instead, so it is an error, and so is a folder holding
no template at all; other files (a ``README.md``, a backup ``highlight.md.jinja.bak``) are
left alone.

The front-matter template is a YAML mapping of property name to Jinja expression
(:func:`frontmatter_entries`): each property name must be text on one line, given once.
Every error here is a :class:`~excerpta.errors.ConfigError` on one line naming the template
(and the line, when there is one).
"""

from __future__ import annotations

import os
import traceback
import unicodedata
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import jinja2
import yaml

from excerpta.errors import ConfigError

# The extensions a template file might have been given by mistake ("highlight.md" for
# "highlight.md.jinja"); a name ending otherwise (".bak", "~") is not taken for a template.
_BREAKS_AND_CONTROLS = frozenset({"Cc", "Zl", "Zp"})
_TEMPLATE_LIKE = frozenset({"jinja", "jinja2", "j2", "md", "yaml", "yml", "txt", "tmpl", "tpl", "njk"})


def load_sources(folder: Path | None, names: Iterable[str]) -> dict[str, str]:
    """The source of each template of ``names``: the default, or the file of that name in
    ``folder``.

    Raises ConfigError if ``folder`` is missing or a file, holds none of ``names``, holds a
    file named almost like one of them, or a template cannot be read.
    """
    names = tuple(names)
    defaults = resources.files("excerpta.writers.obsidian") / "templates"
    sources = {name: (defaults / name).read_text(encoding="utf-8") for name in names}
    if folder is None:
        return sources
    if folder.is_file():
        raise ConfigError(f"templates folder {folder} is a file: give the folder holding the templates")
    if not folder.is_dir():
        raise ConfigError(f"templates folder {folder} does not exist")
    _check_file_names(folder, names)
    for name in names:
        path = folder / name
        if path.is_file():
            try:
                sources[name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise ConfigError(f"template {path}: cannot be read ({err})") from None
    return sources


def _check_file_names(folder: Path, names: tuple[str, ...]) -> None:
    """Raise ConfigError if ``folder`` holds a file named almost like a template, or none."""
    try:
        entries = sorted(entry.name for entry in folder.iterdir() if not entry.name.startswith("."))
    except OSError as err:
        raise ConfigError(f"templates folder {folder}: cannot be read ({err.strerror or err})") from None
    expected = ", ".join(names)
    by_stem = {_stem(name): name for name in names}
    for entry in entries:
        meant = by_stem.get(_stem(entry))
        if entry in names or meant is None or entry.rsplit(".", 1)[-1].casefold() not in _TEMPLATE_LIKE:
            continue
        if entry.casefold() == meant.casefold() and _same_file(folder / entry, folder / meant):
            continue  # a file system that ignores case finds it under its own name
        raise ConfigError(f"templates folder {folder}: {entry} is not a template name, did you mean "
                          f"{meant}? (the names are {expected})")
    if not any(name in names for name in entries):
        raise ConfigError(f"templates folder {folder} holds no template (the names are {expected})")


def _stem(name: str) -> str:
    # "Highlight-Filename.J2" and "highlight_filename.jinja" both mean highlight_filename.
    return name.split(".", 1)[0].casefold().replace("-", "_").replace(" ", "_")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _template_line(err: BaseException, name: str) -> int | None:
    lineno = getattr(err, "lineno", None)
    if isinstance(err, jinja2.TemplateSyntaxError) and lineno:
        return int(lineno)
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == name]
    return lines[-1] if lines else None


def template_error(name: str, err: BaseException, line: int | None = None) -> ConfigError:
    """The user error for ``err`` raised by template ``name``, naming the template and line."""
    line = line if line is not None else _template_line(err, name)
    where = f"template {name}" + (f", line {line}" if line else "")
    message = getattr(err, "message", None) or str(err) or type(err).__name__
    return ConfigError(f"{where}: {message}")


def frontmatter_entries(source: str, name: str) -> list[tuple[str, str, int]]:
    """The (property, expression, line) of each entry of front-matter template ``name``, in
    order; ``line`` is the expression's.

    Raises ConfigError (naming the line) if ``source`` is not a YAML mapping, a property name
    is not text, is empty, spans lines or is given twice, or a value is not one expression.
    """
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
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
        if not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
            raise ConfigError(f"template {name}, line {line}: the value of {key!r} "
                              "must be one Jinja expression")
        entries.append((key, str(value_node.value), line))
    return entries


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
