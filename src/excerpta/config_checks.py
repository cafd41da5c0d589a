"""The checks of a configuration that pydantic's validation of each value cannot make: against
the registry and across jobs, for :func:`excerpta.config.load_config`.

Each takes a validated :class:`~excerpta.config.Config` and returns nothing, or raises
ConfigError naming the job's key (``jobs[0].writers[1]: …``, an adapter's own message after
it; ``load_config`` adds the file and line):
:func:`check_adapters` the formats and options, :func:`check_outputs` two writers writing one
path or one folder inside the other, :func:`check_sources` two jobs reading one input in two
ways. Reading an input's first bytes to detect its format is all they touch of the disk
besides resolving paths.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.errors import ConfigError, ExcerptaError
from excerpta.preflight import check_options_apply

if TYPE_CHECKING:
    from excerpta.config import Config, SourceConfig, WriterConfig


def check_adapters(config: Config) -> None:
    """Each job's formats known and their options valid for them (a source's options only with
    its format named)."""
    for index, job in enumerate(config.jobs):
        where = f"jobs[{index}]"
        if job.source.format is None and job.source.options:
            raise ConfigError(f"{where}.source: options need a format{_format_hint(job.source.input)}")
        if job.source.format is not None:
            try:
                reader = registry.reader(job.source.format).from_options(job.source.options)
                check_options_apply(job.source.options, [reader])
            except ExcerptaError as err:
                raise ConfigError(f"{where}.source: {err}") from None
        for number, writer in enumerate(job.writers):
            try:
                adapter = registry.writer(writer.format).from_options(writer.options)
                check_options_apply(writer.options, [adapter])
            except ExcerptaError as err:
                raise ConfigError(f"{where}.writers[{number}]: {err}") from None


def check_outputs(config: Config) -> None:
    """Two writers (of one job or of two) writing one path would overwrite each other; two of
    one format, one writing inside the other's folder, would each take the other's files for
    its own past (a vault and a folder of it). Two jobs may share one writer (format, out and
    options alike): both write the state's one library there, each after reading its source
    (Kindle and Readwise into one vault), so each finds what the other wrote as its own."""
    seen: list[tuple[str, str, str, Path, object, int]] = []  # (real path, where, format, out, how, job)
    for index, job in enumerate(config.jobs):
        for number, writer in enumerate(job.writers):
            where = f"jobs[{index}].writers[{number}]"
            target = _real(writer.out, f"{where}: out")
            how = _written_as(writer)
            for other, other_where, other_format, other_out, other_how, other_job in seen:
                if target == other and how == other_how and other_job != index:
                    continue  # one writer, shared by two jobs
                if target == other:
                    raise ConfigError(f"{other_where} and {where} both write {writer.out}: they "
                                      "would overwrite each other; give each its own out (two jobs "
                                      "may share one writer: the same format and options)")
                if writer.format == other_format and (_inside(target, other) or _inside(other, target)):
                    inner, outer = ((writer.out, other_out) if _inside(target, other)
                                    else (other_out, writer.out))
                    raise ConfigError(f"{other_where} and {where} both write {writer.format}, {inner} inside "
                                      f"{outer}: each would take the other's files for its own; "
                                      "give them folders side by side")
            seen.append((target, where, writer.format, writer.out, how, index))


def _written_as(writer: WriterConfig) -> object:
    """How ``writer`` writes: its format and options (defaults filled in; as given where the
    format is unknown, which the check of options reports)."""
    try:
        return writer.format, registry.writer(writer.format).from_options(writer.options).options
    except ExcerptaError:
        return writer.format, writer.options


def check_sources(config: Config) -> None:
    """Jobs reading one input share the state's library and that input's read cursor: read
    with other options (another time zone, discarded highlights kept), each would undo the
    other's (every Readwise pull would be a full one). Options are compared as the reader
    takes them (defaults filled in), its format as detected where not given."""
    seen: dict[str, tuple[str, object]] = {}  # input as read: (where, how)
    for index, job in enumerate(config.jobs):
        where = f"jobs[{index}].source"
        source = job.source
        text = source.input.strip()
        key = text.lower() if text.endswith(":") else _real(Path(text), f"{where}: input")
        how = _read_as(source)
        other_where, other = seen.setdefault(key, (where, how))
        if other != how:
            raise ConfigError(f"{other_where} and {where} both read {source.input} but with another "
                              "format or options: they share one library and read cursor, so each "
                              "would undo the other's; give them the same, or make one job of both "
                              "with all the writers")


def _read_as(source: SourceConfig) -> object:
    """How ``source`` is read: its reader's name and options (as given, where the format is
    neither given nor detected now)."""
    try:
        reader = (registry.reader(source.format) if source.format is not None
                  else registry.detect_reader(InputProbe.of(source.input)))
        return reader.name, reader.from_options(source.options).options
    except (ExcerptaError, OSError):
        return source.format, source.options


def _real(path: Path, where: str) -> str:
    """``path`` as the file it names, however spelled (``~/x.json``, ``./x.json``, ``a/../x.json``,
    a link); raises ConfigError for ``~someone`` who is no user here."""
    try:
        return os.path.normcase(os.path.realpath(path.expanduser()))
    except RuntimeError:
        raise ConfigError(f"{where} {path}: no such user's home folder") from None


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _format_hint(source: str) -> str:
    # Options are checked against one reader now; a reader detected at run time could be
    # another (the file changed, or is not there yet), so the format must be named.
    try:
        name = registry.detect_reader(InputProbe.of(source)).name
    except (ExcerptaError, OSError):
        return ': add format = "…" (see `excerpta formats`)'
    return f': add format = "{name}" (detected from {source} now)'
