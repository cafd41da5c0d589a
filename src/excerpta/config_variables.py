"""Environment variables in the configuration's paths: ``$NAME`` and ``${NAME}`` replaced by
their values when the file is read, as :func:`os.path.expandvars` does, for every key that
names a file or folder (:func:`expand_paths`).

Unlike ``expandvars``, a variable that is not set, or set to nothing, is an error (a ``$HOME``
kept as written would make a folder named ``$HOME`` where the command runs, and an empty one
turns ``$VAULT/Readwise`` into ``/Readwise``), and ``$$`` is a ``$`` of the path itself. A ``~``
is left for each use of the path to expand, as before.
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from excerpta import registry
from excerpta.adapters import AdapterOptions
from excerpta.errors import ConfigError, ExcerptaError

# What expandvars takes for a variable (ASCII word characters; no "/" between braces), and "$$".
_VARIABLE = re.compile(r"\$(?:(\$)|(\w+)|\{([^}/]*)\})", re.ASCII)
# Where a path is: its location for messages, the table holding it, and its key there.
_PathValue = tuple[str, dict[str, Any], str]
_TABLE_PATHS = {"readwise": ("token_file",), "hypothesis": ("token_file",), "ingest": ("token_file", "inbox")}


def expand_variables(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with each ``$NAME`` and ``${NAME}`` replaced by its value in ``environ`` (the
    process's environment by default) and each ``$$`` by ``$``; raises ValueError naming the
    first variable that is not set or empty."""
    if "$" not in text:
        return text
    values = os.environ if environ is None else environ

    def value_of(match: re.Match[str]) -> str:
        if match[1]:
            return "$"
        name = match[2] if match[2] is not None else match[3]
        if not name:
            raise ValueError(f"{text!r}: '${{}}' names no variable (write $$ for a $ of the path)")
        if not values.get(name):
            state = "empty" if name in values else "not set"
            raise ValueError(f"{text!r} names the environment variable {name}, which is {state} "
                             "(write $$ for a $ of the path)")
        return values[name]

    return _VARIABLE.sub(value_of, text)


def expand_paths(raw: dict[str, Any]) -> dict[str, Any]:
    """The parsed configuration ``raw`` (as TOML gives it, not yet validated) with the
    variables of every path in it expanded (:func:`expand_variables`): ``state``, the
    ``token_file`` of ``[readwise]``, ``[hypothesis]`` and ``[ingest]``, ``[ingest] inbox``,
    each job's source ``input`` and writer ``out``, and the options their adapters type as a
    path (``templates``). A value of another type is left for validation to report. Raises
    ConfigError naming the key (``jobs[0].writers[1].out: …``)."""
    expanded = dict(raw)
    for where, container, key in _path_values(expanded):
        try:
            container[key] = expand_variables(container[key])
        except ValueError as err:
            raise ConfigError(f"{where}: {err}") from None
    return expanded


def _path_values(raw: dict[str, Any]) -> Iterator[_PathValue]:
    """``(location, table, key)`` of each path string of ``raw``, its tables copied on the way
    so that expanding one leaves what TOML gave (and messages read) untouched."""
    yield from _strings(raw, ("state",), "")
    for name, keys in _TABLE_PATHS.items():
        if isinstance(raw.get(name), dict):
            raw[name] = table = dict(raw[name])
            yield from _strings(table, keys, f"{name}.")
    jobs = raw.get("jobs")
    if not isinstance(jobs, list):
        return
    raw["jobs"] = jobs = [dict(job) if isinstance(job, dict) else job for job in jobs]
    for index, job in enumerate(jobs):
        if not isinstance(job, dict):
            continue
        if isinstance(job.get("source"), dict):
            job["source"] = source = dict(job["source"])
            yield from _strings(source, ("input",), f"jobs[{index}].source.")
            yield from _options(source, registry.reader, f"jobs[{index}].source.")
        if isinstance(job.get("writers"), list):
            job["writers"] = writers = [dict(w) if isinstance(w, dict) else w for w in job["writers"]]
            for number, writer in enumerate(writers):
                if isinstance(writer, dict):
                    yield from _strings(writer, ("out",), f"jobs[{index}].writers[{number}].")
                    yield from _options(writer, registry.writer, f"jobs[{index}].writers[{number}].")


def _strings(table: dict[str, Any], keys: tuple[str, ...], prefix: str) -> Iterator[_PathValue]:
    for key in keys:
        if isinstance(table.get(key), str):
            yield f"{prefix}{key}", table, key


def _options(section: dict[str, Any], adapter_named: Callable[[str], Any],
             prefix: str) -> Iterator[_PathValue]:
    """The path options of ``section`` (a source or writer table), by its adapter's options
    model; none where its format is not given or unknown (validation says so)."""
    if not isinstance(section.get("options"), dict) or not isinstance(section.get("format"), str):
        return
    try:
        model: type[AdapterOptions] = adapter_named(section["format"]).options_model
    except (KeyError, ExcerptaError):
        return
    section["options"] = options = dict(section["options"])
    paths = tuple(name for name, field in model.model_fields.items() if _is_path(field.annotation))
    yield from _strings(options, paths, f"{prefix}options.")


def _is_path(annotation: Any) -> bool:
    if annotation is Path:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(_is_path(arg) for arg in typing.get_args(annotation))
    return False
