"""Where the note templates come from: the default ones, a templates folder, the files they
include.

A templates folder (option ``templates``) overrides the default template of each file it holds
under the template's own name (see :mod:`.templates`). A name that is almost one of them
(``Filename.jinja``, ``highlight.jinja``, ``frontmatter.yml``) would be ignored without a word
and every note written with the default instead, so it is an error, and so is a folder holding
no template at all; other files (a ``README.md``, a backup ``highlight.md.jinja.bak``) are
left alone. A template may include, import or extend another file of the folder by name
(:func:`helper_source`, :func:`included_files`), never one outside it.

Every error here is a :class:`~excerpta.errors.ConfigError` on one line naming the template
(and the line, when there is one): :func:`template_error`.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import jinja2
from jinja2 import nodes

from excerpta.errors import ConfigError

# The extensions a template file might have been given by mistake ("highlight.md" for
# "highlight.md.jinja"); a name ending otherwise (".bak", "~") is not taken for a template.
_TEMPLATE_LIKE = frozenset({"jinja", "jinja2", "j2", "md", "yaml", "yml", "txt", "tmpl", "tpl", "njk"})
# What no file a template includes ends with: an editor's backup or swap file ("x.jinja~",
# "x.jinja.bak", ".x.jinja.swp", ".#x.jinja"); nor is any hidden or in a hidden folder. Any other
# name may be included ("hl", "parts/hl.markdown"), as Jinja's own loaders allow.
BACKUP_EXTENSIONS = frozenset({"bak", "swp", "swo", "swx", "tmp", "orig", "rej", "old"})


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
            sources[name] = _read(path)
    return sources


def _read(path: Path) -> str:
    """The text of template file ``path``, without the byte order mark an editor may have
    saved it with (which would start every file name and line); line ends as ``\n``."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"template {path}: cannot be read ({err})") from None


def helper_source(folder: Path | None, name: str) -> str:
    """The source of ``name``, a file of ``folder`` other than the templates (a file of macros
    a template includes or imports).

    Raises jinja2.TemplateNotFound, saying why, if there is no such file or ``name`` would
    lead out of ``folder`` (an absolute path, ``..``, a link to elsewhere); ConfigError if
    it cannot be read.
    """
    if folder is None:
        raise jinja2.TemplateNotFound(name, f"{name!r} cannot be included: it is not a template name, "
                                            "and other files are read only from a templates folder")
    try:  # (a name with a NUL in it, or longer than the file system allows, is no file)
        root = folder.resolve()
        path = (root / name).resolve()
        inside = not Path(name).is_absolute() and ".." not in Path(name).parts and path.is_relative_to(root)
        found = inside and path.is_file()
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise jinja2.TemplateNotFound(name, f"{name!r} cannot be included: {reason}") from None
    if not inside:
        raise jinja2.TemplateNotFound(name, f"{name!r} cannot be included: only files inside the "
                                            f"templates folder {folder} can")
    if not found:
        raise jinja2.TemplateNotFound(name, f"{name!r} cannot be included: no such file in the "
                                            f"templates folder {folder}")
    if not is_helper_name(name):
        raise jinja2.TemplateNotFound(name, f"{name!r} cannot be included: an editor's backup or a "
                                            "hidden file, not a template")
    return _read(path)


def is_helper_name(name: str) -> bool:
    """Whether ``name`` (a path relative to the templates folder) may name a file a template
    includes: nothing hidden on its path, and no backup (``~``, :data:`BACKUP_EXTENSIONS` in
    any case)."""
    parts = Path(name).parts
    return bool(parts) and not any(part.startswith(".") for part in parts) and \
        not parts[-1].endswith("~") and \
        ("." not in parts[-1] or parts[-1].rsplit(".", 1)[-1].casefold() not in BACKUP_EXTENSIONS)


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


def included_files(env: jinja2.Environment, sources: dict[str, str],
                   roots: list[str]) -> tuple[list[str], bool]:
    """The files besides the templates (``sources``) that the templates ``roots`` include,
    import or extend, however indirectly, in order, each read into ``sources`` (by ``env``'s
    loader); and whether one is named by more than text (``{% include n %}``, a name made at
    render time: then any file of the folder may be one).

    Every text in a name's expression counts (``["a.jinja", "b.jinja"]``, ``"a.jinja" if x
    else "b.jinja"``); such a file that is missing is looked for again at render time.

    Raises ConfigError naming the template and line if a file named by text alone is not in
    the templates folder (unless included with ``ignore missing``) or one does not compile.
    """
    found: list[str] = []
    computed = False
    pending, seen = list(roots), set(roots)
    while pending:
        including = pending.pop()
        try:
            tree = env.parse(sources[including], including)
        except jinja2.TemplateSyntaxError as err:
            raise template_error(including, err) from None
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            names = [const.value for const in _texts(node.template)]
            alone = isinstance(node.template, nodes.Const)
            computed = computed or not all(isinstance(part, nodes.Const | nodes.List | nodes.Tuple)
                                           for part in _parts(node.template))
            for name in names:
                if name in seen:
                    continue
                if name not in sources:
                    try:
                        env.loader.get_source(env, name)  # type: ignore[union-attr]  (into sources)
                    except jinja2.TemplateNotFound as err:
                        if not alone or getattr(node, "ignore_missing", False):
                            continue
                        raise template_error(including, err, node.lineno) from None
                    found.append(name)
                seen.add(name)
                pending.append(name)
    return found, computed


def _parts(expression: nodes.Node) -> list[nodes.Node]:
    return [expression, *expression.find_all(nodes.Node)]


def _texts(expression: nodes.Node) -> list[nodes.Const]:
    """The text constants of ``expression``, itself included."""
    return [part for part in _parts(expression)
            if isinstance(part, nodes.Const) and isinstance(part.value, str)]


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    """Each file of ``folder`` and its subfolders a template may include (:func:`is_helper_name`:
    no backup, nothing hidden), by path relative to it, with its content; a file that cannot be
    read, or that is no text (a NUL in it: an image), is left out."""
    files = []
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))  # (not walked)
        for name in sorted(names):
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if not is_helper_name(relative):
                continue
            try:
                if path.is_file() and b"\0" not in (content := path.read_bytes()):
                    files.append((relative, content))
            except OSError:
                continue
    return sorted(files, key=lambda file: file[0].split("/"))  # (in path order, as the digest was)
